// Lab 6, steps 2-4: members on different instances talk as if on one server:
// one sequence counter per room (docs/rooms-protocol.md §6), fan-out through
// pub/sub with isolation (§6.5), history after reconnecting elsewhere (§7),
// presence (§5.5) and private messages (§4.5) across instances.
#include <set>
#include <string>

#include "cluster.hpp"

namespace wslab::rooms {
namespace {

using namespace std::chrono_literals;
using labtest::json;
using labtest::Member;

class Lab6Say : public labtest::Cluster {};
class Lab6FanOut : public labtest::Cluster {};
class Lab6Presence : public labtest::Cluster {};

// Opens `m` on instance `i` as `name` and joins `room`; returns the joined event.
#define OPEN_AND_JOIN(m, i, name, room)                              \
  ASSERT_TRUE((m).open(port(i), name)) << (m).error();               \
  ASSERT_EQ((m).join(room).value("type", ""), "joined")              \
      << name << " on instance " << (i) + 1 << " sent join " << room \
      << "\nexpected: joined\nreceived:" << (m).transcript()

// Step 2: the sequence number comes from Redis, so two instances never hand out the same one.
TEST_F(Lab6Say, SequenceNumbersAreOneCounterForAllInstances) {
  Member a;
  Member b;
  OPEN_AND_JOIN(a, 0, "alice", "lobby");
  OPEN_AND_JOIN(b, 1, "bob", "lobby");
  const json first = a.say("lobby", "one");
  ASSERT_FALSE(first.empty()) << "alice (instance 1) said \"one\": no message event came back"
                              << "\nreceived:" << a.transcript();
  const json second = b.say("lobby", "two");
  ASSERT_FALSE(second.empty()) << "bob (instance 2) said \"two\": no message event came back"
                               << "\nreceived:" << b.transcript();
  EXPECT_EQ(first.value("seq", 0), 1) << first.dump();
  EXPECT_EQ(second.value("seq", 0), 2)
      << "the room's second message, said on another instance, must get seq 2 (one INCR "
         "counter in Redis), got: "
      << second.dump();
}

// Step 3: a say on one instance reaches the members on every other instance.
TEST_F(Lab6FanOut, MessageSaidOnOneInstanceReachesMembersOnTheOthers) {
  Member a;
  Member b;
  Member c;
  OPEN_AND_JOIN(a, 0, "alice", "lobby");
  OPEN_AND_JOIN(b, 1, "bob", "lobby");
  OPEN_AND_JOIN(c, 2, "carol", "lobby");
  ASSERT_FALSE(a.say("lobby", "hello from 1").empty()) << a.transcript();
  for (Member* m : {&b, &c}) {
    const json got = m->next_of("message");
    EXPECT_EQ(got.value("text", ""), "hello from 1")
        << m->name()
        << " (another instance) must receive alice's message\nreceived:" << m->transcript();
    EXPECT_EQ(got.value("from", ""), "alice");
    EXPECT_EQ(got.value("seq", 0), 1);
  }
}

// §6.5 across instances: a member of another room, on another instance, hears nothing.
TEST_F(Lab6FanOut, NonMembersOnOtherInstancesReceiveNothing) {
  Member a;
  Member outsider;
  OPEN_AND_JOIN(a, 0, "alice", "secret");
  OPEN_AND_JOIN(outsider, 1, "eve", "lobby");
  ASSERT_FALSE(a.say("secret", "for members only").empty()) << a.transcript();
  const json leaked = outsider.anything_within(500ms);
  EXPECT_TRUE(leaked.empty()) << "eve (instance 2, in lobby) received: " << leaked.dump();
}

// §6: one order for all. Two senders on two instances, as fast as they can; every member
// on every instance sees the same messages with seq 1, 2, 3 ... and no gap.
TEST_F(Lab6FanOut, EveryMemberOnEveryInstanceSeesOneOrder) {
  Member a;
  Member b;
  Member c;
  OPEN_AND_JOIN(a, 0, "alice", "lobby");
  OPEN_AND_JOIN(b, 1, "bob", "lobby");
  OPEN_AND_JOIN(c, 2, "carol", "lobby");
  constexpr int kEach = 25;
  for (int i = 0; i < kEach; ++i) {
    a.send({{"type", "say"}, {"room", "lobby"}, {"text", "a" + std::to_string(i)}});
    b.send({{"type", "say"}, {"room", "lobby"}, {"text", "b" + std::to_string(i)}});
  }
  std::vector<std::vector<std::string>> seen(3);
  Member* members[] = {&a, &b, &c};
  for (int k = 0; k < 3; ++k) {
    for (int n = 1; n <= 2 * kEach; ++n) {
      const json m = members[k]->next_of("message");
      ASSERT_FALSE(m.empty()) << members[k]->name() << " received only " << n - 1 << " of "
                              << 2 * kEach << " messages:" << members[k]->transcript();
      ASSERT_EQ(m.value("seq", 0), n)
          << members[k]->name() << ": seq " << m.value("seq", 0) << " where " << n
          << " was next (a gap, a repeat or another order)\nreceived:" << members[k]->transcript();
      seen[k].push_back(m.value("text", ""));
    }
  }
  EXPECT_EQ(seen[0], seen[1]) << "alice and bob saw different orders";
  EXPECT_EQ(seen[0], seen[2]) << "alice and carol saw different orders";
}

// §7: a client that reconnects to ANOTHER instance catches up from the history in Redis.
TEST_F(Lab6FanOut, HistoryAfterReconnectingToAnotherInstance) {
  Member a;
  OPEN_AND_JOIN(a, 0, "alice", "lobby");
  for (const char* t : {"m1", "m2", "m3"}) ASSERT_FALSE(a.say("lobby", t).empty()) << t;
  Member back;
  ASSERT_TRUE(back.open(port(2), "bob")) << back.error();
  const json joined = back.join("lobby", 1);
  ASSERT_EQ(joined.value("type", ""), "joined") << back.transcript();
  EXPECT_EQ(joined.value("seq", 0), 3);
  EXPECT_EQ(joined.value("history", 0), 2)
      << "join since 1 on instance 3 after seq 3 was said on instance 1: 2 messages of history"
      << "\nreceived:" << back.transcript();
  for (const char* t : {"m2", "m3"}) {
    const json h = back.next_of("message");
    EXPECT_EQ(h.value("text", ""), t) << back.transcript();
    EXPECT_TRUE(h.value("history", false)) << "history messages carry \"history\":true: " << h;
  }
}

// §5.5: joined lists every instance's members; joins and disconnects are told everywhere.
TEST_F(Lab6Presence, JoinedListsTheMembersOfEveryInstance) {
  Member a;
  Member b;
  OPEN_AND_JOIN(a, 0, "alice", "lobby");
  ASSERT_TRUE(b.open(port(1), "bob")) << b.error();
  const json joined = b.join("lobby");
  const std::vector<std::string> expected = {"alice", "bob"};
  EXPECT_EQ(joined.value("members", std::vector<std::string>{}), expected)
      << "bob joined on instance 2 after alice on instance 1: " << joined.dump();
}

TEST_F(Lab6Presence, JoinAndDisconnectReachMembersOnOtherInstances) {
  Member a;
  OPEN_AND_JOIN(a, 0, "alice", "lobby");
  {
    Member b;
    OPEN_AND_JOIN(b, 1, "bob", "lobby");
    const json joined = a.next_of("presence");
    EXPECT_EQ(joined.value("name", ""), "bob") << a.transcript();
    EXPECT_EQ(joined.value("action", ""), "join") << a.transcript();
  }  // bob's connection drops
  const json left = a.next_of("presence");
  EXPECT_EQ(left.value("name", ""), "bob") << a.transcript();
  EXPECT_EQ(left.value("action", ""), "leave") << a.transcript();
  EXPECT_EQ(left.value("reason", ""), "disconnected") << a.transcript();
}

// §4.5: a private message finds its target on another instance; an unknown name is an error.
TEST_F(Lab6Presence, PrivateMessageReachesAUserOnAnotherInstance) {
  Member a;
  Member b;
  ASSERT_TRUE(a.open(port(0), "alice")) << a.error();
  ASSERT_TRUE(b.open(port(1), "bob")) << b.error();
  a.send({{"type", "private"}, {"to", "bob"}, {"text", "psst"}});
  const json got = b.next_of("private");
  EXPECT_EQ(got.value("from", ""), "alice") << "bob (instance 2) received:" << b.transcript();
  EXPECT_EQ(got.value("text", ""), "psst");
  EXPECT_EQ(a.next_of("private").value("text", ""), "psst")
      << "the sender gets the private back as confirmation:" << a.transcript();
  a.send({{"type", "private"}, {"to", "nobody"}, {"text", "?"}});
  EXPECT_EQ(a.next_of("error").value("code", ""), "no_such_user") << a.transcript();
}

}  // namespace
}  // namespace wslab::rooms
