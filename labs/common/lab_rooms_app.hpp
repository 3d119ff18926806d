// PROVIDED (lab 5): wslab.rooms.v1 on net's application interface, around
// YOUR sans-I/O pieces (labs/starter/src/rooms/): check_upgrade decides the
// handshake (§1: token, subprotocol), rooms::Server turns each text message
// into deliveries, and this adapter writes them. Binary messages close with
// 1003 (RFC 6455 §7.4.1); messages over Limits::max_message_bytes are the
// Session's 1009 (the limit is set in the server options). See
// docs/rooms-protocol.md.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "wslab/net/app.hpp"
#include "wslab/net/server.hpp"
#include "wslab/rooms/auth.hpp"
#include "wslab/rooms/server.hpp"

namespace wslab::labs {

class LabRoomsApp final : public net::App {
 public:
  explicit LabRoomsApp(rooms::Limits limits = {}, rooms::TokenSet tokens = {});

  net::UpgradeDecision on_upgrade(const net::UpgradeRequest& request) override;
  void on_open(net::Connection& c) override;
  void on_text(net::Connection& c, std::string_view text) override;
  void on_binary(net::Connection& c, std::string_view data) override;
  void on_close(net::Connection& c, const net::CloseInfo& info) override;

 private:
  void deliver(const rooms::Deliveries& out);

  rooms::TokenSet tokens_;
  rooms::Server engine_;
  std::unordered_map<rooms::ConnId, net::Connection*> open_;
};

// The server options a rooms app needs: the message limit, the subprotocol offered.
void configure_lab_rooms_server(net::ServerOptions& options, const rooms::Limits& limits);

// The rooms app, with the server options it needs (message limit, the subprotocol offered).
std::unique_ptr<net::App> make_lab_rooms_app(net::ServerOptions& options,
                                             const std::vector<std::string>& tokens = {});

}  // namespace wslab::labs
