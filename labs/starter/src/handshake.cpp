// Lab 1, steps 3-6: the opening handshake, both roles (RFC 6455 §4.1, §4.2).
// Handout: labs/01-handshake/README.md. Contract: wslab/handshake.hpp.
#include "wslab/handshake.hpp"

#include "wslab/crypto.hpp"
#include "wslab/todo.hpp"

namespace wslab {
namespace {
constexpr std::string_view kStep3 = "labs/01-handshake/README.md step 3";
constexpr std::string_view kStep4 = "labs/01-handshake/README.md step 4";
constexpr std::string_view kStep5 = "labs/01-handshake/README.md step 5";
constexpr std::string_view kStep6 = "labs/01-handshake/README.md step 6";

// What a stub answers: no response at all, so nothing is ever accepted by mistake.
ServerHandshake not_written(std::string_view function, std::string_view step) {
  ServerHandshake hs;
  hs.error = HandshakeError::kBadRequest;
  hs.status = 0;
  hs.reason = todo::note(function, step);
  return hs;
}
}  // namespace

// ---- step 3 --------------------------------------------------------------

std::string compute_accept([[maybe_unused]] std::string_view sec_websocket_key) {
  // TODO(lab 1, step 3): base64_encode(sha1(key + kWebSocketGuid)) -- the
  // digest is 20 raw bytes; view them as a std::string_view to encode them.
  todo::note("compute_accept", kStep3);
  return {};
}

// ---- step 4: building blocks ---------------------------------------------

std::string_view reason_phrase([[maybe_unused]] int status) {
  // TODO(lab 1, step 4)
  todo::note("reason_phrase", kStep4);
  return "Unknown";
}

std::string_view request_path([[maybe_unused]] std::string_view target) {
  // TODO(lab 1, step 4): origin-form "/p?q" -> "/p"; absolute-form "http://h/p?q" -> "/p".
  todo::note("request_path", kStep4);
  return {};
}

std::vector<std::string> offered_subprotocols([[maybe_unused]] const HttpRequest& request) {
  // TODO(lab 1, step 4): split headers.joined("Sec-WebSocket-Protocol") at commas.
  todo::note("offered_subprotocols", kStep4);
  return {};
}

std::string build_accept_response([[maybe_unused]] std::string_view sec_websocket_key,
                                  [[maybe_unused]] std::string_view subprotocol,
                                  [[maybe_unused]] std::string_view server_name,
                                  [[maybe_unused]] const std::vector<HttpHeader>& extra) {
  // TODO(lab 1, step 4)
  todo::note("build_accept_response", kStep4);
  return {};
}

std::string build_http_response([[maybe_unused]] int status,
                                [[maybe_unused]] std::string_view content_type,
                                [[maybe_unused]] std::string_view body,
                                [[maybe_unused]] std::string_view server_name,
                                [[maybe_unused]] const std::vector<HttpHeader>& extra) {
  // TODO(lab 1, step 4)
  todo::note("build_http_response", kStep4);
  return {};
}

// ---- step 5: the server's decision ---------------------------------------

ServerHandshake accept_handshake([[maybe_unused]] const HttpRequest& request,
                                 [[maybe_unused]] const ServerHandshakePolicy& policy) {
  // TODO(lab 1, step 5): the ten checks of handshake.hpp, in order.
  return not_written("accept_handshake", kStep5);
}

ServerHandshake reject_unparsable([[maybe_unused]] const ParseOutcome& outcome,
                                  [[maybe_unused]] const ServerHandshakePolicy& policy) {
  // TODO(lab 1, step 5): 431 for kTooLarge, 400 otherwise.
  return not_written("reject_unparsable", kStep5);
}

// ---- step 6: the client side ---------------------------------------------

std::string generate_key() {
  // TODO(lab 1, step 6): 16 bytes from random_bytes(), base64-encoded.
  todo::note("generate_key", kStep6);
  return {};
}

std::string build_request(ClientHandshakeRequest& request) {
  // TODO(lab 1, step 6)
  (void)request;
  todo::note("build_request", kStep6);
  return {};
}

Result<ClientHandshakeResult> validate_response(
    [[maybe_unused]] const HttpResponse& response,
    [[maybe_unused]] const ClientHandshakeRequest& sent) {
  // TODO(lab 1, step 6): the client's six checks of §4.1.
  return Error{todo::note("validate_response", kStep6)};
}

}  // namespace wslab
