// The opening handshake, both roles (RFC 6455 §4).
// Server: validate an upgrade request (§4.2.1) and produce the 101 or the
// right error response. Client: build the request (§4.1) and validate the
// server's answer (§4.1, "the client MUST fail the connection if ...").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wslab/http.hpp"
#include "wslab/result.hpp"

namespace wslab {

inline constexpr std::string_view kWebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// base64(SHA-1(key + GUID)) (§4.2.2 step 5.4). The key is used exactly as given.
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

// Decide on a parsed request.
// Checks, in order: GET (405), HTTP/1.1+ (400), one Host (400), Upgrade (absent:
// 426, other protocol: 400), Connection: upgrade (400), one Sec-WebSocket-Version
// equal to 13 (duplicate: 400, else 426), one Sec-WebSocket-Key of 16 bytes (400),
// path (404), Origin (403). Extensions are never accepted (none implemented).
ServerHandshake accept_handshake(const HttpRequest& request, const ServerHandshakePolicy& policy);
// The response for a head that could not be parsed (kError -> 400, kTooLarge -> 431).
ServerHandshake reject_unparsable(const ParseOutcome& outcome, const ServerHandshakePolicy& policy);

// --- building blocks (also used by Session for manual accept/reject) ---
// Reason phrase for a status code ("Bad Request"); "Unknown" otherwise.
std::string_view reason_phrase(int status);
// The path of a request-target: "/chat" for "/chat?x=1" or "http://h:1/chat?x=1";
// empty when the target is neither origin-form nor absolute-form.
std::string_view request_path(std::string_view target);
// Every subprotocol the client offered, over all Sec-WebSocket-Protocol headers, in order.
std::vector<std::string> offered_subprotocols(const HttpRequest& request);
// "HTTP/1.1 101 Switching Protocols" with Upgrade, Connection, Sec-WebSocket-Accept and,
// when not empty, Sec-WebSocket-Protocol.
std::string build_accept_response(std::string_view sec_websocket_key, std::string_view subprotocol,
                                  std::string_view server_name,
                                  const std::vector<HttpHeader>& extra = {});
// An HTTP response with a text/plain body and "Connection: close".
std::string build_http_response(int status, std::string_view content_type, std::string_view body,
                                std::string_view server_name,
                                const std::vector<HttpHeader>& extra = {});

struct ClientHandshakeRequest {
  std::string host;  // Host header value, e.g. "127.0.0.1:9001"
  std::string path = "/";
  std::string key;  // empty: generate_key() is used
  std::string origin;
  std::vector<std::string> subprotocols;
  std::vector<HttpHeader> extra_headers;
};

// A fresh key: base64 of 16 random bytes (§4.1 item 7).
std::string generate_key();
// Fills request.key if empty and returns the request bytes.
std::string build_request(ClientHandshakeRequest& request);

struct ClientHandshakeResult {
  std::string subprotocol;  // what the server selected, or empty
};
// Validates the server's response against what we sent (§4.1 items 1-6 of the
// client's checks): 101, Upgrade websocket, Connection upgrade, the accept value,
// no subprotocol we did not offer, no extension (we offer none).
Result<ClientHandshakeResult> validate_response(const HttpResponse& response,
                                                const ClientHandshakeRequest& sent);

}  // namespace wslab
