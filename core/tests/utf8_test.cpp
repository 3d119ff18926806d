// UTF-8 validation for text (RFC 6455 §5.6, §8.1; RFC 3629 §3-§4), fail-fast across chunks.
#include "wslab/utf8.hpp"

#include <gtest/gtest.h>

#include <random>

#include "test_util.hpp"

namespace wslab {
namespace {

using test::bytes;

// Validates under every delivery; all three must agree with `expected`.
void expect_validity(const std::string& text, bool expected) {
  test::for_each_delivery(text, [&](const auto& chunks) {
    Utf8Validator v;
    bool ok = true;
    for (const auto& c : chunks) ok = v.feed(c) && ok;
    EXPECT_EQ(ok && v.complete(), expected);
  });
  EXPECT_EQ(is_valid_utf8(text), expected);
  EXPECT_EQ(is_valid_utf8_naive(text), expected);
}

// RFC 3629 §4: well-formed sequences of every length, boundaries included.
TEST(CoreUtf8, AcceptsWellFormedText) {
  for (const std::string& s :
       {std::string(""), std::string("Hello"),
        std::string("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"),  // κόσμε
        bytes({0x00}), bytes({0x7f}), bytes({0xc2, 0x80}), bytes({0xdf, 0xbf}),
        bytes({0xe0, 0xa0, 0x80}), bytes({0xef, 0xbf, 0xbf}), bytes({0xed, 0x9f, 0xbf}),
        bytes({0xee, 0x80, 0x80}), bytes({0xf0, 0x90, 0x80, 0x80}), bytes({0xf4, 0x8f, 0xbf, 0xbf}),
        bytes({0xef, 0xbf, 0xbe}),  // U+FFFE: a noncharacter, still valid
        std::string(100, 'a') + "\xe2\x82\xac" + std::string(50, 'b')}) {
    SCOPED_TRACE(testing::PrintToString(s));
    expect_validity(s, true);
  }
}

// RFC 3629 §3: "overlong" encodings MUST NOT be accepted (C0/C1 leads, E0 < A0, F0 < 90).
TEST(CoreUtf8, RejectsOverlongEncodings) {
  for (const auto& s :
       {bytes({0xc0, 0x80}), bytes({0xc1, 0xbf}), bytes({0xe0, 0x80, 0x80}),
        bytes({0xe0, 0x9f, 0xbf}), bytes({0xf0, 0x80, 0x80, 0x80}), bytes({0xf0, 0x8f, 0xbf, 0xbf}),
        bytes({0xc0, 0xaf}), bytes({0xe0, 0x80, 0xaf})}) {
    SCOPED_TRACE(testing::PrintToString(s));
    expect_validity(s, false);
  }
}

// RFC 3629 §3: surrogates U+D800-U+DFFF are not characters, single or paired.
TEST(CoreUtf8, RejectsSurrogates) {
  for (const auto& s : {bytes({0xed, 0xa0, 0x80}), bytes({0xed, 0xbf, 0xbf}),
                        bytes({0xed, 0xad, 0xbf}), bytes({0xed, 0xa0, 0x80, 0xed, 0xb0, 0x80})}) {
    SCOPED_TRACE(testing::PrintToString(s));
    expect_validity(s, false);
  }
}

// RFC 3629 §3: nothing above U+10FFFF; F5-FF never appear; 5- and 6-byte forms are gone.
TEST(CoreUtf8, RejectsCodePointsAboveU10FFFF) {
  for (const auto& s :
       {bytes({0xf4, 0x90, 0x80, 0x80}), bytes({0xf5, 0x80, 0x80, 0x80}),
        bytes({0xf7, 0xbf, 0xbf, 0xbf}), bytes({0xf8, 0x88, 0x80, 0x80, 0x80}),
        bytes({0xfc, 0x84, 0x80, 0x80, 0x80, 0x80}), bytes({0xfe}), bytes({0xff})}) {
    SCOPED_TRACE(testing::PrintToString(s));
    expect_validity(s, false);
  }
}

// A message may not end inside a code point; stray continuation bytes are invalid.
TEST(CoreUtf8, RejectsTruncatedAndStraySequences) {
  for (const auto& s :
       {bytes({0xc2}), bytes({0xe2, 0x82}), bytes({0xf0, 0x9f, 0x98}),
        std::string("abc") + bytes({0xce}), bytes({0x80}), bytes({0xbf}), bytes({0x41, 0x80, 0x41}),
        bytes({0xc2, 0x41}), bytes({0xe2, 0x28, 0xa1})}) {
    SCOPED_TRACE(testing::PrintToString(s));
    expect_validity(s, false);
  }
  Utf8Validator v;
  EXPECT_TRUE(v.feed(bytes({0xe2, 0x82})));  // fine so far ...
  EXPECT_FALSE(v.complete());                // ... but not a valid end
  EXPECT_TRUE(v.feed(bytes({0xac})));
  EXPECT_TRUE(v.complete());
}

// §8.1 / Autobahn 6.4: fail at the first byte that cannot be valid, even when the
// message is split into fragments and the rest has not arrived.
TEST(CoreUtf8, FailsAtTheFirstBadByteAcrossFragments) {
  Utf8Validator v;
  EXPECT_TRUE(v.feed("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"));  // κόσμε
  EXPECT_TRUE(v.feed("\xf4"));           // could still be U+10xxxx ...
  EXPECT_FALSE(v.feed("\x90\x80\x80"));  // ... but 0x90 makes it > U+10FFFF: fail now
  EXPECT_TRUE(v.failed());
  EXPECT_EQ(v.valid_prefix(), 12u);  // the F4 was accepted, the 0x90 was not
  EXPECT_FALSE(v.feed("abc"));       // stays failed
  v.reset();
  EXPECT_TRUE(v.feed("abc"));
  // The failing byte's position inside one long chunk.
  Utf8Validator w;
  const std::string text = std::string(37, 'x') + "\xed\xa0\x80" + std::string(20, 'y');
  EXPECT_FALSE(w.feed(text));
  EXPECT_EQ(w.valid_prefix(), 38u);
}

// The 8-byte ASCII fast path agrees with the textbook decoder on random inputs,
// whole and in pieces.
TEST(CoreUtf8, FastPathAgreesWithNaiveValidatorOnRandomInput) {
  std::mt19937 rng(1234);
  const std::vector<std::string> pieces = {"a",
                                           "Hello, world ",
                                           "\xc3\xa9",
                                           "\xe2\x82\xac",
                                           "\xf0\x9f\x98\x80",
                                           "\xed\x9f\xbf",
                                           "\xf4\x8f\xbf\xbf",
                                           std::string(40, 'z')};
  int invalid = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string s;
    const int parts = std::uniform_int_distribution<int>(0, 12)(rng);
    for (int i = 0; i < parts; ++i) s += pieces[rng() % pieces.size()];
    // Corrupt some inputs: flip, drop or insert a byte.
    if (!s.empty() && rng() % 2 == 0) {
      const auto at = rng() % s.size();
      switch (rng() % 3) {
        case 0:
          s[at] = static_cast<char>(rng());
          break;
        case 1:
          s.erase(at, 1);
          break;
        default:
          s.insert(at, 1, static_cast<char>(0x80 | (rng() & 0x7f)));
          break;
      }
    }
    const bool expected = is_valid_utf8_naive(s);
    invalid += expected ? 0 : 1;
    ASSERT_EQ(is_valid_utf8(s), expected) << testing::PrintToString(s);
    Utf8Validator v;
    bool ok = true;
    for (const auto& c :
         test::chop(s, test::Delivery::kRandomChops, static_cast<std::uint32_t>(round)))
      ok = v.feed(c) && ok;
    ASSERT_EQ(ok && v.complete(), expected) << testing::PrintToString(s);
  }
  EXPECT_GT(invalid, 300);  // the corpus exercises both answers
  // Fully random bytes too.
  for (int round = 0; round < 2000; ++round) {
    std::string s(rng() % 40, '\0');
    for (auto& c : s) c = static_cast<char>(rng() % 3 == 0 ? rng() : rng() % 128);
    ASSERT_EQ(is_valid_utf8(s), is_valid_utf8_naive(s)) << testing::PrintToString(s);
  }
}

}  // namespace
}  // namespace wslab
