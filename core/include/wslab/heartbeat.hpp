// Heartbeat (RFC 6455 §5.5.2-§5.5.3 ping/pong used as keep-alive) and the
// reconnection backoff a client uses. Pure policies: time and randomness
// are inputs, so they are testable without sleeping.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "wslab/time.hpp"

namespace wslab {

struct HeartbeatConfig {
  Millis ping_interval{0};  // send a ping after this long without traffic; 0 = off
  Millis pong_timeout{0};   // fail after this long without the pong; 0 = never
};

class Heartbeat {
 public:
  enum class Action : std::uint8_t { kNone, kSendPing, kTimedOut };

  explicit Heartbeat(HeartbeatConfig config = {}) : config_(config) {}
  void start(Millis now);
  // Any frame from the peer counts as a sign of life.
  void on_traffic(Millis now);
  // A pong arrived; returns true when it answers our outstanding ping.
  bool on_pong(Millis now, std::string_view payload);
  // What to do now. kSendPing comes with ping_payload() (a counter, so stale
  // pongs are told apart); after it the pong timer runs.
  Action poll(Millis now);
  [[nodiscard]] std::string ping_payload() const;
  // When poll() next needs to run (nullopt: nothing scheduled).
  [[nodiscard]] std::optional<Millis> next_deadline() const;
  // Round trip of the last answered ping.
  [[nodiscard]] std::optional<Millis> last_rtt() const { return rtt_; }

 private:
  HeartbeatConfig config_;
  Millis last_traffic_{0};
  std::optional<Millis> ping_sent_;
  std::uint64_t seq_ = 0;
  std::optional<Millis> rtt_;
};

// Exponential backoff with full jitter for reconnecting clients:
// delay = random_unit * min(max_delay, base * factor^attempt).
struct Backoff {
  Millis base{250};
  Millis max_delay{30000};
  double factor = 2.0;
  // attempt counts from 0; random_unit in [0,1) is supplied by the caller.
  [[nodiscard]] Millis delay(std::uint32_t attempt, double random_unit) const;
};

}  // namespace wslab
