// The application interface: what a WebSocket server (or client) plugs into net.
// net owns the sockets, the Session (RFC 6455 state machine, wslab_core) and
// the buffers; an App only sees handshakes and messages:
//
//   on_upgrade     a valid opening handshake (§4.2.1) awaits a decision:
//                  accept (choosing a subprotocol, §4.2.2 item 5.4) or reject
//                  with an HTTP status (401/403 for a bad token ...);
//   on_plain_http  a GET without "Upgrade: websocket" (static files);
//   on_open / on_text / on_binary / on_ping / on_pong / on_close;
//   on_tick        periodic (the server's tick interval).
//
// Re-entrancy rule: nothing an App calls (send_*, close) calls back into the
// App. Callbacks about a connection are delivered from the loop, never from
// inside another callback, so an App may iterate its own containers freely
// while it sends. A Connection& stays valid from on_open until on_close returns.
// EchoApp (echo_app.hpp) is the reference implementation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wslab/http.hpp"
#include "wslab/time.hpp"

namespace wslab::net {

class Connection;

struct UpgradeRequest {
  const HttpRequest& request;  // method, target, headers as parsed
  std::string_view path;       // the request-target, e.g. "/room/1?token=x"
  const std::vector<std::string>& client_subprotocols;  // Sec-WebSocket-Protocol, client's order
  // The first of the server's configured subprotocols (--subprotocol, in the
  // server's preference order) that the client offered; empty if none.
  std::string_view suggested_subprotocol;
};

struct UpgradeDecision {
  bool accepted = true;
  std::string subprotocol;  // accepted: the one to select (empty: none)
  int status = 0;           // rejected: 400..599
  std::string body;         // rejected: a short text/plain explanation
  std::vector<HttpHeader> headers;

  static UpgradeDecision accept(std::string subprotocol = {}) {
    UpgradeDecision d;
    d.subprotocol = std::move(subprotocol);
    return d;
  }
  static UpgradeDecision reject(int status, std::string body = {}) {
    UpgradeDecision d;
    d.accepted = false;
    d.status = status;
    d.body = std::move(body);
    return d;
  }
};

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<HttpHeader> headers;
};

// How a connection ended, as on_close reports it (RFC 6455 §7.1.5-§7.1.6).
struct CloseInfo {
  std::uint16_t code = 1006;  // the peer's code; 1005 none given; 1006 abnormal
  std::string reason;
  bool clean = false;  // both Close frames were exchanged (§7.1.4: "cleanly")
};

class App {
 public:
  virtual ~App() = default;

  // Server. Default: accept with the suggested subprotocol.
  virtual UpgradeDecision on_upgrade(const UpgradeRequest& request) {
    return UpgradeDecision::accept(std::string(request.suggested_subprotocol));
  }
  // Server. Return true to receive plain HTTP GETs in on_plain_http; when no
  // app nor web root serves them, the server answers 426 Upgrade Required.
  [[nodiscard]] virtual bool serves_plain_http() const { return false; }
  // nullopt: not handled here (the server tries its --web-root, then 404).
  virtual std::optional<HttpReply> on_plain_http(const HttpRequest& /*request*/) {
    return std::nullopt;
  }

  virtual void on_open(Connection& /*c*/) {}
  virtual void on_text(Connection& /*c*/, std::string_view /*text*/) {}
  virtual void on_binary(Connection& /*c*/, std::string_view /*data*/) {}
  // The Pong is already queued by the Session (§5.5.2); this is for logging.
  virtual void on_ping(Connection& /*c*/, std::string_view /*payload*/) {}
  virtual void on_pong(Connection& /*c*/, std::string_view /*payload*/) {}
  // Called once for every connection that saw on_open (clean or not).
  virtual void on_close(Connection& /*c*/, const CloseInfo& /*info*/) {}
  // Client: the server refused the opening handshake (status, why).
  // Server: we refused one (status sent). No on_open/on_close follow.
  virtual void on_handshake_failed(Connection& /*c*/, int /*status*/, std::string_view /*reason*/) {
  }
  // Periodic; the interval is the server's tick_interval.
  virtual void on_tick(Millis /*now*/) {}
};

}  // namespace wslab::net
