// STARTER (lab 1, steps 1-2): incremental HTTP/1.1 message-head parsing for the
// opening handshake (RFC 6455 §4.1, §4.2.1; RFC 9112 §2-§5). You write the
// bodies in labs/starter/src/http.cpp; the handout is labs/01-handshake/README.md.
//
// The model is picohttpparser: the caller keeps appending bytes to ONE buffer
// and calls parse_request() again on the whole buffer; the parser answers
// "need more", "complete (the head is N bytes)", "error" or "too large". Only
// the head is parsed: bytes after the blank line belong to the caller (a
// WebSocket frame may arrive in the same TCP segment as the request).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wslab {

struct HttpHeader {
  std::string name;   // as sent (case preserved)
  std::string value;  // leading and trailing whitespace (OWS) trimmed
};

// The header fields of one message, in the order they arrived.
// (lab 1, step 1)
class HttpHeaders {
 public:
  // Appends one field. Duplicates are kept: they matter (two Sec-WebSocket-Key
  // headers make a bad request, RFC 6455 §11.3.1).
  void add(std::string name, std::string value);
  // The value of the FIRST field with this name, compared case-insensitively
  // (RFC 9110 §5.1: field names are case-insensitive). nullopt when absent.
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
  // How many fields have this name (case-insensitive).
  [[nodiscard]] std::size_t count(std::string_view name) const;
  // Every value of this name joined with ", " in arrival order (RFC 9110 §5.3:
  // "Connection: keep-alive" + "Connection: Upgrade" is the list
  // "keep-alive, Upgrade"). "" when absent.
  [[nodiscard]] std::string joined(std::string_view name) const;
  [[nodiscard]] const std::vector<HttpHeader>& all() const { return headers_; }

 private:
  std::vector<HttpHeader> headers_;
};

struct HttpRequest {
  std::string method;
  std::string target;  // request-target as sent, e.g. "/chat?x=1"
  int version_major = 1;
  int version_minor = 1;
  HttpHeaders headers;
};

struct HttpResponse {
  int version_major = 1;
  int version_minor = 1;
  int status = 0;
  std::string reason;
  HttpHeaders headers;
};

enum class ParseState { kNeedMore, kComplete, kError, kTooLarge };

struct ParseOutcome {
  ParseState state = ParseState::kNeedMore;
  std::size_t head_bytes = 0;  // kComplete: length of the head including the blank line
  std::string error;           // kError / kTooLarge: what was wrong, for a human
};

// (lab 1, step 2) Parse a request head from the start of `buffer` into `out`
// (reset `out` first). The head ends at the first CRLF CRLF.
//  - kNeedMore: no blank line yet and nothing wrong so far.
//  - kComplete: head_bytes = offset just past the blank line; out is filled.
//  - kError: a malformed head, with a human message in `error`. Check the
//    request line as soon as its CRLF arrived (do not wait for the blank line
//    to refuse "HELLO WEBSOCKET\r\n"). Rules (RFC 9112): request-line =
//    method SP request-target SP HTTP-version; method is a token (tchar:
//    letters, digits, !#$%&'*+-.^_`|~); the target has no spaces or controls;
//    version is exactly "HTTP/" DIGIT "." DIGIT; every line ends in CRLF (a bare
//    LF or CR is an error); a header line is name ":" OWS value OWS, the name a
//    token with no whitespace before the colon (§5.1), no obsolete line folding
//    (a line starting with SP or HTAB, §5.2); values are trimmed of SP/HTAB.
//  - kTooLarge: no complete head within the first `max_head_bytes` bytes (the
//    server then answers 431).
ParseOutcome parse_request(std::string_view buffer, HttpRequest& out,
                           std::size_t max_head_bytes = 8192);
// The same for a response head (client side): status-line = HTTP-version SP
// 3DIGIT SP [reason-phrase] (RFC 9112 §4; tolerate a missing final SP).
ParseOutcome parse_response(std::string_view buffer, HttpResponse& out,
                            std::size_t max_head_bytes = 8192);

// (lab 1, step 1) Case-insensitive ASCII comparison: iequals("Upgrade", "UPGRADE").
bool iequals(std::string_view a, std::string_view b);
// (lab 1, step 1) Does this comma-separated list contain `token`, compared
// case-insensitively after trimming SP/HTAB around each element?
// header_has_token("keep-alive, Upgrade", "upgrade") == true.
bool header_has_token(std::string_view comma_list, std::string_view token);

}  // namespace wslab
