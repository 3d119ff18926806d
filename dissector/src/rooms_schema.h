/* The message table of the wslab.rooms.v1 subprotocol (docs/rooms-protocol.md §4 client
 * messages, §5 server events): for each type and direction, its members, their JSON kind and
 * whether they are required. Plain C, no Wireshark dependency. */
#ifndef WSLAB_DISSECTOR_ROOMS_SCHEMA_H
#define WSLAB_DISSECTOR_ROOMS_SCHEMA_H

#include "rfc6455_rules.h" /* enum wslab_direction */

#ifdef __cplusplus
extern "C" {
#endif

enum wslab_kind {
  WSLAB_K_STRING,  /* a JSON string */
  WSLAB_K_UINT,    /* an integer 0 .. 2^53-1 (§2) */
  WSLAB_K_BOOL,    /* true or false */
  WSLAB_K_REF,     /* a string of at most 64 bytes or an integer in -(2^53-1) .. 2^53-1 (§2) */
  WSLAB_K_STRINGS, /* an array of strings */
  WSLAB_K_OBJECT   /* a JSON object */
};

struct wslab_member_rule {
  const char* name;
  enum wslab_kind kind;
  int required;
};

struct wslab_message_rule {
  const char* type;
  enum wslab_direction direction; /* who sends it */
  const struct wslab_member_rule* members;
  unsigned n_members;
};

/* The rule for `type` sent in direction `dir`; NULL if there is none. With an unknown direction,
 * the rule of the only direction that defines the type (NULL if both or neither do). */
const struct wslab_message_rule* wslab_rooms_rule(const char* type, enum wslab_direction dir);
/* Is `type` defined in direction `dir` (WSLAB_DIR_UNKNOWN: in either)? */
int wslab_rooms_type_known(const char* type, enum wslab_direction dir);
/* "a non-negative integer", ... for messages. */
const char* wslab_kind_text(enum wslab_kind kind);

#ifdef __cplusplus
}
#endif

#endif
