// Helpers shared by the transport and server benchmarks (see bench_support.hpp).
#include "bench_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

namespace wslab::bench {

std::optional<SpawnedServer> SpawnedServer::start(const std::vector<std::string>& argv, int cpu,
                                                  std::string& error) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    error = std::string("pipe: ") + std::strerror(errno);
    return std::nullopt;
  }
  pid_t pid = fork();
  if (pid < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    return std::nullopt;
  }
  if (pid == 0) {
    if (cpu >= 0) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(static_cast<unsigned>(cpu), &set);
      sched_setaffinity(0, sizeof set, &set);
    }
    dup2(out[1], 1);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  SpawnedServer s;
  s.pid_ = pid;
  s.stdout_fd_ = out[0];
  std::string line;
  auto deadline = Clock::now() + std::chrono::seconds(15);
  while (line.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd p{out[0], POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      error = "no 'listening on' line from " + argv[0] + " within 15 s";
      return std::nullopt;
    }
    char buf[256];
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) {
      error = argv[0] + " exited before listening";
      return std::nullopt;
    }
    line.append(buf, static_cast<std::size_t>(n));
  }
  line.resize(line.find('\n'));
  // "listening on ws://127.0.0.1:PORT/" -> PORT
  auto scheme = line.find("://");
  auto colon = scheme == std::string::npos ? std::string::npos : line.find(':', scheme + 3);
  if (colon == std::string::npos) {
    error = "cannot read the port from: " + line;
    return std::nullopt;
  }
  s.port_ = static_cast<std::uint16_t>(std::strtoul(line.c_str() + colon + 1, nullptr, 10));
  if (s.port_ == 0) {
    error = "cannot read the port from: " + line;
    return std::nullopt;
  }
  return std::optional<SpawnedServer>(std::move(s));
}

SpawnedServer::SpawnedServer(SpawnedServer&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)),
      stdout_fd_(std::exchange(o.stdout_fd_, -1)),
      port_(o.port_) {}

SpawnedServer::~SpawnedServer() {
  stop();
}

void SpawnedServer::stop() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  if (stdout_fd_ >= 0) {
    close(stdout_fd_);
    stdout_fd_ = -1;
  }
}

std::size_t rss_bytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      std::size_t kib = 0;
      in >> kib;
      return kib * 1024;
    }
    std::string rest;
    std::getline(in, rest);
  }
  return 0;
}

std::size_t raise_fd_limit(std::size_t n) {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < n) {
    rlimit want = rl;
    want.rlim_cur = n;
    if (want.rlim_max < n) want.rlim_max = n;
    if (setrlimit(RLIMIT_NOFILE, &want) != 0) {
      want.rlim_cur = rl.rlim_max;
      want.rlim_max = rl.rlim_max;
      setrlimit(RLIMIT_NOFILE, &want);
    }
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  return rl.rlim_cur;
}

void pin_thread(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<unsigned>(cpu), &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

int connect_tcp(const std::string& host, std::uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, host.c_str(), &a.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd, POLLOUT, 0};
      if (poll(&p, 1, 5000) <= 0) return false;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool read_exact(int fd, char* out, std::size_t n, int timeout_ms) {
  std::size_t got = 0;
  while (got < n) {
    ssize_t r = recv(fd, out + got, n - got, 0);
    if (r > 0) {
      got += static_cast<std::size_t>(r);
      continue;
    }
    if (r == 0) return false;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return false;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return false;
  }
  return true;
}

std::string upgrade_request(const std::string& host, std::uint16_t port, std::string_view path,
                            std::string_view extra_headers) {
  std::string r = "GET ";
  r += path;
  r += " HTTP/1.1\r\nHost: " + host + ":" + std::to_string(port) +
       "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
  r += extra_headers;
  r += "\r\n";
  return r;
}

bool read_http_head(int fd, std::string& head, std::string& rest, int timeout_ms) {
  std::string buf;
  char chunk[4096];
  for (;;) {
    auto end = buf.find("\r\n\r\n");
    if (end != std::string::npos) {
      head = buf.substr(0, end + 4);
      rest = buf.substr(end + 4);
      return true;
    }
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return false;
    ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) {
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      return false;
    }
    buf.append(chunk, static_cast<std::size_t>(n));
  }
}

int ws_connect(const std::string& host, std::uint16_t port, std::string_view path) {
  int fd = connect_tcp(host, port);
  if (fd < 0) return -1;
  std::string head;
  std::string rest;
  if (!write_all(fd, upgrade_request(host, port, path)) || !read_http_head(fd, head, rest) ||
      head.compare(0, 12, "HTTP/1.1 101") != 0 || !rest.empty()) {
    close(fd);
    return -1;
  }
  return fd;
}

std::string masked_frame(std::uint8_t opcode, std::string_view payload) {
  static constexpr unsigned char kMask[4] = {0x37, 0xfa, 0x21, 0x3d};
  std::string f;
  f.push_back(static_cast<char>(0x80 | opcode));
  std::size_t n = payload.size();
  if (n < 126) {
    f.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xffff) {
    f.push_back(static_cast<char>(0x80 | 126));
    f.push_back(static_cast<char>((n >> 8) & 0xff));
    f.push_back(static_cast<char>(n & 0xff));
  } else {
    f.push_back(static_cast<char>(0x80 | 127));
    for (int i = 7; i >= 0; --i) f.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  }
  for (unsigned char m : kMask) f.push_back(static_cast<char>(m));
  for (std::size_t i = 0; i < n; ++i)
    f.push_back(static_cast<char>(static_cast<unsigned char>(payload[i]) ^ kMask[i % 4]));
  return f;
}

std::size_t server_frame_size(std::size_t n) {
  return n + (n < 126 ? 2 : n <= 0xffff ? 4 : 10);
}

std::optional<ServerFrame> parse_server_frame(std::string_view buf) {
  if (buf.size() < 2) return std::nullopt;
  auto b = [&](std::size_t i) { return static_cast<std::uint8_t>(buf[i]); };
  std::size_t len = b(1) & 0x7f;
  std::size_t at = 2;
  if (len == 126) {
    if (buf.size() < 4) return std::nullopt;
    len = (std::size_t{b(2)} << 8) | b(3);
    at = 4;
  } else if (len == 127) {
    if (buf.size() < 10) return std::nullopt;
    len = 0;
    for (std::size_t i = 2; i < 10; ++i) len = (len << 8) | b(i);
    at = 10;
  }
  if (buf.size() < at + len) return std::nullopt;
  return ServerFrame{static_cast<std::uint8_t>(b(0) & 0x0f), buf.substr(at, len), at + len};
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  double rank = p / 100.0 * static_cast<double>(v.size() - 1);
  auto lo = static_cast<std::size_t>(std::floor(rank));
  auto hi = std::min(lo + 1, v.size() - 1);
  double frac = rank - static_cast<double>(lo);
  return v[lo] + (v[hi] - v[lo]) * frac;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  double a = 0, b = 0, c = 0;
  in >> a >> b >> c;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f %.2f %.2f", a, b, c);
  return buf;
}

std::string machine_description() {
  utsname u{};
  uname(&u);
  std::ostringstream o;
  o << std::thread::hardware_concurrency() << " cores, " << u.sysname << " " << u.release << " "
    << u.machine << ", load average " << load_average();
  return o.str();
}

}  // namespace wslab::bench
