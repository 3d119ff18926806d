// PROVIDED. Time as an input. The core never reads a clock: callers pass `now` as a
// monotonic count of milliseconds since any epoch they like (net uses
// steady_clock; tests use plain numbers).
#pragma once

#include <chrono>

namespace wslab {
using Millis = std::chrono::milliseconds;
}  // namespace wslab
