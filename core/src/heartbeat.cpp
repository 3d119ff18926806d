// Keep-alive with ping/pong (RFC 6455 §5.5.2-§5.5.3) and reconnection backoff.
#include "wslab/heartbeat.hpp"

#include <algorithm>
#include <cmath>

namespace wslab {

void Heartbeat::start(Millis now) {
  last_traffic_ = now;
  ping_sent_.reset();
}

void Heartbeat::on_traffic(Millis now) {
  last_traffic_ = std::max(last_traffic_, now);
}

bool Heartbeat::on_pong(Millis now, std::string_view payload) {
  on_traffic(now);
  // §5.5.3: a pong may be unsolicited, and only the latest ping needs an answer.
  if (!ping_sent_ || payload != ping_payload()) return false;
  rtt_ = now - *ping_sent_;
  ping_sent_.reset();
  return true;
}

std::string Heartbeat::ping_payload() const {
  return "wslab-hb-" + std::to_string(seq_);
}

// While a ping is outstanding, any traffic from the peer still proves it is
// alive, so the pong timer counts from the later of the ping and that traffic.
Heartbeat::Action Heartbeat::poll(Millis now) {
  if (config_.ping_interval.count() <= 0) return Action::kNone;
  if (ping_sent_) {
    const Millis since = std::max(*ping_sent_, last_traffic_);
    if (config_.pong_timeout.count() > 0) {
      return now - since >= config_.pong_timeout ? Action::kTimedOut : Action::kNone;
    }
    if (now - since < config_.ping_interval) return Action::kNone;
  } else if (now - last_traffic_ < config_.ping_interval) {
    return Action::kNone;
  }
  ++seq_;
  ping_sent_ = now;
  return Action::kSendPing;
}

std::optional<Millis> Heartbeat::next_deadline() const {
  if (config_.ping_interval.count() <= 0) return std::nullopt;
  if (ping_sent_) {
    const Millis since = std::max(*ping_sent_, last_traffic_);
    if (config_.pong_timeout.count() > 0) return since + config_.pong_timeout;
    return since + config_.ping_interval;
  }
  return last_traffic_ + config_.ping_interval;
}

Millis Backoff::delay(std::uint32_t attempt, double random_unit) const {
  const double unit = std::clamp(random_unit, 0.0, 1.0);
  const double cap = static_cast<double>(max_delay.count());
  const double grown =
      static_cast<double>(base.count()) * std::pow(factor, static_cast<double>(attempt));
  const double ceiling = std::isfinite(grown) ? std::min(cap, grown) : cap;
  return Millis(static_cast<Millis::rep>(unit * std::max(0.0, ceiling)));
}

}  // namespace wslab
