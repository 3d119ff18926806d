// docs/rooms-protocol.md §2, §4, §8: parsing client messages.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "wslab/rooms/codec.hpp"

namespace wslab::rooms {
namespace {

using json = nlohmann::json;
const Limits kLimits{};

// The error a message gets, or nullopt when it parses.
std::optional<event::Error> error_of(std::string_view text) {
  auto r = parse_client_message(text, kLimits);
  if (auto* e = std::get_if<event::Error>(&r)) return *e;
  return std::nullopt;
}
std::optional<ErrorCode> code_of(std::string_view text) {
  auto e = error_of(text);
  return e ? std::optional<ErrorCode>(e->code) : std::nullopt;
}
ClientMessage ok(std::string_view text) {
  auto r = parse_client_message(text, kLimits);
  if (auto* e = std::get_if<event::Error>(&r)) {
    ADD_FAILURE() << "unexpected " << code_name(e->code) << ": " << e->message;
    return {};
  }
  return std::get<ClientMessage>(r);
}

// §8 bad_json: not JSON at all.
TEST(RoomsCodec, InvalidJsonIsBadJson) {
  EXPECT_EQ(code_of("{not json"), ErrorCode::kBadJson);
  EXPECT_EQ(code_of(""), ErrorCode::kBadJson);
  EXPECT_EQ(code_of("{\"type\":\"ping\"} trailing"), ErrorCode::kBadJson);
  auto e = error_of("{not json");
  ASSERT_TRUE(e);
  EXPECT_NE(e->message.find("not valid JSON"), std::string::npos) << e->message;
  EXPECT_FALSE(e->request);
}

// §2: every message is a JSON *object*.
TEST(RoomsCodec, NonObjectIsBadJson) {
  for (auto text : {"[]", "\"ping\"", "42", "null", "true"}) {
    EXPECT_EQ(code_of(text), ErrorCode::kBadJson) << text;
  }
}

// §2: nesting deeper than 16 levels is bad_json (guards the parser's stack).
TEST(RoomsCodec, NestingDeeperThanTheLimitIsBadJson) {
  auto nested = [](int levels) {
    return "{\"type\":\"ping\",\"x\":" + std::string(static_cast<std::size_t>(levels - 1), '[') +
           std::string(static_cast<std::size_t>(levels - 1), ']') + "}";
  };
  EXPECT_FALSE(code_of(nested(16))) << "16 levels are allowed";
  EXPECT_EQ(code_of(nested(17)), ErrorCode::kBadJson);
  EXPECT_EQ(code_of(std::string(100000, '[')), ErrorCode::kBadJson);
}

// The depth guard skips brackets inside strings (and escaped quotes).
TEST(RoomsCodec, DepthIgnoresBracketsInsideStrings) {
  EXPECT_EQ(json_depth(R"({"a":"[[[[{{{{"})"), 1u);
  EXPECT_EQ(json_depth(R"({"a":"\"[[[","b":[[1]]})"), 3u);
}

// RFC 8259 §8.1 / RFC 6455 §8.1: strings must be valid UTF-8 and escapes
// must not encode lone surrogates.
TEST(RoomsCodec, InvalidUnicodeInStringsIsBadJson) {
  EXPECT_EQ(code_of("{\"type\":\"ping\",\"x\":\"\xff\"}"), ErrorCode::kBadJson);
  EXPECT_EQ(code_of(R"({"type":"ping","x":"\ud800"})"), ErrorCode::kBadJson);
}

// §8 bad_message: `type` missing or not a string.
TEST(RoomsCodec, MissingOrNonStringTypeIsBadMessage) {
  EXPECT_EQ(code_of(R"({"room":"a"})"), ErrorCode::kBadMessage);
  EXPECT_EQ(code_of(R"({"type":7})"), ErrorCode::kBadMessage);
  EXPECT_EQ(code_of(R"({"type":null})"), ErrorCode::kBadMessage);
}

// §8 unknown_type, naming the type in `request`.
TEST(RoomsCodec, UnknownTypeIsUnknownTypeAndNamed) {
  auto e = error_of(R"({"type":"shout","ref":5})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, ErrorCode::kUnknownType);
  EXPECT_EQ(e->request, "shout");
  EXPECT_EQ(e->ref, Ref{std::int64_t{5}});
  EXPECT_EQ(code_of(R"({"type":"HELLO"})"), ErrorCode::kUnknownType) << "types are case-sensitive";
}

// §2 ref: a string of at most 64 bytes or an integer, carried with the message.
TEST(RoomsCodec, RefStringOrIntegerIsKept) {
  EXPECT_EQ(ok(R"({"type":"ping","ref":"abc"})").ref, Ref{std::string("abc")});
  EXPECT_EQ(ok(R"({"type":"ping","ref":-3})").ref, Ref{std::int64_t{-3}});
  EXPECT_EQ(ok(R"({"type":"ping","ref":9007199254740991})").ref,
            Ref{std::int64_t{9007199254740991}});
  EXPECT_FALSE(ok(R"({"type":"ping"})").ref);
}

// §2: any other ref is bad_message, and that error carries no ref.
TEST(RoomsCodec, BadRefIsBadMessageWithoutRef) {
  const std::vector<std::string> bad = {R"({"type":"ping","ref":1.5})",
                                        R"({"type":"ping","ref":[1]})",
                                        R"({"type":"ping","ref":null})",
                                        R"({"type":"ping","ref":9007199254740992})",
                                        R"({"type":"ping","ref":-9007199254740992})",
                                        R"({"type":"ping","ref":")" + std::string(65, 'r') + "\"}"};
  for (const auto& text : bad) {
    auto e = error_of(text);
    ASSERT_TRUE(e) << text;
    EXPECT_EQ(e->code, ErrorCode::kBadMessage) << text;
    EXPECT_FALSE(e->ref) << text;
    EXPECT_EQ(e->request, "ping");
  }
  EXPECT_FALSE(code_of(R"({"type":"ping","ref":")" + std::string(64, 'r') + "\"}"));
}

// §4.1: hello's name is optional; if present it must follow §3.
TEST(RoomsCodec, HelloNameIsOptionalButChecked) {
  EXPECT_FALSE(std::get<client::Hello>(ok(R"({"type":"hello"})").body).name);
  EXPECT_EQ(std::get<client::Hello>(ok(R"({"type":"hello","name":"bob"})").body).name, "bob");
  EXPECT_EQ(code_of(R"({"type":"hello","name":"b b"})"), ErrorCode::kBadName);
  EXPECT_EQ(code_of(R"({"type":"hello","name":""})"), ErrorCode::kBadName);
  EXPECT_EQ(code_of(R"({"type":"hello","name":3})"), ErrorCode::kBadMessage);
}

// §4.2: join needs a string room.
TEST(RoomsCodec, JoinNeedsAStringRoom) {
  EXPECT_EQ(code_of(R"({"type":"join"})"), ErrorCode::kBadMessage);
  EXPECT_EQ(code_of(R"({"type":"join","room":5})"), ErrorCode::kBadMessage);
  auto j = std::get<client::Join>(ok(R"({"type":"join","room":"lobby"})").body);
  EXPECT_EQ(j.room, "lobby");
  EXPECT_FALSE(j.since);
}

// §3/§4.2: a room name breaking §3 is bad_room.
TEST(RoomsCodec, BadRoomNameIsBadRoom) {
  EXPECT_EQ(code_of(R"({"type":"join","room":"a room"})"), ErrorCode::kBadRoom);
  EXPECT_EQ(code_of(R"({"type":"join","room":""})"), ErrorCode::kBadRoom);
  EXPECT_EQ(code_of(R"({"type":"join","room":")" + std::string(65, 'r') + "\"}"),
            ErrorCode::kBadRoom);
  EXPECT_FALSE(code_of(R"({"type":"join","room":")" + std::string(64, 'r') + "\"}"));
  EXPECT_EQ(code_of(R"({"type":"leave","room":"#x"})"), ErrorCode::kBadRoom);
  EXPECT_EQ(code_of(R"({"type":"say","room":"#x","text":"t"})"), ErrorCode::kBadRoom);
  EXPECT_EQ(code_of(R"({"type":"typing","room":"#x","active":true})"), ErrorCode::kBadRoom);
}

// §4.2: since is an integer from 0 to 2^53-1.
TEST(RoomsCodec, SinceIsANonNegativeSafeInteger) {
  EXPECT_EQ(std::get<client::Join>(ok(R"({"type":"join","room":"a","since":0})").body).since, 0u);
  EXPECT_EQ(std::get<client::Join>(ok(R"({"type":"join","room":"a","since":41})").body).since, 41u);
  for (auto since : {"-1", "1.5", "\"3\"", "null", "9007199254740992", "1e3"}) {
    EXPECT_EQ(code_of(std::string(R"({"type":"join","room":"a","since":)") + since + "}"),
              ErrorCode::kBadMessage)
        << since;
  }
}

// §8 order: every member's presence and type (bad_message) before any value check.
TEST(RoomsCodec, TypeErrorsComeBeforeValueErrors) {
  EXPECT_EQ(code_of(R"({"type":"say","room":"bad room"})"), ErrorCode::kBadMessage);
  EXPECT_EQ(code_of(R"({"type":"join","room":"bad room","since":-1})"), ErrorCode::kBadMessage);
  EXPECT_EQ(code_of(R"({"type":"private","to":"b b","text":""})"), ErrorCode::kBadName);
  EXPECT_EQ(code_of(R"({"type":"say","room":"r r","text":""})"), ErrorCode::kBadRoom);
}

// §4.4: text is 1..4096 bytes: empty is bad_message, longer is too_long.
TEST(RoomsCodec, TextLengthIsLimited) {
  EXPECT_EQ(code_of(R"({"type":"say","room":"a","text":""})"), ErrorCode::kBadMessage);
  const std::string max(4096, 't');
  EXPECT_EQ(std::get<client::Say>(ok(R"({"type":"say","room":"a","text":")" + max + "\"}").body)
                .text.size(),
            4096u);
  EXPECT_EQ(code_of(R"({"type":"say","room":"a","text":")" + max + "t\"}"), ErrorCode::kTooLong);
  EXPECT_EQ(code_of(R"({"type":"private","to":"b","text":")" + max + "t\"}"), ErrorCode::kTooLong);
}

// §4.4: the limit counts UTF-8 bytes of the decoded text, not JSON escapes.
TEST(RoomsCodec, TextLengthCountsDecodedBytes) {
  std::string escaped;
  for (int i = 0; i < 4096; ++i) escaped += "\\u0041";  // 6 JSON bytes, 1 text byte
  EXPECT_FALSE(code_of(R"({"type":"say","room":"a","text":")" + escaped + "\"}"));
}

// §4.5: private needs `to` (a §3 name) and text.
TEST(RoomsCodec, PrivateNeedsToAndText) {
  auto p = std::get<client::Private>(ok(R"({"type":"private","to":"bob","text":"psst"})").body);
  EXPECT_EQ(p.to, "bob");
  EXPECT_EQ(p.text, "psst");
  EXPECT_EQ(code_of(R"({"type":"private","text":"x"})"), ErrorCode::kBadMessage);
  EXPECT_EQ(code_of(R"({"type":"private","to":"bob"})"), ErrorCode::kBadMessage);
  EXPECT_EQ(code_of(R"({"type":"private","to":"bo b","text":"x"})"), ErrorCode::kBadName);
}

// §4.6: typing's active is a boolean.
TEST(RoomsCodec, TypingActiveIsABoolean) {
  EXPECT_TRUE(
      std::get<client::Typing>(ok(R"({"type":"typing","room":"a","active":true})").body).active);
  EXPECT_EQ(code_of(R"({"type":"typing","room":"a"})"), ErrorCode::kBadMessage);
  EXPECT_EQ(code_of(R"({"type":"typing","room":"a","active":1})"), ErrorCode::kBadMessage);
  EXPECT_EQ(code_of(R"({"type":"typing","room":"a","active":"true"})"), ErrorCode::kBadMessage);
}

// §2: members not defined here are ignored (a client's from/seq/ts included).
TEST(RoomsCodec, UnknownMembersAreIgnored) {
  auto s = std::get<client::Say>(
      ok(R"({"type":"say","room":"a","text":"hi","from":"bob","seq":99,"ts":1,"x":{"y":[]}})")
          .body);
  EXPECT_EQ(s.room, "a");
  EXPECT_EQ(s.text, "hi");
}

// Errors from member checks name the request and carry its ref (§5.9).
TEST(RoomsCodec, MemberErrorsCarryRequestAndRef) {
  auto e = error_of(R"({"type":"say","room":"a","ref":"r1"})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->request, "say");
  EXPECT_EQ(e->ref, Ref{std::string("r1")});
  EXPECT_NE(e->message.find("text"), std::string::npos) << e->message;
}

// Two-stage parsing: the envelope knows the type before members are checked (§8 order).
TEST(RoomsCodec, EnvelopeKnowsTheTypeBeforeMembers) {
  auto env = parse_envelope(R"({"type":"join"})", kLimits);
  ASSERT_TRUE(std::holds_alternative<Envelope>(env));
  EXPECT_EQ(std::get<Envelope>(env).type, MessageType::kJoin);
  auto body = decode_body(std::get<Envelope>(env), kLimits);
  ASSERT_TRUE(std::holds_alternative<event::Error>(body));
}

// Bad input never throws: random bytes end as an error or a message.
TEST(RoomsCodec, ArbitraryBytesNeverThrow) {
  std::uint32_t x = 12345;
  for (int n = 0; n < 2000; ++n) {
    std::string s;
    const std::size_t len = x % 40;
    for (std::size_t i = 0; i < len; ++i) {
      x = x * 1103515245u + 12345u;
      const char alphabet[] =
          "{}[]\":,\\ tf0-1e.u\xff"
          "abtypeinghlosajr";
      s += alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
    }
    EXPECT_NO_THROW((void)parse_client_message(s, kLimits)) << s;
  }
}

}  // namespace
}  // namespace wslab::rooms
