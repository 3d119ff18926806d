#include "wslab/net/connection.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <limits>
#include <utility>

#include "wslab/close.hpp"
#include "wslab/net/socket.hpp"
#include "wslab/net/static_files.hpp"

namespace wslab::net {

namespace {
constexpr Millis kNever = Millis::max();
// Fairness: a busy peer cannot keep the loop reading its socket forever.
constexpr int kMaxReadsPerWakeup = 16;

std::string describe_close(std::uint16_t code, std::string_view reason) {
  std::string s = std::to_string(code) + " " + std::string(close_code_name(code));
  if (!reason.empty()) s += " '" + printable(reason) + "'";
  return s;
}
}  // namespace

Connection::Connection(const ConnectionContext& ctx, std::uint64_t id, int fd, SessionConfig config)
    : ctx_(&ctx), id_(id), fd_(fd), session_(config), timer_at_(kNever) {
  if (config.role == Role::kClient) set_names(config.client.path, {});
}

Connection::~Connection() {
  if (fd_ >= 0) {
    ctx_->loop->remove(fd_);
    ::close(fd_);
  }
}

std::string Connection::peer_address() const {
  if (fd_ < 0) return "-";
  SocketAddress a;
  a.length = sizeof a.storage;
  if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&a.storage), &a.length) != 0) return "-";
  return a.to_string();
}

const std::string& Connection::path() const {
  static const std::string kEmpty;
  static const std::string kRoot = "/";
  if (names_) return names_->path;
  return root_path_ ? kRoot : kEmpty;
}

const std::string& Connection::subprotocol() const {
  static const std::string kEmpty;
  return names_ ? names_->subprotocol : kEmpty;
}

void Connection::set_names(std::string path, std::string subprotocol) {
  root_path_ = path == "/";
  if ((path.empty() || root_path_) && subprotocol.empty()) {
    names_.reset();
  } else {
    names_ = std::make_unique<Names>(Names{std::move(path), std::move(subprotocol)});
  }
}

void Connection::set_abort_reason(std::string why) {
  abort_reason_ =
      std::make_unique<std::string>(why.empty() ? std::string("aborted") : std::move(why));
}

bool Connection::is_open() const {
  return phase_ == Phase::kActive && !aborting() && session_.state() == SessionState::kOpen;
}

std::size_t Connection::own_memory_footprint() const {
  auto heap = [](const std::string& str) { return str.capacity() > 15 ? str.capacity() + 1 : 0; };
  std::size_t n = sizeof(Connection) - sizeof(Session);
  if (names_) n += sizeof(Names) + heap(names_->path) + heap(names_->subprotocol);
  if (abort_reason_) n += sizeof(std::string) + heap(*abort_reason_);
  return n;
}

std::size_t Connection::buffered_bytes() const {
  return session_.pending_output().size();
}

void Connection::start(Millis now) {
  session_.start(now);
  interest_ = EPOLLIN;
  if (Status st = ctx_->loop->add(fd_, interest_, this); !st) {
    set_abort_reason(st.message());
  }
  process(now);
}

bool Connection::send_text(std::string_view text) {
  return queue_message(Opcode::kText, text, true, false);
}
bool Connection::send_binary(std::string_view data) {
  return queue_message(Opcode::kBinary, data, true, false);
}
bool Connection::send_fragment(Opcode op, std::string_view data, bool fin) {
  return queue_message(op, data, fin, true);
}

bool Connection::queue_message(Opcode op, std::string_view data, bool fin, bool is_fragment) {
  if (!is_open()) return false;
  if (buffered_bytes() > ctx_->max_write_buffer) {
    flush();  // the kernel may have room by now
    if (buffered_bytes() > ctx_->max_write_buffer) {
      abort("slow consumer: " + std::to_string(buffered_bytes()) +
            " bytes waiting for the peer, over the write buffer limit of " +
            std::to_string(ctx_->max_write_buffer));
      return false;
    }
  }
  Status st;
  if (is_fragment) {
    st = session_.send_fragment(op, data, fin);
  } else if (op == Opcode::kText) {
    st = session_.send_text(data);
  } else {
    st = session_.send_binary(data);
  }
  if (!st) return false;
  // The limit is "max_write_buffer + the message being sent" (see read_ready).
  allowance_ = data.size() + kMaxHeaderBytes;
  if (ctx_->log == LogLevel::kVerbose) {
    log_frame(op == Opcode::kText ? "> text" : (op == Opcode::kBinary ? "> binary" : "> fragment"),
              data);
  }
  request_processing();
  return true;
}

bool Connection::ping(std::string_view payload) {
  if (!is_open()) return false;
  if (!session_.ping(payload)) return false;
  request_processing();
  return true;
}

void Connection::close(std::uint16_t code, std::string_view reason) {
  if (phase_ != Phase::kActive) return;
  if (session_.state() == SessionState::kConnecting) {
    abort("closed before the handshake completed");
    return;
  }
  // A failed Status only means a Close was already sent: nothing to do.
  [[maybe_unused]] Status st = session_.close(code, reason);
  request_processing();
}

void Connection::abort(std::string why) {
  if (phase_ == Phase::kDone || aborting()) return;
  set_abort_reason(std::move(why));
  request_processing();
}

void Connection::request_processing() {
  if (deferred_ || phase_ == Phase::kDone) return;
  deferred_ = true;
  ctx_->loop->defer(this);
}

void Connection::run_deferred() {
  deferred_ = false;
  if (phase_ == Phase::kDone) return;
  process(steady_now());
}

void Connection::on_io(std::uint32_t events) {
  if (phase_ == Phase::kDone) return;
  Millis now = steady_now();
  if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0 && !eof_) read_ready(now);
  if (phase_ == Phase::kDone) return;
  process(now);
}

void Connection::read_ready(Millis now) {
  auto buf = ctx_->loop->read_buffer();
  for (int i = 0; i < kMaxReadsPerWakeup && !eof_; ++i) {
    ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n > 0) {
      // A short read emptied the socket's receive queue: asking again would
      // only return EAGAIN (one wasted system call per wake-up). Whatever
      // arrives later, the FIN included, wakes the level-triggered loop again.
      const bool drained = static_cast<std::size_t>(n) < buf.size();
      if (phase_ != Phase::kActive) {  // closing: read and discard (lingering close)
        if (drained) return;
        continue;
      }
      session_.on_bytes(std::span<const std::uint8_t>(buf.data(), static_cast<std::size_t>(n)),
                        now);
      dispatch_events(now);
      if (aborting()) return;
      // Input can create output (echo, Pong). A peer that keeps sending while
      // not reading what we owe it would grow our memory without bound.
      std::size_t cap = ctx_->max_write_buffer + allowance_;
      if (buffered_bytes() > cap) {
        flush();
        if (buffered_bytes() > cap) {
          set_abort_reason("slow consumer: " + std::to_string(buffered_bytes()) +
                           " bytes waiting for the peer, over the write buffer limit of " +
                           std::to_string(ctx_->max_write_buffer));
          return;
        }
      }
      if (session_.should_close_transport() || drained) return;
      continue;
    }
    if (n == 0) {
      eof_ = true;
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return;
    } else {
      eof_ = true;  // ECONNRESET and friends: the peer is gone
      write_failed_ = true;
    }
    if (phase_ == Phase::kActive) {
      session_.on_eof(now);
      dispatch_events(now);
    }
    return;
  }
}

bool Connection::flush() {
  if (write_failed_ || fd_ < 0) return false;
  while (true) {
    std::string_view out = session_.pending_output();
    if (out.empty()) return true;
    ssize_t n = ::send(fd_, out.data(), out.size(), MSG_NOSIGNAL);
    if (n > 0) {
      session_.consume_output(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    write_failed_ = true;  // EPIPE, ECONNRESET: torn down in process()
    request_processing();
    return false;
  }
}

void Connection::process(Millis now) {
  if (phase_ == Phase::kDone) return;
  if (!aborting()) dispatch_events(now);
  if (aborting()) {
    std::string why = std::move(*abort_reason_);
    abort_reason_.reset();
    log_line("connection " + std::to_string(id_) + " dropped: " + why);
    // RST instead of FIN: the kernel frees the unsent data at once.
    linger lg{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    teardown(1006, why, /*logged=*/true);
    return;
  }
  flush();
  if (write_failed_) {
    if (phase_ == Phase::kActive && session_.state() != SessionState::kClosed) {
      session_.on_eof(now);
      dispatch_events(now);
    }
    teardown(1006, "the peer reset the connection");
    return;
  }
  if (phase_ == Phase::kActive &&
      (session_.should_close_transport() || close_after_flush_ || eof_)) {
    begin_close(now);
  }
  if (phase_ == Phase::kFlushing && session_.pending_output().empty()) {
    if (eof_) {
      teardown(1006, "the peer closed the TCP connection");
      return;
    }
    // §7.1.1: close our side, then wait for the peer's FIN so it reads
    // everything (our Close frame) instead of an RST for unread data.
    ::shutdown(fd_, SHUT_WR);
    phase_ = Phase::kLingering;
    linger_deadline_ = now + ctx_->linger_timeout;
  }
  if (phase_ == Phase::kLingering && eof_) {
    teardown(1006, "closed");
    return;
  }
  update_interest();
  reschedule();
}

void Connection::begin_close(Millis now) {
  phase_ = Phase::kFlushing;
  linger_deadline_ = now + ctx_->linger_timeout;
}

void Connection::on_timer(Millis now) {
  if (phase_ == Phase::kDone) return;
  if (now >= timer_at_) timer_at_ = kNever;
  if (phase_ != Phase::kActive && now >= linger_deadline_) {
    teardown(1006, phase_ == Phase::kFlushing ? "timed out writing to the peer"
                                              : "timed out waiting for the peer's FIN");
    return;
  }
  if (phase_ == Phase::kActive) session_.on_tick(now);
  process(now);
}

void Connection::reschedule() {
  Millis want = kNever;
  if (phase_ == Phase::kActive) {
    if (auto d = session_.next_deadline()) want = *d;
  } else if (phase_ != Phase::kDone) {
    want = linger_deadline_;
  }
  // Only an earlier deadline needs a new heap entry; a later one is handled
  // when the earlier entry fires (on_timer reschedules).
  if (want < timer_at_) {
    timer_at_ = want;
    ctx_->loop->schedule(want, ctx_->timers, id_);
  }
}

void Connection::update_interest() {
  std::uint32_t want = 0;
  if (!eof_) want |= EPOLLIN;
  if (!session_.pending_output().empty()) want |= EPOLLOUT;
  if (want != interest_) {
    interest_ = want;
    [[maybe_unused]] Status st = ctx_->loop->modify(fd_, want, this);
  }
}

void Connection::teardown(std::uint16_t code, std::string_view why, bool logged) {
  if (phase_ == Phase::kDone) return;
  phase_ = Phase::kDone;
  ctx_->loop->remove(fd_);
  ::close(fd_);
  fd_ = -1;
  if (opened_ && !close_reported_) {
    close_reported_ = true;
    CloseInfo info;
    info.code = code;
    info.reason = std::string(why);
    if (ctx_->log != LogLevel::kQuiet && !logged) {
      log_line("connection " + std::to_string(id_) + " closed: " + describe_close(code, why));
    }
    ctx_->app->on_close(*this, info);
  }
  ctx_->owner->on_connection_finished(*this);
}

void Connection::log_frame(std::string_view kind, std::string_view data) const {
  log_line("connection " + std::to_string(id_) + " " + std::string(kind) + " (" +
           std::to_string(data.size()) + " bytes) " + printable(data));
}

void Connection::dispatch_events(Millis /*now*/) {
  App& app = *ctx_->app;
  const bool verbose = ctx_->log == LogLevel::kVerbose;
  const bool normal = ctx_->log != LogLevel::kQuiet;
  while (phase_ != Phase::kDone && !aborting()) {
    std::optional<Event> ev = session_.poll_event();
    if (!ev) return;
    if (auto* open = std::get_if<event::Open>(&*ev)) {
      opened_ = true;
      set_names(session_.role() == Role::kServer ? std::move(open->path) : std::string(path()),
                std::move(open->subprotocol));
      if (normal) {
        log_line("connection " + std::to_string(id_) + " open from " + peer_address() + " " +
                 path() + (subprotocol().empty() ? "" : " subprotocol " + subprotocol()));
      }
      app.on_open(*this);
    } else if (auto* up = std::get_if<event::Upgrade>(&*ev)) {
      handle_upgrade(*up);
    } else if (auto* http = std::get_if<event::PlainHttp>(&*ev)) {
      handle_plain_http(http->request);
    } else if (auto* failed = std::get_if<event::HandshakeFailed>(&*ev)) {
      if (normal) {
        log_line("connection " + std::to_string(id_) +
                 " handshake failed: " + std::to_string(failed->status) + " " + failed->reason);
      }
      close_after_flush_ = true;
      app.on_handshake_failed(*this, failed->status, failed->reason);
    } else if (auto* text = std::get_if<event::Text>(&*ev)) {
      if (verbose) log_frame("< text", text->data);
      app.on_text(*this, text->data);
    } else if (auto* bin = std::get_if<event::Binary>(&*ev)) {
      if (verbose) log_frame("< binary", bin->data);
      app.on_binary(*this, bin->data);
    } else if (auto* ping = std::get_if<event::Ping>(&*ev)) {
      if (verbose) log_frame("< ping", ping->payload);
      app.on_ping(*this, ping->payload);
    } else if (auto* pong = std::get_if<event::Pong>(&*ev)) {
      if (verbose) log_frame("< pong", pong->payload);
      app.on_pong(*this, pong->payload);
    } else if (auto* cr = std::get_if<event::CloseReceived>(&*ev)) {
      if (verbose) {
        log_line("connection " + std::to_string(id_) + " < close " +
                 (cr->code ? describe_close(*cr->code, cr->reason) : std::string("(no code)")));
      }
    } else if (auto* pe = std::get_if<event::ProtocolError>(&*ev)) {
      if (normal) {
        log_line("connection " + std::to_string(id_) +
                 " failed: " + describe_close(pe->close_code, {}) + ": " + pe->what);
      }
    } else if (auto* closed = std::get_if<event::Closed>(&*ev)) {
      if (normal && opened_) {
        log_line("connection " + std::to_string(id_) +
                 " closed: " + describe_close(closed->code, closed->reason) +
                 (closed->clean ? " (clean)" : " (not clean)"));
      }
      if (opened_ && !close_reported_) {
        close_reported_ = true;
        CloseInfo info;
        info.code = closed->code;
        info.reason = std::move(closed->reason);
        info.clean = closed->clean;
        app.on_close(*this, info);
      }
    }
  }
}

void Connection::handle_upgrade(event::Upgrade& up) {
  std::string suggested;
  if (ctx_->server_subprotocols != nullptr) {
    for (const auto& mine : *ctx_->server_subprotocols) {
      bool offered = false;
      for (const auto& theirs : up.offered_subprotocols) offered = offered || theirs == mine;
      if (offered) {
        suggested = mine;
        break;
      }
    }
  }
  UpgradeRequest req{up.request, up.request.target, up.offered_subprotocols, suggested};
  UpgradeDecision d = ctx_->app->on_upgrade(req);
  if (d.accepted) {
    if (Status st = session_.accept(d.subprotocol, d.headers); !st) {
      log_line("connection " + std::to_string(id_) + " accept failed: " + st.message());
      [[maybe_unused]] Status r = session_.reject(500, "internal error: " + st.message());
      close_after_flush_ = true;
    }
    return;
  }
  if (ctx_->log != LogLevel::kQuiet) {
    log_line("connection " + std::to_string(id_) + " upgrade of " + up.request.target +
             " refused: " + std::to_string(d.status) + " " + d.body);
  }
  [[maybe_unused]] Status st = session_.reject(d.status, d.body, d.headers);
  close_after_flush_ = true;
}

void Connection::handle_plain_http(const HttpRequest& request) {
  std::optional<HttpReply> reply;
  if (ctx_->app->serves_plain_http()) reply = ctx_->app->on_plain_http(request);
  if (!reply && ctx_->static_files != nullptr) reply = ctx_->static_files->serve(request);
  if (!reply) {
    reply = HttpReply{};
    reply->status = 404;
    reply->body = "not found\n";
  }
  if (ctx_->log != LogLevel::kQuiet) {
    log_line("connection " + std::to_string(id_) + " " + request.method + " " +
             printable(request.target) + " -> " + std::to_string(reply->status) + " (" +
             std::to_string(reply->body.size()) + " bytes)");
  }
  [[maybe_unused]] Status st =
      session_.respond_http(reply->status, reply->content_type, reply->body, reply->headers);
  close_after_flush_ = true;
}

}  // namespace wslab::net
