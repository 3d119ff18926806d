// STARTER (lab 1, steps 3-6): the opening handshake, both roles (RFC 6455 §4).
// Server: validate an upgrade request (§4.2.1) and produce the 101 or the right
// error response (§4.2.2, §4.4). Client: build the request (§4.1) and validate
// the server's answer (§4.1, "the client MUST _Fail the WebSocket Connection_
// if ..."). You write the bodies in labs/starter/src/handshake.cpp; the
// handout is labs/01-handshake/README.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wslab/http.hpp"
#include "wslab/result.hpp"

namespace wslab {

inline constexpr std::string_view kWebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// (step 3) base64(SHA-1(key + GUID)) (§4.2.2 item 5.4). The key is used
// exactly as given: do NOT base64-decode it, and base64 the 20 raw digest
// bytes (not a hex string). compute_accept("dGhlIHNhbXBsZSBub25jZQ==") ==
// "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" (the RFC's example, §1.3).
std::string compute_accept(std::string_view sec_websocket_key);

struct ServerHandshakePolicy {
  std::vector<std::string> subprotocols;     // offered by us, in preference order
  std::vector<std::string> allowed_origins;  // empty: any Origin (or none) accepted
  std::vector<std::string> paths;            // empty: any path; otherwise exact match on the path
  std::size_t max_head_bytes = 8192;         // larger request heads get 431
  std::string server_name = "wslab";         // the Server header
};

// Why a request was refused; maps one-to-one to a status code.
enum class HandshakeError {
  kNone,
  kBadRequest,        // 400: malformed, missing Host/Upgrade/Connection/key, bad key ...
  kMethodNotAllowed,  // 405: not GET
  kUpgradeRequired,   // 426 + Sec-WebSocket-Version: 13 (wrong or missing version)
  kHeadersTooLarge,   // 431
  kNotFound,          // 404: path not served
  kForbidden,         // 403: Origin not allowed
};

struct ServerHandshake {
  HandshakeError error = HandshakeError::kNone;
  int status = 0;           // 101 on success
  std::string reason;       // human text: which rule failed (also the error body)
  std::string subprotocol;  // selected one, or empty
  std::string response;     // complete response bytes to write
};

// (step 5) Decide on a parsed request. Check, IN THIS ORDER, and stop at the
// first failure (the tests check the status of each):
//   1. method is exactly "GET" (case-sensitive)          else 405 + "Allow: GET"
//   2. HTTP/1.1 or later (major 1, minor >= 1)           else 400
//   3. the target is a path ("/...") or an absolute URI  else 400   (request_path() empty)
//   4. exactly one Host header                           else 400
//   5. an Upgrade header exists                          else 426 (+ Upgrade,
//   Sec-WebSocket-Version: 13)
//      and its token list contains "websocket" (any case) else 400
//   6. Connection's token list contains "upgrade"        else 400   (use every Connection line)
//   7. Sec-WebSocket-Version: more than one              400
//                              missing or not exactly "13"  426 + "Sec-WebSocket-Version: 13"
//   8. exactly one Sec-WebSocket-Key whose base64 decodes to 16 bytes  else 400
//   9. path in policy.paths (when not empty)             else 404
//  10. Origin in policy.allowed_origins (when not empty and an Origin was sent) else 403
// Then select the subprotocol: OUR first preference (policy.subprotocols order)
// among those the client offered, or none. Never accept an extension.
// Success: status 101, response = build_accept_response(key, subprotocol, ...).
// Failure: status/error as above, reason = a sentence naming the rule (and the
// RFC section), response = build_http_response(status, "text/plain; charset=utf-8",
// reason + "\n", ...) with the extra headers listed above.
ServerHandshake accept_handshake(const HttpRequest& request, const ServerHandshakePolicy& policy);
// (step 5) The response for a head that could not be parsed:
// ParseState::kTooLarge -> 431, anything else -> 400 (reason mentions outcome.error).
ServerHandshake reject_unparsable(const ParseOutcome& outcome, const ServerHandshakePolicy& policy);

// --- building blocks (step 4) ---
// Reason phrase for a status code: 101 "Switching Protocols", 400 "Bad Request",
// 403 "Forbidden", 404 "Not Found", 405 "Method Not Allowed", 426 "Upgrade
// Required", 431 "Request Header Fields Too Large", 200 "OK" ...; "Unknown" otherwise.
std::string_view reason_phrase(int status);
// The path of a request-target: "/chat" for "/chat?x=1" or "http://h:1/chat?x=1"
// ("/" when an absolute URI has no path); empty when the target is neither
// origin-form nor absolute-form (RFC 9112 §3.2).
std::string_view request_path(std::string_view target);
// Every subprotocol the client offered, over ALL Sec-WebSocket-Protocol
// headers, in order, trimmed, empty elements dropped.
std::vector<std::string> offered_subprotocols(const HttpRequest& request);
// "HTTP/1.1 101 Switching Protocols" CRLF, then "Upgrade: websocket",
// "Connection: Upgrade", "Sec-WebSocket-Accept: <compute_accept(key)>",
// "Sec-WebSocket-Protocol: <subprotocol>" (only when not empty), "Server: <name>"
// (only when not empty), the extra headers, each line ending in CRLF, then an
// empty line (§4.2.2 item 5).
std::string build_accept_response(std::string_view sec_websocket_key, std::string_view subprotocol,
                                  std::string_view server_name,
                                  const std::vector<HttpHeader>& extra = {});
// "HTTP/1.1 <status> <reason_phrase>" with Server (when not empty), the extra
// headers, Content-Type (when not empty), Content-Length, "Connection: close",
// a blank line and the body.
std::string build_http_response(int status, std::string_view content_type, std::string_view body,
                                std::string_view server_name,
                                const std::vector<HttpHeader>& extra = {});

// --- client side (step 6) ---
struct ClientHandshakeRequest {
  std::string host;  // Host header value, e.g. "127.0.0.1:9001"
  std::string path = "/";
  std::string key;  // empty: generate_key() is used
  std::string origin;
  std::vector<std::string> subprotocols;
  std::vector<HttpHeader> extra_headers;
};

// A fresh key: base64 of 16 random bytes (§4.1 item 7), different every call.
std::string generate_key();
// Fills request.key if empty and returns the request bytes: "GET <path> HTTP/1.1",
// Host, "Upgrade: websocket", "Connection: Upgrade", Sec-WebSocket-Key,
// "Sec-WebSocket-Version: 13", Origin (when set), Sec-WebSocket-Protocol (the
// list joined with ", ", when not empty), the extra headers, a blank line.
std::string build_request(ClientHandshakeRequest& request);

struct ClientHandshakeResult {
  std::string subprotocol;  // what the server selected, or empty
};
// Validates the server's response against what we sent (§4.1, the client's
// checks 1-6): status 101; "Upgrade" equal to "websocket" (any case);
// Connection containing the token "upgrade"; exactly one Sec-WebSocket-Accept
// equal to compute_accept(sent.key); no Sec-WebSocket-Extensions (we offer
// none); at most one Sec-WebSocket-Protocol, and one we offered.
// The Error's message says which check failed.
Result<ClientHandshakeResult> validate_response(const HttpResponse& response,
                                                const ClientHandshakeRequest& sent);

}  // namespace wslab
