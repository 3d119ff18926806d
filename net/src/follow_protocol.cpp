// wslab.follow.v1 encoding (follow_protocol.hpp).
#include "wslab/net/follow_protocol.hpp"

namespace wslab::net {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool in(unsigned char c, unsigned char lo, unsigned char hi) {
  return c >= lo && c <= hi;
}

// Length of the valid UTF-8 sequence at the start of `s` (RFC 3629 §4's
// table: no overlongs, no surrogates, nothing above U+10FFFF), 0 if invalid.
std::size_t valid_sequence(std::string_view s) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (in(c, 0xC2, 0xDF)) {
    len = 2;
  } else if (in(c, 0xE0, 0xEF)) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (in(c, 0xF0, 0xF4)) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < len || !in(b(1), lo, hi)) return 0;
  for (std::size_t i = 2; i < len; ++i) {
    if (!in(b(i), 0x80, 0xBF)) return 0;
  }
  return len;
}

void append_number(std::string& out, std::uint64_t n) {
  out += std::to_string(n);
}

}  // namespace

void append_json_string(std::string& out, std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  while (!bytes.empty()) {
    const auto c = static_cast<unsigned char>(bytes.front());
    if (c >= 0x80) {
      const std::size_t len = valid_sequence(bytes);
      if (len == 0) {
        out += kReplacement;
        bytes.remove_prefix(1);
      } else {
        out.append(bytes.substr(0, len));
        bytes.remove_prefix(len);
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
    bytes.remove_prefix(1);
  }
  out += '"';
}

std::string encode_follow_hello(std::string_view file, std::uint64_t epoch, bool file_present,
                                std::size_t backlog) {
  std::string out = R"({"type":"follow","file":)";
  append_json_string(out, file);
  out += R"(,"epoch":)";
  append_number(out, epoch);
  out += R"(,"state":)";
  out += file_present ? R"("following")" : R"("missing")";
  out += R"(,"backlog":)";
  append_number(out, backlog);
  out += '}';
  return out;
}

std::string encode_follow_line(const NumberedLine& line, bool from_backlog) {
  std::string out = R"({"type":"line","n":)";
  append_number(out, line.n);
  out += R"(,"text":)";
  append_json_string(out, line.line.text);
  if (line.line.cut) out += R"(,"cut":true)";
  if (from_backlog) out += R"(,"backlog":true)";
  out += '}';
  return out;
}

std::string encode_follow_reset(std::string_view reason) {
  std::string out = R"({"type":"reset","reason":)";
  append_json_string(out, reason);
  out += '}';
  return out;
}

}  // namespace wslab::net
