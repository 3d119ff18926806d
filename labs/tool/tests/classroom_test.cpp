// wslab classroom export: no solution code in the student repository, and the
// repository builds on its own and `wslab check 1` fails cleanly in it.
#include "wslab/labs/classroom.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "wslab/labs/check.hpp"
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

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The fingerprints of lab 6's reference (rooms/src/redis: the RedisRegistry the student
// writes in labs/starter/src/scaleout): the solution lines found in those files.
std::vector<std::string> lab6_reference_prints() {
  const auto prints = solution_fingerprints(WSLAB_SOURCE_DIR);
  const std::set<std::string> all(prints.begin(), prints.end());
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(fs::path(WSLAB_SOURCE_DIR) / "rooms/src/redis")) {
    std::istringstream in(read(e.path()));
    std::string line;
    while (std::getline(in, line)) {
      const auto b = line.find_first_not_of(" \t");
      if (b == std::string::npos) continue;
      std::string t = line.substr(b, line.find_last_not_of(" \t\r") - b + 1);
      if (all.count(t) != 0) out.insert(t);
    }
  }
  return {out.begin(), out.end()};
}

// Lab 6's reference registry is solution code like core/src: its lines are fingerprints, and
// a copy of it in a student repository is found.
TEST(LabsClassroom, FingerprintsCatchTheLab6ReferenceRegistry) {
  const auto prints = lab6_reference_prints();
  ASSERT_GT(prints.size(), 100u) << "too few distinctive lines in rooms/src/redis";
  const fs::path dir = fs::path(WSLAB_BUILD_DIR) / "labs-fingerprint-probe-lab6";
  fs::remove_all(dir);
  fs::create_directories(dir / "labs" / "starter" / "src" / "scaleout");
  fs::copy_file(fs::path(WSLAB_SOURCE_DIR) / "rooms/src/redis/redis_registry.cpp",
                dir / "labs" / "starter" / "src" / "scaleout" / "redis_registry.cpp");
  EXPECT_GT(find_leaks(dir, solution_fingerprints(WSLAB_SOURCE_DIR)).size(), 20u);
  fs::remove_all(dir);
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
        "labs/01-handshake/tests", "net/src", "lessons/02-handshake.md",
        // lab 6: the handout, its tests and checker, the student's registry, and the provided
        // Redis link and app that labs/common/scaleout.cmake compiles against the starter
        "labs/06-scale-out/README.md", "labs/06-scale-out/tests",
        "labs/06-scale-out/check-cluster.sh", "labs/starter/src/scaleout/redis_registry.cpp",
        "labs/common/scaleout.cmake", "rooms/scaleout/include/wslab/rooms/redis_link.hpp",
        "rooms/scaleout/include/wslab/rooms/redis_rooms_app.hpp", "rooms/scaleout/src",
        "lessons/07-scale-out.md"}) {
    EXPECT_TRUE(fs::exists(out / p)) << p;
  }
  for (const char* p : {"core", "harness", "labs/tool", "refpeer"}) {
    EXPECT_FALSE(fs::exists(out / p)) << p << " must not be in a student repository";
  }
  // Of rooms/ only the provided scaleout/: not the reference (src/, lab 5's and lab 6's).
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(out / "rooms", ec)) {
    EXPECT_EQ(e.path().filename(), "scaleout")
        << e.path() << " must not be in a student repository";
  }
  // Independently of the exporter's own check: grep the export for the solution ...
  const auto leaks = find_leaks(out, solution_fingerprints(WSLAB_SOURCE_DIR));
  std::string all;
  for (const auto& l : leaks) all += l + "\n";
  EXPECT_TRUE(leaks.empty()) << all;
  // ... and for lab 6's reference registry in particular.
  EXPECT_TRUE(find_leaks(out, lab6_reference_prints()).empty());
  // The README and the workflow name what lab 6 needs, and the workflow checks every lab.
  const std::string readme = read(out / "README.md");
  EXPECT_NE(readme.find("| lab 6 (rooms across instances through Redis) | `libhiredis-dev "
                        "redis-server` |"),
            std::string::npos)
      << readme;
  EXPECT_NE(readme.find("`rooms/scaleout/`"), std::string::npos) << readme;
  const std::string workflow = read(out / ".github/workflows/classroom.yml");
  for (const char* p : {" libhiredis-dev", " redis-server", " nlohmann-json3-dev", " libgtest-dev",
                        " libwebsockets-dev", " libtomlplusplus-dev"}) {
    EXPECT_NE(workflow.find(std::string(p)), std::string::npos) << p << "\n" << workflow;
  }
  EXPECT_NE(workflow.find("wslab check 6 "), std::string::npos) << workflow;
  fs::remove_all(out);
}

// The export's own top-level CMakeLists.txt configures with and without hiredis (lab 6 is left
// out, and says why); with it, lab 6's tests and the student server's --redis are there.
TEST(LabsClassroom, SlowExportConfiguresWithAndWithoutHiredis) {
  const std::string cmake = find_on_path("cmake");
  if (cmake.empty()) GTEST_SKIP() << "cmake is not on PATH";
  const fs::path out = fs::path(WSLAB_BUILD_DIR) / "labs-export-configure";
  ExportOptions o;
  o.source_dir = WSLAB_SOURCE_DIR;
  o.out_dir = out.string();
  o.with_binary = false;
  o.force = true;
  const auto r = export_classroom(o);
  ASSERT_TRUE(r.is_ok()) << r.error();
  ProcessOptions po;
  po.timeout = 300s;
  // No hiredis: pkg-config looks in an empty directory (FindOpenSSL needs pkg-config itself).
  fs::create_directories(out / "no-pkgconfig");
  const auto without = run_process(
      {"/usr/bin/env", "PKG_CONFIG_LIBDIR=" + (out / "no-pkgconfig").string(),
       "PKG_CONFIG_PATH=", cmake, "-S", out.string(), "-B", (out / "build-without").string()},
      po);
  ASSERT_TRUE(without.ok()) << without.describe() << "\n" << without.output;
  EXPECT_NE(without.output.find("lab 6 needs libhiredis-dev"), std::string::npos) << without.output;
  EXPECT_NE(without.output.find("lab 6 tests need libhiredis-dev and redis-server; not built"),
            std::string::npos)
      << without.output;
  const auto targets = build_targets((out / "build-without").string(), 120s);
  ASSERT_TRUE(targets.has_value());
  EXPECT_EQ(targets->count("wslab_lab6_tests"), 0u);
  EXPECT_EQ(targets->count("wslab_lab5_tests"), 1u);
  EXPECT_EQ(targets->count("wslab-student-server"), 1u);
  if (!WSLAB_TEST_STUDENT_SERVER_REDIS || find_on_path("redis-server").empty()) {
    fs::remove_all(out);
    GTEST_SKIP() << "no hiredis or redis-server here: only the configure without them was checked";
  }
  const auto with =
      run_process({cmake, "-S", out.string(), "-B", (out / "build-with").string()}, po);
  ASSERT_TRUE(with.ok()) << with.describe() << "\n" << with.output;
  EXPECT_EQ(with.output.find("lab 6 needs libhiredis-dev"), std::string::npos) << with.output;
  const auto with_targets = build_targets((out / "build-with").string(), 120s);
  ASSERT_TRUE(with_targets.has_value());
  EXPECT_EQ(with_targets->count("wslab_lab_scaleout"), 1u);
  EXPECT_EQ(with_targets->count("wslab_lab6_tests"),
            fs::exists(fs::path(WSLAB_SOURCE_DIR) / "labs/06-scale-out/tests") ? 1u : 0u);
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
