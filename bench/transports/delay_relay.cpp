// A delaying TCP relay (see delay_relay.hpp).
#include "delay_relay.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <map>
#include <memory>
#include <vector>

#include "support/bench_support.hpp"

namespace wslab::bench {

namespace {
// One direction of one relayed connection: bytes read from `from`, written to `to` when due.
struct Pipe {
  int from = -1;
  int to = -1;
  struct Chunk {
    std::int64_t due;
    std::string data;  // empty: the peer's FIN, forwarded as shutdown(SHUT_WR)
  };
  std::deque<Chunk> queue;
  bool eof = false;
};
}  // namespace

DelayRelay::DelayRelay(std::uint16_t target_port, int one_way_ms)
    : target_port_(target_port), delay_ns_(std::int64_t{one_way_ms} * 1'000'000) {}

DelayRelay::~DelayRelay() {
  if (thread_.joinable()) {
    std::uint64_t one = 1;
    [[maybe_unused]] auto r = write(stop_fd_, &one, sizeof one);
    thread_.join();
  }
  if (listen_fd_ >= 0) close(listen_fd_);
  if (stop_fd_ >= 0) close(stop_fd_);
}

std::string DelayRelay::start() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      listen(listen_fd_, 1024) != 0)
    return "relay: cannot listen on 127.0.0.1";
  socklen_t len = sizeof a;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  thread_ = std::thread([this] { run(); });
  return {};
}

void DelayRelay::run() {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  auto watch = [&](int fd, std::uint64_t tag) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = tag;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  };
  constexpr std::uint64_t kListen = ~0ull;
  constexpr std::uint64_t kStop = ~0ull - 1;
  watch(listen_fd_, kListen);
  watch(stop_fd_, kStop);
  std::vector<std::unique_ptr<Pipe>> pipes;  // index = epoll tag of its `from` socket
  std::vector<int> fds;
  char buf[65536];
  for (;;) {
    std::int64_t now = now_ns();
    std::int64_t next = now + 100'000'000;
    for (auto& p : pipes) {
      while (!p->queue.empty() && p->queue.front().due <= now) {
        auto& c = p->queue.front();
        if (c.data.empty())
          shutdown(p->to, SHUT_WR);
        else
          write_all(p->to, c.data);
        p->queue.pop_front();
      }
      if (!p->queue.empty()) next = std::min(next, p->queue.front().due);
    }
    epoll_event events[64];
    auto timeout = static_cast<int>(std::max<std::int64_t>(0, (next - now + 999'999) / 1'000'000));
    int n = epoll_wait(ep, events, 64, timeout);
    now = now_ns();
    for (int k = 0; k < n; ++k) {
      auto tag = events[k].data.u64;
      if (tag == kStop) {
        for (int fd : fds) close(fd);
        close(ep);
        return;
      }
      if (tag == kListen) {
        for (;;) {
          int c = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
          if (c < 0) break;
          int up = connect_tcp("127.0.0.1", target_port_);
          if (up < 0) {
            close(c);
            continue;
          }
          int one = 1;
          setsockopt(c, IPPROTO_TCP, 1 /* TCP_NODELAY */, &one, sizeof one);
          fds.push_back(c);
          fds.push_back(up);
          auto down = std::make_unique<Pipe>();
          down->from = c;
          down->to = up;
          auto back = std::make_unique<Pipe>();
          back->from = up;
          back->to = c;
          watch(c, pipes.size());
          pipes.push_back(std::move(down));
          watch(up, pipes.size());
          pipes.push_back(std::move(back));
        }
        continue;
      }
      Pipe& p = *pipes[tag];
      if (p.eof) continue;
      ssize_t r = recv(p.from, buf, sizeof buf, MSG_DONTWAIT);
      if (r > 0) {
        p.queue.push_back({now + delay_ns_, std::string(buf, static_cast<std::size_t>(r))});
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        p.eof = true;
        epoll_ctl(ep, EPOLL_CTL_DEL, p.from, nullptr);
        p.queue.push_back({now + delay_ns_, {}});
      }
    }
  }
}

}  // namespace wslab::bench
