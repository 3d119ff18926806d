// `wslab quiz lint`: everything mdbook-quiz validates at build time, ported to
// wslab's C++ course, plus our own checks:
//  - schema (via load), unknown keys, duplicate ids across all files given;
//  - multiple choice: answerIndex in range, answers distinct from distractors;
//  - Tracing: the C++ program is compiled with g++ and run; doesCompile and
//    the trimmed stdout must match the answer;
//  - generated questions: a known generator, its params all present and shown
//    in the prompt, and answer.answer equal to what core computes for them;
//  - (--strict) every question explains itself in `context`.
#pragma once

#include <string>
#include <vector>

#include "wslab/quiz/diagnostic.hpp"
#include "wslab/quiz/quiz.hpp"

namespace wslab::quiz {

struct TracingOptions {
  std::string cxx = "g++";
  // Sanitizers: a teaching program with undefined behaviour must not pass
  // because it happened to print the expected text.
  std::vector<std::string> flags = {"-std=c++20", "-O0", "-w", "-fsanitize=address,undefined",
                                    "-fno-sanitize-recover=all"};
  std::vector<std::string> link_flags;  // after the source file (libraries)
  std::string cache_dir;  // empty: no cache; else results keyed by SHA-1 of compiler+flags+program
  int compile_timeout_ms = 60000;
  int run_timeout_ms = 5000;
};

struct TracingRun {
  bool compiled = false;
  std::string compiler_output;
  bool ran_ok = false;  // exit status 0, no signal, no timeout
  std::string run_problem;
  std::string stdout_text;
};

TracingRun compile_and_run(const std::string& program, const TracingOptions& options);

struct LintOptions {
  TracingOptions tracing;
  bool run_tracing = true;
  bool strict = false;    // warnings count as errors
  int min_questions = 0;  // per file
};

struct LintReport {
  std::vector<Diagnostic> diagnostics;
  int files = 0;
  int questions = 0;
  int tracing_checked = 0;
  int generated_checked = 0;
  [[nodiscard]] bool failed(bool strict) const;
};

LintReport lint_files(const std::vector<std::string>& files, const LintOptions& options);
// Checks of one loaded quiz that need no other file (used by lint_files).
void lint_quiz(const Quiz& quiz, const LintOptions& options, LintReport& report);

}  // namespace wslab::quiz
