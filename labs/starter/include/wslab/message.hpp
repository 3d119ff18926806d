// STARTER (lab 3, step 1): fragment assembly (RFC 6455 §5.4, §5.6): data frames
// become messages. A message is a Text/Binary frame followed by zero or more
// Continuation frames, the last with FIN=1. Control frames may arrive between
// fragments and are not handled here (the Session handles them). Text is
// UTF-8-validated as it arrives, so an invalid message fails at the first bad
// byte (fail fast, §8.1), not at its end. You write the bodies in
// labs/starter/src/message.cpp; the handout is labs/03-lifecycle/README.md.
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
// 1007 for kInvalidUtf8, 1009 for kMessageTooBig, 0 for kNone, 1002 otherwise.
std::uint16_t close_code_for(MessageError e);
// One sentence naming the rule and its RFC section.
std::string_view describe(MessageError e);

class MessageAssembler {
 public:
  explicit MessageAssembler(MessageLimits limits = {}) : limits_(limits) {}

  // A data frame's header (opcode 0, 1 or 2) arrived. Errors: a continuation
  // with no open message; a Text/Binary while one is open; a message that
  // would exceed max_message_bytes (judge it from the header's length, before
  // any payload arrives).
  MessageError on_frame_header(const FrameHeader& h);
  // A chunk of that frame's payload; `frame_complete` ends the frame. For
  // text, feed the chunk to the UTF-8 validator first (kInvalidUtf8 at once);
  // when the FIN frame completes, a code point cut at the end is kInvalidUtf8 too.
  MessageError on_payload(std::span<const std::uint8_t> chunk, bool frame_complete);

  // After a FIN frame completes: the message is ready.
  [[nodiscard]] bool message_ready() const { return ready_; }
  [[nodiscard]] bool is_text() const { return text_; }
  // A message has started and its FIN frame has not completed yet.
  [[nodiscard]] bool in_message() const { return open_; }
  // Moves the finished message out and resets for the next one.
  std::string take_message();
  // Heap bytes held for a message being assembled.
  [[nodiscard]] std::size_t buffered_capacity() const { return data_.capacity(); }

 private:
  // Suggested state; message_ready()/is_text()/in_message() read these three.
  MessageLimits limits_;
  bool open_ = false;
  bool text_ = false;
  [[maybe_unused]] bool fin_ = false;  // (the attribute only silences clang until you use it)
  bool ready_ = false;
  std::string data_;
  Utf8Validator utf8_;
};

}  // namespace wslab
