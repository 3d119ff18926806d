// The event loop's deferred queue: FIFO after the current round, and an object
// destroyed while queued is never run (a connection freed in the same round as it
// deferred work; `wslab serve --rooms` once crashed on exactly that).
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "wslab/net/event_loop.hpp"

namespace wslab::net {
namespace {

struct Recorder final : Deferred {
  Recorder(std::vector<int>& log, int id) : log_(log), id_(id) {}
  void run_deferred() override { log_.push_back(id_); }
  std::vector<int>& log_;
  int id_;
};

// Destroys `victim` when it runs (like a server reaping finished connections).
struct Reaper final : Deferred {
  explicit Reaper(std::unique_ptr<Recorder>& victim) : victim_(victim) {}
  void run_deferred() override { victim_.reset(); }
  std::unique_ptr<Recorder>& victim_;
};

struct Stopper final : Deferred {
  explicit Stopper(EventLoop& loop) : loop_(loop) {}
  void run_deferred() override { loop_.stop(); }
  EventLoop& loop_;
};

TEST(NetEventLoop, DeferredWorkRunsInOrder) {
  EventLoop loop;
  std::vector<int> log;
  Recorder a(log, 1), b(log, 2);
  Stopper stop(loop);
  loop.defer(&a);
  loop.defer(&b);
  loop.defer(&stop);
  loop.run();
  EXPECT_EQ(log, (std::vector<int>{1, 2}));
}

TEST(NetEventLoop, ObjectDestroyedWhileQueuedIsNotRun) {
  EventLoop loop;
  std::vector<int> log;
  auto victim = std::make_unique<Recorder>(log, 7);
  Reaper reap(victim);
  Recorder after(log, 8);
  Stopper stop(loop);
  loop.defer(&reap);         // queued first: frees the victim...
  loop.defer(victim.get());  // ...whose own entry comes later in the same round
  loop.defer(&after);
  loop.defer(&stop);
  loop.run();  // before the fix: a call through a freed object (ASan: heap-use-after-free)
  EXPECT_EQ(victim, nullptr);
  EXPECT_EQ(log, (std::vector<int>{8}));
}

TEST(NetEventLoop, ObjectQueuedTwiceRunsTwice) {
  EventLoop loop;
  std::vector<int> log;
  Recorder a(log, 3);
  Stopper stop(loop);
  loop.defer(&a);
  loop.defer(&a);
  loop.defer(&stop);
  loop.run();
  EXPECT_EQ(log, (std::vector<int>{3, 3}));
}

}  // namespace
}  // namespace wslab::net
