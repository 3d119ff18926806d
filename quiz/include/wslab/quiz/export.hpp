// Quizzes for a stock mdBook. mdbook-quiz validates every Tracing program by
// compiling it with rustc (crates/mdbook-quiz-validate/src/impls/tracing.rs),
// so our C++ Tracing questions would fail its build. The export keeps every
// other question byte-for-byte in meaning and turns each Tracing question into
// a ShortAnswer with the program in a ```cpp block and the answer "the output"
// or "does not compile" (mdBook grades it lower-cased and trimmed).
#pragma once

#include <string>

#include "wslab/result.hpp"

namespace wslab::quiz {

// `toml_text` is a quiz that loads without errors; returns the mdBook version.
Result<std::string> export_for_mdbook(const std::string& toml_text, const std::string& path);

}  // namespace wslab::quiz
