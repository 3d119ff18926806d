// The labs are cumulative, so each lab's conformance cases must be satisfiable
// with the labs before it done and nothing more:
//  - a lab-1 case needs only the opening handshake: it passes against a server
//    that does the handshake and then never answers a frame (what a student
//    has after lab 1), and it sends no frame after a correct 101;
//  - a lab-2 case needs no fragment assembly: it never sends a fragmented
//    data message (FIN=0 or a continuation frame; RFC 6455 §5.4 is lab 3).
// Decided from what the cases send on the wire (the same reading as
// `wslab check`'s "waits for a later lab"), so the rule is checked on data,
// not on a list of ids.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "wslab/harness/case.hpp"
#include "wslab/harness/runner.hpp"
#include "wslab/harness/server_process.hpp"
#include "wslab/labs/deferral.hpp"
#include "wslab/session.hpp"

namespace wslab::labs {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

Millis now_ms() {
  return std::chrono::duration_cast<Millis>(Clock::now().time_since_epoch());
}

// A server that has done lab 1 only: core's Session answers the opening
// handshake (the 101 or the HTTP error), and after a 101 every byte is read
// and dropped: no echo, no Pong, no Close. It closes TCP when the client
// does, or after 4 s.
class HandshakeOnlyServer {
 public:
  HandshakeOnlyServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 128) != 0) {
      return;
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    accept_thread_ = std::thread([this] { accept_loop(); });
  }
  ~HandshakeOnlyServer() {
    stop_ = true;
    if (accept_thread_.joinable()) accept_thread_.join();
    ::close(fd_);
    std::lock_guard lock(mu_);
    for (auto& t : workers_) t.join();
  }
  HandshakeOnlyServer(const HandshakeOnlyServer&) = delete;
  HandshakeOnlyServer& operator=(const HandshakeOnlyServer&) = delete;
  [[nodiscard]] std::uint16_t port() const { return port_; }

 private:
  void accept_loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      std::lock_guard lock(mu_);
      workers_.emplace_back([this, c] {
        serve(c);
        ::close(c);
      });
    }
  }

  static bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  void serve(int fd) const {
    Session session(SessionConfig{});
    session.start(now_ms());
    const auto end = Clock::now() + 4s;
    bool open = false;
    char buf[16384];
    while (!stop_ && Clock::now() < end) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) return;
      if (open) continue;  // lab 1 only: frames are not understood yet
      session.on_bytes(std::string_view(buf, static_cast<std::size_t>(n)), now_ms());
      while (session.poll_event()) {
      }
      std::string out(session.pending_output());
      if (session.state() == SessionState::kOpen || session.state() == SessionState::kClosing ||
          (session.state() == SessionState::kClosed && out.rfind("HTTP/1.1 101", 0) == 0)) {
        // Only the 101's head: whatever the Session would answer to frames that came in
        // the same read is lab 2's work.
        const auto head_end = out.find("\r\n\r\n");
        if (head_end != std::string::npos) out.resize(head_end + 4);
        open = true;
      }
      if (!write_all(fd, out)) return;
      session.consume_output(session.pending_output().size());
      if (!open && session.should_close_transport()) return;
    }
  }

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread accept_thread_;
  std::mutex mu_;
  std::vector<std::thread> workers_;
};

std::vector<const harness::Case*> cases_of_lab(int lab) {
  std::vector<const harness::Case*> out;
  for (const auto& c : harness::catalog().cases()) {
    if (c.info.lab == lab && c.info.needs == harness::TargetKind::kEcho) out.push_back(&c);
  }
  return out;
}

harness::RunReport run(const std::vector<const harness::Case*>& cases, std::uint16_t port) {
  harness::RunOptions o;
  o.target.port = port;
  o.jobs = 4;
  o.timeout_scale = 1.5;  // ctest runs other tests alongside
  o.quick = true;
  o.seed = 6455;
  o.keep_passing_wire = true;  // the rule is read from what every case sent
  return harness::run_cases(cases, o);
}

// What a case's probe sent, judged as if it had failed (the deferral rule reads the wire).
int later_lab_for(const harness::CaseOutcome& oc) {
  harness::CaseOutcome judged = oc;
  judged.result.verdict = harness::Verdict::kFail;
  return later_lab_needed(judged);
}

// Lab 1 is the opening handshake (RFC 6455 §4): its cases pass against a server that can
// do nothing else, and send no frame after a correct 101.
TEST(LabsOrder, Lab1CasesNeedOnlyTheHandshake) {
  HandshakeOnlyServer server;
  ASSERT_NE(server.port(), 0);
  const auto cases = cases_of_lab(1);
  ASSERT_FALSE(cases.empty());
  const harness::RunReport report = run(cases, server.port());
  ASSERT_EQ(report.outcomes.size(), cases.size());
  for (const auto& oc : report.outcomes) {
    EXPECT_FALSE(oc.failed()) << oc.info.id << " is lab 1 but fails against a server that does "
                              << "only the opening handshake: "
                              << harness::verdict_name(oc.result.verdict)
                              << "\n  expected: " << oc.result.expected
                              << "\n  observed: " << oc.result.observed
                              << "\n(move it to the lab whose feature it needs)";
    EXPECT_EQ(later_lab_for(oc), 0)
        << oc.info.id << " is lab 1 but sends frames after a correct 101 (frames are lab 2)";
  }
}

std::string wslab_binary() {
  return WSLAB_BIN;
}

// Lab 2 is framing (§5.2): its cases never send a fragmented message (§5.4, lab 3).
TEST(LabsOrder, Lab2CasesSendNoFragments) {
  if (!fs::exists(wslab_binary())) GTEST_SKIP() << "wslab not built: " << wslab_binary();
  harness::ServerSpec spec;
  spec.argv = {wslab_binary(), "serve", "--port", "0", "--quiet"};
  auto server = harness::ServerProcess::start(spec);
  ASSERT_TRUE(server) << server.error();
  const auto cases = cases_of_lab(2);
  ASSERT_FALSE(cases.empty());
  const harness::RunReport report = run(cases, (*server)->port());
  (*server)->stop();
  ASSERT_EQ(report.outcomes.size(), cases.size());
  for (const auto& oc : report.outcomes) {
    EXPECT_FALSE(oc.failed()) << oc.info.id << ": " << harness::verdict_name(oc.result.verdict)
                              << " against wslab serve: " << oc.result.observed;
    EXPECT_LE(later_lab_for(oc), 2)
        << oc.info.id << " is lab 2 but sends a fragmented message (fragments are lab 3)";
  }
}

// The rule has teeth: the handshake-only server fails a case that sends a message after
// the 101 and expects its echo, and the wire reading sees the frames.
TEST(LabsOrder, HandshakeOnlyServerFailsEchoCases) {
  HandshakeOnlyServer server;
  std::vector<const harness::Case*> echo;
  for (const auto& c : harness::catalog().cases()) {
    if (c.info.id == "framing.text.len-125") echo.push_back(&c);
  }
  ASSERT_EQ(echo.size(), 1u) << "the framing case this test uses was renamed";
  const harness::RunReport report = run(echo, server.port());
  ASSERT_EQ(report.outcomes.size(), 1u);
  EXPECT_TRUE(report.outcomes[0].failed()) << report.outcomes[0].result.observed;
  harness::CaseOutcome as_lab1 = report.outcomes[0];
  as_lab1.info.lab = 1;
  EXPECT_EQ(later_lab_for(as_lab1), 2);
}

}  // namespace
}  // namespace wslab::labs
