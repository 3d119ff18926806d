// STARTER (lab 2, step 5): incremental UTF-8 validation for text messages
// (RFC 6455 §5.6, §8.1; RFC 3629 §3-§4). You write the bodies in
// labs/starter/src/utf8.cpp; the handout is labs/02-framing/README.md.
//
// The validator fails at the FIRST byte that cannot be part of valid UTF-8,
// even mid-message or across fragments ("fail fast", §8.1). The well-formed
// sequences (RFC 3629 §4):
//   00-7F
//   C2-DF 80-BF
//   E0 A0-BF 80-BF | E1-EC 80-BF 80-BF | ED 80-9F 80-BF | EE-EF 80-BF 80-BF
//   F0 90-BF 80-BF 80-BF | F1-F3 80-BF 80-BF 80-BF | F4 80-8F 80-BF 80-BF
// Everything else is invalid: C0, C1, F5-FF anywhere, overlongs (E0 80-9F,
// F0 80-8F), UTF-16 surrogates (ED A0-BF = U+D800-U+DFFF), code points above
// U+10FFFF (F4 90-BF), stray continuation bytes, a sequence cut short by a
// non-continuation byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace wslab {

class Utf8Validator {
 public:
  // Feed the next chunk (a chunk may end in the MIDDLE of a code point: keep
  // what you need to check the rest when the next chunk comes). Returns false
  // as soon as the text so far can no longer be valid UTF-8; the validator then
  // stays failed (every later feed returns false) until reset().
  bool feed(std::string_view chunk);
  // True when nothing failed and no code point is cut in the middle (a valid
  // end of message).
  [[nodiscard]] bool complete() const { return !failed_ && needed_ == 0; }
  [[nodiscard]] bool failed() const { return failed_; }
  // Bytes accepted before the failure (meaningful when failed()): the index,
  // counted over all chunks fed, of the byte that broke the rules.
  [[nodiscard]] std::size_t valid_prefix() const { return consumed_; }
  // Back to the start state.
  void reset();

 private:
  // Suggested state (it is yours: change it, but keep complete()/failed() right).
  std::uint32_t needed_ = 0;                    // continuation bytes still expected
  [[maybe_unused]] std::uint8_t lower_ = 0x80;  // allowed range for the next continuation byte
  [[maybe_unused]] std::uint8_t upper_ = 0xBF;
  bool failed_ = false;
  std::size_t consumed_ = 0;
};

// Whole-buffer check of a complete message (valid AND complete).
bool is_valid_utf8(std::string_view text);
// The textbook way: decode each code point, then reject overlongs, surrogates
// and > U+10FFFF. Write it as an independent check of your validator.
bool is_valid_utf8_naive(std::string_view text);

}  // namespace wslab
