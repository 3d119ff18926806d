/* wslab: the dissector of the `wslab.rooms.v1` WebSocket subprotocol (docs/rooms-protocol.md).
 *
 * Wireshark's WebSocket dissector hands us each data message, unmasked and reassembled, when the
 * server's 101 response selected `wslab.rooms.v1` (table ws.protocol), when the server port is
 * preference wslab.ws_port (table ws.port), or when our "ws" heuristic recognises a rooms object.
 * A message is one JSON object (§2); it is tokenised by Wireshark's jsmn (wsutil/wsjson.h), checked
 * strictly (json_check.c), shown member by member, and held against the message table
 * (rooms_schema.c): a missing or unknown `type`, a message sent in the wrong direction, and missing
 * or ill-typed members each raise an expert info.
 */
#include <epan/expert.h>
#include <epan/prefs.h>
#include <wsutil/wsjson.h>

#include "json_check.h"
#include "rooms_schema.h"
#include "wslab_plugin.h"

#define ROOMS_SUBPROTOCOL "wslab.rooms.v1"
#define ROOMS_MAX_DEPTH 16                                /* §2 */
#define ROOMS_MAX_INT ((G_GUINT64_CONSTANT(1) << 53) - 1) /* §2: integers are in 0 .. 2^53-1 */

static int proto_wslab = -1;

static int hf_type = -1;
static int hf_room = -1;
static int hf_user = -1;
static int hf_name = -1;
static int hf_from = -1;
static int hf_to = -1;
static int hf_text = -1;
static int hf_seq = -1;
static int hf_since = -1;
static int hf_ts = -1;
static int hf_ref = -1;
static int hf_active = -1;
static int hf_action = -1;
static int hf_reason = -1;
static int hf_code = -1;
static int hf_message = -1;
static int hf_request = -1;
static int hf_protocol = -1;
static int hf_member = -1;
static int hf_history = -1;
static int hf_replayed = -1;
static int hf_truncated = -1;
static int hf_reset = -1;
static int hf_limits = -1;
static int hf_limit = -1;
static int hf_other = -1;

static gint ett_wslab = -1;
static gint ett_limits = -1;

static expert_field ei_bad_json = EI_INIT;
static expert_field ei_no_type = EI_INIT;
static expert_field ei_unknown_type = EI_INIT;
static expert_field ei_wrong_direction = EI_INIT;
static expert_field ei_missing_member = EI_INIT;
static expert_field ei_bad_member = EI_INIT;

static dissector_handle_t wslab_handle;
static dissector_handle_t json_handle;
static guint pref_ws_port = 0;
static gboolean pref_json_tree = TRUE;

/* How a member is displayed. */
enum shape { SH_STRING, SH_UINT, SH_TIME, SH_BOOL, SH_REF, SH_STRINGS, SH_OBJECT, SH_HISTORY };

struct member_field {
  const char* name;
  int* hf;
  enum shape shape;
  gboolean is_user; /* also shown as the hidden wslab.user */
};

static const struct member_field member_fields[] = {
    {"type", &hf_type, SH_STRING, FALSE},
    {"room", &hf_room, SH_STRING, FALSE},
    {"name", &hf_name, SH_STRING, TRUE},
    {"from", &hf_from, SH_STRING, TRUE},
    {"to", &hf_to, SH_STRING, TRUE},
    {"text", &hf_text, SH_STRING, FALSE},
    {"seq", &hf_seq, SH_UINT, FALSE},
    {"since", &hf_since, SH_UINT, FALSE},
    {"ts", &hf_ts, SH_TIME, FALSE},
    {"ref", &hf_ref, SH_REF, FALSE},
    {"active", &hf_active, SH_BOOL, FALSE},
    {"action", &hf_action, SH_STRING, FALSE},
    {"reason", &hf_reason, SH_STRING, FALSE},
    {"code", &hf_code, SH_STRING, FALSE},
    {"message", &hf_message, SH_STRING, FALSE},
    {"request", &hf_request, SH_STRING, FALSE},
    {"protocol", &hf_protocol, SH_STRING, FALSE},
    {"members", &hf_member, SH_STRINGS, TRUE},
    {"history", &hf_history, SH_HISTORY, FALSE},
    {"truncated", &hf_truncated, SH_BOOL, FALSE},
    {"reset", &hf_reset, SH_BOOL, FALSE},
    {"limits", &hf_limits, SH_OBJECT, FALSE},
};

/* One message, tokenised. Token offsets are tvb offsets: buf is a NUL-terminated copy of the tvb.
 */
struct msg {
  tvbuff_t* tvb;
  packet_info* pinfo;
  char* buf;
  guint len;
  jsmntok_t* tok;
  int ntok;
};

static gint outer_start(const jsmntok_t* t) {
  return t->type == JSMN_STRING ? t->start - 1 : t->start;
}
static gint outer_len(const jsmntok_t* t) {
  return t->type == JSMN_STRING ? t->end - t->start + 2 : t->end - t->start;
}

/* Tokenises and checks the message. Returns NULL when it is well-formed JSON, else the reason. */
static const char* parse_message(tvbuff_t* tvb, packet_info* pinfo, struct msg* m) {
  m->tvb = tvb;
  m->pinfo = pinfo;
  m->len = tvb_captured_length(tvb);
  m->buf = (char*)wmem_alloc(pinfo->pool, m->len + 1);
  tvb_memcpy(tvb, m->buf, 0, m->len);
  m->buf[m->len] = '\0';
  m->tok = NULL;
  m->ntok = 0;
  if (m->len == 0) return "an empty message";
  if (memchr(m->buf, '\0', m->len) != NULL) return "a NUL byte";
  if (!g_utf8_validate(m->buf, (gssize)m->len, NULL)) return "bytes that are not UTF-8";
  const int count = json_parse(m->buf, NULL, 0);
  if (count <= 0) return wslab_json_error_text(count);
  m->tok = wmem_alloc_array(pinfo->pool, jsmntok_t, (gsize)count);
  m->ntok = json_parse(m->buf, m->tok, (unsigned)count);
  if (m->ntok <= 0) return wslab_json_error_text(m->ntok);
  return wslab_json_check(m->buf, m->len, m->tok, m->ntok, ROOMS_MAX_DEPTH);
}

static const char* raw_text(const struct msg* m, const jsmntok_t* t) {
  return wmem_strndup(m->pinfo->pool, m->buf + outer_start(t), (gsize)outer_len(t));
}

/* The decoded value of a string token. */
static const char* string_value(const struct msg* m, const jsmntok_t* t) {
  char* s = wmem_strndup(m->pinfo->pool, m->buf + t->start, (gsize)(t->end - t->start));
  if (!json_decode_string_inplace(s)) return raw_text(m, t);
  return s;
}

static gboolean is_integer_text(const char* s, gsize n) {
  for (gsize i = 0; i < n; ++i) {
    if (s[i] == '.' || s[i] == 'e' || s[i] == 'E') return FALSE;
  }
  return n > 0 && (s[0] == '-' || g_ascii_isdigit(s[0]));
}

/* An integer 0 .. 2^53-1 (number syntax was already checked). */
static gboolean uint_value(const struct msg* m, const jsmntok_t* t, guint64* out) {
  if (t->type != JSMN_PRIMITIVE) return FALSE;
  const char* s = m->buf + t->start;
  const gsize n = (gsize)(t->end - t->start);
  if (!is_integer_text(s, n) || s[0] == '-' || n > 16) return FALSE;
  const guint64 v = g_ascii_strtoull(s, NULL, 10);
  if (v > ROOMS_MAX_INT) return FALSE;
  *out = v;
  return TRUE;
}

/* 1 for true, 0 for false, -1 otherwise. */
static int bool_value(const struct msg* m, const jsmntok_t* t) {
  if (t->type != JSMN_PRIMITIVE) return -1;
  if (m->buf[t->start] == 't') return 1;
  if (m->buf[t->start] == 'f') return 0;
  return -1;
}

static gboolean kind_matches(const struct msg* m, int v, enum wslab_kind kind) {
  const jsmntok_t* t = &m->tok[v];
  guint64 u;
  switch (kind) {
    case WSLAB_K_STRING:
      return t->type == JSMN_STRING;
    case WSLAB_K_UINT:
      return uint_value(m, t, &u);
    case WSLAB_K_BOOL:
      return bool_value(m, t) >= 0;
    case WSLAB_K_OBJECT:
      return t->type == JSMN_OBJECT;
    case WSLAB_K_REF:
      if (t->type == JSMN_STRING) return strlen(string_value(m, t)) <= 64;
      if (t->type == JSMN_PRIMITIVE &&
          is_integer_text(m->buf + t->start, (gsize)(t->end - t->start))) {
        const char* s = m->buf + t->start;
        return uint_value(m, t, &u) || (s[0] == '-' && t->end - t->start <= 17 &&
                                        g_ascii_strtoull(s + 1, NULL, 10) <= ROOMS_MAX_INT);
      }
      return FALSE;
    case WSLAB_K_STRINGS: {
      if (t->type != JSMN_ARRAY) return FALSE;
      int e = v + 1;
      for (int k = 0; k < t->size; ++k) {
        if (m->tok[e].type != JSMN_STRING) return FALSE;
        e = wslab_json_skip(m->tok, m->ntok, e);
      }
      return TRUE;
    }
  }
  return FALSE;
}

static void add_user(const struct msg* m, proto_tree* st, const jsmntok_t* t, const char* value) {
  proto_item* u = proto_tree_add_string(st, hf_user, m->tvb, outer_start(t), outer_len(t), value);
  proto_item_set_generated(u);
  proto_item_set_hidden(u);
}

static void add_other(const struct msg* m, proto_tree* st, const char* key, const jsmntok_t* t) {
  const char* raw = raw_text(m, t);
  proto_tree_add_string_format(st, hf_other, m->tvb, outer_start(t), outer_len(t),
                               wmem_strdup_printf(m->pinfo->pool, "%s=%s", key, raw), "%s: %s", key,
                               raw);
}

/* Shows the member whose key is token k and value token v. */
static void add_member(const struct msg* m, proto_tree* st, int k, int v) {
  const char* key = string_value(m, &m->tok[k]);
  const jsmntok_t* t = &m->tok[v];
  const struct member_field* f = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS(member_fields); ++i) {
    if (strcmp(member_fields[i].name, key) == 0) f = &member_fields[i];
  }
  if (f == NULL) {
    add_other(m, st, key, t);
    return;
  }
  const gint start = outer_start(t);
  const gint len = outer_len(t);
  guint64 u;
  switch (f->shape) {
    case SH_STRING:
      if (t->type != JSMN_STRING) break;
      proto_tree_add_string(st, *f->hf, m->tvb, start, len, string_value(m, t));
      if (f->is_user) add_user(m, st, t, string_value(m, t));
      return;
    case SH_UINT:
      if (!uint_value(m, t, &u)) break;
      proto_tree_add_uint64(st, *f->hf, m->tvb, start, len, u);
      return;
    case SH_TIME: {
      if (!uint_value(m, t, &u)) break;
      nstime_t ts;
      ts.secs = (time_t)(u / 1000);
      ts.nsecs = (int)(u % 1000) * 1000000;
      proto_tree_add_time(st, *f->hf, m->tvb, start, len, &ts);
      return;
    }
    case SH_BOOL:
      if (bool_value(m, t) < 0) break;
      proto_tree_add_boolean(st, *f->hf, m->tvb, start, len, (guint32)bool_value(m, t));
      return;
    case SH_HISTORY: /* a count in `joined`, true on replayed `message`s (§5.2, §5.4) */
      if (bool_value(m, t) >= 0) {
        proto_tree_add_boolean(st, hf_replayed, m->tvb, start, len, (guint32)bool_value(m, t));
        return;
      }
      if (!uint_value(m, t, &u) || u > G_MAXUINT32) break;
      proto_tree_add_uint(st, hf_history, m->tvb, start, len, (guint32)u);
      return;
    case SH_REF:
      if (t->type != JSMN_STRING && t->type != JSMN_PRIMITIVE) break;
      proto_tree_add_string(st, hf_ref, m->tvb, start, len,
                            t->type == JSMN_STRING ? string_value(m, t) : raw_text(m, t));
      return;
    case SH_STRINGS: {
      if (t->type != JSMN_ARRAY) break;
      int e = v + 1;
      for (int i = 0; i < t->size; ++i) {
        const jsmntok_t* el = &m->tok[e];
        if (el->type == JSMN_STRING) {
          proto_tree_add_string(st, *f->hf, m->tvb, outer_start(el), outer_len(el),
                                string_value(m, el));
          if (f->is_user) add_user(m, st, el, string_value(m, el));
        } else {
          add_other(m, st, key, el);
        }
        e = wslab_json_skip(m->tok, m->ntok, e);
      }
      return;
    }
    case SH_OBJECT: {
      if (t->type != JSMN_OBJECT) break;
      proto_item* li = proto_tree_add_item(st, *f->hf, m->tvb, start, len, ENC_NA);
      proto_tree* lt = proto_item_add_subtree(li, ett_limits);
      int e = v + 1;
      for (int i = 0; i < t->size; ++i) {
        const char* name = string_value(m, &m->tok[e]);
        const jsmntok_t* val = &m->tok[e + 1];
        const char* text = val->type == JSMN_STRING ? string_value(m, val) : raw_text(m, val);
        proto_tree_add_string_format(lt, hf_limit, m->tvb, outer_start(&m->tok[e]),
                                     outer_start(val) + outer_len(val) - outer_start(&m->tok[e]),
                                     wmem_strdup_printf(m->pinfo->pool, "%s=%s", name, text),
                                     "%s: %s", name, text);
        e = wslab_json_skip(m->tok, m->ntok, e + 1);
      }
      return;
    }
  }
  add_other(m, st, key, t); /* a known name with a value of another JSON type */
}

/* Index of the value of member `name` of the top-level object, or -1. */
static int find_member(const struct msg* m, const char* name) {
  int e = 1;
  for (int i = 0; i < m->tok[0].size && e + 1 < m->ntok; ++i) {
    if (strcmp(string_value(m, &m->tok[e]), name) == 0) return e + 1;
    e = wslab_json_skip(m->tok, m->ntok, e + 1);
  }
  return -1;
}

static const char* check_type(const struct msg* m, proto_item* ti, enum wslab_direction dir) {
  packet_info* pinfo = m->pinfo;
  const int tv = find_member(m, "type");
  if (tv < 0) {
    expert_add_info_format(pinfo, ti, &ei_no_type,
                           "Rooms message has no \"type\" member (rooms protocol §2)");
    return "[no type]";
  }
  if (m->tok[tv].type != JSMN_STRING) {
    expert_add_info_format(pinfo, ti, &ei_no_type, "Rooms message \"type\" is %s, not a string",
                           raw_text(m, &m->tok[tv]));
    return "[no type]";
  }
  const char* type = string_value(m, &m->tok[tv]);
  if (!wslab_rooms_type_known(type, WSLAB_DIR_UNKNOWN)) {
    expert_add_info_format(pinfo, ti, &ei_unknown_type, "Unknown rooms message type \"%s\"", type);
    return wmem_strdup_printf(pinfo->pool, "%s [unknown type]", type);
  }
  if (dir != WSLAB_DIR_UNKNOWN && !wslab_rooms_type_known(type, dir)) {
    expert_add_info_format(
        pinfo, ti, &ei_wrong_direction, "\"%s\" is a %s message but was sent %s", type,
        wslab_direction_text(dir == WSLAB_DIR_CLIENT_TO_SERVER ? WSLAB_DIR_SERVER_TO_CLIENT
                                                               : WSLAB_DIR_CLIENT_TO_SERVER),
        wslab_direction_text(dir));
    return wmem_strdup_printf(pinfo->pool, "%s [wrong direction]", type);
  }
  const struct wslab_message_rule* rule = wslab_rooms_rule(type, dir);
  if (rule == NULL) return type; /* private/typing with an unknown direction */
  for (unsigned i = 0; i < rule->n_members; ++i) {
    const struct wslab_member_rule* r = &rule->members[i];
    const int v = find_member(m, r->name);
    if (v < 0) {
      if (r->required) {
        expert_add_info_format(pinfo, ti, &ei_missing_member,
                               "\"%s\" lacks the required member \"%s\"", type, r->name);
      }
    } else if (!kind_matches(m, v, r->kind)) {
      expert_add_info_format(pinfo, ti, &ei_bad_member, "\"%s\" in \"%s\" must be %s, not %s",
                             r->name, type, wslab_kind_text(r->kind), raw_text(m, &m->tok[v]));
    }
  }
  return type;
}

/* The Info column: type, then whichever of room, #seq, name/from, -> to, code, action and text
 * the message has, e.g. `message lobby #1 alice-2: I am alice`. */
static const char* summary(const struct msg* m, const char* type_info) {
  wmem_strbuf_t* sb = wmem_strbuf_new(m->pinfo->pool, type_info);
  static const char* const parts[][2] = {{"room", " "},   {"seq", " #"},  {"name", " "},
                                         {"from", " "},   {"to", " -> "}, {"code", " "},
                                         {"action", " "}, {"text", ": "}};
  for (gsize i = 0; i < G_N_ELEMENTS(parts); ++i) {
    const int v = find_member(m, parts[i][0]);
    if (v < 0) continue;
    const jsmntok_t* t = &m->tok[v];
    guint64 u;
    if (t->type == JSMN_STRING) {
      const char* text = string_value(m, t);
      if (g_utf8_strlen(text, -1) > 40) {
        text = wmem_strdup_printf(m->pinfo->pool, "%s...", g_utf8_substring(text, 0, 37));
      }
      wmem_strbuf_append_printf(sb, "%s%s", parts[i][1], text);
    } else if (uint_value(m, t, &u)) {
      wmem_strbuf_append_printf(sb, "%s%" G_GUINT64_FORMAT, parts[i][1], u);
    }
  }
  return wmem_strbuf_get_str(sb);
}

static int dissect_rooms_message(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, struct msg* m,
                                 const char* json_error) {
  proto_item* ti = proto_tree_add_item(tree, proto_wslab, tvb, 0, -1, ENC_NA);
  proto_tree* st = proto_item_add_subtree(ti, ett_wslab);
  const char* info;
  if (json_error != NULL) {
    expert_add_info_format(pinfo, ti, &ei_bad_json, "Not valid JSON: %s", json_error);
    info = "[bad JSON]";
  } else if (m->tok[0].type != JSMN_OBJECT) {
    expert_add_info_format(pinfo, ti, &ei_bad_json,
                           "Not a JSON object: a message must be one object");
    info = "[not an object]";
  } else {
    int e = 1;
    for (int i = 0; i < m->tok[0].size; ++i) {
      add_member(m, st, e, e + 1);
      e = wslab_json_skip(m->tok, m->ntok, e + 1);
    }
    info = summary(m, check_type(m, ti, wslab_direction_of(pinfo, NULL)));
    if (pref_json_tree && json_handle != NULL)
      call_dissector_only(json_handle, tvb, pinfo, tree, NULL);
  }
  proto_item_append_text(ti, ": %s", info);
  col_set_str(pinfo->cinfo, COL_PROTOCOL, "WSLAB");
  /* The fence keeps this text when more WebSocket frames follow in the same packet. */
  col_add_fstr(pinfo->cinfo, COL_INFO, "Rooms %s ", info);
  col_set_fence(pinfo->cinfo, COL_INFO);
  return (int)tvb_captured_length(tvb);
}

static int dissect_wslab_rooms(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                               void* data _U_) {
  struct msg m;
  const char* json_error = parse_message(tvb, pinfo, &m);
  return dissect_rooms_message(tvb, pinfo, tree, &m, json_error);
}

/* For connections whose handshake was not captured or selected no subprotocol: a JSON object
 * whose "type" is a rooms message type. */
static gboolean dissect_wslab_heur(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                                   void* data _U_) {
  const guint len = tvb_captured_length(tvb);
  if (len < 2 || len > 65536) return FALSE;
  guint first = 0;
  while (first < len && g_ascii_isspace(tvb_get_guint8(tvb, first))) ++first;
  if (first >= len || tvb_get_guint8(tvb, first) != '{') return FALSE;
  struct msg m;
  if (parse_message(tvb, pinfo, &m) != NULL || m.tok[0].type != JSMN_OBJECT) return FALSE;
  const int tv = find_member(&m, "type");
  if (tv < 0 || m.tok[tv].type != JSMN_STRING) return FALSE;
  if (!wslab_rooms_type_known(string_value(&m, &m.tok[tv]), WSLAB_DIR_UNKNOWN)) return FALSE;
  dissect_rooms_message(tvb, pinfo, tree, &m, NULL);
  return TRUE;
}

void proto_register_wslab_rooms(void) {
  static hf_register_info hf[] = {
      {&hf_type, {"Message type", "wslab.type", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_room, {"Room", "wslab.room", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_user,
       {"User", "wslab.user", FT_STRING, BASE_NONE, NULL, 0x0,
        "Any user name in the message (name, from, to, members)", HFILL}},
      {&hf_name, {"Name", "wslab.name", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_from, {"From", "wslab.from", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_to, {"To", "wslab.to", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_text, {"Text", "wslab.text", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_seq, {"Sequence number", "wslab.seq", FT_UINT64, BASE_DEC, NULL, 0x0, NULL, HFILL}},
      {&hf_since, {"Since", "wslab.since", FT_UINT64, BASE_DEC, NULL, 0x0, NULL, HFILL}},
      {&hf_ts,
       {"Server time", "wslab.ts", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0, NULL, HFILL}},
      {&hf_ref, {"Ref", "wslab.ref", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_active, {"Typing", "wslab.active", FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_action,
       {"Presence action", "wslab.action", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_reason, {"Leave reason", "wslab.reason", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_code, {"Error code", "wslab.code", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_message,
       {"Error message", "wslab.message", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_request,
       {"Failed request type", "wslab.request", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_protocol, {"Protocol", "wslab.protocol", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_member, {"Member", "wslab.member", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_history,
       {"History messages", "wslab.history", FT_UINT32, BASE_DEC, NULL, 0x0,
        "Replayed messages that follow this joined", HFILL}},
      {&hf_replayed,
       {"Replayed", "wslab.replayed", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
        "A history message replayed after joined", HFILL}},
      {&hf_truncated,
       {"Truncated", "wslab.truncated", FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_reset, {"Reset", "wslab.reset", FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_limits, {"Limits", "wslab.limits", FT_NONE, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_limit, {"Limit", "wslab.limit", FT_STRING, BASE_NONE, NULL, 0x0, "name=value", HFILL}},
      {&hf_other,
       {"Other member", "wslab.other", FT_STRING, BASE_NONE, NULL, 0x0,
        "A member this protocol does not define (ignored by peers), or of an unexpected JSON type",
        HFILL}},
  };
  static gint* ett[] = {&ett_wslab, &ett_limits};
  static ei_register_info ei[] = {
      {&ei_bad_json, {"wslab.bad_json", PI_MALFORMED, PI_WARN, "Not a JSON object", EXPFILL}},
      {&ei_no_type, {"wslab.no_type", PI_PROTOCOL, PI_WARN, "No string \"type\" member", EXPFILL}},
      {&ei_unknown_type,
       {"wslab.unknown_type", PI_PROTOCOL, PI_WARN, "Unknown message type", EXPFILL}},
      {&ei_wrong_direction,
       {"wslab.wrong_direction", PI_PROTOCOL, PI_WARN, "Message type sent in the wrong direction",
        EXPFILL}},
      {&ei_missing_member,
       {"wslab.missing_member", PI_PROTOCOL, PI_WARN, "Required member missing", EXPFILL}},
      {&ei_bad_member,
       {"wslab.bad_member", PI_PROTOCOL, PI_WARN, "Member of the wrong JSON type", EXPFILL}},
  };

  proto_wslab = proto_register_protocol("WS Lab Rooms (wslab.rooms.v1)", "WSLAB", "wslab");
  proto_register_field_array(proto_wslab, hf, array_length(hf));
  proto_register_subtree_array(ett, array_length(ett));
  expert_module_t* em = expert_register_protocol(proto_wslab);
  expert_register_field_array(em, ei, array_length(ei));
  wslab_handle = register_dissector("wslab", dissect_wslab_rooms, proto_wslab);

  module_t* m = prefs_register_protocol(proto_wslab, proto_reg_handoff_wslab_rooms);
  prefs_register_uint_preference(
      m, "ws_port", "Rooms server TCP port",
      "Decode WebSocket messages to or from this TCP port as wslab.rooms.v1 even when the "
      "handshake is missing or selected no subprotocol (0: off)",
      10, &pref_ws_port);
  prefs_register_bool_preference(m, "json_tree", "Show the JSON tree",
                                 "Also run Wireshark's JSON dissector on each message",
                                 &pref_json_tree);
}

void proto_reg_handoff_wslab_rooms(void) {
  static gboolean initialized = FALSE;
  static guint registered_port = 0;
  if (!initialized) {
    dissector_add_string("ws.protocol", ROOMS_SUBPROTOCOL, wslab_handle);
    heur_dissector_add("ws", dissect_wslab_heur, "WS Lab rooms messages over WebSocket", "wslab_ws",
                       proto_wslab, HEURISTIC_ENABLE);
    json_handle = find_dissector_add_dependency("json", proto_wslab);
    initialized = TRUE;
  }
  if (registered_port != 0) dissector_delete_uint("ws.port", registered_port, wslab_handle);
  registered_port = pref_ws_port;
  if (registered_port != 0) dissector_add_uint("ws.port", registered_port, wslab_handle);
}
