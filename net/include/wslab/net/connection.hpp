// One WebSocket connection on the event loop: a TCP socket plus a
// wslab::Session (the RFC 6455 state machine). The connection feeds the
// session bytes and time, hands its events to the App, writes its output,
// and closes TCP the way §7.1.1 asks:
//  - backpressure: output waiting for the peer is bounded (max_write_buffer
//    plus the message being sent); a peer that does not read is disconnected
//    and one line is logged;
//  - lingering close: when the session says should_close_transport(), flush,
//    shutdown(SHUT_WR), then read and discard until EOF or linger_timeout, so
//    the peer reads our Close frame instead of getting an RST.
// Idle cost: this object (the Session inside it plus ~100 bytes); no read
// buffer of its own (the loop's buffer is shared). The request path and the
// subprotocol are kept on the heap only when they differ from "/" and "", and
// the abort reason only while a connection is being dropped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "wslab/net/app.hpp"
#include "wslab/net/event_loop.hpp"
#include "wslab/net/log.hpp"
#include "wslab/session.hpp"

namespace wslab::net {

class Connection;
class StaticFiles;

// Who created the connection (Server, Client): told when it is finished so
// it can destroy it later (never synchronously).
class ConnectionOwner {
 public:
  virtual void on_connection_finished(Connection& c) = 0;

 protected:
  ~ConnectionOwner() = default;
};

// Settings shared by every connection of one owner (one pointer per connection).
struct ConnectionContext {
  EventLoop* loop = nullptr;
  App* app = nullptr;
  ConnectionOwner* owner = nullptr;
  TimerHandler* timers = nullptr;  // schedule(.., key = connection id) lands here
  std::size_t max_write_buffer = 4u << 20;
  Millis linger_timeout{2000};
  LogLevel log = LogLevel::kNormal;
  const StaticFiles* static_files = nullptr;  // server: --web-root
  // Server: the subprotocols we offer, in preference order (to suggest one to on_upgrade).
  const std::vector<std::string>* server_subprotocols = nullptr;
};

class Connection final : public IoHandler, public Deferred {
 public:
  // Takes ownership of a connected, non-blocking socket.
  Connection(const ConnectionContext& ctx, std::uint64_t id, int fd, SessionConfig config);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // --- for applications ---
  [[nodiscard]] std::uint64_t id() const { return id_; }
  [[nodiscard]] const std::string& path() const;
  [[nodiscard]] const std::string& subprotocol() const;
  [[nodiscard]] std::string peer_address() const;  // "127.0.0.1:54321"
  [[nodiscard]] bool is_open() const;
  // Queue a message. False when the connection is not open, or when the peer
  // is not reading (more than max_write_buffer already waiting): the
  // connection is then dropped (on_close follows later, code 1006).
  bool send_text(std::string_view text);
  bool send_binary(std::string_view data);
  bool send_fragment(Opcode op, std::string_view data, bool fin);
  bool ping(std::string_view payload = {});
  // Start the closing handshake (§7.1.2). on_close follows when it completes.
  void close(std::uint16_t code = 1000, std::string_view reason = {});
  // Drop TCP now without a closing handshake (on_close gets 1006 + why).
  void abort(std::string why);
  // Bytes queued for the peer and not yet accepted by the kernel.
  [[nodiscard]] std::size_t buffered_bytes() const;
  [[nodiscard]] const Session& session() const { return session_; }
  // Heap + object bytes this connection holds beyond its Session (the idle
  // memory budget is 1 KiB of our own state per connection).
  [[nodiscard]] std::size_t own_memory_footprint() const;
  void set_user_data(void* p) { user_data_ = p; }
  [[nodiscard]] void* user_data() const { return user_data_; }

  // --- for the owner ---
  void start(Millis now);
  void on_timer(Millis now);
  [[nodiscard]] bool finished() const { return phase_ == Phase::kDone; }
  void on_io(std::uint32_t events) override;
  void run_deferred() override;

 private:
  enum class Phase : std::uint8_t { kActive, kFlushing, kLingering, kDone };

  bool queue_message(Opcode op, std::string_view data, bool fin, bool is_fragment);
  void read_ready(Millis now);
  void process(Millis now);
  void dispatch_events(Millis now);
  void handle_upgrade(event::Upgrade& up);
  void handle_plain_http(const HttpRequest& request);
  bool flush();  // false on a write error (the connection is torn down)
  void begin_close(Millis now);
  void teardown(std::uint16_t code, std::string_view why, bool logged = false);
  void update_interest();
  void reschedule();
  void request_processing();
  void log_frame(std::string_view kind, std::string_view data) const;

  // path and subprotocol; nullptr when they are "" or "/" (root_path_) and "".
  struct Names {
    std::string path;
    std::string subprotocol;
  };
  void set_names(std::string path, std::string subprotocol);
  [[nodiscard]] bool aborting() const { return abort_reason_ != nullptr; }
  void set_abort_reason(std::string why);

  // Members ordered by size so that the object has no padding holes.
  const ConnectionContext* ctx_;
  std::uint64_t id_;
  int fd_;
  std::uint32_t interest_ = 0;
  Session session_;
  Phase phase_ = Phase::kActive;
  bool eof_ = false;
  bool opened_ = false;             // on_open delivered (so on_close is owed)
  bool close_reported_ = false;     // on_close delivered
  bool deferred_ = false;           // queued in the loop's deferred list
  bool close_after_flush_ = false;  // plain HTTP answer / refused handshake
  bool write_failed_ = false;
  bool root_path_ = false;     // path() is "/" (names_ is empty)
  std::size_t allowance_ = 0;  // the message accepted over the limit ("+ current message")
  Millis timer_at_;
  Millis linger_deadline_{0};
  std::unique_ptr<Names> names_;
  std::unique_ptr<std::string> abort_reason_;  // set: drop the connection at the next process()
  void* user_data_ = nullptr;
};

}  // namespace wslab::net
