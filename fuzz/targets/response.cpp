// Fuzz target: the HTTP response parser and the client's handshake checks
// (RFC 6455 §4.1 "the client MUST fail the connection if ..."; RFC 9112 §4).
// Input: byte 0 = chop count | flags << 4, chop sizes, then the response bytes.
// Invariants: never crash; the incremental contract at every chop point;
// print + parse is the identity; a response the client accepts really is a
// 101 with Upgrade, Connection, the right Sec-WebSocket-Accept and no
// subprotocol we did not offer.
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "http_roundtrip.hpp"
#include "wslab/handshake.hpp"
#include "wslab/http.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wslab;
  const auto in = wslab::fuzz::ChoppedInput::parse(data, size);
  const std::size_t max = (in.flags & 8) ? 256 : 16384;

  HttpResponse response;
  const ParseOutcome whole = parse_response(in.stream, response, max);
  wslab::fuzz::check_prefixes<HttpResponse>(
      in, whole, max,
      [](std::string_view b, HttpResponse& r, std::size_t m) { return parse_response(b, r, m); });
  if (whole.state != ParseState::kComplete) return 0;

  wslab::fuzz::check_headers(response.headers);
  WSLAB_FUZZ_CHECK(response.status >= 0 && response.status <= 999, "status out of 3 digits");
  std::string status = std::to_string(response.status);
  status.insert(0, 3 - status.size(), '0');
  const std::string again = "HTTP/" + std::to_string(response.version_major) + "." +
                            std::to_string(response.version_minor) + " " + status + " " +
                            response.reason + "\r\n" +
                            wslab::fuzz::render_headers(response.headers);
  HttpResponse reparsed;
  const ParseOutcome second = parse_response(again, reparsed, again.size() + 1);
  WSLAB_FUZZ_CHECK(second.state == ParseState::kComplete,
                   "a printed response does not parse: " + second.error);
  WSLAB_FUZZ_CHECK(reparsed.status == response.status && reparsed.reason == response.reason &&
                       wslab::fuzz::same_headers(reparsed.headers, response.headers),
                   "print + parse changed the response");

  ClientHandshakeRequest sent;
  sent.host = "127.0.0.1:9001";
  sent.key = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455 §1.3's example key
  if (in.flags & 1) sent.subprotocols = {"chat", "superchat"};
  const auto verdict = validate_response(response, sent);
  if (!verdict.is_ok()) {
    WSLAB_FUZZ_CHECK(!verdict.error().empty(), "a refusal without a message");
    return 0;
  }
  WSLAB_FUZZ_CHECK(response.status == 101, "accepted a status other than 101 (§4.1)");
  WSLAB_FUZZ_CHECK(header_has_token(response.headers.joined("Upgrade"), "websocket"),
                   "accepted a response without Upgrade: websocket (§4.1)");
  WSLAB_FUZZ_CHECK(header_has_token(response.headers.joined("Connection"), "Upgrade"),
                   "accepted a response without Connection: Upgrade (§4.1)");
  WSLAB_FUZZ_CHECK(response.headers.get("Sec-WebSocket-Accept") ==
                       std::optional<std::string_view>(compute_accept(sent.key)),
                   "accepted a wrong Sec-WebSocket-Accept (§4.1)");
  const std::string& chosen = verdict->subprotocol;
  if (!chosen.empty()) {
    bool offered = false;
    for (const auto& s : sent.subprotocols) offered = offered || s == chosen;
    WSLAB_FUZZ_CHECK(offered, "accepted a subprotocol we did not offer (§4.1)");
  }
  // An empty list ("Sec-WebSocket-Extensions: ") names no extension and is accepted.
  const std::string extensions = response.headers.joined("Sec-WebSocket-Extensions");
  WSLAB_FUZZ_CHECK(extensions.find_first_not_of(" \t,") == std::string::npos,
                   "accepted an extension we did not offer (§4.1)");
  return 0;
}
