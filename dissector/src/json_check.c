/* Strict RFC 8259 checks on jsmn tokens (see json_check.h). */
#include "json_check.h"

#include <string.h>

static int is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The outer byte range of a token: strings include their quotes. */
static int outer_start(const jsmntok_t* t) {
  return t->type == JSMN_STRING ? t->start - 1 : t->start;
}
static int outer_end(const jsmntok_t* t) {
  return t->type == JSMN_STRING ? t->end + 1 : t->end;
}

/* text[a, b) must be whitespace around exactly one `sep` (or only whitespace when sep is 0). */
static int gap_ok(const char* text, int a, int b, char sep) {
  int seen = 0;
  for (int i = a; i < b; ++i) {
    if (is_ws(text[i])) continue;
    if (sep != 0 && text[i] == sep && !seen) {
      seen = 1;
      continue;
    }
    return 0;
  }
  return sep == 0 || seen;
}

static int is_digit(char c) {
  return c >= '0' && c <= '9';
}

/* RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static int number_ok(const char* s, int n) {
  int i = 0;
  if (i < n && s[i] == '-') ++i;
  if (i >= n) return 0;
  if (s[i] == '0') {
    ++i;
  } else if (is_digit(s[i])) {
    while (i < n && is_digit(s[i])) ++i;
  } else {
    return 0;
  }
  if (i < n && s[i] == '.') {
    ++i;
    if (i >= n || !is_digit(s[i])) return 0;
    while (i < n && is_digit(s[i])) ++i;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= n || !is_digit(s[i])) return 0;
    while (i < n && is_digit(s[i])) ++i;
  }
  return i == n;
}

static int literal_is(const char* s, int n, const char* lit) {
  return (size_t)n == strlen(lit) && memcmp(s, lit, (size_t)n) == 0;
}

/* Raw control characters are not allowed inside a string (RFC 8259 §7). */
static int string_ok(const char* text, const jsmntok_t* t) {
  for (int k = t->start; k < t->end; ++k) {
    if ((unsigned char)text[k] < 0x20) return 0;
  }
  return 1;
}

struct walk {
  const char* text;
  const jsmntok_t* tok;
  int ntok;
  int max_depth;
  const char* why;
};

/* Checks the value at token i; returns the index after its subtree, or -1 (w->why says why). */
static int walk_value(struct walk* w, int i, int depth) {
  if (i >= w->ntok) {
    w->why = "a member or element has no value";
    return -1;
  }
  const jsmntok_t* t = &w->tok[i];
  const char* s = w->text + t->start;
  const int n = t->end - t->start;
  switch (t->type) {
    case JSMN_STRING:
      if (t->size != 0) { /* a string followed by ':' outside an object */
        w->why = "a colon outside an object";
        return -1;
      }
      if (!string_ok(w->text, t)) {
        w->why = "a raw control character inside a string";
        return -1;
      }
      return i + 1;
    case JSMN_PRIMITIVE:
      if (!(literal_is(s, n, "true") || literal_is(s, n, "false") || literal_is(s, n, "null") ||
            number_ok(s, n))) {
        w->why = "a bare word or a malformed number";
        return -1;
      }
      return i + 1;
    case JSMN_OBJECT:
    case JSMN_ARRAY: {
      const int is_object = t->type == JSMN_OBJECT;
      if (depth > w->max_depth) {
        w->why = "nested deeper than 16 levels";
        return -1;
      }
      int pos = t->start + 1; /* just after the bracket */
      int next = i + 1;
      for (int k = 0; k < t->size; ++k) {
        if (next >= w->ntok) {
          w->why = "a member or element has no value";
          return -1;
        }
        const jsmntok_t* c = &w->tok[next];
        if (!gap_ok(w->text, pos, outer_start(c), k == 0 ? 0 : ',')) {
          w->why =
              k == 0 ? "unexpected bytes after an opening bracket" : "a missing or doubled comma";
          return -1;
        }
        if (is_object) {
          if (c->type != JSMN_STRING) {
            w->why = "an object key that is not a string";
            return -1;
          }
          if (!string_ok(w->text, c)) {
            w->why = "a raw control character inside a string";
            return -1;
          }
          if (c->size != 1 || next + 1 >= w->ntok) {
            w->why = "an object member without a value";
            return -1;
          }
          const jsmntok_t* v = &w->tok[next + 1];
          if (!gap_ok(w->text, outer_end(c), outer_start(v), ':')) {
            w->why = "a missing colon after an object key";
            return -1;
          }
          next = walk_value(w, next + 1, depth + 1);
          if (next < 0) return -1;
          pos = outer_end(v);
        } else {
          next = walk_value(w, next, depth + 1);
          if (next < 0) return -1;
          pos = outer_end(c);
        }
      }
      if (!gap_ok(w->text, pos, t->end - 1, 0)) {
        w->why = t->size == 0 ? "stray bytes inside an empty object or array"
                              : "a trailing comma or stray bytes before a closing bracket";
        return -1;
      }
      return next;
    }
    default:
      w->why = "an undefined token";
      return -1;
  }
}

const char* wslab_json_check(const char* text, size_t len, const jsmntok_t* tok, int ntok,
                             int max_depth) {
  if (ntok <= 0) return "an empty message";
  struct walk w = {text, tok, ntok, max_depth, NULL};
  size_t first = 0;
  while (first < len && is_ws(text[first])) ++first;
  if ((size_t)outer_start(&tok[0]) != first) return "unexpected bytes before the value";
  const int after = walk_value(&w, 0, 1);
  if (after < 0) return w.why;
  for (size_t k = (size_t)outer_end(&tok[0]); k < len; ++k) {
    if (!is_ws(text[k])) return "more than one value, or bytes after the value";
  }
  if (after != ntok) return "more than one value, or bytes after the value";
  return NULL;
}

int wslab_json_skip(const jsmntok_t* tok, int ntok, int i) {
  if (i >= ntok) return ntok;
  const int n = tok[i].size;
  int next = i + 1;
  if (tok[i].type == JSMN_OBJECT) {
    for (int k = 0; k < n && next < ntok; ++k) next = wslab_json_skip(tok, ntok, next + 1);
  } else if (tok[i].type == JSMN_ARRAY) {
    for (int k = 0; k < n && next < ntok; ++k) next = wslab_json_skip(tok, ntok, next);
  }
  return next;
}

const char* wslab_json_error_text(int code) {
  switch (code) {
    case JSMN_ERROR_INVAL:
      return "an invalid character or escape";
    case JSMN_ERROR_PART:
      return "the text ends before the value does";
    case JSMN_ERROR_NOMEM:
      return "too many tokens";
    default:
      return "an empty message";
  }
}
