/* Per-TCP-connection facts shared by the rooms dissector and the RFC 6455 checker. */
#include <epan/conversation.h>

#include "wslab_plugin.h"

guint wslab_pref_server_port = 0;

struct wslab_conv* wslab_conv_get(packet_info* pinfo, gboolean create) {
  if (pinfo->ptype != PT_TCP) return NULL;
  conversation_t* conv =
      create ? find_or_create_conversation(pinfo) : find_conversation_pinfo(pinfo, 0);
  if (conv == NULL) return NULL;
  struct wslab_conv* c = (struct wslab_conv*)conversation_get_proto_data(conv, proto_wslab6455);
  if (c == NULL && create) {
    c = wmem_new0(wmem_file_scope(), struct wslab_conv);
    conversation_add_proto_data(conv, proto_wslab6455, c);
  }
  return c;
}

enum wslab_direction wslab_direction_of(packet_info* pinfo, const char** how) {
  const struct wslab_conv* c = wslab_conv_get(pinfo, FALSE);
  if (c != NULL && c->have_client) {
    if (how != NULL) {
      *how =
          wmem_strdup_printf(pinfo->pool, "client = sender of the HTTP upgrade request in frame %u",
                             c->handshake_frame);
    }
    const gboolean from_client =
        addresses_equal(&pinfo->src, &c->client_addr) && pinfo->srcport == c->client_port;
    return from_client ? WSLAB_DIR_CLIENT_TO_SERVER : WSLAB_DIR_SERVER_TO_CLIENT;
  }
  if (wslab_pref_server_port != 0 && pinfo->ptype == PT_TCP) {
    if (how != NULL) {
      *how = wmem_strdup_printf(
          pinfo->pool, "no handshake captured; server = port %u (preference wslab6455.server_port)",
          wslab_pref_server_port);
    }
    if (pinfo->destport == wslab_pref_server_port) return WSLAB_DIR_CLIENT_TO_SERVER;
    if (pinfo->srcport == wslab_pref_server_port) return WSLAB_DIR_SERVER_TO_CLIENT;
  }
  if (how != NULL) *how = "no handshake captured and no server port set: masking not checked";
  return WSLAB_DIR_UNKNOWN;
}

const char* wslab_direction_text(enum wslab_direction dir) {
  switch (dir) {
    case WSLAB_DIR_CLIENT_TO_SERVER:
      return "client-to-server";
    case WSLAB_DIR_SERVER_TO_CLIENT:
      return "server-to-client";
    default:
      return "unknown";
  }
}
