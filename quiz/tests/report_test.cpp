// Reports: class CSV, Gradescope results.json (notes/formats.md §2), JSON;
// no answer key in any of them; files appear complete or not at all.
#include "wslab/quiz/report.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_util.hpp"

namespace wslab::quiz {
namespace {

namespace fs = std::filesystem;
using testing::fixture;

struct Graded {
  Quiz quiz;
  ClassResult cls;
};

Graded graded_fixture() {
  LoadResult loaded = load_quiz_file(fixture("class-quiz.toml"));
  EXPECT_TRUE(loaded.ok());
  auto cls = grade_files(*loaded.quiz, {fixture("bob.json"), fixture("class-b.csv")});
  EXPECT_TRUE(cls.is_ok());
  return {*loaded.quiz, *cls};
}

TEST(QuizReport, GradescopeResultsHaveOneTestPerQuestion) {
  const Graded g = graded_fixture();
  const auto j = nlohmann::json::parse(gradescope_json(g.quiz, g.cls.students.front()));
  EXPECT_EQ(j["score"], 1);  // bob
  ASSERT_EQ(j["tests"].size(), g.quiz.questions.size());
  const auto& accept = j["tests"][5];
  EXPECT_EQ(accept["name"], "class-quiz: fx-accept");
  EXPECT_EQ(accept["max_score"], 2);
  EXPECT_EQ(accept["score"], 0);
  EXPECT_EQ(accept["status"], "failed");
}

TEST(QuizReport, NoReportContainsTheAnswerKey) {
  const Graded g = graded_fixture();
  // Bob's own accept value, dave's own (he answered it: it may appear as his
  // answer, but not in bob's report), and a short-answer alternative.
  const std::string bob_gs = gradescope_json(g.quiz, g.cls.students.front());
  for (const char* secret : {"zdQ0OMNqV4lAUewBHkoWqoZiRTQ=", "Switching Protocols"}) {
    EXPECT_EQ(bob_gs.find(secret), std::string::npos) << secret;
    EXPECT_EQ(class_csv(g.quiz, g.cls).find(secret), std::string::npos) << secret;
  }
  const std::string all = class_json(g.quiz, g.cls);
  EXPECT_EQ(all.find("zdQ0OMNqV4lAUewBHkoWqoZiRTQ="), std::string::npos);
  EXPECT_EQ(all.find("t7lsmC10XB3oUvx2SuEwKbzdGLU="), std::string::npos);  // carol's key
}

TEST(QuizReport, GradescopeLayoutForOneStudentOrAClass) {
  const Graded g = graded_fixture();
  auto files = render_reports(g.quiz, g.cls, {ReportFormat::kGradescope});
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(files[0].first, "gradescope/bob/results.json");
  ClassResult one = g.cls;
  one.students.resize(1);
  files = render_reports(g.quiz, one, {ReportFormat::kGradescope, ReportFormat::kCsv});
  EXPECT_EQ(files[0].first, "results.json");
  EXPECT_EQ(files[1].first, "grades.csv");
}

TEST(QuizReport, CsvFieldsAreQuotedWhenNeeded) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
}

TEST(QuizReport, AtomicWriteReplacesTheFileAndLeavesNoTemporary) {
  const fs::path dir = fs::temp_directory_path() / "wslab-quiz-report-test";
  fs::remove_all(dir);
  const std::string path = (dir / "sub" / "grades.csv").string();
  ASSERT_TRUE(write_file_atomically(path, "old\n").is_ok());
  ASSERT_TRUE(write_file_atomically(path, "new\n").is_ok());
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "new");
  for (const auto& e : fs::directory_iterator(dir / "sub")) {
    EXPECT_EQ(e.path().filename(), "grades.csv");
  }
  fs::remove_all(dir);
}

TEST(QuizReport, WriteIntoAnUnusableDirectoryFailsWithAMessage) {
  const fs::path file = fs::temp_directory_path() / "wslab-quiz-not-a-dir";
  std::ofstream(file) << "x";
  const Status st = write_file_atomically((file / "grades.csv").string(), "data");
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("wslab-quiz-not-a-dir"), std::string::npos) << st.message();
  fs::remove(file);
}

}  // namespace
}  // namespace wslab::quiz
