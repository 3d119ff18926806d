// RefClient against the in-process RefServer (RFC 6455 §4.1, §5, §7).
#include "wslab/refpeer/client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "wslab/refpeer/server.hpp"

namespace wslab::refpeer {
namespace {

using namespace std::chrono_literals;

// A loopback port with (very likely) nobody listening: bound, then released.
std::uint16_t unused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class RefpeerClient : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.start()); }
  void connect(RefClient& client, std::string_view path = "/") {
    std::string error;
    ASSERT_TRUE(client.connect(server_.url(path), &error)) << error;
  }
  RefServer server_{ServerOptions{.close_command = true}};
};

// §5.6: text round trip.
TEST_F(RefpeerClient, EchoesText) {
  RefClient client;
  connect(client);
  ASSERT_TRUE(client.send_text("héllo"));
  const auto m = client.receive(2s);
  ASSERT_TRUE(m.has_value());
  EXPECT_FALSE(m->binary);
  EXPECT_EQ(m->payload, "héllo");
}

// §5.6: binary round trip.
TEST_F(RefpeerClient, EchoesBinary) {
  RefClient client;
  connect(client);
  const std::string bytes("\x00\x01\xfe\xff", 4);
  ASSERT_TRUE(client.send_binary(bytes));
  const auto m = client.receive(2s);
  ASSERT_TRUE(m.has_value());
  EXPECT_TRUE(m->binary);
  EXPECT_EQ(m->payload, bytes);
}

// lws hands messages over in chunks; RefClient reassembles them (§5.4).
TEST_F(RefpeerClient, ReassemblesLargeMessage) {
  RefClient client;
  connect(client);
  const std::string big(300000, 'x');
  ASSERT_TRUE(client.send_text(big));
  const auto m = client.receive(3s);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->payload.size(), big.size());
}

// §4.1 /subprotocol/: the server's choice is reported.
TEST_F(RefpeerClient, ReportsSelectedSubprotocol) {
  RefClient client(ClientOptions{.subprotocol = "wslab.echo"});
  connect(client);
  EXPECT_EQ(client.subprotocol(), "wslab.echo");
  RefClient plain;
  connect(plain);
  EXPECT_EQ(plain.subprotocol(), "");
}

// §7.1.5: the close code the server sent is reported, with its reason.
TEST_F(RefpeerClient, ReportsServerCloseCode) {
  RefClient client;
  connect(client);
  ASSERT_TRUE(client.send_text("!close 4001 bye"));
  const auto info = client.wait_closed(3s);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->code, 4001);
  EXPECT_EQ(info->reason, "bye");
  EXPECT_TRUE(info->closed_by_peer);
  EXPECT_FALSE(client.is_open());
}

// §7.1.2: a client-initiated close completes well within the timeout.
TEST_F(RefpeerClient, CloseHandshakeCompletes) {
  RefClient client;
  connect(client);
  const auto info = client.close(1000, "done", 3s);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->code, 1000);
  EXPECT_FALSE(info->closed_by_peer);
  EXPECT_FALSE(client.send_text("late"));
}

// §5.5.2/§5.5.3: a ping is answered by a pong.
TEST_F(RefpeerClient, PingGetsPong) {
  RefClient client;
  connect(client);
  ASSERT_TRUE(client.send_ping("hb"));
  // The pong is invisible to receive(); wait on the counter with a deadline.
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (client.pongs_received() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(client.pongs_received(), 1u);
  EXPECT_FALSE(client.send_ping(std::string(126, 'x')));  // §5.5: ≤ 125 bytes
}

// The client's own limit: a reply over max_message makes it close with 1009.
TEST_F(RefpeerClient, OversizedReplyCloses1009) {
  ClientOptions options;
  options.max_message = 10;
  RefClient client(options);
  connect(client);
  ASSERT_TRUE(client.send_text(std::string(20, 'x')));
  const auto info = client.wait_closed(3s);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->code, 1009);
  EXPECT_FALSE(info->closed_by_peer);
  EXPECT_FALSE(client.receive(0ms).has_value());
}

TEST_F(RefpeerClient, ReceiveTimesOutWhenNothingArrives) {
  RefClient client;
  connect(client);
  EXPECT_FALSE(client.receive(50ms).has_value());
  EXPECT_TRUE(client.is_open());
}

// A refused TCP connection is an error with a reason, not a hang.
TEST(RefpeerClientErrors, ConnectionRefusedIsAnError) {
  RefClient client(ClientOptions{.connect_timeout = 3000ms});
  std::string error;
  EXPECT_FALSE(client.connect("ws://127.0.0.1:" + std::to_string(unused_port()) + "/", &error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(client.is_open());
}

TEST(RefpeerClientErrors, BadUrlIsAnError) {
  RefClient client;
  std::string error;
  EXPECT_FALSE(client.connect("http://127.0.0.1:1/", &error));
  EXPECT_NE(error.find("ws://"), std::string::npos) << error;
}

}  // namespace
}  // namespace wslab::refpeer
