// Lab 4, steps 1-2: the heartbeat policy (RFC 6455 §5.5.2-§5.5.3 used as a
// keep-alive) and exponential backoff with full jitter. Time and randomness
// are inputs: no test sleeps.
#include <string>

#include "lab_test.hpp"
#include "wslab/heartbeat.hpp"

namespace wslab {
namespace {

using std::chrono::milliseconds;

WSLAB_LAB_SUITE(Lab4Heartbeat);
WSLAB_LAB_SUITE(Lab4Backoff);

Heartbeat started(Millis interval, Millis timeout, Millis now = Millis{0}) {
  Heartbeat hb(HeartbeatConfig{interval, timeout});
  hb.start(now);
  return hb;
}

// ---- step 1 ---------------------------------------------------------------

TEST_F(Lab4Heartbeat, OffMeansNoPingsEver) {
  Heartbeat hb = started(Millis{0}, Millis{0});
  EXPECT_EQ(hb.poll(Millis{1000000}), Heartbeat::Action::kNone)
      << "ping_interval 0: the heartbeat is off";
  EXPECT_FALSE(hb.next_deadline().has_value()) << "off: no deadline";
}

TEST_F(Lab4Heartbeat, PingAfterIntervalOfSilence) {
  Heartbeat hb = started(Millis{1000}, Millis{500});
  EXPECT_EQ(hb.poll(Millis{999}), Heartbeat::Action::kNone)
      << "started at 0, interval 1000, poll at 999\nexpected: kNone";
  EXPECT_EQ(hb.poll(Millis{1000}), Heartbeat::Action::kSendPing)
      << "started at 0, interval 1000, poll at 1000\nexpected: kSendPing";
  EXPECT_EQ(hb.poll(Millis{1001}), Heartbeat::Action::kNone)
      << "a ping is outstanding (sent at 1000), pong_timeout 500, poll at 1001\nexpected: kNone";
}

TEST_F(Lab4Heartbeat, TrafficPostponesThePing) {
  Heartbeat hb = started(Millis{1000}, Millis{500});
  hb.on_traffic(Millis{800});
  EXPECT_EQ(hb.poll(Millis{1500}), Heartbeat::Action::kNone)
      << "traffic at 800, interval 1000, poll at 1500\nexpected: kNone (silent only 700 ms)";
  EXPECT_EQ(hb.poll(Millis{1800}), Heartbeat::Action::kSendPing) << "poll at 1800: silent 1000 ms";
  ASSERT_TRUE(hb.next_deadline().has_value());
}

TEST_F(Lab4Heartbeat, TimeNeverGoesBack) {
  Heartbeat hb = started(Millis{1000}, Millis{0});
  hb.on_traffic(Millis{900});
  hb.on_traffic(Millis{100});  // a late, older timestamp
  EXPECT_EQ(hb.poll(Millis{1500}), Heartbeat::Action::kNone)
      << "traffic at 900, then a stale on_traffic(100); poll at 1500\nexpected: kNone (last "
         "traffic is 900)";
}

// §5.5.3: a Pong answers the latest Ping; others are unsolicited.
TEST_F(Lab4Heartbeat, MatchingPongMeasuresTheRoundTrip) {
  Heartbeat hb = started(Millis{1000}, Millis{500});
  ASSERT_EQ(hb.poll(Millis{1000}), Heartbeat::Action::kSendPing);
  const std::string payload = hb.ping_payload();
  EXPECT_FALSE(hb.on_pong(Millis{1010}, "something else"))
      << "a pong with another payload: unsolicited";
  EXPECT_TRUE(hb.on_pong(Millis{1042}, payload))
      << "the pong carrying the ping's payload answers it";
  ASSERT_TRUE(hb.last_rtt().has_value());
  EXPECT_EQ(hb.last_rtt()->count(), 42) << "ping at 1000, pong at 1042: rtt 42 ms";
  EXPECT_FALSE(hb.on_pong(Millis{1050}, payload))
      << "already answered: a second pong is unsolicited";
}

TEST_F(Lab4Heartbeat, EachPingHasANewPayload) {
  Heartbeat hb = started(Millis{100}, Millis{0});
  ASSERT_EQ(hb.poll(Millis{100}), Heartbeat::Action::kSendPing);
  const std::string first = hb.ping_payload();
  ASSERT_TRUE(hb.on_pong(Millis{110}, first));
  ASSERT_EQ(hb.poll(Millis{210}), Heartbeat::Action::kSendPing);
  EXPECT_NE(hb.ping_payload(), first) << "two pings carried the same payload \"" << first
                                      << "\": a stale pong could not be told apart";
  EXPECT_LE(hb.ping_payload().size(), 125u) << "a ping payload fits a control frame (§5.5)";
}

TEST_F(Lab4Heartbeat, NoPongWithinTheTimeoutMeansDead) {
  Heartbeat hb = started(Millis{1000}, Millis{500});
  ASSERT_EQ(hb.poll(Millis{1000}), Heartbeat::Action::kSendPing);
  EXPECT_EQ(hb.poll(Millis{1499}), Heartbeat::Action::kNone)
      << "ping at 1000, timeout 500, poll at 1499";
  EXPECT_EQ(hb.poll(Millis{1500}), Heartbeat::Action::kTimedOut)
      << "ping at 1000, timeout 500, poll at 1500";
}

TEST_F(Lab4Heartbeat, TrafficWhileWaitingForThePongKeepsThePeerAlive) {
  Heartbeat hb = started(Millis{1000}, Millis{500});
  ASSERT_EQ(hb.poll(Millis{1000}), Heartbeat::Action::kSendPing);
  hb.on_traffic(Millis{1400});
  EXPECT_EQ(hb.poll(Millis{1600}), Heartbeat::Action::kNone)
      << "ping at 1000, other traffic at 1400, timeout 500, poll at 1600\nexpected: kNone (alive "
         "at 1400)";
  EXPECT_EQ(hb.poll(Millis{1900}), Heartbeat::Action::kTimedOut)
      << "poll at 1900: 500 ms after the last sign of life";
}

TEST_F(Lab4Heartbeat, WithoutATimeoutItPingsAgain) {
  Heartbeat hb = started(Millis{1000}, Millis{0});
  ASSERT_EQ(hb.poll(Millis{1000}), Heartbeat::Action::kSendPing);
  EXPECT_EQ(hb.poll(Millis{1999}), Heartbeat::Action::kNone);
  EXPECT_EQ(hb.poll(Millis{2000}), Heartbeat::Action::kSendPing)
      << "pong_timeout 0: no pong is not fatal; ping again after another interval";
}

TEST_F(Lab4Heartbeat, NextDeadlineIsWhenPollHasSomethingToDo) {
  Heartbeat hb = started(Millis{1000}, Millis{300}, Millis{50});
  ASSERT_TRUE(hb.next_deadline().has_value());
  EXPECT_EQ(hb.next_deadline()->count(), 1050)
      << "started at 50, interval 1000: first ping due at 1050";
  ASSERT_EQ(hb.poll(Millis{1050}), Heartbeat::Action::kSendPing);
  ASSERT_TRUE(hb.next_deadline().has_value());
  EXPECT_EQ(hb.next_deadline()->count(), 1350) << "ping at 1050, pong_timeout 300: decide at 1350";
}

// ---- step 2 ---------------------------------------------------------------

TEST_F(Lab4Backoff, CeilingGrowsExponentially) {
  const Backoff b{Millis{100}, Millis{100000}, 2.0};
  for (std::uint32_t attempt = 0; attempt < 6; ++attempt) {
    const auto ceiling = 100 << attempt;
    EXPECT_EQ(b.delay(attempt, 0.5).count(), ceiling / 2)
        << "base 100, factor 2, attempt " << attempt << ", random 0.5\nexpected: 0.5 * 100 * 2^"
        << attempt;
  }
}

// Full jitter: anywhere between 0 and the ceiling, so clients that lost the same
// server do not all come back at the same instant.
TEST_F(Lab4Backoff, RandomUnitScalesTheWholeDelay) {
  const Backoff b{Millis{250}, Millis{30000}, 2.0};
  EXPECT_EQ(b.delay(3, 0.0).count(), 0) << "random 0: no wait";
  EXPECT_EQ(b.delay(3, 0.25).count(), 500) << "250 * 2^3 = 2000, times 0.25";
  EXPECT_EQ(b.delay(3, 0.999).count(), 1998) << "just under the ceiling (truncated to ms)";
}

TEST_F(Lab4Backoff, DelayIsCappedAtMaxDelay) {
  const Backoff b{Millis{250}, Millis{30000}, 2.0};
  EXPECT_EQ(b.delay(10, 1.0).count(), 30000) << "250 * 2^10 = 256000 > 30000: capped";
  EXPECT_EQ(b.delay(4000000000u, 0.5).count(), 15000) << "a huge attempt must not overflow";
}

TEST_F(Lab4Backoff, RandomUnitIsClamped) {
  const Backoff b{Millis{100}, Millis{1000}, 2.0};
  EXPECT_EQ(b.delay(0, -3.0).count(), 0) << "random -3 is clamped to 0";
  EXPECT_EQ(b.delay(0, 7.0).count(), 100) << "random 7 is clamped to 1";
}

TEST_F(Lab4Backoff, OtherFactors) {
  const Backoff b{Millis{100}, Millis{100000}, 1.5};
  EXPECT_EQ(b.delay(2, 1.0).count(), 225) << "100 * 1.5^2";
}

}  // namespace
}  // namespace wslab
