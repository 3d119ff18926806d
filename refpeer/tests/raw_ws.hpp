// A tiny blocking WebSocket client for tests, written from RFC 6455 alone so
// it checks the reference peer independently of wslab's core: it writes the
// opening handshake (§4.1) and frames (§5.2) byte by byte and reads the
// server's frames back. Every read has a timeout (SO_RCVTIMEO); loopback only.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wslab::refpeer::test {

// The key and accept value of RFC 6455 §1.3.
inline constexpr std::string_view kSampleKey = "dGhlIHNhbXBsZSBub25jZQ==";
inline constexpr std::string_view kSampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

// A GET upgrade request for 127.0.0.1:port with the sample key. `extra` is
// appended verbatim (each header ending in \r\n); `version` fills
// Sec-WebSocket-Version (empty: header omitted); `target` is the
// request-target (path and query).
std::string upgrade_request(std::uint16_t port, std::string_view extra = {},
                            std::string_view version = "13", std::string_view method = "GET",
                            std::string_view target = "/");

struct Frame {
  bool fin = true;
  std::uint8_t opcode = 0;
  bool masked = false;
  std::string payload;
};

// One frame (§5.2). With mask=true the payload is masked with a fixed key.
std::string encode_frame(std::uint8_t opcode, std::string_view payload, bool mask = true,
                         bool fin = true);
// A close frame body: 2-byte code + reason (§5.5.1).
std::string close_body(std::uint16_t code, std::string_view reason = {});

class RawClient {
 public:
  RawClient() = default;
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // Connects to 127.0.0.1:port; every later read/write waits at most `timeout`.
  bool connect(std::uint16_t port,
               std::chrono::milliseconds timeout = std::chrono::milliseconds{2000});
  bool send(std::string_view bytes);
  // Reads up to the blank line ending the response head; "" on timeout/EOF.
  std::string read_head();
  // connect + upgrade_request(port) + read_head; returns the head.
  std::string handshake(std::uint16_t port);
  // Next frame from the server; nullopt on timeout, EOF or a bad header.
  std::optional<Frame> read_frame();
  // True when the server closes TCP (read returns 0) before the timeout.
  bool wait_eof();
  // Everything the server sends until it closes TCP (or the timeout).
  std::string read_to_eof();
  void close();

 private:
  bool fill();  // read more bytes into buffer_; false on timeout/EOF
  int fd_ = -1;
  bool eof_ = false;
  std::string buffer_;
};

// The value of a response header (case-insensitive name), or "".
std::string header_value(std::string_view head, std::string_view name);
// The status code of a response head, or 0.
int status_code(std::string_view head);

}  // namespace wslab::refpeer::test
