// The opening handshake, both roles (RFC 6455 §4.1, §4.2).
#include "wslab/handshake.hpp"

#include <algorithm>

#include "wslab/crypto.hpp"

namespace wslab {
namespace {

std::string_view trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// Splits a comma-separated list, dropping empty elements (RFC 9110 §5.6.1).
std::vector<std::string> split_list(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto item = trim(list.substr(0, comma));
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

ServerHandshake refuse(HandshakeError error, int status, std::string reason,
                       const ServerHandshakePolicy& policy, std::vector<HttpHeader> extra = {}) {
  ServerHandshake hs;
  hs.error = error;
  hs.status = status;
  hs.response = build_http_response(status, "text/plain; charset=utf-8", reason + "\n",
                                    policy.server_name, extra);
  hs.reason = std::move(reason);
  return hs;
}

// 426 always names what to upgrade to (RFC 9110 §15.5.22 requires an Upgrade
// header) and the version we speak (RFC 6455 §4.4).
ServerHandshake upgrade_required(std::string reason, const ServerHandshakePolicy& policy) {
  return refuse(HandshakeError::kUpgradeRequired, 426, std::move(reason), policy,
                {{"Upgrade", "websocket"}, {"Sec-WebSocket-Version", "13"}});
}

}  // namespace

std::string compute_accept(std::string_view sec_websocket_key) {
  // key (24 chars from any sane client) + GUID (36): keep it on the stack.
  char buf[128];
  if (sec_websocket_key.size() + kWebSocketGuid.size() <= sizeof(buf)) {
    std::copy(sec_websocket_key.begin(), sec_websocket_key.end(), buf);
    std::copy(kWebSocketGuid.begin(), kWebSocketGuid.end(), buf + sec_websocket_key.size());
    const auto digest =
        sha1(std::string_view(buf, sec_websocket_key.size() + kWebSocketGuid.size()));
    return base64_encode(
        std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
  }
  std::string joined(sec_websocket_key);
  joined.append(kWebSocketGuid);
  const auto digest = sha1(joined);
  return base64_encode(
      std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 426:
      return "Upgrade Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

std::string_view request_path(std::string_view target) {
  if (!target.empty() && target.front() == '/') {
    return target.substr(0, target.find_first_of("?#"));
  }
  // absolute-form (RFC 9112 §3.2.2), which §4.2.1(1) allows: scheme "://" authority path
  const auto scheme_end = target.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return {};
  auto rest = target.substr(scheme_end + 3);
  const auto slash = rest.find_first_of("/?#");
  if (slash == std::string_view::npos) return "/";
  rest.remove_prefix(slash);
  if (rest.front() != '/') return "/";
  return rest.substr(0, rest.find_first_of("?#"));
}

std::vector<std::string> offered_subprotocols(const HttpRequest& request) {
  return split_list(request.headers.joined("Sec-WebSocket-Protocol"));
}

std::string build_accept_response(std::string_view sec_websocket_key, std::string_view subprotocol,
                                  std::string_view server_name,
                                  const std::vector<HttpHeader>& extra) {
  std::string out;
  out.reserve(160 + subprotocol.size());
  out.append("HTTP/1.1 101 Switching Protocols\r\n");
  append_header(out, "Upgrade", "websocket");
  append_header(out, "Connection", "Upgrade");
  append_header(out, "Sec-WebSocket-Accept", compute_accept(sec_websocket_key));
  if (!subprotocol.empty()) append_header(out, "Sec-WebSocket-Protocol", subprotocol);
  if (!server_name.empty()) append_header(out, "Server", server_name);
  for (const auto& h : extra) append_header(out, h.name, h.value);
  out.append("\r\n");
  return out;
}

std::string build_http_response(int status, std::string_view content_type, std::string_view body,
                                std::string_view server_name,
                                const std::vector<HttpHeader>& extra) {
  std::string out;
  out.reserve(160 + body.size());
  out.append("HTTP/1.1 ").append(std::to_string(status)).append(" ");
  out.append(reason_phrase(status)).append("\r\n");
  if (!server_name.empty()) append_header(out, "Server", server_name);
  for (const auto& h : extra) append_header(out, h.name, h.value);
  if (!content_type.empty()) append_header(out, "Content-Type", content_type);
  append_header(out, "Content-Length", std::to_string(body.size()));
  append_header(out, "Connection", "close");
  out.append("\r\n");
  out.append(body);
  return out;
}

ServerHandshake accept_handshake(const HttpRequest& request, const ServerHandshakePolicy& policy) {
  const auto& h = request.headers;
  // §4.2.1(1): the method MUST be GET; 405 must list the allowed methods (RFC 9110 §15.5.6).
  if (request.method != "GET") {
    return refuse(HandshakeError::kMethodNotAllowed, 405,
                  "the opening handshake must be a GET request (RFC 6455 §4.2.1 item 1), got " +
                      request.method,
                  policy, {{"Allow", "GET"}});
  }
  if (request.version_major != 1 || request.version_minor < 1) {
    return refuse(HandshakeError::kBadRequest, 400,
                  "the opening handshake needs HTTP/1.1 or later (RFC 6455 §4.2.1 item 1)", policy);
  }
  if (request_path(request.target).empty()) {
    return refuse(HandshakeError::kBadRequest, 400,
                  "the request-target must be a path or an absolute URI (RFC 6455 §4.2.1 item 1)",
                  policy);
  }
  // §4.2.1(2); RFC 9112 §3.2: exactly one Host.
  if (h.count("Host") != 1) {
    return refuse(HandshakeError::kBadRequest, 400,
                  h.count("Host") == 0 ? "missing Host header (RFC 6455 §4.2.1 item 2)"
                                       : "more than one Host header (RFC 9112 §3.2)",
                  policy);
  }
  // §4.2.1(3). A request without any Upgrade header is a plain HTTP request to a
  // WebSocket-only resource: 426 says "this resource needs an upgrade" and names
  // it (RFC 9110 §15.5.22 requires the Upgrade header in a 426). A request that
  // asks to upgrade to something else (h2c) is a malformed handshake: 400.
  if (h.count("Upgrade") == 0) {
    return upgrade_required(
        "this resource is a WebSocket endpoint: send Upgrade: websocket "
        "(RFC 6455 §4.2.1 item 3)",
        policy);
  }
  if (!header_has_token(h.joined("Upgrade"), "websocket")) {
    return refuse(HandshakeError::kBadRequest, 400,
                  "the Upgrade header must contain \"websocket\" (RFC 6455 §4.2.1 item 3)", policy);
  }
  // §4.2.1(4): Connection is a token list ("keep-alive, Upgrade").
  if (!header_has_token(h.joined("Connection"), "upgrade")) {
    return refuse(
        HandshakeError::kBadRequest, 400,
        "the Connection header must contain the token \"Upgrade\" (RFC 6455 §4.2.1 item 4)",
        policy);
  }
  // §4.2.1(6), §11.3.5 (at most once), §4.4 (answer with the versions we support).
  const auto versions = h.count("Sec-WebSocket-Version");
  if (versions > 1) {
    return refuse(HandshakeError::kBadRequest, 400,
                  "Sec-WebSocket-Version must appear only once (RFC 6455 §11.3.5)", policy);
  }
  if (versions == 0 || *h.get("Sec-WebSocket-Version") != "13") {
    return upgrade_required(
        versions == 0
            ? "missing Sec-WebSocket-Version; this server speaks 13 (RFC 6455 §4.2.1 item 6)"
            : "unsupported Sec-WebSocket-Version \"" +
                  std::string(*h.get("Sec-WebSocket-Version")) +
                  "\"; this server speaks 13 (RFC 6455 §4.4)",
        policy);
  }
  // §4.2.1(5), §11.3.1 (only once).
  const auto keys = h.count("Sec-WebSocket-Key");
  if (keys != 1) {
    return refuse(HandshakeError::kBadRequest, 400,
                  keys == 0 ? "missing Sec-WebSocket-Key (RFC 6455 §4.2.1 item 5)"
                            : "Sec-WebSocket-Key must appear only once (RFC 6455 §11.3.1)",
                  policy);
  }
  const auto key = *h.get("Sec-WebSocket-Key");
  const auto decoded = base64_decode(key);
  if (!decoded || decoded->size() != 16) {
    return refuse(
        HandshakeError::kBadRequest, 400,
        "Sec-WebSocket-Key must be the base64 encoding of 16 bytes (RFC 6455 §4.2.1 item 5)",
        policy);
  }
  // §4.2.2 /resource name/: a resource we do not serve gets 404.
  const auto path = request_path(request.target);
  if (!policy.paths.empty() &&
      std::find(policy.paths.begin(), policy.paths.end(), path) == policy.paths.end()) {
    return refuse(HandshakeError::kNotFound, 404,
                  "no WebSocket service at " + std::string(path) + " (RFC 6455 §4.2.2)", policy);
  }
  // §4.2.2 /origin/, §10.2: a request without Origin is not from a browser; accept it.
  if (!policy.allowed_origins.empty()) {
    if (const auto origin = h.get("Origin")) {
      const bool allowed = std::any_of(policy.allowed_origins.begin(), policy.allowed_origins.end(),
                                       [&](const std::string& o) { return iequals(o, *origin); });
      if (!allowed) {
        return refuse(HandshakeError::kForbidden, 403,
                      "Origin " + std::string(*origin) + " is not allowed (RFC 6455 §10.2)",
                      policy);
      }
    }
  }
  // §4.2.2 /subprotocol/: our first preference among those the client offered; none is fine.
  ServerHandshake hs;
  if (!policy.subprotocols.empty() && h.count("Sec-WebSocket-Protocol") > 0) {
    const auto offered = offered_subprotocols(request);
    for (const auto& ours : policy.subprotocols) {
      if (std::find(offered.begin(), offered.end(), ours) != offered.end()) {
        hs.subprotocol = ours;
        break;
      }
    }
  }
  // §4.2.2 /extensions/: we implement none, so Sec-WebSocket-Extensions is never answered.
  hs.status = 101;
  hs.reason = "Switching Protocols";
  hs.response = build_accept_response(key, hs.subprotocol, policy.server_name);
  return hs;
}

ServerHandshake reject_unparsable(const ParseOutcome& outcome,
                                  const ServerHandshakePolicy& policy) {
  if (outcome.state == ParseState::kTooLarge) {
    return refuse(HandshakeError::kHeadersTooLarge, 431,
                  outcome.error.empty() ? "request head too large" : outcome.error, policy);
  }
  return refuse(
      HandshakeError::kBadRequest, 400,
      "malformed HTTP request: " + (outcome.error.empty() ? "parse error" : outcome.error), policy);
}

std::string generate_key() {
  std::uint8_t nonce[16];
  random_bytes(nonce, sizeof(nonce));
  return base64_encode(std::string_view(reinterpret_cast<const char*>(nonce), sizeof(nonce)));
}

std::string build_request(ClientHandshakeRequest& request) {
  if (request.key.empty()) request.key = generate_key();
  std::string out;
  out.reserve(192 + request.path.size() + request.host.size());
  out.append("GET ").append(request.path.empty() ? "/" : request.path).append(" HTTP/1.1\r\n");
  append_header(out, "Host", request.host);
  append_header(out, "Upgrade", "websocket");
  append_header(out, "Connection", "Upgrade");
  append_header(out, "Sec-WebSocket-Key", request.key);
  append_header(out, "Sec-WebSocket-Version", "13");
  if (!request.origin.empty()) append_header(out, "Origin", request.origin);
  if (!request.subprotocols.empty()) {
    std::string list;
    for (const auto& p : request.subprotocols) {
      if (!list.empty()) list += ", ";
      list += p;
    }
    append_header(out, "Sec-WebSocket-Protocol", list);
  }
  for (const auto& h : request.extra_headers) append_header(out, h.name, h.value);
  out.append("\r\n");
  return out;
}

Result<ClientHandshakeResult> validate_response(const HttpResponse& response,
                                                const ClientHandshakeRequest& sent) {
  const auto& h = response.headers;
  // §4.1 client checks, item 1: anything but 101 means no WebSocket.
  if (response.status != 101) {
    return Error{"expected status 101, got " + std::to_string(response.status) + " " +
                 response.reason + " (RFC 6455 §4.1)"};
  }
  // item 2: Upgrade is exactly "websocket", case-insensitively.
  const auto upgrade = h.get("Upgrade");
  if (!upgrade || !iequals(*upgrade, "websocket")) {
    return Error{"the 101 response lacks \"Upgrade: websocket\" (RFC 6455 §4.1)"};
  }
  // item 3: Connection contains the token "Upgrade".
  if (!header_has_token(h.joined("Connection"), "upgrade")) {
    return Error{"the 101 response lacks \"Connection: Upgrade\" (RFC 6455 §4.1)"};
  }
  // item 4: Sec-WebSocket-Accept, once (§11.3.3), equal to base64(SHA-1(key + GUID)).
  if (h.count("Sec-WebSocket-Accept") != 1) {
    return Error{"the 101 response must carry exactly one Sec-WebSocket-Accept (RFC 6455 §4.1)"};
  }
  const auto expected = compute_accept(sent.key);
  if (*h.get("Sec-WebSocket-Accept") != expected) {
    return Error{"wrong Sec-WebSocket-Accept \"" + std::string(*h.get("Sec-WebSocket-Accept")) +
                 "\", expected \"" + expected + "\" (RFC 6455 §4.1)"};
  }
  // item 5: no extension we did not offer; we offer none.
  if (h.count("Sec-WebSocket-Extensions") > 0 &&
      !split_list(h.joined("Sec-WebSocket-Extensions")).empty()) {
    return Error{"the server accepted extension \"" + h.joined("Sec-WebSocket-Extensions") +
                 "\" that we did not offer (RFC 6455 §4.1)"};
  }
  // item 6: at most one subprotocol (§11.3.4), and one we offered.
  ClientHandshakeResult result;
  const auto protocols = h.count("Sec-WebSocket-Protocol");
  if (protocols > 1) {
    return Error{"the 101 response names more than one subprotocol (RFC 6455 §11.3.4)"};
  }
  if (protocols == 1) {
    const std::string chosen(*h.get("Sec-WebSocket-Protocol"));
    if (std::find(sent.subprotocols.begin(), sent.subprotocols.end(), chosen) ==
        sent.subprotocols.end()) {
      return Error{"the server selected subprotocol \"" + chosen +
                   "\" that we did not offer (RFC 6455 §4.1)"};
    }
    result.subprotocol = chosen;
  }
  return result;
}

}  // namespace wslab
