// RefClient: one lws client connection on its own context and service thread.
// The caller's thread talks to the service thread through a mutex-guarded
// mailbox plus lws_cancel_service() (the only lws call that is safe from
// another thread, notes §2.4); LWS_CALLBACK_EVENT_WAIT_CANCELLED drains it.
#include "wslab/refpeer/client.hpp"

#include <libwebsockets.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#include "connection.hpp"
#include "lws_runtime.hpp"
#include "wslab/refpeer/ws_url.hpp"

namespace wslab::refpeer {
namespace {

using detail::Connection;
using detail::Message;

constexpr const char* kProtocolName = "wslab-refclient";
constexpr std::uint16_t kNoStatusReceived = 1005;  // RFC 6455 §7.4.1
constexpr std::uint16_t kAbnormalClosure = 1006;
constexpr std::uint16_t kProtocolError = 1002;
constexpr std::size_t kMaxControlPayload = 125;  // §5.5

struct PerSession {
  Connection* connection;
};

std::uint16_t seconds16(std::chrono::seconds s) {
  return static_cast<std::uint16_t>(std::clamp<std::chrono::seconds::rep>(s.count(), 0, 0xFFFF));
}

}  // namespace

struct RefClient::Impl {
  enum class State { kIdle, kConnecting, kOpen, kClosed, kFailed };
  struct CloseRequest {
    std::uint16_t code;
    std::string reason;
  };

  explicit Impl(ClientOptions o) : options(std::move(o)) {}

  static int callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, std::size_t len);
  bool queue(Message::Kind kind, std::string_view payload);
  void drain_mailbox();  // service thread
  void finish(State final_state);

  ClientOptions options;
  WsUrl url;
  std::string host_header;
  std::string origin;
  lws_protocols protocols[2]{};
  lws_retry_bo_t retry{};
  lws_context* context = nullptr;
  std::thread service_thread;
  std::atomic<bool> quit{false};

  // Service thread only.
  lws* wsi = nullptr;
  Connection* connection = nullptr;
  bool we_closed = false;

  // Shared, guarded by mutex.
  mutable std::mutex mutex;
  std::condition_variable cv;
  State state = State::kIdle;
  std::string error;
  std::string selected_subprotocol;
  std::deque<ReceivedMessage> inbox;
  std::deque<Message> outbox;
  std::optional<CloseRequest> close_request;
  CloseInfo close_info;
  bool have_peer_close = false;
  std::atomic<std::uint64_t> pongs{0};
};

void RefClient::Impl::finish(State final_state) {
  {
    const std::lock_guard lock(mutex);
    state = final_state;
  }
  cv.notify_all();
}

bool RefClient::Impl::queue(Message::Kind kind, std::string_view payload) {
  {
    const std::lock_guard lock(mutex);
    if (state != State::kOpen || close_request) return false;
    outbox.emplace_back(kind, payload);
  }
  lws_cancel_service(context);
  return true;
}

void RefClient::Impl::drain_mailbox() {
  std::deque<Message> pending;
  std::optional<CloseRequest> closing;
  {
    const std::lock_guard lock(mutex);
    pending.swap(outbox);
    closing = close_request;
  }
  if (connection == nullptr) return;
  for (auto& m : pending) connection->send(std::move(m));
  if (closing && !we_closed) {
    we_closed = true;
    connection->close(closing->code, closing->reason);
  }
}

int RefClient::Impl::callback(lws* wsi, lws_callback_reasons reason, void* user, void* in,
                              std::size_t len) {
  auto* self = static_cast<Impl*>(lws_context_user(lws_get_context(wsi)));
  auto* session = static_cast<PerSession*>(user);
  Connection* connection = session != nullptr ? session->connection : nullptr;
  if (self == nullptr) return lws_callback_http_dummy(wsi, reason, user, in, len);

  switch (reason) {
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
      {
        const std::lock_guard lock(self->mutex);
        self->error = in != nullptr && len > 0
                          ? std::string(static_cast<const char*>(in), len)
                          : (in != nullptr ? std::string(static_cast<const char*>(in))
                                           : std::string("connection failed"));
      }
      self->wsi = nullptr;
      self->finish(State::kFailed);
      return 0;
    }
    case LWS_CALLBACK_CLIENT_FILTER_PRE_ESTABLISH: {
      char buf[256];
      const int n = lws_hdr_copy(wsi, buf, sizeof buf, WSI_TOKEN_PROTOCOL);
      const std::lock_guard lock(self->mutex);
      self->selected_subprotocol = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
      return 0;
    }
    case LWS_CALLBACK_CLIENT_ESTABLISHED: {
      if (session == nullptr) return -1;
      auto* c = new Connection(wsi, self->options.max_message);
      session->connection = c;
      self->connection = c;
      self->finish(State::kOpen);
      self->drain_mailbox();
      return 0;
    }
    case LWS_CALLBACK_CLIENT_RECEIVE: {
      if (connection == nullptr || connection->closing()) return 0;
      switch (connection->receive(in, len, lws_is_final_fragment(wsi) != 0,
                                  lws_frame_is_binary(wsi) != 0)) {
        case Connection::Rx::kMore:
          return 0;
        case Connection::Rx::kTooBig: {
          const std::lock_guard lock(self->mutex);
          self->close_request = CloseRequest{1009, "message too big"};
          self->we_closed = true;
          return 0;
        }
        case Connection::Rx::kComplete: {
          Message m = connection->take_message();
          {
            const std::lock_guard lock(self->mutex);
            self->inbox.push_back(ReceivedMessage{m.binary(), std::string(m.payload())});
          }
          self->cv.notify_all();
          return 0;
        }
      }
      return 0;
    }
    case LWS_CALLBACK_CLIENT_WRITEABLE:
      return connection != nullptr ? connection->on_writable() : 0;
    case LWS_CALLBACK_CLIENT_RECEIVE_PONG:
      self->pongs.fetch_add(1);
      self->cv.notify_all();
      return 0;
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE: {
      // `in` is the close body (§5.5.1): 2-byte code + UTF-8 reason.
      const auto* body = static_cast<const unsigned char*>(in);
      CloseInfo info;
      info.closed_by_peer = !self->we_closed;
      if (len == 0 || body == nullptr) {
        info.code = kNoStatusReceived;
      } else if (len == 1) {
        info.code = kProtocolError;
        info.reason = "malformed close body (1 byte)";
      } else {
        info.code = static_cast<std::uint16_t>((body[0] << 8) | body[1]);
        info.reason.assign(reinterpret_cast<const char*>(body) + 2, len - 2);
      }
      {
        const std::lock_guard lock(self->mutex);
        self->close_info = std::move(info);
        self->have_peer_close = true;
      }
      if (connection != nullptr) connection->mark_close_started();
      return 0;
    }
    case LWS_CALLBACK_CLIENT_CLOSED: {
      if (connection != nullptr) {
        delete connection;
        session->connection = nullptr;
      }
      self->connection = nullptr;
      self->wsi = nullptr;
      {
        const std::lock_guard lock(self->mutex);
        if (!self->have_peer_close) {
          if (self->we_closed && self->close_request) {
            self->close_info =
                CloseInfo{self->close_request->code, self->close_request->reason, false};
          } else if (!self->we_closed) {
            self->close_info = CloseInfo{kAbnormalClosure, "", false};
          }
        }
      }
      self->finish(State::kClosed);
      return 0;
    }
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
      if (!self->quit.load()) self->drain_mailbox();
      return 0;
    default:
      break;
  }
  return lws_callback_http_dummy(wsi, reason, user, in, len);
}

RefClient::RefClient(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

RefClient::~RefClient() {
  Impl& s = *impl_;
  if (s.context == nullptr) return;
  if (is_open()) close(1001, "", std::chrono::milliseconds{500});
  s.quit = true;
  lws_cancel_service(s.context);
  if (s.service_thread.joinable()) s.service_thread.join();
  lws_context_destroy(s.context);
  s.context = nullptr;
  delete s.connection;  // normally freed by CLIENT_CLOSED during destroy
  s.connection = nullptr;
}

bool RefClient::connect(std::string_view url_text, std::string* error) {
  auto fail = [error](std::string why) {
    if (error != nullptr) *error = std::move(why);
    return false;
  };
  Impl& s = *impl_;
  if (s.context != nullptr) return fail("connect() may be called once per RefClient");
  std::string why;
  auto url = parse_ws_url(url_text, &why);
  if (!url) return fail(why);
  s.url = *url;
  s.host_header = s.url.port == 80 ? s.url.host : s.url.host + ":" + std::to_string(s.url.port);
  if (s.url.host.find(':') != std::string::npos) {  // IPv6 literal
    s.host_header = "[" + s.url.host + "]";
    if (s.url.port != 80) s.host_header += ":" + std::to_string(s.url.port);
  }
  s.origin = s.options.origin.empty() ? s.url.host : s.options.origin;

  detail::configure_lws_logging();
  s.protocols[0] = lws_protocols{};
  s.protocols[0].name = kProtocolName;
  s.protocols[0].callback = &Impl::callback;
  s.protocols[0].per_session_data_size = sizeof(PerSession);
  s.protocols[1] = lws_protocols{};

  lws_context_creation_info info{};
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = s.protocols;
  // This "server" option is what turns on UTF-8 checking for clients too.
  info.options = LWS_SERVER_OPTION_VALIDATE_UTF8;
  info.user = &s;
  info.gid = -1;
  info.uid = -1;
  info.fd_limit_per_thread = 16;
  s.context = lws_create_context(&info);
  if (s.context == nullptr) return fail("libwebsockets could not create a client context");

  if (s.options.ping_interval.count() > 0) {
    const std::uint16_t ping = seconds16(s.options.ping_interval);
    const std::uint16_t grace = std::max<std::uint16_t>(1, seconds16(s.options.pong_timeout));
    s.retry.secs_since_valid_ping = ping;
    s.retry.secs_since_valid_hangup =
        static_cast<std::uint16_t>(std::min<unsigned>(0xFFFFu, unsigned{ping} + grace));
  }

  lws_client_connect_info ci{};
  ci.context = s.context;
  ci.address = s.url.host.c_str();
  ci.port = s.url.port;
  ci.path = s.url.resource.c_str();
  ci.host = s.host_header.c_str();
  ci.origin = s.origin.c_str();
  ci.protocol = s.options.subprotocol.empty() ? nullptr : s.options.subprotocol.c_str();
  ci.local_protocol_name = kProtocolName;
  ci.ssl_connection = 0;
  if (s.options.ping_interval.count() > 0) ci.retry_and_idle_policy = &s.retry;
  ci.pwsi = &s.wsi;
  {
    const std::lock_guard lock(s.mutex);
    s.state = Impl::State::kConnecting;
  }
  // Still single-threaded here: the service thread starts afterwards. A
  // failure may already have run CLIENT_CONNECTION_ERROR synchronously.
  if (lws_client_connect_via_info(&ci) == nullptr) {
    const std::lock_guard lock(s.mutex);
    if (s.state == Impl::State::kConnecting) {
      s.state = Impl::State::kFailed;
      s.error = "cannot start connecting to " + std::string(url_text);
    }
  }
  s.service_thread = std::thread([&s] {
    while (!s.quit.load()) {
      if (lws_service(s.context, 0) < 0) break;
    }
  });

  std::unique_lock lock(s.mutex);
  const bool done = s.cv.wait_for(lock, s.options.connect_timeout,
                                  [&s] { return s.state != Impl::State::kConnecting; });
  if (!done) {
    return fail("timed out after " + std::to_string(s.options.connect_timeout.count()) +
                " ms waiting for the opening handshake with " + std::string(url_text));
  }
  if (s.state == Impl::State::kOpen) return true;
  if (s.state == Impl::State::kClosed) return fail("connection closed during the handshake");
  return fail("cannot connect to " + std::string(url_text) + ": " + s.error);
}

bool RefClient::send_text(std::string_view payload) {
  return impl_->context != nullptr && impl_->queue(Message::Kind::kText, payload);
}

bool RefClient::send_binary(std::string_view payload) {
  return impl_->context != nullptr && impl_->queue(Message::Kind::kBinary, payload);
}

bool RefClient::send_ping(std::string_view payload) {
  if (payload.size() > kMaxControlPayload) return false;
  return impl_->context != nullptr && impl_->queue(Message::Kind::kPing, payload);
}

std::optional<ReceivedMessage> RefClient::receive(std::chrono::milliseconds timeout) {
  Impl& s = *impl_;
  std::unique_lock lock(s.mutex);
  s.cv.wait_for(lock, timeout, [&s] {
    return !s.inbox.empty() || s.state == Impl::State::kClosed || s.state == Impl::State::kFailed ||
           s.state == Impl::State::kIdle;
  });
  if (s.inbox.empty()) return std::nullopt;
  ReceivedMessage m = std::move(s.inbox.front());
  s.inbox.pop_front();
  return m;
}

std::optional<CloseInfo> RefClient::close(std::uint16_t code, std::string_view reason,
                                          std::chrono::milliseconds timeout) {
  Impl& s = *impl_;
  if (s.context == nullptr) return std::nullopt;
  {
    const std::lock_guard lock(s.mutex);
    if (s.state == Impl::State::kOpen && !s.close_request) {
      s.close_request = Impl::CloseRequest{code, std::string(reason)};
    }
  }
  lws_cancel_service(s.context);
  return wait_closed(timeout);
}

std::optional<CloseInfo> RefClient::wait_closed(std::chrono::milliseconds timeout) {
  Impl& s = *impl_;
  std::unique_lock lock(s.mutex);
  const bool done = s.cv.wait_for(lock, timeout, [&s] {
    return s.state == Impl::State::kClosed || s.state == Impl::State::kFailed ||
           s.state == Impl::State::kIdle;
  });
  if (!done || s.state != Impl::State::kClosed) return std::nullopt;
  return s.close_info;
}

bool RefClient::is_open() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->state == Impl::State::kOpen;
}

std::string RefClient::subprotocol() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->selected_subprotocol;
}

std::uint64_t RefClient::pongs_received() const {
  return impl_->pongs.load();
}

}  // namespace wslab::refpeer
