// PROVIDED (lab 5): the per-connection token bucket (docs/rooms-protocol.md §9),
// counted in thousandths of a token so slow refills add up exactly.
#include "wslab/rooms/rate_limit.hpp"

namespace wslab::rooms {

TokenBucket::TokenBucket(std::uint32_t burst, std::uint32_t per_second, Millis now)
    : milli_tokens_(1000ull * burst),
      capacity_(1000ull * burst),
      per_second_(per_second),
      last_(now) {}

void TokenBucket::refill(Millis now) {
  if (!(now > last_)) return;  // time that stands still (or goes back) refills nothing
  const auto ms = static_cast<std::uint64_t>(now.count() - last_.count());
  const std::uint64_t added =
      ms * per_second_;  // per_second tokens per second = that many milli-tokens per ms
  milli_tokens_ = milli_tokens_ + added > capacity_ ? capacity_ : milli_tokens_ + added;
  last_ = now;
}

bool TokenBucket::take(Millis now) {
  refill(now);
  if (milli_tokens_ >= 1000) {
    milli_tokens_ -= 1000;
    return true;
  }
  return false;
}

}  // namespace wslab::rooms
