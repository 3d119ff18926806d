// RedisRoomsApp: `wslab serve --rooms --redis URL`, one of several instances
// that share wslab.rooms.v1 rooms through Redis (docs/rooms-protocol.md §11,
// lesson 7, lab 6). The same engine (server.hpp) as RoomsApp, with a
// RedisRegistry; plus what only the app can do:
//  - writes what other instances said (pub/sub) to local members, in seq order;
//  - relays typing to other instances;
//  - while Redis is away: keeps serving local members, tells every client
//    with a status event ({"type":"status","component":"redis","state":"down"}),
//    holds joins and says (in arrival order, not acknowledged yet) and runs
//    them when Redis is back, after restoring what Redis lost, then
//    {"state":"up"}. Clients ignore the unknown type (§2), or show it.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "wslab/net/app.hpp"
#include "wslab/net/event_loop.hpp"
#include "wslab/result.hpp"
#include "wslab/rooms/auth.hpp"
#include "wslab/rooms/redis_link.hpp"
#include "wslab/rooms/redis_registry.hpp"
#include "wslab/rooms/server.hpp"

namespace wslab::rooms {

struct RedisRoomsOptions {
  Limits limits;
  TokenSet tokens;
  RedisUrl redis;
  std::string instance;  // empty: pid and a random number
};

class RedisRoomsApp final : public net::App {
 public:
  RedisRoomsApp(net::EventLoop& loop, RedisRoomsOptions options);

  net::UpgradeDecision on_upgrade(const net::UpgradeRequest& request) override;
  void on_open(net::Connection& c) override;
  void on_text(net::Connection& c, std::string_view text) override;
  void on_binary(net::Connection& c, std::string_view data) override;
  void on_close(net::Connection& c, const net::CloseInfo& info) override;

 private:
  void run(ConnId id, std::string_view text);
  void replay_held();
  void status(bool up, const std::string& why);
  void deliver(Deliveries& out);
  void drop(ConnId id, std::uint16_t code, std::string_view reason, Deliveries& out);

  Limits limits_;
  TokenSet tokens_;
  RedisRegistry* registry_;  // owned by engine_
  Server engine_;
  std::unique_ptr<RedisLink> link_;
  std::unordered_map<ConnId, net::Connection*> open_;
  std::deque<std::pair<ConnId, std::string>> held_;  // waiting for Redis, arrival order
  bool redis_up_ = false;
};

}  // namespace wslab::rooms
