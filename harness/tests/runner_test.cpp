// The runner: selection, --strict, exit codes, the watchdog, exceptions,
// an unreachable target, parallel and exclusive cases, and a spawned server
// that dies (the case that killed it is named and the server restarted).
#include "wslab/harness/runner.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "scripted_server.hpp"
#include "wslab/harness/selection.hpp"
#include "wslab/harness/server_process.hpp"

namespace wslab::harness {
namespace {

using namespace wslab::harness::testing;

CaseInfo info(std::string id, std::string group = "misc", int lab = 1,
              Millis timeout = Millis{2000}) {
  CaseInfo i;
  i.id = std::move(id);
  i.group = std::move(group);
  i.lab = lab;
  i.timeout = timeout;
  i.description = "test case";
  return i;
}

CaseResult verdict(Verdict v) {
  CaseResult r;
  r.verdict = v;
  r.expected = "something";
  r.observed = std::string(verdict_name(v));
  return r;
}

std::vector<const Case*> all_of(const std::vector<Case>& v) {
  std::vector<const Case*> out;
  for (const auto& c : v) out.push_back(&c);
  return out;
}

Target nowhere() {
  Target t;
  t.port = pick_free_port();
  return t;
}

// ------------------------------------------------------------------ selection

TEST(HarnessSelection, LabIsCumulative) {
  std::vector<Case> cs = {
      {info("a", "handshake", 1), {}}, {info("b", "framing", 2), {}}, {info("c", "close", 3), {}}};
  Selection s;
  s.lab = 2;
  auto got = select_cases(cs, s);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]->info.id, "a");
  EXPECT_EQ(got[1]->info.id, "b");
}

TEST(HarnessSelection, StarMatchesAcrossDots) {
  EXPECT_TRUE(glob_match("utf8.*", "utf8.invalid.6.12.3"));
  EXPECT_TRUE(glob_match("*.1005", "close.code.invalid.1005"));
  EXPECT_TRUE(glob_match("close.code.?nvalid.*", "close.code.invalid.1005"));
  EXPECT_FALSE(glob_match("utf8.*", "close.utf8.x"));
}

TEST(HarnessSelection, PlainIdSelectsItselfAndBelow) {
  EXPECT_TRUE(glob_match("close.code", "close.code"));
  EXPECT_TRUE(glob_match("close.code", "close.code.invalid.1005"));
  EXPECT_FALSE(glob_match("close.code", "close.codes"));
  EXPECT_FALSE(glob_match("close.code", "close"));
}

TEST(HarnessSelection, ExcludeWinsOverInclude) {
  std::vector<Case> cs = {
      {info("utf8.valid.1"), {}}, {info("utf8.invalid.1"), {}}, {info("close.x"), {}}};
  Selection s;
  s.include = {"utf8"};
  s.exclude = {"*.invalid.*"};
  auto got = select_cases(cs, s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]->info.id, "utf8.valid.1");
}

TEST(HarnessSelection, GroupFilter) {
  std::vector<Case> cs = {
      {info("a", "ping"), {}}, {info("b", "close"), {}}, {info("c", "ping"), {}}};
  Selection s;
  s.groups = {"ping"};
  EXPECT_EQ(select_cases(cs, s).size(), 2u);
}

// ------------------------------------------------------------------ verdicts and exit codes

RunOptions options_for(Target t, int jobs = 2) {
  RunOptions o;
  o.target = std::move(t);
  o.jobs = jobs;
  o.preflight = false;
  return o;
}

TEST(HarnessRunner, ExitCodeIsZeroOnlyWithoutFailTimeoutOrError) {
  std::vector<Case> ok = {{info("p"), [](CaseContext&) { return verdict(Verdict::kPass); }},
                          {info("n"), [](CaseContext&) { return verdict(Verdict::kNonStrict); }},
                          {info("i"), [](CaseContext&) { return verdict(Verdict::kInfo); }}};
  auto r = run_cases(all_of(ok), options_for(nowhere()));
  EXPECT_EQ(r.exit_code(), 0);
  EXPECT_EQ(r.totals().pass, 1);
  for (auto v : {Verdict::kFail, Verdict::kTimeout, Verdict::kError}) {
    std::vector<Case> bad = {{info("p"), [](CaseContext&) { return verdict(Verdict::kPass); }},
                             {info("x"), [v](CaseContext&) { return verdict(v); }}};
    EXPECT_EQ(run_cases(all_of(bad), options_for(nowhere())).exit_code(), 1) << verdict_name(v);
  }
}

TEST(HarnessRunner, StrictCountsNonStrictAsFail) {
  std::vector<Case> cs = {{info("n"), [](CaseContext&) { return verdict(Verdict::kNonStrict); }}};
  auto o = options_for(nowhere());
  EXPECT_EQ(run_cases(all_of(cs), o).exit_code(), 0);
  o.strict = true;
  auto r = run_cases(all_of(cs), o);
  EXPECT_EQ(r.exit_code(), 1);
  EXPECT_EQ(r.outcomes[0].result.verdict, Verdict::kFail);
  EXPECT_EQ(r.outcomes[0].original, Verdict::kNonStrict);
  EXPECT_NE(r.outcomes[0].runner_note.find("--strict"), std::string::npos);
}

TEST(HarnessRunner, PointsCountPassNonStrictAndInfo) {
  auto i = info("p");
  i.points = 3;
  std::vector<Case> cs = {{i, [](CaseContext&) { return verdict(Verdict::kPass); }},
                          {info("f"), [](CaseContext&) { return verdict(Verdict::kFail); }}};
  auto t = run_cases(all_of(cs), options_for(nowhere())).totals();
  EXPECT_EQ(t.points, 3);
  EXPECT_EQ(t.max_points, 4);
}

TEST(HarnessRunner, ExceptionIsErrorWithItsMessage) {
  std::vector<Case> cs = {{info("boom"), [](CaseContext&) -> CaseResult {
                             throw std::runtime_error("the case fell over");
                           }}};
  auto r = run_cases(all_of(cs), options_for(nowhere()));
  EXPECT_EQ(r.outcomes[0].result.verdict, Verdict::kError);
  EXPECT_NE(r.outcomes[0].result.observed.find("the case fell over"), std::string::npos);
}

// A case whose probe waits far beyond the case timeout is stopped by the
// watchdog: TIMEOUT, and the run does not hang.
TEST(HarnessRunner, WatchdogTurnsAHangingCaseIntoTimeout) {
  ScriptedServer server([](int fd) {
    do_handshake(fd);
    read_until_quiet(fd, 3000);
  });
  Target t;
  t.port = server.port();
  std::vector<Case> cs = {{info("hangs", "misc", 1, Millis{100}), [](CaseContext& ctx) {
                             auto p = ctx.probe();
                             (void)p->handshake();
                             (void)p->next(Millis{60000});
                             return verdict(Verdict::kPass);
                           }}};
  auto r = run_cases(all_of(cs), options_for(t));
  EXPECT_EQ(r.outcomes[0].result.verdict, Verdict::kTimeout);
  EXPECT_NE(r.outcomes[0].result.observed.find("watchdog"), std::string::npos);
  EXPECT_EQ(r.outcomes[0].runner_note, "");  // cancelled and unwound, not abandoned
  EXPECT_FALSE(r.outcomes[0].wire.empty());  // the wire log up to the stop is kept
}

// Even a case that ignores cancellation (no probe calls) cannot hang the run.
std::atomic<bool> g_release_spinner{false};
TEST(HarnessRunner, WatchdogAbandonsACaseThatIgnoresCancellation) {
  static std::vector<Case> cs = {{info("spins", "misc", 1, Millis{50}), [](CaseContext&) {
                                    for (int i = 0; i < 400 && !g_release_spinner; ++i)
                                      usleep(10000);
                                    return verdict(Verdict::kPass);
                                  }}};
  auto r = run_cases(all_of(cs), options_for(nowhere()));
  g_release_spinner = true;
  EXPECT_EQ(r.outcomes[0].result.verdict, Verdict::kTimeout);
  EXPECT_NE(r.outcomes[0].runner_note.find("abandoned"), std::string::npos);
}

TEST(HarnessRunner, UnreachableTargetMakesEveryCaseError) {
  std::vector<Case> cs = {{info("a"), [](CaseContext&) { return verdict(Verdict::kPass); }},
                          {info("b"), [](CaseContext&) { return verdict(Verdict::kPass); }}};
  auto o = options_for(nowhere());
  o.preflight = true;
  auto r = run_cases(all_of(cs), o);
  EXPECT_NE(r.preflight_error.find("nothing is listening"), std::string::npos) << r.preflight_error;
  for (const auto& oc : r.outcomes) EXPECT_EQ(oc.result.verdict, Verdict::kError);
  EXPECT_EQ(r.exit_code(), 1);
}

// --jobs N runs N cases at once: four cases that each wait for all four to
// be running pass only if they really run in parallel.
TEST(HarnessRunner, JobsRunCasesInParallel) {
  static std::mutex mu;
  static std::condition_variable cv;
  static int arrived = 0;
  arrived = 0;
  auto meet = [](CaseContext&) {
    std::unique_lock lock(mu);
    ++arrived;
    cv.notify_all();
    bool all = cv.wait_for(lock, std::chrono::seconds(1), [] { return arrived >= 4; });
    return verdict(all ? Verdict::kPass : Verdict::kFail);
  };
  std::vector<Case> cs = {
      {info("a"), meet}, {info("b"), meet}, {info("c"), meet}, {info("d"), meet}};
  auto r = run_cases(all_of(cs), options_for(nowhere(), 4));
  EXPECT_EQ(r.totals().pass, 4);
}

TEST(HarnessRunner, ExclusiveCaseRunsAlone) {
  static std::atomic<int> in_flight{0};
  static std::atomic<int> seen_with_exclusive{0};
  auto normal = [](CaseContext&) {
    ++in_flight;
    usleep(20000);
    --in_flight;
    return verdict(Verdict::kPass);
  };
  auto alone = [](CaseContext&) {
    seen_with_exclusive = ++in_flight;
    usleep(20000);
    --in_flight;
    return verdict(Verdict::kPass);
  };
  auto ex = info("x");
  ex.exclusive = true;
  std::vector<Case> cs = {
      {info("a"), normal}, {ex, alone}, {info("b"), normal}, {info("c"), normal}};
  auto r = run_cases(all_of(cs), options_for(nowhere(), 4));
  EXPECT_EQ(r.totals().pass, 4);
  EXPECT_EQ(seen_with_exclusive.load(), 1);
  EXPECT_EQ(r.outcomes[1].info.id, "x");  // reports keep the given order
}

// ------------------------------------------------------------------ spawned servers

std::string self_exe() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return std::string(buf, static_cast<std::size_t>(n > 0 ? n : 0));
}

CaseResult echo_case(CaseContext& ctx, const std::string& text) {
  auto p = ctx.probe();
  auto h = p->handshake();
  if (!h) {
    CaseResult r = verdict(Verdict::kFail);
    r.observed = h.error();
    return r;
  }
  (void)p->send_text(text);
  auto o = p->next(Millis{1000});
  return verdict(o.kind == Observation::Kind::kText && o.payload == text ? Verdict::kPass
                                                                         : Verdict::kFail);
}

// The server dies during one case: that case is FAIL "server process died
// (signal 6, SIGABRT)", the server is restarted, and the other cases pass.
TEST(HarnessRunner, SpawnedServerDeathIsBlamedOnTheCaseThatCausedIt) {
  ServerSpec spec;
  spec.shell_command = "exec '" + self_exe() + "' --crashy-server {port}";
  auto server = ServerProcess::start(spec);
  ASSERT_TRUE(server.is_ok()) << server.error();
  std::vector<Case> cs = {{info("a"), [](CaseContext& c) { return echo_case(c, "one"); }},
                          {info("b"), [](CaseContext& c) { return echo_case(c, "two"); }},
                          {info("killer"), [](CaseContext& c) { return echo_case(c, "CRASH"); }},
                          {info("c"), [](CaseContext& c) { return echo_case(c, "three"); }},
                          {info("d"), [](CaseContext& c) { return echo_case(c, "four"); }}};
  auto o = options_for(Target{}, 2);
  o.server = server->get();
  auto r = run_cases(all_of(cs), o);
  ASSERT_EQ(r.outcomes.size(), 5u);
  EXPECT_EQ(r.outcomes[2].result.verdict, Verdict::kFail);
  EXPECT_NE(r.outcomes[2].result.observed.find("server process died (signal 6, SIGABRT)"),
            std::string::npos)
      << r.outcomes[2].result.observed;
  for (std::size_t i : {0u, 1u, 3u, 4u}) {
    EXPECT_EQ(r.outcomes[i].result.verdict, Verdict::kPass)
        << r.outcomes[i].info.id << ": " << r.outcomes[i].result.observed;
  }
  ASSERT_FALSE(r.server_events.empty());
  EXPECT_EQ(r.server_events[0].case_id, "killer");
  EXPECT_TRUE((*server)->alive());
}

// A command printed for a person to paste, or run with /bin/sh -c: each quoted word stays one.
TEST(HarnessServerProcess, ShellQuoteKeepsOneWord) {
  EXPECT_EQ(shell_quote("/usr/bin/redis-server"), "/usr/bin/redis-server");
  EXPECT_EQ(shell_quote("./server --port {port}"), "'./server --port {port}'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
}

TEST(HarnessServerProcess, ReportsAServerThatExitsAtOnce) {
  ServerSpec spec;
  spec.shell_command = "echo cannot bind {port} >&2; exit 3";
  spec.start_timeout = Millis{3000};
  auto server = ServerProcess::start(spec);
  ASSERT_FALSE(server.is_ok());
  EXPECT_NE(server.error().find("exit code 3"), std::string::npos) << server.error();
  EXPECT_NE(server.error().find("cannot bind"), std::string::npos) << server.error();
}

TEST(HarnessServerProcess, ReadsThePortFromTheListeningLine) {
  ScriptedServer real([](int fd) { read_until_quiet(fd, 100); });
  ServerSpec spec;
  spec.argv = {"/bin/sh", "-c",
               "echo 'listening on ws://127.0.0.1:" + std::to_string(real.port()) + "/'; sleep 5"};
  auto server = ServerProcess::start(spec);
  ASSERT_TRUE(server.is_ok()) << server.error();
  EXPECT_EQ((*server)->port(), real.port());
  (*server)->stop();
  EXPECT_FALSE((*server)->alive());
}

}  // namespace
}  // namespace wslab::harness
