// ws:// URLs (RFC 6455 §3): ws-URI = "ws:" "//" host [ ":" port ] path [ "?" query ].
// The port defaults to 80. wss:// is recognised and refused with a clear
// message: the wslab client speaks plain TCP only. Fragments are not allowed
// in WebSocket URIs (§3) and are refused.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "wslab/result.hpp"

namespace wslab::net {

struct WsUrl {
  std::string host;  // without brackets for IPv6 literals
  std::uint16_t port = 80;
  std::string resource = "/";  // path + "?" + query, the request-target (§3 "resource name")
  // Host header value (§4.1 item 4): host, plus ":port" unless it is the default 80.
  [[nodiscard]] std::string host_header() const;
};

Result<WsUrl> parse_ws_url(std::string_view url);

}  // namespace wslab::net
