// The reference server echoes data messages (what Autobahn|Testsuite and the
// harness expect of a server under test) and answers pings (RFC 6455 §5.5.2).
#include <gtest/gtest.h>

#include "support.hpp"
#include "wslab/net/echo_app.hpp"

namespace wslab::net::test {
namespace {

ServerOptions quiet_options() {
  ServerOptions o;
  o.log = LogLevel::kQuiet;
  o.shutdown_timeout = 1000ms;
  o.linger_timeout = 500ms;
  return o;
}

class NetEcho : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(client.connect(server.port()));
    ASSERT_TRUE(client.handshake("/")) << client.response_head();
  }
  EchoApp app;
  ServerThread server{app, quiet_options()};
  RawClient client;
};

// §5.6: a text message comes back as one text message with the same payload.
TEST_F(NetEcho, EchoesTextMessage) {
  ASSERT_TRUE(client.send_frame(Opcode::kText, "hello, wörld"));
  Frame f;
  ASSERT_EQ(client.read_frame(f), ReadEnd::kFrame);
  EXPECT_EQ(f.opcode, 0x1);
  EXPECT_TRUE(f.fin);
  EXPECT_EQ(f.payload, "hello, wörld");
}

// §5.6: binary data (every byte value) is echoed unchanged.
TEST_F(NetEcho, EchoesBinaryMessage) {
  std::string data;
  for (int i = 0; i < 70000; ++i) data.push_back(static_cast<char>(i * 7));
  ASSERT_TRUE(client.send_frame(Opcode::kBinary, data));
  Frame f;
  ASSERT_EQ(client.read_frame(f), ReadEnd::kFrame);
  EXPECT_EQ(f.opcode, 0x2);
  EXPECT_EQ(f.payload, data);
}

// §5.4: fragments are one message; the echo is the reassembled message.
TEST_F(NetEcho, EchoesFragmentedMessageAsOne) {
  ASSERT_TRUE(client.send_frame(Opcode::kText, "frag", false));
  ASSERT_TRUE(client.send_frame(Opcode::kContinuation, "men", false));
  ASSERT_TRUE(client.send_frame(Opcode::kContinuation, "ted", true));
  Frame f;
  ASSERT_EQ(client.read_frame(f), ReadEnd::kFrame);
  EXPECT_EQ(f.opcode, 0x1);
  EXPECT_EQ(f.payload, "fragmented");
}

// §5.5.2 + §5.4: a Ping between fragments is answered at once with a Pong
// carrying the same payload, before the message's echo.
TEST_F(NetEcho, AnswersPingBetweenFragmentsBeforeEcho) {
  ASSERT_TRUE(client.send_frame(Opcode::kText, "a", false));
  ASSERT_TRUE(client.send_frame(Opcode::kPing, "are you there"));
  ASSERT_TRUE(client.send_frame(Opcode::kContinuation, "b", true));
  Frame pong;
  ASSERT_EQ(client.read_frame(pong), ReadEnd::kFrame);
  EXPECT_EQ(pong.opcode, 0xA);
  EXPECT_EQ(pong.payload, "are you there");
  Frame echo;
  ASSERT_EQ(client.read_frame(echo), ReadEnd::kFrame);
  EXPECT_EQ(echo.payload, "ab");
}

// §5.2 framing is a byte stream: a frame written one byte per TCP segment is
// still one message (the loop feeds the Session whatever recv() returns).
TEST_F(NetEcho, AcceptsFrameSplitAtEveryByte) {
  std::string frame = FrameBuilder().opcode(Opcode::kText).random_mask().payload("trickle").build();
  for (char c : frame) ASSERT_TRUE(client.send_all(std::string_view(&c, 1)));
  Frame f;
  ASSERT_EQ(client.read_frame(f), ReadEnd::kFrame);
  EXPECT_EQ(f.payload, "trickle");
}

// §5.5.1: the server answers a Close with a Close echoing the code.
TEST_F(NetEcho, AnswersCloseWithSameCode) {
  ASSERT_TRUE(client.send_close(3000, "bye"));
  Frame f;
  ASSERT_EQ(client.read_frame(f), ReadEnd::kFrame);
  EXPECT_EQ(f.opcode, 0x8);
  EXPECT_EQ(f.close_code(), 3000);
}

}  // namespace
}  // namespace wslab::net::test

namespace wslab::net::test {
namespace {

// §5.5.1 / §7.1.2: a message that arrives in the same TCP segment as the
// peer's Close should still be echoed before our Close reply (Autobahn 7.1.1,
// harness case close.normal.after-message). Core's Session pauses decoding
// after each data message until it is polled, and Connection polls until
// nothing is left after every read, so the echo goes out before the Close.
TEST(NetEchoOrdering, EchoesMessageThatArrivesWithClose) {
  EchoApp app;
  ServerThread server(app, quiet_options());
  RawClient client;
  ASSERT_TRUE(client.connect(server.port()));
  ASSERT_TRUE(client.handshake());
  std::string both =
      FrameBuilder().opcode(Opcode::kText).random_mask().payload("last words").build() +
      FrameBuilder()
          .opcode(Opcode::kClose)
          .random_mask()
          .payload(std::string("\x03\xe8", 2))
          .build();
  ASSERT_TRUE(client.send_all(both));
  Frame f;
  ASSERT_EQ(client.read_frame(f), ReadEnd::kFrame);
  EXPECT_EQ(f.opcode, 0x1);
  EXPECT_EQ(f.payload, "last words");
  ASSERT_EQ(client.read_frame(f), ReadEnd::kFrame);
  EXPECT_EQ(f.close_code(), 1000);
}

}  // namespace
}  // namespace wslab::net::test
