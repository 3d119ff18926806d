#include "wslab/net/url.hpp"

#include <cctype>

namespace wslab::net {

namespace {
bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}
}  // namespace

std::string WsUrl::host_header() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != 80) h += ":" + std::to_string(port);
  return h;
}

Result<WsUrl> parse_ws_url(std::string_view url) {
  if (starts_with_ci(url, "wss://")) {
    return Error{"wss:// (TLS) is not supported by wslab; use ws://"};
  }
  if (!starts_with_ci(url, "ws://")) {
    return Error{"not a ws:// URL: '" + std::string(url) + "'"};
  }
  std::string_view rest = url.substr(5);
  if (rest.find('#') != std::string_view::npos) {
    return Error{"a WebSocket URL must not contain a fragment ('#') (RFC 6455 §3)"};
  }
  std::size_t path_at = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_at);
  std::string_view resource = path_at == std::string_view::npos ? "" : rest.substr(path_at);
  if (authority.find('@') != std::string_view::npos) {
    return Error{"user information ('user@host') is not allowed in a ws:// URL"};
  }
  WsUrl out;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return Error{"unterminated IPv6 literal in URL"};
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Error{"unexpected text after IPv6 literal in URL"};
      port_text = after.substr(1);
      if (port_text.empty()) return Error{"empty port in URL"};
    }
  } else {
    std::size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return Error{"empty port in URL"};
    }
  }
  if (out.host.empty()) return Error{"missing host in URL '" + std::string(url) + "'"};
  if (!port_text.empty()) {
    unsigned long port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9') return Error{"invalid port '" + std::string(port_text) + "'"};
      port = port * 10 + static_cast<unsigned long>(c - '0');
      if (port > 65535) return Error{"port out of range: " + std::string(port_text)};
    }
    if (port == 0) return Error{"port 0 is not a valid destination"};
    out.port = static_cast<std::uint16_t>(port);
  }
  if (resource.empty()) {
    out.resource = "/";
  } else if (resource.front() == '?') {
    out.resource = "/" + std::string(resource);
  } else {
    out.resource = std::string(resource);
  }
  return out;
}

}  // namespace wslab::net
