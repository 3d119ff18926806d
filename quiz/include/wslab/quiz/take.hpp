// `wslab quiz take`: a quiz in the terminal, one question at a time, with
// feedback (right or not, then the question's context) and a final score.
// Reads plain lines, so it works as well with piped input as at a keyboard:
//   ShortAnswer      one line
//   MultipleChoice   a letter (B), several for multi-select (A,C), or a choice's text
//   Tracing          y or n (does it compile?), then the output lines, ended by a
//                    line holding only "." (or by the end of input)
#pragma once

#include <iosfwd>
#include <string>

#include "wslab/quiz/answers.hpp"
#include "wslab/quiz/quiz.hpp"

namespace wslab::quiz {

struct TakeOptions {
  std::string student;      // seeds generated questions; empty: the printed examples
  bool echo_input = false;  // print each line read (input is piped, not typed)
};

struct TakeOutcome {
  int score = 0;
  int max_score = 0;
  int answered = 0;
  bool completed = false;  // false when the input ended early
  Submission answers;      // what was typed, for `--save`
};

TakeOutcome take_quiz(const Quiz& quiz, const TakeOptions& options, std::istream& in,
                      std::ostream& out);

}  // namespace wslab::quiz
