// The scripted test server (see scripted_server.hpp).
#include "scripted_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "wslab/handshake.hpp"
#include "wslab/http.hpp"

namespace wslab::harness::testing {

ScriptedServer::ScriptedServer(Script script) : script_(std::move(script)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::listen(listen_fd_, 64);
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { loop(); });
}

ScriptedServer::~ScriptedServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
  std::lock_guard lock(mu_);
  for (auto& w : workers_) {
    if (w.joinable()) w.join();
  }
}

void ScriptedServer::loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++connections_;
    std::lock_guard lock(mu_);
    workers_.emplace_back([this, fd] {
      script_(fd);
      ::close(fd);
    });
  }
}

namespace {
bool wait_readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) > 0;
}
}  // namespace

std::string read_head(int fd, int timeout_ms) {
  std::string buf;
  char c;
  while (buf.find("\r\n\r\n") == std::string::npos && buf.size() < 65536) {
    if (!wait_readable(fd, timeout_ms)) return "";
    if (::recv(fd, &c, 1, 0) != 1) return "";
    buf += c;
  }
  return buf;
}

std::string read_exact(int fd, std::size_t n, int timeout_ms) {
  std::string buf;
  char tmp[65536];
  while (buf.size() < n) {
    if (!wait_readable(fd, timeout_ms)) break;
    ssize_t r = ::recv(fd, tmp, std::min(sizeof tmp, n - buf.size()), 0);
    if (r <= 0) break;
    buf.append(tmp, static_cast<std::size_t>(r));
  }
  return buf;
}

std::string read_until_quiet(int fd, int timeout_ms) {
  std::string buf;
  char tmp[65536];
  while (wait_readable(fd, timeout_ms)) {
    ssize_t r = ::recv(fd, tmp, sizeof tmp, 0);
    if (r <= 0) break;
    buf.append(tmp, static_cast<std::size_t>(r));
  }
  return buf;
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string key_of(const std::string& head) {
  HttpRequest req;
  auto out = parse_request(head, req);
  if (out.state != ParseState::kComplete) return "";
  auto k = req.headers.get("Sec-WebSocket-Key");
  return k ? std::string(*k) : "";
}

std::string accept_response(const std::string& head) {
  return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: " +
         compute_accept(key_of(head)) + "\r\n\r\n";
}

bool do_handshake(int fd) {
  std::string head = read_head(fd);
  if (head.empty()) return false;
  return write_all(fd, accept_response(head));
}

std::string server_frame(std::uint8_t first_byte, std::string_view payload) {
  std::string f;
  f += static_cast<char>(first_byte);
  if (payload.size() < 126) {
    f += static_cast<char>(payload.size());
  } else if (payload.size() < 65536) {
    f += static_cast<char>(126);
    f += static_cast<char>(payload.size() >> 8);
    f += static_cast<char>(payload.size() & 0xff);
  } else {
    f += static_cast<char>(127);
    for (int i = 7; i >= 0; --i)
      f += static_cast<char>((static_cast<std::uint64_t>(payload.size()) >> (8 * i)) & 0xff);
  }
  f.append(payload);
  return f;
}

bool parse_client_frame(std::string_view b, std::uint8_t& opcode, std::string& payload,
                        std::size_t& used) {
  if (b.size() < 2) return false;
  opcode = static_cast<std::uint8_t>(b[0]) & 0x0f;
  bool masked = (static_cast<std::uint8_t>(b[1]) & 0x80) != 0;
  std::uint64_t len = static_cast<std::uint8_t>(b[1]) & 0x7f;
  std::size_t k = 2;
  if (len == 126) {
    if (b.size() < 4) return false;
    len = (static_cast<std::uint64_t>(static_cast<std::uint8_t>(b[2])) << 8) |
          static_cast<std::uint8_t>(b[3]);
    k = 4;
  } else if (len == 127) {
    if (b.size() < 10) return false;
    len = 0;
    for (int i = 2; i < 10; ++i)
      len = (len << 8) | static_cast<std::uint8_t>(b[static_cast<std::size_t>(i)]);
    k = 10;
  }
  std::uint8_t key[4] = {0, 0, 0, 0};
  if (masked) {
    if (b.size() < k + 4) return false;
    for (int i = 0; i < 4; ++i)
      key[i] = static_cast<std::uint8_t>(b[k + static_cast<std::size_t>(i)]);
    k += 4;
  }
  if (b.size() < k + len) return false;
  payload.assign(b.substr(k, len));
  for (std::size_t i = 0; i < payload.size(); ++i) {
    payload[i] = static_cast<char>(static_cast<std::uint8_t>(payload[i]) ^ key[i % 4]);
  }
  used = k + static_cast<std::size_t>(len);
  return true;
}

void reset_close(int fd) {
  linger lg{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
}

}  // namespace wslab::harness::testing
