// Lab 4, steps 3-4 over real TCP (127.0.0.1): your Session inside net's server
// pings an idle client and drops one that never answers; the provided
// reconnecting client waits as your Backoff says. Every wait has a timeout.
#include <string>
#include <vector>

#include "bytes.hpp"
#include "lab_test.hpp"
#include "loopback.hpp"
#include "reconnect.hpp"
#include "server_thread.hpp"
#include "wslab/net/connection.hpp"
#include "wslab/net/echo_app.hpp"

namespace wslab {
namespace {

using namespace std::chrono_literals;
using labtest::escaped;
using labtest::parse_frames;

WSLAB_LAB_SUITE(Lab4Network);
WSLAB_LAB_SUITE(Lab4Reconnect);

net::ServerOptions heartbeat_options(Millis interval, Millis timeout) {
  net::ServerOptions o;
  o.session.heartbeat.ping_interval = interval;
  o.session.heartbeat.pong_timeout = timeout;
  return o;
}

// Connects and completes the handshake; the 101 is removed from received().
bool open_raw(labtest::RawClient& c, std::uint16_t port, std::string& why) {
  if (!c.connect(port)) {
    why = c.error();
    return false;
  }
  c.send(labtest::upgrade_request("/"));
  if (!c.read_until(labtest::has_http_head, 3000ms)) {
    why = "no complete response within 3 s; received: " + escaped(c.received());
    return false;
  }
  const auto end = c.received().find("\r\n\r\n") + 4;
  const std::string head = c.received().substr(0, end);
  c.received().erase(0, end);
  if (head.rfind("HTTP/1.1 101", 0) != 0) {
    why = "expected a 101, got " + escaped(head);
    return false;
  }
  return true;
}

bool has_ping(std::string_view bytes) {
  for (const auto& f : parse_frames(bytes)) {
    if (f.opcode == 0x9) return true;
  }
  return false;
}

TEST_F(Lab4Network, ServerPingsAnIdleClient) {
  net::EchoApp app;
  labtest::ServerThread server(app, heartbeat_options(Millis{50}, Millis{0}));
  ASSERT_TRUE(server.ok()) << server.error();
  labtest::RawClient c;
  std::string why;
  ASSERT_TRUE(open_raw(c, server.port(), why)) << why;
  EXPECT_TRUE(c.read_until(has_ping, 3000ms))
      << "did: open a connection to a server with ping_interval 50 ms, then stay silent\n"
         "expected: a Ping within 3 s\nreceived: "
      << labtest::describe(parse_frames(c.received()));
}

TEST_F(Lab4Network, ServerDropsAClientThatNeverAnswersThePing) {
  net::EchoApp app;
  labtest::ServerThread server(app, heartbeat_options(Millis{50}, Millis{100}));
  ASSERT_TRUE(server.ok()) << server.error();
  labtest::RawClient c;
  std::string why;
  ASSERT_TRUE(open_raw(c, server.port(), why)) << why;
  c.read_until([](std::string_view) { return false; }, 3000ms);  // until TCP closes, at most 3 s
  EXPECT_TRUE(c.peer_closed())
      << "did: stay silent and never answer Pings (ping_interval 50 ms, pong_timeout 100 ms)\n"
         "expected: the server closes TCP within 3 s\nreceived: "
      << labtest::describe(parse_frames(c.received()));
}

TEST_F(Lab4Network, ClientThatAnswersStaysConnected) {
  net::EchoApp app;
  labtest::ServerThread server(app, heartbeat_options(Millis{50}, Millis{200}));
  ASSERT_TRUE(server.ok()) << server.error();
  labtest::RawClient c;
  std::string why;
  ASSERT_TRUE(open_raw(c, server.port(), why)) << why;
  for (int round = 0; round < 4; ++round) {
    ASSERT_TRUE(c.read_until(has_ping, 3000ms)) << "round " << round << ": no Ping within 3 s";
    for (const auto& f : parse_frames(c.received())) {
      if (f.opcode == 0x9) c.send(labtest::client_frame(0xA, f.payload));
    }
    c.received().clear();
  }
  EXPECT_FALSE(c.peer_closed()) << "did: answer 4 Pings with Pongs\nexpected: still connected";
}

// ---- the provided reconnecting client and YOUR Backoff ----------------------

// An App that ends every connection as soon as it opens (a flaky server).
class HangUpApp : public net::App {
 public:
  void on_open(net::Connection& c) override { c.close(1012, "restarting"); }
};

TEST_F(Lab4Reconnect, WaitsGrowWithEachFailedAttempt) {
  net::EchoApp client_app;
  labs::ReconnectOptions o;
  o.url = "ws://127.0.0.1:1/";  // nothing listens on port 1: refused at once
  o.backoff = Backoff{Millis{100}, Millis{10000}, 2.0};
  o.max_failures = 6;
  o.seed = 7;
  std::vector<Millis> waits;
  o.sleep = [&](Millis d) { waits.push_back(d); };
  labs::ReconnectingClient client(client_app, o);
  ASSERT_TRUE(client.run().is_ok());
  const auto& h = client.history();
  ASSERT_EQ(h.size(), 6u) << "max_failures 6: six attempts, then give up";
  ASSERT_EQ(waits.size(), 5u) << "a wait between attempts, none after the last";
  bool any_below_half = false;
  for (std::size_t i = 0; i < waits.size(); ++i) {
    const long long ceiling = 100LL << i;
    EXPECT_EQ(h[i].attempt, i) << "attempt numbers count failures in a row from 0";
    EXPECT_GE(waits[i].count(), 0);
    EXPECT_LE(waits[i].count(), ceiling)
        << "wait after failure " << i + 1 << ": " << waits[i].count()
        << " ms\nexpected: at most 100 * 2^" << i << " = " << ceiling << " ms";
    any_below_half = any_below_half || waits[i].count() < ceiling / 2;
  }
  EXPECT_TRUE(any_below_half) << "five waits, none below half its ceiling: is there any jitter?";
}

TEST_F(Lab4Reconnect, OpenedConnectionResetsTheBackoff) {
  HangUpApp server_app;
  labtest::ServerThread server(server_app, net::ServerOptions{});
  ASSERT_TRUE(server.ok()) << server.error();
  net::EchoApp client_app;
  labs::ReconnectOptions o;
  o.url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/";
  o.backoff = Backoff{Millis{100}, Millis{10000}, 2.0};
  o.max_sessions = 3;
  o.seed = 11;
  std::vector<Millis> waits;
  o.sleep = [&](Millis d) { waits.push_back(d); };
  labs::ReconnectingClient client(client_app, o);
  ASSERT_TRUE(client.run().is_ok());
  const auto& h = client.history();
  ASSERT_EQ(h.size(), 3u) << "three connections that opened, then stop";
  for (std::size_t i = 0; i < h.size(); ++i) {
    EXPECT_TRUE(h[i].opened) << "connection " << i + 1 << ": " << h[i].outcome;
    EXPECT_EQ(h[i].attempt, 0u) << "after a connection that opened, the next wait uses attempt 0";
  }
  for (const Millis w : waits) EXPECT_LE(w.count(), 100) << "attempt 0: at most base (100 ms)";
}

}  // namespace
}  // namespace wslab
