/* The wslab.rooms.v1 message table (see rooms_schema.h and docs/rooms-protocol.md §4-§5). */
#include "rooms_schema.h"

#include <string.h>

#define N(a) (unsigned)(sizeof(a) / sizeof((a)[0]))
#define REQ 1
#define OPT 0

/* §4: client -> server */
static const struct wslab_member_rule c_hello[] = {{"name", WSLAB_K_STRING, OPT},
                                                   {"ref", WSLAB_K_REF, OPT}};
static const struct wslab_member_rule c_join[] = {
    {"room", WSLAB_K_STRING, REQ}, {"since", WSLAB_K_UINT, OPT}, {"ref", WSLAB_K_REF, OPT}};
static const struct wslab_member_rule c_leave[] = {{"room", WSLAB_K_STRING, REQ},
                                                   {"ref", WSLAB_K_REF, OPT}};
static const struct wslab_member_rule c_say[] = {
    {"room", WSLAB_K_STRING, REQ}, {"text", WSLAB_K_STRING, REQ}, {"ref", WSLAB_K_REF, OPT}};
static const struct wslab_member_rule c_private[] = {
    {"to", WSLAB_K_STRING, REQ}, {"text", WSLAB_K_STRING, REQ}, {"ref", WSLAB_K_REF, OPT}};
static const struct wslab_member_rule c_typing[] = {
    {"room", WSLAB_K_STRING, REQ}, {"active", WSLAB_K_BOOL, REQ}, {"ref", WSLAB_K_REF, OPT}};
static const struct wslab_member_rule c_ping[] = {{"ref", WSLAB_K_REF, OPT}};

/* §5: server -> client */
static const struct wslab_member_rule s_welcome[] = {{"name", WSLAB_K_STRING, REQ},
                                                     {"protocol", WSLAB_K_STRING, REQ},
                                                     {"limits", WSLAB_K_OBJECT, REQ},
                                                     {"ref", WSLAB_K_REF, OPT}};
static const struct wslab_member_rule s_joined[] = {
    {"room", WSLAB_K_STRING, REQ},     {"seq", WSLAB_K_UINT, REQ},
    {"members", WSLAB_K_STRINGS, REQ}, {"history", WSLAB_K_UINT, REQ},
    {"truncated", WSLAB_K_BOOL, REQ},  {"reset", WSLAB_K_BOOL, REQ},
    {"ref", WSLAB_K_REF, OPT}};
static const struct wslab_member_rule s_left[] = {{"room", WSLAB_K_STRING, REQ},
                                                  {"ref", WSLAB_K_REF, OPT}};
static const struct wslab_member_rule s_message[] = {
    {"room", WSLAB_K_STRING, REQ}, {"seq", WSLAB_K_UINT, REQ}, {"from", WSLAB_K_STRING, REQ},
    {"text", WSLAB_K_STRING, REQ}, {"ts", WSLAB_K_UINT, REQ},  {"history", WSLAB_K_BOOL, OPT}};
static const struct wslab_member_rule s_presence[] = {{"room", WSLAB_K_STRING, REQ},
                                                      {"name", WSLAB_K_STRING, REQ},
                                                      {"action", WSLAB_K_STRING, REQ},
                                                      {"reason", WSLAB_K_STRING, OPT}};
static const struct wslab_member_rule s_private[] = {{"from", WSLAB_K_STRING, REQ},
                                                     {"to", WSLAB_K_STRING, REQ},
                                                     {"text", WSLAB_K_STRING, REQ},
                                                     {"ts", WSLAB_K_UINT, REQ}};
static const struct wslab_member_rule s_typing[] = {
    {"room", WSLAB_K_STRING, REQ}, {"from", WSLAB_K_STRING, REQ}, {"active", WSLAB_K_BOOL, REQ}};
static const struct wslab_member_rule s_pong[] = {{"ref", WSLAB_K_REF, OPT}};
static const struct wslab_member_rule s_error[] = {{"code", WSLAB_K_STRING, REQ},
                                                   {"message", WSLAB_K_STRING, REQ},
                                                   {"request", WSLAB_K_STRING, OPT},
                                                   {"ref", WSLAB_K_REF, OPT}};

#define C2S WSLAB_DIR_CLIENT_TO_SERVER
#define S2C WSLAB_DIR_SERVER_TO_CLIENT
static const struct wslab_message_rule rules[] = {
    {"hello", C2S, c_hello, N(c_hello)},       {"join", C2S, c_join, N(c_join)},
    {"leave", C2S, c_leave, N(c_leave)},       {"say", C2S, c_say, N(c_say)},
    {"private", C2S, c_private, N(c_private)}, {"typing", C2S, c_typing, N(c_typing)},
    {"ping", C2S, c_ping, N(c_ping)},          {"welcome", S2C, s_welcome, N(s_welcome)},
    {"joined", S2C, s_joined, N(s_joined)},    {"left", S2C, s_left, N(s_left)},
    {"message", S2C, s_message, N(s_message)}, {"presence", S2C, s_presence, N(s_presence)},
    {"private", S2C, s_private, N(s_private)}, {"typing", S2C, s_typing, N(s_typing)},
    {"pong", S2C, s_pong, N(s_pong)},          {"error", S2C, s_error, N(s_error)},
};

const struct wslab_message_rule* wslab_rooms_rule(const char* type, enum wslab_direction dir) {
  const struct wslab_message_rule* found = NULL;
  unsigned matches = 0;
  for (unsigned i = 0; i < N(rules); ++i) {
    if (strcmp(rules[i].type, type) != 0) continue;
    if (dir != WSLAB_DIR_UNKNOWN && rules[i].direction != dir) continue;
    found = &rules[i];
    ++matches;
  }
  return matches == 1 ? found : NULL;
}

int wslab_rooms_type_known(const char* type, enum wslab_direction dir) {
  for (unsigned i = 0; i < N(rules); ++i) {
    if (strcmp(rules[i].type, type) == 0 &&
        (dir == WSLAB_DIR_UNKNOWN || rules[i].direction == dir)) {
      return 1;
    }
  }
  return 0;
}

const char* wslab_kind_text(enum wslab_kind kind) {
  switch (kind) {
    case WSLAB_K_STRING:
      return "a string";
    case WSLAB_K_UINT:
      return "an integer in 0 .. 2^53-1";
    case WSLAB_K_BOOL:
      return "true or false";
    case WSLAB_K_REF:
      return "a string of at most 64 bytes or an integer";
    case WSLAB_K_STRINGS:
      return "an array of strings";
    case WSLAB_K_OBJECT:
      return "an object";
  }
  return "?";
}
