// wslab.follow.v1 messages (follow_protocol.hpp): JSON (RFC 8259 §7 string
// escapes) in text messages that must be valid UTF-8 (RFC 6455 §5.6, §8.1).
#include "wslab/net/follow_protocol.hpp"

#include <gtest/gtest.h>

#include <string>

#include "wslab/utf8.hpp"

namespace wslab::net {
namespace {

std::string json(std::string_view bytes) {
  std::string out;
  append_json_string(out, bytes);
  return out;
}

// RFC 8259 §7: quotation mark, reverse solidus and control characters escaped.
TEST(NetFollowProtocol, JsonStringEscapesQuotesBackslashAndControls) {
  EXPECT_EQ(json("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(json("tab\there"), R"("tab\there")");
  EXPECT_EQ(json(std::string("nul\0x", 5)), R"("nul\u0000x")");
  EXPECT_EQ(json("\x1b[31m"), R"("\u001b[31m")");
}

TEST(NetFollowProtocol, ValidUtf8IsKept) {
  EXPECT_EQ(json("h\xC3\xA9llo \xF0\x9F\x98\x80"), "\"h\xC3\xA9llo \xF0\x9F\x98\x80\"");
}

// RFC 3629 §3: invalid bytes (Latin-1, overlong, surrogate, stray continuation,
// truncated sequence) become U+FFFD so the message is a valid text message.
TEST(NetFollowProtocol, InvalidUtf8BecomesReplacementCharacters) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(json("caf\xE9"), "\"caf" + fffd + "\"");
  EXPECT_EQ(json("\xC0\xAF"), "\"" + fffd + fffd + "\"");
  EXPECT_EQ(json("\xED\xA0\x80"), "\"" + fffd + fffd + fffd + "\"");
  EXPECT_EQ(json("\x80x"), "\"" + fffd + "x\"");
  EXPECT_EQ(json("\xE2\x82"), "\"" + fffd + fffd + "\"");
  EXPECT_EQ(json("\xF4\x90\x80\x80"), "\"" + fffd + fffd + fffd + fffd + "\"");
}

TEST(NetFollowProtocol, EveryByteStringEncodesToValidUtf8) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (int i = 255; i >= 0; --i) all.push_back(static_cast<char>(i));
  EXPECT_TRUE(is_valid_utf8(json(all)));
}

TEST(NetFollowProtocol, HelloNamesFileEpochStateAndBacklog) {
  EXPECT_EQ(encode_follow_hello("app.log", 1234, true, 2),
            R"({"type":"follow","file":"app.log","epoch":1234,"state":"following","backlog":2})");
  EXPECT_EQ(encode_follow_hello("x", 1, false, 0),
            R"({"type":"follow","file":"x","epoch":1,"state":"missing","backlog":0})");
}

TEST(NetFollowProtocol, LineCarriesNumberTextAndFlags) {
  EXPECT_EQ(encode_follow_line({7, {"hi", false}}, false), R"({"type":"line","n":7,"text":"hi"})");
  EXPECT_EQ(encode_follow_line({8, {"lo", true}}, true),
            R"({"type":"line","n":8,"text":"lo","cut":true,"backlog":true})");
}

TEST(NetFollowProtocol, ResetCarriesReason) {
  EXPECT_EQ(encode_follow_reset("rotated"), R"({"type":"reset","reason":"rotated"})");
}

}  // namespace
}  // namespace wslab::net
