// RedisLink: the connection of one wslab.rooms.v1 instance to Redis, for
// scaling out over several instances (docs/rooms-protocol.md §11, lesson 7).
// Not an RFC rule holder: it moves commands and pub/sub messages.
//
// Two hiredis connections: a blocking one for commands (short, on loopback,
// with a timeout; a failed command throws RedisUnavailable) and an async one
// for SUBSCRIBE, attached to net's EventLoop through redisAsyncContext's
// ev hooks, so every byte still moves on the one epoll loop. When Redis goes
// away the link says so (on_down), retries every 200 ms, and on return calls
// on_up so the owner can restore state and resubscribe.
#pragma once

#include <cstdint>
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
  std::function<void(std::string_view channel)> on_subscribed;  // SUBSCRIBE confirmed
};

class RedisLink final : public net::TimerHandler, public net::IoHandler {
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
  void subscribe(const std::string& channel);
  void unsubscribe(const std::string& channel);

  void on_timer(std::uint64_t key, Millis now) override;
  void on_io(std::uint32_t events) override;

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
};

}  // namespace wslab::rooms
