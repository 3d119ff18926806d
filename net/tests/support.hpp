// Test helpers for net: a server running on its own thread inside the test
// process, and a blocking raw client whose every wait has a timeout. The raw
// client builds frames with core's FrameBuilder and reads them with core's
// FrameDecoder, so tests speak bytes on the wire (RFC 6455 §5.2).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "wslab/frame.hpp"
#include "wslab/net/app.hpp"
#include "wslab/net/event_loop.hpp"
#include "wslab/net/server.hpp"

namespace wslab::net::test {

using namespace std::chrono_literals;
inline constexpr std::chrono::milliseconds kWait = 5000ms;  // upper bound for every network wait

// A Server with its EventLoop on a background thread. The destructor asks for
// a graceful shutdown and joins (bounded by options.shutdown_timeout).
class ServerThread {
 public:
  ServerThread(App& app, ServerOptions options);
  ~ServerThread();
  ServerThread(const ServerThread&) = delete;
  ServerThread& operator=(const ServerThread&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  // Runs fn on the loop thread and waits for it (bounded by kWait).
  bool call(const std::function<void(Server&)>& fn);
  // Graceful shutdown; true when the loop thread ended within `timeout`.
  bool shutdown_and_join(std::chrono::milliseconds timeout = kWait);
  // Starts the graceful shutdown without waiting.
  void request_shutdown() { server_->request_shutdown(); }

 private:
  EventLoop loop_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::shared_ptr<std::atomic<bool>> finished_ = std::make_shared<std::atomic<bool>>(false);
};

struct Frame {
  std::uint8_t opcode = 0;
  bool fin = true;
  std::string payload;
  [[nodiscard]] std::optional<std::uint16_t> close_code() const;
};

enum class ReadEnd { kFrame, kTimeout, kEof, kReset };
inline std::ostream& operator<<(std::ostream& os, ReadEnd e) {
  constexpr const char* kNames[] = {"frame", "timeout", "EOF (FIN)", "reset (RST)"};
  return os << kNames[static_cast<int>(e)];
}

// A blocking TCP client for tests (client role: frames it sends are masked).
class RawClient {
 public:
  RawClient() = default;
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // receive_buffer > 0: SO_RCVBUF set before connecting (a small window).
  bool connect(std::uint16_t port, int receive_buffer = 0);
  // Sends the upgrade request; returns the response head (status in response_status()).
  bool handshake(const std::string& path = "/", const std::vector<std::string>& extra_headers = {});
  [[nodiscard]] int response_status() const { return status_; }
  [[nodiscard]] const std::string& response_head() const { return head_; }

  bool send_all(std::string_view bytes);
  bool send_frame(Opcode op, std::string_view payload, bool fin = true);
  bool send_close(std::uint16_t code, std::string_view reason = {});
  // Reads the next frame (kFrame), or says why none came.
  ReadEnd read_frame(Frame& out, std::chrono::milliseconds timeout = kWait);
  // Reads and discards until EOF/RST or timeout.
  ReadEnd read_until_end(std::chrono::milliseconds timeout = kWait);
  // Plain HTTP: sends a GET and reads until the server closes. Returns the whole response.
  std::string http_get(const std::string& target, std::chrono::milliseconds timeout = kWait);

  [[nodiscard]] int fd() const { return fd_; }
  void close();  // our FIN (or RST if unread data remains)

 private:
  // Reads more bytes into buf_; kFrame means "got some".
  ReadEnd fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  int status_ = 0;
  std::string head_;
  std::string buf_;  // received, not yet parsed
};

// A SIGTERM-able `wslab serve` child process (the built binary).
class ServeProcess {
 public:
  ~ServeProcess();
  // Starts `wslab serve --port 0 <args>` and reads the port from the first line.
  bool start(const std::vector<std::string>& args);
  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] pid_t pid() const { return pid_; }
  // Waits for exit; returns the exit status, or -1 on timeout/kill.
  int wait_exit(std::chrono::milliseconds timeout = kWait);

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::uint16_t port_ = 0;
};

// Path of the built wslab binary (compile definition WSLAB_BIN).
std::string wslab_binary();

}  // namespace wslab::net::test
