// The event loop: one thread, one epoll set, non-blocking sockets.
// Not an RFC rule holder: it only moves bytes and time to the sans-I/O core
// (RFC 6455 lives in wslab_core). Everything in net runs on the loop's thread;
// the only thread-safe entry point is run_in_loop().
//
// Three kinds of work reach a handler:
//  - readiness of a file descriptor (epoll, level-triggered) -> IoHandler::on_io;
//  - a deadline (a min-heap, the next one bounds epoll_wait's timeout) -> TimerHandler;
//  - deferred work queued with defer(): run after the current round of events,
//    so no handler is ever re-entered from inside another handler's callback.
#pragma once

#include <sys/epoll.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <queue>
#include <span>
#include <vector>

#include "wslab/result.hpp"
#include "wslab/time.hpp"

namespace wslab::net {

// steady_clock as wslab::Millis: the `now` that net feeds to Session.
Millis steady_now();

class IoHandler {
 public:
  virtual void on_io(std::uint32_t events) = 0;

 protected:
  ~IoHandler() = default;
};

class TimerHandler {
 public:
  // `key` is whatever the handler passed to schedule(); timers are never
  // cancelled, so a handler checks that the key still means something.
  virtual void on_timer(std::uint64_t key, Millis now) = 0;

 protected:
  ~TimerHandler() = default;
};

class EventLoop;

// Work a loop runs after the current round of events. An object destroyed while
// still queued takes itself out of the queue (a connection freed in the same
// round as it deferred work must not be run afterwards).
class Deferred {
 public:
  virtual void run_deferred() = 0;
  Deferred(const Deferred&) = delete;
  Deferred& operator=(const Deferred&) = delete;

 protected:
  Deferred() = default;
  virtual ~Deferred();

 private:
  friend class EventLoop;
  EventLoop* queued_in_ = nullptr;  // the loop holding entries for it, if any
  std::uint32_t queued_ = 0;        // how many entries
};

class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  Status add(int fd, std::uint32_t events, IoHandler* handler);
  Status modify(int fd, std::uint32_t events, IoHandler* handler);
  void remove(int fd);

  // Calls handler->on_timer(key, now) once `when` has passed.
  void schedule(Millis when, TimerHandler* handler, std::uint64_t key);
  // Calls d->run_deferred() after the current round of events (FIFO).
  void defer(Deferred* d);

  // Blocks these signals in the calling thread and delivers them through a
  // signalfd as on_signal(signo). Call before starting other threads.
  Status watch_signals(std::initializer_list<int> signals, std::function<void(int)> on_signal);

  // Thread-safe: queue fn to run on the loop's thread and wake the loop.
  void run_in_loop(std::function<void()> fn);

  // Runs until stop() (called on the loop's thread).
  void run();
  void stop() { stopped_ = true; }
  [[nodiscard]] bool stopped() const { return stopped_; }

  // One read buffer shared by every connection of this loop: a socket is read
  // into it and the bytes go straight to the Session, so an idle connection
  // holds no read buffer of its own.
  std::span<std::uint8_t> read_buffer() { return read_buffer_; }

 private:
  struct Timer {
    Millis when;
    TimerHandler* handler;
    std::uint64_t key;
    bool operator>(const Timer& o) const { return when > o.when; }
  };
  class Wakeup;
  class SignalWatch;
  void run_deferred();
  void cancel(Deferred* d);  // from ~Deferred: its queued entries become no-ops
  void fire_timers();
  int wait_timeout_ms() const;
  void drain_posted();

  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  bool stopped_ = false;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::vector<Deferred*> deferred_;
  std::vector<std::uint8_t> read_buffer_;
  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;
  std::unique_ptr<Wakeup> wakeup_;
  std::unique_ptr<SignalWatch> signals_;
  friend class Deferred;
};

}  // namespace wslab::net
