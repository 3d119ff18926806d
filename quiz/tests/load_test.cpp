// Loading quiz TOML: the mdbook-quiz v0.4 schema (crates/mdbook-quiz-schema)
// and its build-time validation (crates/mdbook-quiz-validate), with positions.
#include "wslab/quiz/load.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace wslab::quiz {
namespace {

using testing::errors_of;
using testing::must_load;

// The example of notes/formats.md §1.2, Tracing program aside: the schema as-is.
TEST(QuizLoad, AcceptsAllThreeMdbookQuizTypes) {
  const Quiz q = must_load(R"(
[[questions]]
id = "ws-q1"
type = "ShortAnswer"
prompt.prompt = "Which HTTP status code completes a WebSocket upgrade?"
answer.answer = "101"
answer.alternatives = ["101 Switching Protocols"]
context = "RFC 6455 §4.2.2."

[[questions]]
id = "ws-q2"
type = "MultipleChoice"
prompt.prompt = "Which frames must a client mask?"
prompt.distractors = ["Only data frames", "None"]
answer.answer = ["All client-to-server frames"]
prompt.answerIndex = 0

[[questions]]
id = "ws-q3"
type = "Tracing"
prompt.program = "int main() {}"
answer.doesCompile = true
answer.stdout = ""
)");
  ASSERT_EQ(q.questions.size(), 3u);
  EXPECT_EQ(q.questions[0].type, QuestionType::kShortAnswer);
  EXPECT_EQ(q.questions[0].alternatives.size(), 1u);
  EXPECT_EQ(q.questions[1].type, QuestionType::kMultipleChoice);
  EXPECT_TRUE(q.questions[1].multi_select);
  EXPECT_EQ(q.questions[1].answer_index, 0u);
  EXPECT_EQ(q.questions[2].type, QuestionType::kTracing);
  EXPECT_EQ(q.name, "t");
}

TEST(QuizLoad, SyntaxErrorNamesFileLineAndColumn) {
  const std::string e =
      errors_of("[[questions]]\nid = \"x\"\ntype = \"ShortAnswer\nfoo = 1\n", "quizzes/x.toml");
  EXPECT_NE(e.find("quizzes/x.toml:3:"), std::string::npos) << e;
  EXPECT_NE(e.find("TOML syntax"), std::string::npos) << e;
}

TEST(QuizLoad, UnknownKeyIsReportedWithItsLineAndASpellingHint) {
  const std::string e = errors_of(R"([[questions]]
id = "q"
type = "MultipleChoice"
prompt.prompt = "?"
prompt.distractors = ["a"]
prompt.answerindex = 0
answer.answer = "b"
)");
  EXPECT_NE(e.find("t.toml:6:8: error: prompt.answerindex: unknown key (did you mean "
                   "'prompt.answerIndex'?)"),
            std::string::npos)
      << e;
}

TEST(QuizLoad, OnlyThreeQuestionTypesExist) {
  const std::string e = errors_of(R"([[questions]]
id = "q"
type = "Essay"
prompt.prompt = "?"
answer.answer = "x"
)");
  EXPECT_NE(e.find("t.toml:3:1: error: type: 'Essay' is not a question type"), std::string::npos)
      << e;
}

// mdbook-quiz makes id optional; grading needs it.
TEST(QuizLoad, EveryQuestionNeedsAnId) {
  const std::string e = errors_of(R"([[questions]]
type = "ShortAnswer"
prompt.prompt = "?"
answer.answer = "x"
)");
  EXPECT_NE(e.find("t.toml:1:1: error: id: required key is missing"), std::string::npos) << e;
}

TEST(QuizLoad, WrongValueTypeNamesTheKey) {
  const std::string e = errors_of(R"([[questions]]
id = "q"
type = "ShortAnswer"
prompt.prompt = "?"
answer.answer = 101
)");
  EXPECT_NE(e.find("answer.answer: expected a string, found an integer"), std::string::npos) << e;
}

TEST(QuizLoad, MultipleChoiceNeedsDistractors) {
  const std::string e = errors_of(R"([[questions]]
id = "q"
type = "MultipleChoice"
prompt.prompt = "?"
answer.answer = "x"
)");
  EXPECT_NE(e.find("prompt.distractors: required key is missing"), std::string::npos) << e;
}

// mdbook-quiz-validate: "Answer index is too large" when answerIndex > #distractors.
TEST(QuizLoad, AnswerIndexOutOfRangeIsAnError) {
  const std::string e = errors_of(R"([[questions]]
id = "q"
type = "MultipleChoice"
prompt.prompt = "?"
prompt.distractors = ["a", "b"]
prompt.answerIndex = 3
answer.answer = "c"
)");
  EXPECT_NE(e.find("t.toml:6:22: error: prompt.answerIndex: 3 is out of range"), std::string::npos)
      << e;
  // 2 distractors: index 2 (append) is still valid.
  must_load(R"([[questions]]
id = "q"
type = "MultipleChoice"
prompt.prompt = "?"
prompt.distractors = ["a", "b"]
prompt.answerIndex = 2
answer.answer = "c"
)");
}

TEST(QuizLoad, AnswerIndexAndSortAnswersExcludeEachOther) {
  const std::string e = errors_of(R"([[questions]]
id = "q"
type = "MultipleChoice"
prompt.prompt = "?"
prompt.distractors = ["a"]
prompt.answerIndex = 0
prompt.sortAnswers = true
answer.answer = "c"
)");
  EXPECT_NE(e.find("cannot be combined with prompt.answerIndex"), std::string::npos) << e;
}

TEST(QuizLoad, MultiSelectNeedsAtLeastOneAnswer) {
  const std::string e = errors_of(R"([[questions]]
id = "q"
type = "MultipleChoice"
prompt.prompt = "?"
prompt.distractors = ["a"]
answer.answer = []
)");
  EXPECT_NE(e.find("needs at least one correct choice"), std::string::npos) << e;
}

TEST(QuizLoad, AnAnswerThatIsAlsoADistractorIsAnError) {
  const std::string e = errors_of(R"([[questions]]
id = "q"
type = "MultipleChoice"
prompt.prompt = "?"
prompt.distractors = ["a", "b"]
answer.answer = "a"
)");
  EXPECT_NE(e.find("'a' is also listed in prompt.distractors"), std::string::npos) << e;
}

TEST(QuizLoad, TracingNeedsStdoutExactlyWhenItCompiles) {
  std::string e = errors_of(R"([[questions]]
id = "q"
type = "Tracing"
prompt.program = "int main() {}"
answer.doesCompile = true
)");
  EXPECT_NE(e.find("answer.stdout: required when answer.doesCompile = true"), std::string::npos)
      << e;
  e = errors_of(R"([[questions]]
id = "q"
type = "Tracing"
prompt.program = "int main() { x }"
answer.doesCompile = false
answer.stdout = "1"
)");
  EXPECT_NE(e.find("answer.stdout: not allowed when answer.doesCompile = false"), std::string::npos)
      << e;
}

TEST(QuizLoad, MultipartKeyMustBeDeclared) {
  const std::string e = errors_of(R"(
[multipart]
a = "Context for part a"

[[questions]]
id = "q"
type = "ShortAnswer"
multipart = "b"
prompt.prompt = "?"
answer.answer = "x"
)");
  EXPECT_NE(e.find("multipart: 'b' is not a key of the top-level [multipart] table"),
            std::string::npos)
      << e;
}

TEST(QuizLoad, EmptyQuizIsAnError) {
  const std::string e = errors_of("questions = []\n");
  EXPECT_NE(e.find("at least one question"), std::string::npos) << e;
}

TEST(QuizLoad, WslabExtensionTableIsRead) {
  const Quiz q = must_load(R"([[questions]]
id = "q"
type = "ShortAnswer"
prompt.prompt = "Key `abc`"
answer.answer = "x"
wslab.generator = "accept-key"
wslab.params.key = "abc"
wslab.points = 3
)");
  ASSERT_TRUE(q.questions[0].generator.has_value());
  EXPECT_EQ(q.questions[0].generator->name, "accept-key");
  EXPECT_EQ(q.questions[0].generator->params.at("key"), "abc");
  EXPECT_EQ(q.questions[0].points, 3);
  EXPECT_EQ(q.max_score(), 3);
}

TEST(QuizLoad, UnknownKeyInTheExtensionIsAnError) {
  const std::string e = errors_of(R"([[questions]]
id = "q"
type = "ShortAnswer"
prompt.prompt = "?"
answer.answer = "x"
wslab.generater = "accept-key"
)");
  EXPECT_NE(e.find("wslab.generater: unknown key"), std::string::npos) << e;
}

}  // namespace
}  // namespace wslab::quiz
