// Hostile targets (calibration 4): a server that accepts and never answers,
// one that answers garbage, one that announces a 2^62-byte frame and trickles
// it, one that closes at once. Real catalog cases run against each: the run
// ends, every verdict is FAIL, TIMEOUT or ERROR (never PASS), and the
// harness's memory stays bounded (RFC 6455 §10.4 applies to us too).
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

#include "scripted_server.hpp"
#include "wslab/harness/runner.hpp"

namespace wslab::harness {
namespace {

using namespace wslab::harness::testing;

// A handful of cases from different groups; ids that no longer exist are skipped.
std::vector<const Case*> handful() {
  std::vector<const Case*> out;
  for (auto id : {"handshake.valid.101", "framing.mask.server-frames-unmasked",
                  "ping.payload.125-bytes", "utf8.invalid.kosme-prefix-4", "close.code.valid.1002",
                  "fragmentation.text.empty-final-fragment", "limits.binary.256kib"}) {
    if (const Case* c = catalog().find(id)) out.push_back(c);
  }
  return out;
}

long max_rss_kib() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

void expect_no_pass(const ScriptedServer& server, const char* what) {
  auto cases = handful();
  if (cases.size() < 3) GTEST_SKIP() << "the catalog does not have the cases this test uses yet";
  long before = max_rss_kib();
  RunOptions o;
  o.target.port = server.port();
  o.jobs = 4;
  o.timeout_scale = 0.25;  // hostile servers make every case wait out its timeout
  auto r = run_cases(cases, o);
  ASSERT_EQ(r.outcomes.size(), cases.size());
  for (const auto& oc : r.outcomes) {
    EXPECT_TRUE(oc.failed()) << what << ": " << oc.info.id << " was "
                             << verdict_name(oc.result.verdict) << ": " << oc.result.observed;
  }
  EXPECT_NE(r.exit_code(), 0);
  auto t = r.totals();
  std::printf("%s: %d fail, %d timeout, %d error in %lld ms\n", what, t.fail, t.timeout, t.error,
              static_cast<long long>(r.duration.count()));
  EXPECT_LT(max_rss_kib() - before, 256 * 1024)
      << what << ": memory grew by " << (max_rss_kib() - before) << " KiB";
}

TEST(HarnessHostile, ServerThatNeverAnswers) {
  ScriptedServer server([](int fd) { read_until_quiet(fd, 4000); });
  expect_no_pass(server, "never answers");
}

TEST(HarnessHostile, ServerThatAnswersGarbage) {
  ScriptedServer server([](int fd) {
    read_head(fd, 1000);
    std::string junk;
    for (int i = 0; i < 4096; ++i) junk += static_cast<char>((i * 131 + 7) & 0xff);
    write_all(fd, "garbage\r\n\r\n" + junk);
    read_until_quiet(fd, 1500);
  });
  expect_no_pass(server, "garbage");
}

TEST(HarnessHostile, ServerThatAnnouncesA2To62ByteFrameAndTricklesIt) {
  ScriptedServer server([](int fd) {
    if (!do_handshake(fd)) return;
    write_all(fd, std::string("\x82\x7f\x40\x00\x00\x00\x00\x00\x00\x00", 10));
    for (int i = 0; i < 300; ++i) {
      if (!write_all(fd, "x")) break;
      usleep(10000);
    }
  });
  expect_no_pass(server, "2^62 trickle");
}

TEST(HarnessHostile, ServerThatClosesAtOnce) {
  ScriptedServer server([](int) {});
  expect_no_pass(server, "closes at once");
}

}  // namespace
}  // namespace wslab::harness
