// Test-side byte helpers: hex, escaping, and the oracle frame writer/reader
// (RFC 6455 §5.2), written independently of the code under test.
#include "bytes.hpp"

#include <cstdio>

namespace wslab::labtest {

std::string hex(std::string_view bytes, std::size_t max) {
  std::string out;
  char buf[4];
  for (std::size_t i = 0; i < bytes.size() && i < max; ++i) {
    std::snprintf(buf, sizeof buf, "%02x",
                  static_cast<unsigned>(static_cast<unsigned char>(bytes[i])));
    if (!out.empty()) out += ' ';
    out += buf;
  }
  if (bytes.size() > max) out += " ... (" + std::to_string(bytes.size()) + " bytes)";
  if (bytes.empty()) out = "(no bytes)";
  return out;
}

std::string escaped(std::string_view text, std::size_t max) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
      out += buf;
    }
  }
  out += '"';
  if (text.size() > max) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

std::string unhex(std::string_view text) {
  std::string out;
  int nibble = -1;
  for (char c : text) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) continue;
    if (nibble < 0) {
      nibble = v;
    } else {
      out.push_back(static_cast<char>(nibble * 16 + v));
      nibble = -1;
    }
  }
  return out;
}

std::string frame_bytes(const RawFrame& f) {
  std::string out;
  out.push_back(static_cast<char>((f.fin ? 0x80 : 0) | (f.rsv & 0x70) | (f.opcode & 0x0f)));
  const std::uint64_t n = f.payload.size();
  const int form = f.length_form != 0 ? f.length_form : (n <= 125 ? 7 : (n <= 0xffff ? 16 : 64));
  const char mask_bit = static_cast<char>(f.masked ? 0x80 : 0);
  if (form == 7) {
    out.push_back(static_cast<char>(mask_bit | static_cast<char>(n)));
  } else if (form == 16) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>((n >> 8) & 0xff));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((n >> shift) & 0xff));
  }
  if (f.masked) {
    for (auto b : f.key) out.push_back(static_cast<char>(b));
  }
  for (std::size_t i = 0; i < f.payload.size(); ++i) {
    auto b = static_cast<unsigned char>(f.payload[i]);
    if (f.masked) b = static_cast<unsigned char>(b ^ f.key[i % 4]);
    out.push_back(static_cast<char>(b));
  }
  return out;
}

std::string client_frame(std::uint8_t opcode, std::string_view payload, bool fin) {
  RawFrame f;
  f.fin = fin;
  f.opcode = opcode;
  f.masked = true;
  f.payload = std::string(payload);
  return frame_bytes(f);
}

std::string server_frame(std::uint8_t opcode, std::string_view payload, bool fin) {
  RawFrame f;
  f.fin = fin;
  f.opcode = opcode;
  f.payload = std::string(payload);
  return frame_bytes(f);
}

std::vector<ParsedFrame> parse_frames(std::string_view bytes, std::string* rest) {
  std::vector<ParsedFrame> frames;
  std::size_t pos = 0;
  while (bytes.size() - pos >= 2) {
    const auto b0 = static_cast<unsigned char>(bytes[pos]);
    const auto b1 = static_cast<unsigned char>(bytes[pos + 1]);
    const unsigned len7 = b1 & 0x7fu;
    const std::size_t ext = len7 == 126 ? 2 : (len7 == 127 ? 8 : 0);
    const bool masked = (b1 & 0x80) != 0;
    const std::size_t hdr = 2 + ext + (masked ? 4 : 0);
    if (bytes.size() - pos < hdr) break;
    std::uint64_t len = len7;
    if (ext != 0) {
      len = 0;
      for (std::size_t i = 0; i < ext; ++i)
        len = (len << 8) | static_cast<unsigned char>(bytes[pos + 2 + i]);
    }
    if (bytes.size() - pos - hdr < len) break;
    ParsedFrame f;
    f.fin = (b0 & 0x80) != 0;
    f.rsv = static_cast<std::uint8_t>(b0 & 0x70);
    f.opcode = static_cast<std::uint8_t>(b0 & 0x0f);
    f.masked = masked;
    f.payload = std::string(bytes.substr(pos + hdr, static_cast<std::size_t>(len)));
    if (masked) {
      for (std::size_t i = 0; i < f.payload.size(); ++i)
        f.payload[i] = static_cast<char>(f.payload[i] ^ bytes[pos + hdr - 4 + i % 4]);
    }
    frames.push_back(std::move(f));
    pos += hdr + static_cast<std::size_t>(len);
  }
  if (rest != nullptr) *rest = std::string(bytes.substr(pos));
  return frames;
}

std::string describe(const std::vector<ParsedFrame>& frames) {
  if (frames.empty()) return "no frames";
  std::string out;
  for (const auto& f : frames) {
    if (!out.empty()) out += "; ";
    static const char* const kNames[16] = {"continuation", "text", "binary", "op3",  "op4",  "op5",
                                           "op6",          "op7",  "close",  "ping", "pong", "op11",
                                           "op12",         "op13", "op14",   "op15"};
    out += kNames[f.opcode & 0x0f];
    if (f.opcode == 8 && f.payload.size() >= 2) {
      const unsigned code = (static_cast<unsigned char>(f.payload[0]) << 8) |
                            static_cast<unsigned char>(f.payload[1]);
      out += " " + std::to_string(code) + " " + escaped(f.payload.substr(2), 60);
    } else {
      out += " " + escaped(f.payload, 60);
    }
    if (!f.fin) out += " (FIN=0)";
    if (f.masked) out += " (masked)";
    if (f.rsv != 0) out += " (RSV set)";
  }
  return out;
}

std::string upgrade_request(std::string_view path, std::string_view key,
                            std::string_view extra_headers) {
  std::string r = "GET " + std::string(path) + " HTTP/1.1\r\n";
  r += "Host: 127.0.0.1:9001\r\n";
  r += "Upgrade: websocket\r\n";
  r += "Connection: Upgrade\r\n";
  r += "Sec-WebSocket-Key: " + std::string(key.empty() ? kSampleKey : key) + "\r\n";
  r += "Sec-WebSocket-Version: 13\r\n";
  r += std::string(extra_headers);
  r += "\r\n";
  return r;
}

}  // namespace wslab::labtest
