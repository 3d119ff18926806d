// ws:// URLs (RFC 6455 §3): host, port (default 80) and resource name.
// wss:// is recognised only to be refused: the reference peer speaks plain TCP.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wslab::refpeer {

struct WsUrl {
  std::string host;  // "127.0.0.1", "localhost", "::1" (brackets removed)
  std::uint16_t port = 80;
  std::string resource = "/";  // path and query, "/" when the URL has none
};

// Parses "ws://host[:port][/path][?query]". On failure returns nullopt and,
// if error is non-null, says what is wrong. Fragments (#...) are refused (§3).
std::optional<WsUrl> parse_ws_url(std::string_view url, std::string* error = nullptr);

}  // namespace wslab::refpeer
