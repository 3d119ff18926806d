// STARTER (lab 5, step 1): you write labs/starter/src/rooms/names.cpp. Handout:
// labs/05-rooms/README.md. User and room names of wslab.rooms.v1 (docs/rooms-protocol.md §3):
// 1..max characters from A-Z a-z 0-9 _ - . (ASCII, case-sensitive).
#pragma once

#include <cstddef>
#include <string_view>

namespace wslab::rooms {

bool is_name_char(char c);
// True when `name` is 1..max_length characters, all is_name_char.
bool is_valid_name(std::string_view name, std::size_t max_length);

}  // namespace wslab::rooms
