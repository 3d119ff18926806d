// PROVIDED (lab 5): the token bucket is written for you (labs/starter/src/rooms/rate_limit.cpp).
// A token bucket for the per-connection message rate of wslab.rooms.v1
// (docs/rooms-protocol.md §9). Time is an input: no clock is read here.
#pragma once

#include <cstdint>

#include "wslab/time.hpp"

namespace wslab::rooms {

class TokenBucket {
 public:
  // Starts full: `burst` messages may arrive at once, then `per_second`.
  TokenBucket(std::uint32_t burst, std::uint32_t per_second, Millis now);
  // Takes one token if there is one.
  bool take(Millis now);

 private:
  void refill(Millis now);
  // Thousandths of a token, so refills of less than one token add up exactly.
  std::uint64_t milli_tokens_;
  std::uint64_t capacity_;
  std::uint32_t per_second_;
  Millis last_;
};

}  // namespace wslab::rooms
