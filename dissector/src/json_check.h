/* Strict RFC 8259 checks on top of Wireshark's jsmn tokenizer (wsutil/wsjson.h).
 *
 * Wireshark 4.0's jsmn rejects bad characters and bad escapes but accepts some texts that are not
 * JSON: trailing commas ({"a":1,}), a key with no value ({"a"}), a missing colon ({"a" "b"}),
 * bare words and bad numbers as primitives ({"a":tru}, 01), raw control characters inside
 * strings, and several values in a row ({}{}). This file does not parse JSON: it walks the token
 * tree jsmn produced and checks the few bytes between tokens and inside primitives.
 * The rooms protocol (docs/rooms-protocol.md §2, §8) also limits nesting to 16 levels.
 */
#ifndef WSLAB_DISSECTOR_JSON_CHECK_H
#define WSLAB_DISSECTOR_JSON_CHECK_H

#include <stddef.h>
#include <wsutil/jsmn.h>

#ifdef __cplusplus
extern "C" {
#endif

/* `text` holds `len` bytes (NUL-terminated at text[len]); tok/ntok are json_parse()'s tokens of it.
 * Returns NULL when the text is one well-formed JSON value nested at most max_depth levels,
 * otherwise a short English reason (a static string). */
const char* wslab_json_check(const char* text, size_t len, const jsmntok_t* tok, int ntok,
                             int max_depth);

/* Index of the token after the subtree starting at tokens[i] (tokens already checked). */
int wslab_json_skip(const jsmntok_t* tok, int ntok, int i);

/* A jsmn error code of json_parse() in words. */
const char* wslab_json_error_text(int code);

#ifdef __cplusplus
}
#endif

#endif
