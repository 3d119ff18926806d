// Test-side byte helpers for the lab tests: how to SHOW bytes in a failure
// message (hex, escaped HTTP text), and an independent frame writer used as
// the test oracle (the tests never build their input with the code under test).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wslab::labtest {

// "81 05 48 65 6c 6c 6f" (the first `max` bytes, then "... (N bytes)").
std::string hex(std::string_view bytes, std::size_t max = 48);
// The bytes as a C-like string: "GET / HTTP/1.1\r\nHost: x\r\n\r\n".
std::string escaped(std::string_view text, std::size_t max = 400);
// "81 05 48" -> the bytes (spaces ignored).
std::string unhex(std::string_view text);

// A frame written byte by byte from RFC 6455 §5.2 (the oracle): first byte
// FIN|RSV|opcode, then the minimal length form (or `length_form` 7/16/64),
// then the key and the masked payload when `masked`.
struct RawFrame {
  bool fin = true;
  std::uint8_t rsv = 0;  // bits 0x40 0x20 0x10 as in the first byte
  std::uint8_t opcode = 1;
  bool masked = false;
  std::array<std::uint8_t, 4> key{0x37, 0xfa, 0x21, 0x3d};
  std::string payload;
  int length_form = 0;  // 0 minimal, else 7, 16 or 64
};
std::string frame_bytes(const RawFrame& f);
// Shorthands: a masked client frame / an unmasked server frame.
std::string client_frame(std::uint8_t opcode, std::string_view payload, bool fin = true);
std::string server_frame(std::uint8_t opcode, std::string_view payload, bool fin = true);

// A frame decoded by the oracle (server frames: unmasked; client: unmasked for you).
struct ParsedFrame {
  bool fin = false;
  std::uint8_t rsv = 0;
  std::uint8_t opcode = 0;
  bool masked = false;
  std::string payload;  // unmasked
};
// Splits `bytes` into frames; `rest` gets what does not form a complete frame.
std::vector<ParsedFrame> parse_frames(std::string_view bytes, std::string* rest = nullptr);
// "text \"hi\" (fin)", "close 1000 \"bye\"", ... one line per frame.
std::string describe(const std::vector<ParsedFrame>& frames);

// A valid client handshake request (the RFC's sample key unless `key` is given).
std::string upgrade_request(std::string_view path = "/", std::string_view key = {},
                            std::string_view extra_headers = {});
inline constexpr std::string_view kSampleKey = "dGhlIHNhbXBsZSBub25jZQ==";
inline constexpr std::string_view kSampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

}  // namespace wslab::labtest
