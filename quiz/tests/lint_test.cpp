// Lint: what mdbook-quiz-validate checks, with C++ tracing programs compiled
// and run, and wslab's generated questions checked against core.
#include "wslab/quiz/lint.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_util.hpp"

namespace wslab::quiz {
namespace {

namespace fs = std::filesystem;
using testing::must_load;

std::string lint_text(const std::string& toml, LintOptions opt = {}) {
  const Quiz quiz = must_load(toml, "quizzes/l.toml");
  LintReport report;
  lint_quiz(quiz, opt, report);
  std::string all;
  for (const auto& d : report.diagnostics) all += format(d) + "\n";
  return all;
}

std::string write_temp(const std::string& name, const std::string& text) {
  const fs::path p = fs::temp_directory_path() / ("wslab-lint-" + name);
  std::ofstream(p) << text;
  return p.string();
}

// mdbook-quiz-validate: "Duplicate ID" across the whole book.
TEST(QuizLint, DuplicateIdsAcrossFilesAreErrors) {
  const std::string q =
      "[[questions]]\nid = \"same\"\ntype = \"ShortAnswer\"\n"
      "prompt.prompt = \"?\"\nanswer.answer = \"x\"\ncontext = \"c\"\n";
  const std::string a = write_temp("a.toml", q);
  const std::string b = write_temp("b.toml", q);
  const LintReport r = lint_files({a, b}, {});
  ASSERT_TRUE(r.failed(false));
  EXPECT_NE(format(r.diagnostics.back())
                .find("wslab-lint-b.toml:2:1: error: id: duplicate id "
                      "'same' (first used at "),
            std::string::npos)
      << format(r.diagnostics.back());
  fs::remove(a);
  fs::remove(b);
}

// The C++ port of mdbook-quiz's tracing validation: compile, run, compare
// doesCompile and the trimmed stdout.
TEST(QuizLint, TracingProgramsAreCompiledAndRun) {
  const std::string e = lint_text(R"([[questions]]
id = "t-wrong-output"
type = "Tracing"
prompt.program = """
#include <cstdio>
int main() { std::printf("%d\\n", 0x8A & 0x0F); }
"""
answer.doesCompile = true
answer.stdout = "9"
context = "c"

[[questions]]
id = "t-compiles-after-all"
type = "Tracing"
prompt.program = "int main() { return 0; }"
answer.doesCompile = false
context = "c"
)");
  EXPECT_NE(e.find("answer.stdout: the program prints something else"), std::string::npos) << e;
  EXPECT_NE(e.find("actual:   10"), std::string::npos) << e;
  EXPECT_NE(e.find("answer.doesCompile = false, but the program compiles"), std::string::npos) << e;
}

TEST(QuizLint, GeneratedAnswerMustBeWhatCoreComputes) {
  const std::string e = lint_text(R"([[questions]]
id = "g"
type = "ShortAnswer"
prompt.prompt = "Key `dGhlIHNhbXBsZSBub25jZQ==`?"
answer.answer = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo"
context = "c"
wslab.generator = "accept-key"
wslab.params.key = "dGhlIHNhbXBsZSBub25jZQ=="
)");
  EXPECT_NE(e.find("core computes 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='"), std::string::npos) << e;
}

TEST(QuizLint, GeneratedExampleMustAppearInThePrompt) {
  const std::string e = lint_text(R"([[questions]]
id = "g"
type = "ShortAnswer"
prompt.prompt = "Compute the accept value of the key."
answer.answer = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
context = "c"
wslab.generator = "accept-key"
wslab.params.key = "dGhlIHNhbXBsZSBub25jZQ=="
)");
  EXPECT_NE(e.find("wslab.params.key: the example value does not appear in prompt.prompt"),
            std::string::npos)
      << e;
}

TEST(QuizLint, UnknownGeneratorIsAnError) {
  const std::string e = lint_text(R"([[questions]]
id = "g"
type = "ShortAnswer"
prompt.prompt = "x"
answer.answer = "x"
context = "c"
wslab.generator = "nope"
wslab.params.x = "x"
)");
  EXPECT_NE(e.find("unknown generator 'nope' (known: accept-key"), std::string::npos) << e;
}

TEST(QuizLint, QuestionsWithoutContextFailOnlyWhenStrict) {
  const Quiz quiz = must_load(
      "[[questions]]\nid = \"q\"\ntype = \"ShortAnswer\"\nprompt.prompt = \"?\"\n"
      "answer.answer = \"x\"\n");
  LintReport r;
  lint_quiz(quiz, {}, r);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].severity, Severity::kWarning);
  EXPECT_FALSE(r.failed(false));
  EXPECT_TRUE(r.failed(true));
}

TEST(QuizLint, MinimumNumberOfQuestions) {
  LintOptions opt;
  opt.min_questions = 10;
  const std::string e = lint_text(
      "[[questions]]\nid = \"q\"\ntype = \"ShortAnswer\"\nprompt.prompt = \"?\"\n"
      "answer.answer = \"x\"\ncontext = \"c\"\n",
      opt);
  EXPECT_NE(e.find("1 questions; at least 10 are required"), std::string::npos) << e;
}

}  // namespace
}  // namespace wslab::quiz
