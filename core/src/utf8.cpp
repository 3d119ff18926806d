// UTF-8 validation (RFC 3629 §4 syntax; RFC 6455 §8.1 fail-fast on text).
#include "wslab/utf8.hpp"

#include <cstring>

namespace wslab {
namespace {
constexpr std::uint64_t kHighBits = 0x8080808080808080ull;
}  // namespace

// The well-formed byte sequences of RFC 3629 §4 (Unicode Table 3-7). The second
// byte's range depends on the lead byte: E0 needs A0-BF (no overlongs), ED needs
// 80-9F (no surrogates), F0 needs 90-BF (no overlongs), F4 needs 80-8F (nothing
// above U+10FFFF). C0, C1 and F5-FF can never appear.
bool Utf8Validator::feed(std::string_view chunk) {
  if (failed_) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(chunk.data());
  const std::size_t n = chunk.size();
  std::size_t i = 0;
  while (i < n) {
    if (needed_ == 0) {
      // ASCII fast path: 16 then 8 bytes at a time while no high bit is set.
      while (i + 16 <= n) {
        std::uint64_t a;
        std::uint64_t b;
        std::memcpy(&a, p + i, 8);
        std::memcpy(&b, p + i + 8, 8);
        if (((a | b) & kHighBits) != 0) break;
        i += 16;
      }
      while (i + 8 <= n) {
        std::uint64_t a;
        std::memcpy(&a, p + i, 8);
        if ((a & kHighBits) != 0) break;
        i += 8;
      }
      if (i >= n) break;
      const unsigned char c = p[i];
      if (c < 0x80) {
        ++i;
        continue;
      }
      if (c >= 0xC2 && c <= 0xDF) {
        needed_ = 1;
      } else if (c >= 0xE0 && c <= 0xEF) {
        needed_ = 2;
        if (c == 0xE0) lower_ = 0xA0;
        if (c == 0xED) upper_ = 0x9F;
      } else if (c >= 0xF0 && c <= 0xF4) {
        needed_ = 3;
        if (c == 0xF0) lower_ = 0x90;
        if (c == 0xF4) upper_ = 0x8F;
      } else {
        failed_ = true;
        consumed_ += i;
        return false;
      }
      ++i;
      continue;
    }
    const unsigned char c = p[i];
    if (c < lower_ || c > upper_) {
      failed_ = true;
      consumed_ += i;
      return false;
    }
    lower_ = 0x80;
    upper_ = 0xBF;
    --needed_;
    ++i;
  }
  consumed_ += n;
  return true;
}

void Utf8Validator::reset() { *this = Utf8Validator{}; }

bool is_valid_utf8(std::string_view text) {
  Utf8Validator v;
  return v.feed(text) && v.complete();
}

bool is_valid_utf8_naive(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      len = 1;
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (i + len > text.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    const std::uint32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_len[len]) return false;             // overlong
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;      // surrogate
    if (cp > 0x10FFFF) return false;                     // beyond Unicode
    i += len;
  }
  return true;
}

}  // namespace wslab
