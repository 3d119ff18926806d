// Close codes and the Close frame body (RFC 6455 §5.5.1, §7.4).
// One place for the rule "which status codes may appear on the wire".
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

// May this code be sent in a Close frame? 1000-1003, 1007-1014, 3000-4999.
// Everything else (0-999, 1004-1006, 1015, 1016-2999, >= 5000) is a protocol error.
bool is_valid_close_code(std::uint16_t code);
// "Normal Closure", "Protocol error", ...; "Unknown" for others.
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

// Parse and validate a Close frame body (length 0, or >= 2 with a valid code
// and a UTF-8 reason; control-frame length <= 125 is checked by the decoder).
CloseParse parse_close_payload(std::string_view body);
// Body for a Close frame: 2-byte big-endian code + reason (truncated to fit 125 bytes
// on a code-point boundary).
std::string encode_close_payload(std::uint16_t code, std::string_view reason = {});

}  // namespace wslab
