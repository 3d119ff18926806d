// The raw probe: a TCP client with byte-level control over what it sends
// (chops of N bytes, a pause between writes, half-close, reset) that records
// every byte both ways in a WireLog. It builds frames with core's
// FrameBuilder, so it can send every kind of invalid frame, and it reads the
// server's frames with core's FrameDecoder (client role). Every wait has a
// deadline; nothing here can block forever.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wslab/frame.hpp"
#include "wslab/handshake.hpp"
#include "wslab/http.hpp"
#include "wslab/result.hpp"
#include "wslab/time.hpp"
#include "wslab/harness/wire_log.hpp"

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
    kText,        // a complete text message (fragments reassembled)
    kBinary,      // a complete binary message
    kPing,
    kPong,
    kClose,       // a Close frame: code (if any) and reason
    kTcpClosed,   // the peer closed TCP (FIN) or reset it (reset = true)
    kTimeout,     // nothing more within the wait
    kBadFrame,    // the peer sent a frame that breaks RFC 6455 (masked, reserved opcode...)
  };
  Kind kind = Kind::kTimeout;
  std::string payload;                 // message / ping / pong payload, close reason
  std::optional<std::uint16_t> code;   // kClose
  bool reset = false;                  // kTcpClosed by RST
  std::string detail;                  // kBadFrame: what was wrong
  std::size_t frames = 0;              // kText/kBinary: how many frames carried it
};
std::string describe(const Observation& o);  // "text(5 B: \"Hello\")", "close 1002 'bad opcode'"

struct ProbeOptions {
  double timeout_scale = 1.0;  // every wait is multiplied by this
  Millis connect_timeout{3000};
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
  void pause(Millis duration);  // logged
  Status half_close();          // shutdown(SHUT_WR), logged
  void reset();                 // SO_LINGER 0 + close: the peer sees an RST

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
  [[nodiscard]] const std::string& last_key() const { return key_; }

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
  // When `answer_close` is set, a peer's Close is answered with a Close (echo)
  // as a well-behaved client would.
  std::vector<Observation> collect(Millis timeout, bool answer_close = true);

  [[nodiscard]] Millis scaled(Millis t) const;
  [[nodiscard]] std::uint32_t id() const { return id_; }

 private:
  Target target_;
  WireLog& log_;
  ProbeOptions options_;
  std::uint32_t id_;
  int fd_ = -1;
  bool peer_closed_ = false;
  std::string key_;
  std::string inbuf_;
  FrameDecoder decoder_{Role::kClient};
  std::string message_;
  std::uint8_t message_opcode_ = 0;
  std::size_t message_frames_ = 0;
  bool close_sent_ = false;
};

}  // namespace wslab::harness
