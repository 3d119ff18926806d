// PROVIDED (lab 5): the names of the error codes (docs/rooms-protocol.md §8).
#include "wslab/rooms/protocol.hpp"

namespace wslab::rooms {
namespace {
// In the order of the ErrorCode enumerators.
constexpr std::string_view kNames[] = {
    "bad_json",    "bad_message",  "unknown_type", "hello_required", "duplicate_hello",
    "bad_name",    "bad_room",     "too_long",     "not_member",     "too_many_rooms",
    "server_full", "no_such_user", "rate_limited"};
constexpr std::size_t kCount = sizeof(kNames) / sizeof(kNames[0]);
}  // namespace

std::string_view code_name(ErrorCode code) {
  const auto i = static_cast<std::size_t>(code);
  return i < kCount ? kNames[i] : std::string_view("unknown");
}

std::optional<ErrorCode> parse_code_name(std::string_view name) {
  for (std::size_t i = 0; i < kCount; ++i) {
    if (name == kNames[i]) return static_cast<ErrorCode>(i);
  }
  return std::nullopt;
}

}  // namespace wslab::rooms
