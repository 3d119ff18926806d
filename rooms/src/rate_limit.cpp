// Token bucket (docs/rooms-protocol.md §9).
#include "wslab/rooms/rate_limit.hpp"

#include <algorithm>

namespace wslab::rooms {

TokenBucket::TokenBucket(std::uint32_t burst, std::uint32_t per_second, Millis now)
    : milli_tokens_(std::uint64_t{burst} * 1000),
      capacity_(std::uint64_t{burst} * 1000),
      per_second_(per_second),
      last_(now) {}

void TokenBucket::refill(Millis now) {
  if (now <= last_) return;  // a clock that stands still or goes back adds nothing
  const auto elapsed = static_cast<std::uint64_t>((now - last_).count());
  // per_second tokens per 1000 ms = per_second milli-tokens per ms.
  milli_tokens_ = std::min(capacity_, milli_tokens_ + elapsed * per_second_);
  last_ = now;
}

bool TokenBucket::take(Millis now) {
  refill(now);
  if (milli_tokens_ < 1000) return false;
  milli_tokens_ -= 1000;
  return true;
}

}  // namespace wslab::rooms
