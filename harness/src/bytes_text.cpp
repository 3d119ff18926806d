// Rendering bytes for people (see bytes_text.hpp).
#include "wslab/harness/bytes_text.hpp"

#include <cstdio>

#include "wslab/utf8.hpp"

namespace wslab::harness {

std::string quote_bytes(std::string_view bytes, std::size_t max) {
  std::string out = "\"";
  std::size_t n = bytes.size() < max ? bytes.size() : max;
  // Valid UTF-8 text is shown as text (a cut code point at the end is dropped).
  std::size_t cut = n;
  while (cut > 0 && cut < bytes.size() && (static_cast<unsigned char>(bytes[cut]) & 0xC0) == 0x80 &&
         n - cut < 4) {
    --cut;
  }
  bool utf8 = is_valid_utf8(bytes.substr(0, cut));
  if (utf8) n = cut;
  for (std::size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    if (utf8 && c >= 0x80) {
      out += static_cast<char>(c);
      continue;
    }
    switch (c) {
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += static_cast<char>(c);
        } else {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        }
    }
  }
  out += '"';
  if (bytes.size() > n) out += "... (+" + std::to_string(bytes.size() - n) + " B)";
  return out;
}

std::string hex_bytes(std::string_view bytes, std::size_t max) {
  std::string out;
  std::size_t n = bytes.size() < max ? bytes.size() : max;
  for (std::size_t i = 0; i < n; ++i) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned char>(bytes[i]));
    if (i != 0) out += ' ';
    out += buf;
  }
  if (bytes.size() > n) out += " ...";
  return out;
}

std::string hex_dump(std::string_view bytes, std::size_t max, std::string_view indent) {
  std::string out;
  std::size_t n = bytes.size() < max ? bytes.size() : max;
  for (std::size_t row = 0; row < n; row += 16) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04zx  ", row % 0x100000000u);
    out += indent;
    out += buf;
    std::string ascii;
    for (std::size_t i = row; i < row + 16; ++i) {
      if (i < n) {
        auto c = static_cast<unsigned char>(bytes[i]);
        std::snprintf(buf, sizeof buf, "%02x ", c);
        out += buf;
        ascii += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '.';
      } else {
        out += "   ";
      }
      if (i == row + 7) out += ' ';
    }
    out += " |" + ascii + "|\n";
  }
  if (bytes.size() > n) {
    out += indent;
    out += "... " + std::to_string(bytes.size() - n) + " more bytes\n";
  }
  return out;
}

std::string size_text(std::size_t n) {
  if (n >= (1u << 20) && n % (1u << 20) == 0) return std::to_string(n >> 20) + " MiB";
  if (n >= 1024 && n % 1024 == 0) return std::to_string(n >> 10) + " KiB";
  return std::to_string(n) + " B";
}

bool looks_textual(std::string_view bytes) {
  if (!is_valid_utf8(bytes)) return false;
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 && c != '\r' && c != '\n' && c != '\t') return false;
    if (c == 0x7f) return false;
  }
  return true;
}

}  // namespace wslab::harness
