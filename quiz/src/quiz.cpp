// Small helpers of the quiz model and of diagnostics.
#include "wslab/quiz/quiz.hpp"

#include "wslab/quiz/diagnostic.hpp"

namespace wslab::quiz {

std::string_view type_name(QuestionType t) {
  switch (t) {
    case QuestionType::kShortAnswer:
      return "ShortAnswer";
    case QuestionType::kMultipleChoice:
      return "MultipleChoice";
    case QuestionType::kTracing:
      return "Tracing";
  }
  return "?";
}

SourcePos Question::where(const std::string& key) const {
  auto it = key_pos.find(key);
  return it == key_pos.end() ? pos : it->second;
}

const Question* Quiz::find(std::string_view id) const {
  for (const auto& q : questions) {
    if (q.id == id) return &q;
  }
  return nullptr;
}

int Quiz::max_score() const {
  int total = 0;
  for (const auto& q : questions) total += q.points;
  return total;
}

std::string format(const Diagnostic& d) {
  std::string out = d.file;
  if (d.pos.line > 0) {
    out += ":" + std::to_string(d.pos.line);
    if (d.pos.column > 0) out += ":" + std::to_string(d.pos.column);
  }
  out += d.severity == Severity::kError ? ": error: " : ": warning: ";
  if (!d.key.empty()) out += d.key + ": ";
  out += d.message;
  return out;
}

bool has_errors(const std::vector<Diagnostic>& ds) {
  for (const auto& d : ds) {
    if (d.severity == Severity::kError) return true;
  }
  return false;
}

}  // namespace wslab::quiz
