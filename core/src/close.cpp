// Close codes and Close frame bodies (RFC 6455 §5.5.1, §7.1.5, §7.4).
#include "wslab/close.hpp"

#include "wslab/utf8.hpp"

namespace wslab {

// §7.4.1 defines 1000-1011 and forbids 1004 (reserved), 1005, 1006 and 1015 on
// the wire; 1012-1014 were registered with IANA later and are valid to send.
// §7.4.2: 0-999 are unused, 1016-2999 are reserved for future RFCs, 3000-3999
// are registered with IANA, 4000-4999 are private. >= 5000 is undefined.
bool is_valid_close_code(std::uint16_t code) {
  if (code >= 1000 && code <= 1003) return true;
  if (code >= 1007 && code <= 1014) return true;
  return code >= 3000 && code <= 4999;
}

std::string_view close_code_name(std::uint16_t code) {
  switch (code) {
    case 1000:
      return "Normal Closure";
    case 1001:
      return "Going Away";
    case 1002:
      return "Protocol Error";
    case 1003:
      return "Unsupported Data";
    case 1004:
      return "Reserved";
    case 1005:
      return "No Status Received";
    case 1006:
      return "Abnormal Closure";
    case 1007:
      return "Invalid Frame Payload Data";
    case 1008:
      return "Policy Violation";
    case 1009:
      return "Message Too Big";
    case 1010:
      return "Mandatory Extension";
    case 1011:
      return "Internal Error";
    case 1012:
      return "Service Restart";
    case 1013:
      return "Try Again Later";
    case 1014:
      return "Bad Gateway";
    case 1015:
      return "TLS Handshake";
    default:
      return "Unknown";
  }
}

CloseParse parse_close_payload(std::string_view body) {
  CloseParse r;
  if (body.empty()) {  // §5.5.1: the body is optional
    r.ok = true;
    return r;
  }
  if (body.size() == 1) {  // §5.5.1: if there is a body, its first two bytes are a code
    r.fail_code = 1002;
    r.error =
        "close frame with a 1-byte payload: a body must start with a 2-byte code (RFC 6455 §5.5.1)";
    return r;
  }
  const auto code = static_cast<std::uint16_t>((static_cast<unsigned char>(body[0]) << 8) |
                                               static_cast<unsigned char>(body[1]));
  if (!is_valid_close_code(code)) {
    r.fail_code = 1002;
    r.error = "close code " + std::to_string(code) + " may not be sent (RFC 6455 §7.4)";
    return r;
  }
  const auto reason = body.substr(2);
  if (!is_valid_utf8(reason)) {  // §5.5.1: the reason is UTF-8; §8.1: invalid text -> 1007
    r.fail_code = 1007;
    r.error = "close reason is not valid UTF-8 (RFC 6455 §5.5.1)";
    return r;
  }
  r.ok = true;
  r.payload.code = code;
  r.payload.reason = std::string(reason);
  return r;
}

std::string encode_close_payload(std::uint16_t code, std::string_view reason) {
  constexpr std::size_t kMaxReason = 125 - 2;
  if (reason.size() > kMaxReason) {
    std::size_t cut = kMaxReason;
    // back up to a code-point boundary: never leave a dangling lead byte
    while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xC0) == 0x80) --cut;
    reason = reason.substr(0, cut);
  }
  std::string out;
  out.reserve(2 + reason.size());
  out.push_back(static_cast<char>(code >> 8));
  out.push_back(static_cast<char>(code & 0xFF));
  out.append(reason);
  return out;
}

}  // namespace wslab
