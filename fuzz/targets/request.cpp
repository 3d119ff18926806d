// Fuzz target: the HTTP upgrade request parser and the server's handshake
// decision (RFC 6455 §4.2.1-§4.2.2; RFC 9112 §2-§5).
// Input: byte 0 = chop count | policy flags << 4, chop sizes, then the request bytes.
// Invariants: never crash; the incremental contract at every chop point; a
// parsed request printed back parses to the same request; every response we
// would send is a parseable HTTP response with the status we claim; a 101 is
// accepted by our own client-side validation (§4.1).
#include <cstdint>

#include "fuzz_support.hpp"
#include "http_roundtrip.hpp"
#include "wslab/handshake.hpp"
#include "wslab/http.hpp"

namespace {

using namespace wslab;
using wslab::fuzz::printable;

ServerHandshakePolicy policy_for(std::uint8_t flags) {
  ServerHandshakePolicy p;
  if (flags & 1) p.subprotocols = {"chat", "wslab.rooms.v1"};
  if (flags & 2) p.allowed_origins = {"http://example.com"};
  if (flags & 4) p.paths = {"/chat", "/"};
  if (flags & 8) p.max_head_bytes = 256;
  return p;
}

int status_for(HandshakeError e) {
  switch (e) {
    case HandshakeError::kNone:
      return 101;
    case HandshakeError::kBadRequest:
      return 400;
    case HandshakeError::kMethodNotAllowed:
      return 405;
    case HandshakeError::kUpgradeRequired:
      return 426;
    case HandshakeError::kHeadersTooLarge:
      return 431;
    case HandshakeError::kNotFound:
      return 404;
    case HandshakeError::kForbidden:
      return 403;
  }
  return 0;
}

void check_response_bytes(const ServerHandshake& hs, const HttpRequest* request) {
  HttpResponse parsed;
  const ParseOutcome o = parse_response(hs.response, parsed, 1u << 20);
  WSLAB_FUZZ_CHECK(o.state == ParseState::kComplete,
                   "our own response does not parse: " + o.error + " in " + printable(hs.response));
  WSLAB_FUZZ_CHECK(parsed.status == hs.status, "response status " + std::to_string(parsed.status) +
                                                   " but the decision says " +
                                                   std::to_string(hs.status));
  WSLAB_FUZZ_CHECK(hs.status == status_for(hs.error), "status does not match the error kind");
  if (hs.status != 101 || request == nullptr) return;
  // §4.1: the client's checks must accept what our server sends.
  ClientHandshakeRequest sent;
  sent.key = std::string(request->headers.get("Sec-WebSocket-Key").value_or(""));
  sent.subprotocols = offered_subprotocols(*request);
  const auto verdict = validate_response(parsed, sent);
  WSLAB_FUZZ_CHECK(verdict.is_ok(), "our 101 fails our own client validation: " +
                                        (verdict.is_ok() ? std::string() : verdict.error()));
  if (!hs.subprotocol.empty()) {
    bool offered = false;
    for (const auto& s : sent.subprotocols) offered = offered || s == hs.subprotocol;
    WSLAB_FUZZ_CHECK(offered, "selected a subprotocol the client did not offer (§4.2.2)");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = wslab::fuzz::ChoppedInput::parse(data, size);
  const ServerHandshakePolicy policy = policy_for(in.flags);

  HttpRequest request;
  const ParseOutcome whole = parse_request(in.stream, request, policy.max_head_bytes);
  wslab::fuzz::check_prefixes<HttpRequest>(
      in, whole, policy.max_head_bytes,
      [](std::string_view b, HttpRequest& r, std::size_t m) { return parse_request(b, r, m); });

  if (whole.state == ParseState::kNeedMore) return 0;
  if (whole.state != ParseState::kComplete) {
    WSLAB_FUZZ_CHECK(!whole.error.empty(), "an error without a message");
    check_response_bytes(reject_unparsable(whole, policy), nullptr);
    return 0;
  }
  WSLAB_FUZZ_CHECK(
      whole.head_bytes <= in.stream.size() && whole.head_bytes <= policy.max_head_bytes,
      "head_bytes beyond the buffer or the limit");
  WSLAB_FUZZ_CHECK(in.stream.substr(whole.head_bytes - 4, 4) == "\r\n\r\n",
                   "a head that does not end with the blank line");
  wslab::fuzz::check_headers(request.headers);

  // Print it back and parse again: the same request.
  const std::string again = request.method + " " + request.target + " HTTP/" +
                            std::to_string(request.version_major) + "." +
                            std::to_string(request.version_minor) + "\r\n" +
                            wslab::fuzz::render_headers(request.headers);
  HttpRequest reparsed;
  const ParseOutcome second = parse_request(again, reparsed, again.size() + 1);
  WSLAB_FUZZ_CHECK(second.state == ParseState::kComplete,
                   "a printed request does not parse: " + second.error);
  WSLAB_FUZZ_CHECK(reparsed.method == request.method && reparsed.target == request.target &&
                       reparsed.version_major == request.version_major &&
                       reparsed.version_minor == request.version_minor &&
                       wslab::fuzz::same_headers(reparsed.headers, request.headers),
                   "print + parse changed the request");

  const std::string_view path = request_path(request.target);
  WSLAB_FUZZ_CHECK(path.empty() || path.front() == '/', "request_path without a leading slash");

  const ServerHandshake hs = accept_handshake(request, policy);
  check_response_bytes(hs, &request);
  if (hs.status == 101) {
    WSLAB_FUZZ_CHECK(request.method == "GET", "101 for a method other than GET (§4.2.1)");
    WSLAB_FUZZ_CHECK(request.headers.count("Sec-WebSocket-Key") == 1,
                     "101 without exactly one Sec-WebSocket-Key (§4.2.1, §11.3.1)");
  }
  return 0;
}
