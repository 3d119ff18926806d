// Lab 3, steps 1-2: fragment assembly (RFC 6455 §5.4) with fail-fast UTF-8
// (§5.6, §8.1) and the names of the states (§4.1, §7).
#include <span>
#include <string>

#include "bytes.hpp"
#include "lab_test.hpp"
#include "wslab/message.hpp"
#include "wslab/session.hpp"

namespace wslab {
namespace {

using labtest::hex;
using labtest::unhex;

WSLAB_LAB_SUITE(Lab3Assembler);
WSLAB_LAB_SUITE(Lab3States);

FrameHeader header(std::uint8_t opcode, bool fin, std::uint64_t length) {
  FrameHeader h;
  h.opcode = opcode;
  h.fin = fin;
  h.masked = true;
  h.payload_length = length;
  return h;
}

std::span<const std::uint8_t> span_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Feeds one whole frame; returns the first error.
MessageError frame(MessageAssembler& a, std::uint8_t opcode, bool fin, const std::string& payload) {
  MessageError e = a.on_frame_header(header(opcode, fin, payload.size()));
  if (e != MessageError::kNone) return e;
  return a.on_payload(span_of(payload), true);
}

TEST_F(Lab3Assembler, SingleFinalFrameIsAWholeMessage) {
  MessageAssembler a;
  ASSERT_EQ(frame(a, 0x1, true, "hello"), MessageError::kNone) << "fed: text \"hello\" (FIN=1)";
  ASSERT_TRUE(a.message_ready()) << "fed: text \"hello\" (FIN=1)\nexpected: message_ready()";
  EXPECT_TRUE(a.is_text());
  EXPECT_EQ(a.take_message(), "hello");
  EXPECT_FALSE(a.message_ready()) << "take_message() resets";
  EXPECT_FALSE(a.in_message());
}

// §5.4: a fragmented message is a text/binary frame with FIN=0, continuations, and a FIN=1
// continuation.
TEST_F(Lab3Assembler, FragmentsAreJoinedInOrder) {
  MessageAssembler a;
  ASSERT_EQ(frame(a, 0x1, false, "Hel"), MessageError::kNone);
  EXPECT_FALSE(a.message_ready()) << "after the first fragment, the message is not ready";
  EXPECT_TRUE(a.in_message()) << "after the first fragment, a message is open";
  ASSERT_EQ(frame(a, 0x0, false, ""), MessageError::kNone) << "an empty continuation is legal";
  ASSERT_EQ(frame(a, 0x0, true, "lo"), MessageError::kNone);
  ASSERT_TRUE(a.message_ready())
      << "fed: text \"Hel\" (FIN=0), cont \"\" (FIN=0), cont \"lo\" (FIN=1)";
  EXPECT_EQ(a.take_message(), "Hello");
}

TEST_F(Lab3Assembler, PayloadMayArriveInChunks) {
  MessageAssembler a;
  ASSERT_EQ(a.on_frame_header(header(0x2, true, 6)), MessageError::kNone);
  ASSERT_EQ(a.on_payload(span_of("abc"), false), MessageError::kNone);
  EXPECT_FALSE(a.message_ready()) << "the frame is not complete yet";
  ASSERT_EQ(a.on_payload(span_of("def"), true), MessageError::kNone);
  ASSERT_TRUE(a.message_ready());
  EXPECT_FALSE(a.is_text());
  EXPECT_EQ(a.take_message(), "abcdef");
}

TEST_F(Lab3Assembler, ContinuationWithoutAMessageIsAnError) {
  MessageAssembler a;
  EXPECT_EQ(a.on_frame_header(header(0x0, true, 1)), MessageError::kUnexpectedContinuation)
      << "fed: a continuation frame with no message open\nexpected: kUnexpectedContinuation (§5.4)";
}

TEST_F(Lab3Assembler, NewMessageInsideAFragmentedOneIsAnError) {
  MessageAssembler a;
  ASSERT_EQ(frame(a, 0x1, false, "part"), MessageError::kNone);
  EXPECT_EQ(a.on_frame_header(header(0x2, true, 1)), MessageError::kExpectedContinuation)
      << "fed: text (FIN=0), then binary\nexpected: kExpectedContinuation (§5.4: fragments are not "
         "interleaved)";
}

// §8.1: fail as soon as the text cannot be valid, even across fragments.
TEST_F(Lab3Assembler, InvalidUtf8FailsAtTheFragmentThatHoldsIt) {
  MessageAssembler a;
  ASSERT_EQ(frame(a, 0x1, false, "a" + unhex("ed")), MessageError::kNone)
      << "fed: 61 ed (FIN=0): ED may still start a valid sequence";
  EXPECT_EQ(frame(a, 0x0, false, unhex("a0 80")), MessageError::kInvalidUtf8)
      << "fed next: a0 80 (FIN=0): ED A0 is a surrogate\nexpected: kInvalidUtf8 now, before the "
         "last fragment";
}

TEST_F(Lab3Assembler, CodePointSplitAcrossFragmentsIsValid) {
  MessageAssembler a;
  const std::string smile = unhex("f0 9f 98 80");
  ASSERT_EQ(frame(a, 0x1, false, smile.substr(0, 2)), MessageError::kNone);
  ASSERT_EQ(frame(a, 0x0, false, smile.substr(2, 1)), MessageError::kNone);
  ASSERT_EQ(frame(a, 0x0, true, smile.substr(3)), MessageError::kNone)
      << "fed: F0 9F | 98 | 80 as three fragments\nexpected: one valid message";
  EXPECT_EQ(hex(a.take_message()), "f0 9f 98 80");
}

TEST_F(Lab3Assembler, MessageEndingInsideACodePointIsInvalid) {
  MessageAssembler a;
  ASSERT_EQ(frame(a, 0x1, false, "a"), MessageError::kNone);
  EXPECT_EQ(frame(a, 0x0, true, unhex("e2 82")), MessageError::kInvalidUtf8)
      << "fed: \"a\", then e2 82 as the final fragment\nexpected: kInvalidUtf8 (a cut code point "
         "at the end)";
}

TEST_F(Lab3Assembler, BinaryIsNotValidated) {
  MessageAssembler a;
  EXPECT_EQ(frame(a, 0x2, true, unhex("ff fe ed a0")), MessageError::kNone)
      << "binary may hold any bytes";
}

// §10.4: limit the size of messages; judge it from the header, before buffering.
TEST_F(Lab3Assembler, MessageOverTheLimitIsTooBig) {
  MessageAssembler a(MessageLimits{10});
  ASSERT_EQ(frame(a, 0x2, false, "123456"), MessageError::kNone);
  EXPECT_EQ(a.on_frame_header(header(0x0, true, 5)), MessageError::kMessageTooBig)
      << "fed: 6 bytes, then a continuation header announcing 5 more; limit 10\nexpected: "
         "kMessageTooBig";
  MessageAssembler b(MessageLimits{10});
  EXPECT_EQ(b.on_frame_header(header(0x1, true, 11)), MessageError::kMessageTooBig)
      << "fed: a header announcing 11 bytes; limit 10\nexpected: kMessageTooBig at the header";
}

TEST_F(Lab3Assembler, ErrorsMapToCloseCodes) {
  EXPECT_EQ(close_code_for(MessageError::kInvalidUtf8), 1007);
  EXPECT_EQ(close_code_for(MessageError::kMessageTooBig), 1009);
  EXPECT_EQ(close_code_for(MessageError::kUnexpectedContinuation), 1002);
  EXPECT_EQ(close_code_for(MessageError::kExpectedContinuation), 1002);
  EXPECT_NE(describe(MessageError::kExpectedContinuation).find("§"), std::string_view::npos)
      << "describe() names the RFC section";
}

TEST_F(Lab3States, StateNames) {
  EXPECT_EQ(state_name(SessionState::kConnecting), "CONNECTING");
  EXPECT_EQ(state_name(SessionState::kOpen), "OPEN");
  EXPECT_EQ(state_name(SessionState::kClosing), "CLOSING");
  EXPECT_EQ(state_name(SessionState::kClosed), "CLOSED");
}

}  // namespace
}  // namespace wslab
