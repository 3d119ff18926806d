// Close codes and Close frame bodies (RFC 6455 §5.5.1, §7.4).
#include "wslab/close.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace wslab {
namespace {

std::string body(std::uint16_t code, std::string_view reason = {}) {
  std::string b;
  b.push_back(static_cast<char>(code >> 8));
  b.push_back(static_cast<char>(code & 0xFF));
  b.append(reason);
  return b;
}

// §7.4.1-§7.4.2 + IANA registry: exactly 1000-1003, 1007-1014 and 3000-4999 may be sent.
TEST(CoreClose, ValidCodesAreExactlyTheSendableRanges) {
  for (std::uint32_t c = 0; c <= 65535; ++c) {
    const bool expected =
        (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999);
    ASSERT_EQ(is_valid_close_code(static_cast<std::uint16_t>(c)), expected) << c;
  }
  // Autobahn 7.7.x (valid) and 7.9.x (invalid) spelled out.
  for (std::uint16_t c : std::initializer_list<std::uint16_t>{
           1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999}) {
    EXPECT_TRUE(is_valid_close_code(c)) << c;
  }
  for (std::uint16_t c : std::initializer_list<std::uint16_t>{0, 999, 1004, 1005, 1006, 1015, 1016,
                                                              1100, 2000, 2999, 5000, 65535}) {
    EXPECT_FALSE(is_valid_close_code(c)) << c;
  }
}

// §5.5.1: the body is optional; no body means "no status code" (1005 locally).
TEST(CoreClose, EmptyBodyIsValidAndHasNoCode) {
  const auto r = parse_close_payload("");
  EXPECT_TRUE(r.ok);
  EXPECT_FALSE(r.payload.code.has_value());
}

// §5.5.1: a body starts with a 2-byte code, so 1 byte is a protocol error.
TEST(CoreClose, OneByteBodyFailsWith1002) {
  const auto r = parse_close_payload(std::string(1, '\x03'));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.fail_code, 1002);
}

// §7.4: a code that may not be sent fails the connection with 1002.
TEST(CoreClose, InvalidCodeFailsWith1002) {
  for (std::uint16_t c : std::initializer_list<std::uint16_t>{0, 999, 1004, 1005, 1006, 1015, 1016,
                                                              2999, 5000, 65535}) {
    const auto r = parse_close_payload(body(c));
    EXPECT_FALSE(r.ok) << c;
    EXPECT_EQ(r.fail_code, 1002) << c;
  }
}

// §5.5.1: the reason is UTF-8; §8.1: invalid text -> 1007.
TEST(CoreClose, BadUtf8ReasonFailsWith1007) {
  const auto r = parse_close_payload(body(1000, "ok \xed\xa0\x80"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.fail_code, 1007);
}

TEST(CoreClose, CodeAndReasonAreDecoded) {
  const auto r = parse_close_payload(body(4001, "caf\xc3\xa9"));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.payload.code, 4001);
  EXPECT_EQ(r.payload.reason, "caf\xc3\xa9");
  EXPECT_EQ(encode_close_payload(4001, "caf\xc3\xa9"), body(4001, "caf\xc3\xa9"));
}

// §5.5: a control payload is at most 125 bytes, so the reason is cut to 123 bytes,
// on a code-point boundary so it stays valid UTF-8.
TEST(CoreClose, LongReasonIsCutToFitOnACodePointBoundary) {
  std::string reason;
  for (int i = 0; i < 100; ++i) reason += "\xc3\xa9";  // 200 bytes of é
  const auto b = encode_close_payload(1000, reason);
  EXPECT_LE(b.size(), 125u);
  EXPECT_EQ(b.size(), 2u + 122u);
  EXPECT_TRUE(parse_close_payload(b).ok);
}

// A close payload over 125 bytes never reaches parse_close_payload: the decoder refuses it.
TEST(CoreClose, CloseFrameOver125BytesIsRejectedByTheDecoder) {
  const auto frame = FrameBuilder()
                         .opcode(Opcode::kClose)
                         .mask(test::kRfcMask)
                         .payload(body(1000, std::string(124, 'r')))
                         .build();
  EXPECT_EQ(test::decode_chunks(Role::kServer, {frame}).error, FrameError::kControlTooLong);
}

TEST(CoreClose, CodesHaveTheirRegistryNames) {
  EXPECT_EQ(close_code_name(1000), "Normal Closure");
  EXPECT_EQ(close_code_name(1009), "Message Too Big");
  EXPECT_EQ(close_code_name(4321), "Unknown");
}

}  // namespace
}  // namespace wslab
