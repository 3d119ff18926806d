// RefServer: lws context, protocol table, service thread and stop sequence.
// Recipe and pitfalls: /work/shared/notes/libwebsockets.md §2.1, §2.4, §6.
#include "wslab/refpeer/server.hpp"

#include <arpa/inet.h>
#include <libwebsockets.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include "connection.hpp"
#include "echo_protocol.hpp"
#include "lws_runtime.hpp"
#include "protocol.hpp"
#ifdef WSLAB_REFPEER_HAVE_ROOMS
#include "rooms_protocol.hpp"
#include "upgrade_auth.hpp"
#include "wslab/rooms/auth.hpp"
#include "wslab/rooms/protocol.hpp"
#include "wslab/rooms/token_config.hpp"
#endif

namespace wslab::refpeer {
namespace {

using detail::Connection;
using detail::ProtocolHandler;

constexpr const char* kLoopback = "127.0.0.1";
constexpr std::uint16_t kGoingAway = 1001;  // RFC 6455 §7.4.1
constexpr std::string_view kShutdownReason = "server shutdown";

// lws zero-allocates this per connection; only a pointer lives here, the C++
// state is owned by the server (notes §2.1: no non-trivial members).
struct PerSession {
  Connection* connection;
};

// Why binding 127.0.0.1:port failed, for a precise message after lws refused
// to create the context (lws only logs it).
std::string probe_bind_error(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return std::strerror(errno);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string why = "libwebsockets could not create the context";
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    why = std::strerror(errno);
  }
  ::close(fd);
  return why;
}

std::uint16_t clamp_seconds(std::chrono::seconds s) {
  const auto v = std::clamp<std::chrono::seconds::rep>(s.count(), 0, 0xFFFF);
  return static_cast<std::uint16_t>(v);
}

}  // namespace

struct RefServer::Impl {
  struct ProtocolEntry {
    std::string name;
    std::unique_ptr<ProtocolHandler> handler;
  };

  explicit Impl(ServerOptions o) : options(std::move(o)) {}

  static int callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, std::size_t len);
  void build_protocols();
  bool load_tokens(std::string* error);
  int confirm_upgrade(lws* wsi);
  void close_all_going_away();
  void service_loop();

  ServerOptions options;
  std::vector<ProtocolEntry> entries;
  std::vector<lws_protocols> protocols;  // entries + the all-null terminator
#ifdef WSLAB_REFPEER_HAVE_ROOMS
  rooms::TokenSet tokens;  // empty: no authentication (read-only once started)
#endif
  lws_retry_bo_t retry{};
  lws_context* context = nullptr;
  std::thread service_thread;
  std::uint16_t bound_port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<bool> quit{false};

  // Service thread only (and the caller after join, during destroy).
  std::unordered_set<Connection*> connections;

  mutable std::mutex mutex;
  std::condition_variable closed_cv;
  std::uint64_t open_count = 0;  // guarded by mutex

  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> messages{0};
  std::atomic<std::uint64_t> pongs{0};
  std::atomic<std::uint64_t> too_big{0};
};

// The protocol table. Entry 0 is lws's default: it serves plain HTTP and every
// upgrade that names no subprotocol, so clients offering none get echo. A
// client offering only unknown names is refused by lws (TCP drop, README).
// wslab.rooms.v1 (docs/rooms-protocol.md) is served when the rooms component
// is built; a client must offer it by name.
void RefServer::Impl::build_protocols() {
  entries.clear();
  entries.push_back({"", std::make_unique<detail::EchoProtocol>(options.close_command)});
  entries.push_back({"wslab.echo", std::make_unique<detail::EchoProtocol>(options.close_command)});
#ifdef WSLAB_REFPEER_HAVE_ROOMS
  entries.push_back({std::string(rooms::kSubprotocol), std::make_unique<detail::RoomsProtocol>()});
#endif

  protocols.clear();
  for (auto& entry : entries) {
    lws_protocols p{};
    p.name = entry.name.c_str();
    p.callback = &Impl::callback;
    p.per_session_data_size = sizeof(PerSession);
    p.rx_buffer_size = 0;  // lws default chunk (4096)
    p.user = entry.handler.get();
    protocols.push_back(p);
  }
  protocols.push_back(lws_protocols{});
}

// options.tokens + options.token_file -> tokens, read as `wslab serve --rooms` reads them.
bool RefServer::Impl::load_tokens(std::string* error) {
  if (options.tokens.empty() && options.token_file.empty()) return true;
#ifdef WSLAB_REFPEER_HAVE_ROOMS
  auto loaded = rooms::load_tokens(options.tokens, options.token_file);
  if (!loaded) {
    *error = loaded.error();
    return false;
  }
  tokens = std::move(*loaded);
  return true;
#else
  *error = "token authentication needs wslab.rooms.v1 (refpeer built without the rooms component)";
  return false;
#endif
}

// LWS_CALLBACK_HTTP_CONFIRM_UPGRADE (entry 0, before lws picks the protocol):
// the token rule of docs/rooms-protocol.md §1 for upgrades that lws will give
// to wslab.rooms.v1. lws selects the first offered name that is in the table
// (an unknown name is skipped; none offered -> entry 0, echo), so the same
// choice is made here. Returns 0 (go on), 1 (refused with a status) or -1.
int RefServer::Impl::confirm_upgrade([[maybe_unused]] lws* wsi) {
#ifdef WSLAB_REFPEER_HAVE_ROOMS
  if (tokens.empty()) return 0;
  const std::vector<std::string> offered = detail::offered_subprotocols(wsi);
  const ProtocolEntry* selected = nullptr;
  for (const std::string& name : offered) {
    for (const ProtocolEntry& e : entries) {
      if (!e.name.empty() && e.name == name) {
        selected = &e;
        break;
      }
    }
    if (selected != nullptr) break;
  }
  if (selected == nullptr || selected->name != rooms::kSubprotocol) return 0;
  const rooms::UpgradeVerdict verdict =
      rooms::check_upgrade(detail::request_target(wsi), offered, tokens);
  if (verdict.status == 101) return 0;
  return detail::refuse_upgrade(wsi, verdict);
#else
  return 0;
#endif
}

void RefServer::Impl::close_all_going_away() {
  for (Connection* c : connections) {
    c->close(kGoingAway, kShutdownReason, Connection::Queued::kDrop);
  }
}

void RefServer::Impl::service_loop() {
  while (!quit.load()) {
    if (lws_service(context, 0) < 0) break;
  }
}

int RefServer::Impl::callback(lws* wsi, lws_callback_reasons reason, void* user, void* in,
                              std::size_t len) {
  auto* self = static_cast<Impl*>(lws_context_user(lws_get_context(wsi)));
  auto* session = static_cast<PerSession*>(user);
  const lws_protocols* protocol = lws_get_protocol(wsi);
  auto* handler = protocol != nullptr ? static_cast<ProtocolHandler*>(protocol->user) : nullptr;
  Connection* connection = session != nullptr ? session->connection : nullptr;

  switch (reason) {
    case LWS_CALLBACK_ESTABLISHED: {
      if (self == nullptr || session == nullptr || handler == nullptr) return -1;
      auto* c = new Connection(wsi, std::min(self->options.max_message, handler->max_message()));
      session->connection = c;
      self->connections.insert(c);
      self->accepted.fetch_add(1);
      {
        const std::lock_guard lock(self->mutex);
        ++self->open_count;
      }
      handler->on_open(*c);
      if (self->stopping.load()) c->close(kGoingAway, kShutdownReason, Connection::Queued::kDrop);
      return 0;
    }
    case LWS_CALLBACK_RECEIVE: {
      if (connection == nullptr || connection->closing()) return 0;
      switch (connection->receive(in, len, lws_is_final_fragment(wsi) != 0,
                                  lws_frame_is_binary(wsi) != 0)) {
        case Connection::Rx::kMore:
          return 0;
        case Connection::Rx::kTooBig:
          self->too_big.fetch_add(1);
          return 0;
        case Connection::Rx::kComplete:
          self->messages.fetch_add(1);
          handler->on_message(*connection, connection->take_message());
          return 0;
      }
      return 0;
    }
    case LWS_CALLBACK_SERVER_WRITEABLE:
      return connection != nullptr ? connection->on_writable() : 0;
    case LWS_CALLBACK_RECEIVE_PONG:
      if (self != nullptr) self->pongs.fetch_add(1);
      return 0;
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
      // lws echoes the peer's close itself; write nothing more.
      if (connection != nullptr) connection->mark_close_started();
      return 0;
    case LWS_CALLBACK_CLOSED:
      // May fire for a ws connection whose ESTABLISHED never ran: guard.
      if (connection != nullptr) {
        if (handler != nullptr) handler->on_close(*connection);
        self->connections.erase(connection);
        delete connection;
        session->connection = nullptr;
        {
          const std::lock_guard lock(self->mutex);
          --self->open_count;
        }
        self->closed_cv.notify_all();
      }
      return 0;
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
      return self != nullptr ? self->confirm_upgrade(wsi) : 0;
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
      // Broadcast once per protocol of the vhost (lws's own copy of the table,
      // so compare the handler, not the entry's address): act for entry 0 only.
      if (self != nullptr && self->stopping.load() && handler != nullptr &&
          handler == self->entries.front().handler.get()) {
        self->close_all_going_away();
      }
      return 0;
    default:
      break;
  }
  return lws_callback_http_dummy(wsi, reason, user, in, len);
}

RefServer::RefServer(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

RefServer::~RefServer() {
  stop();
}

bool RefServer::start(std::string* error) {
  auto fail = [error](std::string why) {
    if (error != nullptr) *error = std::move(why);
    return false;
  };
  Impl& s = *impl_;
  if (s.context != nullptr) return fail("server already started");
  if (s.options.max_message == 0) return fail("max_message must be at least 1 byte");
  if (s.options.fd_limit < 16 || s.options.fd_limit > 1'000'000) {
    return fail("fd_limit must be between 16 and 1000000");
  }
  {
    std::string why;
    if (!s.load_tokens(&why)) return fail(std::move(why));
  }
  detail::configure_lws_logging();
  s.build_protocols();
  s.stopping = false;
  s.quit = false;

  lws_context_creation_info info{};
  info.port = s.options.port;
  info.iface = kLoopback;  // + DISABLE_IPV6, or lws binds every interface (notes §6)
  info.protocols = s.protocols.data();
  info.options = LWS_SERVER_OPTION_VALIDATE_UTF8 | LWS_SERVER_OPTION_DISABLE_IPV6;
  info.user = &s;
  info.gid = -1;
  info.uid = -1;
  info.fd_limit_per_thread = s.options.fd_limit;
  if (s.options.ping_interval.count() > 0) {
    const std::uint16_t ping = clamp_seconds(s.options.ping_interval);
    const std::uint16_t grace = std::max<std::uint16_t>(1, clamp_seconds(s.options.pong_timeout));
    s.retry = lws_retry_bo_t{};
    s.retry.secs_since_valid_ping = ping;
    s.retry.secs_since_valid_hangup =
        static_cast<std::uint16_t>(std::min<unsigned>(0xFFFFu, unsigned{ping} + grace));
    info.retry_and_idle_policy = &s.retry;
  }

  s.context = lws_create_context(&info);
  if (s.context == nullptr) {
    return fail("cannot listen on 127.0.0.1:" + std::to_string(s.options.port) + ": " +
                probe_bind_error(s.options.port));
  }
  const int port = lws_get_vhost_listen_port(lws_get_vhost_by_name(s.context, "default"));
  if (port <= 0 || port > 0xFFFF) {
    lws_context_destroy(s.context);
    s.context = nullptr;
    return fail("libwebsockets did not report a listening port");
  }
  s.bound_port = static_cast<std::uint16_t>(port);
  s.service_thread = std::thread([&s] { s.service_loop(); });
  return true;
}

void RefServer::stop(std::chrono::milliseconds grace) {
  Impl& s = *impl_;
  if (s.context == nullptr) return;
  // 1. Ask the service thread to close every WebSocket with 1001.
  s.stopping = true;
  lws_cancel_service(s.context);
  // 2. Give the peers `grace` to answer the close.
  {
    std::unique_lock lock(s.mutex);
    s.closed_cv.wait_for(lock, grace, [&s] { return s.open_count == 0; });
  }
  // 3. End the service loop, then destroy the context on this thread.
  s.quit = true;
  lws_cancel_service(s.context);
  if (s.service_thread.joinable()) s.service_thread.join();
  lws_context_destroy(s.context);
  s.context = nullptr;
  // lws reports CLOSED for every connection while destroying; anything left
  // would be a leak, so free it here.
  for (Connection* c : s.connections) delete c;
  s.connections.clear();
  s.bound_port = 0;
}

bool RefServer::running() const {
  return impl_->context != nullptr;
}

std::uint16_t RefServer::port() const {
  return impl_->bound_port;
}

std::string RefServer::url(std::string_view path) const {
  std::string u = "ws://127.0.0.1:" + std::to_string(impl_->bound_port);
  if (path.empty() || path.front() != '/') u += '/';
  u += path;
  return u;
}

ServerStats RefServer::stats() const {
  ServerStats st;
  st.connections_accepted = impl_->accepted.load();
  {
    const std::lock_guard lock(impl_->mutex);
    st.connections_open = impl_->open_count;
  }
  st.messages_received = impl_->messages.load();
  st.pongs_received = impl_->pongs.load();
  st.closed_too_big = impl_->too_big.load();
  return st;
}

const ServerOptions& RefServer::options() const {
  return impl_->options;
}

}  // namespace wslab::refpeer
