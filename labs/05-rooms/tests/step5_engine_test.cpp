// Lab 5, step 5: the rooms engine, conversation by conversation
// (docs/rooms-protocol.md §4-§8, §10). Text in, deliveries out, time passed in.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lab_test.hpp"
#include "wslab/rooms/server.hpp"

namespace wslab::rooms {
namespace {

using json = nlohmann::json;

WSLAB_LAB_SUITE(Lab5Engine);

// Drives the engine and keeps what each connection received, as JSON.
struct Chat {
  Server server;
  Now now{Millis{1000}, 1700000000000};
  std::map<ConnId, std::vector<json>> inbox;
  std::vector<std::string> log;  // "c1> ..." and "c2< ..." lines, for failure messages

  explicit Chat(Limits limits = {}) : server(limits) {}
  void open(ConnId c) { server.on_open(c, now.monotonic); }
  void send(ConnId c, const std::string& text) {
    log.push_back("c" + std::to_string(c) + "> " + text);
    Deliveries out;
    server.on_text(c, text, now, out);
    collect(out);
  }
  void close(ConnId c) {
    log.push_back("c" + std::to_string(c) + " disconnects");
    Deliveries out;
    server.on_close(c, out);
    collect(out);
  }
  std::string hello(ConnId c, const std::string& name) {
    open(c);
    send(c, json{{"type", "hello"}, {"name", name}}.dump());
    auto got = take(c);
    return got.empty() ? std::string() : got.back().value("name", std::string());
  }
  std::vector<json> take(ConnId c) {
    auto v = std::move(inbox[c]);
    inbox[c].clear();
    return v;
  }
  [[nodiscard]] std::string transcript() const {
    std::string s = "conversation:\n";
    for (const auto& l : log) s += "  " + l + "\n";
    return s;
  }

 private:
  void collect(const Deliveries& out) {
    for (const auto& d : out) {
      if (!d.text) continue;
      log.push_back("c" + std::to_string(d.to) + "< " + *d.text);
      json j = json::parse(*d.text, nullptr, false);
      if (j.is_discarded()) j = json{{"type", "(invalid JSON)"}, {"text", *d.text}};
      inbox[d.to].push_back(std::move(j));
    }
  }
};

std::string types(const std::vector<json>& v) {
  std::string s;
  for (const auto& j : v) s += (s.empty() ? "" : ", ") + j.value("type", std::string("?"));
  return s.empty() ? "nothing" : s;
}

TEST_F(Lab5Engine, HelloIsAnsweredWithWelcome) {
  Chat c;
  c.open(1);
  c.send(1, R"({"type":"hello","name":"alice","ref":1})");
  const auto got = c.take(1);
  ASSERT_EQ(got.size(), 1u) << c.transcript() << "expected: one welcome";
  EXPECT_EQ(got[0].value("type", ""), "welcome") << c.transcript();
  EXPECT_EQ(got[0].value("name", ""), "alice") << c.transcript();
  EXPECT_EQ(got[0].value("ref", 0), 1) << "the direct reply echoes ref (§2)\n" << c.transcript();
}

TEST_F(Lab5Engine, HelloFirstAndOnlyOnce) {
  Chat c;
  c.open(1);
  c.send(1, R"({"type":"ping","ref":1})");
  EXPECT_EQ(types(c.take(1)), "pong") << "ping is allowed before hello (§4)\n" << c.transcript();
  c.send(1, R"({"type":"join","room":"lobby"})");
  auto got = c.take(1);
  ASSERT_EQ(got.size(), 1u) << c.transcript();
  EXPECT_EQ(got[0].value("code", ""), "hello_required") << c.transcript();
  c.send(1, R"({"type":"hello","name":"alice"})");
  c.take(1);
  c.send(1, R"({"type":"hello","name":"alice"})");
  got = c.take(1);
  ASSERT_EQ(got.size(), 1u) << c.transcript();
  EXPECT_EQ(got[0].value("code", ""), "duplicate_hello") << c.transcript();
}

TEST_F(Lab5Engine, JoinAnswersJoinedAndTellsTheOthers) {
  Chat c;
  c.hello(1, "alice");
  c.hello(2, "bob");
  c.send(1, R"({"type":"join","room":"lobby"})");
  c.take(1);
  c.send(2, R"({"type":"join","room":"lobby","ref":"j"})");
  const auto bob = c.take(2);
  ASSERT_EQ(bob.size(), 1u) << c.transcript() << "expected bob: joined";
  EXPECT_EQ(bob[0].value("type", ""), "joined");
  EXPECT_EQ(bob[0]["members"], json({"alice", "bob"})) << "members sorted, the joiner included\n"
                                                       << c.transcript();
  EXPECT_EQ(bob[0].value("ref", ""), "j");
  const auto alice = c.take(1);
  ASSERT_EQ(alice.size(), 1u) << c.transcript() << "expected alice: a presence join";
  EXPECT_EQ(alice[0].value("type", ""), "presence");
  EXPECT_EQ(alice[0].value("name", ""), "bob");
  EXPECT_EQ(alice[0].value("action", ""), "join");
  EXPECT_FALSE(alice[0].contains("ref")) << "a ref is never copied into events others see (§2)\n"
                                         << c.transcript();
}

// §4.4, §6: every member, the sender included, gets the message with the next seq.
TEST_F(Lab5Engine, SayReachesEveryMemberWithTheNextSeq) {
  Chat c;
  c.hello(1, "alice");
  c.hello(2, "bob");
  c.hello(3, "carol");
  for (ConnId id : {1, 2}) c.send(id, R"({"type":"join","room":"lobby"})");
  c.take(1);
  c.take(2);
  c.send(1, R"({"type":"say","room":"lobby","text":"hi all","from":"mallory"})");
  c.send(2, R"({"type":"say","room":"lobby","text":"hello"})");
  for (ConnId id : {1, 2}) {
    const auto got = c.take(id);
    ASSERT_EQ(got.size(), 2u) << "member c" << id << " received " << types(got) << "\n"
                              << c.transcript();
    EXPECT_EQ(got[0].value("seq", 0), 1) << c.transcript();
    EXPECT_EQ(got[0].value("from", ""), "alice")
        << "from is the server-held name, never the client's (§3)\n"
        << c.transcript();
    EXPECT_EQ(got[1].value("seq", 0), 2) << c.transcript();
    EXPECT_EQ(got[0].value("ts", std::int64_t{0}), 1700000000000)
        << "ts is the server's clock (Now.unix_ms)";
  }
  EXPECT_EQ(types(c.take(3)), "nothing") << "isolation: carol is not in the room (§6.5)\n"
                                         << c.transcript();
}

TEST_F(Lab5Engine, ActingOutsideARoomIsNotMember) {
  Chat c;
  c.hello(1, "alice");
  for (const char* m :
       {R"({"type":"say","room":"lobby","text":"x"})", R"({"type":"leave","room":"lobby"})",
        R"({"type":"typing","room":"lobby","active":true})"}) {
    c.send(1, m);
    const auto got = c.take(1);
    ASSERT_EQ(got.size(), 1u) << c.transcript();
    EXPECT_EQ(got[0].value("code", ""), "not_member") << c.transcript();
  }
}

TEST_F(Lab5Engine, LeaveAndDisconnectAreAnnounced) {
  Chat c;
  c.hello(1, "alice");
  c.hello(2, "bob");
  c.hello(3, "carol");
  for (ConnId id : {1, 2, 3}) c.send(id, R"({"type":"join","room":"lobby"})");
  for (ConnId id : {1, 2, 3}) c.take(id);
  c.send(2, R"({"type":"leave","room":"lobby"})");
  EXPECT_EQ(types(c.take(2)), "left") << c.transcript();
  auto a = c.take(1);
  ASSERT_EQ(a.size(), 1u) << c.transcript();
  EXPECT_EQ(a[0].value("reason", ""), "left") << c.transcript();
  c.close(3);
  a = c.take(1);
  ASSERT_EQ(a.size(), 1u) << c.transcript() << "expected alice: presence leave for carol";
  EXPECT_EQ(a[0].value("name", ""), "carol");
  EXPECT_EQ(a[0].value("reason", ""), "disconnected") << c.transcript();
}

TEST_F(Lab5Engine, PrivateGoesToTheTargetAndTheSenderOnly) {
  Chat c;
  c.hello(1, "alice");
  c.hello(2, "bob");
  c.hello(3, "carol");
  c.send(1, R"({"type":"private","to":"bob","text":"psst"})");
  EXPECT_EQ(types(c.take(2)), "private") << c.transcript();
  EXPECT_EQ(types(c.take(1)), "private") << "the sender's copy is its confirmation\n"
                                         << c.transcript();
  EXPECT_EQ(types(c.take(3)), "nothing") << c.transcript();
  c.send(1, R"({"type":"private","to":"nobody","text":"x"})");
  const auto got = c.take(1);
  ASSERT_EQ(got.size(), 1u) << c.transcript();
  EXPECT_EQ(got[0].value("code", ""), "no_such_user") << c.transcript();
}

TEST_F(Lab5Engine, TypingGoesToTheOtherMembers) {
  Chat c;
  c.hello(1, "alice");
  c.hello(2, "bob");
  for (ConnId id : {1, 2}) c.send(id, R"({"type":"join","room":"lobby"})");
  c.take(1);
  c.take(2);
  c.send(1, R"({"type":"typing","room":"lobby","active":true})");
  EXPECT_EQ(types(c.take(1)), "nothing") << "not to the typist\n" << c.transcript();
  const auto b = c.take(2);
  ASSERT_EQ(b.size(), 1u) << c.transcript();
  EXPECT_EQ(b[0].value("from", ""), "alice");
  EXPECT_EQ(b[0].value("active", false), true);
}

// §7: joined with since, then the replayed messages, then live ones.
TEST_F(Lab5Engine, HistoryIsReplayedAfterJoined) {
  Chat c;
  c.hello(1, "alice");
  c.send(1, R"({"type":"join","room":"lobby"})");
  for (int i = 1; i <= 3; ++i)
    c.send(1, json{{"type", "say"}, {"room", "lobby"}, {"text", "m" + std::to_string(i)}}.dump());
  c.take(1);
  c.hello(2, "bob");
  c.send(2, R"({"type":"join","room":"lobby","since":1})");
  const auto got = c.take(2);
  ASSERT_EQ(got.size(), 3u) << "expected: joined, then messages 2 and 3\n" << c.transcript();
  EXPECT_EQ(got[0].value("type", ""), "joined");
  EXPECT_EQ(got[0].value("history", 0), 2);
  EXPECT_EQ(got[1].value("seq", 0), 2);
  EXPECT_EQ(got[1].value("history", false), true) << "replayed messages carry history:true\n"
                                                  << c.transcript();
  EXPECT_EQ(got[2].value("seq", 0), 3);
}

TEST_F(Lab5Engine, ErrorsChangeNothingAndKeepTheConnection) {
  Chat c;
  c.hello(1, "alice");
  c.send(1, R"({"type":"join","room":"bad room","ref":9})");
  auto got = c.take(1);
  ASSERT_EQ(got.size(), 1u) << c.transcript();
  EXPECT_EQ(got[0].value("code", ""), "bad_room");
  EXPECT_EQ(got[0].value("ref", 0), 9) << "the error carries the valid ref\n" << c.transcript();
  c.send(1, "{not json");
  EXPECT_EQ(c.take(1).at(0).value("code", ""), "bad_json") << c.transcript();
  c.send(1, R"({"type":"join","room":"lobby"})");
  EXPECT_EQ(types(c.take(1)), "joined") << "the connection still works after errors\n"
                                        << c.transcript();
}

// §9: a token bucket; at most one rate_limited error per second.
TEST_F(Lab5Engine, RateLimitDropsAndWarnsOncePerSecond) {
  Limits limits;
  limits.rate_burst = 5;
  limits.rate_per_second = 1;
  Chat c(limits);
  c.open(1);
  for (int i = 0; i < 10; ++i) c.send(1, R"({"type":"ping"})");
  const auto got = c.take(1);
  int pongs = 0;
  int limited = 0;
  for (const auto& j : got) {
    pongs += j.value("type", "") == "pong" ? 1 : 0;
    limited += j.value("code", "") == "rate_limited" ? 1 : 0;
  }
  EXPECT_EQ(pongs, 5) << "burst 5: five pings answered\n" << c.transcript();
  EXPECT_EQ(limited, 1) << "then one rate_limited error, the rest dropped silently\n"
                        << c.transcript();
}

}  // namespace
}  // namespace wslab::rooms
