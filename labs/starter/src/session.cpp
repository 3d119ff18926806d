// PROVIDED plumbing of the Session (RFC 6455 state machine): the buffers, the
// event queue and the dispatch of input. The protocol itself is yours, in
// session_handshake.cpp (lab 1), session_frames.cpp (lab 2),
// session_lifecycle.cpp (lab 3) and session_timers.cpp (lab 4).
// You may change this file, but you should not need to.
#include "wslab/session.hpp"

namespace wslab {

Session::Session(SessionConfig config)
    : config_(std::move(config)),
      role_(config_.role),
      decoder_(config_.role, DecoderLimits{config_.max_frame_bytes, false}),
      assembler_(MessageLimits{config_.max_message_bytes}),
      heartbeat_(config_.heartbeat) {}

void Session::emit(Event e) {
  events_.emplace_back(std::move(e));
}

void Session::write(std::string_view bytes) {
  out_.append(bytes);
}

void Session::finish(std::uint16_t code, std::string reason, bool clean) {
  if (!closed_emitted_) {
    closed_emitted_ = true;
    event::Closed last;
    last.code = code;
    last.reason = std::move(reason);
    last.clean = clean;
    emit(std::move(last));
  }
}

std::optional<Event> Session::poll_event() {
  if (events_.empty()) return std::nullopt;
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

std::string_view Session::pending_output() const {
  const std::string_view all(out_);
  return all.substr(out_pos_);
}

void Session::consume_output(std::size_t n) {
  const std::size_t left = out_.size() - out_pos_;
  out_pos_ += n < left ? n : left;
  if (out_pos_ >= out_.size()) {  // everything was written: start the buffer over
    out_.clear();
    out_pos_ = 0;
  }
}

std::size_t Session::memory_footprint() const {
  return sizeof(Session) + in_.capacity() + out_.capacity() + control_buf_.capacity() +
         events_.size() * sizeof(Event) + assembler_.buffered_capacity();
}

void Session::on_bytes(std::string_view bytes, Millis now) {
  on_bytes(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                         bytes.size()),
           now);
}

void Session::on_bytes(std::span<const std::uint8_t> bytes, Millis now) {
  if (now > last_now_) last_now_ = now;
  if (close_transport_ || state_ == SessionState::kClosed || bytes.empty()) return;
  const std::string_view chunk(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  in_ += chunk;
  if (state_ == SessionState::kConnecting) {
    handle_handshake(now);  // lab 1
  } else {
    handle_frames(now);  // labs 2-3
  }
}

}  // namespace wslab
