// The mdBook export: mdbook-quiz compiles Tracing programs with rustc, so C++
// Tracing questions become ShortAnswer questions; nothing else changes.
#include "wslab/quiz/export.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"
#include "wslab/quiz/grade.hpp"

namespace wslab::quiz {
namespace {

constexpr const char* kQuiz = R"([[questions]]
id = "x-trace"
type = "Tracing"
prompt.program = '''
#include <cstdio>
int main() { std::printf("1\n2\n"); }
'''
answer.doesCompile = true
answer.stdout = "1\n2"
context = "Two lines."

[[questions]]
id = "x-error"
type = "Tracing"
prompt.program = "int main() { return x; }"
answer.doesCompile = false
context = "x is not declared."

[[questions]]
id = "x-mc"
type = "MultipleChoice"
prompt.prompt = "Ping?"
prompt.distractors = ["0x8"]
answer.answer = "0x9"
prompt.answerIndex = 1
context = "0x9."
)";

TEST(QuizExport, TracingBecomesShortAnswerAndTheRestStays) {
  auto out = export_for_mdbook(kQuiz, "quizzes/x.toml");
  ASSERT_TRUE(out.is_ok()) << out.error();
  const Quiz q = testing::must_load(*out, "export/x.toml");
  ASSERT_EQ(q.questions.size(), 3u);
  EXPECT_EQ(q.questions[0].type, QuestionType::kShortAnswer);
  EXPECT_NE(q.questions[0].prompt.find("```cpp\n#include <cstdio>"), std::string::npos);
  EXPECT_EQ(q.questions[0].response, "long");
  EXPECT_TRUE(short_answer_correct("1\n2\n", q.questions[0].answer, q.questions[0].alternatives));
  EXPECT_EQ(q.questions[0].context, "Two lines.");
  EXPECT_EQ(q.questions[1].answer, "does not compile");
  EXPECT_EQ(q.questions[2].type, QuestionType::kMultipleChoice);
  EXPECT_EQ(q.questions[2].answer_index, 1u);
  EXPECT_EQ(q.questions[2].id, "x-mc");
}

}  // namespace
}  // namespace wslab::quiz
