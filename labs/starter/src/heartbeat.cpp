// Lab 4, steps 1-2: keep-alive with ping/pong (RFC 6455 §5.5.2-§5.5.3) and
// reconnection backoff. Time and randomness are inputs.
// Handout: labs/04-heartbeat/README.md. Contract: wslab/heartbeat.hpp.
#include "wslab/heartbeat.hpp"

#include "wslab/todo.hpp"

namespace wslab {
namespace {
constexpr std::string_view kStep1 = "labs/04-heartbeat/README.md step 1";
constexpr std::string_view kStep2 = "labs/04-heartbeat/README.md step 2";
}  // namespace

void Heartbeat::start([[maybe_unused]] Millis now) {
  // TODO(lab 4, step 1)
  todo::note("Heartbeat::start", kStep1);
}

void Heartbeat::on_traffic([[maybe_unused]] Millis now) {
  // TODO(lab 4, step 1)
  todo::note("Heartbeat::on_traffic", kStep1);
}

bool Heartbeat::on_pong([[maybe_unused]] Millis now, [[maybe_unused]] std::string_view payload) {
  // TODO(lab 4, step 1)
  todo::note("Heartbeat::on_pong", kStep1);
  return false;
}

Heartbeat::Action Heartbeat::poll([[maybe_unused]] Millis now) {
  // TODO(lab 4, step 1)
  todo::note("Heartbeat::poll", kStep1);
  return Action::kNone;
}

std::string Heartbeat::ping_payload() const {
  // TODO(lab 4, step 1)
  todo::note("Heartbeat::ping_payload", kStep1);
  return {};
}

std::optional<Millis> Heartbeat::next_deadline() const {
  // TODO(lab 4, step 1)
  todo::note("Heartbeat::next_deadline", kStep1);
  return std::nullopt;
}

Millis Backoff::delay([[maybe_unused]] std::uint32_t attempt,
                      [[maybe_unused]] double random_unit) const {
  // TODO(lab 4, step 2): random_unit * min(max_delay, base * factor^attempt).
  todo::note("Backoff::delay", kStep2);
  return Millis{0};
}

}  // namespace wslab
