#include "connection.hpp"

#include <libwebsockets.h>

#include <algorithm>
#include <cstring>
#include <utility>

namespace wslab::refpeer::detail {
namespace {

// Backpressure: stop reading from a peer that does not read our echoes.
constexpr std::size_t kPauseRxAbove = std::size_t{4} << 20;
constexpr std::size_t kResumeRxBelow = std::size_t{1} << 20;
// §5.5.1: a close frame's reason must fit in 125 - 2 bytes.
constexpr std::size_t kMaxCloseReason = 123;
constexpr std::uint16_t kMessageTooBig = 1009;  // §7.4.1

lws_write_protocol write_type(Message::Kind kind) {
  switch (kind) {
    case Message::Kind::kText:
      return LWS_WRITE_TEXT;
    case Message::Kind::kBinary:
      return LWS_WRITE_BINARY;
    case Message::Kind::kPing:
      return LWS_WRITE_PING;
  }
  return LWS_WRITE_TEXT;
}

}  // namespace

Message::Message(Kind kind, std::string_view payload)
    : kind_(kind), buffer_(LWS_PRE + payload.size()) {
  if (!payload.empty()) std::memcpy(buffer_.data() + LWS_PRE, payload.data(), payload.size());
}

std::size_t Message::size() const {
  return buffer_.size() < LWS_PRE ? 0 : buffer_.size() - LWS_PRE;
}

std::string_view Message::payload() const {
  if (buffer_.size() <= LWS_PRE) return {};
  return {reinterpret_cast<const char*>(buffer_.data() + LWS_PRE), size()};
}

unsigned char* Message::data() {
  if (buffer_.size() < LWS_PRE) buffer_.resize(LWS_PRE);
  return buffer_.data() + LWS_PRE;
}

Connection::Connection(lws* wsi, std::size_t max_message) : wsi_(wsi), max_message_(max_message) {}

void Connection::send(Message message) {
  if (closing()) return;
  queued_bytes_ += message.size();
  out_.push_back(std::move(message));
  update_rx_flow();
  lws_callback_on_writable(wsi_);
}

void Connection::close(std::uint16_t code, std::string_view reason, Queued queued) {
  if (closing()) return;
  close_requested_ = true;
  close_drops_queue_ = queued == Queued::kDrop;
  close_code_ = code;
  close_reason_.assign(reason.substr(0, kMaxCloseReason));
  lws_callback_on_writable(wsi_);
}

Connection::Rx Connection::receive(const void* data, std::size_t len, bool is_final,
                                   bool is_binary) {
  if (!rx_open_) {
    rx_ = Message(is_binary ? Message::Kind::kBinary : Message::Kind::kText, {});
    rx_open_ = true;
  }
  if (len > max_message_ - std::min(max_message_, rx_.size())) {
    rx_ = Message{};
    rx_open_ = false;
    close(kMessageTooBig, "message too big");
    return Rx::kTooBig;
  }
  if (len > 0) {
    const std::size_t old = rx_.buffer_.size();
    rx_.buffer_.resize(old + len);
    std::memcpy(rx_.buffer_.data() + old, data, len);
  }
  if (!is_final) return Rx::kMore;
  rx_open_ = false;
  return Rx::kComplete;
}

Message Connection::take_message() {
  return std::exchange(rx_, Message{});
}

int Connection::on_writable() {
  // lws may call WRITEABLE again while it waits for the close ack; a second -1
  // would kill the socket at once (notes §2.1).
  if (close_started_) return 0;
  if (close_requested_ && (close_drops_queue_ || out_.empty())) {
    lws_close_reason(wsi_, static_cast<lws_close_status>(close_code_),
                     reinterpret_cast<unsigned char*>(close_reason_.data()), close_reason_.size());
    close_started_ = true;
    return -1;
  }
  if (out_.empty()) return 0;
  Message message = std::move(out_.front());
  out_.pop_front();
  queued_bytes_ -= message.size();
  const std::size_t len = message.size();
  const int written = lws_write(wsi_, message.data(), len, write_type(message.kind()));
  if (written < 0 || static_cast<std::size_t>(written) < len) return -1;
  update_rx_flow();
  if (!out_.empty() || close_requested_) lws_callback_on_writable(wsi_);
  return 0;
}

void Connection::update_rx_flow() {
  if (!rx_paused_ && queued_bytes_ > kPauseRxAbove) {
    rx_paused_ = true;
    lws_rx_flow_control(wsi_, 0);
  } else if (rx_paused_ && queued_bytes_ < kResumeRxBelow) {
    rx_paused_ = false;
    lws_rx_flow_control(wsi_, 1);
  }
}

}  // namespace wslab::refpeer::detail
