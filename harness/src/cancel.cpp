// CancelToken: an atomic flag plus an eventfd that poll() can wait on.
#include "wslab/harness/cancel.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace wslab::harness {

CancelToken::CancelToken() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

CancelToken::~CancelToken() {
  if (fd_ >= 0) ::close(fd_);
}

void CancelToken::cancel() {
  if (cancelled_.exchange(true, std::memory_order_acq_rel)) return;
  if (fd_ >= 0) {
    std::uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(fd_, &one, sizeof one);
  }
}

}  // namespace wslab::harness
