// One WebSocket connection as the reference peer sees it, shared by the lws
// server and client glue: message reassembly (RFC 6455 §5.4), an outgoing
// queue written one frame per WRITEABLE callback, and the close recipe of
// /work/shared/notes/libwebsockets.md §2.1 (lws_close_reason, then return -1
// exactly once). Lives on the lws service thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

struct lws;

namespace wslab::refpeer::detail {

// A whole message whose buffer keeps LWS_PRE bytes of headroom in front of
// the payload, so it can be handed to lws_write without a copy.
class Message {
 public:
  enum class Kind : std::uint8_t { kText, kBinary, kPing };

  Message() = default;
  Message(Kind kind, std::string_view payload);

  [[nodiscard]] Kind kind() const { return kind_; }
  [[nodiscard]] bool binary() const { return kind_ == Kind::kBinary; }
  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] std::string_view payload() const;
  // Start of the payload; the LWS_PRE bytes before it belong to lws.
  unsigned char* data();

 private:
  friend class Connection;
  Kind kind_ = Kind::kText;
  std::vector<unsigned char> buffer_;  // LWS_PRE headroom + payload
};

class Connection {
 public:
  Connection(lws* wsi, std::size_t max_message);

  [[nodiscard]] lws* wsi() const { return wsi_; }

  // Queue a message (one frame on the wire) and ask lws for WRITEABLE.
  void send(Message message);
  void send(Message::Kind kind, std::string_view payload) { send(Message(kind, payload)); }
  // What happens to queued messages when a close is requested.
  enum class Queued : std::uint8_t { kFlush, kDrop };
  // Close with this code and reason: after the queued messages (kFlush, e.g.
  // echoes of messages that came before an oversized one) or at once (kDrop,
  // e.g. shutdown or a peer that does not read). Later calls are ignored;
  // received data is ignored from now on.
  void close(std::uint16_t code, std::string_view reason, Queued queued = Queued::kFlush);
  // True once a close was requested or started (by us or by lws).
  [[nodiscard]] bool closing() const { return close_requested_ || close_started_; }
  // lws is closing this connection on its own (we returned -1 elsewhere).
  void mark_close_started() { close_started_ = true; }

  enum class Rx : std::uint8_t { kMore, kComplete, kTooBig };
  // Append one RECEIVE chunk. kComplete: take_message() holds the message.
  // kTooBig: the message would exceed max_message; the connection is now
  // closing with 1009 "message too big" (after the echoes already queued).
  Rx receive(const void* data, std::size_t len, bool is_final, bool is_binary);
  Message take_message();

  // The WRITEABLE callback: writes one queued frame or the pending close.
  // Returns the value the callback must return.
  int on_writable();

  // Bytes waiting in the outgoing queue (for flow control).
  [[nodiscard]] std::size_t queued_bytes() const { return queued_bytes_; }

  // Free for the protocol that owns the connection (e.g. a rooms member).
  void* protocol_state = nullptr;

 private:
  void update_rx_flow();

  lws* wsi_;
  std::size_t max_message_;
  Message rx_;
  bool rx_open_ = false;
  std::deque<Message> out_;
  std::size_t queued_bytes_ = 0;
  bool rx_paused_ = false;
  bool close_requested_ = false;
  bool close_drops_queue_ = false;
  bool close_started_ = false;
  std::uint16_t close_code_ = 0;
  std::string close_reason_;
};

}  // namespace wslab::refpeer::detail
