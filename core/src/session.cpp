// The connection lifecycle state machine (RFC 6455 §4, §5, §7), both roles.
#include "wslab/session.hpp"

#include <algorithm>
#include <cstring>

#include "wslab/crypto.hpp"

namespace wslab {
namespace {

// Client responses are small; this only bounds garbage.
constexpr std::size_t kMaxResponseHead = 16384;
// While the application decides on an upgrade, frames may already arrive; keep a bounded amount.
constexpr std::size_t kMaxEarlyFrames = 1u << 20;
// Buffers larger than this are freed once empty, so an idle session stays small.
constexpr std::size_t kKeepCapacity = 256;
// Server: while the request is this short, every read is checked at once, so bytes that
// cannot start a request-line (a TLS ClientHello) are refused without waiting for a line end.
// Longer input is checked when a line ends or the head limit is reached (no quadratic rescans).
constexpr std::size_t kEarlyCheckBytes = 32;

void release_if_large(std::string& s) {
  if (s.empty() && s.capacity() > kKeepCapacity) std::string().swap(s);
}

}  // namespace

std::string_view state_name(SessionState s) {
  switch (s) {
    case SessionState::kConnecting:
      return "CONNECTING";
    case SessionState::kOpen:
      return "OPEN";
    case SessionState::kClosing:
      return "CLOSING";
    case SessionState::kClosed:
      return "CLOSED";
  }
  return "UNKNOWN";
}

Session::Session(SessionConfig config)
    : setup_(std::make_unique<SessionConfig>(std::move(config))),
      role_(setup_->role),
      close_timeout_(setup_->close_timeout),
      decoder_(setup_->role, DecoderLimits{setup_->max_frame_bytes, false}),
      assembler_(MessageLimits{setup_->max_message_bytes}),
      heartbeat_(setup_->heartbeat) {}

void Session::start(Millis now) {
  last_now_ = now;
  if (state_ != SessionState::kConnecting || !setup_) return;
  handshake_deadline_ = now + setup_->handshake_timeout;
  if (role_ == Role::kClient) out_ += build_request(setup_->client);  // §4.1
}

void Session::emit(Event e) {
  events_.push_back(std::move(e));
}

std::optional<Event> Session::poll_event() {
  if (!events_pending() && input_paused_) {
    // The application has seen every event: decode what is still buffered.
    events_.clear();  // keeps its storage while a burst of messages is worked through
    event_head_ = 0;
    handle_frames(last_now_);
  }
  if (!events_pending()) {
    std::vector<Event>().swap(events_);  // idle sessions hold no event storage
    event_head_ = 0;
    return std::nullopt;
  }
  std::optional<Event> e(std::move(events_[event_head_++]));
  if (!events_pending() && !input_paused_) {
    std::vector<Event>().swap(events_);
    event_head_ = 0;
  }
  return e;
}

std::string_view Session::pending_output() const {
  return std::string_view(out_).substr(out_pos_);
}

void Session::consume_output(std::size_t n) {
  out_pos_ += std::min(n, out_.size() - out_pos_);
  if (out_pos_ == out_.size()) {
    out_.clear();
    out_pos_ = 0;
    release_if_large(out_);
  } else if (out_pos_ > (64u << 10) && out_pos_ * 2 > out_.size()) {
    out_.erase(0, out_pos_);
    out_pos_ = 0;
  }
}

std::size_t Session::memory_footprint() const {
  auto heap = [](const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; };
  std::size_t n = sizeof(Session) + heap(in_) + heap(out_) + heap(control_buf_) +
                  heap(peer_close_reason_) + events_.capacity() * sizeof(Event) +
                  assembler_.buffered_capacity();
  if (setup_) n += sizeof(SessionConfig);
  if (pending_request_) n += sizeof(HttpRequest);
  return n;
}

void Session::release_input() {
  std::string().swap(in_);
  std::string().swap(control_buf_);
  in_pos_ = 0;
  input_paused_ = false;
}

void Session::resume_input(Millis now) {
  if (input_paused_ && !events_pending()) handle_frames(now);
}

// ---------------------------------------------------------------- input

void Session::on_bytes(std::string_view bytes, Millis now) {
  on_bytes(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                         bytes.size()),
           now);
}

void Session::on_bytes(std::span<const std::uint8_t> bytes, Millis now) {
  last_now_ = std::max(last_now_, now);
  if (close_transport_ || state_ == SessionState::kClosed || ignore_input_ || bytes.empty()) return;
  in_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (state_ == SessionState::kConnecting) {
    // A head can only complete (or its first line fail) when a line ends.
    const bool line_end = std::memchr(bytes.data(), '\n', bytes.size()) != nullptr;
    const std::size_t limit = setup_ ? setup_->server.max_head_bytes : 0;
    const bool early = role_ == Role::kServer && in_.size() - bytes.size() < kEarlyCheckBytes;
    if (line_end || early || awaiting_ != Awaiting::kNothing || in_.size() >= limit) {
      handle_handshake(now);
    }
    return;
  }
  // A data message the application has not polled yet: what follows waits for its answer.
  if (input_paused_ && events_pending()) return;
  handle_frames(now);
}

void Session::on_eof(Millis now) {
  last_now_ = std::max(last_now_, now);
  if (state_ == SessionState::kClosed) return;
  // Bytes that came before the end of the stream are decoded first, in order.
  while (input_paused_) handle_frames(now);
  if (state_ == SessionState::kClosed) return;
  const SessionState was = state_;
  state_ = SessionState::kClosed;
  close_transport_ = true;
  release_input();
  switch (was) {
    case SessionState::kConnecting:
      if (role_ == Role::kClient) {
        emit(event::HandshakeFailed{
            0, "the server closed the connection before the handshake completed"});
      }
      finish(1006, "connection closed during the opening handshake", false);
      break;
    case SessionState::kOpen:
      finish(1006, "the peer closed TCP without a Close frame (RFC 6455 §7.1.5)", false);
      break;
    default:
      if (close_received_) {
        finish(peer_close_code_.value_or(1005), peer_close_reason_, true);
      } else {
        finish(1006, "the peer closed TCP without answering our Close (RFC 6455 §7.1.5)", false);
      }
      break;
  }
}

void Session::on_tick(Millis now) {
  last_now_ = std::max(last_now_, now);
  resume_input(now);
  switch (state_) {
    case SessionState::kConnecting:
      if (handshake_deadline_ && now >= *handshake_deadline_) {
        state_ = SessionState::kClosed;
        close_transport_ = true;
        release_input();
        emit(event::HandshakeFailed{0, "opening handshake timed out"});
        finish(1006, "opening handshake timed out", false);
      }
      break;
    case SessionState::kOpen:
      switch (heartbeat_.poll(now)) {
        case Heartbeat::Action::kSendPing:
          queue_frame(Opcode::kPing, heartbeat_.ping_payload());
          break;
        case Heartbeat::Action::kTimedOut:
          // The peer looks dead: a Close frame would go nowhere, so just drop TCP.
          state_ = SessionState::kClosed;
          close_transport_ = true;
          release_input();
          finish(1006, "heartbeat: no pong and no traffic within pong_timeout", false);
          break;
        case Heartbeat::Action::kNone:
          break;
      }
      break;
    case SessionState::kClosing:
      // §7.1.1: the client waits for the server to close TCP; both roles give up
      // waiting for the peer after close_timeout.
      if (close_deadline_ && now >= *close_deadline_) {
        state_ = SessionState::kClosed;
        close_transport_ = true;
        release_input();
        if (close_received_) {
          finish(peer_close_code_.value_or(1005), peer_close_reason_, true);
        } else {
          finish(1006, "no Close from the peer within close_timeout (RFC 6455 §7.1.1)", false);
        }
      }
      break;
    case SessionState::kClosed:
      break;
  }
}

std::optional<Millis> Session::next_deadline() const {
  switch (state_) {
    case SessionState::kConnecting:
      return handshake_deadline_;
    case SessionState::kOpen:
      return heartbeat_.next_deadline();
    case SessionState::kClosing:
      return close_deadline_;
    case SessionState::kClosed:
      return std::nullopt;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- handshake

void Session::handle_handshake(Millis now) {
  if (!setup_) return;
  if (awaiting_ != Awaiting::kNothing) {
    // Frames sent right after the request wait for accept(); bound them.
    if (in_.size() > kMaxEarlyFrames) {
      state_ = SessionState::kClosed;
      close_transport_ = true;
      release_input();
      finish(1006, "too many bytes arrived before the application accepted the upgrade", false);
    }
    return;
  }
  if (role_ == Role::kServer) {
    handle_server_head(now);
  } else {
    handle_client_head(now);
  }
}

void Session::handshake_failed(int status, std::string reason, std::string_view response) {
  out_.append(response);
  state_ = SessionState::kClosed;
  close_transport_ = true;
  release_input();
  setup_.reset();
  pending_request_.reset();
  emit(event::HandshakeFailed{status, reason});
  finish(1006, std::move(reason), false);
}

void Session::handle_server_head(Millis now) {
  const ServerHandshakePolicy& policy = setup_->server;
  HttpRequest request;
  const ParseOutcome outcome = parse_request(in_, request, policy.max_head_bytes);
  if (outcome.state == ParseState::kNeedMore) return;
  if (outcome.state != ParseState::kComplete) {  // unparsable -> 400, too large -> 431
    const ServerHandshake hs = reject_unparsable(outcome, policy);
    handshake_failed(hs.status, hs.reason, hs.response);
    return;
  }
  in_.erase(0, outcome.head_bytes);  // what follows the blank line is already frames (§4.2.2)

  const bool wants_websocket = header_has_token(request.headers.joined("Upgrade"), "websocket");
  if (!wants_websocket && setup_->serve_plain_http && request.method == "GET") {
    awaiting_ = Awaiting::kHttpResponse;
    pending_request_ = std::make_unique<HttpRequest>(request);
    emit(event::PlainHttp{std::move(request)});
    return;
  }
  ServerHandshake hs = accept_handshake(request, policy);
  if (hs.error != HandshakeError::kNone) {
    handshake_failed(hs.status, std::move(hs.reason), hs.response);
    return;
  }
  if (setup_->manual_accept) {
    awaiting_ = Awaiting::kUpgradeDecision;
    pending_request_ = std::make_unique<HttpRequest>(request);
    auto offered = offered_subprotocols(request);
    emit(event::Upgrade{std::move(request), std::move(offered)});
    return;
  }
  out_ += hs.response;
  std::string path = request.target;
  open(std::move(hs.subprotocol), std::move(path), std::move(request), now);
}

void Session::handle_client_head(Millis now) {
  HttpResponse response;
  const ParseOutcome outcome = parse_response(in_, response, kMaxResponseHead);
  if (outcome.state == ParseState::kNeedMore) return;
  if (outcome.state != ParseState::kComplete) {
    handshake_failed(0, "malformed handshake response: " + outcome.error, {});
    return;
  }
  in_.erase(0, outcome.head_bytes);
  auto result = validate_response(response, setup_->client);
  if (!result) {
    handshake_failed(response.status, result.error(), {});
    return;
  }
  std::string path = setup_->client.path;
  open(std::move(result->subprotocol), std::move(path), HttpRequest{}, now);
}

void Session::open(std::string subprotocol, std::string path, HttpRequest request, Millis now) {
  state_ = SessionState::kOpen;
  awaiting_ = Awaiting::kNothing;
  handshake_deadline_.reset();
  setup_.reset();
  pending_request_.reset();
  heartbeat_.start(now);
  emit(event::Open{std::move(subprotocol), std::move(path), std::move(request)});
  if (!in_.empty()) {
    handle_frames(now);
  } else {
    release_input();
  }
}

Status Session::accept(std::string_view subprotocol, const std::vector<HttpHeader>& extra) {
  if (awaiting_ != Awaiting::kUpgradeDecision || !pending_request_ || !setup_) {
    return Status::fail("accept(): no upgrade request is waiting for a decision");
  }
  if (!subprotocol.empty()) {
    // §4.2.2 /subprotocol/: only one of those the client offered.
    const auto offered = offered_subprotocols(*pending_request_);
    if (std::find(offered.begin(), offered.end(), subprotocol) == offered.end()) {
      return Status::fail("accept(): the client did not offer subprotocol \"" +
                          std::string(subprotocol) + "\" (RFC 6455 §4.2.2)");
    }
  }
  const auto key = pending_request_->headers.get("Sec-WebSocket-Key").value_or("");
  out_ += build_accept_response(key, subprotocol, setup_->server.server_name, extra);
  HttpRequest request = std::move(*pending_request_);
  std::string path = request.target;
  open(std::string(subprotocol), std::move(path), std::move(request), last_now_);
  return Status::ok();
}

Status Session::reject(int status, std::string_view body, const std::vector<HttpHeader>& extra) {
  if (awaiting_ != Awaiting::kUpgradeDecision || !setup_) {
    return Status::fail("reject(): no upgrade request is waiting for a decision");
  }
  if (status < 300 || status > 599) {
    return Status::fail("reject(): status must be 3xx-5xx, got " + std::to_string(status));
  }
  out_ += build_http_response(status, "text/plain; charset=utf-8", body, setup_->server.server_name,
                              extra);
  state_ = SessionState::kClosed;
  close_transport_ = true;
  release_input();
  setup_.reset();
  pending_request_.reset();
  finish(1006, "upgrade rejected by the application with " + std::to_string(status), false);
  return Status::ok();
}

Status Session::respond_http(int status, std::string_view content_type, std::string_view body,
                             const std::vector<HttpHeader>& extra) {
  if (awaiting_ == Awaiting::kNothing || !setup_) {
    return Status::fail("respond_http(): no request is waiting for an answer");
  }
  if (status < 200 || status > 599) {
    return Status::fail("respond_http(): status must be 2xx-5xx, got " + std::to_string(status));
  }
  out_ += build_http_response(status, content_type, body, setup_->server.server_name, extra);
  state_ = SessionState::kClosed;
  close_transport_ = true;  // one request per connection: "Connection: close"
  release_input();
  setup_.reset();
  pending_request_.reset();
  finish(1006, "plain HTTP request answered with " + std::to_string(status), false);
  return Status::ok();
}

// ---------------------------------------------------------------- frames

// Decodes in_ from in_pos_ until the input runs out, the connection ends, or a data
// message is complete with more bytes behind it: then it pauses (input_paused_) so the
// application can answer that message before anything later is acted on (see session.hpp).
void Session::handle_frames(Millis now) {
  input_paused_ = false;
  std::span<std::uint8_t> in(reinterpret_cast<std::uint8_t*>(in_.data()) + in_pos_,
                             in_.size() - in_pos_);
  while (!close_transport_ && !ignore_input_) {
    const FrameDecoder::Event ev = decoder_.next(in);
    if (ev.kind == FrameDecoder::Kind::kNeedMore) break;
    if (ev.kind == FrameDecoder::Kind::kError) {
      fail(close_code_for(ev.error), std::string(describe(ev.error)));
      break;
    }
    if (ev.kind == FrameDecoder::Kind::kHeader) {
      heartbeat_.on_traffic(now);
      if (is_control_opcode(ev.header.opcode)) {
        in_control_ = true;
        control_hdr_ = ev.header;
        continue;
      }
      in_control_ = false;
      // §5.5.1 forbids only SENDING data after our Close: data that still arrives before
      // the peer's Close is received and delivered like any other.
      const MessageError err = assembler_.on_frame_header(ev.header);
      if (err != MessageError::kNone) {
        fail(close_code_for(err), std::string(describe(err)));
        break;
      }
      continue;
    }
    // Kind::kPayload
    const std::string_view chunk(reinterpret_cast<const char*>(ev.payload.data()),
                                 ev.payload.size());
    if (in_control_) {
      if (!ev.frame_complete) {
        control_buf_.append(chunk);
        continue;
      }
      in_control_ = false;
      if (control_buf_.empty()) {
        handle_control(control_hdr_, chunk, now);  // the usual case: no copy
      } else {
        control_buf_.append(chunk);
        const std::string payload = std::move(control_buf_);
        control_buf_ = std::string();
        handle_control(control_hdr_, payload, now);
      }
      continue;
    }
    // §8.1 / §5.6: text is validated chunk by chunk, so bad UTF-8 fails at once.
    const MessageError err = assembler_.on_payload(ev.payload, ev.frame_complete);
    if (err != MessageError::kNone) {
      fail(close_code_for(err), std::string(describe(err)));
      break;
    }
    if (assembler_.message_ready()) {
      if (assembler_.is_text()) {
        emit(event::Text{assembler_.take_message()});
      } else {
        emit(event::Binary{assembler_.take_message()});
      }
      if (!in.empty()) {
        input_paused_ = true;
        break;
      }
    }
  }
  if (close_transport_ || ignore_input_) {
    release_input();
    return;
  }
  if (input_paused_) {
    in_pos_ = in_.size() - in.size();  // no copy: the rest stays where it is
    return;
  }
  in_.erase(0, in_.size() - in.size());  // kNeedMore: normally every byte was taken
  in_pos_ = 0;
  release_if_large(in_);
}

void Session::handle_control(const FrameHeader& h, std::string_view payload, Millis now) {
  switch (static_cast<Opcode>(h.opcode)) {
    case Opcode::kPing:
      // §5.5.2: answer with a Pong carrying the same payload, as soon as possible
      // (even between the fragments of a message). Nothing is sent after our Close.
      if (close_sent_) return;
      queue_frame(Opcode::kPong, payload);
      emit(event::Ping{std::string(payload)});
      return;
    case Opcode::kPong:
      // §5.5.3: a Pong may be unsolicited; it needs no answer.
      heartbeat_.on_pong(now, payload);
      emit(event::Pong{std::string(payload)});
      return;
    case Opcode::kClose: {
      CloseParse parsed = parse_close_payload(payload);
      if (!parsed.ok) {  // 1-byte body or invalid code -> 1002, bad UTF-8 reason -> 1007
        fail(parsed.fail_code, std::move(parsed.error));
        return;
      }
      close_received_ = true;
      peer_close_code_ = parsed.payload.code;
      peer_close_reason_ = parsed.payload.reason;
      emit(event::CloseReceived{parsed.payload.code, std::move(parsed.payload.reason)});
      if (!close_sent_) {
        // §5.5.1: answer with a Close, echoing the code; an empty Close gets an empty one.
        queue_frame(Opcode::kClose,
                    peer_close_code_ ? encode_close_payload(*peer_close_code_) : std::string());
        close_sent_ = true;
      }
      if (role_ == Role::kServer) {
        // §7.1.1: the server closes TCP first, right after the Close exchange.
        state_ = SessionState::kClosed;
        close_transport_ = true;
        finish(peer_close_code_.value_or(1005), peer_close_reason_, true);
      } else {
        // §7.1.1: the client waits for the server's TCP close, within close_timeout.
        state_ = SessionState::kClosing;
        ignore_input_ = true;
        close_deadline_ = now + close_timeout_;
      }
      return;
    }
    default:
      return;  // the decoder lets no other opcode through
  }
}

// §7.1.7: Fail the WebSocket Connection: send a Close with the reason's code
// (unless one was sent already), then close TCP without waiting.
void Session::fail(std::uint16_t code, std::string what) {
  if (state_ == SessionState::kClosed) return;
  emit(event::ProtocolError{code, what});
  if (!close_sent_) {
    queue_frame(Opcode::kClose, encode_close_payload(code, what));
    close_sent_ = true;
  }
  state_ = SessionState::kClosed;
  close_transport_ = true;
  finish(1006, std::move(what), false);
}

void Session::finish(std::uint16_t code, std::string reason, bool clean) {
  if (closed_emitted_) return;
  closed_emitted_ = true;
  close_deadline_.reset();
  handshake_deadline_.reset();
  emit(event::Closed{code, std::move(reason), clean});
}

// ---------------------------------------------------------------- output

void Session::queue_frame(Opcode op, std::string_view payload, bool fin) {
  if (role_ == Role::kClient) {
    // §5.3: a fresh, unpredictable key for every frame a client sends.
    MaskKey key;
    random_bytes(key.data(), key.size());
    append_frame(out_, op, payload, fin, &key);
  } else {
    append_frame(out_, op, payload, fin);
  }
}

Status Session::check_can_send() const {
  if (state_ != SessionState::kOpen || close_sent_) {
    return Status::fail(std::string("cannot send: the connection is ") +
                        std::string(state_name(state_)) +
                        (close_sent_ ? " and a Close was sent (RFC 6455 §5.5.1)" : ""));
  }
  return Status::ok();
}

Status Session::send_text(std::string_view text) {
  if (auto s = check_can_send(); !s) return s;
  if (sending_fragmented_) return Status::fail("send_text(): a fragmented message is in progress");
  if (!is_valid_utf8(text))
    return Status::fail("send_text(): text is not valid UTF-8 (RFC 6455 §5.6)");
  queue_frame(Opcode::kText, text);
  return Status::ok();
}

Status Session::send_binary(std::string_view data) {
  if (auto s = check_can_send(); !s) return s;
  if (sending_fragmented_)
    return Status::fail("send_binary(): a fragmented message is in progress");
  queue_frame(Opcode::kBinary, data);
  return Status::ok();
}

Status Session::send_fragment(Opcode op, std::string_view data, bool fin) {
  if (auto s = check_can_send(); !s) return s;
  if (!sending_fragmented_) {
    if (op != Opcode::kText && op != Opcode::kBinary) {
      return Status::fail(
          "send_fragment(): a message starts with kText or kBinary (RFC 6455 §5.4)");
    }
    sending_text_ = op == Opcode::kText;
    send_utf8_.reset();
  } else if (op != Opcode::kContinuation) {
    return Status::fail(
        "send_fragment(): fragments after the first are kContinuation (RFC 6455 §5.4)");
  }
  if (sending_text_ && (!send_utf8_.feed(data) || (fin && !send_utf8_.complete()))) {
    return Status::fail("send_fragment(): text is not valid UTF-8 (RFC 6455 §5.6)");
  }
  queue_frame(op, data, fin);
  sending_fragmented_ = !fin;
  return Status::ok();
}

Status Session::ping(std::string_view payload) {
  if (auto s = check_can_send(); !s) return s;
  if (payload.size() > kMaxControlPayload)
    return Status::fail("ping(): payload over 125 bytes (RFC 6455 §5.5)");
  queue_frame(Opcode::kPing, payload);
  return Status::ok();
}

Status Session::pong(std::string_view payload) {
  if (auto s = check_can_send(); !s) return s;
  if (payload.size() > kMaxControlPayload)
    return Status::fail("pong(): payload over 125 bytes (RFC 6455 §5.5)");
  queue_frame(Opcode::kPong, payload);
  return Status::ok();
}

Status Session::close(std::uint16_t code, std::string_view reason) {
  if (auto s = check_can_send(); !s) return s;
  if (!is_valid_close_code(code)) {
    return Status::fail("close(): code " + std::to_string(code) +
                        " may not be sent (RFC 6455 §7.4)");
  }
  if (reason.size() > kMaxControlPayload - 2)
    return Status::fail("close(): reason over 123 bytes (RFC 6455 §5.5)");
  if (!is_valid_utf8(reason))
    return Status::fail("close(): reason is not valid UTF-8 (RFC 6455 §5.5.1)");
  queue_frame(Opcode::kClose, encode_close_payload(code, reason));
  close_sent_ = true;
  state_ = SessionState::kClosing;
  close_deadline_ = last_now_ + close_timeout_;
  return Status::ok();
}

}  // namespace wslab
