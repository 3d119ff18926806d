// Lab 5, step 1: user and room names (docs/rooms-protocol.md §3).
// Handout: labs/05-rooms/README.md. Contract: wslab/rooms/names.hpp.
#include "wslab/rooms/names.hpp"

#include "wslab/todo.hpp"

namespace wslab::rooms {
namespace {
constexpr std::string_view kStep1 = "labs/05-rooms/README.md step 1";
}  // namespace

bool is_name_char([[maybe_unused]] char c) {
  // TODO(lab 5, step 1): A-Z a-z 0-9 _ - .
  todo::note("rooms::is_name_char", kStep1);
  return false;
}

bool is_valid_name([[maybe_unused]] std::string_view name,
                   [[maybe_unused]] std::size_t max_length) {
  // TODO(lab 5, step 1)
  todo::note("rooms::is_valid_name", kStep1);
  return false;
}

}  // namespace wslab::rooms
