// Rooms across instances (docs/rooms-protocol.md §6, §7, §11; lab 6): three
// RedisRoomsApp instances (what `wslab serve --rooms --redis` runs, each on
// its own EventLoop thread) and one real redis-server on a free loopback port
// (--save "" --appendonly no), members spread over them.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "support.hpp"
#include "wslab/net/server.hpp"
#include "wslab/rooms/redis_rooms_app.hpp"
#include "wslab/rooms/rooms_app.hpp"

namespace wslab::rooms {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using net::test::Frame;
using net::test::RawClient;
using net::test::ReadEnd;

// One instance: an EventLoop thread with a RedisRoomsApp.
class Instance {
 public:
  bool start(const std::string& redis_url) {
    auto url = parse_redis_url(redis_url);
    if (!url) return false;
    RedisRoomsOptions o;
    o.redis = *url;
    app_ = std::make_unique<RedisRoomsApp>(loop_, std::move(o));
    net::ServerOptions options;
    options.log = net::LogLevel::kQuiet;
    options.shutdown_timeout = Millis{500};
    configure_rooms_server(options);
    server_ = std::make_unique<net::Server>(loop_, *app_, std::move(options));
    if (!server_->listen()) return false;
    port_ = server_->port();
    thread_ = std::thread([this] { loop_.run(); });
    return true;
  }
  ~Instance() {
    if (thread_.joinable()) {
      loop_.run_in_loop([this] { server_->request_shutdown(); });
      thread_.join();
    }
  }
  [[nodiscard]] std::uint16_t port() const { return port_; }

 private:
  net::EventLoop loop_;
  std::unique_ptr<RedisRoomsApp> app_;
  std::unique_ptr<net::Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool can_connect(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// A real redis-server with nothing on disk: a restart starts it empty.
class RedisServer {
 public:
  explicit RedisServer(std::uint16_t port) : port_(port) {}
  ~RedisServer() { stop(); }
  bool start() {
    pid_ = ::fork();
    if (pid_ == 0) {
      // Never outlive the test binary (a ctest TIMEOUT kills it with SIGKILL).
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      const std::string port = std::to_string(port_);
      ::execl(WSLAB_REDIS_SERVER, WSLAB_REDIS_SERVER, "--port", port.c_str(), "--bind", "127.0.0.1",
              "--save", "", "--appendonly", "no", "--loglevel", "warning",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    if (pid_ < 0) return false;
    for (int i = 0; i < 250; ++i) {  // at most 5 s
      if (can_connect(port_)) return true;
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {  // exited (port taken?)
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  [[nodiscard]] std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

 private:
  std::uint16_t port_;
  pid_t pid_ = -1;
};

// A redis-server on a free port; another port if the chosen one was taken
// meanwhile (free_port closes its socket before redis-server binds).
std::unique_ptr<RedisServer> start_redis() {
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto redis = std::make_unique<RedisServer>(free_port());
    if (redis->start()) return redis;
  }
  return nullptr;
}

class Member {
 public:
  bool open(std::uint16_t port, const std::string& name) {
    if (!c_.connect(port) || !c_.handshake("/rooms", {"Sec-WebSocket-Protocol: wslab.rooms.v1"})) {
      return false;
    }
    send({{"type", "hello"}, {"name", name}});
    json w = next_skipping_status();
    name_ = w.value("name", "");
    return w.value("type", "") == "welcome";
  }
  void send(const json& j) { c_.send_frame(Opcode::kText, j.dump()); }
  json next(std::chrono::milliseconds timeout = net::test::kWait) {
    Frame f;
    while (c_.read_frame(f, timeout) == ReadEnd::kFrame) {
      if (f.opcode == 1) return json::parse(f.payload);
      if (f.opcode == 8) return json();
    }
    return json();
  }
  json next_skipping_status() {
    for (;;) {
      json j = next();
      if (j.is_null() || j.value("type", "") != "status") return j;
    }
  }
  // The next event of this type; others (presence, status) are skipped.
  json next_of(const std::string& type) {
    for (int i = 0; i < 1000; ++i) {
      json j = next();
      if (j.is_null() || j.value("type", "") == type) return j;
    }
    return json();
  }
  json join(const std::string& room, std::optional<std::uint64_t> since = std::nullopt) {
    json m{{"type", "join"}, {"room", room}};
    if (since) m["since"] = *since;
    send(m);
    return next_of("joined");
  }
  void close() { c_.close(); }
  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  RawClient c_;
  std::string name_;
};

class RoomsRedis : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_ = start_redis();
    ASSERT_NE(redis_, nullptr) << "redis-server did not start";
    for (auto& s : servers_) {
      ASSERT_TRUE(s.start(redis_->url()));
    }
  }
  std::uint16_t port(std::size_t i) const { return servers_.at(i).port(); }

  std::unique_ptr<RedisServer> redis_;
  std::array<Instance, 3> servers_;
};

// §6 rule 2: one order for all, whichever instance each member is on.
TEST_F(RoomsRedis, OneOrderForAllMembersAcrossInstances) {
  std::array<Member, 3> m;
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(m[i].open(port(i), "u" + std::to_string(i)));
    ASSERT_EQ(m[i].join("lobby").value("type", ""), "joined");
  }
  constexpr int kEach = 20;
  for (int k = 0; k < kEach; ++k) {
    for (auto& member : m)
      member.send({{"type", "say"}, {"room", "lobby"}, {"text", std::to_string(k)}});
  }
  std::array<std::vector<std::string>, 3> seen;
  for (std::size_t i = 0; i < 3; ++i) {
    while (seen[i].size() < 3 * kEach) {
      json e = m[i].next_of("message");
      ASSERT_FALSE(e.is_null()) << "member " << i << " got " << seen[i].size() << " messages";
      EXPECT_EQ(e["seq"].get<std::uint64_t>(), seen[i].size() + 1) << "gap or reorder";
      seen[i].push_back(e["from"].get<std::string>() + ":" + e["text"].get<std::string>());
    }
  }
  EXPECT_EQ(seen[0], seen[1]);
  EXPECT_EQ(seen[0], seen[2]);
}

// §6 rule 5: a connection that is not a member hears nothing about the room.
TEST_F(RoomsRedis, IsolationAcrossInstances) {
  Member a, b, outsider;
  ASSERT_TRUE(a.open(port(0), "a"));
  ASSERT_TRUE(b.open(port(1), "b"));
  ASSERT_TRUE(outsider.open(port(1), "outsider"));
  a.join("lobby");
  outsider.join("kitchen");
  b.join("lobby");
  b.send({{"type", "typing"}, {"room", "lobby"}, {"active", true}});
  b.send({{"type", "say"}, {"room", "lobby"}, {"text", "secret"}});
  EXPECT_EQ(a.next_of("message").value("text", ""), "secret");
  outsider.send({{"type", "ping"}, {"ref", 1}});
  json e = outsider.next_skipping_status();
  EXPECT_EQ(e.value("type", ""), "pong") << e.dump();
}

// §5.5: presence and the member list cover every instance.
TEST_F(RoomsRedis, PresenceAcrossInstances) {
  Member a, b, c;
  ASSERT_TRUE(a.open(port(0), "alice"));
  ASSERT_TRUE(b.open(port(1), "bob"));
  ASSERT_TRUE(c.open(port(2), "carol"));
  a.join("lobby");
  b.join("lobby");
  json joined = c.join("lobby");
  EXPECT_EQ(joined["members"], json({"alice", "bob", "carol"}));
  json p = a.next_of("presence");
  EXPECT_EQ(p.value("name", ""), "bob");
  p = a.next_of("presence");
  EXPECT_EQ(p.value("name", ""), "carol");
  EXPECT_EQ(p.value("action", ""), "join");
  EXPECT_EQ(b.next_of("presence").value("name", ""), "carol");  // carol's join
  c.close();
  p = b.next_of("presence");
  EXPECT_EQ(p.value("name", ""), "carol");
  EXPECT_EQ(p.value("action", ""), "leave");
  EXPECT_EQ(p.value("reason", ""), "disconnected");
}

// §3: a name is unique in the cluster, not only on one instance.
TEST_F(RoomsRedis, NamesAreUniqueAcrossInstances) {
  Member a, b;
  ASSERT_TRUE(a.open(port(0), "dana"));
  ASSERT_TRUE(b.open(port(1), "dana"));
  EXPECT_EQ(a.name(), "dana");
  EXPECT_EQ(b.name(), "dana-2");
}

// §4.5: a private message reaches its target on another instance; the sender
// gets the same event as its confirmation; an unknown name is still no_such_user.
TEST_F(RoomsRedis, PrivateReachesAUserOnAnotherInstance) {
  Member a, b, c;
  ASSERT_TRUE(a.open(port(0), "amy"));
  ASSERT_TRUE(b.open(port(1), "ben"));
  ASSERT_TRUE(c.open(port(2), "cat"));
  a.send({{"type", "private"}, {"to", "ben"}, {"text", "psst"}});
  json to_b = b.next_of("private");
  ASSERT_TRUE(to_b.is_object()) << "ben (on another instance) got no private event";
  EXPECT_EQ(to_b.value("from", ""), "amy");
  EXPECT_EQ(to_b.value("to", ""), "ben");
  EXPECT_EQ(to_b.value("text", ""), "psst");
  json confirm = a.next_skipping_status();
  EXPECT_EQ(confirm.value("type", ""), "private") << confirm.dump();
  EXPECT_EQ(confirm.value("text", ""), "psst");
  a.send({{"type", "private"}, {"to", "nobody"}, {"text", "x"}});
  json err = a.next_skipping_status();
  EXPECT_EQ(err.value("code", ""), "no_such_user") << err.dump();
  // Nobody else heard it.
  c.send({{"type", "ping"}, {"ref", 2}});
  EXPECT_EQ(c.next_skipping_status().value("type", ""), "pong");
  // Gone from instance 1: no longer reachable from instance 0.
  b.close();
  json left;
  for (int i = 0; i < 50; ++i) {
    a.send({{"type", "private"}, {"to", "ben"}, {"text", "still there?"}});
    left = a.next_skipping_status();
    if (left.value("type", "") == "error") break;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(left.value("code", ""), "no_such_user") << left.dump();
}

// §7: a client that reconnects to another instance catches up from Redis.
TEST_F(RoomsRedis, HistoryOnReconnectToAnotherInstance) {
  Member a, b;
  ASSERT_TRUE(a.open(port(0), "a"));
  ASSERT_TRUE(b.open(port(1), "b"));
  a.join("lobby");
  b.join("lobby");
  a.send({{"type", "say"}, {"room", "lobby"}, {"text", "one"}});
  const auto last = b.next_of("message")["seq"].get<std::uint64_t>();
  b.close();
  a.send({{"type", "say"}, {"room", "lobby"}, {"text", "two"}});
  a.send({{"type", "say"}, {"room", "lobby"}, {"text", "three"}});
  EXPECT_EQ(a.next_of("message").value("text", ""), "one");
  EXPECT_EQ(a.next_of("message").value("text", ""), "two");
  EXPECT_EQ(a.next_of("message").value("text", ""), "three");
  Member again;
  ASSERT_TRUE(again.open(port(2), "b"));
  json joined = again.join("lobby", last);
  EXPECT_EQ(joined.value("seq", 0), 3);
  EXPECT_EQ(joined.value("history", 0), 2);
  EXPECT_EQ(again.next().value("text", ""), "two");
  EXPECT_EQ(again.next().value("text", ""), "three");
}

// The issue's restart rule: Redis goes away (status down), instances keep
// serving, Redis comes back empty; nothing acknowledged is lost, and what was
// said during the outage is sent (and acknowledged) once it is back.
TEST_F(RoomsRedis, RedisRestartLosesNoAcknowledgedMessage) {
  Member a, b;
  ASSERT_TRUE(a.open(port(0), "a"));
  ASSERT_TRUE(b.open(port(1), "b"));
  a.join("lobby");
  b.join("lobby");
  for (const char* t : {"before-1", "before-2"}) {
    a.send({{"type", "say"}, {"room", "lobby"}, {"text", t}});
    ASSERT_EQ(a.next_of("message").value("text", ""), t);  // acknowledged
    ASSERT_EQ(b.next_of("message").value("text", ""), t);
  }
  redis_->stop();
  json down = a.next_of("status");
  EXPECT_EQ(down.value("state", ""), "down");
  EXPECT_EQ(b.next_of("status").value("state", ""), "down");
  // Local members are still served.
  a.send({{"type", "ping"}, {"ref", 5}});
  EXPECT_EQ(a.next_skipping_status().value("type", ""), "pong");
  a.send({{"type", "say"}, {"room", "lobby"}, {"text", "during"}});
  ASSERT_TRUE(redis_->start());
  EXPECT_EQ(a.next_of("status").value("state", ""), "up");
  json during = a.next_of("message");
  EXPECT_EQ(during.value("text", ""), "during");
  EXPECT_EQ(during.value("seq", 0), 3);
  EXPECT_EQ(b.next_of("message").value("seq", 0), 3);
  // Somebody new on the third instance gets everything acknowledged.
  Member c;
  ASSERT_TRUE(c.open(port(2), "c"));
  json joined = c.join("lobby", 0);
  EXPECT_EQ(joined.value("seq", 0), 3);
  ASSERT_EQ(joined.value("history", 0), 3);
  for (const char* t : {"before-1", "before-2", "during"}) {
    EXPECT_EQ(c.next().value("text", ""), t);
  }
}

// Runs `loop` until `done()` or 3 s; true when done.
bool run_until(net::EventLoop& loop, const std::function<bool()>& done) {
  struct Check final : net::TimerHandler {
    net::EventLoop& loop;
    const std::function<bool()>& done;
    Millis deadline;
    bool met = false;
    Check(net::EventLoop& l, const std::function<bool()>& d)
        : loop(l), done(d), deadline(net::steady_now() + Millis{3000}) {}
    void on_timer(std::uint64_t /*key*/, Millis now) override {
      met = done();
      if (met || now >= deadline) {
        loop.stop();
      } else {
        loop.schedule(now + Millis{5}, this, 0);
      }
    }
  } check(loop, done);
  loop.schedule(net::steady_now(), &check, 0);
  loop.run();
  return check.met;
}

// Two registries on one loop (no server): instance a's link hands its pub/sub
// messages to a, b only publishes.
class RoomsRedisRegistry : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_ = start_redis();
    ASSERT_NE(redis_, nullptr) << "redis-server did not start";
    auto url = parse_redis_url(redis_->url());
    ASSERT_TRUE(url);
    RedisHooks hooks;
    hooks.on_message = [this](std::string_view ch, std::string_view p) { a.on_message(ch, p); };
    link_a_ = std::make_unique<RedisLink>(loop_, *url, std::move(hooks));
    link_b_ = std::make_unique<RedisLink>(loop_, *url, RedisHooks{});
    link_a_->start();
    link_b_->start();
    ASSERT_TRUE(link_a_->up() && link_b_->up());
    a.attach(link_a_.get());
    b.attach(link_b_.get());
  }
  // What a's members were told, in order, as "<conn> <type> <detail>".
  std::vector<std::string> told_to_a() {
    for (const auto& d : a.take_pending()) {
      const json j = json::parse(*d.text);
      const std::string type = j.value("type", "");
      const std::string detail =
          type == "presence" ? j.value("action", "") + " " + j.value("name", "")
                             : std::to_string(j.value("seq", 0)) + " " + j.value("text", "");
      told_.push_back(std::to_string(d.to) + " " + type + " " + detail);
    }
    return told_;
  }

  std::unique_ptr<RedisServer> redis_;
  net::EventLoop loop_;
  std::unique_ptr<RedisLink> link_a_, link_b_;
  // A history ring of 3, so an instance can fall further behind than it holds.
  static Limits small_history() {
    Limits l;
    l.history_size = 3;
    return l;
  }
  RedisRegistry a{small_history(), "instance-a"};
  RedisRegistry b{small_history(), "instance-b"};
  std::vector<std::string> told_;
};

// §5.5 across instances: once `joined` is answered, every later presence change
// on another instance reaches the new member, even a member who joins and
// leaves at once (join returns only after Redis confirmed the SUBSCRIBE; before
// that fix this pair was lost: both were published before the subscription took
// effect and the members hash read afterwards showed no change).
TEST_F(RoomsRedisRegistry, MemberWhoJoinsAndLeavesRightAfterAJoinIsSeenBothWays) {
  a.add_user(1, "alice");
  b.add_user(2, "bob");
  ASSERT_EQ(a.join(1, "lobby", std::nullopt).status, JoinStatus::kJoined);
  EXPECT_EQ(a.member_names("lobby"), std::vector<std::string>({"alice"}));
  ASSERT_EQ(b.join(2, "lobby", std::nullopt).status, JoinStatus::kJoined);
  ASSERT_TRUE(b.leave(2, "lobby"));
  const std::vector<std::string> want{"1 presence join bob", "1 presence leave bob"};
  EXPECT_TRUE(run_until(loop_, [&] { return told_to_a().size() >= 2; }))
      << "alice was told only: " << ::testing::PrintToString(told_);
  EXPECT_EQ(told_, want);
  EXPECT_EQ(a.member_names("lobby"), std::vector<std::string>({"alice"}));
}

// A member already on the other instance is in the `joined` list, and its
// presence is not told again when the same join also arrives on the channel.
TEST_F(RoomsRedisRegistry, MemberAlreadyThereIsListedAndNotToldAgain) {
  a.add_user(1, "alice");
  b.add_user(2, "bob");
  ASSERT_EQ(b.join(2, "lobby", std::nullopt).status, JoinStatus::kJoined);
  ASSERT_EQ(a.join(1, "lobby", std::nullopt).status, JoinStatus::kJoined);
  EXPECT_EQ(a.member_names("lobby"), std::vector<std::string>({"alice", "bob"}));
  a.on_message("wslab:room:lobby",
               std::string("pinstance-b\n") +
                   R"({"type":"presence","room":"lobby","name":"bob","action":"join"})");
  EXPECT_TRUE(told_to_a().empty());
  ASSERT_TRUE(b.leave(2, "lobby"));
  EXPECT_TRUE(run_until(loop_, [&] { return !told_to_a().empty(); }));
  EXPECT_EQ(told_, std::vector<std::string>({"1 presence leave bob"}));
}

// Messages of a room already subscribed that arrive while another room's
// SUBSCRIBE waits for its confirmation are held, then handed on in order.
TEST_F(RoomsRedisRegistry, MessagesArrivingDuringAnotherSubscribeAreHandedOnAfter) {
  a.add_user(1, "alice");
  b.add_user(2, "bob");
  ASSERT_EQ(a.join(1, "lobby", std::nullopt).status, JoinStatus::kJoined);
  ASSERT_EQ(b.join(2, "lobby", std::nullopt).status, JoinStatus::kJoined);
  EXPECT_TRUE(run_until(loop_, [&] { return !told_to_a().empty(); }));  // bob's join
  b.append("lobby", "bob", "one", 1);
  b.append("lobby", "bob", "two", 2);
  // Both are on a's subscriber socket before the SUBSCRIBE reply for "kitchen".
  ASSERT_EQ(a.join(1, "kitchen", std::nullopt).status, JoinStatus::kJoined);
  EXPECT_TRUE(run_until(loop_, [&] { return told_to_a().size() >= 3; }));
  EXPECT_EQ(told_, std::vector<std::string>(
                       {"1 presence join bob", "1 message 1 one", "1 message 2 two"}));
}

// §6 one order for all, on an instance that is behind on the channel: five
// messages from b wait unread on a's subscriber socket, the history ring keeps
// only the last 3, and then alice (on a) says something. Her message must not
// jump the queue, nor may the two the ring no longer holds be skipped.
TEST_F(RoomsRedisRegistry, SayOnAnInstanceBehindTheChannelComesAfterEverythingBeforeIt) {
  a.add_user(1, "alice");
  b.add_user(2, "bob");
  ASSERT_EQ(a.join(1, "lobby", std::nullopt).status, JoinStatus::kJoined);
  ASSERT_EQ(b.join(2, "lobby", std::nullopt).status, JoinStatus::kJoined);
  ASSERT_TRUE(run_until(loop_, [&] { return !told_to_a().empty(); }));  // bob's join
  for (int i = 1; i <= 5; ++i) b.append("lobby", "bob", "m" + std::to_string(i), i);
  const auto mine = a.append("lobby", "alice", "mine", 6);
  EXPECT_FALSE(mine.has_value()) << "seq " << mine->seq
                                 << " handed to the engine while seq 1-5 were still in flight";
  EXPECT_TRUE(run_until(loop_, [&] { return told_to_a().size() >= 7; }));
  EXPECT_EQ(told_, std::vector<std::string>({"1 presence join bob", "1 message 1 m1",
                                             "1 message 2 m2", "1 message 3 m3", "1 message 4 m4",
                                             "1 message 5 m5", "1 message 6 mine"}));
  // Caught up: the next say is handed to the engine at once.
  const auto next = a.append("lobby", "alice", "now", 7);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->seq, 7U);
}

// §6 rule 4 on an instance that is behind: carol joins on a while seq 1-5 are
// still unread there. Members already in get all five from the channel; carol's
// live stream starts after her joined seq (5), and continues with what follows.
TEST_F(RoomsRedisRegistry, JoinOnAnInstanceBehindTheChannelSkipsNothingForOthers) {
  a.add_user(1, "alice");
  b.add_user(2, "bob");
  a.add_user(3, "carol");
  ASSERT_EQ(a.join(1, "lobby", std::nullopt).status, JoinStatus::kJoined);
  ASSERT_EQ(b.join(2, "lobby", std::nullopt).status, JoinStatus::kJoined);
  ASSERT_TRUE(run_until(loop_, [&] { return !told_to_a().empty(); }));  // bob's join
  for (int i = 1; i <= 5; ++i) b.append("lobby", "bob", "m" + std::to_string(i), i);
  const JoinOutcome carol = a.join(3, "lobby", std::nullopt);
  ASSERT_EQ(carol.status, JoinStatus::kJoined);
  EXPECT_EQ(carol.seq, 5U);
  b.append("lobby", "bob", "six", 6);
  EXPECT_TRUE(run_until(loop_, [&] { return told_to_a().size() >= 8; }));
  EXPECT_EQ(told_, std::vector<std::string>(
                       {"1 presence join bob", "1 message 1 m1", "1 message 2 m2", "1 message 3 m3",
                        "1 message 4 m4", "1 message 5 m5", "1 message 6 six", "3 message 6 six"}));
}

// After a Redis outage resync catches up from the history (a message said on
// another instance while this one was away) and hands what it delivered to
// on_pending at once: nothing else may come along to flush it (the restart
// test lost b's copy of the message said during the outage this way, 12 runs
// in 30 under ASan with two busy loops beside it).
TEST_F(RoomsRedisRegistry, ResyncHandsWhatItCaughtUpOnToOnPending) {
  a.add_user(1, "alice");
  b.add_user(2, "bob");
  ASSERT_EQ(a.join(1, "lobby", std::nullopt).status, JoinStatus::kJoined);
  ASSERT_EQ(b.join(2, "lobby", std::nullopt).status, JoinStatus::kJoined);
  ASSERT_TRUE(run_until(loop_, [&] { return !told_to_a().empty(); }));  // bob's join
  b.append("lobby", "bob", "while a was away", 1);
  int woke = 0;
  a.on_pending([&] { ++woke; });
  a.resync();  // what the link's on_up runs (the unread copy on the channel is not needed)
  EXPECT_EQ(woke, 1) << "resync delivered without telling anyone";
  EXPECT_EQ(told_to_a(),
            std::vector<std::string>({"1 presence join bob", "1 message 1 while a was away"}));
}

}  // namespace
}  // namespace wslab::rooms
