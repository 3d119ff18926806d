// Quiz lint: schema, ids, choices, generated questions, C++ tracing programs.
#include "wslab/quiz/lint.hpp"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "wslab/crypto.hpp"
#include "wslab/quiz/generators.hpp"
#include "wslab/quiz/grade.hpp"
#include "wslab/quiz/instance.hpp"
#include "wslab/quiz/load.hpp"
#include "wslab/quiz/process.hpp"

namespace wslab::quiz {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n\f\v");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n\f\v");
  return std::string(s.substr(b, e - b + 1));
}

std::string first_lines(const std::string& text, int n) {
  std::istringstream in(text);
  std::string line;
  std::string out;
  while (n-- > 0 && std::getline(in, line)) out += "\n    " + line;
  return out;
}

std::string hex_digest(const std::string& data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : sha1(data)) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0F];
  }
  return out;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "wslab-quiz-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

TracingRun compile_and_run(const std::string& program, const TracingOptions& options) {
  std::string key_material = options.cxx;
  for (const auto& f : options.flags) key_material += "\n" + f;
  for (const auto& f : options.link_flags) key_material += "\n" + f;
  key_material += "\n--\n" + program;
  fs::path cache_file;
  if (!options.cache_dir.empty()) {
    cache_file = fs::path(options.cache_dir) / (hex_digest(key_material) + ".json");
    std::error_code ec;
    if (fs::exists(cache_file, ec)) {
      try {
        const json j = json::parse(read_all(cache_file));
        TracingRun r;
        r.compiled = j.at("compiled").get<bool>();
        r.compiler_output = j.at("compiler_output").get<std::string>();
        r.ran_ok = j.at("ran_ok").get<bool>();
        r.run_problem = j.at("run_problem").get<std::string>();
        r.stdout_text = j.at("stdout").get<std::string>();
        return r;
      } catch (const json::exception&) {
        // a damaged cache entry: recompute
      }
    }
  }

  TracingRun r;
  TempDir dir;
  if (dir.path().empty()) {
    r.compiler_output = "cannot create a temporary directory";
    return r;
  }
  const std::string src = dir.path() + "/main.cpp";
  const std::string exe = dir.path() + "/main";
  {
    std::ofstream out(src, std::ios::binary);
    out << program;
  }
  std::vector<std::string> cmd = {options.cxx};
  cmd.insert(cmd.end(), options.flags.begin(), options.flags.end());
  cmd.insert(cmd.end(), {src, "-o", exe});
  cmd.insert(cmd.end(), options.link_flags.begin(), options.link_flags.end());
  const ProcessResult cc = run_process(cmd, options.compile_timeout_ms);
  if (!cc.started) {
    r.compiler_output = cc.error;
    r.run_problem = "compiler not started";
    return r;  // not cached: the environment, not the program, is at fault
  }
  r.compiler_output = cc.err + cc.out;
  r.compiled = cc.ok();
  if (cc.timed_out) r.compiler_output = "the compiler timed out";
  if (r.compiled) {
    const ProcessResult run = run_process({exe}, options.run_timeout_ms);
    r.stdout_text = run.out;
    r.ran_ok = run.ok();
    if (run.timed_out) {
      r.run_problem = "timed out after " + std::to_string(options.run_timeout_ms) + " ms";
    } else if (run.signal != 0) {
      r.run_problem = "killed by signal " + std::to_string(run.signal);
    } else if (run.exit_code != 0) {
      r.run_problem = "exit status " + std::to_string(run.exit_code);
    }
    if (!r.ran_ok && !run.err.empty()) r.run_problem += "; stderr:" + first_lines(run.err, 4);
  }
  if (!cache_file.empty() && !cc.timed_out) {
    std::error_code ec;
    fs::create_directories(cache_file.parent_path(), ec);
    const json j = {{"compiled", r.compiled},
                    {"compiler_output", r.compiler_output},
                    {"ran_ok", r.ran_ok},
                    {"run_problem", r.run_problem},
                    {"stdout", r.stdout_text}};
    const std::string tmp = cache_file.string() + ".tmp";
    {
      std::ofstream out(tmp, std::ios::binary);
      out << j.dump();
    }
    fs::rename(tmp, cache_file, ec);
  }
  return r;
}

bool LintReport::failed(bool strict) const {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [&](const Diagnostic& d) { return d.severity == Severity::kError || strict; });
}

namespace {

void lint_generated(const Quiz& quiz, const Question& q, LintReport& report) {
  auto err = [&](const std::string& key, const std::string& msg) {
    report.diagnostics.push_back({Severity::kError, quiz.path, q.where(key), key, msg});
  };
  const GeneratorSpec& spec = *q.generator;
  const Generator* g = find_generator(spec.name);
  if (g == nullptr) {
    std::string names;
    for (const auto& known : all_generators())
      names += (names.empty() ? "" : ", ") + std::string(known.name);
    err("wslab.generator", "unknown generator '" + spec.name + "' (known: " + names + ")");
    return;
  }
  if (q.type != QuestionType::kShortAnswer) {
    err("wslab.generator", "generated questions must be ShortAnswer questions");
    return;
  }
  bool complete = true;
  for (auto name : g->params) {
    auto it = spec.params.find(std::string(name));
    if (it == spec.params.end()) {
      err("wslab.params", "missing '" + std::string(name) + "' (the example's value)");
      complete = false;
    } else if (q.prompt.find(it->second) == std::string::npos) {
      err("wslab.params." + std::string(name),
          "the example value does not appear in prompt.prompt, so students would all see the "
          "example instead of their own value");
      complete = false;
    }
  }
  for (const auto& [name, value] : spec.params) {
    if (std::find(g->params.begin(), g->params.end(), name) == g->params.end()) {
      err("wslab.params." + name, "not a parameter of generator '" + spec.name + "'");
    }
  }
  if (!complete) return;
  auto solved = g->solve(spec.params);
  if (!solved) {
    err("wslab.params", "core cannot answer the example: " + solved.error());
    return;
  }
  if (!short_answer_correct(q.answer, solved->answer, solved->alternatives)) {
    err("answer.answer",
        "'" + q.answer + "' is wrong for the example; core computes '" + solved->answer + "'");
  }
  // A few students: generation works and really changes the prompt.
  for (const char* student : {"lint-student-1", "lint-student-2", "lint-student-3"}) {
    auto inst = instantiate(q, student);
    if (!inst) {
      err("wslab.generator", std::string("generating for a student failed: ") + inst.error());
      return;
    }
  }
  ++report.generated_checked;
}

void lint_tracing(const Quiz& quiz, const Question& q, const LintOptions& options,
                  LintReport& report) {
  auto err = [&](const std::string& msg) {
    report.diagnostics.push_back(
        {Severity::kError, quiz.path, q.where("prompt.program"), "prompt.program", msg});
  };
  const TracingRun run = compile_and_run(q.program, options.tracing);
  ++report.tracing_checked;
  if (run.run_problem == "compiler not started") {
    err("cannot run the C++ compiler '" + options.tracing.cxx + "': " + run.compiler_output);
    return;
  }
  if (q.does_compile && !run.compiled) {
    err("answer.doesCompile = true, but " + options.tracing.cxx +
        " rejects the program:" + first_lines(run.compiler_output, 6));
    return;
  }
  if (!q.does_compile) {
    if (run.compiled) err("answer.doesCompile = false, but the program compiles");
    if (!run.compiled && q.line_number &&
        run.compiler_output.find("main.cpp:" + std::to_string(*q.line_number) + ":") ==
            std::string::npos) {
      report.diagnostics.push_back(
          {Severity::kWarning, quiz.path, q.where("answer.lineNumber"), "answer.lineNumber",
           "the compiler reports no error on line " + std::to_string(*q.line_number) + ":" +
               first_lines(run.compiler_output, 4)});
    }
    return;
  }
  if (!run.ran_ok) {
    err("the program does not run to a successful exit (" + run.run_problem + ")");
    return;
  }
  if (trim(run.stdout_text) != trim(q.expected_stdout)) {
    report.diagnostics.push_back(
        {Severity::kError, quiz.path, q.where("answer.stdout"), "answer.stdout",
         "the program prints something else (compared trimmed):\n  expected: " +
             trim(q.expected_stdout) + "\n  actual:   " + trim(run.stdout_text)});
  }
}

}  // namespace

void lint_quiz(const Quiz& quiz, const LintOptions& options, LintReport& report) {
  if (options.min_questions > 0 &&
      static_cast<int>(quiz.questions.size()) < options.min_questions) {
    report.diagnostics.push_back({Severity::kError,
                                  quiz.path,
                                  {1, 1},
                                  "questions",
                                  std::to_string(quiz.questions.size()) + " questions; at least " +
                                      std::to_string(options.min_questions) + " are required"});
  }
  for (const auto& q : quiz.questions) {
    if (trim(q.context).empty()) {
      report.diagnostics.push_back(
          {Severity::kWarning, quiz.path, q.pos, "context",
           "question '" + q.id + "' has no context (the explanation students read)"});
    }
    if (q.type == QuestionType::kMultipleChoice && q.distractors.empty()) {
      report.diagnostics.push_back({Severity::kWarning, quiz.path, q.where("prompt.distractors"),
                                    "prompt.distractors", "no distractors: nothing to choose"});
    }
    if (q.generator) lint_generated(quiz, q, report);
    if (q.type == QuestionType::kTracing && options.run_tracing) {
      lint_tracing(quiz, q, options, report);
    }
  }
}

LintReport lint_files(const std::vector<std::string>& files, const LintOptions& options) {
  LintReport report;
  std::map<std::string, std::pair<std::string, SourcePos>> ids;  // id -> first place
  for (const auto& file : files) {
    ++report.files;
    LoadResult loaded = load_quiz_file(file);
    report.diagnostics.insert(report.diagnostics.end(), loaded.diagnostics.begin(),
                              loaded.diagnostics.end());
    if (!loaded.quiz) continue;
    const Quiz& quiz = *loaded.quiz;
    report.questions += static_cast<int>(quiz.questions.size());
    for (const auto& q : quiz.questions) {
      if (q.id.empty()) continue;
      auto [it, fresh] = ids.emplace(q.id, std::make_pair(file, q.where("id")));
      if (!fresh) {
        report.diagnostics.push_back({Severity::kError, file, q.where("id"), "id",
                                      "duplicate id '" + q.id + "' (first used at " +
                                          it->second.first + ":" +
                                          std::to_string(it->second.second.line) + ")"});
      }
    }
    if (!has_errors(loaded.diagnostics)) lint_quiz(quiz, options, report);
  }
  return report;
}

}  // namespace wslab::quiz
