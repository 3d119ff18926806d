// Test helper: drives a rooms::Server with plain numbers for time and keeps
// what each connection received, decoded as JSON.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "wslab/rooms/server.hpp"

namespace wslab::rooms::testing {

using json = nlohmann::json;

class RoomsFixture {
 public:
  explicit RoomsFixture(Limits limits = {}) : server(limits) {}

  void open(ConnId c) { server.on_open(c, now.monotonic); }
  void send(ConnId c, std::string_view text) {
    Deliveries out;
    server.on_text(c, text, now, out);
    collect(out);
  }
  void send_json(ConnId c, const json& j) { send(c, std::string_view(j.dump())); }
  void close(ConnId c) {
    Deliveries out;
    server.on_close(c, out);
    collect(out);
  }
  // open + hello; returns the name the server assigned.
  std::string connect(ConnId c, const std::string& name) {
    open(c);
    send_json(c, json{{"type", "hello"}, {"name", name}});
    auto got = take(c);
    return got.empty() ? std::string() : got.back().value("name", std::string());
  }
  void join(ConnId c, const std::string& room) {
    send_json(c, json{{"type", "join"}, {"room", room}});
  }
  void say(ConnId c, const std::string& room, const std::string& text) {
    send_json(c, json{{"type", "say"}, {"room", room}, {"text", text}});
  }
  std::vector<json> take(ConnId c) {
    auto v = std::move(inbox[c]);
    inbox[c].clear();
    return v;
  }
  // The single event c received since the last take; fails the test otherwise.
  json one(ConnId c) {
    auto v = take(c);
    EXPECT_EQ(v.size(), 1u) << "events: " << json(v).dump();
    return v.empty() ? json() : v.front();
  }
  void forget_all() { inbox.clear(); }

  Server server;
  Now now{Millis{1000}, 1700000000000};
  std::map<ConnId, std::vector<json>> inbox;
  std::vector<Delivery> all;  // every delivery, in order

 private:
  void collect(const Deliveries& out) {
    for (const auto& d : out) {
      inbox[d.to].push_back(json::parse(*d.text));
      all.push_back(d);
    }
  }
};

}  // namespace wslab::rooms::testing
