/* The RFC 6455 frame rules the wslab6455 post-dissector checks, as plain C with no Wireshark
 * dependency (so a unit test can hold them against core's C++ rules: core/include/wslab/frame.hpp
 * and close.hpp are the reference; this file restates them for a C plugin that cannot link core).
 *
 *   §5.2   frame header: FIN, RSV1-3, opcode, MASK, the three length forms, masking key;
 *          reserved opcodes; RSV bits without a negotiated extension; minimal length encoding;
 *          a 64-bit length with its most significant bit set
 *   §5.1   client-to-server frames are masked, server-to-client frames are not
 *   §5.5   control frames: FIN set, payload <= 125 bytes
 *   §5.5.1 Close body: empty, or a 2-byte code + UTF-8 reason
 *   §7.4   which close codes may appear on the wire
 *   RFC 7692 §6 (permessage-deflate): RSV1 only on the first frame of a data message
 */
#ifndef WSLAB_DISSECTOR_RFC6455_RULES_H
#define WSLAB_DISSECTOR_RFC6455_RULES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum wslab_direction {
  WSLAB_DIR_UNKNOWN = 0,
  WSLAB_DIR_CLIENT_TO_SERVER = 1,
  WSLAB_DIR_SERVER_TO_CLIENT = 2
};

/* A decoded frame header, exactly as it is on the wire. */
struct wslab_frame_header {
  int fin;
  unsigned rsv;    /* the three RSV bits as 0..7 (RSV1 = 4, RSV2 = 2, RSV3 = 1) */
  unsigned opcode; /* raw 4 bits */
  int masked;
  uint8_t mask_key[4];
  unsigned length_form; /* 7, 16 or 64: the length encoding used */
  uint64_t payload_length;
  unsigned header_length; /* 2..14 */
};

/* Decodes the header at buf. Returns its length (2..14), or 0 if avail is too short. */
unsigned wslab_parse_frame_header(const uint8_t* buf, size_t avail, struct wslab_frame_header* h);

int wslab_is_control_opcode(unsigned opcode);
/* 0, 1, 2, 8, 9, 10 are defined; 3-7 and 11-15 are reserved (§5.2). */
int wslab_is_reserved_opcode(unsigned opcode);
/* May this close code be sent in a Close frame? 1000-1003, 1007-1014, 3000-4999 (§7.4). */
int wslab_is_valid_close_code(unsigned code);

/* One bit per rule broken by a frame header. */
enum wslab_violation {
  WSLAB_V_RSV = 1u << 0, /* RSV bit(s) set and not allowed by an extension */
  WSLAB_V_RESERVED_OPCODE = 1u << 1,
  WSLAB_V_CONTROL_FRAGMENTED = 1u << 2, /* control frame with FIN = 0 */
  WSLAB_V_CONTROL_TOO_LONG = 1u << 3,   /* control payload > 125 bytes */
  WSLAB_V_UNMASKED_CLIENT = 1u << 4,
  WSLAB_V_MASKED_SERVER = 1u << 5,
  WSLAB_V_NON_MINIMAL_LENGTH = 1u << 6,
  WSLAB_V_LENGTH_MSB = 1u << 7 /* 64-bit length with the most significant bit set */
};

/* The rules a header breaks. `deflate` says permessage-deflate was negotiated (RSV1 is then
 * allowed on the first frame of a data message: a text/binary frame, not a continuation);
 * with an unknown direction the masking rules are not checked. */
unsigned wslab_header_violations(const struct wslab_frame_header* h, enum wslab_direction dir,
                                 int deflate);

enum wslab_close_problem {
  WSLAB_CLOSE_OK = 0,
  WSLAB_CLOSE_ONE_BYTE = 1, /* a 1-byte body cannot hold the 2-byte code (§5.5.1) */
  WSLAB_CLOSE_BAD_CODE = 2  /* a code that must not appear on the wire (§7.4) */
};

/* Checks an unmasked Close body; *code receives the code when the body has one. */
enum wslab_close_problem wslab_check_close_body(const uint8_t* body, size_t len, unsigned* code);

#ifdef __cplusplus
}
#endif

#endif
