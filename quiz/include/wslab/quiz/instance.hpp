// One student's copy of a question: the prompt with that student's generated
// values, the multiple-choice order they see, and the answer key (which only
// grading and `wslab quiz key` may look at; it is never printed to students).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wslab/quiz/generators.hpp"
#include "wslab/quiz/quiz.hpp"
#include "wslab/result.hpp"

namespace wslab::quiz {

struct QuestionInstance {
  const Question* question = nullptr;
  std::string prompt;                // after substituting the student's values
  std::vector<std::string> choices;  // MultipleChoice, in display order
  // --- the key ---
  std::string answer;  // ShortAnswer (generated or static)
  std::vector<std::string> alternatives;
};

// `student` empty: the static example exactly as written in the TOML (what
// mdBook shows). Fails only when a generator cannot solve its params.
Result<QuestionInstance> instantiate(const Question& q, std::string_view student);

// The generator's answer for the params written in the TOML (lint compares it
// with answer.answer, so the mdBook version is right too).
Result<GeneratedAnswer> solve_example(const Question& q);

// Replaces each example param value in `text` by the student's value.
std::string substitute(std::string text, const Params& example, const Params& student);

}  // namespace wslab::quiz
