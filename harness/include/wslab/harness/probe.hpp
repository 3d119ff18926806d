// The raw probe: a TCP client with byte-level control over what it sends
// (chops of N bytes, a pause between writes, half-close, reset) that records
// every byte both ways in a WireLog. It builds frames with core's
// FrameBuilder, so it can send every kind of invalid frame, and it reads the
// server's frames with core's FrameDecoder (client role, RFC 6455 §5.2) and
// MessageAssembler (§5.4). Every wait has a deadline; nothing here can block
// forever, and memory is bounded: a message over the probe's limit is a
// kBadFrame observation, not an allocation.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wslab/frame.hpp"
#include "wslab/handshake.hpp"
#include "wslab/harness/cancel.hpp"
#include "wslab/harness/wire_log.hpp"
#include "wslab/http.hpp"
#include "wslab/message.hpp"
#include "wslab/result.hpp"
#include "wslab/time.hpp"

namespace wslab::harness {

struct Target {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path = "/";
  [[nodiscard]] std::string host_header() const;  // "127.0.0.1:9001"
  [[nodiscard]] std::string url() const;          // "ws://127.0.0.1:9001/"
};

// One thing the peer did, as the probe saw it (Autobahn's "received" list).
struct Observation {
  enum class Kind : std::uint8_t {
    kText,    // a complete text message (fragments reassembled)
    kBinary,  // a complete binary message
    kPing,
    kPong,
    kClose,      // a Close frame: code (if any) and reason
    kTcpClosed,  // the peer closed TCP (FIN) or reset it (reset = true)
    kTimeout,    // nothing more within the wait
    kBadFrame,   // the peer sent a frame that breaks RFC 6455 (masked, reserved opcode...)
  };
  Kind kind = Kind::kTimeout;
  std::string payload;                // message / ping / pong payload, close reason
  std::optional<std::uint16_t> code;  // kClose
  bool reset = false;                 // kTcpClosed by RST
  std::string detail;                 // kBadFrame: what was wrong; kClose: a malformed body
  std::size_t frames = 0;             // kText/kBinary: how many frames carried it
};
std::string describe(const Observation& o);  // "text(5 B: \"Hello\")", "close 1002 'bad opcode'"
std::string_view kind_name(Observation::Kind k);  // "text", "close", "tcp-closed", ...

struct ProbeOptions {
  double timeout_scale = 1.0;  // every wait is multiplied by this
  Millis connect_timeout{3000};
  Millis io_timeout{5000};  // a write that makes no progress this long fails; handshake reads
  // Largest message (or frame) the probe buffers. A peer announcing more gets a
  // kBadFrame "message exceeds probe limit" at once, before any payload is read.
  std::uint64_t max_message_bytes = 64ull << 20;
  // Shared with the runner: when cancelled, every wait returns at once and
  // every probe operation throws CaseCancelled (the watchdog's way out).
  std::shared_ptr<CancelToken> cancel;
};

class Probe {
 public:
  Probe(Target target, WireLog& log, ProbeOptions options = {}, std::uint32_t connection_id = 0);
  ~Probe();
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  Status connect();
  [[nodiscard]] bool connected() const { return fd_ >= 0; }

  // --- raw bytes ---
  Status send(std::string_view bytes);  // one write() call (loops on partial writes)
  // Writes `bytes` in pieces of `chop` bytes, sleeping `pause` between pieces.
  Status send_chopped(std::string_view bytes, std::size_t chop, Millis pause = Millis{0});
  void pause(Millis duration);  // logged; input that arrives meanwhile is read and decoded
  Status half_close();          // shutdown(SHUT_WR), logged
  void reset();                 // SO_LINGER 0 + close: the peer sees an RST
  void close();                 // plain close() (FIN), logged; the probe is then unusable

  // --- opening handshake ---
  // Sends a standard, valid request (GET, HTTP/1.1, fresh key, version 13,
  // optional subprotocols) and validates the 101. Bytes after the response head
  // stay buffered for read_*.
  Result<HttpResponse> handshake(const std::vector<std::string>& subprotocols = {},
                                 const std::vector<HttpHeader>& extra_headers = {});
  // Sends raw request bytes (possibly invalid) and reads one response head.
  // kTcpClosed-like outcomes are reported as errors with a clear text:
  // "connection closed before a response" / "no response within N ms".
  Result<HttpResponse> request(std::string_view raw_request, Millis timeout);
  // Reads one response head without sending anything (after send()/send_chopped()).
  Result<HttpResponse> read_response(Millis timeout);
  [[nodiscard]] const std::string& last_key() const { return key_; }
  // The raw bytes of the last response head read (for reports and byte checks).
  [[nodiscard]] const std::string& last_response_head() const { return response_head_; }

  // --- frames (client role: masked with a random key unless the builder says otherwise) ---
  Status send_frame(const FrameBuilder& frame);
  Status send_text(std::string_view text, bool fin = true);
  Status send_binary(std::string_view data, bool fin = true);
  Status send_continuation(std::string_view data, bool fin);
  Status send_ping(std::string_view payload = {});
  Status send_pong(std::string_view payload = {});
  Status send_close(std::optional<std::uint16_t> code = 1000, std::string_view reason = {});

  // --- observing the peer ---
  // The next observation, waiting at most `timeout` (scaled). Messages are
  // reassembled; control frames are reported as they come.
  Observation next(Millis timeout);
  // Everything until the peer closes TCP or `timeout` passes with nothing new.
  // The last element is the kTcpClosed or kTimeout that ended the collection.
  // When `answer_close` is set, a peer's Close is answered with a Close (echo)
  // as a well-behaved client would. The whole call is bounded by 10 x timeout.
  std::vector<Observation> collect(Millis timeout, bool answer_close = true);
  // Raw bytes the peer sent that no observation has consumed yet, waiting at
  // most `timeout` (scaled) for at least one byte; empty on timeout or close.
  // For cases that judge bytes, not frames (e.g. after an HTTP error response).
  std::string read_raw(Millis timeout, std::size_t max_bytes = 64 * 1024);

  [[nodiscard]] Millis scaled(Millis t) const;
  [[nodiscard]] std::uint32_t id() const { return id_; }
  [[nodiscard]] bool peer_closed() const { return peer_closed_; }
  [[nodiscard]] bool close_sent() const { return close_sent_; }

 private:
  enum class Wait : std::uint8_t { kReady, kTimeout, kClosed };
  // Reads whatever is available (waiting until `deadline` for the first byte)
  // and decodes it into pending_. Returns false on timeout with nothing new.
  bool pump(std::chrono::steady_clock::time_point deadline);
  // Reads into inbuf_ only (no frame decoding): the handshake phase.
  Wait read_into_buffer(std::chrono::steady_clock::time_point deadline);
  void decode_frames();
  void on_frame_header(const FrameHeader& h);
  void on_frame_payload(std::span<std::uint8_t> chunk, bool complete);
  void bad_frame(std::string detail);
  void peer_gone(bool reset, const std::string& why);
  Status write_all(std::string_view bytes);
  void check_cancel() const;
  // poll() on `fd` (-1: none) and the cancel token; returns revents for fd (0 on timeout).
  short wait_fd(int fd, short events, std::chrono::steady_clock::time_point deadline) const;

  Target target_;
  WireLog& log_;
  ProbeOptions options_;
  std::uint32_t id_;
  int fd_ = -1;
  bool peer_closed_ = false;
  bool peer_reset_ = false;
  bool handshake_done_ = false;
  std::string key_;
  std::string response_head_;
  std::string inbuf_;  // bytes read, not yet decoded
  std::deque<Observation> pending_;
  std::size_t pending_bytes_ = 0;
  FrameDecoder decoder_{Role::kClient};
  MessageAssembler assembler_;
  bool broken_ = false;  // after a kBadFrame the stream is no longer decoded
  FrameHeader frame_{};
  bool in_control_ = false;
  std::string control_;
  std::size_t message_frames_ = 0;
  std::uint64_t pending_message_bytes_ = 0;  // bytes of the open message so far
  bool close_sent_ = false;
};

}  // namespace wslab::harness
