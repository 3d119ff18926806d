// Lab 1, steps 7-8: the Session's opening handshake, server and client
// (RFC 6455 §4.1, §4.2). Handout: labs/01-handshake/README.md.
// Contract: wslab/session.hpp. Use your http.cpp and handshake.cpp here.
#include "wslab/session.hpp"
#include "wslab/todo.hpp"

namespace wslab {
namespace {
constexpr std::string_view kStep7 = "labs/01-handshake/README.md step 7";
constexpr std::string_view kStep8 = "labs/01-handshake/README.md step 8";
}  // namespace

void Session::start(Millis now) {
  last_now_ = now;
  // TODO(lab 1, step 8): a client queues build_request(config_.client) here.
  // (Lab 4 also starts the handshake timer here.)
  if (role_ == Role::kClient) todo::note("Session::start (client)", kStep8);
}

void Session::handle_handshake([[maybe_unused]] Millis now) {
  // TODO(lab 1, step 7) server: parse in_ with parse_request(). Need more ->
  // return and wait. Unparsable -> reject_unparsable() + handshake_failed().
  // Complete -> erase the head from in_ (what follows is frames), then:
  // serve_plain_http and no "Upgrade: websocket" -> PlainHttp, wait;
  // accept_handshake() refused -> handshake_failed(); manual_accept -> Upgrade,
  // wait for accept()/reject(); else write the 101 and open().
  // TODO(lab 1, step 8) client: parse_response(), validate_response() against
  // config_.client, then open() or handshake_failed().
  todo::note(role_ == Role::kServer ? "Session::handle_handshake (server)"
                                    : "Session::handle_handshake (client)",
             role_ == Role::kServer ? kStep7 : kStep8);
  // Until then: give up on the connection at once (the server closes TCP).
  state_ = SessionState::kClosed;
  close_transport_ = true;
}

void Session::open([[maybe_unused]] std::string subprotocol, [[maybe_unused]] std::string path,
                   [[maybe_unused]] HttpRequest request, [[maybe_unused]] Millis now) {
  // TODO(lab 1, step 7): state OPEN, emit event::Open, then (lab 2) decode the
  // frames that arrived with the head (in_ is not empty): handle_frames(now).
  // (Lab 4: start the heartbeat here.)
  todo::note("Session::open", kStep7);
  state_ = SessionState::kClosed;
  close_transport_ = true;
}

void Session::handshake_failed([[maybe_unused]] int status, [[maybe_unused]] std::string reason,
                               [[maybe_unused]] std::string_view response) {
  // TODO(lab 1, step 7): write(response); CLOSED; close TCP; emit
  // HandshakeFailed{status, reason}; finish(1006, reason, false).
  todo::note("Session::handshake_failed", kStep7);
  state_ = SessionState::kClosed;
  close_transport_ = true;
}

Status Session::accept([[maybe_unused]] std::string_view subprotocol,
                       [[maybe_unused]] const std::vector<HttpHeader>& extra) {
  // TODO(lab 1, step 7): only while an Upgrade waits; the subprotocol (if any)
  // must be one the client offered; write build_accept_response(); open().
  return Status::fail(todo::note("Session::accept", kStep7));
}

Status Session::reject([[maybe_unused]] int status, [[maybe_unused]] std::string_view body,
                       [[maybe_unused]] const std::vector<HttpHeader>& extra) {
  // TODO(lab 1, step 7): only while an Upgrade waits; 300-599; write
  // build_http_response(); CLOSED; close TCP; finish(1006, ...).
  return Status::fail(todo::note("Session::reject", kStep7));
}

Status Session::respond_http([[maybe_unused]] int status,
                             [[maybe_unused]] std::string_view content_type,
                             [[maybe_unused]] std::string_view body,
                             [[maybe_unused]] const std::vector<HttpHeader>& extra) {
  // TODO(lab 1, step 7): only while a PlainHttp request waits; 200-599.
  return Status::fail(todo::note("Session::respond_http", kStep7));
}

}  // namespace wslab
