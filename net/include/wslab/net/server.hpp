// A WebSocket server on the event loop: a listening socket, one Connection
// (and Session, RFC 6455 §4.2 server role) per accepted client, an App that
// gets the events, and a graceful shutdown: every open connection is sent
// Close 1001 "Going Away" (§7.4.1), and the loop stops once they are gone or
// after shutdown_timeout, whichever comes first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wslab/net/app.hpp"
#include "wslab/net/connection.hpp"
#include "wslab/net/event_loop.hpp"
#include "wslab/net/log.hpp"
#include "wslab/net/socket.hpp"
#include "wslab/net/static_files.hpp"
#include "wslab/result.hpp"
#include "wslab/session.hpp"

namespace wslab::net {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: the kernel picks one; read it with Server::port()
  // Limits, heartbeat, handshake policy (origins, subprotocols, paths).
  // role is forced to kServer; manual_accept is forced on (App::on_upgrade decides).
  SessionConfig session;
  std::size_t max_write_buffer = 4u << 20;  // per connection, plus the message being sent
  Millis linger_timeout{2000};              // lingering close: wait this long for the FIN
  Millis shutdown_timeout{3000};            // graceful shutdown: then drop what is left
  Millis tick_interval{1000};               // App::on_tick; 0 = never
  std::string web_root;                     // serve static files for plain GETs ("" = off)
  LogLevel log = LogLevel::kNormal;
  bool stop_loop_after_shutdown = true;
};

class Server final : public IoHandler,
                     public TimerHandler,
                     public ConnectionOwner,
                     public Deferred {
 public:
  Server(EventLoop& loop, App& app, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting. Fails with a readable message (port in use, bad web root ...).
  Status listen();
  [[nodiscard]] std::uint16_t port() const { return port_; }

  // Graceful shutdown (loop thread): stop accepting, Close 1001 to every open
  // connection, stop the loop when all are gone or after shutdown_timeout.
  void shutdown(std::uint16_t code = 1001, std::string_view reason = "server shutting down");
  // Thread-safe variant (tests, other threads).
  void request_shutdown();
  // SIGINT and SIGTERM start a graceful shutdown (blocks them in this thread).
  Status shutdown_on_signals();
  [[nodiscard]] bool shutting_down() const { return shutting_down_; }

  [[nodiscard]] std::size_t connection_count() const { return connections_.size(); }
  Connection* find(std::uint64_t id);
  [[nodiscard]] const ServerOptions& options() const { return options_; }

  void on_io(std::uint32_t events) override;              // the listener
  void on_timer(std::uint64_t key, Millis now) override;  // connections, ticks
  void on_connection_finished(Connection& c) override;
  void run_deferred() override;  // reaping

 private:
  // One entry per connection, sorted by id (ids only grow, so accepting
  // appends): 16 bytes each, where a hash map node plus its bucket costs
  // about three times that for every idle connection.
  struct Slot {
    std::uint64_t id;
    std::unique_ptr<Connection> conn;
  };
  void accept_ready();
  void maybe_finish_shutdown();
  void reap();
  Slot* slot(std::uint64_t id);

  EventLoop& loop_;
  App& app_;
  ServerOptions options_;
  ConnectionContext ctx_;
  std::optional<StaticFiles> static_files_;
  Fd listener_;
  std::uint16_t port_ = 0;
  std::uint64_t next_id_ = 1;
  std::vector<Slot> connections_;
  std::vector<std::uint64_t> finished_;
  bool reap_queued_ = false;
  bool shutting_down_ = false;
  bool accept_paused_ = false;
};

}  // namespace wslab::net
