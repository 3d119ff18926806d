// FollowApp (follow_app.hpp) on a real server: what a wslab.follow.v1
// subscriber receives (hello, backlog, live lines, resets). The server's tick
// is off, so live lines can only come from inotify events.
#include "wslab/net/follow_app.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "support.hpp"
#include "wslab/net/follow_protocol.hpp"

namespace wslab::net::test {
namespace {

class NetFollowApp : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = ::testing::TempDir() + "wslab-follow-app-XXXXXX";
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir = templ;
    path = dir + "/app.log";
  }
  void TearDown() override {
    if (server) {
      server->request_shutdown();
      if (thread.joinable()) thread.join();
    }
    server.reset();
    app.reset();
    std::remove(path.c_str());
    std::remove((path + ".1").c_str());
    ::rmdir(dir.c_str());
  }
  void start(std::size_t backlog, std::size_t read_budget = 1 << 20) {
    FollowOptions fo;
    fo.path = path;
    fo.backlog = backlog;
    fo.read_budget = read_budget;
    auto made = FollowApp::create(loop, std::move(fo));
    ASSERT_TRUE(made) << made.error();
    app = std::move(*made);
    ServerOptions o;
    o.log = LogLevel::kQuiet;
    o.tick_interval = Millis{0};  // no periodic re-check: inotify only
    o.shutdown_timeout = Millis{1000};
    configure_follow_server(o);
    server = std::make_unique<Server>(loop, *app, o);
    ASSERT_TRUE(server->listen());
    thread = std::thread([this] { loop.run(); });
  }
  void append(const std::string& text) {
    std::ofstream f(path, std::ios::app | std::ios::binary);
    f << text;
  }
  std::string next_text(RawClient& c) {
    Frame f;
    if (c.read_frame(f) != ReadEnd::kFrame) return "<nothing>";
    return f.opcode == 0x1 ? f.payload : "<not text>";
  }
  void subscribe(RawClient& c) {
    ASSERT_TRUE(c.connect(server->port()));
    ASSERT_TRUE(c.handshake("/follow", {"Sec-WebSocket-Protocol: wslab.follow.v1"}));
    ASSERT_EQ(c.response_status(), 101) << c.response_head();
  }

  std::string dir;
  std::string path;
  EventLoop loop;
  std::unique_ptr<FollowApp> app;
  std::unique_ptr<Server> server;
  std::thread thread;
};

TEST_F(NetFollowApp, SubscriberGetsHelloThenTheLastLines) {
  append("1\n2\n3\n4\n");
  start(2);
  RawClient c;
  subscribe(c);
  EXPECT_NE(c.response_head().find("Sec-WebSocket-Protocol: wslab.follow.v1"), std::string::npos);
  const std::string hello = next_text(c);
  EXPECT_NE(hello.find(R"("type":"follow","file":"app.log")"), std::string::npos) << hello;
  EXPECT_NE(hello.find(R"("state":"following","backlog":2})"), std::string::npos) << hello;
  EXPECT_EQ(next_text(c), R"({"type":"line","n":3,"text":"3","backlog":true})");
  EXPECT_EQ(next_text(c), R"({"type":"line","n":4,"text":"4","backlog":true})");
}

TEST_F(NetFollowApp, AppendedLinesArePushedToEverySubscriber) {
  start(50);
  RawClient a;
  RawClient b;
  subscribe(a);
  subscribe(b);
  EXPECT_NE(next_text(a).find(R"("state":"missing","backlog":0)"), std::string::npos);
  next_text(b);
  append("hello\n");
  EXPECT_EQ(next_text(a), R"({"type":"reset","reason":"rotated"})");  // the file appeared
  EXPECT_EQ(next_text(a), R"({"type":"line","n":1,"text":"hello"})");
  EXPECT_EQ(next_text(b), R"({"type":"reset","reason":"rotated"})");
  EXPECT_EQ(next_text(b), R"({"type":"line","n":1,"text":"hello"})");
  append("world\n");
  EXPECT_EQ(next_text(a), R"({"type":"line","n":2,"text":"world"})");
}

TEST_F(NetFollowApp, RotationAndTruncationAreAnnounced) {
  append("a\n");
  start(50);
  RawClient c;
  subscribe(c);
  next_text(c);  // hello
  next_text(c);  // a (backlog)
  ASSERT_EQ(std::rename(path.c_str(), (path + ".1").c_str()), 0);
  append("b\n");
  EXPECT_EQ(next_text(c), R"({"type":"reset","reason":"rotated"})");
  EXPECT_EQ(next_text(c), R"({"type":"line","n":2,"text":"b"})");
  { std::ofstream truncate(path, std::ios::trunc); }
  EXPECT_EQ(next_text(c), R"({"type":"reset","reason":"truncated"})");
  append("c\n");
  EXPECT_EQ(next_text(c), R"({"type":"line","n":3,"text":"c"})");
}

TEST_F(NetFollowApp, RemovalIsAnnouncedAfterTheGraceWithoutATick) {
  append("a\n");
  start(50);
  RawClient c;
  subscribe(c);
  next_text(c);  // hello
  next_text(c);  // a (backlog)
  ASSERT_EQ(std::remove(path.c_str()), 0);
  EXPECT_EQ(next_text(c), R"({"type":"reset","reason":"removed"})");
  append("b\n");
  EXPECT_EQ(next_text(c), R"({"type":"reset","reason":"rotated"})");
  EXPECT_EQ(next_text(c), R"({"type":"line","n":2,"text":"b"})");
}

TEST_F(NetFollowApp, BurstLargerThanTheReadBudgetArrivesWholeAndInOrder) {
  start(0, 64 * 1024);  // ~23 loop rounds for the burst below
  RawClient c;
  subscribe(c);
  next_text(c);  // hello
  std::string burst;
  constexpr int kLines = 20000;
  for (int i = 1; i <= kLines; ++i) {
    burst += "line " + std::to_string(i) + " " + std::string(64, 'x') + "\n";
  }
  append(burst);
  EXPECT_EQ(next_text(c), R"({"type":"reset","reason":"rotated"})");
  for (int i = 1; i <= kLines; ++i) {
    const std::string text = next_text(c);
    const std::string want = R"({"type":"line","n":)" + std::to_string(i) + R"(,"text":"line )" +
                             std::to_string(i) + " ";
    ASSERT_EQ(text.rfind(want, 0), 0u) << text;
  }
}

TEST_F(NetFollowApp, MissingDirectoryIsAnErrorWithAMessage) {
  FollowOptions fo;
  fo.path = dir + "/no-such-dir/app.log";
  auto made = FollowApp::create(loop, std::move(fo));
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().find("no-such-dir"), std::string::npos) << made.error();
}

}  // namespace
}  // namespace wslab::net::test
