// The echo protocol on the wire (RFC 6455 §5.4-§5.6), driven by the raw client.
#include <gtest/gtest.h>

#include <string>

#include "raw_ws.hpp"
#include "wslab/refpeer/server.hpp"

namespace wslab::refpeer {
namespace {

using test::encode_frame;
using test::RawClient;

constexpr std::uint8_t kCont = 0x0, kText = 0x1, kBinary = 0x2, kClose = 0x8, kPing = 0x9,
                       kPong = 0xA;

class RefpeerEcho : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.start());
    ASSERT_EQ(test::status_code(raw_.handshake(server_.port())), 101);
  }
  RefServer server_;
  RawClient raw_;  // declared after the server: closed first
};

// §5.6: a text message comes back as text, unmasked (§5.1), FIN set.
TEST_F(RefpeerEcho, TextStaysText) {
  ASSERT_TRUE(raw_.send(encode_frame(kText, "Hello")));
  const auto f = raw_.read_frame();
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->opcode, kText);
  EXPECT_TRUE(f->fin);
  EXPECT_FALSE(f->masked);
  EXPECT_EQ(f->payload, "Hello");
}

// §5.6: binary stays binary, every byte value intact.
TEST_F(RefpeerEcho, BinaryStaysBinary) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  ASSERT_TRUE(raw_.send(encode_frame(kBinary, bytes)));
  const auto f = raw_.read_frame();
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->opcode, kBinary);
  EXPECT_EQ(f->payload, bytes);
}

// §5.4: fragments are one message; the echo is that message in one frame.
TEST_F(RefpeerEcho, FragmentedMessageIsEchoedWhole) {
  ASSERT_TRUE(raw_.send(encode_frame(kText, "He", true, false)));
  ASSERT_TRUE(raw_.send(encode_frame(kCont, "ll", true, false)));
  ASSERT_TRUE(raw_.send(encode_frame(kCont, "o", true, true)));
  const auto f = raw_.read_frame();
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->opcode, kText);
  EXPECT_TRUE(f->fin);
  EXPECT_EQ(f->payload, "Hello");
}

// §5.4: control frames may be injected between fragments and are answered.
TEST_F(RefpeerEcho, PingBetweenFragmentsIsAnswered) {
  ASSERT_TRUE(raw_.send(encode_frame(kText, "a", true, false)));
  ASSERT_TRUE(raw_.send(encode_frame(kPing, "p")));
  ASSERT_TRUE(raw_.send(encode_frame(kCont, "b", true, true)));
  const auto pong = raw_.read_frame();
  ASSERT_TRUE(pong.has_value());
  EXPECT_EQ(pong->opcode, kPong);
  EXPECT_EQ(pong->payload, "p");
  const auto echo = raw_.read_frame();
  ASSERT_TRUE(echo.has_value());
  EXPECT_EQ(echo->payload, "ab");
}

// §5.5.3: the pong carries the ping's application data.
TEST_F(RefpeerEcho, PingGetsPongWithSamePayload) {
  ASSERT_TRUE(raw_.send(encode_frame(kPing, "abc")));
  const auto f = raw_.read_frame();
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->opcode, kPong);
  EXPECT_EQ(f->payload, "abc");
}

// §5.5.3: an unsolicited pong needs no answer; the connection goes on. lws
// reports pongs with a payload to the application (empty ones it does not).
TEST_F(RefpeerEcho, UnsolicitedPongIsIgnored) {
  ASSERT_TRUE(raw_.send(encode_frame(kPong, "x") + encode_frame(kText, "after")));
  const auto f = raw_.read_frame();
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->opcode, kText);
  EXPECT_EQ(f->payload, "after");
  EXPECT_EQ(server_.stats().pongs_received, 1u);
}

// §5.5.1, §7.1.1: the close is echoed with its code and reason, then the
// server closes the TCP connection.
TEST_F(RefpeerEcho, CloseIsEchoedThenTcpCloses) {
  ASSERT_TRUE(raw_.send(encode_frame(kClose, test::close_body(1000, "bye"))));
  const auto f = raw_.read_frame();
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->opcode, kClose);
  EXPECT_EQ(f->payload, test::close_body(1000, "bye"));
  EXPECT_TRUE(raw_.wait_eof());
}

// §8.1: invalid UTF-8 in a text message fails the connection with 1007.
TEST_F(RefpeerEcho, InvalidUtf8TextCloses1007) {
  ASSERT_TRUE(raw_.send(encode_frame(kText, "ok\xFF")));
  const auto f = raw_.read_frame();
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->opcode, kClose);
  ASSERT_GE(f->payload.size(), 2u);
  EXPECT_EQ(f->payload.substr(0, 2), test::close_body(1007));
}

// §5.6: an empty text message is still a message.
TEST_F(RefpeerEcho, EmptyTextMessageIsEchoed) {
  ASSERT_TRUE(raw_.send(encode_frame(kText, "")));
  const auto f = raw_.read_frame();
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->opcode, kText);
  EXPECT_EQ(f->payload, "");
}

// §5.2: a 200 000-byte message (64-bit length form) comes back as one frame.
TEST_F(RefpeerEcho, LargeBinaryMessageIsOneFrame) {
  std::string big(200000, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
  ASSERT_TRUE(raw_.send(encode_frame(kBinary, big)));
  const auto f = raw_.read_frame();
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(f->fin);
  EXPECT_EQ(f->payload.size(), big.size());
  EXPECT_TRUE(f->payload == big);
}

// The "!close" test hook is off by default: an echo server echoes everything.
TEST_F(RefpeerEcho, CloseCommandIsOffByDefault) {
  ASSERT_TRUE(raw_.send(encode_frame(kText, "!close 4000 x")));
  const auto f = raw_.read_frame();
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->opcode, kText);
  EXPECT_EQ(f->payload, "!close 4000 x");
}

// Several messages in one TCP segment: each is echoed, in order (§5.4
// ordering), each in its own frame.
TEST_F(RefpeerEcho, MessagesInOneSegmentKeepTheirOrder) {
  ASSERT_TRUE(raw_.send(encode_frame(kText, "one") + encode_frame(kBinary, "two") +
                        encode_frame(kText, "three")));
  for (const char* expected : {"one", "two", "three"}) {
    const auto f = raw_.read_frame();
    ASSERT_TRUE(f.has_value()) << expected;
    EXPECT_EQ(f->payload, expected);
  }
}

}  // namespace
}  // namespace wslab::refpeer
