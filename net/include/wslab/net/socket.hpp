// TCP sockets for the event loop: RAII file descriptors, a non-blocking
// listener (SO_REUSEADDR) and a non-blocking connect, TCP_NODELAY on every
// connection (a WebSocket frame is a message: Nagle + delayed ACK would add
// 40 ms stalls to small frames). Transport only: RFC 6455 §1.5 runs on TCP.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wslab/result.hpp"

namespace wslab::net {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  [[nodiscard]] int get() const { return fd_; }
  [[nodiscard]] bool valid() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  void reset();

 private:
  int fd_ = -1;
};

std::string errno_text(int err);

// A listening socket bound to host:port (port 0: the kernel picks one).
Result<Fd> listen_tcp(const std::string& host, std::uint16_t port, int backlog = 511);
// The port a socket is bound to (after listen on port 0).
std::uint16_t local_port(int fd);

// A resolved address (IPv4 or IPv6) to connect to.
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  [[nodiscard]] std::string to_string() const;  // "127.0.0.1:9001", "[::1]:9001"
};
// Every address of host:port, in getaddrinfo's order ("localhost" may give ::1 first).
Result<std::vector<SocketAddress>> resolve_tcp(const std::string& host, std::uint16_t port);

// Starts a non-blocking connect. On success the fd is returned while the
// connect is in progress: wait for EPOLLOUT, then call finish_connect().
Result<Fd> start_connect(const SocketAddress& address);
// The outcome of a non-blocking connect (SO_ERROR): ok, or e.g. "Connection refused".
Status finish_connect(int fd);

Status set_nonblocking(int fd);
void set_nodelay(int fd);

}  // namespace wslab::net
