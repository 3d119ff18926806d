// Strict JSON checks on Wireshark's jsmn tokens (src/json_check.c): RFC 8259 texts that jsmn
// accepts although they are not JSON must be refused; real JSON must pass.
#include "json_check.h"

#include <gtest/gtest.h>
#include <wsutil/wsjson.h>

#include <string>
#include <vector>

namespace {

// NULL-or-reason of the plugin's pipeline: json_parse() then wslab_json_check().
const char* check(const std::string& text, int max_depth = 16) {
  const int count = json_parse(text.c_str(), nullptr, 0);
  if (count <= 0) return wslab_json_error_text(count);
  std::vector<jsmntok_t> tok(static_cast<std::size_t>(count));
  const int n = json_parse(text.c_str(), tok.data(), static_cast<unsigned>(count));
  if (n <= 0) return wslab_json_error_text(n);
  return wslab_json_check(text.c_str(), text.size(), tok.data(), n, max_depth);
}

// RFC 8259 §2-§7: well-formed texts pass. (A bare top-level number such as `0` is refused by
// jsmn itself in strict mode; a rooms message must be an object anyway.)
TEST(DissectorJson, WellFormedTextsPass) {
  for (const std::string text :
       {R"({"type":"hello"})",
        R"( {"a" : [1, -2.5e3, true, false, null, {"b":{}}, []], "c":"\u00e9\n"} )", "{}", "[]",
        R"("just a string")", R"({"x":"é"})"}) {
    EXPECT_EQ(check(text), nullptr) << text;
  }
}

// RFC 8259 §4: members are separated by commas, with nothing after the last one.
TEST(DissectorJson, TrailingCommaRefused) {
  EXPECT_NE(check(R"({"a":1,})"), nullptr);
  EXPECT_NE(check("[1,2,]"), nullptr);
  EXPECT_NE(check("{,}"), nullptr);
}

// RFC 8259 §4: a name, a colon, a value.
TEST(DissectorJson, MemberWithoutColonOrValueRefused) {
  EXPECT_NE(check(R"({"a" "b"})"), nullptr);
  EXPECT_NE(check(R"({"a"})"), nullptr);
  EXPECT_NE(check(R"({"a":})"), nullptr);
  EXPECT_NE(check(R"({"a"::1})"), nullptr);
}

// RFC 8259 §3, §6: literals are true/false/null; numbers have no leading zeros or bare signs.
TEST(DissectorJson, BareWordsAndBadNumbersRefused) {
  for (const std::string text : {R"({"a":tru})", R"({"a":01})", R"({"a":-})", R"({"a":1.})",
                                 R"({"a":.5})", R"({"a":1e})", R"({"a":+1})", "nul"}) {
    EXPECT_NE(check(text), nullptr) << text;
  }
}

// RFC 8259 §7: control characters must be escaped inside strings.
TEST(DissectorJson, RawControlCharacterInStringRefused) {
  EXPECT_NE(check(std::string("{\"a\":\"x\x01y\"}")), nullptr);
  EXPECT_NE(check(std::string("{\"a\tb\":1}")), nullptr);
}

// RFC 8259 §2: a JSON text is one value.
TEST(DissectorJson, SeveralValuesRefused) {
  EXPECT_NE(check(R"({"a":1}{"b":2})"), nullptr);
  EXPECT_NE(check(R"({"a":1} x)"), nullptr);
}

// jsmn's own refusals come through with a reason.
TEST(DissectorJson, JsmnErrorsHaveReasons) {
  EXPECT_STREQ(check("{not json"), "an invalid character or escape");
  EXPECT_STREQ(check(R"({"a":1)"), "the text ends before the value does");
  EXPECT_STREQ(check(""), "an empty message");
}

// docs/rooms-protocol.md §2: nesting deeper than 16 levels is bad_json.
TEST(DissectorJson, NestingLimit) {
  auto nest = [](int levels) {
    std::string s;
    for (int i = 0; i < levels; ++i) s += "[";
    for (int i = 0; i < levels; ++i) s += "]";
    return s;
  };
  EXPECT_EQ(check(nest(16)), nullptr);
  EXPECT_STREQ(check(nest(17)), "nested deeper than 16 levels");
}

// The helper that walks past a value's subtree.
TEST(DissectorJson, SkipJumpsOverSubtrees) {
  const std::string text = R"({"a":{"b":[1,2,{"c":3}]},"d":4})";
  std::vector<jsmntok_t> tok(32);
  const int n = json_parse(text.c_str(), tok.data(), 32);
  ASSERT_GT(n, 0);
  // tokens: 0 {..} 1 "a" 2 {..} 3 "b" 4 [..] 5 1 6 2 7 {..} 8 "c" 9 3 10 "d" 11 4
  EXPECT_EQ(wslab_json_skip(tok.data(), n, 2), 10);
  EXPECT_EQ(wslab_json_skip(tok.data(), n, 0), n);
  EXPECT_EQ(wslab_json_skip(tok.data(), n, 11), 12);
}

}  // namespace
