// Fragment assembly (RFC 6455 §5.4) with fail-fast UTF-8 checks (§5.6, §8.1).
#include "wslab/message.hpp"

#include <algorithm>

namespace wslab {

std::uint16_t close_code_for(MessageError e) {
  switch (e) {
    case MessageError::kNone:
      return 0;
    case MessageError::kInvalidUtf8:
      return 1007;
    case MessageError::kMessageTooBig:
      return 1009;
    default:
      return 1002;
  }
}

std::string_view describe(MessageError e) {
  switch (e) {
    case MessageError::kNone:
      return "no error";
    case MessageError::kUnexpectedContinuation:
      return "continuation frame with no message to continue (RFC 6455 §5.4)";
    case MessageError::kExpectedContinuation:
      return "new data frame while a fragmented message is open: expected a continuation "
             "(RFC 6455 §5.4)";
    case MessageError::kInvalidUtf8:
      return "text message is not valid UTF-8 (RFC 6455 §8.1)";
    case MessageError::kMessageTooBig:
      return "message larger than this endpoint accepts (RFC 6455 §7.4.1, 1009)";
  }
  return "unknown message error";
}

MessageError MessageAssembler::on_frame_header(const FrameHeader& h) {
  if (h.opcode == static_cast<std::uint8_t>(Opcode::kContinuation)) {
    if (!open_) return MessageError::kUnexpectedContinuation;
  } else {
    if (open_) return MessageError::kExpectedContinuation;
    open_ = true;
    ready_ = false;
    text_ = h.opcode == static_cast<std::uint8_t>(Opcode::kText);
    data_.clear();
    utf8_.reset();
  }
  fin_ = h.fin;
  if (h.payload_length > limits_.max_message_bytes ||
      data_.size() + h.payload_length > limits_.max_message_bytes) {
    return MessageError::kMessageTooBig;
  }
  // One allocation for the usual single-frame message; capped so a header that
  // announces a large frame cannot make us allocate memory it never fills.
  constexpr std::uint64_t kMaxReserve = 1u << 20;
  const auto want = data_.size() + std::min<std::uint64_t>(h.payload_length, kMaxReserve);
  if (want > data_.capacity()) data_.reserve(static_cast<std::size_t>(want));
  return MessageError::kNone;
}

MessageError MessageAssembler::on_payload(std::span<const std::uint8_t> chunk,
                                          bool frame_complete) {
  const std::string_view bytes(reinterpret_cast<const char*>(chunk.data()), chunk.size());
  if (text_ && !utf8_.feed(bytes)) return MessageError::kInvalidUtf8;
  data_.append(bytes);
  if (frame_complete && fin_) {
    if (text_ && !utf8_.complete()) return MessageError::kInvalidUtf8;  // cut code point at the end
    open_ = false;
    ready_ = true;
  }
  return MessageError::kNone;
}

std::string MessageAssembler::take_message() {
  ready_ = false;
  std::string out = std::move(data_);
  data_ = std::string();  // a moved-from string is valid but unspecified: make it empty
  return out;
}

}  // namespace wslab
