// Cooperative cancellation for a running case. The runner's watchdog cancels
// a case that outlives its timeout; every Probe of that case polls the token's
// file descriptor alongside its socket, so a blocked wait returns at once, and
// the next probe operation throws CaseCancelled to unwind the case function.
#pragma once

#include <atomic>
#include <stdexcept>

namespace wslab::harness {

struct CaseCancelled : std::runtime_error {
  CaseCancelled() : std::runtime_error("case cancelled by the runner's watchdog") {}
};

class CancelToken {
 public:
  CancelToken();
  ~CancelToken();
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  void cancel();  // idempotent, thread-safe
  [[nodiscard]] bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }
  // Readable once cancelled (an eventfd); -1 if it could not be created.
  [[nodiscard]] int fd() const { return fd_; }

 private:
  std::atomic<bool> cancelled_{false};
  int fd_ = -1;
};

}  // namespace wslab::harness
