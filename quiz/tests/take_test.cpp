// `wslab quiz take` driven by piped input: questions, choices, free text,
// feedback with context, a score; the key itself is never printed.
#include "wslab/quiz/take.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "test_util.hpp"
#include "wslab/quiz/instance.hpp"

namespace wslab::quiz {
namespace {

using testing::must_load;

constexpr const char* kQuiz = R"([[questions]]
id = "t-status"
type = "ShortAnswer"
prompt.prompt = "Status code of a successful upgrade?"
answer.answer = "101"
context = "Switching Protocols, RFC 6455 §4.2.2."

[[questions]]
id = "t-control"
type = "MultipleChoice"
prompt.prompt = "Which are control frames?"
prompt.distractors = ["Text", "Binary"]
answer.answer = ["Ping", "Close"]
prompt.answerIndex = 0
context = "Opcodes 0x8-0xF."

[[questions]]
id = "t-trace"
type = "Tracing"
prompt.program = """
#include <cstdio>
int main() { std::printf("%d\\n", 0x81 & 0x0F); }
"""
answer.doesCompile = true
answer.stdout = "1"
context = "The low nibble of 0x81 is the opcode: 1, text."

[[questions]]
id = "t-accept"
type = "ShortAnswer"
prompt.prompt = "Accept value for `dGhlIHNhbXBsZSBub25jZQ==`?"
answer.answer = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
context = "SHA-1 then base64."
wslab.generator = "accept-key"
wslab.params.key = "dGhlIHNhbXBsZSBub25jZQ=="
)";

TEST(QuizTake, PipedAnswersAreGradedWithFeedback) {
  const Quiz quiz = must_load(kQuiz, "quizzes/take.toml");
  // Choices with answerIndex 0: A) Ping B) Close C) Text D) Binary.
  std::istringstream in("101\nb, a\ny\n1\n.\nwrong\n");
  std::ostringstream out;
  const TakeOutcome r = take_quiz(quiz, {"ann"}, in, out);
  EXPECT_TRUE(r.completed);
  EXPECT_EQ(r.score, 3);
  EXPECT_EQ(r.max_score, 4);
  const std::string text = out.str();
  EXPECT_NE(text.find("A) Ping"), std::string::npos) << text;
  EXPECT_NE(text.find("Switching Protocols, RFC 6455"), std::string::npos);  // context
  EXPECT_NE(text.find("Not correct."), std::string::npos);
  EXPECT_NE(text.find("Score: 3/4"), std::string::npos);
  // ann's own accept value is never shown, nor is the example's key.
  auto copy = instantiate(quiz.questions[3], "ann");
  EXPECT_EQ(text.find(copy->answer), std::string::npos);
  EXPECT_EQ(text.find("dGhlIHNhbXBsZSBub25jZQ=="), std::string::npos);
  EXPECT_EQ(r.answers.answers.at("t-control").choices, (std::vector<std::string>{"Close", "Ping"}));
}

TEST(QuizTake, EndOfInputStopsWithThePartialScore) {
  const Quiz quiz = must_load(kQuiz);
  std::istringstream in("101\n");
  std::ostringstream out;
  const TakeOutcome r = take_quiz(quiz, {}, in, out);
  EXPECT_FALSE(r.completed);
  EXPECT_EQ(r.answered, 1);
  EXPECT_NE(out.str().find("Input ended. Answered 1 of 4"), std::string::npos) << out.str();
}

TEST(QuizTake, InvalidLetterIsAskedAgain) {
  const Quiz quiz = must_load(kQuiz);
  std::istringstream in("101\nZ\nA,B\n");
  std::ostringstream out;
  const TakeOutcome r = take_quiz(quiz, {}, in, out);
  EXPECT_NE(out.str().find("Type a letter from A to D"), std::string::npos) << out.str();
  EXPECT_EQ(r.score, 2);
}

TEST(QuizTake, ChoiceTextIsAcceptedInsteadOfALetter) {
  const Quiz quiz = must_load(R"([[questions]]
id = "t-ping"
type = "MultipleChoice"
prompt.prompt = "Ping opcode?"
prompt.distractors = ["0x8", "0xA"]
answer.answer = "0x9"
)");
  std::istringstream in("0X9\n");
  std::ostringstream out;
  EXPECT_EQ(take_quiz(quiz, {}, in, out).score, 1);
}

}  // namespace
}  // namespace wslab::quiz
