// wslab check's own logic: which later lab a failed case waits for (from its
// wire log), the lab table, and the process runner's deadline.
#include <gtest/gtest.h>

#include <filesystem>

#include "wslab/frame.hpp"
#include "wslab/handshake.hpp"
#include "wslab/labs/deferral.hpp"
#include "wslab/labs/lab_info.hpp"
#include "wslab/labs/process.hpp"

namespace wslab::labs {
namespace {

harness::WireRecord sent(std::string bytes, std::uint32_t conn = 0) {
  harness::WireRecord r;
  r.direction = harness::Direction::kSent;
  r.connection = conn;
  r.bytes = std::move(bytes);
  return r;
}
harness::WireRecord received(std::string bytes, std::uint32_t conn = 0) {
  harness::WireRecord r = sent(std::move(bytes), conn);
  r.direction = harness::Direction::kReceived;
  return r;
}

const std::string kRequest =
    "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

harness::CaseOutcome failed_case(int lab) {
  harness::CaseOutcome o;
  o.info.lab = lab;
  o.info.id = "x";
  o.result.verdict = harness::Verdict::kFail;
  return o;
}

std::string masked(Opcode op, std::string_view payload, bool fin) {
  const MaskKey key{1, 2, 3, 4};
  return encode_frame(op, payload, fin, &key);
}

// A lab-2 case that sends a text message in fragments waits for lab 3.
TEST(LabsTool, FragmentedMessageWaitsForLab3) {
  auto o = failed_case(2);
  o.wire = {sent(kRequest), received(build_accept_response("dGhlIHNhbXBsZSBub25jZQ==", "", "x")),
            sent(masked(Opcode::kText, "ab", false) + masked(Opcode::kContinuation, "c", true))};
  EXPECT_EQ(later_lab_needed(o), 3);
}

// A lab-1 case whose 101 was right but whose echo failed waits for lab 2.
TEST(LabsTool, CorrectHandshakeThenFramesWaitsForLab2) {
  auto o = failed_case(1);
  o.wire = {sent(kRequest), received(build_accept_response("dGhlIHNhbXBsZSBub25jZQ==", "", "x")),
            sent(masked(Opcode::kText, "hello", true))};
  EXPECT_EQ(later_lab_needed(o), 2);
}

// A wrong 101 is lab 1's own failure, frames or not.
TEST(LabsTool, WrongAcceptIsNotDeferred) {
  auto o = failed_case(1);
  o.wire = {
      sent(kRequest),
      received("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n"),
      sent(masked(Opcode::kText, "hello", true))};
  EXPECT_EQ(later_lab_needed(o), 0);
}

// A frame cut short (the server hung up while it was sent in pieces) puts the
// walk out of step with the frames after it: what it then reads as a
// continuation header is garbage, and only complete frames count.
TEST(LabsTool, CutFrameDoesNotMakeGarbageLookLikeFragments) {
  auto o = failed_case(2);
  std::string cut = masked(Opcode::kText, "hello", true);
  cut.resize(cut.size() - 2);  // 3 of the 5 payload bytes
  // The probe's Close follows; read out of step, its mask key 80 81 looks like the header
  // of a masked continuation frame with 1 byte of payload, which the bytes left cannot hold.
  const MaskKey key{0x80, 0x81, 1, 2};
  o.wire = {sent(kRequest), received(build_accept_response("dGhlIHNhbXBsZSBub25jZQ==", "", "x")),
            sent(cut + encode_frame(Opcode::kClose, std::string("\x03\xe8", 2), true, &key))};
  EXPECT_EQ(later_lab_needed(o), 0);
}

TEST(LabsTool, UnfragmentedFramesAreNotDeferred) {
  auto o = failed_case(2);
  o.wire = {sent(kRequest),
            sent(masked(Opcode::kText, "a", true) + masked(Opcode::kPing, "p", true))};
  EXPECT_EQ(later_lab_needed(o), 0);
}

TEST(LabsTool, LabTableNamesHandoutsAndTargets) {
  ASSERT_EQ(all_labs().size(), 6u);
  EXPECT_EQ(find_lab(1)->handout(), "labs/01-handshake/README.md");
  EXPECT_EQ(find_lab(3)->test_target(), "wslab_lab3_tests");
  EXPECT_EQ(find_lab(6)->handout(), "labs/06-scale-out/README.md");
  EXPECT_EQ(find_lab(6)->test_target(), "wslab_lab6_tests");
  EXPECT_EQ(find_lab(6)->packages, "libhiredis-dev redis-server");
  EXPECT_EQ(find_lab(0), nullptr);
  EXPECT_EQ(find_lab(7), nullptr);
  // Numbered 1..N in order, each with its handout and lesson in the tree; only lab 6 needs
  // packages beyond the base ones.
  for (std::size_t i = 0; i < all_labs().size(); ++i) {
    const LabInfo& l = all_labs()[i];
    EXPECT_EQ(l.number, static_cast<int>(i) + 1);
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(WSLAB_SOURCE_DIR) / l.handout()))
        << l.handout();
    EXPECT_TRUE(
        std::filesystem::exists(std::filesystem::path(WSLAB_SOURCE_DIR) / std::string(l.lesson)))
        << l.lesson;
    EXPECT_EQ(l.packages.empty(), l.number != 6) << l.number;
  }
}

TEST(LabsTool, ProcessRunnerReportsExitSignalAndDeadline) {
  ProcessOptions po;
  po.timeout = std::chrono::milliseconds(5000);
  const auto ok = run_process({"/bin/sh", "-c", "echo hi; exit 3"}, po);
  EXPECT_EQ(ok.exit_code, 3);
  EXPECT_EQ(ok.output, "hi\n");
  const auto killed = run_process({"/bin/sh", "-c", "kill -SEGV $$"}, po);
  EXPECT_EQ(killed.signal, 11) << killed.describe();
  po.timeout = std::chrono::milliseconds(200);
  const auto hung = run_process({"/bin/sh", "-c", "sleep 30"}, po);
  EXPECT_TRUE(hung.timed_out) << hung.describe();
  const auto missing = run_process({"/nonexistent/wslab-no-such-binary"}, po);
  EXPECT_EQ(missing.exit_code, 127) << missing.describe();
}

}  // namespace
}  // namespace wslab::labs
