// net::Client (RFC 6455 §4.1 client role) against an in-process server, and
// the failures it must tell apart: refused, rejected (with the status), timeout.
#include "wslab/net/client.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support.hpp"
#include "wslab/net/connection.hpp"
#include "wslab/net/echo_app.hpp"

namespace wslab::net::test {
namespace {

// Stops a loop after kWait whatever happens, so no test can hang.
class Watchdog final : public TimerHandler {
 public:
  explicit Watchdog(EventLoop& loop) : loop_(loop) {
    loop_.schedule(steady_now() + kWait, this, 0);
  }
  void on_timer(std::uint64_t, Millis) override {
    fired = true;
    loop_.stop();
  }
  bool fired = false;

 private:
  EventLoop& loop_;
};

class SayHello : public App {
 public:
  void on_open(Connection& c) override { c.send_text("hello"); }
  void on_text(Connection& c, std::string_view t) override {
    received = std::string(t);
    c.close(1000, "done");
  }
  std::string received;
};

ServerOptions quiet() {
  ServerOptions o;
  o.log = LogLevel::kQuiet;
  o.shutdown_timeout = 500ms;
  return o;
}

TEST(NetClient, EchoRoundTripEndsWithCleanClose) {
  EchoApp echo;
  ServerThread server(echo, quiet());
  EventLoop loop;
  Watchdog dog(loop);
  SayHello app;
  ClientOptions o;
  o.url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/x";
  Client client(loop, app, o);
  ASSERT_TRUE(client.start());
  loop.run();
  ASSERT_FALSE(dog.fired);
  EXPECT_EQ(app.received, "hello");
  ASSERT_EQ(client.outcome(), ClientOutcome::kClosed);
  ASSERT_TRUE(client.close_info());
  EXPECT_EQ(client.close_info()->code, 1000);
  EXPECT_TRUE(client.close_info()->clean);
}

TEST(NetClient, ReportsConnectionRefused) {
  // A port that nobody listens on: bind one, then close it.
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  std::uint16_t port = local_port(s);
  ::close(s);
  EventLoop loop;
  Watchdog dog(loop);
  App app;
  ClientOptions o;
  o.url = "ws://127.0.0.1:" + std::to_string(port) + "/";
  Client client(loop, app, o);
  ASSERT_TRUE(client.start());
  loop.run();
  EXPECT_EQ(client.outcome(), ClientOutcome::kConnectFailed);
  EXPECT_NE(client.failure().find("refused"), std::string::npos) << client.failure();
}

class Refuser : public EchoApp {
 public:
  UpgradeDecision on_upgrade(const UpgradeRequest&) override {
    return UpgradeDecision::reject(403, "no");
  }
};

TEST(NetClient, ReportsHandshakeRejectedWithStatus) {
  Refuser refuser;
  ServerThread server(refuser, quiet());
  EventLoop loop;
  Watchdog dog(loop);
  App app;
  ClientOptions o;
  o.url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/";
  Client client(loop, app, o);
  ASSERT_TRUE(client.start());
  loop.run();
  EXPECT_EQ(client.outcome(), ClientOutcome::kHandshakeRejected);
  EXPECT_EQ(client.handshake_status(), 403);
  EXPECT_NE(client.failure().find("403"), std::string::npos) << client.failure();
}

// A server that accepts TCP (the kernel does, from the backlog) but never answers.
TEST(NetClient, TimesOutWhenServerNeverAnswers) {
  auto listener = listen_tcp("127.0.0.1", 0);
  ASSERT_TRUE(listener.is_ok());
  EventLoop loop;
  Watchdog dog(loop);
  App app;
  ClientOptions o;
  o.url = "ws://127.0.0.1:" + std::to_string(local_port(listener->get())) + "/";
  o.connect_timeout = 200ms;
  Client client(loop, app, o);
  ASSERT_TRUE(client.start());
  loop.run();
  EXPECT_EQ(client.outcome(), ClientOutcome::kTimeout);
  EXPECT_NE(client.failure().find("timed out"), std::string::npos) << client.failure();
}

TEST(NetClient, RefusesBadUrlBeforeConnecting) {
  EventLoop loop;
  App app;
  ClientOptions o;
  o.url = "wss://127.0.0.1/";
  Client client(loop, app, o);
  Status st = client.start();
  EXPECT_FALSE(st);
  EXPECT_NE(st.message().find("wss"), std::string::npos);
}

}  // namespace
}  // namespace wslab::net::test
