// RedisLink: hiredis on net's EventLoop (see redis_link.hpp).
#include "wslab/rooms/redis_link.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <poll.h>
#include <sys/epoll.h>

#include <cerrno>
#include <charconv>

#include "wslab/net/log.hpp"

namespace wslab::rooms {
namespace {

constexpr Millis kRetryInterval{200};
constexpr timeval kConnectTimeout{0, 300000};
constexpr timeval kCommandTimeout{1, 0};
constexpr Millis kSubscribeTimeout{1000};  // the same bound as a command

RedisReply convert(const redisReply* r) {
  RedisReply out;
  if (r == nullptr) return out;
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      for (std::size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
      break;
    default:
      break;
  }
  return out;
}

RedisLink* link_of(void* data) {
  return static_cast<RedisLink*>(data);
}

void ev_add_read(void* d) {
  link_of(d)->want(EPOLLIN, true);
}
void ev_del_read(void* d) {
  link_of(d)->want(EPOLLIN, false);
}
void ev_add_write(void* d) {
  link_of(d)->want(EPOLLOUT, true);
}
void ev_del_write(void* d) {
  link_of(d)->want(EPOLLOUT, false);
}
void ev_cleanup(void* d) {
  link_of(d)->forget_fd();
}

void on_disconnect(const redisAsyncContext* ac, int /*status*/) {
  if (ac->data != nullptr) link_of(ac->data)->async_gone(ac);
}
void on_connect(const redisAsyncContext* ac, int status) {
  if (status != REDIS_OK && ac->data != nullptr) link_of(ac->data)->async_gone(ac);
}
void on_subscription(redisAsyncContext* ac, void* reply, void* /*priv*/) {
  if (ac->data != nullptr && reply != nullptr) link_of(ac->data)->deliver(reply);
}

}  // namespace

Result<RedisUrl> parse_redis_url(std::string_view url) {
  constexpr std::string_view kScheme = "redis://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return Error{"--redis: expected redis://HOST[:PORT], got \"" + std::string(url) + "\""};
  }
  std::string_view rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  RedisUrl out;
  const auto colon = rest.rfind(':');
  std::string_view host = colon == std::string_view::npos ? rest : rest.substr(0, colon);
  if (host.empty() || host.find('/') != std::string_view::npos ||
      host.find('@') != std::string_view::npos) {
    return Error{"--redis: bad host in \"" + std::string(url) + "\" (no user, password or path)"};
  }
  out.host = std::string(host);
  if (colon != std::string_view::npos) {
    std::string_view p = rest.substr(colon + 1);
    int port = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    if (ec != std::errc{} || end != p.data() + p.size() || port < 1 || port > 65535) {
      return Error{"--redis: bad port in \"" + std::string(url) + "\""};
    }
    out.port = port;
  }
  return out;
}

RedisLink::RedisLink(net::EventLoop& loop, RedisUrl url, RedisHooks hooks)
    : loop_(loop), url_(std::move(url)), hooks_(std::move(hooks)) {}

RedisLink::~RedisLink() {
  closing_ = true;
  if (async_ != nullptr) {
    redisAsyncContext* ac = async_;
    async_ = nullptr;
    ac->data = nullptr;
    redisAsyncFree(ac);
  }
  forget_fd();
  if (sync_ != nullptr) redisFree(sync_);
}

void RedisLink::start() {
  connect();
}

void RedisLink::schedule_retry() {
  if (retry_scheduled_ || closing_) return;
  retry_scheduled_ = true;
  loop_.schedule(net::steady_now() + kRetryInterval, this, ++retry_key_);
}

void RedisLink::on_timer(std::uint64_t key, Millis /*now*/) {
  if (key != retry_key_) return;
  retry_scheduled_ = false;
  if (!up_) connect();
}

void RedisLink::connect() {
  redisContext* c = redisConnectWithTimeout(url_.host.c_str(), url_.port, kConnectTimeout);
  if (c == nullptr || c->err != 0) {
    if (c != nullptr) redisFree(c);
    schedule_retry();
    return;
  }
  redisSetTimeout(c, kCommandTimeout);
  redisAsyncContext* ac = redisAsyncConnect(url_.host.c_str(), url_.port);
  if (ac == nullptr || ac->err != 0) {
    if (ac != nullptr) redisAsyncFree(ac);
    redisFree(c);
    schedule_retry();
    return;
  }
  sync_ = c;
  async_ = ac;
  fd_ = ac->c.fd;
  interest_ = 0;
  ac->data = this;
  ac->ev.data = this;
  ac->ev.addRead = ev_add_read;
  ac->ev.delRead = ev_del_read;
  ac->ev.addWrite = ev_add_write;
  ac->ev.delWrite = ev_del_write;
  ac->ev.cleanup = ev_cleanup;
  redisAsyncSetConnectCallback(ac, on_connect);
  redisAsyncSetDisconnectCallback(ac, on_disconnect);
  up_ = true;
  net::log_line("rooms: redis at " + url_.host + ":" + std::to_string(url_.port) + " is up");
  try {
    if (hooks_.on_up) hooks_.on_up();
  } catch (const RedisUnavailable& e) {
    fail(e.what());
  }
}

void RedisLink::fail(const std::string& why) {
  if (in_callback_ > 0) {  // never free a hiredis context from inside its own callback
    fail_pending_ = true;
    fail_why_ = why;
    return;
  }
  const bool was_up = up_;
  up_ = false;
  held_.clear();  // resync fills messages from the history and presence from the hash
  if (async_ != nullptr) {
    redisAsyncContext* ac = async_;
    async_ = nullptr;
    ac->data = nullptr;
    redisAsyncFree(ac);
  }
  forget_fd();
  if (sync_ != nullptr) {
    redisFree(sync_);
    sync_ = nullptr;
  }
  if (was_up) {
    net::log_line("rooms: redis is down (" + why + "); serving local members, retrying");
    if (hooks_.on_down) hooks_.on_down(why);
  }
  schedule_retry();
}

RedisReply RedisLink::command(const std::vector<std::string>& argv) {
  if (!up_ || fail_pending_ || sync_ == nullptr) throw RedisUnavailable("redis is down");
  std::vector<const char*> args;
  std::vector<std::size_t> lens;
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  void* raw = redisCommandArgv(sync_, static_cast<int>(args.size()), args.data(), lens.data());
  if (raw == nullptr) {
    std::string why = sync_->errstr[0] != '\0' ? sync_->errstr : "no reply";
    fail(why);
    throw RedisUnavailable("redis: " + why);
  }
  auto* r = static_cast<redisReply*>(raw);
  RedisReply out = convert(r);
  freeReplyObject(r);
  if (out.type == RedisReply::Type::kError) {
    net::log_line("rooms: redis error for " + argv.front() + ": " + out.str);
    // LOADING / a restarted server answering before it is ready: treat as down.
    if (out.str.rfind("LOADING", 0) == 0) {
      fail(out.str);
      throw RedisUnavailable(out.str);
    }
  }
  return out;
}

void RedisLink::subscribe(const std::string& channel) {
  if (!up_ || fail_pending_ || async_ == nullptr) throw RedisUnavailable("redis is down");
  // Never re-enter hiredis from its own callback (no caller does: joins and
  // resync run from client messages and timers).
  if (in_callback_ > 0) throw RedisUnavailable("SUBSCRIBE from inside a Redis callback");
  redisAsyncContext* ac = async_;
  awaited_ = channel;
  awaited_confirmed_ = false;
  redisAsyncCommand(ac, on_subscription, nullptr, "SUBSCRIBE %b", channel.data(), channel.size());
  const Millis deadline = net::steady_now() + kSubscribeTimeout;
  ++in_callback_;
  while (!awaited_confirmed_ && async_ == ac && !fail_pending_) {
    const Millis now = net::steady_now();
    if (now >= deadline) break;
    const auto want_write = (interest_ & EPOLLOUT) != 0 ? POLLOUT : 0;
    pollfd p{fd_, static_cast<short>(POLLIN | want_write), 0};
    const int n = ::poll(&p, 1, static_cast<int>((deadline - now).count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if ((p.revents & (POLLIN | POLLHUP | POLLERR)) != 0) redisAsyncHandleRead(ac);
    if (async_ == ac && (p.revents & POLLOUT) != 0) redisAsyncHandleWrite(ac);
  }
  --in_callback_;
  awaited_.clear();
  if (fail_pending_) {
    fail_pending_ = false;
    fail(fail_why_);
    throw RedisUnavailable("redis: " + fail_why_);
  }
  if (!awaited_confirmed_) {
    const std::string why = "SUBSCRIBE " + channel + " not confirmed within " +
                            std::to_string(kSubscribeTimeout.count()) + " ms";
    fail(why);
    throw RedisUnavailable(why);
  }
  if (!held_.empty()) loop_.defer(this);
}

void RedisLink::unsubscribe(const std::string& channel) {
  if (async_ == nullptr) return;
  redisAsyncCommand(async_, on_subscription, nullptr, "UNSUBSCRIBE %b", channel.data(),
                    channel.size());
}

void RedisLink::want(std::uint32_t direction, bool on) {
  interest_ = on ? (interest_ | direction) : (interest_ & ~direction);
  if (fd_ < 0) return;
  const std::uint32_t events = interest_;
  if (events == 0) {
    forget_fd();
    return;
  }
  if (fd_added_) {
    (void)loop_.modify(fd_, events, this);
  } else if (loop_.add(fd_, events, this)) {
    fd_added_ = true;
  }
}

void RedisLink::forget_fd() {
  if (fd_added_ && fd_ >= 0) loop_.remove(fd_);
  fd_added_ = false;
}

void RedisLink::on_io(std::uint32_t events) {
  if (async_ == nullptr) return;
  hand_on_held();  // older than anything this read brings
  if (async_ == nullptr) return;
  redisAsyncContext* ac = async_;
  ++in_callback_;
  if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) redisAsyncHandleRead(ac);
  if (async_ == ac && (events & EPOLLOUT) != 0) redisAsyncHandleWrite(ac);
  --in_callback_;
  if (fail_pending_) {
    fail_pending_ = false;
    fail(fail_why_);
  }
}

void RedisLink::async_gone(const redisAsyncContext* ac) {
  if (ac != async_) return;
  // hiredis frees the context itself after this callback.
  async_ = nullptr;
  forget_fd();
  fd_ = -1;
  if (!closing_) fail("subscriber connection lost");
}

void RedisLink::run_hook(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const RedisUnavailable& e) {
    fail(e.what());
  }
}

void RedisLink::hand_on_held() {
  while (!held_.empty() && up_) {
    const std::pair<std::string, std::string> m = std::move(held_.front());
    held_.pop_front();
    if (hooks_.on_message) run_hook([&] { hooks_.on_message(m.first, m.second); });
  }
}

void RedisLink::deliver(void* raw) {
  RedisReply r = convert(static_cast<redisReply*>(raw));
  if (r.type != RedisReply::Type::kArray || r.elements.size() < 3) return;
  const std::string& kind = r.elements[0].str;
  const std::string& channel = r.elements[1].str;
  if (!awaited_.empty()) {  // inside subscribe()
    if (channel == awaited_ && !awaited_confirmed_) {
      // Before the confirmation: an earlier subscription's message or its
      // UNSUBSCRIBE reply; the caller reads the shared state after this.
      if (kind == "subscribe") awaited_confirmed_ = true;
      return;
    }
    if (kind == "message") held_.emplace_back(channel, std::move(r.elements[2].str));
    return;
  }
  if (kind == "message" && hooks_.on_message) {
    run_hook([&] { hooks_.on_message(channel, r.elements[2].str); });
  }
}

}  // namespace wslab::rooms
