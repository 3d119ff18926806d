// One event source, four transports, one net event loop (see event_server.hpp).
#include "event_server.hpp"

#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string_view>

#include "support/bench_support.hpp"
#include "wslab/net/app.hpp"
#include "wslab/net/connection.hpp"
#include "wslab/net/event_loop.hpp"
#include "wslab/net/server.hpp"
#include "wslab/net/socket.hpp"

namespace wslab::bench {

namespace {

struct Event {
  std::uint64_t seq;
  std::string text;
};

// WebSocket push: every open connection gets every event.
class PushApp final : public net::App {
 public:
  void on_open(net::Connection& c) override { members_.insert(&c); }
  void on_close(net::Connection& c, const net::CloseInfo&) override { members_.erase(&c); }
  void push(std::string_view text) {
    for (auto* m : members_) m->send_text(text);
  }

 private:
  std::set<net::Connection*> members_;
};

}  // namespace

struct EventServer::Impl {
  class HttpConn;
  class Listener;
  class Generator;

  std::string host;
  net::EventLoop loop;
  PushApp app;
  std::unique_ptr<net::Server> ws;
  std::unique_ptr<Listener> http;
  std::unique_ptr<Generator> gen;
  std::map<int, std::unique_ptr<HttpConn>> conns;
  std::vector<Event> events;
  std::atomic<std::size_t> published{0};
  std::thread thread;
  std::atomic<pthread_t> thread_id{};
  std::atomic<bool> running{false};
  std::uint16_t http_port = 0;

  void publish(std::int64_t t_ns);
  void close_conn(int fd) { conns.erase(fd); }
  std::string body_after(std::uint64_t since) const {
    std::string body;
    for (const auto& e : events)
      if (e.seq > since) {
        body += e.text;
        body += '\n';
      }
    return body;
  }
};

// A plain HTTP/1.1 keep-alive connection: polls, long polls, or one SSE stream.
class EventServer::Impl::HttpConn final : public net::IoHandler {
 public:
  HttpConn(Impl& s, net::Fd fd) : s_(s), fd_(std::move(fd)) {}
  ~HttpConn() { s_.loop.remove(fd_.get()); }
  int fd() const { return fd_.get(); }
  void on_io(std::uint32_t ready) override {
    if (ready & EPOLLOUT) flush();
    if (ready & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
      auto buf = s_.loop.read_buffer();
      ssize_t n = recv(fd_.get(), buf.data(), buf.size(), 0);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        s_.close_conn(fd_.get());  // deletes this
        return;
      }
      if (n > 0) in_.append(reinterpret_cast<const char*>(buf.data()), static_cast<std::size_t>(n));
      handle_requests();
    }
  }
  // A new event exists: answer a parked long poll, or stream it on SSE.
  void on_event(const Event& e) {
    if (sse_) {
      write("data: " + e.text + "\n\n");
    } else if (parked_) {
      parked_ = false;
      respond(s_.body_after(since_));
    }
  }

 private:
  void handle_requests() {
    for (;;) {
      auto end = in_.find("\r\n\r\n");
      if (end == std::string::npos) return;
      std::string head = in_.substr(0, end);
      in_.erase(0, end + 4);
      auto sp1 = head.find(' ');
      auto sp2 = head.find(' ', sp1 + 1);
      std::string target = head.substr(sp1 + 1, sp2 - sp1 - 1);
      auto q = target.find("since=");
      std::uint64_t since =
          q == std::string::npos ? 0 : std::strtoull(target.c_str() + q + 6, nullptr, 10);
      if (target.rfind("/poll", 0) == 0) {
        respond(s_.body_after(since));
      } else if (target.rfind("/lp", 0) == 0) {
        if (!s_.events.empty() && s_.events.back().seq > since) {
          respond(s_.body_after(since));
        } else {
          parked_ = true;
          since_ = since;
        }
      } else if (target.rfind("/sse", 0) == 0) {
        sse_ = true;
        write(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: "
            "no-cache\r\n\r\n");
      } else {
        write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
      }
    }
  }
  void respond(const std::string& body) {
    write(
        "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nCache-Control: no-cache\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body);
  }
  void write(std::string data) {
    out_ += data;
    flush();
  }
  void flush() {
    while (!out_.empty()) {
      ssize_t n = send(fd_.get(), out_.data(), out_.size(), MSG_NOSIGNAL);
      if (n <= 0) break;
      out_.erase(0, static_cast<std::size_t>(n));
    }
    bool want_out = !out_.empty();
    if (want_out != watching_out_) {
      watching_out_ = want_out;
      s_.loop.modify(fd_.get(), EPOLLIN | (want_out ? EPOLLOUT : 0u), this);
    }
  }
  Impl& s_;
  net::Fd fd_;
  std::string in_;
  std::string out_;
  bool sse_ = false;
  bool parked_ = false;
  bool watching_out_ = false;
  std::uint64_t since_ = 0;
};

class EventServer::Impl::Listener final : public net::IoHandler {
 public:
  Listener(Impl& s, net::Fd fd) : s_(s), fd_(std::move(fd)) {}
  ~Listener() { s_.loop.remove(fd_.get()); }
  int fd() const { return fd_.get(); }
  void on_io(std::uint32_t) override {
    for (;;) {
      int c = accept4(fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (c < 0) return;
      net::set_nodelay(c);
      auto conn = std::make_unique<HttpConn>(s_, net::Fd(c));
      s_.loop.add(c, EPOLLIN, conn.get());
      s_.conns[c] = std::move(conn);
    }
  }

 private:
  Impl& s_;
  net::Fd fd_;
};

// Publishes events at their scheduled times with a timerfd (ns resolution:
// the loop's own timers are in milliseconds, too coarse for 1 ms bursts).
class EventServer::Impl::Generator final : public net::IoHandler {
 public:
  explicit Generator(Impl& s)
      : s_(s), fd_(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) {
    s_.loop.add(fd_.get(), EPOLLIN, this);
  }
  ~Generator() { s_.loop.remove(fd_.get()); }
  void start(const EventSchedule& sched) {
    base_ = now_ns();
    at_ = sched.at_ns;
    next_ = 0;
    arm();
  }
  void on_io(std::uint32_t) override {
    std::uint64_t expirations = 0;
    [[maybe_unused]] auto r = read(fd_.get(), &expirations, sizeof expirations);
    std::int64_t now = now_ns();
    while (next_ < at_.size() && base_ + at_[next_] <= now) {
      s_.publish(now_ns());
      ++next_;
    }
    arm();
  }

 private:
  void arm() {
    if (next_ >= at_.size()) return;
    // steady_clock and CLOCK_MONOTONIC are the same clock on Linux.
    std::int64_t when = base_ + at_[next_];
    itimerspec its{};
    its.it_value.tv_sec = when / 1000000000;
    its.it_value.tv_nsec = when % 1000000000;
    timerfd_settime(fd_.get(), TFD_TIMER_ABSTIME, &its, nullptr);
  }
  Impl& s_;
  net::Fd fd_;
  std::int64_t base_ = 0;
  std::vector<std::int64_t> at_;
  std::size_t next_ = 0;
};

void EventServer::Impl::publish(std::int64_t t_ns) {
  Event e{events.size() + 1, {}};
  e.text = "{\"seq\":" + std::to_string(e.seq) + ",\"t\":" + std::to_string(t_ns) + "}";
  events.push_back(e);
  published.store(events.size());
  app.push(e.text);
  for (auto& [fd, c] : conns) c->on_event(events.back());
}

EventServer::EventServer(std::string host) : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
}

EventServer::~EventServer() {
  stop();
}

std::string EventServer::start() {
  auto& s = *impl_;
  net::ServerOptions o;
  o.host = s.host;
  o.log = net::LogLevel::kQuiet;
  o.tick_interval = Millis{0};
  s.ws = std::make_unique<net::Server>(s.loop, s.app, o);
  if (auto st = s.ws->listen(); !st) return st.message();
  auto lfd = net::listen_tcp(s.host, 0);
  if (!lfd) return lfd.error();
  s.http_port = net::local_port(lfd->get());
  int fd = lfd->get();
  s.http = std::make_unique<Impl::Listener>(s, std::move(*lfd));
  if (auto st = s.loop.add(fd, EPOLLIN, s.http.get()); !st) return st.message();
  s.gen = std::make_unique<Impl::Generator>(s);
  s.running = true;
  s.thread = std::thread([&s] {
    s.thread_id = pthread_self();
    s.loop.run();
  });
  while (s.thread_id.load() == pthread_t{}) std::this_thread::yield();
  return {};
}

void EventServer::publish_schedule(const EventSchedule& schedule) {
  impl_->loop.run_in_loop([this, schedule] { impl_->gen->start(schedule); });
}

void EventServer::stop() {
  auto& s = *impl_;
  if (!s.running) return;
  s.loop.run_in_loop([&s] {
    s.conns.clear();
    s.loop.stop();
  });
  s.thread.join();
  s.running = false;
}

std::uint16_t EventServer::http_port() const {
  return impl_->http_port;
}
std::uint16_t EventServer::ws_port() const {
  return impl_->ws->port();
}
std::size_t EventServer::published() const {
  return impl_->published.load();
}

double EventServer::cpu_seconds() const {
  clockid_t cid;
  if (pthread_getcpuclockid(impl_->thread_id.load(), &cid) != 0) return 0;
  timespec ts{};
  clock_gettime(cid, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace wslab::bench
