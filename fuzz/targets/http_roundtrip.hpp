// Helpers shared by the HTTP head fuzz targets (request and response): print a
// parsed head back as bytes (RFC 9112 §2-§5) and check the parser's
// incremental contract at every cut point.
#pragma once

#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "wslab/http.hpp"

namespace wslab::fuzz {

inline std::string render_headers(const HttpHeaders& headers) {
  std::string out;
  for (const auto& h : headers.all()) out += h.name + ": " + h.value + "\r\n";
  out += "\r\n";
  return out;
}

inline bool same_headers(const HttpHeaders& a, const HttpHeaders& b) {
  if (a.all().size() != b.all().size()) return false;
  for (std::size_t i = 0; i < a.all().size(); ++i) {
    if (a.all()[i].name != b.all()[i].name || a.all()[i].value != b.all()[i].value) return false;
  }
  return true;
}

// Every parsed header: a non-empty token name, a value with no surrounding
// whitespace and no CR, LF or NUL (what the parser promises its callers).
inline void check_headers(const HttpHeaders& headers) {
  for (const auto& h : headers.all()) {
    WSLAB_FUZZ_CHECK(!h.name.empty(), "empty header name accepted");
    WSLAB_FUZZ_CHECK(h.name.find_first_of(":\r\n \t") == std::string::npos,
                     "header name with a separator: " + printable(h.name));
    WSLAB_FUZZ_CHECK(h.value.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos,
                     "header value with CR/LF/NUL: " + printable(h.value));
    if (!h.value.empty()) {
      WSLAB_FUZZ_CHECK(h.value.front() != ' ' && h.value.front() != '\t' && h.value.back() != ' ' &&
                           h.value.back() != '\t',
                       "header value not trimmed: " + printable(h.value));
    }
    WSLAB_FUZZ_CHECK(headers.get(h.name).has_value(), "get() misses a header that is there");
    WSLAB_FUZZ_CHECK(headers.count(h.name) >= 1, "count() misses a header that is there");
  }
}

// The incremental contract (http.hpp): a prefix of a complete head is "need
// more"; an error on a prefix stays an error once more bytes arrive.
template <typename Parsed, typename ParseFn>
void check_prefixes(const ChoppedInput& in, const ParseOutcome& whole, std::size_t max,
                    ParseFn parse) {
  std::size_t cut = 0;
  for (std::string_view piece : in.pieces()) {
    cut += piece.size();
    if (cut >= in.stream.size()) break;
    Parsed scratch;
    const ParseOutcome part = parse(in.stream.substr(0, cut), scratch, max);
    if (whole.state == ParseState::kComplete && cut < whole.head_bytes) {
      WSLAB_FUZZ_CHECK(part.state == ParseState::kNeedMore,
                       "a prefix of a complete head (" + std::to_string(cut) + " of " +
                           std::to_string(whole.head_bytes) +
                           " bytes) was not 'need more': " + part.error);
    }
    if (part.state == ParseState::kError) {
      WSLAB_FUZZ_CHECK(whole.state == ParseState::kError,
                       "an error on a prefix went away with more bytes: " + part.error);
    }
    if (part.state == ParseState::kComplete) {
      WSLAB_FUZZ_CHECK(whole.state == ParseState::kComplete && whole.head_bytes == part.head_bytes,
                       "a head completed on a prefix but not on the whole buffer");
    }
  }
}

}  // namespace wslab::fuzz
