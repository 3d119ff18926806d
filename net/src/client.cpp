#include "wslab/net/client.hpp"

#include <utility>

namespace wslab::net {

namespace {
constexpr std::uint64_t kConnectTimeoutKey = 0;
constexpr std::uint64_t kConnectionId = 1;
}  // namespace

// Forwards every callback to the user's App and records what the Client
// needs to report its outcome.
class Client::Watch final : public App {
 public:
  Watch(Client& client, App& app) : client_(client), app_(app) {}
  void on_open(Connection& c) override {
    client_.opened_ = true;
    app_.on_open(c);
  }
  void on_text(Connection& c, std::string_view t) override { app_.on_text(c, t); }
  void on_binary(Connection& c, std::string_view d) override { app_.on_binary(c, d); }
  void on_ping(Connection& c, std::string_view p) override { app_.on_ping(c, p); }
  void on_pong(Connection& c, std::string_view p) override { app_.on_pong(c, p); }
  void on_close(Connection& c, const CloseInfo& info) override {
    client_.close_info_ = info;
    app_.on_close(c, info);
  }
  void on_handshake_failed(Connection& c, int status, std::string_view reason) override {
    client_.handshake_status_ = status;
    client_.failure_ = status > 0 ? "handshake rejected with status " + std::to_string(status)
                                  : std::string("handshake failed");
    if (!reason.empty()) client_.failure_ += ": " + std::string(reason);
    app_.on_handshake_failed(c, status, reason);
  }

 private:
  Client& client_;
  App& app_;
};

Client::Client(EventLoop& loop, App& app, ClientOptions options)
    : loop_(loop), app_(app), options_(std::move(options)) {
  watch_ = std::make_unique<Watch>(*this, app_);
  ctx_.loop = &loop_;
  ctx_.app = watch_.get();
  ctx_.owner = this;
  ctx_.timers = this;
  ctx_.max_write_buffer = options_.max_write_buffer;
  ctx_.linger_timeout = options_.linger_timeout;
  ctx_.log = options_.log;
}

Client::~Client() {
  if (connecting_.valid()) loop_.remove(connecting_.get());
  conn_.reset();
}

Connection* Client::connection() {
  if (!conn_ || conn_->finished()) return nullptr;
  return conn_.get();
}

Status Client::start() {
  auto url = parse_ws_url(options_.url);
  if (!url) return Status::fail(url.error());
  url_ = std::move(*url);
  auto addrs = resolve_tcp(url_.host, url_.port);
  if (!addrs) return Status::fail(addrs.error());
  addresses_ = std::move(*addrs);
  loop_.schedule(steady_now() + options_.connect_timeout, this, kConnectTimeoutKey);
  try_next_address();
  return Status::ok();
}

void Client::try_next_address() {
  while (next_address_ < addresses_.size()) {
    const SocketAddress& a = addresses_[next_address_++];
    auto fd = start_connect(a);
    if (!fd) {
      connect_errors_ += (connect_errors_.empty() ? "" : "; ") + fd.error();
      continue;
    }
    connecting_ = std::move(*fd);
    if (Status st = loop_.add(connecting_.get(), EPOLLOUT, this); !st) {
      connect_errors_ += (connect_errors_.empty() ? "" : "; ") + st.message();
      connecting_.reset();
      continue;
    }
    return;
  }
  finish(ClientOutcome::kConnectFailed,
         "cannot connect to " + options_.url + ": " + connect_errors_);
}

void Client::on_io(std::uint32_t /*events*/) {
  if (!connecting_.valid()) return;
  loop_.remove(connecting_.get());
  Status st = finish_connect(connecting_.get());
  if (!st) {
    connect_errors_ += (connect_errors_.empty() ? "" : "; ") +
                       addresses_[next_address_ - 1].to_string() + ": " + st.message();
    connecting_.reset();
    try_next_address();
    return;
  }
  SessionConfig config = options_.session;
  config.role = Role::kClient;
  config.client.host = url_.host_header();
  config.client.path = url_.resource;
  config.client.origin = options_.origin;
  config.client.subprotocols = options_.subprotocols;
  config.handshake_timeout = options_.connect_timeout;
  conn_ =
      std::make_unique<Connection>(ctx_, kConnectionId, connecting_.release(), std::move(config));
  conn_->start(steady_now());
}

void Client::on_timer(std::uint64_t key, Millis now) {
  if (key == kConnectTimeoutKey) {
    if (opened_ || done()) return;
    finish(ClientOutcome::kTimeout,
           "timed out after " + std::to_string(options_.connect_timeout.count()) + " ms " +
               (conn_ ? "waiting for the handshake response" : "connecting"));
    if (connecting_.valid()) {
      loop_.remove(connecting_.get());
      connecting_.reset();
    }
    if (conn_) conn_->abort("handshake timeout");
    return;
  }
  if (conn_ && key == kConnectionId) conn_->on_timer(now);
}

void Client::on_connection_finished(Connection& /*c*/) {
  if (opened_) {
    if (!close_info_) close_info_ = CloseInfo{};
    finish(ClientOutcome::kClosed, {});
  } else if (!failure_.empty()) {
    finish(ClientOutcome::kHandshakeRejected, failure_);
  } else {
    finish(ClientOutcome::kHandshakeRejected,
           "the server closed the connection before completing the handshake");
  }
}

void Client::finish(ClientOutcome outcome, std::string failure) {
  if (done()) return;
  outcome_ = outcome;
  if (!failure.empty()) failure_ = std::move(failure);
  if (options_.stop_loop_when_done) loop_.stop();
}

}  // namespace wslab::net
