#include "wslab/net/event_loop.hpp"

#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

namespace wslab::net {

Millis steady_now() {
  return std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now().time_since_epoch());
}

namespace {
constexpr std::size_t kReadBufferBytes = 64 * 1024;
constexpr int kMaxEvents = 128;

[[noreturn]] void fatal(const char* what) {
  throw std::runtime_error(std::string("event loop: ") + what + ": " + std::strerror(errno));
}
}  // namespace

// The eventfd that run_in_loop() writes to.
class EventLoop::Wakeup final : public IoHandler {
 public:
  explicit Wakeup(EventLoop& loop) : loop_(loop) {}
  void on_io(std::uint32_t /*events*/) override {
    std::uint64_t n = 0;
    while (::read(loop_.wake_fd_, &n, sizeof n) > 0) {
    }
    loop_.drain_posted();
  }

 private:
  EventLoop& loop_;
};

class EventLoop::SignalWatch final : public IoHandler {
 public:
  SignalWatch(int fd, std::function<void(int)> cb) : fd_(fd), cb_(std::move(cb)) {}
  ~SignalWatch() { ::close(fd_); }
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;
  void on_io(std::uint32_t /*events*/) override {
    signalfd_siginfo info{};
    while (::read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      cb_(static_cast<int>(info.ssi_signo));
    }
  }
  [[nodiscard]] int fd() const { return fd_; }

 private:
  int fd_;
  std::function<void(int)> cb_;
};

EventLoop::EventLoop() : read_buffer_(kReadBufferBytes) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) fatal("epoll_create1");
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) fatal("eventfd");
  wakeup_ = std::make_unique<Wakeup>(*this);
  if (!add(wake_fd_, EPOLLIN, wakeup_.get())) fatal("epoll_ctl(eventfd)");
}

EventLoop::~EventLoop() {
  for (auto* d : deferred_) {  // nothing will run them now: forget the loop
    if (d != nullptr) {
      d->queued_ = 0;
      d->queued_in_ = nullptr;
    }
  }
  if (signals_) remove(signals_->fd());
  signals_.reset();
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

Status EventLoop::add(int fd, std::uint32_t events, IoHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    return Status::fail(std::string("epoll_ctl(ADD): ") + std::strerror(errno));
  }
  return Status::ok();
}

Status EventLoop::modify(int fd, std::uint32_t events, IoHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0) {
    return Status::fail(std::string("epoll_ctl(MOD): ") + std::strerror(errno));
  }
  return Status::ok();
}

void EventLoop::remove(int fd) {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

void EventLoop::schedule(Millis when, TimerHandler* handler, std::uint64_t key) {
  timers_.push(Timer{when, handler, key});
}

void EventLoop::defer(Deferred* d) {
  deferred_.push_back(d);
  d->queued_in_ = this;
  ++d->queued_;
}

void EventLoop::cancel(Deferred* d) {
  for (auto& entry : deferred_) {
    if (entry == d) entry = nullptr;
  }
}

Deferred::~Deferred() {
  if (queued_ > 0 && queued_in_ != nullptr) queued_in_->cancel(this);
}

Status EventLoop::watch_signals(std::initializer_list<int> signals,
                                std::function<void(int)> on_signal) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : signals) sigaddset(&set, s);
  if (::pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) {
    return Status::fail("pthread_sigmask failed");
  }
  int fd = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) return Status::fail(std::string("signalfd: ") + std::strerror(errno));
  if (signals_) remove(signals_->fd());
  signals_ = std::make_unique<SignalWatch>(fd, std::move(on_signal));
  return add(fd, EPOLLIN, signals_.get());
}

void EventLoop::run_in_loop(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(posted_mutex_);
    posted_.push_back(std::move(fn));
  }
  std::uint64_t one = 1;
  // A full eventfd counter still wakes the loop, so a failed write is harmless.
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

void EventLoop::drain_posted() {
  std::vector<std::function<void()>> work;
  {
    std::lock_guard<std::mutex> lock(posted_mutex_);
    work.swap(posted_);
  }
  for (auto& fn : work) fn();
}

void EventLoop::run_deferred() {
  // Handlers may defer more work while we run; keep going until quiet.
  std::size_t i = 0;
  while (i < deferred_.size()) {
    Deferred* d = deferred_[i++];
    if (d == nullptr) continue;  // destroyed after it was queued
    if (--d->queued_ == 0) d->queued_in_ = nullptr;
    d->run_deferred();
  }
  deferred_.clear();
}

void EventLoop::fire_timers() {
  if (timers_.empty()) return;
  Millis now = steady_now();
  while (!timers_.empty() && timers_.top().when <= now) {
    Timer t = timers_.top();
    timers_.pop();
    t.handler->on_timer(t.key, now);
  }
}

int EventLoop::wait_timeout_ms() const {
  if (!deferred_.empty()) return 0;
  if (timers_.empty()) return -1;
  auto delta = timers_.top().when - steady_now();
  if (delta.count() <= 0) return 0;
  // Round up by one so we never wake a hair before the deadline and spin.
  auto ms = delta.count() + 1;
  return ms > 60000 ? 60000 : static_cast<int>(ms);
}

void EventLoop::run() {
  stopped_ = false;
  epoll_event events[kMaxEvents];
  drain_posted();
  while (!stopped_) {
    run_deferred();
    if (stopped_) break;
    int n = ::epoll_wait(epoll_fd_, events, kMaxEvents, wait_timeout_ms());
    if (n < 0) {
      if (errno == EINTR) continue;
      fatal("epoll_wait");
    }
    for (int i = 0; i < n; ++i) {
      static_cast<IoHandler*>(events[i].data.ptr)->on_io(events[i].events);
    }
    run_deferred();
    fire_timers();
  }
  run_deferred();
}

}  // namespace wslab::net
