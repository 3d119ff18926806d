#include "wslab/refpeer/ws_url.hpp"

#include <charconv>

namespace wslab::refpeer {
namespace {

bool starts_with_icase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

std::optional<WsUrl> fail(std::string* error, std::string why) {
  if (error != nullptr) *error = std::move(why);
  return std::nullopt;
}

}  // namespace

std::optional<WsUrl> parse_ws_url(std::string_view url, std::string* error) {
  if (starts_with_icase(url, "wss://")) {
    return fail(error, "wss:// is not supported by the reference peer (plain ws:// only)");
  }
  if (!starts_with_icase(url, "ws://")) {
    return fail(error, "URL must start with ws:// (got \"" + std::string(url) + "\")");
  }
  url.remove_prefix(5);
  if (url.find('#') != std::string_view::npos) {
    return fail(error, "a WebSocket URL must not contain a fragment (RFC 6455 §3)");
  }
  const std::size_t slash = url.find_first_of("/?");
  std::string_view authority = url.substr(0, slash);
  WsUrl out;
  if (slash != std::string_view::npos) {
    out.resource = std::string(url.substr(slash));
    if (out.resource.front() == '?') out.resource.insert(0, "/");
  }
  if (authority.find('@') != std::string_view::npos) {
    return fail(error, "user information in a ws:// URL is not supported");
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return fail(error, "unterminated IPv6 literal in URL");
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return fail(error, "unexpected text after the IPv6 literal");
      port_text = rest.substr(1);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) return fail(error, "URL has no host");
  if (!port_text.empty()) {
    unsigned value = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      return fail(error, "invalid port \"" + std::string(port_text) + "\" (1-65535)");
    }
    out.port = static_cast<std::uint16_t>(value);
  }
  return out;
}

}  // namespace wslab::refpeer
