// Fragment assembly (RFC 6455 §5.4) with fail-fast UTF-8 (§5.6, §8.1).
#include "wslab/message.hpp"

#include <gtest/gtest.h>

namespace wslab {
namespace {

FrameHeader header(Opcode op, std::size_t len, bool fin) {
  FrameHeader h;
  h.opcode = static_cast<std::uint8_t>(op);
  h.payload_length = len;
  h.fin = fin;
  return h;
}

std::span<const std::uint8_t> span(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

MessageError frame(MessageAssembler& m, Opcode op, std::string_view payload, bool fin) {
  if (auto e = m.on_frame_header(header(op, payload.size(), fin)); e != MessageError::kNone)
    return e;
  return m.on_payload(span(payload), true);
}

// §5.4: an unfragmented message is one frame with FIN set.
TEST(CoreMessage, SingleFrameIsAMessage) {
  MessageAssembler m;
  EXPECT_EQ(frame(m, Opcode::kText, "Hello", true), MessageError::kNone);
  ASSERT_TRUE(m.message_ready());
  EXPECT_TRUE(m.is_text());
  EXPECT_EQ(m.take_message(), "Hello");
  EXPECT_FALSE(m.message_ready());
  EXPECT_FALSE(m.in_message());
}

// §5.4: Text/Binary with FIN=0, continuations, the last with FIN=1; payloads may come in chunks.
TEST(CoreMessage, FragmentsAreJoinedInOrder) {
  MessageAssembler m;
  EXPECT_EQ(frame(m, Opcode::kBinary, "Hel", false), MessageError::kNone);
  EXPECT_TRUE(m.in_message());
  EXPECT_FALSE(m.message_ready());
  EXPECT_EQ(m.on_frame_header(header(Opcode::kContinuation, 2, true)), MessageError::kNone);
  EXPECT_EQ(m.on_payload(span("l"), false), MessageError::kNone);
  EXPECT_FALSE(m.message_ready());
  EXPECT_EQ(m.on_payload(span("o"), true), MessageError::kNone);
  ASSERT_TRUE(m.message_ready());
  EXPECT_FALSE(m.is_text());
  EXPECT_EQ(m.take_message(), "Hello");
}

// §5.4: a continuation with nothing to continue is a protocol error (1002).
TEST(CoreMessage, ContinuationWithoutMessageIsAnError) {
  MessageAssembler m;
  EXPECT_EQ(frame(m, Opcode::kContinuation, "x", true), MessageError::kUnexpectedContinuation);
  EXPECT_EQ(close_code_for(MessageError::kUnexpectedContinuation), 1002);
}

// §5.4: a new Text/Binary while a message is open is a protocol error (1002).
TEST(CoreMessage, NewMessageInsideAFragmentedOneIsAnError) {
  MessageAssembler m;
  EXPECT_EQ(frame(m, Opcode::kText, "a", false), MessageError::kNone);
  EXPECT_EQ(frame(m, Opcode::kText, "b", true), MessageError::kExpectedContinuation);
  EXPECT_EQ(close_code_for(MessageError::kExpectedContinuation), 1002);
}

// §8.1: invalid UTF-8 fails on the fragment that carries it, before the message ends (1007).
TEST(CoreMessage, InvalidUtf8FailsOnTheFragmentThatCarriesIt) {
  MessageAssembler m;
  EXPECT_EQ(frame(m, Opcode::kText, "\xce\xba", false), MessageError::kNone);
  EXPECT_EQ(frame(m, Opcode::kContinuation, "\xf4\x90", false), MessageError::kInvalidUtf8);
  EXPECT_EQ(close_code_for(MessageError::kInvalidUtf8), 1007);
}

// §5.6: a code point split across fragments is fine; one cut at the message end is not.
TEST(CoreMessage, CodePointMaySpanFragmentsButNotTheEnd) {
  MessageAssembler m;
  EXPECT_EQ(frame(m, Opcode::kText, "\xe2\x82", false), MessageError::kNone);
  EXPECT_EQ(frame(m, Opcode::kContinuation, "\xac", true), MessageError::kNone);
  EXPECT_EQ(m.take_message(), "\xe2\x82\xac");
  EXPECT_EQ(frame(m, Opcode::kText, "\xe2\x82", true), MessageError::kInvalidUtf8);
}

// Binary messages are not UTF-8 checked.
TEST(CoreMessage, BinaryIsNotUtf8Checked) {
  MessageAssembler m;
  EXPECT_EQ(frame(m, Opcode::kBinary, "\xff\xfe", true), MessageError::kNone);
}

// §10.4: a message over our limit fails with 1009 as soon as a header announces it.
TEST(CoreMessage, MessageOverTheLimitFailsWith1009) {
  MessageAssembler m(MessageLimits{10});
  EXPECT_EQ(frame(m, Opcode::kBinary, "123456", false), MessageError::kNone);
  EXPECT_EQ(m.on_frame_header(header(Opcode::kContinuation, 5, true)),
            MessageError::kMessageTooBig);
  EXPECT_EQ(close_code_for(MessageError::kMessageTooBig), 1009);
  MessageAssembler exact(MessageLimits{10});
  EXPECT_EQ(frame(exact, Opcode::kBinary, "1234567890", true), MessageError::kNone);
}

// take_message() hands the buffer over, so nothing big stays behind.
TEST(CoreMessage, TakingAMessageReleasesItsBuffer) {
  MessageAssembler m;
  EXPECT_EQ(frame(m, Opcode::kBinary, std::string(100000, 'x'), true), MessageError::kNone);
  EXPECT_EQ(m.take_message().size(), 100000u);
  EXPECT_LT(m.buffered_capacity(), 64u);
}

}  // namespace
}  // namespace wslab
