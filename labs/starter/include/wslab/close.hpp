// STARTER (lab 2, step 6): close codes and the Close frame body (RFC 6455
// §5.5.1, §7.4). One place for the rule "which status codes may appear on the
// wire". You write the bodies in labs/starter/src/close.cpp; the handout is
// labs/02-framing/README.md (and lab 3 uses them for the close handshake).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wslab {

// §7.4.1 and the IANA "WebSocket Close Code Number Registry".
enum class CloseCode : std::uint16_t {
  kNormal = 1000,
  kGoingAway = 1001,
  kProtocolError = 1002,
  kUnsupportedData = 1003,
  kReserved1004 = 1004,
  kNoStatusReceived = 1005,  // never on the wire
  kAbnormalClosure = 1006,   // never on the wire
  kInvalidPayload = 1007,
  kPolicyViolation = 1008,
  kMessageTooBig = 1009,
  kMandatoryExtension = 1010,
  kInternalError = 1011,
  kServiceRestart = 1012,
  kTryAgainLater = 1013,
  kBadGateway = 1014,
  kTlsHandshake = 1015,  // never on the wire
};

constexpr std::uint16_t to_int(CloseCode c) {
  return static_cast<std::uint16_t>(c);
}

// May this code be sent in a Close frame (§7.4.1, §7.4.2)? True for 1000-1003,
// 1007-1014 and 3000-4999. Everything else (0-999, 1004-1006, 1015, 1016-2999,
// >= 5000) is a protocol error when received.
bool is_valid_close_code(std::uint16_t code);
// "Normal Closure" (1000), "Going Away", "Protocol Error", "Unsupported Data",
// "Reserved" (1004), "No Status Received", "Abnormal Closure", "Invalid Frame
// Payload Data", "Policy Violation", "Message Too Big", "Mandatory Extension",
// "Internal Error", "Service Restart", "Try Again Later", "Bad Gateway",
// "TLS Handshake" (1015); "Unknown" for others.
std::string_view close_code_name(std::uint16_t code);

struct ClosePayload {
  std::optional<std::uint16_t> code;  // absent for an empty body (-> 1005 locally)
  std::string reason;                 // valid UTF-8
};

struct CloseParse {
  bool ok = false;
  ClosePayload payload;
  std::uint16_t fail_code = 0;  // when !ok: 1002 (length 1, bad code) or 1007 (bad UTF-8 reason)
  std::string error;            // human text
};

// Parse and validate a Close frame body (§5.5.1): empty is fine (no code);
// 1 byte is a protocol error (1002); otherwise a 2-byte big-endian code that
// is_valid_close_code() accepts (else 1002) followed by a UTF-8 reason (else
// 1007). (The decoder already checked the 125-byte control-frame limit.)
CloseParse parse_close_payload(std::string_view body);
// Body for a Close frame: 2-byte big-endian code + reason, the reason cut to
// fit the 125-byte control-frame limit (at most 123 bytes) on a code-point
// boundary (never leave half a UTF-8 sequence).
std::string encode_close_payload(std::uint16_t code, std::string_view reason = {});

}  // namespace wslab
