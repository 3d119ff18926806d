/* wslab6455: a post-dissector that flags RFC 6455 violations, one verdict per WebSocket frame.
 *
 * How it finds the frames: Wireshark's own WebSocket dissector adds a `websocket.fin` item at the
 * first byte of every frame header it dissects (after TCP reassembly). We ask for that field with
 * set_postdissector_wanted_hfids(), and for each instance re-read the raw header bytes from the
 * item's data source (field_info.ds_tvb / start). Reading the raw bytes, rather than the decoded
 * websocket.* fields, shows exactly what was on the wire: the length form (7/16/64 bits) used, the
 * masking key, and a Close body before unmasking. Checks: RFC 6455 §5.1 (masking direction),
 * §5.2 (RSV bits, reserved opcodes, minimal length), §5.5 (control frames), §5.5.1 and §7.4
 * (Close body and code); RFC 7692 §6 for RSV1 under permessage-deflate.
 *
 * Direction: see wslab_direction_of() in conv.c. The handshake is learned here too: a packet with
 * an `http.request` item marks its sender as the client of that TCP connection, and an
 * `http.response` with a Sec-WebSocket-Extensions value naming permessage-deflate allows RSV1.
 */
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/proto.h>

#include "wslab_plugin.h"

int proto_wslab6455 = -1;

static int hf_direction = -1;
static int hf_direction_rule = -1;
static int hf_violations = -1;
static int hf_violation = -1;
static int hf_close_code = -1;
static gint ett_wslab6455 = -1;

static expert_field ei_rsv = EI_INIT;
static expert_field ei_reserved_opcode = EI_INIT;
static expert_field ei_control_fragmented = EI_INIT;
static expert_field ei_control_too_long = EI_INIT;
static expert_field ei_unmasked_client = EI_INIT;
static expert_field ei_masked_server = EI_INIT;
static expert_field ei_non_minimal_length = EI_INIT;
static expert_field ei_length_msb = EI_INIT;
static expert_field ei_close_one_byte = EI_INIT;
static expert_field ei_close_code = EI_INIT;
static expert_field ei_close_reason_utf8 = EI_INIT;

/* Fields of other dissectors we read (ids looked up in the handoff). */
static int hf_ws_fin = -1;
static int hf_http_request = -1;
static int hf_http_response = -1;
static int hf_http_extensions = -1;

static dissector_handle_t wslab6455_handle;

static const char* opcode_text(unsigned op) {
  switch (op) {
    case 0:
      return "continuation";
    case 1:
      return "text";
    case 2:
      return "binary";
    case 8:
      return "close";
    case 9:
      return "ping";
    case 10:
      return "pong";
    default:
      return wslab_is_control_opcode(op) ? "reserved control" : "reserved data";
  }
}

static gboolean has_field(proto_tree* tree, int hf) {
  if (hf < 0) return FALSE;
  GPtrArray* a = proto_get_finfo_ptr_array(tree, hf);
  return a != NULL && a->len > 0;
}

/* Remember the client (first HTTP request) and permessage-deflate (the server's answer). */
static void learn_handshake(packet_info* pinfo, proto_tree* tree) {
  if (pinfo->ptype != PT_TCP) return;
  if (has_field(tree, hf_http_request)) {
    struct wslab_conv* c = wslab_conv_get(pinfo, TRUE);
    if (c != NULL && !c->have_client) {
      c->have_client = TRUE;
      copy_address_wmem(wmem_file_scope(), &c->client_addr, &pinfo->src);
      c->client_port = pinfo->srcport;
      c->handshake_frame = pinfo->num;
    }
  }
  if (has_field(tree, hf_http_response) && has_field(tree, hf_http_extensions)) {
    GPtrArray* ext = proto_get_finfo_ptr_array(tree, hf_http_extensions);
    for (guint i = 0; i < ext->len; ++i) {
      field_info* fi = (field_info*)g_ptr_array_index(ext, i);
      const char* value = fvalue_get_string(&fi->value);
      if (value != NULL && strstr(value, "permessage-deflate") != NULL) {
        struct wslab_conv* c = wslab_conv_get(pinfo, TRUE);
        if (c != NULL) c->deflate = TRUE;
      }
    }
  }
}

/* The violations of this packet's frames, for the Info column. */
static GString* info_names;

static void flag(packet_info* pinfo, proto_item* ti, proto_tree* st, expert_field* ei,
                 const char* name, const char* text) {
  proto_item* v = proto_tree_add_string(st, hf_violation, NULL, 0, 0, name);
  proto_item_set_generated(v);
  expert_add_info_format(pinfo, ti, ei, "%s", text);
  if (info_names != NULL)
    g_string_append_printf(info_names, "%s%s", info_names->len ? ", " : "", name);
}

/* Close body checks; the payload is unmasked here from the raw bytes. */
static guint check_close(tvbuff_t* ds, gint payload_start, const struct wslab_frame_header* h,
                         packet_info* pinfo, proto_item* ti, proto_tree* st) {
  const gint avail = tvb_captured_length_remaining(ds, payload_start);
  if (avail < 0 || (guint64)avail < h->payload_length || h->payload_length > 0xFFFF) return 0;
  const guint len = (guint)h->payload_length;
  guint8* body = (guint8*)tvb_memdup(pinfo->pool, ds, payload_start, len);
  if (h->masked) {
    for (guint i = 0; i < len; ++i) body[i] ^= h->mask_key[i & 3];
  }
  unsigned code = 0;
  guint n = 0;
  switch (wslab_check_close_body(body, len, &code)) {
    case WSLAB_CLOSE_ONE_BYTE:
      flag(
          pinfo, ti, st, &ei_close_one_byte, "close-one-byte",
          "Close payload of 1 byte: a body must start with a 2-byte status code (RFC 6455 §5.5.1)");
      return 1;
    case WSLAB_CLOSE_BAD_CODE:
      flag(pinfo, ti, st, &ei_close_code, "close-code",
           wmem_strdup_printf(pinfo->pool,
                              "Close code %u must not be sent in a Close frame (RFC 6455 §7.4)",
                              code));
      ++n;
      break;
    case WSLAB_CLOSE_OK:
      break;
  }
  if (len >= 2) {
    proto_item* ci = proto_tree_add_uint(st, hf_close_code, NULL, 0, 0, code);
    proto_item_set_generated(ci);
    if (!g_utf8_validate((const gchar*)body + 2, (gssize)(len - 2), NULL)) {
      flag(pinfo, ti, st, &ei_close_reason_utf8, "close-reason-utf8",
           "Close reason is not valid UTF-8 (RFC 6455 §5.5.1)");
      ++n;
    }
  }
  return n;
}

static guint check_frame(const field_info* fi, guint index, packet_info* pinfo, proto_tree* tree) {
  tvbuff_t* ds = fi->ds_tvb;
  if (ds == NULL) return 0;
  const gint avail = tvb_captured_length_remaining(ds, fi->start);
  if (avail < 2) return 0;
  guint8 raw[14];
  const guint take = avail < 14 ? (guint)avail : 14;
  tvb_memcpy(ds, raw, fi->start, take);
  struct wslab_frame_header h;
  if (wslab_parse_frame_header(raw, take, &h) == 0) return 0;

  const char* how = NULL;
  const enum wslab_direction dir = wslab_direction_of(pinfo, &how);
  const struct wslab_conv* c = wslab_conv_get(pinfo, FALSE);
  const gboolean deflate = c != NULL && c->deflate;
  const unsigned v = wslab_header_violations(&h, dir, deflate);

  proto_item* ti =
      proto_tree_add_item(tree, proto_wslab6455, ds, fi->start, (gint)h.header_length, ENC_NA);
  proto_item_append_text(ti, ", frame %u: %s, %s", index + 1, opcode_text(h.opcode),
                         wslab_direction_text(dir));
  proto_tree* st = proto_item_add_subtree(ti, ett_wslab6455);
  proto_item* di = proto_tree_add_string(st, hf_direction, NULL, 0, 0, wslab_direction_text(dir));
  proto_item_set_generated(di);
  di = proto_tree_add_string(st, hf_direction_rule, NULL, 0, 0, how);
  proto_item_set_generated(di);

  guint n = 0;
  if (v & WSLAB_V_RSV) {
    const char* text =
        deflate && (h.rsv & 0x4) && !(h.opcode == 1 || h.opcode == 2)
            ? wmem_strdup_printf(pinfo->pool,
                                 "RSV1 set on a %s frame: permessage-deflate allows it only on the "
                                 "first frame of a data message (RFC 7692 §6)",
                                 opcode_text(h.opcode))
            : wmem_strdup_printf(pinfo->pool,
                                 "Reserved bit%s%s%s%s set without a negotiated extension "
                                 "(RFC 6455 §5.2)",
                                 (h.rsv & (h.rsv - 1)) != 0 ? "s" : "", (h.rsv & 4) ? " RSV1" : "",
                                 (h.rsv & 2) ? " RSV2" : "", (h.rsv & 1) ? " RSV3" : "");
    flag(pinfo, ti, st, &ei_rsv, "rsv", text);
    ++n;
  }
  if (v & WSLAB_V_RESERVED_OPCODE) {
    flag(pinfo, ti, st, &ei_reserved_opcode, "reserved-opcode",
         wmem_strdup_printf(pinfo->pool, "Reserved opcode 0x%X (RFC 6455 §5.2)", h.opcode));
    ++n;
  }
  if (v & WSLAB_V_CONTROL_FRAGMENTED) {
    flag(pinfo, ti, st, &ei_control_fragmented, "control-fragmented",
         wmem_strdup_printf(pinfo->pool, "Fragmented control frame: %s with FIN=0 (RFC 6455 §5.5)",
                            opcode_text(h.opcode)));
    ++n;
  }
  if (v & WSLAB_V_CONTROL_TOO_LONG) {
    flag(pinfo, ti, st, &ei_control_too_long, "control-too-long",
         wmem_strdup_printf(pinfo->pool,
                            "Control frame payload of %" G_GUINT64_FORMAT
                            " bytes: at most 125 allowed (RFC 6455 §5.5)",
                            h.payload_length));
    ++n;
  }
  if (v & WSLAB_V_UNMASKED_CLIENT) {
    flag(pinfo, ti, st, &ei_unmasked_client, "unmasked-client-frame",
         "Unmasked frame from the client: clients must mask every frame (RFC 6455 §5.1)");
    ++n;
  }
  if (v & WSLAB_V_MASKED_SERVER) {
    flag(pinfo, ti, st, &ei_masked_server, "masked-server-frame",
         "Masked frame from the server: servers must not mask (RFC 6455 §5.1)");
    ++n;
  }
  if (v & WSLAB_V_NON_MINIMAL_LENGTH) {
    flag(pinfo, ti, st, &ei_non_minimal_length, "non-minimal-length",
         wmem_strdup_printf(
             pinfo->pool,
             "Payload length %" G_GUINT64_FORMAT
             " sent in the %u-bit form: the minimal encoding must be used (RFC 6455 §5.2)",
             h.payload_length, h.length_form));
    ++n;
  }
  if (v & WSLAB_V_LENGTH_MSB) {
    flag(pinfo, ti, st, &ei_length_msb, "length-msb",
         "64-bit payload length with the most significant bit set (RFC 6455 §5.2)");
    ++n;
  }
  if (h.opcode == 8) n += check_close(ds, fi->start + (gint)h.header_length, &h, pinfo, ti, st);

  proto_item* ni = proto_tree_add_uint(st, hf_violations, NULL, 0, 0, n);
  proto_item_set_generated(ni);
  if (n > 0) proto_item_append_text(ti, ", %u violation%s", n, n == 1 ? "" : "s");
  return n;
}

static int dissect_wslab6455(tvbuff_t* tvb _U_, packet_info* pinfo, proto_tree* tree,
                             void* data _U_) {
  if (tree == NULL) return 0;
  learn_handshake(pinfo, tree);
  GPtrArray* fins = hf_ws_fin < 0 ? NULL : proto_get_finfo_ptr_array(tree, hf_ws_fin);
  if (fins == NULL || fins->len == 0) return 0;
  info_names = g_string_new(NULL);
  guint total = 0;
  for (guint i = 0; i < fins->len; ++i) {
    total += check_frame((const field_info*)g_ptr_array_index(fins, i), i, pinfo, tree);
  }
  if (total > 0) col_append_fstr(pinfo->cinfo, COL_INFO, " [RFC 6455: %s]", info_names->str);
  g_string_free(info_names, TRUE);
  info_names = NULL;
  return 0;
}

void proto_register_wslab6455(void) {
  static hf_register_info hf[] = {
      {&hf_direction,
       {"Direction", "wslab6455.direction", FT_STRING, BASE_NONE, NULL, 0x0,
        "client-to-server, server-to-client or unknown", HFILL}},
      {&hf_direction_rule,
       {"Direction rule", "wslab6455.direction_rule", FT_STRING, BASE_NONE, NULL, 0x0,
        "How the direction was decided", HFILL}},
      {&hf_violations,
       {"Violations", "wslab6455.violations", FT_UINT32, BASE_DEC, NULL, 0x0,
        "Number of RFC 6455 rules this frame breaks", HFILL}},
      {&hf_violation,
       {"Violation", "wslab6455.violation", FT_STRING, BASE_NONE, NULL, 0x0,
        "Short name of a rule this frame breaks", HFILL}},
      {&hf_close_code,
       {"Close code", "wslab6455.close_code", FT_UINT16, BASE_DEC, NULL, 0x0,
        "Status code of a Close frame, unmasked", HFILL}},
  };
  static gint* ett[] = {&ett_wslab6455};
  static ei_register_info ei[] = {
      {&ei_rsv,
       {"wslab6455.rsv", PI_PROTOCOL, PI_ERROR, "RSV bits set without an extension", EXPFILL}},
      {&ei_reserved_opcode,
       {"wslab6455.reserved_opcode", PI_PROTOCOL, PI_ERROR, "Reserved opcode", EXPFILL}},
      {&ei_control_fragmented,
       {"wslab6455.control_fragmented", PI_PROTOCOL, PI_ERROR, "Fragmented control frame",
        EXPFILL}},
      {&ei_control_too_long,
       {"wslab6455.control_too_long", PI_PROTOCOL, PI_ERROR, "Control frame over 125 bytes",
        EXPFILL}},
      {&ei_unmasked_client,
       {"wslab6455.unmasked_client", PI_PROTOCOL, PI_ERROR, "Unmasked client frame", EXPFILL}},
      {&ei_masked_server,
       {"wslab6455.masked_server", PI_PROTOCOL, PI_ERROR, "Masked server frame", EXPFILL}},
      {&ei_non_minimal_length,
       {"wslab6455.non_minimal_length", PI_PROTOCOL, PI_ERROR, "Non-minimal payload length",
        EXPFILL}},
      {&ei_length_msb,
       {"wslab6455.length_msb", PI_PROTOCOL, PI_ERROR, "64-bit length with MSB set", EXPFILL}},
      {&ei_close_one_byte,
       {"wslab6455.close_one_byte", PI_PROTOCOL, PI_ERROR, "Close payload of 1 byte", EXPFILL}},
      {&ei_close_code,
       {"wslab6455.close_code_invalid", PI_PROTOCOL, PI_ERROR, "Close code not allowed on the wire",
        EXPFILL}},
      {&ei_close_reason_utf8,
       {"wslab6455.close_reason_utf8", PI_PROTOCOL, PI_ERROR, "Close reason not UTF-8", EXPFILL}},
  };

  proto_wslab6455 = proto_register_protocol("WS Lab RFC 6455 checks", "WSLAB-6455", "wslab6455");
  proto_register_field_array(proto_wslab6455, hf, array_length(hf));
  proto_register_subtree_array(ett, array_length(ett));
  expert_module_t* em = expert_register_protocol(proto_wslab6455);
  expert_register_field_array(em, ei, array_length(ei));

  module_t* m = prefs_register_protocol(proto_wslab6455, NULL);
  prefs_register_uint_preference(
      m, "server_port", "WebSocket server TCP port (no handshake captured)",
      "When a capture lacks the opening handshake, frames sent from this port are server frames "
      "and frames sent to it are client frames (0: unknown, masking is not checked)",
      10, &wslab_pref_server_port);

  wslab6455_handle = register_dissector("wslab6455", dissect_wslab6455, proto_wslab6455);
  register_postdissector(wslab6455_handle);
}

void proto_reg_handoff_wslab6455(void) {
  static int wanted[5];
  hf_ws_fin = proto_registrar_get_id_byname("websocket.fin");
  hf_http_request = proto_registrar_get_id_byname("http.request");
  hf_http_response = proto_registrar_get_id_byname("http.response");
  hf_http_extensions = proto_registrar_get_id_byname("http.sec_websocket_extensions");
  GArray* ids = g_array_new(FALSE, FALSE, (guint)sizeof(int));
  wanted[0] = hf_ws_fin;
  wanted[1] = hf_http_request;
  wanted[2] = hf_http_response;
  wanted[3] = hf_http_extensions;
  for (int i = 0; i < 4; ++i) {
    if (wanted[i] >= 0) g_array_append_val(ids, wanted[i]);
  }
  set_postdissector_wanted_hfids(wslab6455_handle, ids);
}
