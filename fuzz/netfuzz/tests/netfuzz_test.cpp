// Unit tests of the network fuzzer (no network): conversations, determinism,
// the oracle, and each normalisation rule of outcome.cpp, which cites the
// libwebsockets deviation or RFC 6455 freedom it absorbs.
#include "wslab/netfuzz/netfuzz.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "wslab/close.hpp"
#include "wslab/netfuzz/conversation.hpp"
#include "wslab/netfuzz/mutator.hpp"
#include "wslab/netfuzz/outcome.hpp"

namespace wslab::netfuzz {
namespace {

using harness::Observation;

Observation obs(Observation::Kind kind, std::string payload = {},
                std::optional<std::uint16_t> code = std::nullopt) {
  Observation o;
  o.kind = kind;
  o.payload = std::move(payload);
  o.code = code;
  return o;
}

Outcome outcome(std::vector<Observation> observations) {
  Outcome o;
  o.connected = true;
  o.observations = std::move(observations);
  return o;
}

FrameSpec frame(Opcode op, std::string payload, bool fin = true) {
  FrameSpec f;
  f.opcode = static_cast<std::uint8_t>(op);
  f.payload = std::move(payload);
  f.fin = fin;
  return f;
}

Conversation text_then_close(std::uint16_t code) {
  Conversation c;
  c.frames = {frame(Opcode::kText, "Hello"), frame(Opcode::kClose, encode_close_payload(code))};
  return c;
}

TEST(FuzzNetFuzz, ConversationFileRoundTripsEveryMutatedRun) {
  for (std::uint64_t run = 0; run < 200; ++run) {
    const Mutated m = make_run(5, run);
    const auto back = Conversation::from_text(m.conversation.to_text());
    ASSERT_TRUE(back.is_ok()) << back.error() << "\n" << m.conversation.to_text();
    EXPECT_EQ(back->stream(), m.conversation.stream()) << "run " << run;
    ASSERT_EQ(back->pieces().size(), m.conversation.pieces().size()) << "run " << run;
  }
}

TEST(FuzzNetFuzz, SameSeedAndRunGiveTheSameConversation) {
  for (std::uint64_t run = 0; run < 50; ++run) {
    EXPECT_EQ(make_run(42, run).conversation.to_text(), make_run(42, run).conversation.to_text());
  }
  int differing = 0;
  for (std::uint64_t run = 0; run < 20; ++run) {
    differing += make_run(1, run).conversation.to_text() != make_run(2, run).conversation.to_text();
  }
  EXPECT_GT(differing, 10);
}

TEST(FuzzNetFuzz, PiecesCoverTheStreamInOrder) {
  Conversation c = text_then_close(1000);
  const std::string all = c.stream();
  c.cuts = {{5, Millis{40}}, {2, Millis{0}}, {5, Millis{1}}, {999, Millis{7}}};
  std::string joined;
  for (const auto& p : c.pieces()) joined += p.bytes;
  EXPECT_EQ(joined, all);
  ASSERT_EQ(c.pieces().size(), 3u);
  EXPECT_EQ(c.pieces()[1].pause, Millis{41});  // two cuts at 5: pauses add up
  EXPECT_EQ(c.pieces().back().pause, Millis{0});
}

TEST(FuzzNetFuzz, ReplayFileErrorsNameTheLine) {
  const auto r = Conversation::from_text("frame op=1 payload=41\nframe op=99\n");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.error().find("line 2"), std::string::npos) << r.error();
}

// Every seed is valid: core echoes it and closes normally (§5.5.1).
TEST(FuzzNetFuzz, SeedConversationsAreValid) {
  for (const auto& seed : seed_conversations()) {
    const Oracle o = compute_oracle(seed);
    EXPECT_EQ(o.terminal.rfind("close ", 0), 0u) << o.terminal << "\n" << seed.describe();
    EXPECT_TRUE(o.reference_unreliable.empty());
    EXPECT_FALSE(o.incomplete_frame);
  }
}

// R6 / RFC 6455 §5.1: lws accepts unmasked frames, so the oracle judges them.
TEST(FuzzNetFuzz, UnmaskedFrameMakesTheReferenceUnreliable) {
  Conversation c = text_then_close(1000);
  c.frames[0].mask = MaskMode::kUnmasked;
  const Oracle o = compute_oracle(c);
  EXPECT_EQ(o.terminal, "rejected");
  EXPECT_FALSE(o.reference_unreliable.empty());
}

// R1 (lws notes §3: some protocol errors end with a TCP drop, no Close).
TEST(FuzzNetFuzz, Close1002AndTcpDropAreBothRejected) {
  Conversation c;
  c.frames = {frame(Opcode::kText, "x")};
  c.frames[0].opcode = 0x3;  // reserved (§5.2)
  const Oracle o = compute_oracle(c);
  const Normalized with_close = normalize(
      outcome({obs(Observation::Kind::kClose, "", 1002), obs(Observation::Kind::kTcpClosed)}), o);
  const Normalized drop = normalize(outcome({obs(Observation::Kind::kTcpClosed)}), o);
  EXPECT_EQ(with_close.terminal, "rejected");
  EXPECT_EQ(drop.terminal, "rejected");
  EXPECT_TRUE(compare(with_close, drop, o).same);
}

// R2 (lws notes §3: 1012-1014 refused by lws, 5000+ echoed by lws).
TEST(FuzzNetFuzz, DisputedCloseCodesAreNotDifferences) {
  for (const int code_value : {1012, 5000}) {
    const auto code = static_cast<std::uint16_t>(code_value);
    const Conversation c = text_then_close(code);
    const Oracle o = compute_oracle(c);
    const Normalized echoed = normalize(
        outcome({obs(Observation::Kind::kText, "Hello"), obs(Observation::Kind::kClose, "", code),
                 obs(Observation::Kind::kTcpClosed)}),
        o);
    const Normalized refused = normalize(
        outcome({obs(Observation::Kind::kText, "Hello"), obs(Observation::Kind::kClose, "", 1002),
                 obs(Observation::Kind::kTcpClosed)}),
        o);
    const Comparison cmp = compare(echoed, refused, o);
    EXPECT_TRUE(cmp.same) << code << ": " << cmp.why;
  }
  // ... but an undisputed code is compared strictly.
  const Conversation c = text_then_close(1000);
  const Oracle o = compute_oracle(c);
  const Normalized echoed = normalize(
      outcome({obs(Observation::Kind::kText, "Hello"), obs(Observation::Kind::kClose, "", 1000)}),
      o);
  const Normalized refused = normalize(
      outcome({obs(Observation::Kind::kText, "Hello"), obs(Observation::Kind::kClose, "", 1002)}),
      o);
  EXPECT_FALSE(compare(echoed, refused, o).same);
}

// R3 (RFC 6455 §5.5.1; allowlist close.normal.after-message): an echo of a
// message that came in the same read as the Close may be missing.
TEST(FuzzNetFuzz, EchoLostInTheLastReadIsNotADifference) {
  const Conversation c = text_then_close(1000);  // one write: text and Close together
  const Oracle o = compute_oracle(c);
  const Normalized with_echo = normalize(
      outcome({obs(Observation::Kind::kText, "Hello"), obs(Observation::Kind::kClose, "", 1000)}),
      o);
  const Normalized without = normalize(outcome({obs(Observation::Kind::kClose, "", 1000)}), o);
  EXPECT_TRUE(compare(without, with_echo, o).same);
}

TEST(FuzzNetFuzz, EchoLostInAnEarlierReadIsADifference) {
  Conversation c = text_then_close(1000);
  c.cuts = {{c.frames[0].build().size(), Millis{50}}};  // the Close comes in a later read
  const Oracle o = compute_oracle(c);
  const Normalized with_echo = normalize(
      outcome({obs(Observation::Kind::kText, "Hello"), obs(Observation::Kind::kClose, "", 1000)}),
      o);
  const Normalized without = normalize(outcome({obs(Observation::Kind::kClose, "", 1000)}), o);
  const Comparison cmp = compare(without, with_echo, o);
  EXPECT_FALSE(cmp.same);
  EXPECT_NE(cmp.why.find("echoed 0 messages"), std::string::npos) << cmp.why;
}

TEST(FuzzNetFuzz, ChangedEchoIsADifference) {
  Conversation c = text_then_close(1000);
  c.cuts = {{c.frames[0].build().size(), Millis{50}}};
  const Oracle o = compute_oracle(c);
  const Normalized right = normalize(
      outcome({obs(Observation::Kind::kText, "Hello"), obs(Observation::Kind::kClose, "", 1000)}),
      o);
  const Normalized wrong = normalize(
      outcome({obs(Observation::Kind::kText, "Hellp"), obs(Observation::Kind::kClose, "", 1000)}),
      o);
  EXPECT_FALSE(compare(wrong, right, o).same);
}

// R5 / §5.5.2: a Ping must be answered; how many Pongs is not compared.
TEST(FuzzNetFuzz, MissingPongIsADifferenceButPongCountIsNot) {
  Conversation c;
  c.frames = {frame(Opcode::kPing, "a"), frame(Opcode::kPing, "b"),
              frame(Opcode::kClose, encode_close_payload(1000))};
  c.cuts = {{c.frames[0].build().size() + c.frames[1].build().size(), Millis{50}}};
  const Oracle o = compute_oracle(c);
  const auto close = obs(Observation::Kind::kClose, "", 1000);
  const Normalized one = normalize(outcome({obs(Observation::Kind::kPong, "a"), close}), o);
  const Normalized two = normalize(
      outcome({obs(Observation::Kind::kPong, "a"), obs(Observation::Kind::kPong, "b"), close}), o);
  const Normalized none = normalize(outcome({close}), o);
  EXPECT_TRUE(compare(one, two, o).same);
  const Comparison cmp = compare(none, two, o);
  EXPECT_FALSE(cmp.same);
  EXPECT_NE(cmp.why.find("Ping"), std::string::npos) << cmp.why;
}

// R4 (allowlist limits.frame.length-2-pow-60): a frame that never completes.
TEST(FuzzNetFuzz, HugeIncompleteFrameTooBigEqualsSilence) {
  Conversation c;
  c.frames = {frame(Opcode::kBinary, "abcde")};
  c.frames[0].form = LengthForm::k64;
  c.frames[0].declared_length = 1ull << 60;
  const Oracle o = compute_oracle(c);
  EXPECT_TRUE(o.incomplete_frame);
  const Normalized too_big = normalize(outcome({obs(Observation::Kind::kClose, "", 1009)}), o);
  const Normalized silent = normalize(outcome({obs(Observation::Kind::kTimeout)}), o);
  EXPECT_TRUE(compare(too_big, silent, o).same);
}

// R7 / §5.5.1: data after our own Close is a violation of the target.
TEST(FuzzNetFuzz, DataAfterCloseIsAViolation) {
  const Oracle o = compute_oracle(text_then_close(1000));
  const Normalized n = normalize(
      outcome({obs(Observation::Kind::kClose, "", 1002), obs(Observation::Kind::kText, "late"),
               obs(Observation::Kind::kTcpClosed)}),
      o);
  ASSERT_FALSE(n.violations.empty());
  EXPECT_NE(n.violations[0].find("after its Close"), std::string::npos);
}

TEST(FuzzNetFuzz, PongWithAStrangePayloadIsAViolation) {
  Conversation c;
  c.frames = {frame(Opcode::kPing, "mine")};
  const Oracle o = compute_oracle(c);
  const Normalized n = normalize(
      outcome({obs(Observation::Kind::kPong, "yours"), obs(Observation::Kind::kTimeout)}), o);
  ASSERT_EQ(n.violations.size(), 1u);
}

// R8 (found by this fuzzer): lws fails a Pong whose payload is not UTF-8; §5.5.3
// allows any bytes, so the oracle judges such conversations.
TEST(FuzzNetFuzz, ControlPayloadThatIsNotUtf8MakesTheReferenceUnreliable) {
  Conversation c;
  c.frames = {frame(Opcode::kPong, std::string("\x0b\xb8"
                                               "app",
                                               5)),
              frame(Opcode::kClose, encode_close_payload(1000))};
  const Oracle o = compute_oracle(c);
  EXPECT_NE(o.reference_unreliable.find("R8"), std::string::npos) << o.reference_unreliable;
  EXPECT_EQ(o.terminal, "close 1000");
}

// R9 (found by this fuzzer): bytes after our Close in the same read; lws may drop
// without answering the Close. Excused for the reference only (§5.5.1 MUST answer).
TEST(FuzzNetFuzz, ReferenceDroppingAfterOurCloseIsExcusedButTheTargetIsNot) {
  Conversation c;
  c.frames = {frame(Opcode::kClose, encode_close_payload(1000)), frame(Opcode::kText, "junk")};
  c.frames[1].rsv2 = true;
  const Oracle o = compute_oracle(c);
  EXPECT_TRUE(o.bytes_after_close_in_read);
  const Normalized echoed = normalize(outcome({obs(Observation::Kind::kClose, "", 1000)}), o);
  const Normalized dropped = normalize(outcome({obs(Observation::Kind::kTcpClosed)}), o);
  EXPECT_TRUE(compare(echoed, dropped, o).same);
  EXPECT_FALSE(compare(dropped, echoed, o).same);
}

// R10 (found by this fuzzer): a Ping that came with part of the next frame.
TEST(FuzzNetFuzz, PongDeferredByAHalfReadFrameIsExcusedForTheReferenceOnly) {
  Conversation c;
  c.frames = {frame(Opcode::kPing, "mid"), frame(Opcode::kContinuation, "lo")};
  c.cuts = {{c.frames[0].build().size() + 3, Millis{60}}};  // ping + 3 bytes, then the rest
  const Oracle o = compute_oracle(c);
  ASSERT_EQ(o.terminal, "rejected");  // a continuation with no message (§5.4)
  const Normalized with_pong = normalize(
      outcome({obs(Observation::Kind::kPong, "mid"), obs(Observation::Kind::kClose, "", 1002)}), o);
  const Normalized without = normalize(outcome({obs(Observation::Kind::kClose, "", 1002)}), o);
  EXPECT_TRUE(compare(with_pong, without, o).same);
  EXPECT_FALSE(compare(without, with_pong, o).same);
}

// R11 (found by this fuzzer): lws drops TCP when our Close follows queued echoes.
TEST(FuzzNetFuzz, ReferenceDroppingWithEchoesQueuedIsExcusedButTheTargetIsNot) {
  Conversation c;
  c.frames = {frame(Opcode::kBinary, std::string(5000, 'L')),
              frame(Opcode::kBinary, std::string(5000, 'L')),
              frame(Opcode::kClose, encode_close_payload(1001))};
  const Oracle o = compute_oracle(c);
  ASSERT_TRUE(o.ended_by_our_close);
  const Normalized answered = normalize(outcome({obs(Observation::Kind::kClose, "", 1001)}), o);
  const Normalized dropped = normalize(outcome({obs(Observation::Kind::kTcpClosed)}), o);
  EXPECT_TRUE(compare(answered, dropped, o).same);
  EXPECT_FALSE(compare(dropped, answered, o).same);
  // Small messages: lws answers the Close, so a drop is a difference.
  c.frames[0].payload = "AA";
  c.frames[1].payload = "BB";
  const Oracle small = compute_oracle(c);
  EXPECT_FALSE(compare(normalize(outcome({obs(Observation::Kind::kClose, "", 1001)}), small),
                       normalize(outcome({obs(Observation::Kind::kTcpClosed)}), small), small)
                   .same);
}

TEST(FuzzNetFuzz, RemoteTargetIsRefusedWithoutAllowRemote) {
  FuzzOptions options;
  options.url = "ws://192.0.2.1:9001/";
  std::ostringstream out;
  const auto r = run_network_fuzzer(options, out);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.error().find("loopback"), std::string::npos) << r.error();
}

TEST(FuzzNetFuzz, MissingTargetIsAUsageError) {
  FuzzOptions options;
  std::ostringstream out;
  const auto r = run_network_fuzzer(options, out);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.error().find("--spawn"), std::string::npos) << r.error();
}

}  // namespace
}  // namespace wslab::netfuzz
