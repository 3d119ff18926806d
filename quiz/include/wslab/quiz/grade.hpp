// Grading with mdbook-quiz's comparison rules (js/packages/quiz/src/questions):
//  - ShortAnswer: lower-cased and trimmed, equal to the answer or an alternative;
//  - MultipleChoice: the chosen set equals the correct set exactly (a single
//    answer is a set of one); choices are matched by their text;
//  - Tracing: doesCompile must match; if it compiles, trimmed stdout must be equal.
// Generated questions are graded against the student's own instance.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wslab/quiz/answers.hpp"
#include "wslab/quiz/instance.hpp"
#include "wslab/quiz/quiz.hpp"
#include "wslab/result.hpp"

namespace wslab::quiz {

// The comparison rules, one function each (exposed for tests and `take`).
bool short_answer_correct(const std::string& given, const std::string& answer,
                          const std::vector<std::string>& alternatives);
bool choices_correct(std::vector<std::string> given, std::vector<std::string> correct);
bool tracing_correct(bool given_compiles, const std::string& given_stdout, bool compiles,
                     const std::string& expected_stdout);

// Maps what a student typed to the choice texts (exact first, then ignoring
// case and surrounding spaces); unmatched entries are kept as typed.
std::vector<std::string> resolve_choices(const Answer& a, const std::vector<std::string>& choices);

struct QuestionResult {
  std::string id;
  int points = 0;
  int max_points = 0;
  bool answered = false;
  bool correct = false;
  std::string given;  // the student's answer, rendered for humans
  std::string note;   // e.g. "'maybe' is not one of the choices"
};

struct StudentResult {
  std::string student;
  std::string source;  // file (and place) the answers came from
  std::vector<QuestionResult> questions;
  int score = 0;
  int max_score = 0;
};

struct ClassResult {
  std::string quiz;
  std::string quiz_path;
  std::vector<StudentResult> students;  // sorted by student id
  int max_score = 0;
};

// Grades one answer against one (instantiated) question.
QuestionResult grade_answer(const QuestionInstance& inst, const std::optional<Answer>& answer);
Result<StudentResult> grade_submission(const Quiz& quiz, const Submission& s);
// Reads every file, checks them all (duplicate students included), then grades.
Result<ClassResult> grade_files(const Quiz& quiz, const std::vector<std::string>& files);

std::string render_answer(const Answer& a);

}  // namespace wslab::quiz
