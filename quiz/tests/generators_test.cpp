// Generated questions: answers come from core, seeds from (question, student).
#include "wslab/quiz/generators.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "wslab/quiz/instance.hpp"

namespace wslab::quiz {
namespace {

std::string solve(const char* gen, Params p) {
  const Generator* g = find_generator(gen);
  EXPECT_NE(g, nullptr) << gen;
  if (g == nullptr) return {};
  auto r = g->solve(p);
  EXPECT_TRUE(r.is_ok()) << (r ? "" : r.error());
  return r ? r->answer : std::string();
}

// RFC 6455 §1.3: the worked example of the accept computation.
TEST(QuizGenerators, AcceptKeyOfTheRfcExample) {
  EXPECT_EQ(solve("accept-key", {{"key", "dGhlIHNhbXBsZSBub25jZQ=="}}),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

// RFC 6455 §5.7: "A single-frame masked text message" containing "Hello".
TEST(QuizGenerators, FrameTextOfTheRfcMaskedHello) {
  EXPECT_EQ(solve("frame-text", {{"hex", "81 85 37 fa 21 3d 7f 9f 4d 51 58"}}), "Hello");
}

// RFC 6455 §5.2: 126 announces a 16-bit length, 127 a 64-bit length.
TEST(QuizGenerators, FrameLengthReadsAllThreeLengthForms) {
  EXPECT_EQ(solve("frame-length", {{"hex", "81 05"}}), "5");
  EXPECT_EQ(solve("frame-length", {{"hex", "82 7E 01 00"}}), "256");
  EXPECT_EQ(solve("frame-length", {{"hex", "82 7F 00 00 00 00 00 01 00 00"}}), "65536");
}

// RFC 6455 §5.7: an unmasked Ping carrying "Hello".
TEST(QuizGenerators, FrameOpcodeNamesTheFrameKind) {
  EXPECT_EQ(solve("frame-opcode", {{"hex", "89 05 48 65 6c 6c 6f"}}), "ping");
  const auto alts = find_generator("frame-opcode")->solve({{"hex", "8A 00"}})->alternatives;
  EXPECT_NE(std::find(alts.begin(), alts.end(), "0xA"), alts.end());
}

// RFC 6455 §5.5.1 and §7.4: echo a valid code; 1002 for a code that may not be
// sent or a 1-byte body; 1007 for a reason that is not UTF-8.
TEST(QuizGenerators, CloseReplyFollowsCore) {
  EXPECT_EQ(solve("close-reply", {{"hex", "03 E8"}}), "1000");
  EXPECT_EQ(solve("close-reply", {{"hex", "0F A0 62 79 65"}}), "4000");
  EXPECT_EQ(solve("close-reply", {{"hex", "03 ED"}}), "1002");  // 1005 is never sent
  EXPECT_EQ(solve("close-reply", {{"hex", "03"}}), "1002");
  EXPECT_EQ(solve("close-reply", {{"hex", "03 E8 ED A0 80"}}), "1007");
}

// RFC 6455 §4.2.1, §4.4: version 13 or 426; the request must be a GET upgrade.
TEST(QuizGenerators, HandshakeStatusFollowsCore) {
  const std::string good =
      "GET /chat HTTP/1.1\nHost: a\nUpgrade: websocket\nConnection: Upgrade\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\nSec-WebSocket-Version: 13";
  EXPECT_EQ(solve("handshake-status", {{"request", good}}), "101");
  std::string v8 = good;
  v8.replace(v8.find("Version: 13"), 11, "Version: 8");
  EXPECT_EQ(solve("handshake-status", {{"request", v8}}), "426");
  std::string post = good;
  post.replace(0, 3, "POST");
  EXPECT_EQ(solve("handshake-status", {{"request", post}}), "405");
}

TEST(QuizGenerators, EveryGeneratorSolvesWhatItMakes) {
  for (const auto& g : all_generators()) {
    for (std::uint64_t seed = 0; seed < 300; ++seed) {
      Rng rng(seed);
      const Params p = g.make(rng);
      for (auto name : g.params) EXPECT_TRUE(p.count(std::string(name))) << g.name;
      auto r = g.solve(p);
      ASSERT_TRUE(r.is_ok()) << g.name << " seed " << seed << ": " << r.error();
      EXPECT_FALSE(r->answer.empty()) << g.name;
    }
  }
}

// A student's copy must never change between runs, machines or releases:
// grades already given depend on it. (SHA-1 seeding, splitmix64.)
TEST(QuizGenerators, StudentCopiesAreStable) {
  EXPECT_EQ(question_seed("fx-accept", "alice"), question_seed("fx-accept", "alice"));
  EXPECT_NE(question_seed("fx-accept", "alice"), question_seed("fx-accept", "bob"));
  EXPECT_NE(question_seed("fx-accept", "alice"), question_seed("fx-close", "alice"));
  Rng rng(question_seed("fx-accept", "alice"));
  EXPECT_EQ(find_generator("accept-key")->make(rng).at("key"), "wiRdaPrD2oP8ki277JxLaQ==");
}

TEST(QuizGenerators, HexRoundTripsAndRejectsGarbage) {
  EXPECT_EQ(to_hex(std::string("\x81\x05", 2)), "81 05");
  EXPECT_EQ(*parse_hex("81 05\n7e"), std::string("\x81\x05\x7e", 3));
  EXPECT_FALSE(parse_hex("8").is_ok());
  EXPECT_FALSE(parse_hex("zz").is_ok());
}

TEST(QuizGenerators, StudentValuesReplaceTheExampleInThePrompt) {
  Question q;
  q.id = "g";
  q.type = QuestionType::kShortAnswer;
  q.prompt = "Key `dGhlIHNhbXBsZSBub25jZQ==`: what is the accept value?";
  q.answer = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
  q.generator = GeneratorSpec{"accept-key", {{"key", "dGhlIHNhbXBsZSBub25jZQ=="}}, {}};
  auto example = instantiate(q, "");
  ASSERT_TRUE(example.is_ok());
  EXPECT_EQ(example->prompt, q.prompt);
  EXPECT_EQ(example->answer, q.answer);
  auto alice = instantiate(q, "alice");
  ASSERT_TRUE(alice.is_ok());
  EXPECT_EQ(alice->prompt.find("dGhlIHNhbXBsZSBub25jZQ=="), std::string::npos);
  EXPECT_NE(alice->prompt.find("what is the accept value?"), std::string::npos);
  EXPECT_NE(alice->answer, q.answer);
}

}  // namespace
}  // namespace wslab::quiz
