// Closing TCP the way RFC 6455 §7.1.1 wants: the server closes first, and
// only after the peer can have read our Close frame. A plain close() with
// unread input makes the kernel send an RST, and the peer may lose our Close
// frame; net does a lingering close (shutdown(SHUT_WR), read until EOF).
#include <gtest/gtest.h>

#include "support.hpp"
#include "wslab/net/echo_app.hpp"

namespace wslab::net::test {
namespace {

ServerOptions options(std::uint64_t max_message = 16u << 20) {
  ServerOptions o;
  o.log = LogLevel::kQuiet;
  o.shutdown_timeout = 1000ms;
  o.linger_timeout = 1000ms;
  o.session.max_message_bytes = max_message;
  o.session.max_frame_bytes = max_message;
  return o;
}

std::string junk_frames(std::size_t total) {
  std::string out;
  std::string chunk(16 * 1024, 'x');
  while (out.size() < total) {
    out += FrameBuilder().opcode(Opcode::kBinary).random_mask().payload(chunk).build();
  }
  return out;
}

// §7.1.1: data the peer sent after its Close is read and discarded, so our
// Close reply is followed by a FIN (clean EOF), not an RST.
TEST(NetLingeringClose, CloseReplyIsFollowedByEofNotReset) {
  EchoApp app;
  ServerThread server(app, options());
  RawClient client;
  ASSERT_TRUE(client.connect(server.port()));
  ASSERT_TRUE(client.handshake());
  std::string close = FrameBuilder()
                          .opcode(Opcode::kClose)
                          .random_mask()
                          .payload(std::string("\x03\xe8", 2))
                          .build();
  // One write: the Close, then 256 KiB the server will never process.
  ASSERT_TRUE(client.send_all(close + junk_frames(256 * 1024)));
  Frame f;
  ASSERT_EQ(client.read_frame(f), ReadEnd::kFrame);
  EXPECT_EQ(f.opcode, 0x8);
  EXPECT_EQ(f.close_code(), 1000);
  EXPECT_EQ(client.read_until_end(), ReadEnd::kEof);
}

// §7.1.7 + §7.4.1: a message over the limit fails the connection with 1009;
// the Close frame reaches a client that is still sending.
TEST(NetLingeringClose, FailureCloseReachesPeerThatKeepsSending) {
  EchoApp app;
  ServerThread server(app, options(1000));
  RawClient client;
  ASSERT_TRUE(client.connect(server.port()));
  ASSERT_TRUE(client.handshake());
  ASSERT_TRUE(client.send_all(junk_frames(256 * 1024)));
  Frame f;
  ASSERT_EQ(client.read_frame(f), ReadEnd::kFrame);
  EXPECT_EQ(f.opcode, 0x8);
  EXPECT_EQ(f.close_code(), 1009);
  EXPECT_EQ(client.read_until_end(), ReadEnd::kEof);
}

// §7.4.1 1009: a fragmented message whose total exceeds max_message is
// refused even though each fragment is small.
TEST(NetLimits, FragmentedMessageOverMaxMessageGets1009) {
  EchoApp app;
  ServerThread server(app, options(1000));
  RawClient client;
  ASSERT_TRUE(client.connect(server.port()));
  ASSERT_TRUE(client.handshake());
  ASSERT_TRUE(client.send_frame(Opcode::kBinary, std::string(600, 'a'), false));
  ASSERT_TRUE(client.send_frame(Opcode::kContinuation, std::string(600, 'b'), true));
  Frame f;
  ASSERT_EQ(client.read_frame(f), ReadEnd::kFrame);
  EXPECT_EQ(f.close_code(), 1009);
}

// A message exactly at the limit is still accepted and echoed.
TEST(NetLimits, MessageAtMaxMessageIsEchoed) {
  EchoApp app;
  ServerThread server(app, options(1000));
  RawClient client;
  ASSERT_TRUE(client.connect(server.port()));
  ASSERT_TRUE(client.handshake());
  ASSERT_TRUE(client.send_frame(Opcode::kBinary, std::string(1000, 'a')));
  Frame f;
  ASSERT_EQ(client.read_frame(f), ReadEnd::kFrame);
  EXPECT_EQ(f.opcode, 0x2);
  EXPECT_EQ(f.payload.size(), 1000u);
}

}  // namespace
}  // namespace wslab::net::test
