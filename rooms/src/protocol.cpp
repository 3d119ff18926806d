// Error code names (docs/rooms-protocol.md §8) and name syntax (§3).
#include "wslab/rooms/protocol.hpp"

#include <array>

#include "wslab/rooms/names.hpp"

namespace wslab::rooms {
namespace {
constexpr std::array<std::string_view, 13> kCodeNames = {
    "bad_json",    "bad_message",  "unknown_type", "hello_required", "duplicate_hello",
    "bad_name",    "bad_room",     "too_long",     "not_member",     "too_many_rooms",
    "server_full", "no_such_user", "rate_limited",
};
}  // namespace

std::string_view code_name(ErrorCode code) {
  return kCodeNames.at(static_cast<std::size_t>(code));
}

std::optional<ErrorCode> parse_code_name(std::string_view name) {
  for (std::size_t i = 0; i < kCodeNames.size(); ++i) {
    if (kCodeNames[i] == name) return static_cast<ErrorCode>(i);
  }
  return std::nullopt;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

bool is_valid_name(std::string_view name, std::size_t max_length) {
  if (name.empty() || name.size() > max_length) return false;
  for (char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

}  // namespace wslab::rooms
