// The heartbeat cases (group "heartbeat", lab 4; harness/cases/heartbeat.cpp)
// against real and scripted servers, both ways:
//  - calibration: every case PASSES against `wslab serve --ping-interval 300
//    --pong-timeout 600` (core's Heartbeat on net's loop), and against
//    wslab-student-server built with the solution when that binary is built;
//  - teeth: a server that never pings, one whose Ping is masked, one that drops
//    right after its Ping, and one that counts only matching Pongs as life each
//    fail the cases that check that rule (lesson 5, RFC 6455 §5.5.2-§5.5.3).
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "scripted_server.hpp"
#include "wslab/harness/case.hpp"
#include "wslab/harness/runner.hpp"
#include "wslab/harness/server_process.hpp"

namespace wslab::harness {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::ScriptedServer;

std::string bin_dir() {
  // <build>/harness/tests/wslab_harness_tests -> <build>/bin
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  return (exe.parent_path().parent_path().parent_path() / "bin").string();
}

std::string wslab_binary() {
  if (const char* e = std::getenv("WSLAB_BIN")) return e;
  return bin_dir() + "/wslab";
}

std::vector<const Case*> heartbeat_cases() {
  std::vector<const Case*> out;
  for (const auto& c : catalog().cases()) {
    if (c.info.group == "heartbeat") out.push_back(&c);
  }
  return out;
}

using Verdicts = std::map<std::string, std::string>;  // case id -> verdict name

Verdicts run_against(std::uint16_t port, Millis interval, Millis timeout, std::string* why,
                     double scale = 1.5) {
  RunOptions o;
  o.target.port = port;
  o.heartbeat_target = o.target;
  o.heartbeat.ping_interval = interval;
  o.heartbeat.pong_timeout = timeout;
  o.jobs = 8;  // the cases mostly wait: run them side by side
  o.timeout_scale = scale;
  o.seed = 6455;
  RunReport report = run_cases(heartbeat_cases(), o);
  Verdicts v;
  for (const auto& oc : report.outcomes) {
    v[oc.info.id] = std::string(verdict_name(oc.result.verdict));
    if (why != nullptr) {
      *why += "\n  " + oc.info.id + ": " + v[oc.info.id] + "\n    expected: " + oc.result.expected +
              "\n    observed: " + oc.result.observed +
              (oc.result.detail.empty() ? "" : "\n    detail:   " + oc.result.detail);
    }
  }
  if (why != nullptr && !report.preflight_error.empty()) *why += "\n  " + report.preflight_error;
  return v;
}

Verdicts run_spawned(const std::vector<std::string>& argv, Millis interval, Millis timeout,
                     std::string* why) {
  ServerSpec spec;
  spec.argv = argv;
  auto server = ServerProcess::start(spec);
  if (!server) {
    *why = "SKIP: could not start " + argv[0] + ": " + server.error();
    return {};
  }
  Verdicts v = run_against((*server)->port(), interval, timeout, why);
  (*server)->stop();
  return v;
}

bool failed(const std::string& verdict) {
  return verdict == "FAIL" || verdict == "TIMEOUT";
}

TEST(HarnessHeartbeat, CasesAreLab4AndNeedTheHeartbeatServer) {
  const auto cases = heartbeat_cases();
  ASSERT_GE(cases.size(), 6u);
  for (const auto* c : cases) {
    EXPECT_EQ(c->info.lab, 4) << c->info.id;
    EXPECT_EQ(c->info.needs, TargetKind::kHeartbeat) << c->info.id;
    EXPECT_LE(c->info.timeout, Millis{3000}) << c->info.id;
  }
}

// Calibration: core's Heartbeat (lesson 5's rule) passes every case.
TEST(HarnessHeartbeat, EveryCasePassesAgainstWslabServe) {
  const std::string bin = wslab_binary();
  if (!fs::exists(bin)) GTEST_SKIP() << "wslab binary not built (" << bin << ")";
  std::string why;
  const Verdicts v = run_spawned(
      {bin, "serve", "--port", "0", "--quiet", "--ping-interval", "300", "--pong-timeout", "600"},
      300ms, 600ms, &why);
  if (why.rfind("SKIP:", 0) == 0) GTEST_SKIP() << why;
  ASSERT_EQ(v.size(), heartbeat_cases().size()) << why;
  for (const auto& [id, verdict] : v) EXPECT_EQ(verdict, "PASS") << id << why;
}

// The same with the student server built from the solution (labs/, when built).
TEST(HarnessHeartbeat, EveryCasePassesAgainstTheStudentServerWithTheSolution) {
  const std::string bin = bin_dir() + "/wslab-student-server";
  if (!fs::exists(bin)) GTEST_SKIP() << "wslab-student-server not built (" << bin << ")";
  std::string why;
  const Verdicts v = run_spawned(
      {bin, "--port", "0", "--quiet", "--ping-interval", "300", "--pong-timeout", "600"}, 300ms,
      600ms, &why);
  if (why.rfind("SKIP:", 0) == 0) GTEST_SKIP() << why;
  ASSERT_EQ(v.size(), heartbeat_cases().size()) << why;
  for (const auto& [id, verdict] : v) EXPECT_EQ(verdict, "PASS") << id << why;
}

// libwebsockets (refpeer) has one-second timers and a "validity" policy: it pings every
// interval unless a Pong came, and any Pong (even unsolicited) counts, but messages do not.
// So it passes every case except the lesson's "any traffic is life" rule. Settings 1 s / 1 s
// need --timeout-scale 2 (the cases say so themselves otherwise).
TEST(HarnessHeartbeat, RefpeerDiffersOnlyOnTrafficAsLife) {
  const std::string bin = wslab_binary();
  if (!fs::exists(bin)) GTEST_SKIP() << "wslab binary not built (" << bin << ")";
  ServerSpec spec;
  spec.argv = {bin, "refpeer",        "serve", "--port", "0", "--ping-interval",
               "1", "--pong-timeout", "1"};
  auto server = ServerProcess::start(spec);
  if (!server) GTEST_SKIP() << "could not start the refpeer: " << server.error();
  std::string why;
  const Verdicts v = run_against((*server)->port(), 1000ms, 1000ms, &why, 2.0);
  (*server)->stop();
  ASSERT_EQ(v.size(), heartbeat_cases().size()) << why;
  for (const auto& [id, verdict] : v) {
    EXPECT_EQ(verdict, id == "heartbeat.traffic.messages-keep-alive" ? "FAIL" : "PASS")
        << id << why;
  }
}

// Teeth: an echo server without a heartbeat, passed off as one with 300/600.
// §5.5.2 keepalive: no Ping ever comes, and a silent peer is never dropped.
TEST(HarnessHeartbeat, ServerThatNeverPingsFailsThePingAndDropCases) {
  const std::string bin = wslab_binary();
  if (!fs::exists(bin)) GTEST_SKIP() << "wslab binary not built (" << bin << ")";
  std::string why;
  const Verdicts v = run_spawned({bin, "serve", "--port", "0", "--quiet"}, 300ms, 600ms, &why);
  if (why.rfind("SKIP:", 0) == 0) GTEST_SKIP() << why;
  EXPECT_TRUE(failed(v.at("heartbeat.ping.idle-connection"))) << why;
  EXPECT_TRUE(failed(v.at("heartbeat.ping.control-frame"))) << why;
  EXPECT_TRUE(failed(v.at("heartbeat.timeout.silent-peer-dropped"))) << why;
  EXPECT_TRUE(failed(v.at("heartbeat.pong.answered-stays-open"))) << why;
  EXPECT_TRUE(failed(v.at("heartbeat.pong.unsolicited-before-ping"))) << why;
}

// ---- scripted heartbeat servers -------------------------------------------------------

struct Script {
  int interval_ms = 300;
  int timeout_ms = 600;
  bool mask_ping = false;             // breaks §5.1 (a server MUST NOT mask)
  int drop_after_ping_ms = -1;        // >= 0: close TCP this long after the first Ping
  bool only_matching_pongs = false;   // messages and unsolicited Pongs do not count as life
  bool close_on_unsolicited = false;  // a Pong that answers no Ping closes with 1002
};

// A heartbeat server written out by hand: echoes text, pings after `interval` of
// silence (as the script counts it), drops `timeout` after an unanswered Ping.
void serve_heartbeat(int fd, const Script& s) {
  using Clock = std::chrono::steady_clock;
  if (!testing::do_handshake(fd)) return;
  auto last_life = Clock::now();
  std::optional<Clock::time_point> ping_at;
  int seq = 0;
  std::string payload;
  std::string in;
  const auto hard_end = Clock::now() + 8s;
  while (Clock::now() < hard_end) {
    const auto now = Clock::now();
    if (ping_at) {
      if (s.drop_after_ping_ms >= 0 &&
          now - *ping_at >= std::chrono::milliseconds(s.drop_after_ping_ms))
        return;
      if (now - std::max(*ping_at, last_life) >= std::chrono::milliseconds(s.timeout_ms)) return;
    } else if (now - last_life >= std::chrono::milliseconds(s.interval_ms)) {
      payload = "hb-" + std::to_string(++seq);
      std::string frame = testing::server_frame(0x89, payload);
      if (s.mask_ping) {
        // Set the mask bit and insert a zero key (payload unchanged by a zero mask).
        frame[1] = static_cast<char>(frame[1] | 0x80);
        frame.insert(2, std::string(4, '\0'));
      }
      if (!testing::write_all(fd, frame)) return;
      ping_at = now;
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 10) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return;
    in.append(buf, static_cast<std::size_t>(n));
    std::uint8_t opcode = 0;
    std::string data;
    std::size_t used = 0;
    while (testing::parse_client_frame(in, opcode, data, used)) {
      in.erase(0, used);
      const bool matching_pong = opcode == 0xA && ping_at && data == payload;
      if (!s.only_matching_pongs || matching_pong) last_life = Clock::now();
      if (opcode == 0xA) {
        if (matching_pong) {
          ping_at.reset();
        } else if (s.close_on_unsolicited) {
          testing::write_all(fd, testing::server_frame(0x88, std::string("\x03\xea", 2)));
          return;
        }
      } else if (opcode == 0x1) {
        testing::write_all(fd, testing::server_frame(0x81, data));
      } else if (opcode == 0x9) {
        testing::write_all(fd, testing::server_frame(0x8A, data));
      } else if (opcode == 0x8) {
        testing::write_all(fd, testing::server_frame(0x88, data.substr(0, 2)));
        return;
      }
    }
  }
}

Verdicts run_scripted(const Script& s, std::string* why) {
  ScriptedServer server([s](int fd) { serve_heartbeat(fd, s); });
  return run_against(server.port(), Millis{s.interval_ms}, Millis{s.timeout_ms}, why);
}

// The scripted server with the lesson's rule is a correct heartbeat: the cases pass it
// (so the teeth below come from the one thing each script breaks).
TEST(HarnessHeartbeat, ScriptedCorrectHeartbeatPasses) {
  std::string why;
  const Verdicts v = run_scripted(Script{}, &why);
  for (const auto& [id, verdict] : v) EXPECT_EQ(verdict, "PASS") << id << why;
}

// §5.1: a server MUST NOT mask any frames it sends, the heartbeat Ping included.
TEST(HarnessHeartbeat, MaskedPingFailsTheControlFrameCase) {
  Script s;
  s.mask_ping = true;
  std::string why;
  const Verdicts v = run_scripted(s, &why);
  EXPECT_EQ(v.at("heartbeat.ping.control-frame"), "FAIL") << why;
  EXPECT_EQ(v.at("heartbeat.ping.idle-connection"), "FAIL") << why;
}

// Lesson 5: the peer gets the whole pong timeout to answer.
TEST(HarnessHeartbeat, DropRightAfterThePingFailsTheDropCase) {
  Script s;
  s.drop_after_ping_ms = 20;
  std::string why;
  const Verdicts v = run_scripted(s, &why);
  EXPECT_EQ(v.at("heartbeat.timeout.silent-peer-dropped"), "FAIL") << why;
}

// Lesson 5 / §5.5.3: any frame is a sign of life, an unsolicited Pong included.
TEST(HarnessHeartbeat, CountingOnlyMatchingPongsFailsTheTrafficCases) {
  Script s;
  s.only_matching_pongs = true;
  std::string why;
  const Verdicts v = run_scripted(s, &why);
  EXPECT_EQ(v.at("heartbeat.traffic.messages-keep-alive"), "FAIL") << why;
  EXPECT_EQ(v.at("heartbeat.pong.unsolicited-keeps-alive"), "FAIL") << why;
  EXPECT_EQ(v.at("heartbeat.pong.answered-stays-open"), "PASS") << why;
}

// §5.5.3: a response to an unsolicited Pong is not expected, and it is no error.
TEST(HarnessHeartbeat, ClosingOnAnUnsolicitedPongFailsThePongCases) {
  Script s;
  s.close_on_unsolicited = true;
  std::string why;
  const Verdicts v = run_scripted(s, &why);
  EXPECT_EQ(v.at("heartbeat.pong.unsolicited-before-ping"), "FAIL") << why;
  EXPECT_EQ(v.at("heartbeat.pong.unsolicited-keeps-alive"), "FAIL") << why;
}

// Long settings that do not fit a case's timeout are the harness's limit: ERROR with the
// --timeout-scale to use, never a FAIL of the server.
TEST(HarnessHeartbeat, SettingsTooLongForTheTimeoutAreAnErrorNamingTheScale) {
  ScriptedServer server([](int fd) { testing::do_handshake(fd); });
  std::string why;
  const Verdicts v = run_against(server.port(), 5000ms, 10000ms, &why, 1.0);
  for (const auto& [id, verdict] : v) EXPECT_EQ(verdict, "ERROR") << id << why;
  EXPECT_NE(why.find("--timeout-scale"), std::string::npos) << why;
}

}  // namespace
}  // namespace wslab::harness
