// A tiny scripted TCP server for harness tests: a thread listening on
// 127.0.0.1:0 that runs a script function on each accepted connection, plus
// blocking-with-deadline helpers the scripts use. Every wait has a timeout.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace wslab::harness::testing {

class ScriptedServer {
 public:
  using Script = std::function<void(int fd)>;
  explicit ScriptedServer(Script script);
  ~ScriptedServer();
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;
  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] int connections() const { return connections_.load(); }

 private:
  void loop();
  Script script_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::thread> workers_;
};

// Reads until "\r\n\r\n" (or timeout / close); returns the head ("" on failure).
std::string read_head(int fd, int timeout_ms = 2000);
// Reads exactly n bytes (fewer on timeout / close).
std::string read_exact(int fd, std::size_t n, int timeout_ms = 2000);
// Reads whatever arrives until the peer closes or `timeout_ms` of silence.
std::string read_until_quiet(int fd, int timeout_ms);
bool write_all(int fd, std::string_view bytes);
// The Sec-WebSocket-Key value from a request head.
std::string key_of(const std::string& head);
// A valid 101 response for that key.
std::string accept_response(const std::string& head);
// Reads the request and answers 101; true on success.
bool do_handshake(int fd);
// An unmasked server frame.
std::string server_frame(std::uint8_t first_byte, std::string_view payload);
// Unmasks one client frame from the front of `bytes` (returns opcode and payload; empty on error).
bool parse_client_frame(std::string_view bytes, std::uint8_t& opcode, std::string& payload,
                        std::size_t& used);
// Closes with an RST.
void reset_close(int fd);

}  // namespace wslab::harness::testing
