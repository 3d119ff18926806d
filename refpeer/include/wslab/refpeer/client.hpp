// RefClient: the libwebsockets (4.1.6) reference client (RFC 6455 §4.1 opening
// handshake, §5 framing, §7 closing), used by tests, the harness's calibration
// and `wslab refpeer client`. Blocking calls with a timeout on every wait.
//
// Threading: each RefClient owns one lws context and one service thread. The
// caller's thread only queues work and calls lws_cancel_service(); the service
// thread does all lws calls. One caller thread at a time per client.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace wslab::refpeer {

struct ClientOptions {
  // Offered in Sec-WebSocket-Protocol (comma-separated list); empty: none.
  std::string subprotocol{};
  // Sent as "Origin: http://<origin>"; empty: 127.0.0.1.
  std::string origin{};
  std::chrono::milliseconds connect_timeout{3000};
  // lws's validity policy for this connection (see ServerOptions); 0 keeps
  // lws's default of 300 s.
  std::chrono::seconds ping_interval{0};
  std::chrono::seconds pong_timeout{10};
  // A received message larger than this closes the connection with 1009.
  std::size_t max_message = std::size_t{16} << 20;
};

struct ReceivedMessage {
  bool binary = false;
  std::string payload;
};

// How the connection ended (§7.1.5, §7.1.6).
struct CloseInfo {
  // The peer's close code: from its close frame when it closed first, 1005 for
  // an empty close body, 1006 when TCP ended without a close frame. When we
  // closed first lws does not report the peer's answer: this is our own code.
  std::uint16_t code = 1006;
  std::string reason;
  bool closed_by_peer = false;  // the peer sent its close frame first
};

class RefClient {
 public:
  explicit RefClient(ClientOptions options = {});
  ~RefClient();  // closes the TCP connection (no close handshake) and joins
  RefClient(const RefClient&) = delete;
  RefClient& operator=(const RefClient&) = delete;

  // Opens ws://host:port/path and waits for the opening handshake to finish
  // (at most options.connect_timeout). Call once per RefClient.
  bool connect(std::string_view url, std::string* error = nullptr);

  // Queue one message (sent as a single frame). False if not open.
  bool send_text(std::string_view payload);
  bool send_binary(std::string_view payload);
  bool send_ping(std::string_view payload = {});  // ≤ 125 bytes (§5.5)

  // The next complete message, or nullopt after `timeout` or once closed and
  // drained.
  std::optional<ReceivedMessage> receive(std::chrono::milliseconds timeout);

  // Starts the closing handshake (§7.1.2) and waits up to `timeout` for the
  // connection to end. Returns the close info, or nullopt on timeout.
  std::optional<CloseInfo> close(std::uint16_t code = 1000, std::string_view reason = {},
                                 std::chrono::milliseconds timeout = std::chrono::milliseconds{
                                     2000});
  // Waits up to `timeout` for the connection to end (by either side).
  std::optional<CloseInfo> wait_closed(std::chrono::milliseconds timeout);

  [[nodiscard]] bool is_open() const;
  // The subprotocol the server selected ("" when none).
  [[nodiscard]] std::string subprotocol() const;
  [[nodiscard]] std::uint64_t pongs_received() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wslab::refpeer
