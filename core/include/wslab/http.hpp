// Incremental HTTP/1.1 message-head parsing for the opening handshake
// (RFC 6455 §4.1, §4.2.1; RFC 9112 §2-§5). Modelled on picohttpparser:
// the caller keeps appending bytes to one buffer and calls parse again; the
// parser answers "need more", "complete (head is N bytes)" or "error".
// Only the head is parsed: bytes after the blank line belong to the caller
// (a WebSocket frame may arrive in the same segment as the request).
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

class HttpHeaders {
 public:
  void add(std::string name, std::string value);
  // First value of a header, matched case-insensitively.
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
  // How many times a header appears (duplicates matter for Sec-WebSocket-Key).
  [[nodiscard]] std::size_t count(std::string_view name) const;
  // All values of a header joined as one comma-separated list (RFC 9110 §5.3).
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

// Parse a request head from the start of `buffer`. kTooLarge when no complete
// head fits within `max_head_bytes` (the server answers 431).
ParseOutcome parse_request(std::string_view buffer, HttpRequest& out,
                           std::size_t max_head_bytes = 8192);
ParseOutcome parse_response(std::string_view buffer, HttpResponse& out,
                            std::size_t max_head_bytes = 8192);

// Case-insensitive ASCII comparison, and "does this comma list contain token".
bool iequals(std::string_view a, std::string_view b);
bool header_has_token(std::string_view comma_list, std::string_view token);

}  // namespace wslab
