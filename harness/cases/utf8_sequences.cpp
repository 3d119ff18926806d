// The UTF-8 test sequences (see utf8_sequences.hpp). Bytes are spelled as
// hex lists so every sequence can be checked against RFC 3629 §4 by eye:
//   UTF8-2 = %xC2-DF UTF8-tail
//   UTF8-3 = %xE0 %xA0-BF UTF8-tail / %xE1-EC 2( UTF8-tail ) /
//            %xED %x80-9F UTF8-tail / %xEE-EF 2( UTF8-tail )
//   UTF8-4 = %xF0 %x90-BF 2( UTF8-tail ) / %xF1-F3 3( UTF8-tail ) /
//            %xF4 %x80-8F 2( UTF8-tail )
#include "utf8_sequences.hpp"

#include <cstdio>
#include <initializer_list>

namespace wslab::harness::cases {

namespace {

std::string b(std::initializer_list<unsigned> bytes) {
  std::string s;
  for (unsigned v : bytes) s.push_back(static_cast<char>(static_cast<unsigned char>(v)));
  return s;
}

std::string hex_cp(unsigned long cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04lx", cp);
  return buf;
}

std::string upper_cp(unsigned long cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04lX", cp);
  return buf;
}

const std::string kKosme = b({0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5});

std::vector<Utf8Sequence> build() {
  std::vector<Utf8Sequence> v;
  auto add = [&](std::string name, std::string ab, bool valid, std::string bytes,
                 std::string what) {
    v.push_back(
        Utf8Sequence{std::move(name), std::move(ab), valid, std::move(bytes), std::move(what)});
  };

  // 6.5 Some valid UTF-8 sequences.
  add("kosme", "6.5.1", true, kKosme, "the Greek word 'kosme' (2- and 3-byte sequences)");
  add("latin-supplement", "6.5.2", true,
      "Hello-" + b({0xC2, 0xB5}) + "@" +
          b({0xC3, 0x9F, 0xC3, 0xB6, 0xC3, 0xA4, 0xC3, 0xBC, 0xC3, 0xA0, 0xC3, 0xA1}) + "-UTF-8!!",
      "ASCII mixed with Latin-1 supplement letters (2-byte sequences)");
  add("cjk", "6.5.3", true, b({0xE6, 0x97, 0xA5, 0xE6, 0x9C, 0xAC, 0xE8, 0xAA, 0x9E}),
      "three CJK ideographs (3-byte sequences)");
  add("emoji", "6.5.4", true, b({0xF0, 0x9F, 0x98, 0x80}), "U+1F600, an emoji (a 4-byte sequence)");
  add("mixed-lengths", "6.5.5", true,
      "a" + b({0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9D, 0x84, 0x9E}),
      "one sequence of each length 1-4 in a row");

  // 6.6 Every prefix of "kosme": valid only when it ends on a code point boundary.
  for (std::size_t n = 1; n <= kKosme.size(); ++n) {
    bool valid = n == 2 || n == 5 || n == 7 || n == 9 || n == 11;
    add("kosme-prefix-" + std::to_string(n), "6.6." + std::to_string(n), valid, kKosme.substr(0, n),
        "the first " + std::to_string(n) + " bytes of 'kosme'" +
            (valid ? " (ends on a code point boundary)" : " (ends inside a code point)"));
  }

  // 6.7 First possible sequence of each length.
  add("first-1byte-u0000", "6.7.1", true, b({0x00}), "U+0000, the first 1-byte sequence (NUL)");
  add("first-2byte-u0080", "6.7.2", true, b({0xC2, 0x80}), "U+0080, the first 2-byte sequence");
  add("first-3byte-u0800", "6.7.3", true, b({0xE0, 0xA0, 0x80}),
      "U+0800, the first 3-byte sequence");
  add("first-4byte-u10000", "6.7.4", true, b({0xF0, 0x90, 0x80, 0x80}),
      "U+10000, the first 4-byte sequence");

  // 6.8 The historic 5- and 6-byte forms (not UTF-8 since RFC 3629).
  add("5byte-form-u200000", "6.8.1", false, b({0xF8, 0x88, 0x80, 0x80, 0x80}),
      "U+200000 in the old 5-byte form");
  add("6byte-form-u4000000", "6.8.2", false, b({0xFC, 0x84, 0x80, 0x80, 0x80, 0x80}),
      "U+4000000 in the old 6-byte form");

  // 6.9 Last possible sequence of each length (up to U+10FFFF).
  add("last-1byte-u007f", "6.9.1", true, b({0x7F}), "U+007F, the last 1-byte sequence");
  add("last-2byte-u07ff", "6.9.2", true, b({0xDF, 0xBF}), "U+07FF, the last 2-byte sequence");
  add("last-3byte-uffff", "6.9.3", true, b({0xEF, 0xBF, 0xBF}), "U+FFFF, the last 3-byte sequence");
  add("last-4byte-u10ffff", "6.9.4", true, b({0xF4, 0x8F, 0xBF, 0xBF}),
      "U+10FFFF, the largest code point");

  // 6.10 Beyond U+10FFFF.
  add("above-max-4byte-u1fffff", "6.10.1", false, b({0xF7, 0xBF, 0xBF, 0xBF}),
      "U+1FFFFF in 4 bytes (above U+10FFFF)");
  add("above-max-5byte-u3ffffff", "6.10.2", false, b({0xFB, 0xBF, 0xBF, 0xBF, 0xBF}),
      "U+3FFFFFF in 5 bytes");
  add("above-max-6byte-u7fffffff", "6.10.3", false, b({0xFD, 0xBF, 0xBF, 0xBF, 0xBF, 0xBF}),
      "U+7FFFFFFF in 6 bytes");

  // 6.11 Other boundary conditions.
  add("boundary-ud7ff", "6.11.1", true, b({0xED, 0x9F, 0xBF}), "U+D7FF, just below the surrogates");
  add("boundary-ue000", "6.11.2", true, b({0xEE, 0x80, 0x80}), "U+E000, just above the surrogates");
  add("boundary-ufffd", "6.11.3", true, b({0xEF, 0xBF, 0xBD}), "U+FFFD, the replacement character");
  add("boundary-u10ffff", "6.11.4", true, b({0xF4, 0x8F, 0xBF, 0xBF}), "U+10FFFF");
  add("boundary-u110000", "6.11.5", false, b({0xF4, 0x90, 0x80, 0x80}),
      "U+110000, one above the largest code point");

  // 6.12 Unexpected continuation bytes.
  add("continuation-80", "6.12.1", false, b({0x80}), "a lone first continuation byte 0x80");
  add("continuation-bf", "6.12.2", false, b({0xBF}), "a lone last continuation byte 0xBF");
  add("continuation-2-bytes", "6.12.3", false, b({0x80, 0xBF}), "2 continuation bytes");
  add("continuation-3-bytes", "6.12.4", false, b({0x80, 0xBF, 0x80}), "3 continuation bytes");
  add("continuation-4-bytes", "6.12.5", false, b({0x80, 0xBF, 0x80, 0xBF}), "4 continuation bytes");
  add("continuation-5-bytes", "6.12.6", false, b({0x80, 0xBF, 0x80, 0xBF, 0x80}),
      "5 continuation bytes");
  add("continuation-6-bytes", "6.12.7", false, b({0x80, 0xBF, 0x80, 0xBF, 0x80, 0xBF}),
      "6 continuation bytes");
  {
    std::string all;
    for (unsigned c = 0x80; c <= 0xBF; ++c) all.push_back(static_cast<char>(c));
    add("continuation-all-64", "6.12.8", false, all, "all 64 continuation bytes 0x80-0xBF");
  }

  // 6.13 Lonely start bytes, each followed by a space.
  struct Lonely {
    const char* name;
    unsigned first, last;
    const char* what;
  };
  const Lonely lonely[] = {
      {"lonely-start-2byte", 0xC0, 0xDF, "the 32 first bytes of 2-byte sequences (0xC0-0xDF)"},
      {"lonely-start-3byte", 0xE0, 0xEF, "the 16 first bytes of 3-byte sequences (0xE0-0xEF)"},
      {"lonely-start-4byte", 0xF0, 0xF7, "the 8 first bytes of 4-byte sequences (0xF0-0xF7)"},
      {"lonely-start-5byte", 0xF8, 0xFB, "the 4 first bytes of 5-byte sequences (0xF8-0xFB)"},
      {"lonely-start-6byte", 0xFC, 0xFD, "the 2 first bytes of 6-byte sequences (0xFC-0xFD)"},
  };
  int k = 1;
  for (const auto& l : lonely) {
    std::string s;
    for (unsigned c = l.first; c <= l.last; ++c) {
      s.push_back(static_cast<char>(c));
      s.push_back(' ');
    }
    add(l.name, "6.13." + std::to_string(k++), false, s,
        std::string(l.what) + ", each followed by a space");
  }

  // 6.14 Sequences with the last continuation byte missing.
  const std::vector<Utf8Sequence> truncated = {
      {"truncated-2byte-u0000", "6.14.1", false, b({0xC0}), "U+0000 in 2 bytes, last byte missing"},
      {"truncated-3byte-u0000", "6.14.2", false, b({0xE0, 0x80}),
       "U+0000 in 3 bytes, last byte missing"},
      {"truncated-4byte-u0000", "6.14.3", false, b({0xF0, 0x80, 0x80}),
       "U+0000 in 4 bytes, last byte missing"},
      {"truncated-5byte-u0000", "6.14.4", false, b({0xF8, 0x80, 0x80, 0x80}),
       "U+0000 in 5 bytes, last byte missing"},
      {"truncated-6byte-u0000", "6.14.5", false, b({0xFC, 0x80, 0x80, 0x80, 0x80}),
       "U+0000 in 6 bytes, last byte missing"},
      {"truncated-2byte-u07ff", "6.14.6", false, b({0xDF}), "U+07FF in 2 bytes, last byte missing"},
      {"truncated-3byte-uffff", "6.14.7", false, b({0xEF, 0xBF}),
       "U+FFFF in 3 bytes, last byte missing"},
      {"truncated-4byte-u1fffff", "6.14.8", false, b({0xF7, 0xBF, 0xBF}),
       "U+1FFFFF in 4 bytes, last byte missing"},
      {"truncated-5byte-u3ffffff", "6.14.9", false, b({0xFB, 0xBF, 0xBF, 0xBF}),
       "U+3FFFFFF in 5 bytes, last byte missing"},
      {"truncated-6byte-u7fffffff", "6.14.10", false, b({0xFD, 0xBF, 0xBF, 0xBF, 0xBF}),
       "U+7FFFFFFF in 6 bytes, last byte missing"},
  };
  std::string concatenated;
  for (const auto& t : truncated) {
    v.push_back(t);
    concatenated += t.bytes;
  }

  // 6.15 All of 6.14 in a row.
  add("truncated-all-concatenated", "6.15.1", false, concatenated,
      "the 10 truncated sequences of 6.14 concatenated");

  // 6.16 Bytes that never appear in UTF-8.
  add("impossible-fe", "6.16.1", false, b({0xFE}), "the byte 0xFE");
  add("impossible-ff", "6.16.2", false, b({0xFF}), "the byte 0xFF");
  add("impossible-fe-fe-ff-ff", "6.16.3", false, b({0xFE, 0xFE, 0xFF, 0xFF}),
      "0xFE 0xFE 0xFF 0xFF");

  // 6.17 Overlong encodings of '/' (U+002F): the path-traversal classic.
  add("overlong-slash-2byte", "6.17.1", false, b({0xC0, 0xAF}),
      "'/' (U+002F) in 2 bytes (overlong)");
  add("overlong-slash-3byte", "6.17.2", false, b({0xE0, 0x80, 0xAF}), "'/' in 3 bytes (overlong)");
  add("overlong-slash-4byte", "6.17.3", false, b({0xF0, 0x80, 0x80, 0xAF}),
      "'/' in 4 bytes (overlong)");
  add("overlong-slash-5byte", "6.17.4", false, b({0xF8, 0x80, 0x80, 0x80, 0xAF}),
      "'/' in 5 bytes (overlong)");
  add("overlong-slash-6byte", "6.17.5", false, b({0xFC, 0x80, 0x80, 0x80, 0x80, 0xAF}),
      "'/' in 6 bytes (overlong)");

  // 6.18 The largest code point that is still overlong in each length.
  add("overlong-max-2byte-u007f", "6.18.1", false, b({0xC1, 0xBF}), "U+007F in 2 bytes (overlong)");
  add("overlong-max-3byte-u07ff", "6.18.2", false, b({0xE0, 0x9F, 0xBF}),
      "U+07FF in 3 bytes (overlong)");
  add("overlong-max-4byte-uffff", "6.18.3", false, b({0xF0, 0x8F, 0xBF, 0xBF}),
      "U+FFFF in 4 bytes (overlong)");
  add("overlong-max-5byte-u1fffff", "6.18.4", false, b({0xF8, 0x87, 0xBF, 0xBF, 0xBF}),
      "U+1FFFFF in 5 bytes (overlong)");
  add("overlong-max-6byte-u3ffffff", "6.18.5", false, b({0xFC, 0x83, 0xBF, 0xBF, 0xBF, 0xBF}),
      "U+3FFFFFF in 6 bytes (overlong)");

  // 6.19 Overlong NUL.
  add("overlong-nul-2byte", "6.19.1", false, b({0xC0, 0x80}), "NUL (U+0000) in 2 bytes (overlong)");
  add("overlong-nul-3byte", "6.19.2", false, b({0xE0, 0x80, 0x80}), "NUL in 3 bytes (overlong)");
  add("overlong-nul-4byte", "6.19.3", false, b({0xF0, 0x80, 0x80, 0x80}),
      "NUL in 4 bytes (overlong)");
  add("overlong-nul-5byte", "6.19.4", false, b({0xF8, 0x80, 0x80, 0x80, 0x80}),
      "NUL in 5 bytes (overlong)");
  add("overlong-nul-6byte", "6.19.5", false, b({0xFC, 0x80, 0x80, 0x80, 0x80, 0x80}),
      "NUL in 6 bytes (overlong)");

  // 6.20 Single UTF-16 surrogates encoded as UTF-8.
  const unsigned long singles[] = {0xD800, 0xDB7F, 0xDB80, 0xDBFF, 0xDC00, 0xDF80, 0xDFFF};
  k = 1;
  for (unsigned long s : singles) {
    add("surrogate-u" + hex_cp(s), "6.20." + std::to_string(k++), false, utf8_encode(s),
        "the lone surrogate " + upper_cp(s) + " encoded as UTF-8");
  }

  // 6.21 Paired UTF-16 surrogates encoded as UTF-8 (CESU-8 style).
  const unsigned long highs[] = {0xD800, 0xDB7F, 0xDB80, 0xDBFF};
  const unsigned long lows[] = {0xDC00, 0xDFFF};
  k = 1;
  for (unsigned long h : highs) {
    for (unsigned long l : lows) {
      add("surrogate-pair-u" + hex_cp(h) + "-u" + hex_cp(l), "6.21." + std::to_string(k++), false,
          utf8_encode(h) + utf8_encode(l),
          "the surrogate pair " + upper_cp(h) + " " + upper_cp(l) +
              " encoded as two 3-byte sequences");
    }
  }

  // 6.22 Noncharacters: valid UTF-8 (RFC 3629 has no exception for them).
  k = 1;
  for (unsigned long plane = 0; plane <= 0x10; ++plane) {
    for (unsigned long low : {0xFFFEul, 0xFFFFul}) {
      unsigned long cp = (plane << 16) | low;
      add("noncharacter-u" + hex_cp(cp), "6.22." + std::to_string(k++), true, utf8_encode(cp),
          "the noncharacter " + upper_cp(cp) + " (valid UTF-8)");
    }
  }

  // 6.23 The Specials block U+FFF9-U+FFFF.
  k = 1;
  for (unsigned long cp = 0xFFF9; cp <= 0xFFFF; ++cp) {
    add("special-u" + hex_cp(cp), "6.23." + std::to_string(k++), true, utf8_encode(cp),
        upper_cp(cp) + " from the Specials block (valid UTF-8)");
  }
  return v;
}

}  // namespace

std::string utf8_encode(unsigned long cp) {
  auto byte = [](unsigned long x) {
    return static_cast<char>(static_cast<unsigned char>(x & 0xFF));
  };
  std::string s;
  if (cp < 0x80) {
    s.push_back(byte(cp));
  } else if (cp < 0x800) {
    s.push_back(byte(0xC0 | (cp >> 6)));
    s.push_back(byte(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    s.push_back(byte(0xE0 | (cp >> 12)));
    s.push_back(byte(0x80 | ((cp >> 6) & 0x3F)));
    s.push_back(byte(0x80 | (cp & 0x3F)));
  } else if (cp < 0x200000) {
    s.push_back(byte(0xF0 | (cp >> 18)));
    s.push_back(byte(0x80 | ((cp >> 12) & 0x3F)));
    s.push_back(byte(0x80 | ((cp >> 6) & 0x3F)));
    s.push_back(byte(0x80 | (cp & 0x3F)));
  } else if (cp < 0x4000000) {
    s.push_back(byte(0xF8 | (cp >> 24)));
    for (int shift = 18; shift >= 0; shift -= 6) s.push_back(byte(0x80 | ((cp >> shift) & 0x3F)));
  } else {
    s.push_back(byte(0xFC | ((cp >> 30) & 0x01)));
    for (int shift = 24; shift >= 0; shift -= 6) s.push_back(byte(0x80 | ((cp >> shift) & 0x3F)));
  }
  return s;
}

const std::vector<Utf8Sequence>& kuhn_sequences() {
  static const std::vector<Utf8Sequence> sequences = build();
  return sequences;
}

}  // namespace wslab::harness::cases
