// docs/rooms-protocol.md §3: user and room names.
#include "wslab/rooms/names.hpp"

#include <gtest/gtest.h>

namespace wslab::rooms {
namespace {

// §3: names use A-Z a-z 0-9 _ - . only.
TEST(RoomsNames, LettersDigitsUnderscoreDashDotAreAllowed) {
  EXPECT_TRUE(is_valid_name("Alice_01-b.c", 32));
  EXPECT_TRUE(is_valid_name("a", 32));
}

// §3: at least one character.
TEST(RoomsNames, EmptyNameIsRefused) {
  EXPECT_FALSE(is_valid_name("", 32));
}

// §3: at most 32 (users) / 64 (rooms) characters.
TEST(RoomsNames, LongerThanTheLimitIsRefused) {
  EXPECT_TRUE(is_valid_name(std::string(32, 'x'), 32));
  EXPECT_FALSE(is_valid_name(std::string(33, 'x'), 32));
}

// §3: spaces, punctuation, control characters and non-ASCII are refused.
TEST(RoomsNames, OtherCharactersAreRefused) {
  for (std::string_view bad : {"a b", "a/b", "a#b", "a\"b", "a\nb", "caf\xc3\xa9"}) {
    EXPECT_FALSE(is_valid_name(bad, 32)) << bad;
  }
  EXPECT_FALSE(is_valid_name(std::string_view("a\0b", 3), 32));
}

}  // namespace
}  // namespace wslab::rooms
