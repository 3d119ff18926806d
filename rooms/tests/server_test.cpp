// docs/rooms-protocol.md §3-§9: the protocol engine, one rule per test.
#include <gtest/gtest.h>

#include <set>

#include "fixture.hpp"

namespace wslab::rooms {
namespace {

using testing::json;
using testing::RoomsFixture;

std::vector<std::uint64_t> message_seqs(const std::vector<json>& events) {
  std::vector<std::uint64_t> out;
  for (const auto& e : events) {
    if (e["type"] == "message") out.push_back(e["seq"].get<std::uint64_t>());
  }
  return out;
}

// §4.1/§5.1: hello is answered with welcome and the assigned name.
TEST(RoomsServer, HelloIsAnsweredWithWelcome) {
  RoomsFixture f;
  f.open(1);
  f.send(1, R"({"type":"hello","name":"alice","ref":1})");
  auto w = f.one(1);
  EXPECT_EQ(w["type"], "welcome");
  EXPECT_EQ(w["name"], "alice");
  EXPECT_EQ(w["protocol"], "wslab.rooms.v1");
  EXPECT_EQ(w["ref"], 1);
}

// §3: two users asking for the same name get different names.
TEST(RoomsServer, SecondUserWithATakenNameGetsASuffix) {
  RoomsFixture f;
  EXPECT_EQ(f.connect(1, "alice"), "alice");
  EXPECT_EQ(f.connect(2, "alice"), "alice-2");
}

// §4.1: anything but hello/ping before hello is hello_required.
TEST(RoomsServer, HelloIsRequiredFirst) {
  RoomsFixture f;
  f.open(1);
  f.send(1, R"({"type":"join","room":"r","ref":"j"})");
  auto e = f.one(1);
  EXPECT_EQ(e["code"], "hello_required");
  EXPECT_EQ(e["request"], "join");
  EXPECT_EQ(e["ref"], "j");
  // §8 order: the state check comes before member checks.
  f.send(1, R"({"type":"join"})");
  EXPECT_EQ(f.one(1)["code"], "hello_required");
}

// §4.7: ping works before hello (latency display while connecting).
TEST(RoomsServer, PingIsAllowedBeforeHello) {
  RoomsFixture f;
  f.open(1);
  f.send(1, R"({"type":"ping","ref":7})");
  EXPECT_EQ(f.one(1), json::parse(R"({"type":"pong","ref":7})"));
}

// §4.1: a second hello is duplicate_hello and keeps the first name.
TEST(RoomsServer, SecondHelloIsDuplicateHello) {
  RoomsFixture f;
  f.connect(1, "alice");
  f.send(1, R"({"type":"hello","name":"mallory"})");
  EXPECT_EQ(f.one(1)["code"], "duplicate_hello");
  EXPECT_EQ(*f.server.registry().name_of(1), "alice");
}

// §4.2/§5.2: joined lists the members, the joiner included.
TEST(RoomsServer, JoinIsAnsweredWithJoinedAndMembers) {
  RoomsFixture f;
  f.connect(1, "bob");
  f.connect(2, "alice");
  f.join(1, "lobby");
  f.take(1);
  f.send(2, R"({"type":"join","room":"lobby","ref":2})");
  EXPECT_EQ(f.one(2), json::parse(R"({"type":"joined","room":"lobby","seq":0,
      "members":["alice","bob"],"history":0,"truncated":false,"reset":false,"ref":2})"));
}

// §4.2/§5.5: the other members (not the joiner) get a presence join.
TEST(RoomsServer, JoinIsAnnouncedToTheOtherMembers) {
  RoomsFixture f;
  f.connect(1, "alice");
  f.connect(2, "bob");
  f.join(1, "lobby");
  f.take(1);
  f.join(2, "lobby");
  EXPECT_EQ(f.one(1),
            json::parse(R"({"type":"presence","room":"lobby","name":"bob","action":"join"})"));
  EXPECT_EQ(f.one(2)["type"], "joined");
}

// §4.2: joining again answers joined again and announces nothing.
TEST(RoomsServer, RejoinIsAnsweredWithoutPresence) {
  RoomsFixture f;
  f.connect(1, "alice");
  f.connect(2, "bob");
  f.join(1, "r");
  f.join(2, "r");
  f.forget_all();
  f.join(2, "r");
  EXPECT_EQ(f.one(2)["type"], "joined");
  EXPECT_TRUE(f.take(1).empty());
}

// §4.4/§6 rule 2: a say reaches every member, the sender included, with a seq.
TEST(RoomsServer, SayReachesEveryMemberIncludingTheSender) {
  RoomsFixture f;
  f.connect(1, "alice");
  f.connect(2, "bob");
  f.join(1, "r");
  f.join(2, "r");
  f.forget_all();
  f.say(1, "r", "hi");
  const auto expected = json::parse(
      R"({"type":"message","room":"r","seq":1,"from":"alice","text":"hi","ts":1700000000000})");
  EXPECT_EQ(f.one(1), expected);
  EXPECT_EQ(f.one(2), expected);
}

// §6 rule 5: a non-member receives nothing from a room (message, presence, typing).
TEST(RoomsServer, NonMembersReceiveNothing) {
  RoomsFixture f;
  f.connect(1, "alice");
  f.connect(2, "bob");
  f.connect(3, "eve");
  f.join(3, "elsewhere");
  f.take(3);
  f.join(1, "r");
  f.join(2, "r");
  f.say(1, "r", "secret");
  f.send(2, R"({"type":"typing","room":"r","active":true})");
  f.send(2, R"({"type":"leave","room":"r"})");
  f.close(1);
  EXPECT_TRUE(f.take(3).empty());
}

// §3: the sender is the server-held name; a client's `from` is ignored.
TEST(RoomsServer, SenderCannotBeSpoofed) {
  RoomsFixture f;
  f.connect(1, "alice");
  f.connect(2, "mallory");
  f.join(1, "r");
  f.join(2, "r");
  f.forget_all();
  f.send(2, R"({"type":"say","room":"r","text":"I am alice","from":"alice","seq":1000})");
  auto m = f.one(1);
  EXPECT_EQ(m["from"], "mallory");
  EXPECT_EQ(m["seq"], 1);
  f.send(2, R"({"type":"private","to":"alice","text":"x","from":"alice"})");
  EXPECT_EQ(f.take(1).at(0)["from"], "mallory");
  f.send(2, R"({"type":"typing","room":"r","active":true,"from":"alice"})");
  EXPECT_EQ(f.one(1)["from"], "mallory");
}

// §6 rule 2: every member sees the same messages in the same seq order, no gaps.
TEST(RoomsServer, EveryMemberSeesOneOrder) {
  RoomsFixture f;
  for (ConnId c = 1; c <= 4; ++c) {
    f.connect(c, "u" + std::to_string(c));
    f.join(c, "r");
  }
  f.forget_all();
  for (int i = 0; i < 30; ++i) {
    const auto speaker = static_cast<ConnId>(1 + (i * 7) % 4);
    f.say(speaker, "r", "m" + std::to_string(i));
  }
  std::vector<std::vector<json>> seen;
  for (ConnId c = 1; c <= 4; ++c) seen.push_back(f.take(c));
  std::vector<std::uint64_t> expected(30);
  for (std::uint64_t i = 0; i < 30; ++i) expected[i] = i + 1;
  for (const auto& s : seen) {
    EXPECT_EQ(message_seqs(s), expected);
    EXPECT_EQ(s, seen[0]);  // identical events, identical order
  }
}

// §5.5: a connection that ends leaves its rooms with reason "disconnected".
TEST(RoomsServer, DisconnectIsAnnouncedAsPresenceLeave) {
  RoomsFixture f;
  f.connect(1, "alice");
  f.connect(2, "bob");
  for (auto room : {"r1", "r2"}) {
    f.join(1, room);
    f.join(2, room);
  }
  f.forget_all();
  f.close(2);
  auto events = f.take(1);
  ASSERT_EQ(events.size(), 2u);
  std::set<std::string> rooms;
  for (const auto& e : events) {
    EXPECT_EQ(e["type"], "presence");
    EXPECT_EQ(e["name"], "bob");
    EXPECT_EQ(e["action"], "leave");
    EXPECT_EQ(e["reason"], "disconnected");
    rooms.insert(e["room"].get<std::string>());
  }
  EXPECT_EQ(rooms, (std::set<std::string>{"r1", "r2"}));
  EXPECT_FALSE(f.server.registry().find_user("bob"));
}

// §4.3: leave is answered with left; the others get presence leave "left".
TEST(RoomsServer, LeaveIsAnsweredAndAnnounced) {
  RoomsFixture f;
  f.connect(1, "alice");
  f.connect(2, "bob");
  f.join(1, "r");
  f.join(2, "r");
  f.forget_all();
  f.send(2, R"({"type":"leave","room":"r","ref":"x"})");
  EXPECT_EQ(f.one(2), json::parse(R"({"type":"left","room":"r","ref":"x"})"));
  EXPECT_EQ(f.one(1), json::parse(R"({"type":"presence","room":"r","name":"bob",
                                       "action":"leave","reason":"left"})"));
  f.say(1, "r", "gone?");
  EXPECT_TRUE(f.take(2).empty());
}

// §8 not_member: leave, say or typing in a room one is not in.
TEST(RoomsServer, ActingInARoomOneIsNotInIsNotMember) {
  RoomsFixture f;
  f.connect(1, "alice");
  for (auto text : {R"({"type":"leave","room":"k"})", R"({"type":"say","room":"k","text":"x"})",
                    R"({"type":"typing","room":"k","active":true})"}) {
    f.send(1, text);
    auto e = f.one(1);
    EXPECT_EQ(e["code"], "not_member") << text;
  }
}

// §7: a client that comes back with `since` gets what it missed, marked history.
TEST(RoomsServer, HistoryAfterReconnect) {
  RoomsFixture f;
  f.connect(1, "alice");
  f.connect(2, "carol");
  f.join(1, "lobby");
  f.join(2, "lobby");
  f.say(1, "lobby", "one");
  f.say(1, "lobby", "two");
  const auto last_seen = f.take(2).back()["seq"].get<std::uint64_t>();
  f.close(2);
  f.say(1, "lobby", "three");
  f.say(1, "lobby", "four");
  EXPECT_EQ(f.connect(3, "carol"), "carol");
  f.send_json(3, json{{"type", "join"}, {"room", "lobby"}, {"since", last_seen}});
  auto events = f.take(3);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0]["type"], "joined");
  EXPECT_EQ(events[0]["seq"], 4);
  EXPECT_EQ(events[0]["history"], 2);
  EXPECT_EQ(events[1]["text"], "three");
  EXPECT_EQ(events[1]["seq"], 3);
  EXPECT_EQ(events[1]["history"], true);
  EXPECT_EQ(events[2]["text"], "four");
  EXPECT_EQ(events[2]["history"], true);
}

// §6 rule 4: joined, then exactly `history` replayed messages, then live ones.
TEST(RoomsServer, ReplayComesBeforeLiveMessages) {
  RoomsFixture f;
  f.connect(1, "alice");
  f.join(1, "r");
  for (int i = 0; i < 3; ++i) f.say(1, "r", "old");
  f.connect(2, "bob");
  f.send(2, R"({"type":"join","room":"r","since":0})");
  f.say(1, "r", "new");
  auto events = f.take(2);
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0]["history"], 3);
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(events[static_cast<std::size_t>(i)]["history"], true);
  EXPECT_FALSE(events[4].contains("history"));
  EXPECT_EQ(message_seqs(events), (std::vector<std::uint64_t>{1, 2, 3, 4}));
}

// §4.5: a private message reaches its target and the sender, nobody else.
TEST(RoomsServer, PrivateReachesOnlyItsTarget) {
  RoomsFixture f;
  f.connect(1, "alice");
  f.connect(2, "bob");
  f.connect(3, "eve");
  for (ConnId c : {1, 2, 3}) f.join(c, "r");
  f.forget_all();
  f.send(1, R"({"type":"private","to":"bob","text":"psst"})");
  const auto expected = json::parse(
      R"({"type":"private","from":"alice","to":"bob","text":"psst","ts":1700000000000})");
  EXPECT_EQ(f.one(2), expected);
  EXPECT_EQ(f.one(1), expected);
  EXPECT_TRUE(f.take(3).empty());
}

// §4.5: to oneself, one copy.
TEST(RoomsServer, PrivateToOneselfIsDeliveredOnce) {
  RoomsFixture f;
  f.connect(1, "alice");
  f.send(1, R"({"type":"private","to":"alice","text":"note"})");
  EXPECT_EQ(f.one(1)["type"], "private");
}

// §8 no_such_user: nobody connected has that name.
TEST(RoomsServer, PrivateToAnUnknownUserIsNoSuchUser) {
  RoomsFixture f;
  f.connect(1, "alice");
  f.send(1, R"({"type":"private","to":"nobody","text":"?"})");
  auto e = f.one(1);
  EXPECT_EQ(e["code"], "no_such_user");
  EXPECT_EQ(e["request"], "private");
}

// §4.6: typing goes to the room's other members only.
TEST(RoomsServer, TypingGoesToTheOtherMembersOnly) {
  RoomsFixture f;
  f.connect(1, "alice");
  f.connect(2, "bob");
  f.join(1, "r");
  f.join(2, "r");
  f.forget_all();
  f.send(1, R"({"type":"typing","room":"r","active":true})");
  EXPECT_EQ(f.one(2), json::parse(R"({"type":"typing","room":"r","from":"alice","active":true})"));
  EXPECT_TRUE(f.take(1).empty());
}

// §5.9: an error answers only the sender; the next message works as usual.
TEST(RoomsServer, ErrorsKeepTheConnectionUsable) {
  RoomsFixture f;
  f.connect(1, "alice");
  f.join(1, "r");
  f.take(1);
  f.send(1, "{not json");
  EXPECT_EQ(f.one(1)["code"], "bad_json");
  f.send(1, R"({"type":"shout"})");
  EXPECT_EQ(f.one(1)["code"], "unknown_type");
  f.say(1, "r", "still here");
  EXPECT_EQ(f.one(1)["text"], "still here");
}

// §5.9: a failed message has no effect (no sequence number used).
TEST(RoomsServer, AFailedMessageChangesNothing) {
  RoomsFixture f;
  f.connect(1, "alice");
  f.join(1, "r");
  f.send_json(1, json{{"type", "say"}, {"room", "r"}, {"text", std::string(5000, 'x')}});
  f.say(1, "r", "first");
  auto events = f.take(1);
  EXPECT_EQ(events.at(1)["code"], "too_long");
  EXPECT_EQ(events.at(2)["seq"], 1);
}

// §9: over the rate, messages are dropped with at most one rate_limited per second.
TEST(RoomsServer, RateLimitDropsAndWarnsOncePerSecond) {
  Limits l;
  l.rate_burst = 3;
  l.rate_per_second = 1;
  RoomsFixture f(l);
  f.open(1);
  for (int i = 0; i < 10; ++i) f.send(1, R"({"type":"ping"})");
  auto events = f.take(1);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[3]["code"], "rate_limited");
  f.now.monotonic += Millis{1000};  // one token back, and a new warning allowed
  f.send(1, R"({"type":"ping"})");
  f.send(1, R"({"type":"ping"})");
  events = f.take(1);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["type"], "pong");
  EXPECT_EQ(events[1]["code"], "rate_limited");
}

// §9: more than 16 rooms for one connection is too_many_rooms.
TEST(RoomsServer, TooManyRoomsIsAnError) {
  RoomsFixture f;
  f.connect(1, "alice");
  for (int i = 0; i < 16; ++i) f.join(1, "r" + std::to_string(i));
  f.take(1);
  f.join(1, "one-too-many");
  EXPECT_EQ(f.one(1)["code"], "too_many_rooms");
}

// §2: the direct replies echo ref (welcome, joined, left, pong, error).
TEST(RoomsServer, DirectRepliesEchoRef) {
  RoomsFixture f;
  f.open(1);
  f.send(1, R"({"type":"hello","ref":"h"})");
  EXPECT_EQ(f.one(1)["ref"], "h");
  f.send(1, R"({"type":"join","room":"r","ref":"j"})");
  EXPECT_EQ(f.one(1)["ref"], "j");
  f.send(1, R"({"type":"say","room":"r","text":"t","ref":"s"})");
  EXPECT_FALSE(f.one(1).contains("ref")) << "broadcasts never carry a ref";
  f.send(1, R"({"type":"leave","room":"r","ref":"l"})");
  EXPECT_EQ(f.one(1)["ref"], "l");
  f.send(1, R"({"type":"leave","room":"r","ref":"e"})");
  EXPECT_EQ(f.one(1)["ref"], "e");
}

// §4.1: no proposal gives a guest name.
TEST(RoomsServer, HelloWithoutNameGetsAGuestName) {
  RoomsFixture f;
  f.open(1);
  f.send(1, R"({"type":"hello"})");
  EXPECT_EQ(f.one(1)["name"], "guest-1");
}

// §11: one event is encoded once and the same text goes to every member.
TEST(RoomsServer, FanOutSharesOneEncodedText) {
  RoomsFixture f;
  for (ConnId c = 1; c <= 3; ++c) {
    f.connect(c, "u" + std::to_string(c));
    f.join(c, "r");
  }
  f.all.clear();
  f.say(1, "r", "x");
  ASSERT_EQ(f.all.size(), 3u);
  EXPECT_EQ(f.all[0].text.get(), f.all[1].text.get());
  EXPECT_EQ(f.all[1].text.get(), f.all[2].text.get());
}

// Harness goal "100 clients x 100 messages, nothing lost", at the engine level:
// every client gets all 10000 messages, in seq order 1..10000.
TEST(RoomsServer, HundredClientsHundredMessagesNothingLost) {
  Limits l;
  l.rate_burst = 1000;
  Server server(l);
  Now now{Millis{0}, 0};
  constexpr ConnId kClients = 100;
  Deliveries out;
  for (ConnId c = 1; c <= kClients; ++c) {
    server.on_open(c, now.monotonic);
    server.on_text(c, R"({"type":"hello"})", now, out);
    server.on_text(c, R"({"type":"join","room":"big"})", now, out);
  }
  out.clear();
  std::vector<std::shared_ptr<const std::string>> keep;  // keeps the texts (and addresses) alive
  std::vector<const std::string*> said;                  // each say's one shared text, in order
  std::map<ConnId, std::vector<const std::string*>> received;
  for (int i = 0; i < 100; ++i) {
    for (ConnId c = 1; c <= kClients; ++c) {
      server.on_text(c, R"({"type":"say","room":"big","text":"m"})", now, out);
      ASSERT_FALSE(out.empty());
      keep.push_back(out.front().text);
      said.push_back(out.front().text.get());
      for (const auto& d : out) received[d.to].push_back(d.text.get());
      out.clear();
    }
  }
  for (std::size_t i = 0; i < said.size(); ++i) {
    ASSERT_EQ(json::parse(*said[i])["seq"], i + 1);
  }
  for (ConnId c = 1; c <= kClients; ++c) {
    ASSERT_EQ(received[c], said) << "client " << c;
  }
}

// Closing a connection that never opened or said hello is harmless.
TEST(RoomsServer, ClosingAnUnknownConnectionIsHarmless) {
  RoomsFixture f;
  f.close(42);
  f.open(43);
  f.close(43);
  EXPECT_EQ(f.server.connection_count(), 0u);
  EXPECT_TRUE(f.all.empty());
}

// §5.4: ts is the wall clock passed in, not read by the engine.
TEST(RoomsServer, TimestampsComeFromTheCaller) {
  RoomsFixture f;
  f.connect(1, "alice");
  f.join(1, "r");
  f.take(1);
  f.now.unix_ms = 42;
  f.say(1, "r", "t");
  EXPECT_EQ(f.one(1)["ts"], 42);
}

}  // namespace
}  // namespace wslab::rooms
