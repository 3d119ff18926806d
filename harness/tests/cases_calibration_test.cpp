// Calibration: the whole catalog against the two reference servers.
//  1. `wslab serve` (core + net): every case PASS (INFO for informational ones).
//  2. `wslab refpeer serve` (libwebsockets 4.1.6): the same, except the cases
//     in harness/calibration/lws-allowlist.json, which must get one of the
//     verdicts listed there (where lws bends RFC 6455).
// Also: the allow-list names real cases, and docs/lws-allowlist.md is its
// rendering (regenerate with WSLAB_UPDATE_DOCS=1).
// The servers are spawned from the build tree's bin/wslab (or $WSLAB_BIN);
// when it is not built the calibration tests are skipped with a message.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "wslab/harness/case.hpp"
#include "wslab/harness/runner.hpp"
#include "wslab/harness/server_process.hpp"

namespace wslab::harness {
namespace {

namespace fs = std::filesystem;

std::string source(const std::string& rel) {
  return std::string(WSLAB_SOURCE_DIR) + "/" + rel;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

nlohmann::json allowlist() {
  return nlohmann::json::parse(read_file(source("harness/calibration/lws-allowlist.json")));
}

// '*' any run, '?' one character.
bool glob(std::string_view p, std::string_view s) {
  if (p.empty()) return s.empty();
  if (p[0] == '*') return glob(p.substr(1), s) || (!s.empty() && glob(p, s.substr(1)));
  return !s.empty() && (p[0] == '?' || p[0] == s[0]) && glob(p.substr(1), s.substr(1));
}

std::string wslab_binary() {
  if (const char* e = std::getenv("WSLAB_BIN")) return e;
  // <build>/harness/tests/wslab_harness_tests -> <build>/bin/wslab
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  return (exe.parent_path().parent_path().parent_path() / "bin" / "wslab").string();
}

bool informational(const CaseInfo& i) {
  return std::find(i.tags.begin(), i.tags.end(), "informational") != i.tags.end();
}

std::vector<std::string> allowed_verdicts(const CaseInfo& info, const nlohmann::json* list) {
  if (list != nullptr) {
    for (const auto& e : (*list)["entries"]) {
      for (const auto& pattern : e["cases"]) {
        if (glob(pattern.get<std::string>(), info.id)) {
          return e["verdicts"].get<std::vector<std::string>>();
        }
      }
    }
  }
  return {informational(info) ? "INFO" : "PASS"};
}

// Runs every case against the server started by argv; returns the mismatches.
std::string calibrate(const std::vector<std::string>& argv, const nlohmann::json* list) {
  ServerSpec spec;
  spec.argv = argv;
  auto server = ServerProcess::start(spec);
  if (!server) return "SKIP: could not start " + argv[0] + ": " + server.error();
  std::vector<const Case*> cases;
  // The echo server's cases; rooms and heartbeat cases are calibrated in
  // rooms_cases_test.cpp and heartbeat_cases_test.cpp against their own servers.
  for (const auto& c : catalog().cases()) {
    if (c.info.needs == TargetKind::kEcho) cases.push_back(&c);
  }
  RunOptions options;
  options.server = server->get();
  options.jobs = 2;
  options.timeout_scale = 1.5;  // ctest may run other tests alongside
  options.seed = 6455;
  RunReport report = run_cases(cases, options);
  (*server)->stop();
  std::string problems;
  int checked = 0;
  for (const auto& o : report.outcomes) {
    ++checked;
    auto want = allowed_verdicts(o.info, list);
    std::string got(verdict_name(o.result.verdict));
    if (std::find(want.begin(), want.end(), got) != want.end()) continue;
    std::string w;
    for (const auto& v : want) w += (w.empty() ? "" : " or ") + v;
    problems += "\n  " + o.info.id + ": " + got + " (calibrated: " + w +
                ")\n    expected: " + o.result.expected + "\n    observed: " + o.result.observed +
                (o.result.detail.empty() ? "" : "\n    detail:   " + o.result.detail);
  }
  if (!report.preflight_error.empty()) problems += "\n  preflight: " + report.preflight_error;
  for (const auto& e : report.server_events)
    problems += "\n  server event: " + e.what + " (" + e.case_id + ")";
  if (checked != static_cast<int>(cases.size())) problems += "\n  not every case ran";
  return problems;
}

TEST(HarnessCalibration, EveryCasePassesAgainstWslabServe) {
  std::string bin = wslab_binary();
  if (bin.empty() || !fs::exists(bin)) GTEST_SKIP() << "wslab binary not built (" << bin << ")";
  std::string problems = calibrate({bin, "serve", "--port", "0"}, nullptr);
  if (problems.rfind("SKIP:", 0) == 0) GTEST_SKIP() << problems;
  EXPECT_TRUE(problems.empty()) << "wslab serve does not pass the whole catalog "
                                   "(a core/net bug, see /work/coord/core-bugs.md):"
                                << problems;
}

// The Origin case grades only when told the server has an allow-list (§4.2.2, §10.2).
Verdict origin_case_against(const std::vector<std::string>& argv, const std::string& allowed) {
  ServerSpec spec;
  spec.argv = argv;
  auto server = ServerProcess::start(spec);
  if (!server) return Verdict::kError;
  RunOptions options;
  options.server = server->get();
  options.allowed_origin = allowed;
  const Case* c = catalog().find("handshake.origin.foreign");
  if (c == nullptr) return Verdict::kError;
  RunReport report = run_cases({c}, options);
  (*server)->stop();
  return report.outcomes.empty() ? Verdict::kError : report.outcomes.front().result.verdict;
}

TEST(HarnessCalibration, ForeignOriginMustBeRefusedWhenTheServerHasAnAllowList) {
  std::string bin = wslab_binary();
  if (bin.empty() || !fs::exists(bin)) GTEST_SKIP() << "wslab binary not built (" << bin << ")";
  const std::string ok = "http://class.example";
  // Started with an allow-list: evil.example gets 403, the case passes.
  EXPECT_EQ(origin_case_against({bin, "serve", "--port", "0", "--origin", ok}, ok), Verdict::kPass);
  // Claimed allow-list, but the server accepts every origin: FAIL, not INFO.
  EXPECT_EQ(origin_case_against({bin, "serve", "--port", "0"}, ok), Verdict::kFail);
  // Nothing claimed: the harness cannot know, INFO.
  EXPECT_EQ(origin_case_against({bin, "serve", "--port", "0"}, ""), Verdict::kInfo);
}

TEST(HarnessCalibration, ReferenceServerBendsOnlyWhereAllowlisted) {
  std::string bin = wslab_binary();
  if (bin.empty() || !fs::exists(bin)) GTEST_SKIP() << "wslab binary not built (" << bin << ")";
  nlohmann::json list = allowlist();
  std::string problems =
      calibrate({bin, "refpeer", "serve", "--port", "0", "--fd-limit", "4096"}, &list);
  if (problems.rfind("SKIP:", 0) == 0) GTEST_SKIP() << problems;
  EXPECT_TRUE(problems.empty())
      << "the libwebsockets reference server differs from harness/calibration/lws-allowlist.json:"
      << problems;
}

// --- the allow-list itself ---

TEST(HarnessCases, AllowlistEntriesNameExistingCasesAndVerdicts) {
  nlohmann::json list = allowlist();
  const std::vector<std::string> verdicts = {"PASS", "NON-STRICT", "INFO",
                                             "FAIL", "TIMEOUT",    "ERROR"};
  ASSERT_TRUE(list.contains("entries"));
  for (const auto& e : list["entries"]) {
    for (const char* field : {"rfc_section", "rule", "why", "instead"}) {
      EXPECT_TRUE(e.contains(field) && !e[field].get<std::string>().empty()) << e.dump();
    }
    for (const auto& v : e["verdicts"]) {
      EXPECT_NE(std::find(verdicts.begin(), verdicts.end(), v.get<std::string>()), verdicts.end())
          << v;
    }
    for (const auto& pattern : e["cases"]) {
      bool found = false;
      for (const auto& c : catalog().cases())
        found = found || glob(pattern.get<std::string>(), c.info.id);
      EXPECT_TRUE(found) << "allow-list entry matches no case: " << pattern;
    }
  }
}

std::string render_allowlist(const nlohmann::json& list) {
  std::string s =
      "# Where libwebsockets bends RFC 6455: the calibration allow-list\n\n"
      "<!-- Generated from harness/calibration/lws-allowlist.json by the test\n"
      "     HarnessCases.AllowlistDocIsRendered (WSLAB_UPDATE_DOCS=1). Do not edit by hand. "
      "-->\n\n";
  s += "Reference peer: " + list["peer"].get<std::string>() + ".\n\n";
  s += list["about"].get<std::string>() + "\n\n";
  s += "| Cases | RFC 6455 | Rule bent | What libwebsockets does | Calibrated verdict |\n";
  s += "|---|---|---|---|---|\n";
  auto cell = [](std::string v) {
    std::string out;
    for (char c : v) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
  };
  for (const auto& e : list["entries"]) {
    std::string ids;
    for (const auto& c : e["cases"])
      ids += (ids.empty() ? "" : "<br>") + ("`" + c.get<std::string>() + "`");
    s += "| " + ids + " | §" + e["rfc_section"].get<std::string>() + " | " +
         cell(e["rule"].get<std::string>()) + " | " + cell(e["why"].get<std::string>()) + " | " +
         cell(e["instead"].get<std::string>()) + " |\n";
  }
  return s;
}

TEST(HarnessCases, AllowlistDocIsRendered) {
  std::string want = render_allowlist(allowlist());
  std::string path = source("docs/lws-allowlist.md");
  if (const char* u = std::getenv("WSLAB_UPDATE_DOCS"); u != nullptr && std::string(u) == "1") {
    std::ofstream(path, std::ios::binary) << want;
  }
  EXPECT_TRUE(read_file(path) == want)
      << "docs/lws-allowlist.md is stale. Regenerate it with:\n"
         "  WSLAB_UPDATE_DOCS=1 <build>/harness/tests/wslab_harness_tests "
         "--gtest_filter=HarnessCases.AllowlistDocIsRendered";
}

}  // namespace
}  // namespace wslab::harness
