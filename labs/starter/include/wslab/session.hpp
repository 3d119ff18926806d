// STARTER (labs 1-4): the connection lifecycle (RFC 6455 §4, §5, §7), one
// sans-I/O state machine for both roles: CONNECTING -> OPEN -> CLOSING -> CLOSED.
//
// Inputs: bytes from the peer (on_bytes), end of stream (on_eof), the passing
// of time (on_tick), and the application's calls (send_text, ping, close ...).
// Outputs: events (poll_event) and bytes to write (pending_output /
// consume_output), plus should_close_transport() telling the I/O layer to
// close TCP. The session never touches a socket, a clock or a thread: the
// server in net/ (and the tests) feed it.
//
// Who writes what (each .cpp names the handout step of every function):
//   session.cpp            PROVIDED plumbing: buffers, the event queue, dispatch
//   session_handshake.cpp  lab 1: start(), the opening handshake, accept()/reject()/respond_http()
//   session_frames.cpp     lab 2: frames in OPEN, fail(), send_text()/send_binary(),
//                          the minimum of control frames (Pong for Ping, Close for Close)
//   session_lifecycle.cpp  lab 3: fragments, the close handshake, on_eof(), close(),
//                          send_fragment()/ping()/pong(), state_name()
//   session_timers.cpp     lab 4: on_tick(), next_deadline(): heartbeat and timeouts
//
// Rules the finished Session enforces:
//  - answer a Ping with a Pong carrying the same payload (§5.5.2);
//  - answer a Close with a Close echoing the code (or an empty body when none
//    came) and send nothing after a Close (§5.5.1);
//  - the server closes TCP first; a client waits for it, then gives up after
//    close_timeout (§7.1.1);
//  - fail the connection with 1002 / 1007 / 1009 as the error demands (§7.1.7).
#pragma once

#include <cstdint>
#include <deque>
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
// (lab 3) "CONNECTING", "OPEN", "CLOSING", "CLOSED" (the names of §4.1/§7).
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
  // application checks a token, picks a subprotocol). net's server always
  // sets this: your server needs it from lab 1 on.
  bool manual_accept = false;
  // Server: when true, a well-formed GET without "Upgrade: websocket" emits
  // event::PlainHttp and the application answers with respond_http(); when
  // false it gets the RFC answer (426 Upgrade Required, from accept_handshake).
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
  // PROVIDED. Keeps the config; builds the decoder (our role, max_frame_bytes),
  // the assembler (max_message_bytes) and the heartbeat.
  explicit Session(SessionConfig config);

  // (lab 1) Client: queue the opening request (build_request). Server: nothing
  // to send; remember `now` (lab 4 starts the handshake timer here).
  void start(Millis now);

  // --- inputs from the transport ---
  // PROVIDED dispatch: appends the bytes to the input buffer, then runs the
  // handshake (CONNECTING, lab 1) or the frame loop (OPEN/CLOSING, labs 2-3).
  // Input after the session decided to close TCP is ignored.
  void on_bytes(std::span<const std::uint8_t> bytes, Millis now);
  void on_bytes(std::string_view bytes, Millis now);
  // (lab 3) The peer closed its side of TCP: state CLOSED, close TCP, and emit
  // Closed: the peer's code (1005 without one) and clean=true when its Close
  // had arrived; else 1006, clean=false. A client in CONNECTING also gets
  // HandshakeFailed first.
  void on_eof(Millis now);
  // (lab 4) Timers: handshake timeout (CONNECTING), heartbeat (OPEN: ping, or
  // give up without a pong), close timeout (CLOSING).
  void on_tick(Millis now);

  // --- server handshake decisions (lab 1; after event::Upgrade / event::PlainHttp) ---
  // Answer the waiting upgrade with a 101 (with this subprotocol, which the
  // client must have offered, §4.2.2) and go OPEN. Fails when nothing waits.
  Status accept(std::string_view subprotocol = {}, const std::vector<HttpHeader>& extra = {});
  // Answer the waiting upgrade with an HTTP error (3xx-5xx) and close.
  Status reject(int status, std::string_view body = {}, const std::vector<HttpHeader>& extra = {});
  // Answer a waiting plain HTTP request (2xx-5xx) and close.
  Status respond_http(int status, std::string_view content_type, std::string_view body,
                      const std::vector<HttpHeader>& extra = {});

  // --- inputs from the application (fail when not OPEN or after our Close) ---
  Status send_text(std::string_view text);    // (lab 2) valid UTF-8 only (§5.6)
  Status send_binary(std::string_view data);  // (lab 2)
  // (lab 3) One fragment: first with kText/kBinary, then kContinuation; fin ends the message.
  Status send_fragment(Opcode op, std::string_view data, bool fin);
  Status ping(std::string_view payload = {});  // (lab 3) <= 125 bytes (§5.5)
  Status pong(std::string_view payload = {});  // (lab 3) unsolicited pong (heartbeat)
  // (lab 3) Start the closing handshake (§7.1.2): a valid code, a UTF-8 reason
  // <= 123 bytes; state CLOSING; wait for the peer's Close (and, as a client,
  // for the server's TCP close) at most close_timeout.
  Status close(std::uint16_t code = 1000, std::string_view reason = {});

  // --- outputs (PROVIDED) ---
  std::optional<Event> poll_event();
  [[nodiscard]] std::string_view pending_output() const;
  void consume_output(std::size_t n);
  // True once TCP should be closed by us (after the close handshake as server,
  // after failing the connection, after timeouts).
  [[nodiscard]] bool should_close_transport() const { return close_transport_; }
  [[nodiscard]] SessionState state() const { return state_; }
  // (lab 4) When on_tick() must next run (nullopt: no timer).
  [[nodiscard]] std::optional<Millis> next_deadline() const;
  [[nodiscard]] const Heartbeat& heartbeat() const { return heartbeat_; }
  [[nodiscard]] Role role() const { return role_; }
  // Bytes of memory this session holds (its size plus its buffers' capacity).
  [[nodiscard]] std::size_t memory_footprint() const;

 private:
  // Everything below is yours to change. The provided plumbing (session.cpp)
  // uses config_, role_, state_, close_transport_, closed_emitted_, in_,
  // out_, out_pos_, events_, last_now_, decoder_, assembler_ and heartbeat_,
  // and the helpers emit(), write() and finish().

  // --- provided (session.cpp) ---
  void emit(Event e);                  // queue an event for poll_event()
  void write(std::string_view bytes);  // queue bytes for pending_output()
  // Emit event::Closed once (later calls do nothing). Does not change the state.
  void finish(std::uint16_t code, std::string reason, bool clean);

  // --- lab 1 (session_handshake.cpp) ---
  // CONNECTING: in_ holds the bytes received so far (a head, maybe followed by frames).
  void handle_handshake(Millis now);
  // The handshake succeeded: state OPEN, event::Open, then frames already in in_.
  void open(std::string subprotocol, std::string path, HttpRequest request, Millis now);
  // We refuse (server, after writing `response`) or the server refused (client):
  // HandshakeFailed, then Closed 1006; CLOSED; close TCP.
  void handshake_failed(int status, std::string reason, std::string_view response);

  // --- lab 2 (session_frames.cpp), extended in lab 3 ---
  // OPEN or CLOSING: decode every complete frame in in_ (keep the rest).
  void handle_frames(Millis now);
  // A complete control frame (Ping, Pong, Close).
  void handle_control(const FrameHeader& h, std::string_view payload, Millis now);
  // §7.1.7 Fail the WebSocket Connection: ProtocolError, a Close with `code`
  // (unless one was sent), CLOSED, close TCP, Closed 1006.
  void fail(std::uint16_t code, std::string what);
  // Encode one frame into the output: unmasked as a server, masked with a
  // fresh random key as a client (§5.3).
  void queue_frame(Opcode op, std::string_view payload, bool fin = true);
  // OK when OPEN and no Close was sent yet; else a failed Status saying why.
  [[nodiscard]] Status check_can_send() const;

  // --- state used by the provided plumbing ---
  SessionConfig config_;
  Role role_;
  SessionState state_ = SessionState::kConnecting;
  bool close_transport_ = false;
  bool closed_emitted_ = false;
  std::string in_;   // unparsed input (handshake head or frames)
  std::string out_;  // bytes waiting to be written, from out_pos_ on
  std::size_t out_pos_ = 0;
  std::deque<Event> events_;
  Millis last_now_{0};
  FrameDecoder decoder_;
  MessageAssembler assembler_;
  Heartbeat heartbeat_;

  // --- suggested state for labs 1-4 (add, rename, remove as you need) ---
  bool awaiting_upgrade_ = false;  // lab 1: event::Upgrade emitted, accept()/reject() pending
  bool awaiting_http_ = false;     // lab 1: event::PlainHttp emitted, respond_http() pending
  std::optional<HttpRequest> pending_request_;  // lab 1: the request awaiting a decision
  bool close_sent_ = false;                     // lab 2: we queued a Close; send nothing more
  bool close_received_ = false;                 // lab 2: the peer's Close arrived
  std::optional<std::uint16_t> peer_close_code_;
  std::string peer_close_reason_;
  bool in_control_ = false;          // lab 3: the frame being decoded is a control frame
  FrameHeader control_header_{};     // lab 3: its header
  std::string control_buf_;          // lab 3: a control payload split across on_bytes calls
  bool discarding_ = false;          // lab 3: skipping a data frame that came after our Close
  bool sending_fragmented_ = false;  // lab 3: send_fragment() started a message
  bool sending_text_ = false;
  Utf8Validator send_utf8_;                   // lab 3: text fragments we send
  std::optional<Millis> handshake_deadline_;  // lab 4
  std::optional<Millis> close_deadline_;      // lab 3/4
};

}  // namespace wslab
