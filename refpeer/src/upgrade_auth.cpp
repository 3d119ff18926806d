#include "upgrade_auth.hpp"

#include <libwebsockets.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

namespace wslab::refpeer::detail {
namespace {

// One fragment of a parsed header (lws keeps repeated headers and the query's
// "name=value" pairs as a chain of fragments); nullopt past the last one.
std::optional<std::string> fragment(lws* wsi, lws_token_indexes token, int index) {
  const int len = lws_hdr_fragment_length(wsi, token, index);
  if (len <= 0) return std::nullopt;
  std::string out(static_cast<std::size_t>(len) + 1, '\0');
  const int n = lws_hdr_copy_fragment(wsi, out.data(), len + 1, token, index);
  if (n < 0) return std::nullopt;
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 3986 §2.3 unreserved characters stay; every other byte becomes %XX.
std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

bool add_header(lws* wsi, std::string_view name, std::string_view value, unsigned char** p,
                unsigned char* end) {
  const std::string with_colon = std::string(name) + ":";
  return lws_add_http_header_by_name(wsi,
                                     reinterpret_cast<const unsigned char*>(with_colon.c_str()),
                                     reinterpret_cast<const unsigned char*>(value.data()),
                                     static_cast<int>(value.size()), p, end) == 0;
}

// RFC 9110 §15 reason phrases of the statuses rooms::check_upgrade answers.
std::string_view reason_phrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    default:
      return "Error";
  }
}

}  // namespace

std::vector<std::string> offered_subprotocols(lws* wsi) {
  std::vector<std::string> names;
  for (int i = 0;; ++i) {
    const auto value = fragment(wsi, WSI_TOKEN_PROTOCOL, i);
    if (!value) break;
    std::string_view rest = *value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view name = trim_ows(rest.substr(0, comma));
      if (!name.empty()) names.emplace_back(name);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return names;
}

std::string request_target(lws* wsi) {
  std::string target = fragment(wsi, WSI_TOKEN_GET_URI, 0).value_or("/");
  for (int i = 0;; ++i) {
    const auto pair = fragment(wsi, WSI_TOKEN_HTTP_URI_ARGS, i);
    if (!pair) break;
    const auto eq = pair->find('=');
    target += i == 0 ? '?' : '&';
    target += percent_encode(std::string_view(*pair).substr(0, eq));
    if (eq != std::string::npos) {
      target += '=';
      target += percent_encode(std::string_view(*pair).substr(eq + 1));
    }
  }
  return target;
}

int refuse_upgrade(lws* wsi, const rooms::UpgradeVerdict& verdict) {
  std::vector<unsigned char> head(LWS_PRE + 1024);
  unsigned char* const start = head.data() + LWS_PRE;
  unsigned char* p = start;
  unsigned char* const end = head.data() + head.size() - 1;
  // The status line is written here, not by lws_add_http_header_status: at
  // this point lws has not yet recorded the request's HTTP version and would
  // answer "HTTP/1.0" to an HTTP/1.1 request.
  const std::string status_line = "HTTP/1.1 " + std::to_string(verdict.status) + " " +
                                  std::string(reason_phrase(verdict.status)) + "\r\n";
  bool ok = status_line.size() < static_cast<std::size_t>(end - p);
  if (ok) p = std::copy(status_line.begin(), status_line.end(), p);
  for (const HttpHeader& h : verdict.headers) ok = ok && add_header(wsi, h.name, h.value, &p, end);
  ok = ok && add_header(wsi, "Content-Type", "text/plain; charset=utf-8", &p, end);
  ok = ok && lws_add_http_header_content_length(wsi, verdict.reason.size(), &p, end) == 0;
  ok = ok && add_header(wsi, "Connection", "close", &p, end);
  ok = ok && lws_finalize_http_header(wsi, &p, end) == 0;
  if (!ok) return -1;
  const auto head_len = static_cast<std::size_t>(p - start);
  if (lws_write(wsi, start, head_len, LWS_WRITE_HTTP_HEADERS) != static_cast<int>(head_len)) {
    return -1;
  }
  if (!verdict.reason.empty()) {
    std::vector<unsigned char> body(LWS_PRE + verdict.reason.size());
    std::copy(verdict.reason.begin(), verdict.reason.end(), body.begin() + LWS_PRE);
    const int n =
        lws_write(wsi, body.data() + LWS_PRE, verdict.reason.size(), LWS_WRITE_HTTP_FINAL);
    if (n != static_cast<int>(verdict.reason.size())) return -1;
  }
  return 1;
}

}  // namespace wslab::refpeer::detail
