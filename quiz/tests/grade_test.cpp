// Grading: mdbook-quiz's comparison rules (js/packages/quiz/src/questions/*.tsx),
// per-student generated questions, and the hand-graded class of fixtures/.
#include "wslab/quiz/grade.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "test_util.hpp"
#include "wslab/quiz/report.hpp"

namespace wslab::quiz {
namespace {

using testing::fixture;
using testing::must_load;

// short-answer.tsx: clean = s.toLowerCase().trim(), compared with answer + alternatives.
TEST(QuizGrade, ShortAnswerIgnoresCaseAndSurroundingSpace) {
  EXPECT_TRUE(short_answer_correct("  Switching Protocols\n", "switching protocols", {}));
  EXPECT_FALSE(short_answer_correct("Switching  Protocols", "switching protocols", {}));
  EXPECT_FALSE(short_answer_correct("switching", "switching protocols", {}));
}

TEST(QuizGrade, ShortAnswerAcceptsAlternatives) {
  EXPECT_TRUE(short_answer_correct("101 SWITCHING PROTOCOLS", "101", {"101 Switching Protocols"}));
  EXPECT_FALSE(short_answer_correct("HTTP/1.1 101", "101", {"101 Switching Protocols"}));
}

// multiple-choice.tsx: _.isEqual(sortBy(provided), sortBy(user)).
TEST(QuizGrade, MultiSelectNeedsExactlyTheCorrectSet) {
  const std::vector<std::string> right = {"Close", "Ping", "Pong"};
  EXPECT_TRUE(choices_correct({"Pong", "Close", "Ping"}, right));
  EXPECT_FALSE(choices_correct({"Close", "Ping"}, right));
  EXPECT_FALSE(choices_correct({"Close", "Ping", "Pong", "Text"}, right));
  EXPECT_TRUE(choices_correct({"0x9"}, {"0x9"}));
}

TEST(QuizGrade, TypedChoicesAreMatchedToTheirText) {
  Answer a;
  a.kind = Answer::Kind::kChoices;
  a.choices = {" close", "PING", "Pong", "Maybe"};
  const auto r = resolve_choices(a, {"Close", "Ping", "Pong", "Text"});
  EXPECT_EQ(r, (std::vector<std::string>{"Close", "Ping", "Pong", "Maybe"}));
}

// tracing.tsx: doesCompile equal, then trimmed stdout equal; lineNumber not graded.
TEST(QuizGrade, TracingComparesCompilationThenTrimmedStdout) {
  EXPECT_TRUE(tracing_correct(true, "\n1 5 \n", true, "1 5"));
  EXPECT_TRUE(tracing_correct(true, "1\r\n2\r\n", true, "1\n2"));  // CRLF answer files
  EXPECT_FALSE(tracing_correct(true, "1\n5", true, "1 5"));
  EXPECT_FALSE(tracing_correct(false, "", true, "1 5"));
  EXPECT_TRUE(tracing_correct(false, "", false, ""));
  EXPECT_FALSE(tracing_correct(true, "", false, ""));
}

TEST(QuizGrade, AnswerTextConventionsForTracing) {
  Question q;
  q.type = QuestionType::kTracing;
  EXPECT_FALSE(answer_from_text(q, " Does Not Compile ").does_compile);
  EXPECT_FALSE(answer_from_text(q, "doesn't compile").does_compile);
  const Answer a = answer_from_text(q, "1 5");
  EXPECT_TRUE(a.does_compile);
  EXPECT_EQ(a.stdout_text, "1 5");
}

constexpr const char* kGenerated = R"([[questions]]
id = "g-accept"
type = "ShortAnswer"
prompt.prompt = "Key `dGhlIHNhbXBsZSBub25jZQ==`?"
answer.answer = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
context = "c"
wslab.generator = "accept-key"
wslab.params.key = "dGhlIHNhbXBsZSBub25jZQ=="
wslab.points = 2
)";

TEST(QuizGrade, GeneratedQuestionsAreGradedAgainstTheStudentsOwnCopy) {
  const Quiz quiz = must_load(kGenerated);
  auto alice_copy = instantiate(quiz.questions[0], "alice");
  ASSERT_TRUE(alice_copy.is_ok());
  Submission s;
  s.student = "alice";
  s.answers["g-accept"].text = alice_copy->answer;
  auto alice = grade_submission(quiz, s);
  ASSERT_TRUE(alice.is_ok());
  EXPECT_EQ(alice->score, 2);
  s.student = "bob";  // the same answer is wrong for bob's key
  auto bob = grade_submission(quiz, s);
  EXPECT_EQ(bob->score, 0);
  s.answers["g-accept"].text = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";  // the printed example
  EXPECT_EQ(grade_submission(quiz, s)->score, 0);
}

TEST(QuizGrade, UnansweredQuestionsScoreZero) {
  const Quiz quiz = must_load(kGenerated);
  Submission s;
  s.student = "zoe";
  auto r = grade_submission(quiz, s);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->score, 0);
  EXPECT_EQ(r->max_score, 2);
  EXPECT_FALSE(r->questions[0].answered);
}

// fixtures/README.md explains every one of these hand-given points.
TEST(QuizGrade, HandGradedClass) {
  LoadResult loaded = load_quiz_file(fixture("class-quiz.toml"));
  ASSERT_TRUE(loaded.ok());
  auto cls = grade_files(*loaded.quiz, {fixture("alice.json"), fixture("bob.json"),
                                        fixture("class-b.csv"), fixture("class-c.json")});
  ASSERT_TRUE(cls.is_ok()) << cls.error();
  std::ifstream in(fixture("hand-grades.csv"));
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(class_csv(*loaded.quiz, *cls), want.str());
}

TEST(QuizGrade, SameStudentInTwoFilesIsAnError) {
  LoadResult loaded = load_quiz_file(fixture("class-quiz.toml"));
  auto cls =
      grade_files(*loaded.quiz, {fixture("alice.json"), fixture("bad/duplicate-alice.json")});
  ASSERT_FALSE(cls.is_ok());
  EXPECT_NE(cls.error().find("duplicate-alice.json: student 'alice' already has answers in"),
            std::string::npos)
      << cls.error();
}

}  // namespace
}  // namespace wslab::quiz
