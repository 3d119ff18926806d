// The quiz model: mdbook-quiz's schema (v0.4, crates/mdbook-quiz-schema) as
// C++ values, plus wslab's one extension, the `wslab` table of a question
// (per-student generated protocol questions, points). See quizzes/README.md.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace wslab::quiz {

// Where something was written in a source file (1-based; 0 = unknown).
struct SourcePos {
  int line = 0;
  int column = 0;
};

enum class QuestionType { kShortAnswer, kMultipleChoice, kTracing };
std::string_view type_name(QuestionType t);

// `wslab.generator = "accept-key"` and `wslab.params = { key = "..." }`: the
// params are the example shown in the static (mdBook) text; for a student,
// every example value in the prompt is replaced by that student's value and
// the answer is computed by core.
struct GeneratorSpec {
  std::string name;
  std::map<std::string, std::string> params;
  SourcePos pos;
};

struct Question {
  std::string id;
  QuestionType type = QuestionType::kShortAnswer;
  std::string prompt;     // prompt.prompt (markdown)
  std::string multipart;  // key into Quiz::multipart, or empty
  std::string context;    // explanation shown after answering
  bool prompt_explanation = false;
  int points = 1;  // wslab.points

  // ShortAnswer
  std::string response = "short";  // prompt.response: short | long | code
  std::string answer;              // answer.answer
  std::vector<std::string> alternatives;

  // MultipleChoice
  std::vector<std::string> distractors;
  std::vector<std::string> answers;  // answer.answer (one or several)
  bool multi_select = false;         // answer.answer was an array
  std::optional<std::size_t> answer_index;
  bool sort_answers = false;

  // Tracing (C++ program)
  std::string program;
  bool does_compile = true;
  std::string expected_stdout;
  std::optional<int> line_number;

  std::optional<GeneratorSpec> generator;

  SourcePos pos;                             // the [[questions]] header
  std::map<std::string, SourcePos> key_pos;  // "prompt.answerIndex" -> where
  [[nodiscard]] SourcePos where(const std::string& key) const;
};

struct Quiz {
  std::string path;  // as given on the command line
  std::string name;  // file stem, e.g. "02-handshake"
  std::vector<Question> questions;
  std::map<std::string, std::string> multipart;

  [[nodiscard]] const Question* find(std::string_view id) const;
  [[nodiscard]] int max_score() const;
};

}  // namespace wslab::quiz
