// The wslab.rooms.v1 message table (src/rooms_schema.c) against docs/rooms-protocol.md §4-§5.
#include "rooms_schema.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace {

const wslab_member_rule* member(const wslab_message_rule* r, const char* name) {
  for (unsigned i = 0; i < r->n_members; ++i) {
    if (std::strcmp(r->members[i].name, name) == 0) return &r->members[i];
  }
  return nullptr;
}

// §4: the client sends hello, join, leave, say, private, typing, ping.
TEST(DissectorSchema, ClientMessageTypes) {
  for (const char* t : {"hello", "join", "leave", "say", "private", "typing", "ping"}) {
    EXPECT_TRUE(wslab_rooms_type_known(t, WSLAB_DIR_CLIENT_TO_SERVER)) << t;
  }
  EXPECT_FALSE(wslab_rooms_type_known("welcome", WSLAB_DIR_CLIENT_TO_SERVER));
  EXPECT_FALSE(wslab_rooms_type_known("shout", WSLAB_DIR_UNKNOWN));
}

// §5: the server sends welcome, joined, left, message, presence, private, typing, pong, error.
TEST(DissectorSchema, ServerEventTypes) {
  for (const char* t :
       {"welcome", "joined", "left", "message", "presence", "private", "typing", "pong", "error"}) {
    EXPECT_TRUE(wslab_rooms_type_known(t, WSLAB_DIR_SERVER_TO_CLIENT)) << t;
  }
  EXPECT_FALSE(wslab_rooms_type_known("say", WSLAB_DIR_SERVER_TO_CLIENT));
}

// §4.4 say: room and text required, ref optional.
TEST(DissectorSchema, SayRequiresRoomAndText) {
  const auto* r = wslab_rooms_rule("say", WSLAB_DIR_CLIENT_TO_SERVER);
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(member(r, "room")->required);
  EXPECT_TRUE(member(r, "text")->required);
  EXPECT_FALSE(member(r, "ref")->required);
}

// §5.4 message: seq is an integer, history an optional boolean.
TEST(DissectorSchema, MessageMembers) {
  const auto* r = wslab_rooms_rule("message", WSLAB_DIR_SERVER_TO_CLIENT);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(member(r, "seq")->kind, WSLAB_K_UINT);
  EXPECT_EQ(member(r, "history")->kind, WSLAB_K_BOOL);
  EXPECT_FALSE(member(r, "history")->required);
}

// `private` and `typing` exist in both directions with different members: with an unknown
// direction there is no single rule.
TEST(DissectorSchema, AmbiguousTypeNeedsDirection) {
  EXPECT_EQ(wslab_rooms_rule("private", WSLAB_DIR_UNKNOWN), nullptr);
  EXPECT_NE(wslab_rooms_rule("private", WSLAB_DIR_SERVER_TO_CLIENT), nullptr);
  EXPECT_NE(wslab_rooms_rule("say", WSLAB_DIR_UNKNOWN), nullptr);
}

}  // namespace
