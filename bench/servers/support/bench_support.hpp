// Helpers shared by the transport and server benchmarks (bench/transports,
// bench/servers): spawning a server binary and reading its port, RSS of a
// process, blocking loopback sockets, a minimal WebSocket client side of the
// opening handshake (RFC 6455 §4.1) and of framing (§5.2: masked client
// frames, unmasked server frames), percentiles, the machine description.
// Benchmark plumbing only: the protocol rules proper live in wslab_core.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wslab::bench {

using Clock = std::chrono::steady_clock;
inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// A server process started by the benchmark. Its first stdout line must be
// "listening on <scheme>://HOST:PORT/..." (wslab serve, wslab-refpeer serve,
// the raw echo server). Stopped with SIGTERM (then SIGKILL) on destruction.
class SpawnedServer {
 public:
  // cpu >= 0 pins the child to that CPU. Empty optional + error on failure.
  static std::optional<SpawnedServer> start(const std::vector<std::string>& argv, int cpu,
                                            std::string& error);
  SpawnedServer(SpawnedServer&& o) noexcept;
  SpawnedServer& operator=(SpawnedServer&&) = delete;
  SpawnedServer(const SpawnedServer&) = delete;
  ~SpawnedServer();
  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] std::uint16_t port() const { return port_; }
  void stop();

 private:
  SpawnedServer() = default;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::uint16_t port_ = 0;
};

// Resident set size of a process in bytes (VmRSS), 0 if unknown.
std::size_t rss_bytes(pid_t pid);
// Raises RLIMIT_NOFILE (soft and, as root, hard) to at least n; returns the soft limit.
std::size_t raise_fd_limit(std::size_t n);
// Pins the calling thread to one CPU (best effort).
void pin_thread(int cpu);

// Blocking TCP connect with TCP_NODELAY; -1 on failure.
int connect_tcp(const std::string& host, std::uint16_t port);
bool write_all(int fd, std::string_view data);
// Reads exactly n bytes (poll timeout per wait); false on EOF/error/timeout.
bool read_exact(int fd, char* out, std::size_t n, int timeout_ms = 5000);

// The client's opening handshake (RFC 6455 §4.1) with a fixed key.
std::string upgrade_request(const std::string& host, std::uint16_t port, std::string_view path,
                            std::string_view extra_headers = {});
// Reads up to the end of an HTTP head ("\r\n\r\n"); anything after it goes to rest.
bool read_http_head(int fd, std::string& head, std::string& rest, int timeout_ms = 5000);
// connect + upgrade + "101"; -1 on failure.
int ws_connect(const std::string& host, std::uint16_t port, std::string_view path = "/");

// A masked client frame (§5.2, §5.3) with FIN set.
std::string masked_frame(std::uint8_t opcode, std::string_view payload);
// Size of an unmasked server frame carrying n payload bytes.
std::size_t server_frame_size(std::size_t n);
// One complete unmasked frame at the front of buf: opcode, payload, total size.
struct ServerFrame {
  std::uint8_t opcode = 0;
  std::string_view payload;
  std::size_t size = 0;
};
std::optional<ServerFrame> parse_server_frame(std::string_view buf);

// p in [0,100]; v is sorted in place. 0 for an empty vector.
double percentile(std::vector<double>& v, double p);

// "2 cores, Linux 6.1.0-... x86_64, load average 12.1 11.8 10.9".
std::string machine_description();
std::string load_average();

}  // namespace wslab::bench
