// Lab 6, step 5: Redis goes away and comes back EMPTY (a restart without
// persistence). Instances keep their local members, say so with a status event,
// hold joins and says, and lose nothing that was acknowledged: counters never
// go back and the history comes back.
#include <string>

#include "cluster.hpp"

namespace wslab::rooms {
namespace {

using namespace std::chrono_literals;
using labtest::json;
using labtest::Member;

class Lab6RedisRestart : public labtest::Cluster {
 protected:
  // Kills Redis, waits for `m` to hear it is down, starts it again (empty).
  void restart_redis(std::initializer_list<Member*> watchers) {
    redis.stop();
    for (Member* m : watchers) {
      const json down = m->next_of("status");
      ASSERT_EQ(down.value("state", ""), "down")
          << m->name() << ": no status event after Redis stopped:" << m->transcript();
    }
    ASSERT_TRUE(redis.start()) << redis.error();
  }
};

TEST_F(Lab6RedisRestart, CountersAndHistorySurviveARestartThatLostEverything) {
  Member a;
  Member b;
  ASSERT_TRUE(a.open(port(0), "alice")) << a.error();
  ASSERT_EQ(a.join("lobby").value("type", ""), "joined") << a.transcript();
  ASSERT_TRUE(b.open(port(1), "bob")) << b.error();
  ASSERT_EQ(b.join("lobby").value("type", ""), "joined") << b.transcript();
  ASSERT_EQ(a.say("lobby", "before").value("seq", 0), 1) << a.transcript();
  ASSERT_EQ(b.next_of("message").value("text", ""), "before") << b.transcript();

  restart_redis({&a, &b});
  ASSERT_EQ(a.next_of("status").value("state", ""), "up")
      << "no status up after Redis came back:" << a.transcript();

  const json after = a.say("lobby", "after");
  EXPECT_EQ(after.value("seq", 0), 2)
      << "Redis came back empty: the room's counter must be restored from what this instance "
         "delivered (seq 1), never start again at 1\nreceived:"
      << a.transcript();
  EXPECT_EQ(b.next_of("message").value("text", ""), "after")
      << "bob (instance 2) must still hear alice after the restart (resubscribed):"
      << b.transcript();

  Member c;
  ASSERT_TRUE(c.open(port(2), "carol")) << c.error();
  const json joined = c.join("lobby", 0);
  EXPECT_EQ(joined.value("history", 0), 2)
      << "carol joins since 0 on instance 3: both messages must be in the history again "
         "(restored by the instances that kept them)\n"
      << joined.dump();
}

TEST_F(Lab6RedisRestart, SayWhileRedisIsDownIsHeldAndDeliveredWhenItReturns) {
  Member a;
  Member b;
  ASSERT_TRUE(a.open(port(0), "alice")) << a.error();
  ASSERT_EQ(a.join("lobby").value("type", ""), "joined") << a.transcript();
  ASSERT_TRUE(b.open(port(1), "bob")) << b.error();
  ASSERT_EQ(b.join("lobby").value("type", ""), "joined") << b.transcript();
  ASSERT_EQ(a.say("lobby", "first").value("seq", 0), 1) << a.transcript();

  redis.stop();
  ASSERT_EQ(a.next_of("status").value("state", ""), "down") << a.transcript();
  a.send({{"type", "say"}, {"room", "lobby"}, {"text", "while down"}});
  const json early = a.anything_within(300ms);
  EXPECT_TRUE(early.empty() || early.value("type", "") != "message")
      << "a say while Redis is away has no seq yet: it must be held, not acknowledged: "
      << early.dump();
  ASSERT_TRUE(redis.start()) << redis.error();

  const json held = a.next_of("message", 5000ms);
  EXPECT_EQ(held.value("text", ""), "while down") << a.transcript();
  EXPECT_EQ(held.value("seq", 0), 2) << held.dump();
  json at_b = json::object();
  for (int i = 0; i < 3 && at_b.value("text", "") != "while down"; ++i) at_b = b.next_of("message");
  EXPECT_EQ(at_b.value("seq", 0), 2) << "bob (instance 2):" << b.transcript();
}

}  // namespace
}  // namespace wslab::rooms
