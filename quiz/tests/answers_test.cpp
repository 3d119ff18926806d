// Answer files: JSON and CSV, one student or a class; each bad input is one
// clear error that names the file and the place.
#include "wslab/quiz/answers.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace wslab::quiz {
namespace {

using testing::fixture;
using testing::must_load;

Quiz small_quiz() {
  return must_load(R"([[questions]]
id = "q-status"
type = "ShortAnswer"
prompt.prompt = "?"
answer.answer = "101"

[[questions]]
id = "q-control"
type = "MultipleChoice"
prompt.prompt = "?"
prompt.distractors = ["Text"]
answer.answer = ["Ping", "Pong"]

[[questions]]
id = "q-trace"
type = "Tracing"
prompt.program = "int main() {}"
answer.doesCompile = true
answer.stdout = ""
)",
                   "quizzes/small.toml");
}

std::string error_of(const std::string& text, const std::string& path) {
  auto r = read_answer_text(text, path, small_quiz());
  EXPECT_FALSE(r.is_ok()) << "expected an error";
  return r ? std::string() : r.error();
}

TEST(QuizAnswers, JsonOneStudent) {
  auto r = read_answer_text(R"({"quiz": "small", "student": "ann", "answers": {
      "q-status": "101", "q-control": ["Ping", "Pong"],
      "q-trace": {"doesCompile": true, "stdout": "x"}}})",
                            "ann.json", small_quiz());
  ASSERT_TRUE(r.is_ok()) << r.error();
  ASSERT_EQ(r->size(), 1u);
  const Submission& s = r->front();
  EXPECT_EQ(s.student, "ann");
  EXPECT_EQ(s.answers.at("q-control").kind, Answer::Kind::kChoices);
  EXPECT_EQ(s.answers.at("q-trace").stdout_text, "x");
}

TEST(QuizAnswers, JsonClassInOneFile) {
  auto r = read_answer_text(
      R"({"quiz": "small", "submissions": [{"student": "a", "answers": {}},
                                            {"student": "b", "answers": {"q-status": 101}}]})",
      "class.json", small_quiz());
  ASSERT_TRUE(r.is_ok()) << r.error();
  EXPECT_EQ(r->size(), 2u);
  EXPECT_EQ(r->at(1).answers.at("q-status").text, "101");
}

TEST(QuizAnswers, JsonSyntaxErrorNamesFileLineAndColumn) {
  const std::string e = error_of("{\n \"student\": \"a\",\n}", "ann.json");
  EXPECT_NE(e.find("ann.json: parse error at line 3, column 1"), std::string::npos) << e;
}

TEST(QuizAnswers, AnswersForAnotherQuizAreRefused) {
  const std::string e =
      error_of(R"({"quiz": "03-frames", "student": "a", "answers": {}})", "a.json");
  EXPECT_NE(e.find("a.json: quiz: this answers file is for quiz '03-frames', not for 'small'"),
            std::string::npos)
      << e;
  const std::string csv = error_of("student,quiz\nann,03-frames\n", "c.csv");
  EXPECT_NE(csv.find("c.csv:2: column 'quiz'"), std::string::npos) << csv;
}

TEST(QuizAnswers, MissingStudentIdIsAnError) {
  std::string e = error_of(R"({"quiz": "small", "answers": {}})", "a.json");
  EXPECT_NE(e.find("a.json: missing \"student\""), std::string::npos) << e;
  e = error_of("student,q-status\nann,101\n  ,101\n", "c.csv");
  EXPECT_NE(e.find("c.csv:3: column 'student': missing student id"), std::string::npos) << e;
  e = error_of("q-status\n101\n", "c.csv");
  EXPECT_NE(e.find("c.csv:1: the header has no 'student' column"), std::string::npos) << e;
}

TEST(QuizAnswers, UnknownQuestionIdIsAnError) {
  std::string e =
      error_of(R"({"student": "a", "answers": {"q-status": "1", "q-nope": "2"}})", "a.json");
  EXPECT_NE(e.find("a.json: answers.q-nope: 'q-nope' is not a question of quiz 'small'"),
            std::string::npos)
      << e;
  e = error_of("student,q-status,q-nope\nann,101,1\n", "c.csv");
  EXPECT_NE(e.find("c.csv:1: column 3 'q-nope': not a question of quiz 'small'"), std::string::npos)
      << e;
}

TEST(QuizAnswers, StudentIdsMustBeSafeFileNames) {
  const std::string e = error_of("student,q-status\n../etc,101\n", "c.csv");
  EXPECT_NE(e.find("is not a valid id"), std::string::npos) << e;
  EXPECT_TRUE(valid_student_id("jane.doe@uni-x.edu"));
  EXPECT_FALSE(valid_student_id("a/b"));
}

// RFC 4180: quoted cells hold commas, doubled quotes and line breaks.
TEST(QuizAnswers, CsvQuotedCells) {
  auto r = read_answer_text(
      "student,q-status,q-control,q-trace\r\n"
      "ann,\"1,0\"\"1\",\"[\"\"Ping\"\",\"\"Pong\"\"]\",\"a\r\nb\"\r\n",
      "c.csv", small_quiz());
  ASSERT_TRUE(r.is_ok()) << r.error();
  const Submission& s = r->front();
  EXPECT_EQ(s.answers.at("q-status").text, "1,0\"1");
  EXPECT_EQ(s.answers.at("q-control").choices, (std::vector<std::string>{"Ping", "Pong"}));
  EXPECT_EQ(s.answers.at("q-trace").stdout_text, "a\nb");
}

TEST(QuizAnswers, CsvUnclosedQuoteNamesItsLine) {
  const std::string e = error_of("student,q-status\nann,101\nbob,\"10\n1\n", "c.csv");
  EXPECT_NE(e.find("c.csv:3: a quoted cell is never closed"), std::string::npos) << e;
}

TEST(QuizAnswers, CsvTextAfterAClosingQuoteIsAnError) {
  const std::string e = error_of("student,q-status\n\"ann\"x,101\n", "c.csv");
  EXPECT_NE(e.find("c.csv:2: text after the closing quote"), std::string::npos) << e;
}

TEST(QuizAnswers, FileWithoutAnyStudentIsAnError) {
  EXPECT_NE(error_of("student,q-status\n", "c.csv").find("c.csv: a header but no student rows"),
            std::string::npos);
  EXPECT_NE(error_of("[]", "a.json").find("a.json: no submissions in this file"),
            std::string::npos);
}

TEST(QuizAnswers, CsvRowWithTheWrongNumberOfCells) {
  const std::string e = error_of("student,q-status\nann,101,extra\n", "c.csv");
  EXPECT_NE(e.find("c.csv:2: 3 cells, but the header has 2"), std::string::npos) << e;
}

TEST(QuizAnswers, ListGivenForAShortAnswerIsAnError) {
  const std::string e = error_of(R"({"student": "a", "answers": {"q-status": ["101"]}})", "a.json");
  EXPECT_NE(e.find("answers.q-status: a list of choices, but 'q-status' is a ShortAnswer"),
            std::string::npos)
      << e;
}

TEST(QuizAnswers, SavedAnswersReadBack) {
  const Quiz quiz = small_quiz();
  Submission s;
  s.student = "ann";
  s.answers["q-status"].text = "101";
  s.answers["q-control"].kind = Answer::Kind::kChoices;
  s.answers["q-control"].choices = {"Ping"};
  s.answers["q-trace"].kind = Answer::Kind::kTracing;
  s.answers["q-trace"].does_compile = false;
  auto back = read_answer_text(submission_to_json(quiz, s), "ann.json", quiz);
  ASSERT_TRUE(back.is_ok()) << back.error();
  EXPECT_EQ(back->front().answers.at("q-control").choices, s.answers["q-control"].choices);
  EXPECT_FALSE(back->front().answers.at("q-trace").does_compile);
}

TEST(QuizAnswers, MissingFileIsAnError) {
  auto r = read_answer_file(fixture("no-such-file.json"), small_quiz());
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.error().find("no-such-file.json: cannot open the file"), std::string::npos);
}

}  // namespace
}  // namespace wslab::quiz
