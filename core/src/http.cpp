// Incremental HTTP/1.1 head parsing (RFC 9112 §2-§5) for the opening handshake.
#include "wslab/http.hpp"

#include <algorithm>
#include <cstring>

namespace wslab {
namespace {

bool is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}
// VCHAR or obs-text: what a request-target may contain.
bool is_target_char(unsigned char c) {
  return c > 0x20 && c != 0x7F;
}
// field-value / reason-phrase octets: HTAB, SP, VCHAR, obs-text (RFC 9110 §5.5).
bool is_field_char(unsigned char c) {
  return c == '\t' || (c >= 0x20 && c != 0x7F);
}
bool is_ows(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim_ows(std::string_view v) {
  while (!v.empty() && is_ows(v.front())) v.remove_prefix(1);
  while (!v.empty() && is_ows(v.back())) v.remove_suffix(1);
  return v;
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

ParseOutcome error(std::string what) {
  ParseOutcome o;
  o.state = ParseState::kError;
  o.error = std::move(what);
  return o;
}

ParseOutcome too_large(std::size_t max) {
  ParseOutcome o;
  o.state = ParseState::kTooLarge;
  o.error = "request head exceeds " + std::to_string(max) + " bytes";
  return o;
}

// "HTTP/" DIGIT "." DIGIT
bool parse_version(std::string_view v, int& major, int& minor) {
  if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || v[6] != '.') return false;
  if (v[5] < '0' || v[5] > '9' || v[7] < '0' || v[7] > '9') return false;
  major = v[5] - '0';
  minor = v[7] - '0';
  return true;
}

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 60)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7F) ? c : '?';
  }
  return out;
}

// method SP request-target SP HTTP-version (RFC 9112 §3)
std::string parse_request_line(std::string_view line, HttpRequest& out) {
  const auto sp1 = line.find(' ');
  if (sp1 == std::string_view::npos)
    return "request line has no spaces: \"" + printable(line) + "\"";
  const auto sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return "request line needs method, target and version";
  const auto method = line.substr(0, sp1);
  const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto version = line.substr(sp2 + 1);
  if (method.empty() || !std::all_of(method.begin(), method.end(), [](char c) {
        return is_tchar(static_cast<unsigned char>(c));
      }))
    return "invalid method \"" + printable(method) + "\"";
  if (target.empty() || !std::all_of(target.begin(), target.end(), [](char c) {
        return is_target_char(static_cast<unsigned char>(c));
      }))
    return "invalid request-target \"" + printable(target) + "\"";
  if (!parse_version(version, out.version_major, out.version_minor))
    return "invalid HTTP version \"" + printable(version) + "\"";
  out.method = std::string(method);
  out.target = std::string(target);
  return {};
}

// HTTP-version SP 3DIGIT SP [reason-phrase] (RFC 9112 §4); a missing final SP is tolerated.
std::string parse_status_line(std::string_view line, HttpResponse& out) {
  if (line.size() < 12 || line[8] != ' ') return "invalid status line \"" + printable(line) + "\"";
  if (!parse_version(line.substr(0, 8), out.version_major, out.version_minor))
    return "invalid HTTP version in status line \"" + printable(line) + "\"";
  int status = 0;
  for (std::size_t i = 9; i < 12; ++i) {
    if (line[i] < '0' || line[i] > '9') return "invalid status code in \"" + printable(line) + "\"";
    status = status * 10 + (line[i] - '0');
  }
  if (line.size() > 12 && line[12] != ' ') return "invalid status line \"" + printable(line) + "\"";
  const auto reason = line.size() > 13 ? line.substr(13) : std::string_view{};
  if (!std::all_of(reason.begin(), reason.end(),
                   [](char c) { return is_field_char(static_cast<unsigned char>(c)); }))
    return "invalid reason phrase";
  out.status = status;
  out.reason = std::string(reason);
  return {};
}

// field-name ":" OWS field-value OWS (RFC 9112 §5)
std::string parse_header_line(std::string_view line, HttpHeaders& out) {
  if (is_ows(line.front())) return "obsolete line folding is not allowed (RFC 9112 §5.2)";
  const auto colon = line.find(':');
  if (colon == std::string_view::npos)
    return "header line without a colon: \"" + printable(line) + "\"";
  const auto name = line.substr(0, colon);
  if (name.empty()) return "header line with an empty name";
  for (char c : name) {
    if (is_ows(c)) return "whitespace between header name and colon (RFC 9112 §5.1)";
    if (!is_tchar(static_cast<unsigned char>(c)))
      return "invalid character in header name \"" + printable(name) + "\"";
  }
  const auto value = trim_ows(line.substr(colon + 1));
  for (char c : value) {
    if (!is_field_char(static_cast<unsigned char>(c)))
      return "invalid character in the value of header \"" + std::string(name) + "\"";
  }
  out.add(std::string(name), std::string(value));
  return {};
}

// RFC 9112 §3: a request-line starts with the method, a token (RFC 9110 §9.1, §5.6.2),
// then SP. Before the line ends we can already refuse a byte that no method may hold
// (e.g. 0x16, the first byte of a TLS ClientHello).
std::string check_method_start(std::string_view buffer) {
  for (std::size_t i = 0; i < buffer.size(); ++i) {
    const auto c = static_cast<unsigned char>(buffer[i]);
    if (c == ' ') return i == 0 ? "request line starts with a space (empty method)" : std::string();
    if (!is_tchar(c)) {
      return "invalid method: byte 0x" + std::string(1, "0123456789abcdef"[c >> 4]) +
             std::string(1, "0123456789abcdef"[c & 0xF]) +
             " cannot be part of an HTTP method (RFC 9110 §5.6.2)";
    }
  }
  return {};
}

// Checks what we can before the head is complete, so garbage is refused at once
// instead of waiting for a blank line that may never come.
std::string check_partial(std::string_view buffer, bool request) {
  const auto lf = buffer.find('\n');
  if (lf == std::string_view::npos) return request ? check_method_start(buffer) : std::string();
  if (lf == 0 || buffer[lf - 1] != '\r') return "line not terminated by CRLF";
  const auto line = buffer.substr(0, lf - 1);
  if (line.empty()) return "empty start line";
  if (request) {
    HttpRequest scratch;
    return parse_request_line(line, scratch);
  }
  HttpResponse scratch;
  return parse_status_line(line, scratch);
}

template <typename StartLine>
ParseOutcome parse_head(std::string_view buffer, std::size_t max, bool request,
                        HttpHeaders& headers, StartLine&& start_line) {
  const auto window = buffer.substr(0, std::min(buffer.size(), max));
  const auto end = window.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (auto what = check_partial(buffer, request); !what.empty()) return error(std::move(what));
    if (buffer.size() >= max) return too_large(max);
    return {};
  }
  const std::size_t head_bytes = end + 4;
  std::string_view rest = buffer.substr(0, end + 2);  // every line with its CRLF
  bool first = true;
  while (!rest.empty()) {
    const auto lf = rest.find('\n');
    if (lf == 0 || rest[lf - 1] != '\r') return error("line not terminated by CRLF");
    const auto line = rest.substr(0, lf - 1);
    rest.remove_prefix(lf + 1);
    if (line.find('\r') != std::string_view::npos) return error("bare CR inside a line");
    std::string what;
    if (first) {
      if (line.empty()) return error("empty start line");
      what = start_line(line);
      first = false;
    } else {
      what = parse_header_line(line, headers);
    }
    if (!what.empty()) return error(std::move(what));
  }
  ParseOutcome ok;
  ok.state = ParseState::kComplete;
  ok.head_bytes = head_bytes;
  return ok;
}

}  // namespace

void HttpHeaders::add(std::string name, std::string value) {
  headers_.push_back({std::move(name), std::move(value)});
}

std::optional<std::string_view> HttpHeaders::get(std::string_view name) const {
  for (const auto& h : headers_) {
    if (iequals(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

std::size_t HttpHeaders::count(std::string_view name) const {
  return static_cast<std::size_t>(
      std::count_if(headers_.begin(), headers_.end(),
                    [&](const HttpHeader& h) { return iequals(h.name, name); }));
}

std::string HttpHeaders::joined(std::string_view name) const {
  std::string out;
  for (const auto& h : headers_) {
    if (!iequals(h.name, name)) continue;
    if (!out.empty()) out += ", ";
    out += h.value;
  }
  return out;
}

ParseOutcome parse_request(std::string_view buffer, HttpRequest& out, std::size_t max_head_bytes) {
  out = HttpRequest{};
  return parse_head(buffer, max_head_bytes, true, out.headers,
                    [&](std::string_view line) { return parse_request_line(line, out); });
}

ParseOutcome parse_response(std::string_view buffer, HttpResponse& out,
                            std::size_t max_head_bytes) {
  out = HttpResponse{};
  return parse_head(buffer, max_head_bytes, false, out.headers,
                    [&](std::string_view line) { return parse_status_line(line, out); });
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool header_has_token(std::string_view comma_list, std::string_view token) {
  while (true) {
    const auto comma = comma_list.find(',');
    if (iequals(trim_ows(comma_list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) return false;
    comma_list.remove_prefix(comma + 1);
  }
}

}  // namespace wslab
