/* Internal interface between the parts of the wslab Wireshark plugin (Wireshark 4.0 epan API):
 *  - rooms.c          the `wslab` protocol: the wslab.rooms.v1 subprotocol (docs/rooms-protocol.md)
 *  - rfc6455_check.c  the `wslab6455` post-dissector: RFC 6455 §5 and §7.4 checks per frame
 *  - conv.c           what both learn per TCP connection: which side is the client (§4.1)
 */
#ifndef WSLAB_DISSECTOR_WSLAB_PLUGIN_H
#define WSLAB_DISSECTOR_WSLAB_PLUGIN_H

#include <epan/packet.h>
#include <wireshark.h>

#include "rfc6455_rules.h"

void proto_register_wslab_rooms(void);
void proto_reg_handoff_wslab_rooms(void);
void proto_register_wslab6455(void);
void proto_reg_handoff_wslab6455(void);

/* The protocol that owns the per-connection record (registered by rfc6455_check.c). */
extern int proto_wslab6455;
/* Preference wslab6455.server_port: the server's TCP port when no handshake was captured. */
extern guint wslab_pref_server_port;

/* What we know about one TCP connection. */
struct wslab_conv {
  gboolean have_client; /* the opening handshake's request was seen */
  address client_addr;  /* the side that sent the HTTP request is the client (RFC 6455 §4.1) */
  guint32 client_port;
  guint32 handshake_frame;
  gboolean deflate; /* the server's response accepted permessage-deflate (RFC 7692) */
};

/* The record of pinfo's TCP connection; NULL if there is none and create is FALSE. */
struct wslab_conv* wslab_conv_get(packet_info* pinfo, gboolean create);

/* Who sent this packet. Rule: the side that sent the opening handshake's HTTP request is the
 * client; with no handshake captured, the side using port wslab6455.server_port is the server;
 * otherwise unknown. *how (if not NULL) receives a short explanation. */
enum wslab_direction wslab_direction_of(packet_info* pinfo, const char** how);

const char* wslab_direction_text(enum wslab_direction dir);

#endif
