// RedisLink: the connection of one wslab.rooms.v1 instance to Redis, for
// scaling out over several instances (docs/rooms-protocol.md §11, lesson 7).
// Not an RFC rule holder: it moves commands and pub/sub messages.
//
// Two hiredis connections: a blocking one for commands (short, on loopback,
// with a timeout; a failed command throws RedisUnavailable) and an async one
// for SUBSCRIBE, attached to net's EventLoop through redisAsyncContext's
// ev hooks, so every byte still moves on the one epoll loop. SUBSCRIBE alone
// waits on that connection for Redis's confirmation (see subscribe()). When Redis goes
// away the link says so (on_down), retries every 200 ms, and on return calls
// on_up so the owner can restore state and resubscribe.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "wslab/net/event_loop.hpp"
#include "wslab/result.hpp"

struct redisContext;
struct redisAsyncContext;

namespace wslab::rooms {

struct RedisUrl {
  std::string host = "127.0.0.1";
  int port = 6379;
};
// redis://HOST[:PORT][/] (no password, no database number).
Result<RedisUrl> parse_redis_url(std::string_view url);

// A Redis command could not be completed; the link is now down.
class RedisUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RedisReply {
  enum class Type : std::uint8_t { kNil, kInteger, kString, kArray, kError };
  Type type = Type::kNil;
  long long integer = 0;
  std::string str;
  std::vector<RedisReply> elements;
};

struct RedisHooks {
  std::function<void()> on_up;  // may throw RedisUnavailable
  std::function<void(const std::string& why)> on_down;
  std::function<void(std::string_view channel, std::string_view payload)> on_message;
};

class RedisLink final : public net::TimerHandler, public net::IoHandler, public net::Deferred {
 public:
  RedisLink(net::EventLoop& loop, RedisUrl url, RedisHooks hooks);
  ~RedisLink();
  RedisLink(const RedisLink&) = delete;
  RedisLink& operator=(const RedisLink&) = delete;

  // First connection attempt; retries on its own when Redis is not there.
  void start();
  [[nodiscard]] bool up() const { return up_; }

  // Blocking command; throws RedisUnavailable (and takes the link down).
  RedisReply command(const std::vector<std::string>& argv);
  // SUBSCRIBE, then wait (at most the command timeout) until Redis confirms
  // it, so everything published on the channel from now on reaches
  // on_message: a caller may read shared state right after and miss nothing.
  // Throws RedisUnavailable (and takes the link down). Messages that arrive
  // meanwhile on other channels are held and handed on after the current
  // round of events, before anything newer; the channel's own messages from
  // before the confirmation (an earlier subscription's) are dropped.
  void subscribe(const std::string& channel);
  void unsubscribe(const std::string& channel);

  void on_timer(std::uint64_t key, Millis now) override;
  void on_io(std::uint32_t events) override;
  void run_deferred() override { hand_on_held(); }

  // hiredis ev hooks and callbacks (C entry points).
  void want(std::uint32_t direction, bool on);
  void forget_fd();
  void async_gone(const redisAsyncContext* ac);
  void deliver(void* reply);

 private:
  void connect();
  void fail(const std::string& why);
  void schedule_retry();
  void run_hook(const std::function<void()>& fn);
  void hand_on_held();

  net::EventLoop& loop_;
  RedisUrl url_;
  RedisHooks hooks_;
  redisContext* sync_ = nullptr;
  redisAsyncContext* async_ = nullptr;
  bool up_ = false;
  std::uint32_t interest_ = 0;
  int fd_ = -1;
  bool fd_added_ = false;
  int in_callback_ = 0;
  bool fail_pending_ = false;
  std::string fail_why_;
  std::uint64_t retry_key_ = 0;
  bool retry_scheduled_ = false;
  bool closing_ = false;
  std::string awaited_;  // the channel subscribe() waits for, if any
  bool awaited_confirmed_ = false;
  std::deque<std::pair<std::string, std::string>> held_;  // channel, payload
};

}  // namespace wslab::rooms
