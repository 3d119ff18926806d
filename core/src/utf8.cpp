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
//
// Speed: runs of ASCII are skipped 16 or 8 bytes at a time. A sequence lying
// wholly inside the chunk is checked in one step whose length comes from a
// branch, not from a table load, so the index never waits on a load (a loop-
// carried dependency that made a table-driven version 3x slower than the
// naive decoder on mixed text). State lives in locals: the input is char data
// and may alias members.
namespace {

std::uint64_t load64(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// Range of the byte after lead byte `c` (c in C2-F4), for sequences cut by a chunk end.
void second_byte_range(unsigned char c, std::uint8_t& lower, std::uint8_t& upper) {
  lower = c == 0xE0 ? 0xA0 : (c == 0xF0 ? 0x90 : 0x80);
  upper = c == 0xED ? 0x9F : (c == 0xF4 ? 0x8F : 0xBF);
}

}  // namespace

bool Utf8Validator::feed(std::string_view chunk) {
  if (failed_) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(chunk.data());
  const std::size_t n = chunk.size();
  std::size_t i = 0;
  std::size_t bad = 0;  // index of the failing byte
  // Finish a sequence the previous chunk left open.
  std::uint32_t needed = needed_;
  std::uint8_t lower = lower_;
  std::uint8_t upper = upper_;
  while (needed > 0 && i < n) {
    if (p[i] < lower || p[i] > upper) {
      bad = i;
      goto failed;
    }
    lower = 0x80;
    upper = 0xBF;
    --needed;
    ++i;
  }
  while (needed == 0 && i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      // ASCII: if the next 8 bytes are ASCII too, skip the run a word at a time.
      ++i;
      if (i + 8 <= n && (load64(p + i) & kHighBits) == 0) {
        i += 8;
        while (i + 16 <= n && ((load64(p + i) | load64(p + i + 8)) & kHighBits) == 0) i += 16;
      }
    } else if (c < 0xE0) {
      if (c < 0xC2) {
        bad = i;
        goto failed;
      }
      if (i + 2 > n) goto cut;
      if (!is_continuation(p[i + 1])) {
        bad = i + 1;
        goto failed;
      }
      i += 2;
    } else if (c < 0xF0) {
      if (i + 3 > n) goto cut;
      const unsigned char c1 = p[i + 1];
      const bool ok1 = c == 0xE0 ? (c1 >= 0xA0 && c1 <= 0xBF)
                                 : (c == 0xED ? (c1 >= 0x80 && c1 <= 0x9F) : is_continuation(c1));
      if (!ok1) {
        bad = i + 1;
        goto failed;
      }
      if (!is_continuation(p[i + 2])) {
        bad = i + 2;
        goto failed;
      }
      i += 3;
    } else {
      if (c > 0xF4) {
        bad = i;
        goto failed;
      }
      if (i + 4 > n) goto cut;
      const unsigned char c1 = p[i + 1];
      const bool ok1 = c == 0xF0 ? (c1 >= 0x90 && c1 <= 0xBF)
                                 : (c == 0xF4 ? (c1 >= 0x80 && c1 <= 0x8F) : is_continuation(c1));
      if (!ok1) {
        bad = i + 1;
        goto failed;
      }
      if (!is_continuation(p[i + 2])) {
        bad = i + 2;
        goto failed;
      }
      if (!is_continuation(p[i + 3])) {
        bad = i + 3;
        goto failed;
      }
      i += 4;
    }
    continue;
  cut:
    // The sequence continues in the next chunk: check what is here, remember the rest.
    needed = c < 0xE0 ? 1u : (c < 0xF0 ? 2u : 3u);
    second_byte_range(c, lower, upper);
    for (++i; i < n; ++i) {
      if (p[i] < lower || p[i] > upper) {
        bad = i;
        goto failed;
      }
      lower = 0x80;
      upper = 0xBF;
      --needed;
    }
  }
  needed_ = needed;
  lower_ = lower;
  upper_ = upper;
  consumed_ += n;
  return true;
failed:
  failed_ = true;
  consumed_ += bad;
  return false;
}

void Utf8Validator::reset() {
  *this = Utf8Validator{};
}

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
    if (cp < min_for_len[len]) return false;         // overlong
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;  // surrogate
    if (cp > 0x10FFFF) return false;                 // beyond Unicode
    i += len;
  }
  return true;
}

}  // namespace wslab
