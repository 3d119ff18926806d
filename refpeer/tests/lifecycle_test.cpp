// Starting and stopping the in-process server: ports, repetition, shutdown
// close (RFC 6455 §7.4.1 code 1001 "going away").
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "raw_ws.hpp"
#include "wslab/refpeer/client.hpp"
#include "wslab/refpeer/server.hpp"

namespace wslab::refpeer {
namespace {

using namespace std::chrono_literals;

bool echoes(const RefServer& server, const std::string& text) {
  RefClient client;
  if (!client.connect(server.url())) return false;
  if (!client.send_text(text)) return false;
  const auto m = client.receive(2s);
  return m.has_value() && m->payload == text;
}

TEST(RefpeerLifecycle, TwoServersOnDifferentPorts) {
  RefServer a, b;
  ASSERT_TRUE(a.start());
  ASSERT_TRUE(b.start());
  EXPECT_NE(a.port(), 0);
  EXPECT_NE(a.port(), b.port());
  EXPECT_TRUE(echoes(a, "to a"));
  EXPECT_TRUE(echoes(b, "to b"));
}

// Twenty quick start/stop cycles: no hang, no leak (run under ASan/LSan).
TEST(RefpeerLifecycle, StartStopTwentyTimes) {
  for (int i = 0; i < 20; ++i) {
    RefServer server;
    std::string error;
    ASSERT_TRUE(server.start(&error)) << "cycle " << i << ": " << error;
    ASSERT_TRUE(server.running());
    server.stop();
    EXPECT_FALSE(server.running());
    EXPECT_EQ(server.port(), 0);
  }
}

TEST(RefpeerLifecycle, StopIsIdempotentAndRestartWorks) {
  RefServer server;
  ASSERT_TRUE(server.start());
  server.stop();
  server.stop();
  ASSERT_TRUE(server.start());
  EXPECT_TRUE(echoes(server, "again"));
}

// The same port can be bound again right after a stop (SO_REUSEADDR).
TEST(RefpeerLifecycle, RebindsSamePortAfterStop) {
  RefServer first;
  ASSERT_TRUE(first.start());
  const std::uint16_t port = first.port();
  ASSERT_TRUE(echoes(first, "x"));  // leaves a closed connection behind
  first.stop();
  RefServer second(ServerOptions{.port = port});
  std::string error;
  ASSERT_TRUE(second.start(&error)) << error;
  EXPECT_EQ(second.port(), port);
}

// A taken port is a clean, explained failure (lws returns no context).
TEST(RefpeerLifecycle, PortInUseFailsWithReason) {
  RefServer first;
  ASSERT_TRUE(first.start());
  RefServer second(ServerOptions{.port = first.port()});
  std::string error;
  EXPECT_FALSE(second.start(&error));
  EXPECT_NE(error.find("in use"), std::string::npos) << error;
  EXPECT_FALSE(second.running());
}

// §7.4.1: on stop every open connection is closed with 1001 "going away".
TEST(RefpeerLifecycle, StopClosesConnectionsWith1001) {
  RefServer server;
  ASSERT_TRUE(server.start());
  RefClient client;
  ASSERT_TRUE(client.connect(server.url()));
  // lws writes the 101 before it runs LWS_CALLBACK_ESTABLISHED, so the client
  // can be open a moment before the server counts it (and a stop() in that
  // moment would find nothing to close): wait for the server's side.
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (server.stats().connections_open == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_EQ(server.stats().connections_open, 1u);
  server.stop();
  const auto info = client.wait_closed(3s);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->code, 1001);
  EXPECT_EQ(info->reason, "server shutdown");
  EXPECT_TRUE(info->closed_by_peer);
}

TEST(RefpeerLifecycle, RejectsBadOptions) {
  std::string error;
  EXPECT_FALSE(RefServer(ServerOptions{.max_message = 0}).start(&error));
  EXPECT_NE(error.find("max_message"), std::string::npos);
  EXPECT_FALSE(RefServer(ServerOptions{.fd_limit = 1}).start(&error));
  EXPECT_NE(error.find("fd_limit"), std::string::npos);
}

TEST(RefpeerLifecycle, StatsCountConnectionsAndMessages) {
  RefServer server;
  ASSERT_TRUE(server.start());
  ASSERT_TRUE(echoes(server, "one"));
  ASSERT_TRUE(echoes(server, "two"));
  const ServerStats st = server.stats();
  EXPECT_EQ(st.connections_accepted, 2u);
  EXPECT_EQ(st.messages_received, 2u);
}

}  // namespace
}  // namespace wslab::refpeer
