// STARTER (lab 4, steps 1-2): heartbeat (RFC 6455 §5.5.2-§5.5.3 ping/pong used
// as keep-alive) and the reconnection backoff a client uses. Pure policies:
// time and randomness are INPUTS, so they are testable without sleeping. You
// write the bodies in labs/starter/src/heartbeat.cpp; the handout is
// labs/04-heartbeat/README.md.
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
  // The connection opened at `now`: the idle clock starts, no ping is outstanding.
  void start(Millis now);
  // Any frame from the peer counts as a sign of life (time never goes back:
  // an older `now` than one already seen changes nothing).
  void on_traffic(Millis now);
  // A pong arrived (it is traffic too). Returns true when it answers our
  // outstanding ping (its payload equals ping_payload()); then the round trip
  // is recorded in last_rtt() and no ping is outstanding any more. A pong with
  // another payload, or with no ping outstanding, is unsolicited (§5.5.3): false.
  bool on_pong(Millis now, std::string_view payload);
  // What to do now:
  //  - off (ping_interval 0): always kNone;
  //  - no ping outstanding: kSendPing once `ping_interval` has passed since the
  //    last traffic (then a ping is outstanding, sent at `now`, with a NEW
  //    ping_payload());
  //  - a ping outstanding: kTimedOut once `pong_timeout` (when not 0) has passed
  //    since the later of the ping and the last traffic; with pong_timeout 0,
  //    send another ping after another ping_interval.
  Action poll(Millis now);
  // The payload of the ping to send: different for each ping (a counter), so a
  // stale pong is told apart from the answer to the latest ping.
  [[nodiscard]] std::string ping_payload() const;
  // When poll() next needs to run (nullopt: nothing scheduled / off).
  [[nodiscard]] std::optional<Millis> next_deadline() const;
  // Round trip of the last answered ping.
  [[nodiscard]] std::optional<Millis> last_rtt() const { return rtt_; }

 private:
  // Suggested state (last_rtt() reads rtt_).
  HeartbeatConfig config_;
  Millis last_traffic_{0};
  std::optional<Millis> ping_sent_;
  [[maybe_unused]] std::uint64_t seq_ = 0;  // (the attribute only silences clang until you use it)
  std::optional<Millis> rtt_;
};

// Exponential backoff with full jitter for reconnecting clients:
// delay = random_unit * min(max_delay, base * factor^attempt).
struct Backoff {
  Millis base{250};
  Millis max_delay{30000};
  double factor = 2.0;
  // attempt counts from 0; random_unit in [0,1) is supplied by the caller
  // (clamp it to [0,1]). Never overflows: a huge attempt gives at most max_delay.
  [[nodiscard]] Millis delay(std::uint32_t attempt, double random_unit) const;
};

}  // namespace wslab
