// RefServer: the libwebsockets (4.1.6) reference server, run in-process.
// An RFC 6455 echo server on 127.0.0.1 that the harness calibrates against and
// the benchmarks compare with. It echoes whole messages (fragments are
// reassembled first, §5.4), keeps the opcode (text stays text, §5.6), closes
// with 1009 when a message exceeds the configured maximum (§7.4.1), pings
// idle peers (§5.5.2) and closes its connections with 1001 on stop (§7.4.1).
// With tokens configured it refuses wslab.rooms.v1 upgrades without an
// accepted one (401/403, docs/rooms-protocol.md §1).
// lws's own deviations from RFC 6455 are listed in refpeer/README.md.
//
// Threading: start() creates the lws context on the calling thread (bind
// errors come back synchronously) and runs lws_service on a private thread.
// The only call ever made into lws from another thread is
// lws_cancel_service(); everything else happens on the service thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace wslab::refpeer {

struct ServerOptions {
  // TCP port on 127.0.0.1; 0 lets the kernel choose (read it with port()).
  std::uint16_t port = 0;
  // lws's "validity" policy (lws_retry_bo_t): after this long without a pong
  // the server sends an empty ping; 0 keeps lws's built-in 300 s (lws cannot
  // turn pings off). The granularity is one second.
  std::chrono::seconds ping_interval{0};
  // How long after that ping a missing pong is tolerated before lws drops
  // the TCP connection (without a close frame: the peer sees 1006).
  std::chrono::seconds pong_timeout{10};
  // Largest message (after reassembly) that is echoed; a larger one gets
  // close 1009 "message too big". Default 16 MiB (Autobahn 9.x sends 16 MiB).
  std::size_t max_message = std::size_t{16} << 20;
  // lws sizes its per-thread fd table from this (one service thread). 256 is
  // plenty for tests; a 10 000-connection benchmark needs ~11 000 and an
  // `ulimit -n` at least as large.
  unsigned fd_limit = 256;
  // Test hook: a text message "!close <code> [reason]" makes the server close
  // the connection with that code instead of echoing. Off by default, since
  // an echo server must echo every message.
  bool close_command = false;
  // Authentication on connect for wslab.rooms.v1 (docs/rooms-protocol.md §1),
  // the rule of `wslab serve --rooms --token T --token-file F`: with at least
  // one token configured, an upgrade for which lws would select
  // wslab.rooms.v1 must carry an accepted `?token=`: none or an empty one ->
  // 401 with `WWW-Authenticate: Bearer realm="wslab.rooms"`, another one ->
  // 403. Echo connections are never checked. Needs the rooms component
  // (start() fails otherwise).
  std::vector<std::string> tokens{};
  // A token file read by start(): one token per line, '#' starts a comment
  // line; a file without tokens is an error. Adds to `tokens`.
  std::string token_file{};
};

// What the server has seen so far (read from any thread).
struct ServerStats {
  std::uint64_t connections_accepted = 0;  // WebSocket connections established
  std::uint64_t connections_open = 0;
  std::uint64_t messages_received = 0;  // complete messages handed to a protocol
  std::uint64_t pongs_received = 0;     // with a payload: lws 4.1.6 hides empty pongs
  std::uint64_t closed_too_big = 0;     // connections closed with 1009
};

class RefServer {
 public:
  explicit RefServer(ServerOptions options = {});
  ~RefServer();  // stop()
  RefServer(const RefServer&) = delete;
  RefServer& operator=(const RefServer&) = delete;

  // Creates the lws context, binds 127.0.0.1:port and starts the service
  // thread. On failure returns false and explains why in *error (also for
  // an unreadable or empty token file, or an empty token).
  bool start(std::string* error = nullptr);
  // Closes every open WebSocket with 1001 "server shutdown", waits up to
  // `grace` for the peers' closes, then ends the service thread and destroys
  // the context. Idempotent; called by the destructor.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds{2000});

  [[nodiscard]] bool running() const;
  // The bound port (0 before start()).
  [[nodiscard]] std::uint16_t port() const;
  // "ws://127.0.0.1:<port><path>"
  [[nodiscard]] std::string url(std::string_view path = "/") const;
  [[nodiscard]] ServerStats stats() const;
  [[nodiscard]] const ServerOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wslab::refpeer
