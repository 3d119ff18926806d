// PROVIDED (lab 5): names, limits and error codes; code_name() is written for you.
// The wslab.rooms.v1 subprotocol: its name, limits and error codes
// (docs/rooms-protocol.md §1, §8, §9). The subprotocol is negotiated with
// Sec-WebSocket-Protocol (RFC 6455 §1.9, §4.2.2 item 5.4, §11.3.4).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace wslab::rooms {

inline constexpr std::string_view kSubprotocol = "wslab.rooms.v1";

// Which connection an event comes from or goes to. Assigned by the I/O layer;
// the rooms code only compares them.
using ConnId = std::uint64_t;

// docs/rooms-protocol.md §9; the defaults are the reference server's values
// and are announced to every client in `welcome.limits`.
struct Limits {
  std::size_t max_message_bytes = 16384;  // a bigger client message -> close 1009
  std::size_t max_text_bytes = 4096;      // say/private text -> error too_long
  std::size_t max_name_length = 32;
  std::size_t max_room_length = 64;
  std::size_t max_rooms_per_client = 16;
  std::size_t max_rooms = 1000;  // per server; empty rooms are forgotten first
  std::size_t history_size = 100;
  std::size_t max_ref_bytes = 64;
  std::size_t max_json_depth = 16;
  std::uint32_t rate_burst = 200;             // token bucket capacity
  std::uint32_t rate_per_second = 100;        // refill
  std::size_t max_buffered_bytes = 1u << 20;  // slow consumer -> close 1008
};

// The `code` of an error event (§8). Stable: programs match on these names.
enum class ErrorCode : std::uint8_t {
  kBadJson,
  kBadMessage,
  kUnknownType,
  kHelloRequired,
  kDuplicateHello,
  kBadName,
  kBadRoom,
  kTooLong,
  kNotMember,
  kTooManyRooms,
  kServerFull,
  kNoSuchUser,
  kRateLimited,
};
std::string_view code_name(ErrorCode code);
std::optional<ErrorCode> parse_code_name(std::string_view name);

// Close codes this protocol uses (RFC 6455 §7.4.1), with the reasons it sends.
inline constexpr std::uint16_t kCloseMessageTooBig = 1009;
inline constexpr std::uint16_t kCloseUnsupportedData = 1003;
inline constexpr std::uint16_t kClosePolicyViolation = 1008;
inline constexpr std::uint16_t kCloseGoingAway = 1001;
inline constexpr std::string_view kReasonSlowConsumer = "slow consumer";
inline constexpr std::string_view kReasonBinary = "binary messages are not part of wslab.rooms.v1";

}  // namespace wslab::rooms
