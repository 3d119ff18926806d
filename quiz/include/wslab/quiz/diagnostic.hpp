// Diagnostics for quiz files and answer files: what is wrong, in which file,
// at which line and column, and which key. Printed as
//   quizzes/02-handshake.toml:14:1: error: prompt.answerIndex: 4 is out of range (...)
#pragma once

#include <string>
#include <vector>

#include "wslab/quiz/quiz.hpp"

namespace wslab::quiz {

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string file;
  SourcePos pos;
  std::string key;  // the offending key (dotted), may be empty
  std::string message;
};

std::string format(const Diagnostic& d);
bool has_errors(const std::vector<Diagnostic>& ds);

}  // namespace wslab::quiz
