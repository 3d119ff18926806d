// A WebSocket client on the event loop (RFC 6455 §4.1 client role): parse a
// ws:// URL, connect (trying each resolved address), run the opening
// handshake through a Session, then hand events to an App exactly like the
// server does. One Client = one connection. The outcome tells a caller (the
// `wslab client` command, tests) how it ended: a clean close, a refused
// connection, a refused handshake (with the HTTP status), a timeout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wslab/net/app.hpp"
#include "wslab/net/connection.hpp"
#include "wslab/net/event_loop.hpp"
#include "wslab/net/socket.hpp"
#include "wslab/net/url.hpp"
#include "wslab/result.hpp"
#include "wslab/session.hpp"

namespace wslab::net {

struct ClientOptions {
  std::string url;  // ws://host[:port]/path
  // Limits, heartbeat, close timeout. role is forced to kClient; the
  // handshake request's host and path come from the URL.
  SessionConfig session;
  std::string origin;                     // Origin header, "" = none
  std::vector<std::string> subprotocols;  // Sec-WebSocket-Protocol, preference order
  Millis connect_timeout{5000};           // TCP connect + opening handshake
  std::size_t max_write_buffer = 4u << 20;
  Millis linger_timeout{2000};
  LogLevel log = LogLevel::kQuiet;
  bool stop_loop_when_done = true;
};

enum class ClientOutcome : std::uint8_t {
  kRunning,
  kClosed,             // the connection opened and then closed (see close_info())
  kConnectFailed,      // DNS or TCP failure (refused, unreachable)
  kHandshakeRejected,  // the server answered, but not with a valid 101
  kTimeout,            // connect + handshake took longer than connect_timeout
};

class Client final : public IoHandler, public TimerHandler, public ConnectionOwner {
 public:
  Client(EventLoop& loop, App& app, ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Parses the URL, resolves the host and starts connecting. An error here
  // (bad URL, unknown host) means nothing was started.
  Status start();

  // The connection, once TCP is up (nullptr before and after it is gone).
  Connection* connection();
  [[nodiscard]] ClientOutcome outcome() const { return outcome_; }
  [[nodiscard]] bool done() const { return outcome_ != ClientOutcome::kRunning; }
  // A sentence for the user: "connection refused (127.0.0.1:9)", ...
  [[nodiscard]] const std::string& failure() const { return failure_; }
  [[nodiscard]] int handshake_status() const { return handshake_status_; }
  [[nodiscard]] const std::optional<CloseInfo>& close_info() const { return close_info_; }
  [[nodiscard]] bool opened() const { return opened_; }
  [[nodiscard]] const WsUrl& url() const { return url_; }

  void on_io(std::uint32_t events) override;  // the pending connect
  void on_timer(std::uint64_t key, Millis now) override;
  void on_connection_finished(Connection& c) override;

 private:
  class Watch;  // App adapter that records the outcome
  void try_next_address();
  void finish(ClientOutcome outcome, std::string failure);

  EventLoop& loop_;
  App& app_;
  ClientOptions options_;
  std::unique_ptr<Watch> watch_;
  ConnectionContext ctx_;
  WsUrl url_;
  std::vector<SocketAddress> addresses_;
  std::size_t next_address_ = 0;
  Fd connecting_;
  std::string connect_errors_;
  std::unique_ptr<Connection> conn_;
  ClientOutcome outcome_ = ClientOutcome::kRunning;
  std::string failure_;
  int handshake_status_ = 0;
  std::optional<CloseInfo> close_info_;
  bool opened_ = false;
};

}  // namespace wslab::net
