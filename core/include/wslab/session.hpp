// The connection lifecycle (RFC 6455 §4, §5, §7): one sans-I/O state machine
// for both roles. CONNECTING -> OPEN -> CLOSING -> CLOSED.
//
// Inputs: bytes from the peer (on_bytes), end of stream (on_eof), the passing
// of time (on_tick), and the application's calls (send_text, ping, close ...).
// Outputs: events (poll_event) and bytes to write (pending_output /
// consume_output), plus should_close_transport() telling the I/O layer to
// close TCP. The session never touches a socket, a clock or a thread.
//
// Rules enforced here (each cited in the implementation):
//  - answer a Ping with a Pong carrying the same payload (§5.5.2);
//  - answer a Close with a Close echoing the code (or an empty body when none
//    came) and send nothing after a Close (§5.5.1);
//  - the server closes TCP first; a client waits for it, then gives up after
//    close_timeout (§7.1.1);
//  - fail the connection with 1002 / 1007 / 1009 as the error demands (§7.1.7).
//
// Events come in the order their causes arrived, and the application gets to
// answer each data message before anything that arrived after it is acted on:
// decoding pauses after a Text/Binary event and carries on, from the bytes
// already buffered, when poll_event() finds the queue empty (or at the next
// on_bytes / on_tick / on_eof). So a message followed in the same read by a
// frame that fails the connection, or by the peer's Close, can still be
// answered before our Close goes out (§5.5.1: data may be sent until then).
// Poll until std::nullopt after every input. Data messages that arrive after
// we sent a Close are still delivered (§5.5.1 only forbids sending them).
// Every session ends with
// exactly one event::Closed (after HandshakeFailed or ProtocolError when those
// happen). When should_close_transport() turns true, the I/O layer first
// writes what pending_output() still holds (the HTTP error, the Close frame),
// then closes TCP. A Session can be moved, not copied.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "wslab/close.hpp"
#include "wslab/frame.hpp"
#include "wslab/handshake.hpp"
#include "wslab/heartbeat.hpp"
#include "wslab/message.hpp"
#include "wslab/result.hpp"
#include "wslab/time.hpp"

namespace wslab {

enum class SessionState : std::uint8_t { kConnecting, kOpen, kClosing, kClosed };
std::string_view state_name(SessionState s);

struct SessionConfig {
  Role role = Role::kServer;
  std::uint64_t max_frame_bytes = 16ull << 20;
  std::uint64_t max_message_bytes = 16ull << 20;
  ServerHandshakePolicy server;   // role == kServer
  ClientHandshakeRequest client;  // role == kClient
  HeartbeatConfig heartbeat;
  Millis close_timeout{5000};  // waiting for the peer's Close / the server's FIN
  Millis handshake_timeout{10000};
  // Server: when true, a valid upgrade request is not answered at once; the
  // session emits event::Upgrade and waits for accept() or reject() (the
  // application checks a token, picks a subprotocol). Like wsproto's Request.
  bool manual_accept = false;
  // Server: when true, a well-formed GET without "Upgrade: websocket" emits
  // event::PlainHttp and the application answers with respond_http(); when
  // false it gets the RFC answer (426 Upgrade Required).
  bool serve_plain_http = false;
};

namespace event {
struct Open {  // handshake done
  std::string subprotocol;
  std::string path;     // server: the request-target
  HttpRequest request;  // server: the request as parsed
};
struct Upgrade {  // server, manual_accept: a valid request awaits accept()/reject()
  HttpRequest request;
  std::vector<std::string> offered_subprotocols;
};
struct PlainHttp {  // server, serve_plain_http: answer with respond_http()
  HttpRequest request;
};
struct HandshakeFailed {  // server: we sent an error response; client: bad response
  int status = 0;
  std::string reason;
};
struct Text {
  std::string data;
};
struct Binary {
  std::string data;
};
struct Ping {
  std::string payload;
};  // the Pong is already queued
struct Pong {
  std::string payload;
};
struct CloseReceived {  // the peer's Close frame
  std::optional<std::uint16_t> code;
  std::string reason;
};
struct ProtocolError {  // we failed the connection
  std::uint16_t close_code = 0;
  std::string what;
};
struct Closed {               // final event: the transport should be (or is) closed
  std::uint16_t code = 1006;  // the peer's code, 1005 if none, 1006 if abnormal
  std::string reason;
  bool clean = false;  // both Close frames were exchanged
};
}  // namespace event

using Event = std::variant<event::Open, event::Upgrade, event::PlainHttp, event::HandshakeFailed,
                           event::Text, event::Binary, event::Ping, event::Pong,
                           event::CloseReceived, event::ProtocolError, event::Closed>;

class Session {
 public:
  explicit Session(SessionConfig config);

  // Client: queue the opening request. Server: start the handshake timer.
  void start(Millis now);

  // --- inputs from the transport ---
  void on_bytes(std::span<const std::uint8_t> bytes, Millis now);
  void on_bytes(std::string_view bytes, Millis now);
  void on_eof(Millis now);   // the peer closed its side of TCP
  void on_tick(Millis now);  // timers: heartbeat, close timeout, handshake timeout

  // --- server handshake decisions (after event::Upgrade / event::PlainHttp) ---
  Status accept(std::string_view subprotocol = {}, const std::vector<HttpHeader>& extra = {});
  Status reject(int status, std::string_view body = {}, const std::vector<HttpHeader>& extra = {});
  Status respond_http(int status, std::string_view content_type, std::string_view body,
                      const std::vector<HttpHeader>& extra = {});

  // --- inputs from the application (fail when not OPEN) ---
  Status send_text(std::string_view text);
  Status send_binary(std::string_view data);
  // One fragment: first with kText/kBinary, then kContinuation; fin ends the message.
  Status send_fragment(Opcode op, std::string_view data, bool fin);
  Status ping(std::string_view payload = {});
  Status pong(std::string_view payload = {});  // unsolicited pong (heartbeat)
  Status close(std::uint16_t code = 1000, std::string_view reason = {});

  // --- outputs ---
  std::optional<Event> poll_event();
  [[nodiscard]] std::string_view pending_output() const;
  void consume_output(std::size_t n);
  // True once TCP should be closed by us (after the close handshake as server,
  // after failing the connection, after timeouts).
  [[nodiscard]] bool should_close_transport() const { return close_transport_; }
  [[nodiscard]] SessionState state() const { return state_; }
  [[nodiscard]] std::optional<Millis> next_deadline() const;
  [[nodiscard]] const Heartbeat& heartbeat() const { return heartbeat_; }
  [[nodiscard]] Role role() const { return role_; }
  // Bytes of memory this session holds: its own size plus the heap capacity of its
  // buffers and queued events (the ≤ 1 KiB-per-idle-connection budget is checked with it).
  [[nodiscard]] std::size_t memory_footprint() const;

 private:
  enum class Awaiting : std::uint8_t { kNothing, kUpgradeDecision, kHttpResponse };

  void handle_handshake(Millis now);
  void handle_server_head(Millis now);
  void handle_client_head(Millis now);
  void handshake_failed(int status, std::string reason, std::string_view response);
  void open(std::string subprotocol, std::string path, HttpRequest request, Millis now);
  void handle_frames(Millis now);
  void handle_control(const FrameHeader& h, std::string_view payload, Millis now);
  void fail(std::uint16_t code, std::string what);
  void queue_frame(Opcode op, std::string_view payload, bool fin = true);
  void finish(std::uint16_t code, std::string reason, bool clean);
  void emit(Event e);
  void release_input();
  void resume_input(Millis now);
  [[nodiscard]] bool events_pending() const { return event_head_ < events_.size(); }
  [[nodiscard]] Status check_can_send() const;

  // Everything only the handshake needs lives on the heap and is freed once the
  // connection is OPEN, so an idle open session stays small (see memory_footprint()).
  std::unique_ptr<SessionConfig> setup_;
  std::unique_ptr<HttpRequest> pending_request_;  // manual_accept / serve_plain_http
  Role role_;
  SessionState state_ = SessionState::kConnecting;
  Awaiting awaiting_ = Awaiting::kNothing;
  bool in_control_ = false;
  bool input_paused_ = false;  // in_ holds undecoded bytes after a data-message event
  bool ignore_input_ = false;  // client: after the peer's Close, only EOF matters
  bool close_sent_ = false;
  bool close_received_ = false;
  bool close_transport_ = false;
  bool closed_emitted_ = false;
  bool sending_fragmented_ = false;
  bool sending_text_ = false;
  Millis close_timeout_;
  Millis last_now_{0};
  std::string in_;  // unparsed input (handshake head or frames); frames unmask in place here
  std::size_t in_pos_ = 0;  // frames: in_[0, in_pos_) is decoded (non-zero only while paused)
  std::string out_;         // bytes waiting to be written
  std::size_t out_pos_ = 0;
  std::vector<Event> events_;
  std::size_t event_head_ = 0;
  FrameDecoder decoder_;
  MessageAssembler assembler_;
  Heartbeat heartbeat_;
  Utf8Validator send_utf8_;  // text fragments the application sends
  std::string control_buf_;  // a control payload split across on_bytes calls
  FrameHeader control_hdr_{};
  std::optional<Millis> close_deadline_;
  std::optional<Millis> handshake_deadline_;
  std::optional<std::uint16_t> peer_close_code_;
  std::string peer_close_reason_;
};

}  // namespace wslab
