#include "wslab/net/server.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <limits>

namespace wslab::net {

namespace {
constexpr std::uint64_t kTickKey = 0;  // connection ids start at 1
constexpr std::uint64_t kAcceptResumeKey = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t kShutdownKey = kAcceptResumeKey - 1;
constexpr Millis kAcceptPause{100};
}  // namespace

Server::Server(EventLoop& loop, App& app, ServerOptions options)
    : loop_(loop), app_(app), options_(std::move(options)) {
  options_.session.role = Role::kServer;
  options_.session.manual_accept = true;
  ctx_.loop = &loop_;
  ctx_.app = &app_;
  ctx_.owner = this;
  ctx_.timers = this;
  ctx_.max_write_buffer = options_.max_write_buffer;
  ctx_.linger_timeout = options_.linger_timeout;
  ctx_.log = options_.log;
  ctx_.server_subprotocols = &options_.session.server.subprotocols;
}

Server::~Server() {
  if (listener_.valid()) loop_.remove(listener_.get());
  connections_.clear();
}

Status Server::listen() {
  if (!options_.web_root.empty()) {
    auto files = StaticFiles::open(options_.web_root);
    if (!files) return Status::fail(files.error());
    static_files_.emplace(std::move(*files));
    ctx_.static_files = &*static_files_;
  }
  options_.session.serve_plain_http = app_.serves_plain_http() || static_files_.has_value();
  auto fd = listen_tcp(options_.host, options_.port);
  if (!fd) return Status::fail(fd.error());
  listener_ = std::move(*fd);
  port_ = local_port(listener_.get());
  if (Status st = loop_.add(listener_.get(), EPOLLIN, this); !st) return st;
  if (options_.tick_interval.count() > 0) {
    loop_.schedule(steady_now() + options_.tick_interval, this, kTickKey);
  }
  return Status::ok();
}

Server::Slot* Server::slot(std::uint64_t id) {
  auto it = std::lower_bound(connections_.begin(), connections_.end(), id,
                             [](const Slot& s, std::uint64_t key) { return s.id < key; });
  if (it == connections_.end() || it->id != id) return nullptr;
  return &*it;
}

Connection* Server::find(std::uint64_t id) {
  Slot* s = slot(id);
  if (s == nullptr || s->conn->finished()) return nullptr;
  return s->conn.get();
}

void Server::on_io(std::uint32_t /*events*/) {
  accept_ready();
}

void Server::accept_ready() {
  while (listener_.valid() && !accept_paused_) {
    int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      // Out of descriptors or memory: the listener stays readable, so stop
      // watching it for a moment instead of spinning.
      log_line("accept: " + errno_text(errno) + "; pausing accepts for 100 ms");
      accept_paused_ = true;
      loop_.remove(listener_.get());
      loop_.schedule(steady_now() + kAcceptPause, this, kAcceptResumeKey);
      return;
    }
    set_nodelay(fd);
    std::uint64_t id = next_id_++;
    auto conn = std::make_unique<Connection>(ctx_, id, fd, options_.session);
    Connection* raw = conn.get();
    connections_.push_back(Slot{id, std::move(conn)});
    raw->start(steady_now());
  }
}

void Server::on_timer(std::uint64_t key, Millis now) {
  if (key == kTickKey) {
    if (shutting_down_) return;
    app_.on_tick(now);
    loop_.schedule(now + options_.tick_interval, this, kTickKey);
    return;
  }
  if (key == kAcceptResumeKey) {
    if (accept_paused_ && listener_.valid()) {
      accept_paused_ = false;
      [[maybe_unused]] Status st = loop_.add(listener_.get(), EPOLLIN, this);
    }
    return;
  }
  if (key == kShutdownKey) {
    if (!connections_.empty() && options_.log != LogLevel::kQuiet) {
      log_line("shutdown timeout: dropping " + std::to_string(connections_.size()) +
               " connection(s)");
    }
    for (auto& s : connections_) s.conn->abort("server shutdown timed out");
    return;
  }
  if (Slot* s = slot(key)) s->conn->on_timer(now);
}

void Server::on_connection_finished(Connection& c) {
  finished_.push_back(c.id());
  if (!reap_queued_) {
    reap_queued_ = true;
    loop_.defer(this);
  }
}

void Server::run_deferred() {
  reap_queued_ = false;
  reap();
  maybe_finish_shutdown();
}

// Destroys the finished connections in one pass from the oldest of them.
void Server::reap() {
  if (finished_.empty()) return;
  const std::uint64_t oldest = *std::min_element(finished_.begin(), finished_.end());
  finished_.clear();
  auto from = std::lower_bound(connections_.begin(), connections_.end(), oldest,
                               [](const Slot& s, std::uint64_t key) { return s.id < key; });
  // Moving the Slots only moves pointers; a Connection never moves.
  connections_.erase(
      std::remove_if(from, connections_.end(), [](const Slot& s) { return s.conn->finished(); }),
      connections_.end());
  if (connections_.capacity() > 64 && connections_.size() < connections_.capacity() / 4) {
    connections_.shrink_to_fit();
  }
  if (finished_.capacity() > 64) std::vector<std::uint64_t>().swap(finished_);
}

void Server::shutdown(std::uint16_t code, std::string_view reason) {
  if (shutting_down_) return;
  shutting_down_ = true;
  if (listener_.valid()) {
    if (!accept_paused_) loop_.remove(listener_.get());
    listener_.reset();
  }
  if (options_.log != LogLevel::kQuiet) {
    log_line("shutting down: closing " + std::to_string(connections_.size()) +
             " connection(s) with " + std::to_string(code));
  }
  for (auto& s : connections_) {
    Connection* c = s.conn.get();
    if (c->is_open()) {
      c->close(code, reason);
    } else if (c->session().state() == SessionState::kConnecting) {
      c->abort("server shutting down during the handshake");
    }
  }
  loop_.schedule(steady_now() + options_.shutdown_timeout, this, kShutdownKey);
  if (!reap_queued_) {
    reap_queued_ = true;
    loop_.defer(this);
  }
}

void Server::maybe_finish_shutdown() {
  if (shutting_down_ && connections_.empty() && options_.stop_loop_after_shutdown) loop_.stop();
}

void Server::request_shutdown() {
  loop_.run_in_loop([this] { shutdown(); });
}

Status Server::shutdown_on_signals() {
  return loop_.watch_signals({SIGINT, SIGTERM}, [this](int signo) {
    if (shutting_down_) {
      // A second signal: stop waiting for the peers.
      for (auto& s : connections_) s.conn->abort("second signal: stopping now");
      return;
    }
    if (options_.log != LogLevel::kQuiet) {
      log_line(std::string("received ") + (signo == SIGINT ? "SIGINT" : "SIGTERM"));
    }
    shutdown();
  });
}

}  // namespace wslab::net
