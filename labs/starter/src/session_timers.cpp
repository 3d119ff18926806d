// Lab 4, step 3: the Session's timers: handshake timeout, heartbeat (ping
// after silence, give up without a pong), close timeout (RFC 6455 §5.5.2,
// §7.1.1). Handout: labs/04-heartbeat/README.md. Contract: wslab/session.hpp.
#include "wslab/session.hpp"
#include "wslab/todo.hpp"

namespace wslab {
namespace {
constexpr std::string_view kStep3 = "labs/04-heartbeat/README.md step 3";
}  // namespace

void Session::on_tick(Millis now) {
  if (now > last_now_) last_now_ = now;
  // TODO(lab 4, step 3): CONNECTING past handshake_deadline_ -> CLOSED, close
  // TCP, HandshakeFailed + Closed 1006. OPEN -> heartbeat_.poll(now): kSendPing
  // -> queue a Ping with heartbeat_.ping_payload(); kTimedOut -> CLOSED, close
  // TCP, Closed 1006. CLOSING past close_deadline_ -> CLOSED, close TCP, Closed.
  todo::note("Session::on_tick", kStep3);
}

std::optional<Millis> Session::next_deadline() const {
  // TODO(lab 4, step 3): the deadline of the current state's timer.
  todo::note("Session::next_deadline", kStep3);
  return std::nullopt;
}

}  // namespace wslab
