// RoomsApp: the wslab.rooms.v1 server (docs/rooms-protocol.md) on net's
// application interface. It does what the sans-I/O engine (server.hpp)
// cannot: the handshake decision (token -> 401/403, subprotocol -> 400,
// §1), binary messages -> close 1003 (RFC 6455 §7.4.1), slow consumers ->
// close 1008 "slow consumer" (§8, §11), and the clocks.
// Message size (-> 1009, RFC 6455 §10.4) is the Session's limit: see
// configure_rooms_server().
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "wslab/net/app.hpp"
#include "wslab/net/server.hpp"
#include "wslab/result.hpp"
#include "wslab/rooms/auth.hpp"
#include "wslab/rooms/server.hpp"

namespace wslab::rooms {

struct RoomsAppOptions {
  Limits limits;
  TokenSet tokens;                         // empty: no authentication
  std::unique_ptr<RoomRegistry> registry;  // null: in memory
};

class RoomsApp final : public net::App {
 public:
  explicit RoomsApp(RoomsAppOptions options);

  net::UpgradeDecision on_upgrade(const net::UpgradeRequest& request) override;
  void on_open(net::Connection& c) override;
  void on_text(net::Connection& c, std::string_view text) override;
  void on_binary(net::Connection& c, std::string_view data) override;
  void on_close(net::Connection& c, const net::CloseInfo& info) override;

  [[nodiscard]] const Server& engine() const { return engine_; }
  [[nodiscard]] std::size_t slow_consumers_dropped() const { return slow_dropped_; }

 private:
  // Writes deliveries; members over the output bound are dropped, which may
  // produce presence events, written in turn.
  void deliver(Deliveries& out);
  // Forget a connection now (its rooms hear "disconnected") and close it.
  void drop(ConnId id, std::uint16_t code, std::string_view reason, Deliveries& out);

  Limits limits_;
  TokenSet tokens_;
  Server engine_;
  std::unordered_map<ConnId, net::Connection*> open_;  // on_open .. on_close, not dropped
  std::size_t slow_dropped_ = 0;
};

// Session limits the protocol needs on the server: messages over
// limits.max_message_bytes close with 1009, the subprotocol is offered, and
// a heartbeat finds dead peers (so presence "disconnected" is sent) when the
// caller configured none.
void configure_rooms_server(net::ServerOptions& options, const Limits& limits = {});

// For `wslab serve --rooms [--token T ...] [--token-file F]`: the tokens
// given on the command line plus those of the file (read here; a missing or
// empty file is an error with a readable message).
Result<std::unique_ptr<net::App>> make_rooms_app(const std::vector<std::string>& tokens,
                                                 const std::string& token_file);

}  // namespace wslab::rooms
