/* RFC 6455 frame rules in plain C (see rfc6455_rules.h). */
#include "rfc6455_rules.h"

unsigned wslab_parse_frame_header(const uint8_t* buf, size_t avail, struct wslab_frame_header* h) {
  unsigned n = 2;
  if (avail < 2) return 0;
  h->fin = (buf[0] & 0x80) != 0;
  h->rsv = (unsigned)(buf[0] >> 4) & 0x7u;
  h->opcode = buf[0] & 0x0Fu;
  h->masked = (buf[1] & 0x80) != 0;
  const unsigned len7 = buf[1] & 0x7Fu;
  if (len7 == 126) {
    if (avail < 4) return 0;
    h->length_form = 16;
    h->payload_length = ((uint64_t)buf[2] << 8) | buf[3];
    n = 4;
  } else if (len7 == 127) {
    if (avail < 10) return 0;
    h->length_form = 64;
    h->payload_length = 0;
    for (unsigned i = 0; i < 8; ++i) h->payload_length = (h->payload_length << 8) | buf[2 + i];
    n = 10;
  } else {
    h->length_form = 7;
    h->payload_length = len7;
  }
  if (h->masked) {
    if (avail < n + 4u) return 0;
    for (unsigned i = 0; i < 4; ++i) h->mask_key[i] = buf[n + i];
    n += 4;
  } else {
    for (unsigned i = 0; i < 4; ++i) h->mask_key[i] = 0;
  }
  h->header_length = n;
  return n;
}

int wslab_is_control_opcode(unsigned opcode) {
  return (opcode & 0x8u) != 0;
}

int wslab_is_reserved_opcode(unsigned opcode) {
  return !(opcode <= 2 || (opcode >= 8 && opcode <= 10));
}

/* §7.4.1 forbids 1004 (reserved), 1005, 1006 and 1015 on the wire; 1012-1014 were registered
 * with IANA later. §7.4.2: 0-999 unused, 1016-2999 reserved, 3000-4999 registered/private. */
int wslab_is_valid_close_code(unsigned code) {
  if (code >= 1000 && code <= 1003) return 1;
  if (code >= 1007 && code <= 1014) return 1;
  return code >= 3000 && code <= 4999;
}

unsigned wslab_header_violations(const struct wslab_frame_header* h, enum wslab_direction dir,
                                 int deflate) {
  unsigned v = 0;
  unsigned allowed_rsv = 0;
  /* RFC 7692 §6: the "Per-Message Compressed" bit is RSV1 of a message's first frame. */
  if (deflate && (h->opcode == 1 || h->opcode == 2)) allowed_rsv = 0x4;
  if ((h->rsv & ~allowed_rsv) != 0) v |= WSLAB_V_RSV;
  if (wslab_is_reserved_opcode(h->opcode)) v |= WSLAB_V_RESERVED_OPCODE;
  if (wslab_is_control_opcode(h->opcode)) {
    if (!h->fin) v |= WSLAB_V_CONTROL_FRAGMENTED;
    if (h->payload_length > 125) v |= WSLAB_V_CONTROL_TOO_LONG;
  }
  if (dir == WSLAB_DIR_CLIENT_TO_SERVER && !h->masked) v |= WSLAB_V_UNMASKED_CLIENT;
  if (dir == WSLAB_DIR_SERVER_TO_CLIENT && h->masked) v |= WSLAB_V_MASKED_SERVER;
  if ((h->length_form == 16 && h->payload_length <= 125) ||
      (h->length_form == 64 && h->payload_length <= 0xFFFF)) {
    v |= WSLAB_V_NON_MINIMAL_LENGTH;
  }
  if (h->length_form == 64 && (h->payload_length >> 63) != 0) v |= WSLAB_V_LENGTH_MSB;
  return v;
}

enum wslab_close_problem wslab_check_close_body(const uint8_t* body, size_t len, unsigned* code) {
  if (len == 0) return WSLAB_CLOSE_OK;
  if (len == 1) return WSLAB_CLOSE_ONE_BYTE;
  *code = ((unsigned)body[0] << 8) | body[1];
  return wslab_is_valid_close_code(*code) ? WSLAB_CLOSE_OK : WSLAB_CLOSE_BAD_CODE;
}
