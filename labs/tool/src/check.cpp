// wslab check N: build, unit tests of labs 1..N, the student server against
// the conformance cases of labs 1..N, and a score per lab.
#include "wslab/labs/check.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "wslab/harness/case.hpp"
#include "wslab/harness/report.hpp"
#include "wslab/harness/runner.hpp"
#include "wslab/harness/selection.hpp"
#include "wslab/harness/server_process.hpp"
#include "wslab/labs/deferral.hpp"
#include "wslab/labs/lab_info.hpp"
#include "wslab/labs/process.hpp"

namespace wslab::labs {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// ---- output ------------------------------------------------------------------

struct Out {
  bool color = false;
  [[nodiscard]] std::string paint(const char* code, const std::string& s) const {
    return color ? std::string("\033[") + code + "m" + s + "\033[0m" : s;
  }
  [[nodiscard]] std::string bold(const std::string& s) const { return paint("1", s); }
  [[nodiscard]] std::string red(const std::string& s) const { return paint("1;31", s); }
  [[nodiscard]] std::string green(const std::string& s) const { return paint("1;32", s); }
  [[nodiscard]] std::string yellow(const std::string& s) const { return paint("1;33", s); }
  void section(const std::string& title) const {
    std::printf("\n%s\n", bold("== " + title + " ==").c_str());
    std::fflush(stdout);
  }
};

std::string indent(const std::string& text, const std::string& pad, std::size_t max_lines = 40) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    if (++n > max_lines) {
      out += pad + "...\n";
      break;
    }
    out += pad + line + "\n";
  }
  return out;
}

std::string last_lines(const std::string& text, std::size_t n) {
  std::size_t pos = text.size();
  for (std::size_t i = 0; i <= n && pos > 0; ++i) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) return text;
  }
  return text.substr(pos + 1);
}

std::string seconds_since(std::chrono::steady_clock::time_point t0) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  char b[32];
  std::snprintf(b, sizeof b, "%.1f s", static_cast<double>(ms) / 1000.0);
  return b;
}

std::chrono::milliseconds scaled(std::chrono::milliseconds t, double scale) {
  return std::chrono::milliseconds(static_cast<long long>(static_cast<double>(t.count()) * scale));
}

// ---- build ---------------------------------------------------------------------

std::string cached_impl(const fs::path& build) {
  std::ifstream in(build / "CMakeCache.txt");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("WSLAB_LAB_IMPL:", 0) == 0) return line.substr(line.find('=') + 1);
  }
  return {};
}

// "sudo apt-get install libhiredis-dev redis-server" for a lab that needs packages, or "".
std::string install_hint(const LabInfo& l) {
  if (l.packages.empty()) return {};
  return "lab " + std::to_string(l.number) + " needs " + std::string(l.packages) +
         " (sudo apt-get install " + std::string(l.packages) + ")";
}

// Builds the student server and the test binaries of labs 1..lab. A lab whose tests the
// build directory has no target for (CMake leaves lab 6's out without hiredis or
// redis-server) is left out of the build and named in `missing`, with the reason.
bool build(const CheckOptions& o, const fs::path& source, const fs::path& build_dir, int lab,
           const Out& out, std::map<int, std::string>& missing) {
  out.section("build (" + o.impl + ")");
  const std::string cmake = find_on_path("cmake");
  if (cmake.empty()) {
    std::printf("%s cmake is not on PATH; install it (it builds your code).\n",
                out.red("error:").c_str());
    return false;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const bool fresh = !fs::exists(build_dir / "CMakeCache.txt");
  auto configure = [&](const std::string& why) {
    std::vector<std::string> cmd = {
        cmake, "-S", source.string(), "-B", build_dir.string(), "-DWSLAB_LAB_IMPL=" + o.impl};
    if (fresh) {
      cmd.push_back("-DCMAKE_BUILD_TYPE=Debug");
      if (!find_on_path("ninja").empty()) {
        cmd.push_back("-G");
        cmd.push_back("Ninja");
      }
    }
    std::printf("configuring %s%s ...\n", build_dir.string().c_str(), why.c_str());
    std::fflush(stdout);
    ProcessOptions po;
    po.timeout = scaled(300s, o.timeout_scale);
    const ProcessResult r = run_process(cmd, po);
    if (!r.ok()) {
      std::printf("%s configuring failed (%s):\n%s", out.red("error:").c_str(),
                  r.describe().c_str(), indent(last_lines(r.output, 40), "  ", 60).c_str());
      return false;
    }
    return true;
  };
  bool configured = false;
  if (fresh || cached_impl(build_dir) != o.impl) {
    if (!configure("")) return false;
    configured = true;
  }
  std::vector<const LabInfo*> wanted;
  for (const auto& l : all_labs()) {
    if (l.number <= lab && fs::exists(source / "labs" / std::string(l.topic) / "tests")) {
      wanted.push_back(&l);
    }
  }
  auto targets = build_targets(build_dir.string(), scaled(120s, o.timeout_scale));
  auto lacking = [&]() -> const LabInfo* {
    if (!targets) return nullptr;  // the generator could not tell: build them all
    for (const LabInfo* l : wanted) {
      if (targets->count(l->test_target()) == 0) return l;
    }
    return nullptr;
  };
  if (const LabInfo* l = lacking(); l != nullptr && !configured) {
    // CMake decided without it at the last configure; what it needs may be installed since.
    if (!configure(" again (it has no " + l->test_target() + ")")) return false;
    targets = build_targets(build_dir.string(), scaled(120s, o.timeout_scale));
  }
  std::vector<std::string> cmd = {cmake,
                                  "--build",
                                  build_dir.string(),
                                  "-j",
                                  std::to_string(std::max(1, o.jobs)),
                                  "--target",
                                  std::string(kStudentServerTarget)};
  for (const LabInfo* l : wanted) {
    if (!targets || targets->count(l->test_target()) != 0) {
      cmd.push_back(l->test_target());
      continue;
    }
    const std::string hint = install_hint(*l);
    missing[l->number] = "this build has no " + l->test_target() +
                         (hint.empty() ? " (labs/" + std::string(l->topic) +
                                             "/tests has no test source CMake could build)"
                                       : ": " + hint + "; then run wslab check again");
    std::printf("%s %s\n", out.yellow("note:").c_str(), missing[l->number].c_str());
  }
  std::printf(
      "building the lab tests and the student server (the first build takes a few minutes) ...\n");
  std::fflush(stdout);
  ProcessOptions po;
  po.timeout = scaled(1800s, o.timeout_scale);
  const ProcessResult r = run_process(cmd, po);
  if (!r.ok()) {
    // Show the compiler's complaints first: the lines that name an error, then the tail.
    std::string errors;
    std::istringstream in(r.output);
    std::string line;
    int shown = 0;
    while (std::getline(in, line) && shown < 30) {
      if (line.find("error") != std::string::npos ||
          line.find("undefined reference") != std::string::npos) {
        errors += "  " + line + "\n";
        ++shown;
      }
    }
    std::printf(
        "%s the build failed (%s). Your code does not compile yet:\n%s\nlast lines of the "
        "build:\n%s",
        out.red("error:").c_str(), r.describe().c_str(), errors.c_str(),
        indent(last_lines(r.output, 25), "  ", 40).c_str());
    return false;
  }
  std::printf("%s (%s)\n", out.green("built").c_str(), seconds_since(t0).c_str());
  return true;
}

// ---- unit tests ---------------------------------------------------------------------

struct UnitFailure {
  std::string test;
  std::string message;
};

struct UnitResult {
  int total = 0;
  int passed = 0;
  std::vector<std::string> passed_tests;
  std::vector<UnitFailure> failures;
  std::string problem;  // the binary is missing, crashed or hung
};

struct ParsedRun {
  std::vector<std::pair<std::string, bool>> verdicts;  // test -> passed, in the order they ran
  std::map<std::string, std::string> messages;
  std::string unfinished;  // a test that started and never ended (crash or hang)
};

ParsedRun parse_gtest_output(const std::string& output) {
  ParsedRun p;
  std::istringstream in(output);
  std::string line;
  std::string current;
  std::string buffer;
  while (std::getline(in, line)) {
    if (line.rfind("[ RUN      ] ", 0) == 0) {
      current = line.substr(13);
      buffer.clear();
      continue;
    }
    const bool ok = line.rfind("[       OK ] ", 0) == 0;
    const bool failed = line.rfind("[  FAILED  ] ", 0) == 0;
    if ((ok || failed) && !current.empty()) {
      p.verdicts.emplace_back(current, ok);
      if (failed) p.messages[current] = buffer;
      current.clear();
      continue;
    }
    if (!current.empty() && buffer.size() < 8000) buffer += line + "\n";
  }
  p.unfinished = current;
  return p;
}

int count_tests(const fs::path& bin, const CheckOptions& o) {
  ProcessOptions po;
  po.timeout = scaled(30s, o.timeout_scale);
  const ProcessResult r = run_process({bin.string(), "--gtest_list_tests"}, po);
  int n = 0;
  std::istringstream in(r.output);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("  ", 0) == 0 && line.find_first_not_of(' ') != std::string::npos) ++n;
  }
  return n;
}

UnitResult run_unit_tests(const LabInfo& lab, const fs::path& bin, const CheckOptions& o) {
  UnitResult u;
  if (!fs::exists(bin)) {
    const std::string hint = install_hint(lab);
    u.problem = "the test binary " + bin.string() + " is missing (did the build stop?)" +
                (hint.empty() ? "" : "; " + hint);
    return u;
  }
  u.total = count_tests(bin, o);
  // A crash or a hang stops the binary; run it again without the culprit so the
  // other tests still report (at most a few times).
  std::vector<std::string> culprits;
  std::map<std::string, std::string> culprit_why;
  ParsedRun last;
  for (int round = 0; round < 6; ++round) {
    std::vector<std::string> cmd = {bin.string(), "--gtest_color=no"};
    if (!culprits.empty()) {
      std::string filter = "--gtest_filter=-";
      for (std::size_t i = 0; i < culprits.size(); ++i) filter += (i ? ":" : "") + culprits[i];
      cmd.push_back(filter);
    }
    ProcessOptions po;
    po.timeout = scaled(120s, o.timeout_scale);
    const ProcessResult r = run_process(cmd, po);
    last = parse_gtest_output(r.output);
    const bool died = r.timed_out || r.signal != 0;
    if (!died || last.unfinished.empty()) {
      if (died) u.problem = "the test binary " + r.describe() + " outside any test";
      break;
    }
    culprits.push_back(last.unfinished);
    culprit_why[last.unfinished] =
        (r.timed_out ? "this test did not finish within " +
                           std::to_string(scaled(120s, o.timeout_scale).count() / 1000) +
                           " s: an endless loop, or a wait without a timeout?"
                     : "this test crashed: " + r.describe() +
                           " (run it alone under a debugger: gdb --args " + bin.string() +
                           " --gtest_filter=" + last.unfinished + ")") +
        "\n" + [&] {  // what the test printed before it died
          const auto at = r.output.rfind("[ RUN      ] ");
          const auto nl = at == std::string::npos ? std::string::npos : r.output.find('\n', at);
          return nl == std::string::npos ? std::string() : last_lines(r.output.substr(nl + 1), 12);
        }();
  }
  for (const auto& [test, passed] : last.verdicts) {
    if (passed) {
      ++u.passed;
      u.passed_tests.push_back(test);
    } else {
      u.failures.push_back({test, last.messages[test]});
    }
  }
  // A crash or a hang matters most: show those first.
  std::vector<UnitFailure> first;
  for (const auto& c : culprits) first.push_back({c, culprit_why[c]});
  u.failures.insert(u.failures.begin(), first.begin(), first.end());
  if (!culprits.empty() && u.problem.empty()) {
    u.problem = std::to_string(culprits.size()) + (culprits.size() == 1 ? " test" : " tests") +
                " crashed or hung (" + culprits.front() + (culprits.size() > 1 ? ", ..." : "") +
                "); the others were run without them";
  }
  if (u.total == 0) u.total = u.passed + static_cast<int>(u.failures.size());
  return u;
}

void print_unit(const LabInfo& lab, const UnitResult& u, const fs::path& bin, const CheckOptions& o,
                const Out& out) {
  out.section("lab " + std::to_string(lab.number) + " (" + std::string(lab.title) +
              "): unit tests");
  if (!u.problem.empty()) std::printf("%s %s\n", out.red("problem:").c_str(), u.problem.c_str());
  std::printf("%d/%d passed\n", u.passed, u.total);
  const std::size_t limit = o.all_failures ? u.failures.size() : 5;
  for (std::size_t i = 0; i < u.failures.size(); ++i) {
    const auto& f = u.failures[i];
    if (i < limit) {
      std::printf("\n%s %s\n%s", out.red("FAIL").c_str(), out.bold(f.test).c_str(),
                  indent(f.message, "    ", 30).c_str());
    } else if (i == limit) {
      std::printf("\n... and %zu more failing tests (--all shows them):\n",
                  u.failures.size() - limit);
    }
    if (i >= limit && (o.all_failures || i < limit + 25)) std::printf("  %s\n", f.test.c_str());
    if (!o.all_failures && i == limit + 25) std::printf("  ...\n");
  }
  if (!u.failures.empty() || !u.problem.empty()) {
    std::printf("\nread: %s (lesson: %s)\n", lab.handout().c_str(),
                std::string(lab.lesson).c_str());
    if (fs::exists(bin)) {
      std::printf("rerun: %s --gtest_filter='%s'\n", bin.string().c_str(),
                  (u.failures.empty() ? "*" : u.failures.front().test).c_str());
    }
  }
}

// ---- harness --------------------------------------------------------------------------

struct HarnessResult {
  bool ran = false;
  std::string problem;
  harness::RunReport report;
  std::vector<int> later;                 // per outcome: the later lab it waits for, or 0
  std::vector<std::string> server_notes;  // "not implemented: ..." lines from the server's log
  std::vector<std::string> extra_deaths;  // "your rooms server died (signal 11) during ..."
};

// The heartbeat server's settings (lab 4): short, so the heartbeat cases take about a second.
constexpr long long kPingIntervalMs = 300;
constexpr long long kPongTimeoutMs = 600;

// A server next to the echo server, for the cases that need one: the heartbeat server (lab 4),
// the rooms server (lab 5), or, from lab 6 on, a redis-server and the rooms instances that
// share it. Cases whose server did not start are ERROR (the runner says which was missing).
struct ExtraServer {
  std::string what;  // "heartbeat server", "rooms server", "rooms instance 2", "redis-server"
  harness::TargetKind kind = harness::TargetKind::kRooms;  // the cases that need it
  std::vector<std::string> args;  // the student server's arguments after --port 0 ...
  std::string shell_command;      // ... or a command with {port} (not your code: redis-server)
  std::unique_ptr<harness::ServerProcess> process;
  [[nodiscard]] bool yours() const { return shell_command.empty(); }
};

// Lab 6: the rooms cases run on this many instances of the student server, member k of a
// case on instance k mod 3 (as `wslab conform --lab 6 URL1 URL2 URL3`).
constexpr int kLab6Instances = 3;

std::string command_line(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

HarnessResult run_harness(const CheckOptions& o, const fs::path& server_bin, const Out& out) {
  HarnessResult h;
  out.section("conformance cases of labs 1.." + std::to_string(o.lab) + " against your server");
  if (!fs::exists(server_bin)) {
    h.problem = "the student server " + server_bin.string() + " is missing (did the build stop?)";
    std::printf("%s %s\n", out.red("problem:").c_str(), h.problem.c_str());
    return h;
  }
  const harness::ServersDieWithUs die_with_check;  // no server outlives an interrupted check
  harness::ServerSpec spec;
  spec.argv = {server_bin.string(), "--port", "0"};
  spec.start_timeout = scaled(10s, o.timeout_scale);
  auto started = harness::ServerProcess::start(spec);
  if (!started) {
    h.problem = "your server did not start: " + started.error();
    std::printf("%s %s\n", out.red("problem:").c_str(), h.problem.c_str());
    return h;
  }
  std::unique_ptr<harness::ServerProcess> server = std::move(*started);
  harness::Selection sel;
  sel.lab = o.lab;
  const auto cases = harness::select_cases(harness::catalog().cases(), sel);
  std::printf("%zu cases, %d at a time, on ws://%s:%u/ (%s)\n", cases.size(), std::max(1, o.jobs),
              server->host().c_str(), server->port(), server_bin.filename().string().c_str());

  harness::RunOptions ro;
  const std::string server_name = server_bin.filename().string();
  // Starts x and says where it runs; false, with a problem line, when it did not start.
  auto start_extra = [&](ExtraServer& x) {
    harness::ServerSpec xs;
    std::string command = x.shell_command;
    if (x.yours()) {
      xs.argv = {server_bin.string(), "--port", "0"};
      xs.argv.insert(xs.argv.end(), x.args.begin(), x.args.end());
      command = command_line(xs.argv);
    } else {
      xs.shell_command = x.shell_command;
    }
    xs.start_timeout = scaled(10s, o.timeout_scale);
    auto s = harness::ServerProcess::start(xs);
    // The port of a shell command is free when chosen, not necessarily when the server binds
    // it: another try gets another port.
    for (int attempt = 1; !s && !x.yours() && attempt < 3; ++attempt) {
      s = harness::ServerProcess::start(xs);
    }
    if (!s) {
      const std::string who = (x.yours() ? "your " : "the ") + x.what;
      std::printf("%s %s (%s) did not start: %s; its cases are ERROR\n",
                  out.red("problem:").c_str(), who.c_str(), command.c_str(), s.error().c_str());
      if (h.problem.empty()) h.problem = who + " did not start: " + s.error();
      return false;
    }
    x.process = std::move(*s);
    if (!x.yours()) return true;  // the caller says what it is for
    harness::Target t;
    t.host = x.process->host();
    t.port = x.process->port();
    if (x.kind == harness::TargetKind::kRooms) {
      t.path = "/rooms";
      ro.rooms_targets.push_back(t);
    } else {
      ro.heartbeat_target = t;
      ro.heartbeat.ping_interval = Millis{kPingIntervalMs};
      ro.heartbeat.pong_timeout = Millis{kPongTimeoutMs};
    }
    std::printf("%s on %s (%s %s)\n", x.what.c_str(), t.url().c_str(), server_name.c_str(),
                command_line(x.args).c_str());
    return true;
  };
  // Lab 4 grades the heartbeat on a second instance started with a known ping interval and
  // pong timeout; lab 5 the rooms protocol on a third, started with --rooms; lab 6 the rooms
  // protocol (lab 5's cases too) and the scale cases on three instances sharing a throw-away
  // Redis, every case's members spread over them (RunOptions::rooms_targets, as
  // `wslab conform --lab 6 URL1 URL2 URL3`).
  std::vector<ExtraServer> extras;
  extras.reserve(2 + kLab6Instances);  // start_extra holds references into it
  if (o.lab >= 4) {
    start_extra(extras.emplace_back(ExtraServer{"heartbeat server",
                                                harness::TargetKind::kHeartbeat,
                                                {"--ping-interval", std::to_string(kPingIntervalMs),
                                                 "--pong-timeout", std::to_string(kPongTimeoutMs)},
                                                {},
                                                nullptr}));
  }
  if (o.lab == 5) {
    start_extra(extras.emplace_back(
        ExtraServer{"rooms server", harness::TargetKind::kRooms, {"--rooms"}, {}, nullptr}));
  }
  if (o.lab >= 6) {
    const std::string redis_server = find_on_path("redis-server");
    if (redis_server.empty()) {
      const std::string why =
          "redis-server is not on PATH: lab 6 runs your rooms server as " +
          std::to_string(kLab6Instances) +
          " instances sharing a throw-away Redis (sudo apt-get install redis-server)";
      std::printf("%s %s; the rooms and scale cases are ERROR\n", out.red("problem:").c_str(),
                  why.c_str());
      if (h.problem.empty()) h.problem = why;
    } else {
      ExtraServer& redis = extras.emplace_back(ExtraServer{
          "redis-server",
          harness::TargetKind::kRooms,
          {},
          "exec " + harness::shell_quote(redis_server) +
              " --port {port} --bind 127.0.0.1 --save '' --appendonly no --loglevel warning",
          nullptr});
      if (start_extra(redis)) {
        const std::string url = "redis://127.0.0.1:" + std::to_string(redis.process->port());
        std::printf("redis-server on %s (%s; nothing on disk, stopped with the check)\n",
                    url.c_str(), redis.process->command_text().substr(5).c_str());
        for (int k = 1; k <= kLab6Instances; ++k) {
          start_extra(extras.emplace_back(ExtraServer{"rooms instance " + std::to_string(k),
                                                      harness::TargetKind::kRooms,
                                                      {"--rooms", "--redis", url},
                                                      {},
                                                      nullptr}));
        }
        if (!ro.rooms_targets.empty()) {
          std::printf("member k of each rooms case connects to instance k mod %zu\n",
                      ro.rooms_targets.size());
        }
      }
    }
  }
  std::fflush(stdout);
  ro.server = server.get();
  ro.jobs = std::max(1, o.jobs);
  ro.timeout_scale = o.timeout_scale;
  ro.quick = !o.full;
  ro.seed = std::random_device{}();
  ro.selection = "--lab " + std::to_string(o.lab);
  ro.spawn_command = server_bin.string() + " --port {port}";
  // A live counter on a terminal; in a log (CI, a pipe) one line every 50 cases.
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  ro.on_finish = [tty](const harness::CaseOutcome& oc, std::size_t done, std::size_t total) {
    if (tty) {
      std::fprintf(stderr, "\r  %zu/%zu %-60.60s", done, total, oc.info.id.c_str());
      if (done == total) std::fprintf(stderr, "\r%-80s\r", "");
    } else if (done % 50 == 0 || done == total) {
      std::fprintf(stderr, "  %zu/%zu cases done\n", done, total);
    }
  };
  h.report = harness::run_cases(cases, ro);
  // What the servers said about unwritten functions (the starter's todo notes).
  auto collect_notes = [&h](const std::string& output) {
    std::istringstream in(output);
    std::string line;
    while (std::getline(in, line)) {
      if (line.find("not implemented:") != std::string::npos &&
          std::find(h.server_notes.begin(), h.server_notes.end(), line) == h.server_notes.end() &&
          h.server_notes.size() < 12) {
        h.server_notes.push_back(line);
      }
    }
  };
  collect_notes(server->output_tail());
  for (auto& x : extras) {
    if (!x.process) continue;
    if (x.yours()) collect_notes(x.process->output_tail());
    if (x.process->alive()) continue;
    // The runner watches only the echo server; say when a helper server died, and during
    // which of its cases. The process is reaped only now, so when it died is unknown: the
    // suspects are the failed cases of its kind that started before the first one found
    // nothing listening on its port (for redis-server, which the cases do not connect to,
    // every failed case of its kind).
    auto offset = [&](const harness::CaseOutcome& oc) { return oc.started - h.report.started; };
    const std::string nothing_there =
        "nothing is listening on " + x.process->host() + ":" + std::to_string(x.process->port());
    std::optional<std::chrono::system_clock::duration> refused;
    for (const auto& oc : h.report.outcomes) {
      if (x.yours() && oc.info.needs == x.kind &&
          oc.result.observed.find(nothing_there) != std::string::npos &&
          (!refused || offset(oc) < *refused)) {
        refused = offset(oc);
      }
    }
    std::string during;
    int suspects = 0;
    for (const auto& oc : h.report.outcomes) {
      if (oc.info.needs != x.kind || !oc.failed() || (refused && offset(oc) >= *refused)) continue;
      if (++suspects <= 3) during += (during.empty() ? "" : ", ") + oc.info.id;
    }
    if (suspects > 3) during += ", ...";
    const std::string who =
        x.yours() ? "your " + x.what + " (" + server_name + " " + command_line(x.args) + ")"
                  : "the " + x.what + " (" + x.process->command_text().substr(5) + ")";
    h.extra_deaths.push_back(who + " " + x.process->death_text() +
                             (during.empty() ? "" : " during one of: " + during) +
                             (x.yours() ? "; the cases after it could not connect"
                                        : "; the rooms instances had no Redis after it"));
    if (h.problem.empty()) h.problem = h.extra_deaths.back();
  }
  // The rooms instances before the Redis they use, the echo server last.
  for (auto x = extras.rbegin(); x != extras.rend(); ++x) {
    if (x->process) x->process->stop();
  }
  server->stop();
  h.ran = true;
  for (const auto& oc : h.report.outcomes) {
    const int later = oc.failed() ? later_lab_needed(oc) : 0;
    h.later.push_back(later > o.lab ? later : 0);
  }
  if (!h.report.preflight_error.empty()) {
    std::printf("%s your server could not be reached: %s\n", out.red("problem:").c_str(),
                h.report.preflight_error.c_str());
  }
  return h;
}

void print_harness(const HarnessResult& h, const CheckOptions& o, const Out& out) {
  if (!h.ran) return;
  harness::ReportOptions ro;
  ro.color = o.color;
  ro.wire_records = 12;
  std::vector<std::size_t> failed;
  int waiting = 0;
  for (std::size_t i = 0; i < h.report.outcomes.size(); ++i) {
    if (!h.report.outcomes[i].failed()) continue;
    if (h.later[i] != 0) {
      ++waiting;
    } else {
      failed.push_back(i);
    }
  }
  std::stable_sort(failed.begin(), failed.end(), [&](std::size_t a, std::size_t b) {
    return h.report.outcomes[a].info.lab < h.report.outcomes[b].info.lab;
  });
  for (const auto& e : h.report.server_events) {
    std::printf("%s +%lld ms %s%s\n", out.yellow("server:").c_str(),
                static_cast<long long>(e.at.count()), e.what.c_str(),
                e.case_id.empty() ? "" : (" (during " + e.case_id + ")").c_str());
  }
  for (const auto& d : h.extra_deaths)
    std::printf("%s %s\n", out.red("server:").c_str(), d.c_str());
  if (!h.server_notes.empty()) {
    std::printf("%s\n",
                out.yellow("your server ran into functions you have not written yet:").c_str());
    for (const auto& n : h.server_notes) std::printf("  %s\n", n.c_str());
  }
  const std::size_t limit = o.all_failures ? failed.size() : 6;
  for (std::size_t k = 0; k < failed.size(); ++k) {
    const auto& oc = h.report.outcomes[failed[k]];
    if (k < limit) {
      std::printf("\n%s", harness::render_failure(h.report, oc, ro).c_str());
    } else {
      if (k == limit) {
        std::printf("\n... and %zu more failing cases (--all shows each in full):\n",
                    failed.size() - limit);
      }
      if (k < limit + 25) {
        std::printf("  %-9s %-60s %s\n",
                    std::string(harness::verdict_name(oc.result.verdict)).c_str(),
                    oc.info.id.c_str(), oc.result.observed.substr(0, 80).c_str());
      } else if (k == limit + 25) {
        std::printf("  ... (%zu more)\n", failed.size() - k);
      }
    }
  }
  if (waiting > 0) {
    std::printf(
        "\n%d failing cases exercise a later lab's feature (a message after the 101 needs lab 2's "
        "frames; fragmented messages need lab 3): they count from that lab's check on.\n",
        waiting);
  }
  if (failed.empty()) std::printf("\n%s\n", out.green("every case passed").c_str());
}

// ---- score ---------------------------------------------------------------------------------

struct LabScore {
  int unit_passed = 0, unit_total = 0;
  int points = 0, max_points = 0;
  int cases_failed = 0, waiting = 0, cases = 0, non_strict = 0;
  bool unit_problem = false;
};

// Adds the unit tests to the Gradescope results.json and the GitHub Classroom
// runner result the harness wrote (or writes them when it did not run), one
// point per test, so one file grades both parts.
void write_unit_reports(const fs::path& dir, const std::map<int, UnitResult>& units,
                        const std::map<int, std::vector<std::string>>& passed_names) {
  using nlohmann::json;
  std::error_code ec;
  fs::create_directories(dir, ec);
  auto load = [&](const fs::path& p, json fallback) {
    std::ifstream in(p);
    if (!in) return fallback;
    json j = json::parse(in, nullptr, false);
    return j.is_discarded() ? fallback : j;
  };
  json gs = load(dir / "results.json", json{{"score", 0}, {"tests", json::array()}});
  json gh =
      load(dir / "classroom.json",
           json{{"version", 1}, {"status", "pass"}, {"max_score", 0}, {"tests", json::array()}});
  int gained = 0;
  int total = 0;
  bool all_ok = true;
  auto add = [&](int lab, const std::string& test, bool ok, const std::string& message) {
    ++total;
    gained += ok ? 1 : 0;
    all_ok = all_ok && ok;
    const std::string name = "lab" + std::to_string(lab) + " unit: " + test;
    gs["tests"].push_back(json{{"name", name},
                               {"score", ok ? 1 : 0},
                               {"max_score", 1},
                               {"status", ok ? "passed" : "failed"},
                               {"output", message},
                               {"tags", json::array({"lab" + std::to_string(lab), "unit"})},
                               {"visibility", "visible"}});
    gh["tests"].push_back(json{{"name", name},
                               {"status", ok ? "pass" : "fail"},
                               {"score", ok ? 1 : 0},
                               {"message", message},
                               {"test_code", "--gtest_filter=" + test},
                               {"filename", ""},
                               {"line_no", 0},
                               {"duration", 0}});
  };
  for (const auto& [lab, u] : units) {
    auto it = passed_names.find(lab);
    if (it != passed_names.end()) {
      for (const auto& t : it->second) add(lab, t, true, "passed");
    }
    for (const auto& f : u.failures) add(lab, f.test, false, f.message);
    if (!u.problem.empty()) add(lab, "(test binary)", false, u.problem);
  }
  gs["score"] = gs.value("score", 0.0) + gained;
  if (gs.contains("max_score")) gs["max_score"] = gs.value("max_score", 0.0) + total;
  gh["max_score"] = gh.value("max_score", 0) + total;
  if (!all_ok) gh["status"] = "fail";
  std::ofstream(dir / "results.json")
      << gs.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  std::ofstream(dir / "classroom.json")
      << gh.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
}

}  // namespace

std::optional<std::set<std::string>> build_targets(const std::string& build_dir,
                                                   std::chrono::milliseconds timeout) {
  const std::string cmake = find_on_path("cmake");
  if (cmake.empty()) return std::nullopt;
  ProcessOptions po;
  po.timeout = timeout;
  const ProcessResult r = run_process({cmake, "--build", build_dir, "--target", "help"}, po);
  if (!r.ok()) return std::nullopt;
  std::set<std::string> targets;
  std::istringstream in(r.output);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string name;
    if (line.rfind("... ", 0) == 0) {  // Makefiles
      name = line.substr(4, line.find(' ', 4) - 4);
    } else if (const auto colon = line.find(": "); colon != std::string::npos) {  // Ninja
      name = line.substr(0, colon);
    }
    if (!name.empty() && name.find_first_of(" \t") == std::string::npos) targets.insert(name);
  }
  if (targets.empty()) return std::nullopt;
  return targets;
}

std::string find_source_dir(const std::string& start) {
  std::error_code ec;
  fs::path p = fs::absolute(start.empty() ? fs::current_path(ec) : fs::path(start), ec);
  for (int i = 0; i < 64 && !p.empty(); ++i) {
    if (fs::exists(p / "labs" / "CMakeLists.txt") && fs::exists(p / "CMakeLists.txt"))
      return p.string();
    if (p == p.parent_path()) break;
    p = p.parent_path();
  }
  return {};
}

int run_check(const CheckOptions& o) {
  Out out{o.color};
  const LabInfo* info = find_lab(o.lab);
  if (info == nullptr) {
    std::fprintf(stderr, "wslab check: there is no lab %d (labs 1-%zu)\n", o.lab,
                 all_labs().size());
    return 2;
  }
  if (o.impl != "starter" && o.impl != "solution") {
    std::fprintf(stderr, "wslab check: --impl must be starter or solution\n");
    return 2;
  }
  std::string source = o.source_dir.empty() ? find_source_dir("") : find_source_dir(o.source_dir);
#ifdef WSLAB_SOURCE_DIR
  if (source.empty() && o.source_dir.empty()) source = find_source_dir(WSLAB_SOURCE_DIR);
#endif
  if (source.empty()) {
    std::fprintf(
        stderr,
        "wslab check: run it inside your repository (no labs/CMakeLists.txt found above %s), "
        "or pass --source DIR\n",
        o.source_dir.empty() ? "the current directory" : o.source_dir.c_str());
    return 2;
  }
  if (o.impl == "solution" && !fs::exists(fs::path(source) / "core" / "CMakeLists.txt")) {
    std::fprintf(stderr,
                 "wslab check: --impl solution needs core/ (the reference solution), "
                 "which this repository does not have\n");
    return 2;
  }
  const fs::path build_dir = o.build_dir.empty() ? fs::path(source) / "build" / ("check-" + o.impl)
                                                 : fs::path(o.build_dir);
  std::printf("%s %d (%s, %s) in %s\n", out.bold("wslab check").c_str(), o.lab,
              std::string(info->title).c_str(), o.impl == "starter" ? "your code" : "the solution",
              source.c_str());

  std::map<int, std::string> missing_tests;  // lab -> why its test binary was not built
  if (!o.skip_build && !build(o, source, build_dir, o.lab, out, missing_tests)) {
    std::printf("\n%s fix the build first.\n",
                out.red("check " + std::to_string(o.lab) + ": FAIL").c_str());
    return 1;
  }

  std::map<int, LabScore> scores;
  std::map<int, UnitResult> units;
  for (const auto& l : all_labs()) {
    if (l.number > o.lab) break;
    if (!fs::exists(fs::path(source) / "labs" / std::string(l.topic) / "tests")) continue;
    const fs::path bin = build_dir / "bin" / l.test_target();
    if (auto m = missing_tests.find(l.number); m != missing_tests.end()) {
      units[l.number].problem = m->second;
    } else {
      units[l.number] = run_unit_tests(l, bin, o);
    }
    print_unit(l, units[l.number], bin, o, out);
    LabScore& s = scores[l.number];
    s.unit_passed = units[l.number].passed;
    s.unit_total = units[l.number].total;
    s.unit_problem = !units[l.number].problem.empty();
  }

  HarnessResult h;
  if (!o.unit_only) {
    h = run_harness(o, build_dir / "bin" / std::string(kStudentServerTarget), out);
    print_harness(h, o, out);
    for (std::size_t i = 0; i < h.report.outcomes.size(); ++i) {
      const auto& oc = h.report.outcomes[i];
      LabScore& s = scores[oc.info.lab];
      if (h.later[i] != 0) {
        ++s.waiting;
        continue;
      }
      ++s.cases;
      s.max_points += oc.info.points;
      s.points += oc.score;
      if (oc.failed()) ++s.cases_failed;
      if (oc.result.verdict == harness::Verdict::kNonStrict) ++s.non_strict;
    }
    if (!o.report_dir.empty() && h.ran) {
      harness::ReportOptions ro;
      auto written = harness::write_reports(o.report_dir, h.report, ro);
      if (!written) {
        std::printf("\n%s could not write reports: %s\n", out.red("error:").c_str(),
                    written.error().c_str());
      }
    }
  }
  if (!o.report_dir.empty()) {
    std::map<int, std::vector<std::string>> passed;
    for (const auto& [n, u] : units) passed[n] = u.passed_tests;
    write_unit_reports(o.report_dir, units, passed);
    std::printf(
        "\nreports written to %s (results.json and classroom.json hold the unit tests too)\n",
        o.report_dir.c_str());
  }

  out.section("score");
  std::printf("%-4s %-10s %-11s %-32s %s\n", "lab", "topic", "unit tests",
              "conformance points (cases)", "");
  bool all_ok = true;
  for (const auto& [n, s] : scores) {
    const LabInfo* l = find_lab(n);
    const bool unit_ok = s.unit_passed == s.unit_total && !s.unit_problem;
    const bool cases_ok = s.cases_failed == 0;
    const bool harness_ok = o.unit_only || (h.ran && cases_ok);
    all_ok = all_ok && unit_ok && harness_ok && (o.unit_only || h.problem.empty());
    char unit[32];
    std::snprintf(unit, sizeof unit, "%d/%d", s.unit_passed, s.unit_total);
    char conf[64];
    if (o.unit_only) {
      std::snprintf(conf, sizeof conf, "(not run)");
    } else if (s.cases == 0 && s.waiting == 0) {
      std::snprintf(conf, sizeof conf, h.ran ? "no cases" : "(not run)");
    } else {
      std::snprintf(conf, sizeof conf, "%d/%d (%d/%d pass)", s.points, s.max_points,
                    s.cases - s.cases_failed, s.cases);
    }
    std::string extra;
    if (s.non_strict > 0) extra += " " + std::to_string(s.non_strict) + " non-strict;";
    if (s.waiting > 0) extra += " " + std::to_string(s.waiting) + " wait for a later lab;";
    if (!extra.empty()) extra.pop_back();
    std::string topic = l != nullptr ? std::string(l->topic.substr(3)) : "lab " + std::to_string(n);
    std::printf("%-4d %-10s %-11s %-32s %s%s\n", n, topic.c_str(), unit, conf,
                unit_ok && (o.unit_only || (h.ran && cases_ok)) ? out.green("PASS").c_str()
                                                                : out.red("FAIL").c_str(),
                extra.c_str());
  }
  std::printf("\n%s\n", all_ok ? out.green("check " + std::to_string(o.lab) + ": PASS").c_str()
                               : out.red("check " + std::to_string(o.lab) + ": FAIL").c_str());
  if (!all_ok) {
    std::printf(
        "Fix the unit tests first (lowest lab, first failure): they are small and say which\n"
        "handout step they check. Then the conformance cases: each shows the bytes exchanged.\n");
  }
  return all_ok ? 0 : 1;
}

}  // namespace wslab::labs
