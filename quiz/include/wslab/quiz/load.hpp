// Loading a quiz file: TOML (toml++) checked against the mdbook-quiz schema
// with wslab's extension table. Every schema problem becomes a Diagnostic
// with the file, the line, the column and the offending key.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wslab/quiz/diagnostic.hpp"
#include "wslab/quiz/quiz.hpp"

namespace wslab::quiz {

struct LoadResult {
  std::optional<Quiz> quiz;  // set unless the TOML could not be parsed at all
  std::vector<Diagnostic> diagnostics;
  [[nodiscard]] bool ok() const { return quiz.has_value() && !has_errors(diagnostics); }
};

LoadResult load_quiz_text(std::string_view text, const std::string& path);
LoadResult load_quiz_file(const std::string& path);

// The quiz name used in answer files: the file name without directory and ".toml".
std::string quiz_name_from_path(const std::string& path);

}  // namespace wslab::quiz
