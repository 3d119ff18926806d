// RoomsApp over real TCP on 127.0.0.1 (docs/rooms-protocol.md §1, §2, §8):
// what the sans-I/O engine cannot show: the handshake decision, the closes
// 1003/1009/1008, and that one reader who stalls does not stall the room.
// The wider protocol suite over TCP lives in the harness.
#include "wslab/rooms/rooms_app.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support.hpp"

namespace wslab::rooms {
namespace {

using json = nlohmann::json;
using net::test::Frame;
using net::test::RawClient;
using net::test::ReadEnd;
using net::test::ServerThread;

const std::string kOffer = "Sec-WebSocket-Protocol: wslab.rooms.v1";

net::ServerOptions options_for(const Limits& limits) {
  net::ServerOptions o;
  o.log = net::LogLevel::kQuiet;
  o.shutdown_timeout = Millis{1000};
  configure_rooms_server(o, limits);
  return o;
}

struct RoomsServerThread {
  explicit RoomsServerThread(Limits limits = {}, TokenSet tokens = {})
      : app(RoomsAppOptions{limits, std::move(tokens), nullptr}),
        thread(app, options_for(limits)) {}
  RoomsApp app;
  ServerThread thread;
};

// Reads frames until a text one; returns it as JSON (null on anything else).
json next_event(RawClient& c) {
  Frame f;
  while (c.read_frame(f) == ReadEnd::kFrame) {
    if (f.opcode == 1) return json::parse(f.payload);
    if (f.opcode == 8) return json();
  }
  return json();
}

// Reads until a Close frame; returns its code (0 if none came).
std::uint16_t close_code(RawClient& c) {
  Frame f;
  while (c.read_frame(f) == ReadEnd::kFrame) {
    if (f.opcode == 8) return f.close_code().value_or(0);
  }
  return 0;
}

bool say_hello(RawClient& c, std::uint16_t port, const std::string& name) {
  if (!c.connect(port) || !c.handshake("/rooms", {kOffer})) return false;
  c.send_frame(Opcode::kText, json{{"type", "hello"}, {"name", name}}.dump());
  return next_event(c)["type"] == "welcome";
}

// §1: the server selects wslab.rooms.v1.
TEST(RoomsApp, HandshakeSelectsTheSubprotocol) {
  RoomsServerThread s;
  RawClient c;
  ASSERT_TRUE(c.connect(s.thread.port()));
  ASSERT_TRUE(c.handshake("/rooms", {"Sec-WebSocket-Protocol: chat, wslab.rooms.v1"}));
  EXPECT_NE(c.response_head().find("Sec-WebSocket-Protocol: wslab.rooms.v1\r\n"), std::string::npos)
      << c.response_head();
}

// §1: a request not offering the subprotocol is refused with 400.
TEST(RoomsApp, HandshakeWithoutTheSubprotocolIs400) {
  RoomsServerThread s;
  RawClient c;
  ASSERT_TRUE(c.connect(s.thread.port()));
  EXPECT_FALSE(c.handshake("/rooms"));
  EXPECT_EQ(c.response_status(), 400);
}

// §1: with tokens configured: none -> 401, wrong -> 403, right -> 101.
TEST(RoomsApp, TokenIsCheckedInTheHandshake) {
  TokenSet tokens;
  tokens.add("s3cret");
  RoomsServerThread s(Limits{}, tokens);
  RawClient none;
  ASSERT_TRUE(none.connect(s.thread.port()));
  EXPECT_FALSE(none.handshake("/rooms", {kOffer}));
  EXPECT_EQ(none.response_status(), 401);
  EXPECT_NE(none.response_head().find("WWW-Authenticate: Bearer"), std::string::npos);
  RawClient wrong;
  ASSERT_TRUE(wrong.connect(s.thread.port()));
  EXPECT_FALSE(wrong.handshake("/rooms?token=guess", {kOffer}));
  EXPECT_EQ(wrong.response_status(), 403);
  RawClient right;
  ASSERT_TRUE(right.connect(s.thread.port()));
  EXPECT_TRUE(right.handshake("/rooms?token=s3cret", {kOffer}));
}

// §2/§8: a client message over 16 KiB closes with 1009.
TEST(RoomsApp, OversizeMessageCloses1009) {
  RoomsServerThread s;
  RawClient c;
  ASSERT_TRUE(say_hello(c, s.thread.port(), "big"));
  c.send_frame(Opcode::kText, std::string(20000, 'x'));
  EXPECT_EQ(close_code(c), 1009);
}

// §2: a binary message closes with 1003.
TEST(RoomsApp, BinaryMessageCloses1003) {
  RoomsServerThread s;
  RawClient c;
  ASSERT_TRUE(say_hello(c, s.thread.port(), "bin"));
  c.send_frame(Opcode::kBinary, "\x01\x02");
  EXPECT_EQ(close_code(c), 1003);
}

// §5.9: bad JSON gets an error event and the connection stays open.
TEST(RoomsApp, BadJsonIsAnErrorAndTheConnectionStays) {
  RoomsServerThread s;
  RawClient c;
  ASSERT_TRUE(c.connect(s.thread.port()));
  ASSERT_TRUE(c.handshake("/rooms", {kOffer}));
  c.send_frame(Opcode::kText, "{oops");
  EXPECT_EQ(next_event(c)["code"], "bad_json");
  c.send_frame(Opcode::kText, R"({"type":"ping","ref":1})");
  EXPECT_EQ(next_event(c), json::parse(R"({"type":"pong","ref":1})"));
}

// §4.4, §5.5: a conversation over TCP, and presence when a member's TCP goes.
TEST(RoomsApp, ConversationAndPresenceOnDisconnect) {
  RoomsServerThread s;
  RawClient a;
  RawClient b;
  ASSERT_TRUE(say_hello(a, s.thread.port(), "alice"));
  ASSERT_TRUE(say_hello(b, s.thread.port(), "bob"));
  a.send_frame(Opcode::kText, R"({"type":"join","room":"lobby"})");
  EXPECT_EQ(next_event(a)["type"], "joined");
  b.send_frame(Opcode::kText, R"({"type":"join","room":"lobby"})");
  EXPECT_EQ(next_event(b)["members"], json::parse(R"(["alice","bob"])"));
  EXPECT_EQ(next_event(a)["action"], "join");
  b.send_frame(Opcode::kText, R"({"type":"say","room":"lobby","text":"hi"})");
  auto at_a = next_event(a);
  auto at_b = next_event(b);
  EXPECT_EQ(at_a["from"], "bob");
  EXPECT_EQ(at_a["seq"], 1);
  EXPECT_EQ(at_a, at_b);
  b.send_close(1000);
  b.read_until_end();
  auto gone = next_event(a);
  EXPECT_EQ(gone["type"], "presence");
  EXPECT_EQ(gone["action"], "leave");
  EXPECT_EQ(gone["reason"], "disconnected");
}

// §8/§11: a member that never reads is dropped (close 1008 or TCP drop)
// while the others keep receiving every message.
TEST(RoomsApp, SlowConsumerIsDroppedAndTheOthersKeepReceiving) {
  Limits limits;
  limits.max_buffered_bytes = 64 * 1024;
  limits.rate_burst = 100000;
  limits.max_text_bytes = 60000;  // big messages: few round trips to fill the buffers
  limits.max_message_bytes = 65536;
  RoomsServerThread s(limits);
  RawClient speaker;
  RawClient reader;
  RawClient stalled;
  ASSERT_TRUE(say_hello(speaker, s.thread.port(), "speaker"));
  ASSERT_TRUE(say_hello(reader, s.thread.port(), "reader"));
  ASSERT_TRUE(stalled.connect(s.thread.port(), 4096));
  ASSERT_TRUE(stalled.handshake("/rooms", {kOffer}));
  stalled.send_frame(Opcode::kText, R"({"type":"hello","name":"stalled"})");
  stalled.send_frame(Opcode::kText, R"({"type":"join","room":"r"})");
  EXPECT_EQ(next_event(stalled)["type"], "welcome");
  EXPECT_EQ(next_event(stalled)["type"], "joined");
  // Wait for each joined: connections are read in any order by the server.
  for (RawClient* c : {&speaker, &reader}) {
    c->send_frame(Opcode::kText, R"({"type":"join","room":"r"})");
    EXPECT_EQ(next_event(*c)["type"], "joined");
  }
  // The stalled client reads nothing from here on.
  const std::string text(60000, 'x');
  const json say = {{"type", "say"}, {"room", "r"}, {"text", text}};
  // Until the stalled member is dropped (kernel buffers took ~3 MB here),
  // then 10 more to see the room flow on; at most 24 MB.
  constexpr int kMaxMessages = 400;
  std::uint64_t last_seq = 0;
  int received = 0;
  int sent = 0;
  int after_leave = 0;
  bool saw_leave = false;
  for (int i = 0; i < kMaxMessages && after_leave < 10; ++i) {
    if (saw_leave) ++after_leave;
    ++sent;
    ASSERT_TRUE(speaker.send_frame(Opcode::kText, say.dump()));
    // The reader keeps up; the speaker's own copies are drained as well.
    for (;;) {
      json e = next_event(reader);
      ASSERT_FALSE(e.is_null()) << "reader stalled at message " << i;
      if (e["type"] == "presence" && e["name"] == "stalled") saw_leave = true;
      if (e["type"] == "message") {
        EXPECT_EQ(e["seq"].get<std::uint64_t>(), last_seq + 1);
        last_seq = e["seq"].get<std::uint64_t>();
        ++received;
        break;
      }
    }
    for (;;) {
      json e = next_event(speaker);
      ASSERT_FALSE(e.is_null());
      if (e["type"] == "message") break;
    }
  }
  EXPECT_EQ(received, sent);
  EXPECT_TRUE(saw_leave) << "the stalled member was never dropped";
  std::size_t dropped = 0;
  ASSERT_TRUE(s.thread.call([&](net::Server&) { dropped = s.app.slow_consumers_dropped(); }));
  EXPECT_EQ(dropped, 1u);
}

}  // namespace
}  // namespace wslab::rooms
