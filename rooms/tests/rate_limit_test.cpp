// docs/rooms-protocol.md §9: the per-connection message rate (token bucket).
#include "wslab/rooms/rate_limit.hpp"

#include <gtest/gtest.h>

namespace wslab::rooms {
namespace {

// §9: `burst` messages may arrive at once.
TEST(RoomsRateLimit, BurstIsAllowedAtOnce) {
  TokenBucket b(5, 1, Millis{0});
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(b.take(Millis{0})) << i;
  EXPECT_FALSE(b.take(Millis{0}));
}

// §9: then `per_second` messages per second.
TEST(RoomsRateLimit, RefillsAtTheRate) {
  TokenBucket b(1, 10, Millis{0});
  EXPECT_TRUE(b.take(Millis{0}));
  EXPECT_FALSE(b.take(Millis{99}));  // 0.99 token
  EXPECT_TRUE(b.take(Millis{100}));  // one token per 100 ms
  EXPECT_FALSE(b.take(Millis{100}));
}

// §9: an idle connection saves up no more than the burst.
TEST(RoomsRateLimit, NeverHoldsMoreThanTheBurst) {
  TokenBucket b(3, 100, Millis{0});
  int taken = 0;
  while (b.take(Millis{1000000})) ++taken;
  EXPECT_EQ(taken, 3);
}

// Time is an input: a clock going back must not mint tokens.
TEST(RoomsRateLimit, ClockGoingBackAddsNothing) {
  TokenBucket b(1, 1000, Millis{5000});
  EXPECT_TRUE(b.take(Millis{5000}));
  EXPECT_FALSE(b.take(Millis{0}));
  EXPECT_FALSE(b.take(Millis{5000}));
}

}  // namespace
}  // namespace wslab::rooms
