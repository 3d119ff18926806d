// wslab classroom export: no solution code in the student repository, and the
// repository builds on its own and `wslab check 1` fails cleanly in it.
#include "wslab/labs/classroom.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "wslab/labs/process.hpp"

namespace wslab::labs {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The fingerprint check can fail: a copied solution line is found.
TEST(LabsClassroom, FingerprintsCatchACopiedSolutionLine) {
  const auto prints = solution_fingerprints(WSLAB_SOURCE_DIR);
  ASSERT_GT(prints.size(), 300u) << "too few distinctive lines in core/src and rooms/src";
  const fs::path dir = fs::path(WSLAB_BUILD_DIR) / "labs-fingerprint-probe";
  fs::remove_all(dir);
  fs::create_directories(dir / "labs" / "starter" / "src");
  {
    std::ofstream f(dir / "labs" / "starter" / "src" / "frame.cpp");
    f << "// a student who copied from core/src\n  " << prints[prints.size() / 2] << "\n";
  }
  EXPECT_EQ(find_leaks(dir, prints).size(), 1u);
  fs::remove_all(dir);
}

// The starter itself holds no solution line (the export's promise, checked on the source).
TEST(LabsClassroom, StarterHoldsNoSolutionLines) {
  const auto prints = solution_fingerprints(WSLAB_SOURCE_DIR);
  const auto leaks = find_leaks(fs::path(WSLAB_SOURCE_DIR) / "labs" / "starter", prints);
  std::string all;
  for (const auto& l : leaks) all += l + "\n";
  EXPECT_TRUE(leaks.empty()) << all;
}

TEST(LabsClassroom, ExportHasStarterHandoutsTestsAndNoSolution) {
  const fs::path out = fs::path(WSLAB_BUILD_DIR) / "labs-export-probe";
  ExportOptions o;
  o.source_dir = WSLAB_SOURCE_DIR;
  o.out_dir = out.string();
  o.with_binary = false;
  o.force = true;
  const auto r = export_classroom(o);
  ASSERT_TRUE(r.is_ok()) << r.error();
  for (const char* p :
       {"CMakeLists.txt", "README.md", "labs/starter/src/frame.cpp", "labs/01-handshake/README.md",
        "labs/01-handshake/tests", "net/src", "lessons/02-handshake.md"}) {
    EXPECT_TRUE(fs::exists(out / p)) << p;
  }
  for (const char* p : {"core", "harness", "rooms", "labs/tool", "refpeer"}) {
    EXPECT_FALSE(fs::exists(out / p)) << p << " must not be in a student repository";
  }
  // Independently of the exporter's own check: grep the export for the solution.
  EXPECT_TRUE(find_leaks(out, solution_fingerprints(WSLAB_SOURCE_DIR)).empty());
  fs::remove_all(out);
}

TEST(LabsClassroom, SlowExportBuildsOnItsOwnAndCheck1FailsCleanly) {
  if (!fs::exists(WSLAB_BIN)) GTEST_SKIP() << "the wslab binary is not built: " << WSLAB_BIN;
  const fs::path out = fs::path(WSLAB_BUILD_DIR) / "labs-export-check";
  ProcessOptions po;
  po.timeout = 120s;
  const auto exported = run_process(
      {WSLAB_BIN, "classroom", "export", out.string(), "--force", "--source", WSLAB_SOURCE_DIR},
      po);
  ASSERT_TRUE(exported.ok()) << exported.describe() << "\n" << exported.output;
  ASSERT_TRUE(fs::exists(out / "tools" / "bin" / "wslab"));
  po.timeout = 1700s;
  po.cwd = out.string();
  const auto check = run_process(
      {(out / "tools" / "bin" / "wslab").string(), "check", "1", "--no-color", "--jobs", "2"}, po);
  const std::string tail =
      check.output.substr(check.output.size() > 5000 ? check.output.size() - 5000 : 0);
  EXPECT_FALSE(check.timed_out) << tail;
  EXPECT_EQ(check.signal, 0) << check.describe() << "\n" << tail;
  EXPECT_EQ(check.exit_code, 1) << "the untouched starter must fail check 1\n" << tail;
  EXPECT_NE(check.output.find("built ("), std::string::npos) << "the export did not build:\n"
                                                             << tail;
  EXPECT_NE(check.output.find("not implemented: "), std::string::npos) << tail;
  EXPECT_NE(check.output.find("check 1: FAIL"), std::string::npos) << tail;
  EXPECT_EQ(check.output.find("crashed"), std::string::npos) << tail;
}

}  // namespace
}  // namespace wslab::labs
