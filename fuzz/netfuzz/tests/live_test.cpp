// The network fuzzer against live servers on loopback (label "slow"):
// `wslab serve`'s echo server in-process (no crash, no difference after
// normalisation) and deliberately broken servers (each reported).
#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include "broken_server.hpp"
#include "wslab/net/echo_app.hpp"
#include "wslab/net/event_loop.hpp"
#include "wslab/net/server.hpp"
#include "wslab/netfuzz/netfuzz.hpp"

namespace wslab::netfuzz {
namespace {

// net's echo server (what `wslab serve` runs) on its own thread.
class EchoServerThread {
 public:
  EchoServerThread() {
    net::ServerOptions options;
    options.log = net::LogLevel::kQuiet;
    server_ = std::make_unique<net::Server>(loop_, app_, options);
    if (Status s = server_->listen(); !s) throw std::runtime_error(s.message());
    thread_ = std::thread([this] { loop_.run(); });
  }
  ~EchoServerThread() {
    server_->request_shutdown();
    thread_.join();
  }
  [[nodiscard]] std::uint16_t port() const { return server_->port(); }

 private:
  net::EchoApp app_;
  net::EventLoop loop_;
  std::unique_ptr<net::Server> server_;
  std::thread thread_;
};

FuzzOptions options_for(std::uint16_t port, std::uint64_t runs) {
  FuzzOptions o;
  o.url = "ws://127.0.0.1:" + std::to_string(port) + "/";
  o.seed = 1;
  o.runs = runs;
  o.run.silence = Millis{300};
  o.max_findings = 5;
  return o;
}

std::string kinds(const FuzzSummary& s) {
  std::string out;
  for (const auto& f : s.findings) out += std::string(kind_name(f.kind)) + ": " + f.what + "\n";
  return out;
}

TEST(FuzzNetFuzzLive, WslabEchoServerHasNoCrashAndNoDifference) {
  EchoServerThread server;
  std::ostringstream out;
  const auto r = run_network_fuzzer(options_for(server.port(), 80), out);
  ASSERT_TRUE(r.is_ok()) << r.error();
  EXPECT_EQ(r->count(Finding::Kind::kCrash), 0u) << out.str();
  EXPECT_EQ(r->count(Finding::Kind::kHang), 0u) << out.str();
  EXPECT_EQ(r->count(Finding::Kind::kViolation), 0u) << out.str();
  EXPECT_EQ(r->count(Finding::Kind::kDifference), 0u) << out.str();
  EXPECT_EQ(r->runs, 80u);
  std::cout << out.str().substr(out.str().rfind("\nwslab fuzz:") + 1);
}

TEST(FuzzNetFuzzLive, ServerThatNeverAnswersPingsIsReported) {
  test::BrokenServer server(test::Breakage::kNeverPongs);
  std::ostringstream out;
  const auto r = run_network_fuzzer(options_for(server.port(), 60), out);
  ASSERT_TRUE(r.is_ok()) << r.error();
  bool found = false;
  for (const auto& f : r->findings) {
    found = found || (f.kind == Finding::Kind::kDifference &&
                      f.what.find("never answered a Ping") != std::string::npos);
  }
  EXPECT_TRUE(found) << kinds(*r) << out.str();
}

TEST(FuzzNetFuzzLive, ServerThatClosesWith1000OnErrorsIsReported) {
  test::BrokenServer server(test::Breakage::kAlwaysClose1000);
  std::ostringstream out;
  const auto r = run_network_fuzzer(options_for(server.port(), 60), out);
  ASSERT_TRUE(r.is_ok()) << r.error();
  bool found = false;
  for (const auto& f : r->findings) {
    found = found || (f.kind == Finding::Kind::kDifference && f.target.terminal == "close 1000" &&
                      f.reference.terminal == "rejected");
  }
  EXPECT_TRUE(found) << kinds(*r) << out.str();
  // The report carries a minimised conversation and a reproducer.
  EXPECT_NE(out.str().find("minimised from"), std::string::npos);
  EXPECT_NE(out.str().find("reproduce: wslab fuzz"), std::string::npos);
}

// A crash is always reported. In-process: the server stops accepting after the
// first Ping (connection refused = crash), and fuzzing stops.
TEST(FuzzNetFuzzLive, TargetThatStopsListeningIsReportedAsACrash) {
  test::BrokenServer server(test::Breakage::kDieOnPing);
  std::ostringstream out;
  const auto r = run_network_fuzzer(options_for(server.port(), 40), out);
  ASSERT_TRUE(r.is_ok()) << r.error();
  ASSERT_EQ(r->count(Finding::Kind::kCrash), 1u) << kinds(*r) << out.str();
  EXPECT_NE(out.str().find("the target is down: stopping"), std::string::npos) << out.str();
  EXPECT_LT(r->runs, 40u);
}

TEST(FuzzNetFuzzLive, TargetThatStopsAnsweringIsReportedAsAHang) {
  test::BrokenServer server(test::Breakage::kHangOnPing);
  std::ostringstream out;
  const auto r = run_network_fuzzer(options_for(server.port(), 40), out);
  ASSERT_TRUE(r.is_ok()) << r.error();
  ASSERT_EQ(r->count(Finding::Kind::kHang), 1u) << kinds(*r) << out.str();
  EXPECT_LT(r->runs, 40u);
}

// With --spawn the death is seen (the signal), the target restarted, fuzzing goes on.
TEST(FuzzNetFuzzLive, SpawnedTargetThatAbortsIsReportedAndRestarted) {
  FuzzOptions o = options_for(0, 25);
  o.url.clear();
  o.spawn = std::string(WSLAB_NETFUZZ_TEST_SERVER) + " {port} die-on-ping";
  o.minimize = false;
  std::ostringstream out;
  const auto r = run_network_fuzzer(o, out);
  ASSERT_TRUE(r.is_ok()) << r.error();
  ASSERT_GE(r->count(Finding::Kind::kCrash), 1u) << kinds(*r) << out.str();
  EXPECT_NE(out.str().find("SIGABRT"), std::string::npos) << out.str();
  EXPECT_EQ(r->runs, 25u);  // restarted each time, never stopped
}

TEST(FuzzNetFuzzLive, CorrectTestServerShowsNoDifference) {
  // Guards the two tests above: the test server itself, unbroken, is clean.
  test::BrokenServer server(test::Breakage::kNone);
  std::ostringstream out;
  const auto r = run_network_fuzzer(options_for(server.port(), 40), out);
  ASSERT_TRUE(r.is_ok()) << r.error();
  EXPECT_EQ(r->count(Finding::Kind::kDifference), 0u) << kinds(*r) << out.str();
}

}  // namespace
}  // namespace wslab::netfuzz
