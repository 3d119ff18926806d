// Lab 3, steps 2-6: the rest of the lifecycle (RFC 6455 §5.4, §5.5, §7): the
// state names, end of stream, our own close, fragments and control frames we
// send. (Fragment assembly and the full close handshake go into
// session_frames.cpp's handle_frames()/handle_control(): steps 3-4.)
// Handout: labs/03-lifecycle/README.md. Contract: wslab/session.hpp.
#include "wslab/session.hpp"
#include "wslab/todo.hpp"

namespace wslab {
namespace {
constexpr std::string_view kStep2 = "labs/03-lifecycle/README.md step 2";
constexpr std::string_view kStep4 = "labs/03-lifecycle/README.md step 4";
constexpr std::string_view kStep5 = "labs/03-lifecycle/README.md step 5";
constexpr std::string_view kStep6 = "labs/03-lifecycle/README.md step 6";
}  // namespace

std::string_view state_name([[maybe_unused]] SessionState s) {
  // TODO(lab 3, step 2)
  todo::note("state_name", kStep2);
  return "UNKNOWN";
}

void Session::on_eof([[maybe_unused]] Millis now) {
  // TODO(lab 3, step 5): CLOSED, close TCP; Closed with the peer's code and
  // clean=true if its Close came, else 1006 (a client still CONNECTING also
  // gets HandshakeFailed first).
  todo::note("Session::on_eof", kStep5);
  state_ = SessionState::kClosed;
  close_transport_ = true;
}

Status Session::close([[maybe_unused]] std::uint16_t code,
                      [[maybe_unused]] std::string_view reason) {
  // TODO(lab 3, step 4): check_can_send(), a valid code, a UTF-8 reason of at
  // most 123 bytes; queue the Close; CLOSING; close_deadline_ = last_now_ + close_timeout.
  return Status::fail(todo::note("Session::close", kStep4));
}

Status Session::send_fragment([[maybe_unused]] Opcode op, [[maybe_unused]] std::string_view data,
                              [[maybe_unused]] bool fin) {
  // TODO(lab 3, step 6): first fragment kText/kBinary, then kContinuation;
  // text fragments must stay valid UTF-8 across fragments (send_utf8_).
  return Status::fail(todo::note("Session::send_fragment", kStep6));
}

Status Session::ping([[maybe_unused]] std::string_view payload) {
  // TODO(lab 3, step 6): at most 125 bytes (§5.5).
  return Status::fail(todo::note("Session::ping", kStep6));
}

Status Session::pong([[maybe_unused]] std::string_view payload) {
  // TODO(lab 3, step 6): an unsolicited Pong, at most 125 bytes (§5.5.3).
  return Status::fail(todo::note("Session::pong", kStep6));
}

}  // namespace wslab
