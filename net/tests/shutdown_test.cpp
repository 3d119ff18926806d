// Graceful shutdown: every open connection gets Close 1001 "Going Away"
// (RFC 6455 §7.4.1: "an endpoint is going away, such as a server going down"),
// and the loop ends within a bounded time even if a peer never answers.
#include <gtest/gtest.h>
#include <signal.h>

#include "support.hpp"
#include "wslab/net/echo_app.hpp"

namespace wslab::net::test {
namespace {

ServerOptions options() {
  ServerOptions o;
  o.log = LogLevel::kQuiet;
  o.shutdown_timeout = 300ms;
  o.linger_timeout = 300ms;
  return o;
}

TEST(NetShutdown, GracefulShutdownSendsGoingAway) {
  EchoApp app;
  ServerThread server(app, options());
  RawClient client;
  ASSERT_TRUE(client.connect(server.port()));
  ASSERT_TRUE(client.handshake());
  server.request_shutdown();
  Frame f;
  ASSERT_EQ(client.read_frame(f), ReadEnd::kFrame);
  EXPECT_EQ(f.opcode, 0x8);
  EXPECT_EQ(f.close_code(), 1001);
  ASSERT_TRUE(client.send_close(1001));
  EXPECT_EQ(client.read_until_end(), ReadEnd::kEof);
  EXPECT_TRUE(server.shutdown_and_join());
}

// A peer that never answers our Close cannot hold the server open: the loop
// ends after shutdown_timeout.
TEST(NetShutdown, SilentPeerDoesNotBlockShutdown) {
  EchoApp app;
  ServerThread server(app, options());
  RawClient client;
  ASSERT_TRUE(client.connect(server.port()));
  ASSERT_TRUE(client.handshake());
  EXPECT_TRUE(server.shutdown_and_join(kWait));
}

// The same through the binary: SIGTERM -> Close 1001 -> exit status 0.
TEST(NetShutdown, SigtermSendsGoingAwayAndExitsZero) {
  ServeProcess serve;
  ASSERT_TRUE(serve.start({"--quiet"})) << "could not start " << wslab_binary();
  RawClient client;
  ASSERT_TRUE(client.connect(serve.port()));
  ASSERT_TRUE(client.handshake());
  ASSERT_EQ(::kill(serve.pid(), SIGTERM), 0);
  Frame f;
  ASSERT_EQ(client.read_frame(f), ReadEnd::kFrame);
  EXPECT_EQ(f.close_code(), 1001);
  ASSERT_TRUE(client.send_close(1001));
  EXPECT_EQ(client.read_until_end(), ReadEnd::kEof);
  client.close();  // the server's lingering close ends on our FIN
  EXPECT_EQ(serve.wait_exit(), 0);
}

}  // namespace
}  // namespace wslab::net::test
