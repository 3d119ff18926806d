// wslab check as a student runs it: the lab number it accepts, and lab 6, where it
// starts a throw-away redis-server and three instances of the student server sharing
// it (members of each rooms case spread over them), reports where each runs, and
// leaves none of them behind, also when it is interrupted.
// The Slow ones run `wslab check 6 --no-build` on this build's binaries.
#include "wslab/labs/check.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "wslab/labs/lab_info.hpp"
#include "wslab/labs/process.hpp"

namespace wslab::labs {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string tail(const std::string& s, std::size_t n = 6000) {
  return s.substr(s.size() > n ? s.size() - n : 0);
}

bool listening(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// The ports `wslab check 6` said redis-server and the rooms instances run on.
struct Cluster {
  int redis = 0;
  std::vector<int> instances;
};

Cluster cluster_in(const std::string& output) {
  Cluster c;
  std::smatch m;
  if (std::regex_search(output, m, std::regex(R"(\nredis-server on redis://127\.0\.0\.1:(\d+) )")))
    c.redis = std::stoi(m[1]);
  const std::regex instance(R"(\nrooms instance \d on ws://127\.0\.0\.1:(\d+)/rooms )");
  for (auto it = std::sregex_iterator(output.begin(), output.end(), instance);
       it != std::sregex_iterator(); ++it) {
    c.instances.push_back(std::stoi((*it)[1]));
  }
  return c;
}

// "6    scale-out  14/14       16/16 (8/8 pass)                 PASS" -> the cases passed and run.
std::pair<int, int> cases_of(const std::string& output, int lab) {
  std::smatch m;
  const std::regex line("\\n" + std::to_string(lab) +
                        R"( +\S+ +\S+ +\d+/\d+ \((\d+)/(\d+) pass\))");
  if (!std::regex_search(output, m, line)) return {-1, -1};
  return {std::stoi(m[1]), std::stoi(m[2])};
}

// What a check against this build needs to be meaningful, or why it is skipped.
std::string cannot_check_this_build() {
  if (std::string(WSLAB_TEST_LAB_IMPL) != "solution")
    return "this build's student server runs the " + std::string(WSLAB_TEST_LAB_IMPL);
  if (!WSLAB_TEST_STUDENT_SERVER_REDIS) return "this build's student server has no --redis";
  if (!fs::exists(WSLAB_BIN)) return std::string("wslab is not built: ") + WSLAB_BIN;
  return {};
}

std::vector<std::string> check6(const std::vector<std::string>& before = {}) {
  std::vector<std::string> argv = before;
  for (const char* a :
       {WSLAB_BIN, "check", "6", "--impl", "solution", "--no-build", "--no-color", "--jobs", "4",
        "--timeout-scale", "1.5", "--source", WSLAB_SOURCE_DIR, "--build-dir", WSLAB_BUILD_DIR}) {
    argv.emplace_back(a);
  }
  return argv;
}

// `wslab check N` takes the labs of the table and names them when N is not one.
TEST(LabsCheck, RejectsLabsOutsideTheTableAndNamesThem) {
  if (!fs::exists(WSLAB_BIN)) GTEST_SKIP() << "wslab is not built: " << WSLAB_BIN;
  ProcessOptions po;
  po.timeout = 10s;
  const std::string labs =
      "the labs are 1 (handshake), 2 (framing), 3 (lifecycle), 4 (heartbeat), 5 (rooms), "
      "6 (scale-out)";
  for (const char* n : {"7", "0", "-1"}) {
    const auto r = run_process({WSLAB_BIN, "check", n}, po);
    SCOPED_TRACE(std::string("wslab check ") + n);
    EXPECT_TRUE(r.started && !r.timed_out && r.signal == 0) << r.describe();
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("there is no lab " + std::string(n) + "; " + labs), std::string::npos)
        << r.output;
  }
  const auto word = run_process({WSLAB_BIN, "check", "six"}, po);
  EXPECT_NE(word.exit_code, 0);
  EXPECT_NE(word.output.find("\"six\" is not a lab number; " + labs), std::string::npos)
      << word.output;
  // And 6 is one: its --help says what lab 6 starts.
  const auto help = run_process({WSLAB_BIN, "check", "6", "--help"}, po);
  EXPECT_EQ(help.exit_code, 0) << help.output;
  EXPECT_NE(help.output.find("INT:1..6"), std::string::npos) << help.output;
  EXPECT_NE(help.output.find("redis-server"), std::string::npos) << help.output;
}

// The generator's target list tells which lab test binaries a build can make (lab 6's only
// exists with hiredis and redis-server).
TEST(LabsCheck, BuildTargetsListsWhatCMakeGenerated) {
  const std::string cmake = find_on_path("cmake");
  if (cmake.empty()) GTEST_SKIP() << "cmake is not on PATH";
  const fs::path dir = fs::path(WSLAB_BUILD_DIR) / "labs-targets-probe";
  fs::remove_all(dir);
  fs::create_directories(dir / "src");
  {
    std::ofstream f(dir / "src" / "CMakeLists.txt");
    f << "cmake_minimum_required(VERSION 3.20)\nproject(probe NONE)\n"
         "add_custom_target(wslab_lab1_tests)\n"
         "if(WITH_SIX)\n  add_custom_target(wslab_lab6_tests)\nendif()\n";
  }
  for (const bool ninja : {true, false}) {
    if (ninja && find_on_path("ninja").empty()) continue;
    SCOPED_TRACE(ninja ? "Ninja" : "Unix Makefiles");
    const fs::path build = dir / (ninja ? "ninja" : "make");
    ProcessOptions po;
    po.timeout = 60s;
    const auto configured = run_process({cmake, "-S", (dir / "src").string(), "-B", build.string(),
                                         "-G", ninja ? "Ninja" : "Unix Makefiles"},
                                        po);
    ASSERT_TRUE(configured.ok()) << configured.output;
    auto targets = build_targets(build.string(), 60s);
    ASSERT_TRUE(targets.has_value());
    EXPECT_EQ(targets->count("wslab_lab1_tests"), 1u);
    EXPECT_EQ(targets->count("wslab_lab6_tests"), 0u);
    ASSERT_TRUE(
        run_process({cmake, "-S", (dir / "src").string(), "-B", build.string(), "-DWITH_SIX=ON"},
                    po)
            .ok());
    targets = build_targets(build.string(), 60s);
    ASSERT_TRUE(targets.has_value());
    EXPECT_EQ(targets->count("wslab_lab6_tests"), 1u);
  }
  EXPECT_FALSE(build_targets((dir / "not-configured").string(), 60s).has_value());
  fs::remove_all(dir);
}

// The solution passes check 6: the rooms cases and the scale cases run on three instances of
// the student server sharing one redis-server, and none of them is left when check ends.
TEST(LabsCheck, SlowCheck6PassesTheSolutionOnThreeInstancesSharingRedis) {
  if (const auto why = cannot_check_this_build(); !why.empty()) GTEST_SKIP() << why;
  if (find_on_path("redis-server").empty()) GTEST_SKIP() << "redis-server is not on PATH";
  ProcessOptions po;
  po.timeout = 600s;
  const auto r = run_process(check6(), po);
  ASSERT_TRUE(r.started && !r.timed_out && r.signal == 0) << r.describe() << "\n" << tail(r.output);
  const Cluster c = cluster_in(r.output);
  EXPECT_NE(c.redis, 0) << "no \"redis-server on redis://...\" line:\n" << tail(r.output);
  ASSERT_EQ(c.instances.size(), 3u) << tail(r.output);
  for (int k = 1; k <= 3; ++k) {
    EXPECT_NE(r.output.find("rooms instance " + std::to_string(k) + " on ws://127.0.0.1:" +
                            std::to_string(c.instances[static_cast<std::size_t>(k - 1)]) +
                            "/rooms (wslab-student-server --rooms --redis redis://127.0.0.1:" +
                            std::to_string(c.redis) + ")"),
              std::string::npos)
        << tail(r.output);
  }
  EXPECT_NE(r.output.find("member k of each rooms case connects to instance k mod 3"),
            std::string::npos);
  EXPECT_EQ(r.output.find("problem:"), std::string::npos) << tail(r.output);
  EXPECT_EQ(r.output.find("server:"), std::string::npos) << tail(r.output);
  // Lab 5's rooms cases and lab 6's (scale, robustness) all ran and passed.
  for (const int lab : {5, 6}) {
    const auto [passed, ran] = cases_of(r.output, lab);
    EXPECT_GT(ran, lab == 5 ? 20 : 7) << "lab " << lab << "\n" << tail(r.output);
    EXPECT_EQ(passed, ran) << "lab " << lab << "\n" << tail(r.output);
  }
  EXPECT_NE(r.output.find("every case passed"), std::string::npos) << tail(r.output);
  EXPECT_EQ(r.exit_code, 0) << "the solution must pass check 6\n" << tail(r.output);
  EXPECT_NE(r.output.find("check 6: PASS"), std::string::npos) << tail(r.output);
  // Nothing outlives the check.
  EXPECT_FALSE(c.redis != 0 && listening(c.redis)) << "redis-server outlived wslab check";
  for (const int port : c.instances) EXPECT_FALSE(listening(port)) << "instance on " << port;
}

// Without redis-server on PATH, check 6 says how to install it, the rooms and scale cases are
// ERROR (never a hang or a crash), and the labs before still pass.
TEST(LabsCheck, SlowCheck6WithoutRedisServerSaysSoAndTheRoomsCasesAreError) {
  if (const auto why = cannot_check_this_build(); !why.empty()) GTEST_SKIP() << why;
  const fs::path empty = fs::path(WSLAB_BUILD_DIR) / "labs-empty-path";
  fs::create_directories(empty);
  ProcessOptions po;
  po.timeout = 600s;
  const auto r = run_process(check6({"/usr/bin/env", "PATH=" + empty.string()}), po);
  ASSERT_TRUE(r.started && !r.timed_out && r.signal == 0) << r.describe() << "\n" << tail(r.output);
  EXPECT_EQ(r.exit_code, 1) << tail(r.output);
  EXPECT_NE(r.output.find("problem: redis-server is not on PATH: lab 6 runs your rooms server as 3 "
                          "instances sharing a throw-away Redis (sudo apt-get install "
                          "redis-server); the rooms and scale cases are ERROR"),
            std::string::npos)
      << tail(r.output);
  EXPECT_EQ(r.output.find("redis-server on redis://"), std::string::npos);
  const std::regex rooms_error(R"(ERROR +(rooms|scale)\.)");
  EXPECT_TRUE(std::regex_search(r.output, rooms_error)) << tail(r.output);
  const auto [rooms_passed, rooms_ran] = cases_of(r.output, 5);
  EXPECT_GT(rooms_ran, 20) << tail(r.output);
  EXPECT_EQ(rooms_passed, 0) << tail(r.output);
  for (const int lab : {1, 2, 3, 4}) {
    const auto [passed, ran] = cases_of(r.output, lab);
    EXPECT_EQ(passed, ran) << "lab " << lab << "\n" << tail(r.output);
  }
  EXPECT_NE(r.output.find("check 6: FAIL"), std::string::npos) << tail(r.output);
}

// Ctrl-C during check 6 kills redis-server and the instances (they run in process groups of
// their own, so the terminal's SIGINT does not reach them), and check dies of the SIGINT.
TEST(LabsCheck, SlowInterruptedCheck6LeavesNoServerBehind) {
  if (const auto why = cannot_check_this_build(); !why.empty()) GTEST_SKIP() << why;
  if (find_on_path("redis-server").empty()) GTEST_SKIP() << "redis-server is not on PATH";
  int out[2];
  ASSERT_EQ(::pipe2(out, O_CLOEXEC), 0);
  const auto argv_strings = check6();
  std::vector<char*> argv;
  for (const auto& a : argv_strings) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::signal(SIGINT, SIG_DFL);  // as at a terminal (a background job starts with it ignored)
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  // Read until the third instance is up (after the unit tests of labs 1..6), then interrupt.
  std::string output;
  Cluster c;
  const auto deadline = std::chrono::steady_clock::now() + 300s;
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    const ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    output.append(buf, static_cast<std::size_t>(n));
    c = cluster_in(output);
    if (c.instances.size() == 3) break;
  }
  const bool started = c.redis != 0 && c.instances.size() == 3;
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(out[0]);
  ASSERT_TRUE(started) << "check 6 did not get to start the cluster:\n" << tail(output);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) << "status " << status;
  std::this_thread::sleep_for(300ms);  // SIGKILLed: gone once the kernel has closed the sockets
  EXPECT_FALSE(listening(c.redis)) << "redis-server outlived an interrupted wslab check";
  for (const int port : c.instances) {
    EXPECT_FALSE(listening(port)) << "a rooms instance outlived an interrupted wslab check";
  }
}

// The children of `parent` (from /proc/<pid>/stat's ppid field).
std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "stat");
    std::string stat;
    std::getline(in, stat);
    const auto close = stat.rfind(')');  // the command may contain spaces and parentheses
    if (close == std::string::npos) continue;
    char state = 0;
    int ppid = 0;
    if (std::sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) == 2 && ppid == parent)
      out.push_back(static_cast<pid_t>(std::stoi(name)));
  }
  return out;
}

// Gone: no such process, or a zombie nobody has reaped yet (it holds no socket).
bool gone(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return true;
  const auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z';
}

// wslab conform starts the server under test and built-in rooms and heartbeat servers in
// process groups of their own (a terminal's Ctrl-C does not reach them): however conform is
// stopped, it must kill them all, not only the last one it started. Runs `wslab conform
// --lab 5` until cases run, then `stop(pid, output_fd)`; expects conform to die of `signal`.
void expect_no_server_outlives(const std::function<void(pid_t, int&)>& stop, int signal) {
  int out[2];
  ASSERT_EQ(::pipe2(out, O_CLOEXEC), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    for (int s : {SIGINT, SIGPIPE}) ::signal(s, SIG_DFL);  // as at a terminal
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    ::execl(WSLAB_BIN, WSLAB_BIN, "conform", "--lab", "5", "--jobs", "1", "--no-color",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out[1]);
  // Cases of lab 1 are running: the target, the heartbeat and the rooms servers are up.
  std::string output;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline && output.find("[20/") == std::string::npos) {
    const ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    output.append(buf, static_cast<std::size_t>(n));
  }
  const std::vector<pid_t> servers = children_of(pid);
  stop(pid, out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (out[0] >= 0) ::close(out[0]);
  ASSERT_NE(output.find("[20/"), std::string::npos) << "conform did not get to run cases:\n"
                                                    << tail(output);
  ASSERT_EQ(servers.size(), 3u)
      << "expected 3 servers (the target, the heartbeat and the rooms servers) as children";
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == signal)
      << "status " << status << ", expected death by signal " << signal;
  for (const pid_t server : servers) {
    const bool ended = [&] {
      for (int i = 0; i < 100; ++i) {
        if (gone(server)) return true;
        std::this_thread::sleep_for(20ms);
      }
      return false;
    }();
    EXPECT_TRUE(ended) << "server process " << server << " outlived conform";
    if (!ended) ::kill(-server, SIGKILL);  // do not leave it to the next test
  }
}

TEST(ConformInterrupt, SlowNoServerOutlivesAnInterruptedConform) {
  expect_no_server_outlives([](pid_t pid, int&) { ::kill(pid, SIGINT); }, SIGINT);
}

// `wslab conform | head`: the reader goes away, the next write raises SIGPIPE.
TEST(ConformInterrupt, SlowNoServerOutlivesAConformWhoseOutputIsClosed) {
  expect_no_server_outlives(
      [](pid_t, int& fd) {
        ::close(fd);
        fd = -1;
      },
      SIGPIPE);
}

}  // namespace
}  // namespace wslab::labs
