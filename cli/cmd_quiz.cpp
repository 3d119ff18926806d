// wslab quiz: the course's quizzes (mdbook-quiz TOML) from the terminal.
//   lint FILES...                      check quiz files (schema, ids, tracing programs, generators)
//   take FILE [--student ID]           answer a quiz interactively (works with piped input)
//   grade --quiz FILE ANSWERS...       grade answer files (JSON/CSV) for a whole class
//   key FILE --student ID              the answer key of one student's copy (teachers only)
//   export --out DIR FILES...          copies for a stock mdBook (C++ Tracing -> ShortAnswer)
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "wslab/quiz/export.hpp"
#include "wslab/quiz/grade.hpp"
#include "wslab/quiz/instance.hpp"
#include "wslab/quiz/lint.hpp"
#include "wslab/quiz/load.hpp"
#include "wslab/quiz/report.hpp"
#include "wslab/quiz/take.hpp"

namespace wslab::cli {
namespace {

using namespace wslab::quiz;

// Loads a quiz for take/grade/key: schema errors are fatal (lint explains them).
std::optional<Quiz> load_or_report(const std::string& path) {
  LoadResult r = load_quiz_file(path);
  for (const auto& d : r.diagnostics) {
    if (d.severity == Severity::kError) std::fprintf(stderr, "%s\n", format(d).c_str());
  }
  if (!r.ok()) {
    std::fprintf(stderr, "wslab quiz: %s is not a valid quiz (run `wslab quiz lint %s`)\n",
                 path.c_str(), path.c_str());
    return std::nullopt;
  }
  return std::move(*r.quiz);
}

struct LintArgs {
  std::vector<std::string> files;
  bool strict = false;
  bool no_tracing = false;
  int min_questions = 0;
  std::string cxx = "g++";
  std::string cache;
};

void run_lint(const LintArgs& a) {
  LintOptions opt;
  opt.strict = a.strict;
  opt.run_tracing = !a.no_tracing;
  opt.min_questions = a.min_questions;
  opt.tracing.cxx = a.cxx;
  opt.tracing.cache_dir = a.cache;
  const LintReport report = lint_files(a.files, opt);
  int errors = 0;
  int warnings = 0;
  for (const auto& d : report.diagnostics) {
    std::fprintf(stderr, "%s\n", format(d).c_str());
    (d.severity == Severity::kError ? errors : warnings)++;
  }
  std::printf(
      "wslab quiz lint: %d file(s), %d question(s), %d tracing program(s) compiled and run, "
      "%d generated question(s) checked: %d error(s), %d warning(s)%s\n",
      report.files, report.questions, report.tracing_checked, report.generated_checked, errors,
      warnings, a.strict && warnings > 0 ? " (--strict: warnings fail)" : "");
  set_exit_code(report.failed(a.strict) ? 1 : 0);
}

struct TakeArgs {
  std::string file;
  std::string student;
  std::string save;
};

void run_take(const TakeArgs& a) {
  auto quiz = load_or_report(a.file);
  if (!quiz) return set_exit_code(2);
  if (!a.student.empty() && !valid_student_id(a.student)) {
    std::fprintf(stderr,
                 "wslab quiz take: --student '%s': use letters, digits, '.', '_', '-', '@'\n",
                 a.student.c_str());
    return set_exit_code(2);
  }
  if (!a.save.empty() && a.student.empty()) {
    std::fprintf(stderr,
                 "wslab quiz take: --save needs --student (answers are filed by student)\n");
    return set_exit_code(2);
  }
  TakeOptions opt;
  opt.student = a.student;
  opt.echo_input = ::isatty(0) == 0;  // piped answers appear in the transcript
  TakeOutcome outcome = take_quiz(*quiz, opt, std::cin, std::cout);
  if (!a.save.empty()) {
    if (auto st = write_file_atomically(a.save, submission_to_json(*quiz, outcome.answers)); !st) {
      std::fprintf(stderr, "wslab quiz take: %s\n", st.message().c_str());
      return set_exit_code(2);
    }
    std::cout << "Answers saved to " << a.save << "\n";
  }
  set_exit_code(outcome.completed ? 0 : 1);
}

struct GradeArgs {
  std::string quiz;
  std::vector<std::string> answers;
  std::string out;
  std::vector<std::string> formats;
};

void run_grade(const GradeArgs& a) {
  auto quiz = load_or_report(a.quiz);
  if (!quiz) return set_exit_code(2);
  std::vector<ReportFormat> formats;
  for (const auto& f : a.formats) {
    // "--format csv,json" and "--format csv --format json" both work.
    std::stringstream ss(f);
    std::string one;
    while (std::getline(ss, one, ',')) {
      auto parsed = parse_report_format(one);
      if (!parsed) {
        std::fprintf(stderr, "wslab quiz grade: --format: %s\n", parsed.error().c_str());
        return set_exit_code(2);
      }
      formats.push_back(*parsed);
    }
  }
  if (formats.empty()) formats = {ReportFormat::kCsv};
  auto result = grade_files(*quiz, a.answers);
  if (!result) {
    std::fprintf(stderr, "wslab quiz grade: %s\n", result.error().c_str());
    std::fprintf(stderr, "wslab quiz grade: nothing was written\n");
    return set_exit_code(2);
  }
  if (a.out.empty()) {
    if (formats.size() != 1 || formats.front() == ReportFormat::kGradescope) {
      std::fprintf(stderr,
                   "wslab quiz grade: --out DIR is needed for gradescope or several formats\n");
      return set_exit_code(2);
    }
    std::cout << (formats.front() == ReportFormat::kCsv ? class_csv(*quiz, *result)
                                                        : class_json(*quiz, *result));
    return set_exit_code(0);
  }
  const ReportFiles files = render_reports(*quiz, *result, formats);
  if (auto st = write_reports(a.out, files); !st) {
    std::fprintf(stderr, "wslab quiz grade: %s\n", st.message().c_str());
    return set_exit_code(2);
  }
  std::printf("wslab quiz grade: %zu student(s) graded on %s (max %d); wrote",
              result->students.size(), quiz->name.c_str(), result->max_score);
  for (const auto& [rel, content] : files) std::printf(" %s/%s", a.out.c_str(), rel.c_str());
  std::printf("\n");
  set_exit_code(0);
}

struct KeyArgs {
  std::string file;
  std::string student;
};

void run_key(const KeyArgs& a) {
  auto quiz = load_or_report(a.file);
  if (!quiz) return set_exit_code(2);
  std::printf("# ANSWER KEY (teachers only) for quiz %s, student %s\n", quiz->name.c_str(),
              a.student.empty() ? "(example)" : a.student.c_str());
  for (const auto& q : quiz->questions) {
    auto inst = instantiate(q, a.student);
    if (!inst) {
      std::fprintf(stderr, "wslab quiz key: %s: %s\n", q.id.c_str(), inst.error().c_str());
      return set_exit_code(2);
    }
    std::string key;
    switch (q.type) {
      case QuestionType::kShortAnswer:
        key = inst->answer;
        break;
      case QuestionType::kMultipleChoice:
        for (const auto& c : q.answers) key += (key.empty() ? "" : " | ") + c;
        break;
      case QuestionType::kTracing:
        key = q.does_compile ? "compiles; prints: " + q.expected_stdout : "does not compile";
        break;
    }
    std::printf("%s: %s\n", q.id.c_str(), key.c_str());
    if (q.generator) {
      std::istringstream ss(inst->prompt);
      std::string line;
      while (std::getline(ss, line)) std::printf("    | %s\n", line.c_str());
    }
  }
  set_exit_code(0);
}

struct ExportArgs {
  std::vector<std::string> files;
  std::string out;
};

void run_export(const ExportArgs& a) {
  // Everything is checked and converted before anything is written.
  std::vector<std::pair<std::string, std::string>> outputs;
  for (const auto& file : a.files) {
    if (!load_or_report(file)) return set_exit_code(2);
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    auto converted = export_for_mdbook(text.str(), file);
    if (!converted) {
      std::fprintf(stderr, "wslab quiz export: %s\n", converted.error().c_str());
      return set_exit_code(2);
    }
    const std::string name = file.substr(file.find_last_of('/') + 1);
    outputs.emplace_back(a.out + "/" + name, *converted);
  }
  for (const auto& [path, content] : outputs) {
    if (auto st = write_file_atomically(path, content); !st) {
      std::fprintf(stderr, "wslab quiz export: %s\n", st.message().c_str());
      return set_exit_code(2);
    }
    std::printf("wrote %s\n", path.c_str());
  }
  set_exit_code(0);
}

}  // namespace

void register_quiz(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("quiz", "Lint, take and grade the course's quizzes (mdbook-quiz TOML)");
  cmd->require_subcommand(1);

  auto lint_args = std::make_shared<LintArgs>();
  auto* lint =
      cmd->add_subcommand("lint", "Check quiz files: schema, ids, answers, tracing programs");
  lint->add_option("files", lint_args->files, "Quiz TOML files")
      ->required()
      ->check(CLI::ExistingFile);
  lint->add_flag("--strict", lint_args->strict, "Warnings (e.g. a question without context) fail");
  lint->add_flag("--no-tracing", lint_args->no_tracing, "Do not compile and run Tracing programs");
  lint->add_option("--min-questions", lint_args->min_questions, "Fail a file with fewer questions");
  lint->add_option("--cxx", lint_args->cxx, "C++ compiler for Tracing programs")
      ->capture_default_str();
  lint->add_option("--cache", lint_args->cache, "Directory caching compile-and-run results");
  lint->callback([lint_args] { run_lint(*lint_args); });

  auto take_args = std::make_shared<TakeArgs>();
  auto* take =
      cmd->add_subcommand("take", "Answer a quiz in the terminal (reads stdin; pipes work)");
  take->add_option("file", take_args->file, "Quiz TOML file")->required()->check(CLI::ExistingFile);
  take->add_option("--student", take_args->student, "Your student id (seeds generated questions)");
  take->add_option("--save", take_args->save, "Write your answers to this JSON file (for grading)");
  take->callback([take_args] { run_take(*take_args); });

  auto grade_args = std::make_shared<GradeArgs>();
  auto* grade = cmd->add_subcommand("grade", "Grade answer files (JSON or CSV) for a class");
  grade->add_option("--quiz", grade_args->quiz, "Quiz TOML file")
      ->required()
      ->check(CLI::ExistingFile);
  grade->add_option("answers", grade_args->answers, "Answer files (.json or .csv)")->required();
  grade->add_option("--out", grade_args->out,
                    "Directory for grades.csv, grades.json, results.json / gradescope/<student>/");
  grade
      ->add_option("--format", grade_args->formats,
                   "csv, gradescope, json (repeat or comma-separate)")
      ->allow_extra_args(false);
  grade->callback([grade_args] { run_grade(*grade_args); });

  auto key_args = std::make_shared<KeyArgs>();
  auto* key =
      cmd->add_subcommand("key", "Print the answer key of one student's copy (teachers only)");
  key->add_option("file", key_args->file, "Quiz TOML file")->required()->check(CLI::ExistingFile);
  key->add_option("--student", key_args->student, "Student id (default: the printed examples)");
  key->callback([key_args] { run_key(*key_args); });

  auto export_args = std::make_shared<ExportArgs>();
  auto* exp = cmd->add_subcommand(
      "export", "Write copies for a stock mdBook (mdbook-quiz checks Tracing programs with rustc)");
  exp->add_option("files", export_args->files, "Quiz TOML files")
      ->required()
      ->check(CLI::ExistingFile);
  exp->add_option("--out", export_args->out, "Directory for the copies")->required();
  exp->callback([export_args] { run_export(*export_args); });
}

}  // namespace wslab::cli
