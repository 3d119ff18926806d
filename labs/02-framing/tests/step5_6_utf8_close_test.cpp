// Lab 2, steps 5-6: incremental UTF-8 validation (RFC 3629 §4, RFC 6455 §8.1)
// and Close bodies and codes (RFC 6455 §5.5.1, §7.4).
#include <string>
#include <vector>

#include "bytes.hpp"
#include "lab_test.hpp"
#include "wslab/close.hpp"
#include "wslab/utf8.hpp"

namespace wslab {
namespace {

using labtest::hex;
using labtest::unhex;

WSLAB_LAB_SUITE(Lab2Utf8);
WSLAB_LAB_SUITE(Lab2Close);

// ---- step 5 ---------------------------------------------------------------

const std::vector<std::string> kValid = {"",
                                         "hello",
                                         unhex("ce ba e1 bd b9 cf 83 ce bc ce b5"),  // "kosme"
                                         unhex("c2 80"),
                                         unhex("df bf"),
                                         unhex("e0 a0 80"),
                                         unhex("ed 9f bf"),
                                         unhex("ee 80 80"),
                                         unhex("ef bf bf"),
                                         unhex("f0 90 80 80"),
                                         unhex("f4 8f bf bf"),
                                         unhex("f0 9f 98 80")};

struct Invalid {
  std::string bytes;
  std::size_t bad_at;  // index of the first byte that cannot be valid
  const char* why;
};
const std::vector<Invalid> kInvalid = {
    {unhex("80"), 0, "a lone continuation byte"},
    {unhex("61 bf"), 1, "a stray continuation byte"},
    {unhex("c0 80"), 0, "C0 (overlong, never valid)"},
    {unhex("c1 bf"), 0, "C1 (overlong, never valid)"},
    {unhex("e0 80 80"), 1, "E0 80 (overlong 3-byte form)"},
    {unhex("f0 80 80 80"), 1, "F0 80 (overlong 4-byte form)"},
    {unhex("ed a0 80"), 1, "ED A0 (a UTF-16 surrogate, U+D800)"},
    {unhex("f4 90 80 80"), 1, "F4 90 (above U+10FFFF)"},
    {unhex("f5 80 80 80"), 0, "F5 (never valid)"},
    {unhex("ff"), 0, "FF (never valid)"},
    {unhex("c2 41"), 1, "a 2-byte sequence cut by an ASCII byte"},
    {unhex("e1 80 41"), 2, "a 3-byte sequence cut by an ASCII byte"},
};

TEST_F(Lab2Utf8, ValidTextIsAccepted) {
  for (const auto& t : kValid) {
    EXPECT_TRUE(is_valid_utf8(t)) << "fed: " << hex(t) << "\nexpected: valid";
    Utf8Validator v;
    EXPECT_TRUE(v.feed(t) && v.complete())
        << "fed to a validator: " << hex(t) << "\nexpected: valid and complete";
  }
}

// §8.1 + RFC 3629 §4: each class of invalid sequence, failing at its first bad byte.
TEST_F(Lab2Utf8, InvalidSequencesFailAtTheFirstBadByte) {
  for (const auto& t : kInvalid) {
    EXPECT_FALSE(is_valid_utf8(t.bytes))
        << "fed: " << hex(t.bytes) << " (" << t.why << ")\nexpected: invalid";
    Utf8Validator v;
    EXPECT_FALSE(v.feed(t.bytes)) << "fed: " << hex(t.bytes) << " (" << t.why
                                  << ")\nexpected: feed() false";
    EXPECT_TRUE(v.failed());
    EXPECT_EQ(v.valid_prefix(), t.bad_at) << "fed: " << hex(t.bytes) << " (" << t.why
                                          << ")\nexpected: valid_prefix() = index of the bad byte";
  }
}

// Fail fast: the bad byte is detected when it arrives, not when the message ends.
TEST_F(Lab2Utf8, FailsOnTheChunkThatHoldsTheBadByte) {
  Utf8Validator v;
  EXPECT_TRUE(v.feed("Hello ")) << "fed: \"Hello \"";
  EXPECT_TRUE(v.feed(unhex("ce ba"))) << "fed: ce ba (a complete 2-byte sequence)";
  EXPECT_FALSE(v.feed(unhex("ed a0")))
      << "fed: ed a0 (the start of a surrogate)\nexpected: false at once";
  EXPECT_EQ(v.valid_prefix(), 9u)
      << "6 + 2 valid bytes, then ED, then A0 is the bad byte (index 9)";
  EXPECT_FALSE(v.feed("more")) << "a failed validator stays failed";
}

// A chunk may end inside a code point; the next chunk finishes it.
TEST_F(Lab2Utf8, CodePointsSplitAcrossChunksAtEveryByte) {
  const std::string text = unhex("ce ba e1 bd b9 f0 9f 98 80 61 f4 8f bf bf");
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    Utf8Validator v;
    const bool a = v.feed(text.substr(0, cut));
    const bool b = v.feed(text.substr(cut));
    EXPECT_TRUE(a && b && v.complete())
        << "fed: " << hex(text.substr(0, cut)) << " | " << hex(text.substr(cut))
        << "\nexpected: valid and complete";
  }
  const std::string surrogate = unhex("61 ed a0 80 62");
  for (std::size_t cut = 0; cut <= surrogate.size(); ++cut) {
    Utf8Validator v;
    const bool ok = v.feed(surrogate.substr(0, cut)) && v.feed(surrogate.substr(cut));
    EXPECT_FALSE(ok) << "fed: " << hex(surrogate.substr(0, cut)) << " | "
                     << hex(surrogate.substr(cut))
                     << "\nexpected: invalid (a surrogate split in two)";
  }
}

TEST_F(Lab2Utf8, TruncatedCodePointIsNotComplete) {
  Utf8Validator v;
  EXPECT_TRUE(v.feed(unhex("61 e2 82"))) << "fed: 61 e2 82 (E2 82 may still become E2 82 AC)";
  EXPECT_FALSE(v.complete()) << "expected: complete() false: a code point is cut at the end";
  EXPECT_FALSE(is_valid_utf8(unhex("61 e2 82")))
      << "a whole message ending mid code point is invalid";
}

TEST_F(Lab2Utf8, ResetStartsOver) {
  Utf8Validator v;
  EXPECT_FALSE(v.feed(unhex("ff")));
  v.reset();
  EXPECT_FALSE(v.failed()) << "after reset(), not failed";
  EXPECT_TRUE(v.feed("ok") && v.complete()) << "after reset(), valid text passes";
}

TEST_F(Lab2Utf8, NaiveDecoderAgreesWithTheValidator) {
  for (const auto& t : kValid) EXPECT_TRUE(is_valid_utf8_naive(t)) << "fed: " << hex(t);
  for (const auto& t : kInvalid)
    EXPECT_FALSE(is_valid_utf8_naive(t.bytes)) << "fed: " << hex(t.bytes) << " (" << t.why << ")";
  // Every 2-byte pair: the two must agree.
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; b += 7) {
      const std::string s{static_cast<char>(a), static_cast<char>(b)};
      ASSERT_EQ(is_valid_utf8(s), is_valid_utf8_naive(s)) << "fed: " << hex(s);
    }
  }
}

// ---- step 6 ---------------------------------------------------------------

// §7.4.1, §7.4.2 and the IANA registry.
TEST_F(Lab2Close, ValidCloseCodes) {
  for (int c : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999,
                4000, 4999}) {
    EXPECT_TRUE(is_valid_close_code(static_cast<std::uint16_t>(c)))
        << "code " << c << ": expected valid";
  }
  for (int c : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
    EXPECT_FALSE(is_valid_close_code(static_cast<std::uint16_t>(c)))
        << "code " << c << ": expected invalid on the wire";
  }
}

TEST_F(Lab2Close, CodeNames) {
  EXPECT_EQ(close_code_name(1000), "Normal Closure");
  EXPECT_EQ(close_code_name(1002), "Protocol Error");
  EXPECT_EQ(close_code_name(1007), "Invalid Frame Payload Data");
  EXPECT_EQ(close_code_name(1009), "Message Too Big");
  EXPECT_EQ(close_code_name(4321), "Unknown");
}

TEST_F(Lab2Close, EmptyBodyHasNoCode) {
  const CloseParse p = parse_close_payload("");
  EXPECT_TRUE(p.ok) << "fed: an empty Close body\nexpected: ok (the body is optional, §5.5.1)";
  EXPECT_FALSE(p.payload.code.has_value());
}

TEST_F(Lab2Close, CodeAndReasonAreParsed) {
  const std::string body = unhex("03 e8") + "bye";
  const CloseParse p = parse_close_payload(body);
  ASSERT_TRUE(p.ok) << "fed: " << hex(body) << "\nerror: " << p.error;
  EXPECT_EQ(p.payload.code.value_or(0), 1000);
  EXPECT_EQ(p.payload.reason, "bye");
}

TEST_F(Lab2Close, OneByteBodyIsAProtocolError) {
  const CloseParse p = parse_close_payload(unhex("03"));
  EXPECT_FALSE(p.ok) << "fed: 03 (1 byte)";
  EXPECT_EQ(p.fail_code, 1002) << "fed: 03\nexpected: 1002 (a body starts with a 2-byte code)";
}

TEST_F(Lab2Close, InvalidCodeIsAProtocolError) {
  for (const char* code : {"03 ed", "03 ee", "00 00", "13 88"}) {  // 1005 1006 0 5000
    const CloseParse p = parse_close_payload(unhex(code));
    EXPECT_FALSE(p.ok) << "fed: " << code;
    EXPECT_EQ(p.fail_code, 1002) << "fed: " << code << "\nexpected: 1002 (§7.4)";
  }
}

TEST_F(Lab2Close, ReasonThatIsNotUtf8IsInvalidPayload) {
  const std::string body = unhex("03 e8 ce ba ed a0 80");
  const CloseParse p = parse_close_payload(body);
  EXPECT_FALSE(p.ok) << "fed: " << hex(body);
  EXPECT_EQ(p.fail_code, 1007) << "fed: " << hex(body) << "\nexpected: 1007 (§8.1)";
}

TEST_F(Lab2Close, EncodeWritesTheCodeBigEndianThenTheReason) {
  EXPECT_EQ(hex(encode_close_payload(1002, "bad")), "03 ea 62 61 64");
  EXPECT_EQ(hex(encode_close_payload(4000)), "0f a0");
}

// §5.5: a control frame's payload is at most 125 bytes: the reason gets at most 123.
TEST_F(Lab2Close, LongReasonIsCutOnACodePointBoundary) {
  const std::string ascii(200, 'r');
  EXPECT_EQ(encode_close_payload(1000, ascii).size(), 125u) << "2 + 123";
  std::string greek;
  for (int i = 0; i < 80; ++i) greek += unhex("ce ba");  // 160 bytes of 2-byte code points
  const std::string body = encode_close_payload(1000, greek);
  EXPECT_LE(body.size(), 125u);
  EXPECT_TRUE(is_valid_utf8(body.substr(2)))
      << "expected: the cut reason is still valid UTF-8 (no half code point)\nactual tail: "
      << hex(body.substr(body.size() - 4));
}

}  // namespace
}  // namespace wslab
