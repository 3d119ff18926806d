// The fallback for a delayed link when netem is not available (a kernel
// without sch_netem, an unprivileged run): a TCP relay on 127.0.0.1 that
// forwards every chunk it reads, in order, `one_way` later, in both
// directions. The TCP handshake itself is not delayed (the relay accepts and
// connects at once), and the kernel's ACKs are not either: fine for small
// messages, which is what the transport benchmark sends.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace wslab::bench {

class DelayRelay {
 public:
  DelayRelay(std::uint16_t target_port, int one_way_ms);
  ~DelayRelay();
  DelayRelay(const DelayRelay&) = delete;
  DelayRelay& operator=(const DelayRelay&) = delete;
  // Binds 127.0.0.1:0 and starts the relay thread; empty on success.
  std::string start();
  [[nodiscard]] std::uint16_t port() const { return port_; }

 private:
  void run();
  std::uint16_t target_port_;
  std::int64_t delay_ns_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace wslab::bench
