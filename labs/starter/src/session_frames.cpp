// Lab 2, steps 7-8: frames in the OPEN state, failing the connection, sending
// messages, and the minimum of control frames (RFC 6455 §5, §7.1.7).
// Lab 3 extends handle_frames() and handle_control().
// Handout: labs/02-framing/README.md. Contract: wslab/session.hpp.
#include "wslab/session.hpp"
#include "wslab/todo.hpp"

namespace wslab {
namespace {
constexpr std::string_view kStep7 = "labs/02-framing/README.md step 7";
constexpr std::string_view kStep8 = "labs/02-framing/README.md step 8";
}  // namespace

void Session::queue_frame([[maybe_unused]] Opcode op, [[maybe_unused]] std::string_view payload,
                          [[maybe_unused]] bool fin) {
  // TODO(lab 2, step 7): append_frame() to out_; a client masks every frame
  // with a fresh key from random_bytes() (§5.3), a server never masks.
  todo::note("Session::queue_frame", kStep7);
}

Status Session::check_can_send() const {
  // TODO(lab 2, step 7): OK only when OPEN and no Close was sent (§5.5.1).
  return Status::fail(todo::note("Session::check_can_send", kStep7));
}

Status Session::send_text([[maybe_unused]] std::string_view text) {
  // TODO(lab 2, step 7): check_can_send(), valid UTF-8 (§5.6), queue a Text frame.
  return Status::fail(todo::note("Session::send_text", kStep7));
}

Status Session::send_binary([[maybe_unused]] std::string_view data) {
  // TODO(lab 2, step 7)
  return Status::fail(todo::note("Session::send_binary", kStep7));
}

void Session::fail([[maybe_unused]] std::uint16_t code, [[maybe_unused]] std::string what) {
  // TODO(lab 2, step 7): §7.1.7. Emit ProtocolError{code, what}; queue a Close
  // with encode_close_payload(code, what) unless one was sent; CLOSED; close
  // TCP; finish(1006, what, false).
  todo::note("Session::fail", kStep7);
  state_ = SessionState::kClosed;
  close_transport_ = true;
}

void Session::handle_frames([[maybe_unused]] Millis now) {
  // TODO(lab 2, step 7): run decoder_.next() over in_ until kNeedMore:
  // kError -> fail(close_code_for(error), describe(error)); a data frame ->
  // its payload (for now: only unfragmented messages, FIN=1) becomes
  // event::Text (valid UTF-8, else fail 1007) or event::Binary; a control
  // frame -> handle_control() once its payload is complete. Keep the bytes of
  // an incomplete frame in in_ for the next call. Lab 3 adds fragments.
  todo::note("Session::handle_frames", kStep7);
  // Until then: give up on the connection at once (the server closes TCP).
  state_ = SessionState::kClosed;
  close_transport_ = true;
}

void Session::handle_control([[maybe_unused]] const FrameHeader& h,
                             [[maybe_unused]] std::string_view payload,
                             [[maybe_unused]] Millis now) {
  // TODO(lab 2, step 8): Ping -> queue a Pong with the same payload, emit
  // event::Ping. Pong -> emit event::Pong. Close -> emit event::CloseReceived,
  // answer with a Close echoing its code (an empty body if it had none); a
  // server then closes TCP: CLOSED, finish(code or 1005, reason, clean=true).
  // Lab 3 validates the Close body and handles the client role.
  todo::note("Session::handle_control", kStep8);
  state_ = SessionState::kClosed;
  close_transport_ = true;
}

}  // namespace wslab
