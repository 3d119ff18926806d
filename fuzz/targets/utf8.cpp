// Fuzz target: the UTF-8 validator (RFC 3629 §3-§4; RFC 6455 §5.6, §8.1
// "fail fast") against a reference written for this test.
// Input: byte 0 = chop count, the chop sizes, then the text.
// The reference is deliberately slow and obvious, in two independent halves
// that must agree with each other:
//  - the RFC 3629 §4 table: for each lead byte, the allowed range of every
//    following byte; it also says at which byte a bad sequence fails;
//  - a code-point decoder: read the bit pattern, rebuild the code point, and
//    reject overlongs, UTF-16 surrogates and anything above U+10FFFF (§3).
// Checked: is_valid_utf8, is_valid_utf8_naive, and Utf8Validator fed in
// chops (fails in the piece that holds the first bad byte, valid_prefix() is
// that byte's index, complete() only at a code-point boundary).
#include "wslab/utf8.hpp"

#include <array>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"

namespace {

using wslab::fuzz::printable;

struct Range {
  std::uint8_t lo, hi;
};
struct Row {
  Range lead;
  std::size_t trail_count;
  std::array<Range, 3> trail;
};

// RFC 3629 §4, UTF8-1 .. UTF8-4, one row per alternative.
constexpr Range kTail{0x80, 0xBF};
constexpr std::array<Row, 9> kTable{{
    {{0x00, 0x7F}, 0, {}},
    {{0xC2, 0xDF}, 1, {kTail}},
    {{0xE0, 0xE0}, 2, {Range{0xA0, 0xBF}, kTail}},
    {{0xE1, 0xEC}, 2, {kTail, kTail}},
    {{0xED, 0xED}, 2, {Range{0x80, 0x9F}, kTail}},
    {{0xEE, 0xEF}, 2, {kTail, kTail}},
    {{0xF0, 0xF0}, 3, {Range{0x90, 0xBF}, kTail, kTail}},
    {{0xF1, 0xF3}, 3, {kTail, kTail, kTail}},
    {{0xF4, 0xF4}, 3, {Range{0x80, 0x8F}, kTail, kTail}},
}};

bool in(Range r, std::uint8_t b) {
  return b >= r.lo && b <= r.hi;
}

struct TableVerdict {
  bool valid = false;
  std::size_t first_bad = std::string::npos;  // index of the first impossible byte
};

TableVerdict by_table(std::string_view s) {
  TableVerdict v;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<std::uint8_t>(s[i]);
    const Row* row = nullptr;
    for (const Row& r : kTable) {
      if (in(r.lead, b)) row = &r;
    }
    if (row == nullptr) {
      v.first_bad = i;
      return v;
    }
    for (std::size_t k = 0; k < row->trail_count; ++k) {
      if (i + 1 + k >= s.size()) return v;  // cut short at the end: not valid, nothing bad yet
      if (!in(row->trail[k], static_cast<std::uint8_t>(s[i + 1 + k]))) {
        v.first_bad = i + 1 + k;
        return v;
      }
    }
    i += 1 + row->trail_count;
  }
  v.valid = true;
  return v;
}

bool by_code_points(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<std::uint8_t>(s[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    std::uint32_t min = 0;
    if ((b & 0x80) == 0) {
      len = 1, cp = b, min = 0;
    } else if ((b & 0xE0) == 0xC0) {
      len = 2, cp = b & 0x1Fu, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3, cp = b & 0x0Fu, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4, cp = b & 0x07u, min = 0x10000;
    } else {
      return false;  // a continuation byte or F8-FF as a lead
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<std::uint8_t>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    if (cp < min) return false;                      // overlong
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;  // UTF-16 surrogate
    if (cp > 0x10FFFF) return false;                 // beyond Unicode
    i += len;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = wslab::fuzz::ChoppedInput::parse(data, size);
  const std::string_view text = input.stream;

  const TableVerdict ref = by_table(text);
  WSLAB_FUZZ_CHECK(ref.valid == by_code_points(text),
                   "the two reference halves disagree (test bug) on " + printable(text));
  WSLAB_FUZZ_CHECK(wslab::is_valid_utf8(text) == ref.valid, std::string("is_valid_utf8 says ") +
                                                                (ref.valid ? "invalid" : "valid") +
                                                                " for " + printable(text));
  WSLAB_FUZZ_CHECK(wslab::is_valid_utf8_naive(text) == ref.valid,
                   "is_valid_utf8_naive disagrees on " + printable(text));

  wslab::Utf8Validator v;
  std::size_t fed = 0;
  bool failed_at_feed = false;
  for (std::string_view piece : input.pieces()) {
    const bool ok = v.feed(piece);
    const std::size_t end = fed + piece.size();
    const bool bad_in_piece = ref.first_bad != std::string::npos && ref.first_bad < end;
    if (!failed_at_feed) {
      WSLAB_FUZZ_CHECK(ok == !bad_in_piece,
                       "feed() " + std::string(ok ? "accepted" : "refused") + " the piece at " +
                           std::to_string(fed) + " but the first bad byte is at " +
                           (ref.first_bad == std::string::npos ? std::string("none")
                                                               : std::to_string(ref.first_bad)) +
                           " in " + printable(text));
    } else {
      WSLAB_FUZZ_CHECK(!ok && v.failed(), "the validator recovered after a failure");
    }
    failed_at_feed = failed_at_feed || !ok;
    fed = end;
  }
  WSLAB_FUZZ_CHECK(v.failed() == (ref.first_bad != std::string::npos), "failed() is wrong");
  if (v.failed()) {
    WSLAB_FUZZ_CHECK(v.valid_prefix() == ref.first_bad,
                     "valid_prefix() = " + std::to_string(v.valid_prefix()) +
                         ", first bad byte at " + std::to_string(ref.first_bad));
  }
  WSLAB_FUZZ_CHECK(v.complete() == ref.valid,
                   "complete() is wrong at the end of " + printable(text));

  v.reset();
  WSLAB_FUZZ_CHECK(!v.failed() && v.complete(), "reset() left state behind");
  WSLAB_FUZZ_CHECK(
      v.feed(text) == (ref.first_bad == std::string::npos) && v.complete() == ref.valid,
      "one feed of the whole text disagrees after reset()");
  return 0;
}
