// Fragment assembly (RFC 6455 §5.4, §5.6): data frames become messages.
// A message is a Text/Binary frame followed by zero or more Continuation
// frames, the last with FIN=1. Control frames may arrive between fragments
// and are not handled here. Text is UTF-8 validated as it arrives, so an
// invalid message fails at the first bad byte (fail fast), not at its end.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "wslab/frame.hpp"
#include "wslab/utf8.hpp"

namespace wslab {

struct MessageLimits {
  std::uint64_t max_message_bytes = 64ull << 20;  // over it -> 1009
};

enum class MessageError : std::uint8_t {
  kNone,
  kUnexpectedContinuation,  // continuation with no message open (§5.4) -> 1002
  kExpectedContinuation,    // new Text/Binary while a message is open (§5.4) -> 1002
  kInvalidUtf8,             // -> 1007
  kMessageTooBig,           // -> 1009
};
std::uint16_t close_code_for(MessageError e);
std::string_view describe(MessageError e);

class MessageAssembler {
 public:
  explicit MessageAssembler(MessageLimits limits = {}) : limits_(limits) {}

  // A data frame's header (opcode 0, 1 or 2) arrived.
  MessageError on_frame_header(const FrameHeader& h);
  // A chunk of that frame's payload; `frame_complete` ends the frame.
  MessageError on_payload(std::span<const std::uint8_t> chunk, bool frame_complete);

  // After a FIN frame completes: the message is ready.
  [[nodiscard]] bool message_ready() const { return ready_; }
  [[nodiscard]] bool is_text() const { return text_; }
  [[nodiscard]] bool in_message() const { return open_; }
  // Moves the finished message out and resets for the next one.
  std::string take_message();
  // Heap bytes held for a message being assembled.
  [[nodiscard]] std::size_t buffered_capacity() const { return data_.capacity(); }

 private:
  MessageLimits limits_;
  bool open_ = false;
  bool text_ = false;
  bool fin_ = false;
  bool ready_ = false;
  std::string data_;
  Utf8Validator utf8_;
};

}  // namespace wslab
