// Incremental UTF-8 validation for text messages (RFC 6455 §5.6, §8.1;
// RFC 3629 §3-§4). Fails at the first byte that cannot be part of valid
// UTF-8, even mid-message or across fragments ("fail fast"): overlongs,
// UTF-16 surrogates (U+D800-U+DFFF), code points above U+10FFFF, bytes
// C0, C1, F5-FF, and stray continuation bytes. ASCII runs take a fast path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace wslab {

class Utf8Validator {
 public:
  // Feed the next chunk. Returns false as soon as the text so far can no longer
  // be valid UTF-8; the validator then stays failed until reset().
  bool feed(std::string_view chunk);
  // True when no code point is cut in the middle (valid end of message).
  [[nodiscard]] bool complete() const { return !failed_ && needed_ == 0; }
  [[nodiscard]] bool failed() const { return failed_; }
  // Bytes accepted before the failure (meaningful when failed()).
  [[nodiscard]] std::size_t valid_prefix() const { return consumed_; }
  void reset();

 private:
  std::uint32_t needed_ = 0;   // continuation bytes still expected
  std::uint8_t lower_ = 0x80;  // allowed range for the next continuation byte
  std::uint8_t upper_ = 0xBF;
  bool failed_ = false;
  std::size_t consumed_ = 0;
};

// Whole-buffer check (complete message).
bool is_valid_utf8(std::string_view text);
// The textbook decoder (decode each code point, then reject overlongs,
// surrogates and > U+10FFFF), one byte at a time. Kept as a test oracle and as
// the benchmark's baseline, like apply_mask_bytewise.
bool is_valid_utf8_naive(std::string_view text);

}  // namespace wslab
