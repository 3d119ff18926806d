// The `wslab.follow.v1` subprotocol: what `wslab serve --follow FILE` sends.
// One JSON object (RFC 8259) per WebSocket text message (RFC 6455 §5.6);
// the server ignores what clients send. On connect a subscriber gets
//
//   {"type":"follow","file":"app.log","epoch":1732320000123,"state":"following","backlog":2}
//   {"type":"line","n":41,"text":"...","backlog":true}      (exactly `backlog` of these)
//   {"type":"line","n":42,"text":"...","backlog":true}
//
// and then, live, every line appended to the file and every change of file:
//
//   {"type":"line","n":43,"text":"GET / 200"}               ("cut":true when too long)
//   {"type":"reset","reason":"rotated"}   a new file at the path: read from its start
//   {"type":"reset","reason":"truncated"} the file shrank: read again from its start
//   {"type":"reset","reason":"removed"}   no file at the path; lines resume when one appears
//                                         (that is announced as "rotated")
//
// `n` numbers the lines of the stream from 1 since the server started; `epoch`
// (the server's start time, Unix ms) changes when the server restarts, so a
// client that reconnects can drop the backlog lines it already shows (same
// epoch, n <= last n seen). `state` is "following" or "missing" (no file yet).
// Lines are bytes; invalid UTF-8 (RFC 3629) is replaced by U+FFFD so that
// every message is a valid text message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "wslab/net/follow_lines.hpp"

namespace wslab::net {

inline constexpr std::string_view kFollowSubprotocol = "wslab.follow.v1";

// Appends `bytes` as a JSON string literal (quotes included): `"` `\` and
// control characters escaped, each invalid UTF-8 byte replaced by U+FFFD.
void append_json_string(std::string& out, std::string_view bytes);

std::string encode_follow_hello(std::string_view file, std::uint64_t epoch, bool file_present,
                                std::size_t backlog);
std::string encode_follow_line(const NumberedLine& line, bool from_backlog);
std::string encode_follow_reset(std::string_view reason);

}  // namespace wslab::net
