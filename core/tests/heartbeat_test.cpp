// Keep-alive with ping/pong (RFC 6455 §5.5.2-§5.5.3) and reconnection backoff; time is an input.
#include "wslab/heartbeat.hpp"

#include <gtest/gtest.h>

namespace wslab {
namespace {

Heartbeat make(int interval, int timeout) {
  Heartbeat hb(HeartbeatConfig{Millis(interval), Millis(timeout)});
  hb.start(Millis(0));
  return hb;
}

TEST(CoreHeartbeat, DisabledHeartbeatNeverPings) {
  Heartbeat hb = make(0, 0);
  EXPECT_EQ(hb.poll(Millis(1000000)), Heartbeat::Action::kNone);
  EXPECT_FALSE(hb.next_deadline().has_value());
}

// A ping after ping_interval of silence; any traffic postpones it.
TEST(CoreHeartbeat, PingsAfterAnIntervalOfSilence) {
  Heartbeat hb = make(1000, 0);
  EXPECT_EQ(hb.next_deadline(), Millis(1000));
  EXPECT_EQ(hb.poll(Millis(999)), Heartbeat::Action::kNone);
  hb.on_traffic(Millis(500));
  EXPECT_EQ(hb.poll(Millis(1200)), Heartbeat::Action::kNone);
  EXPECT_EQ(hb.next_deadline(), Millis(1500));
  EXPECT_EQ(hb.poll(Millis(1500)), Heartbeat::Action::kSendPing);
  EXPECT_FALSE(hb.ping_payload().empty());
}

// §5.5.3: the pong answering our ping carries its payload; its arrival gives the round trip.
TEST(CoreHeartbeat, MatchingPongRecordsTheRoundTrip) {
  Heartbeat hb = make(1000, 500);
  ASSERT_EQ(hb.poll(Millis(1000)), Heartbeat::Action::kSendPing);
  const auto payload = hb.ping_payload();
  EXPECT_FALSE(hb.on_pong(Millis(1010), "stale"));
  EXPECT_TRUE(hb.on_pong(Millis(1030), payload));
  EXPECT_EQ(hb.last_rtt(), Millis(30));
  EXPECT_EQ(hb.poll(Millis(1600)), Heartbeat::Action::kNone);  // not timed out
  EXPECT_EQ(hb.poll(Millis(2030)), Heartbeat::Action::kSendPing);
  EXPECT_NE(hb.ping_payload(), payload);  // a new counter each time
}

// No pong (and no other traffic) within pong_timeout: the peer is gone.
TEST(CoreHeartbeat, NoPongWithinTimeoutTimesOut) {
  Heartbeat hb = make(1000, 500);
  ASSERT_EQ(hb.poll(Millis(1000)), Heartbeat::Action::kSendPing);
  EXPECT_EQ(hb.next_deadline(), Millis(1500));
  EXPECT_EQ(hb.poll(Millis(1499)), Heartbeat::Action::kNone);
  EXPECT_EQ(hb.poll(Millis(1500)), Heartbeat::Action::kTimedOut);
}

// Without a pong timeout, an unanswered ping is simply repeated.
TEST(CoreHeartbeat, UnansweredPingIsRepeatedWhenNoTimeout) {
  Heartbeat hb = make(1000, 0);
  ASSERT_EQ(hb.poll(Millis(1000)), Heartbeat::Action::kSendPing);
  EXPECT_EQ(hb.poll(Millis(1999)), Heartbeat::Action::kNone);
  EXPECT_EQ(hb.poll(Millis(2000)), Heartbeat::Action::kSendPing);
}

// delay = unit * min(max, base * factor^attempt): exponential, capped, jittered.
TEST(CoreBackoff, DelayGrowsExponentiallyWithFullJitterAndACap) {
  Backoff b;  // 250 ms, x2, cap 30 s
  EXPECT_EQ(b.delay(0, 0.999999).count(), 249);
  EXPECT_EQ(b.delay(1, 0.5), Millis(250));
  EXPECT_EQ(b.delay(3, 0.5), Millis(1000));
  EXPECT_EQ(b.delay(20, 0.5), Millis(15000));
  EXPECT_EQ(b.delay(5000, 0.5), Millis(15000));  // no overflow
  EXPECT_EQ(b.delay(3, 0.0), Millis(0));
  EXPECT_EQ(b.delay(3, -1.0), Millis(0));  // bad input is clamped
}

}  // namespace
}  // namespace wslab
