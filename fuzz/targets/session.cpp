// Fuzz target: the whole server Session (RFC 6455 §4, §5, §7) with an echo
// application, fed a byte stream in fuzzer-chosen chunks, with time passing.
// Input: byte 0 = chop count | flags << 4, the chop bytes, then the stream
// (normally a handshake request followed by frames).
//   flags: bit 0 heartbeat on, bit 1 manual accept, bit 2 serve plain HTTP,
//          bit 3 small limits (125-byte frames, 256-byte messages).
//   chop byte c: the next piece is (c & 0x7F) + 1 bytes; c & 0x80 first lets
//          700 ms pass and ticks the session (heartbeat and close timers).
// The echo application echoes text and binary; a binary message starting with
// 0xFF is a command to the application instead, so the fuzzer also drives the
// send side: "\xFF" "c" <code:2> <reason> closes with that code, "\xFF" "p"
// <payload> pings, "\xFF" "f" <data> echoes the data as three fragments.
// Invariants (abort with a message when broken):
//  - nothing crashes (ASan/UBSan watch the memory);
//  - our output is a well-formed HTTP response, then well-formed server frames
//    (unmasked, no RSV, defined opcodes, control <= 125 bytes, text is UTF-8);
//  - nothing is sent after our Close frame (§5.5.1), and nothing at all once the
//    session is CLOSED and its output was written;
//  - every Close we send carries a legal code (is_valid_close_code) and a UTF-8
//    reason; the application cannot make the session send an illegal one;
//  - every Pong answers a Ping with the same payload (§5.5.2);
//  - every echo goes out as sent, in order;
//  - states only move forward; Closed is the last event; memory stays within a
//    bound set by the configured limits, however long the stream.
#include "wslab/session.hpp"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "wslab/close.hpp"
#include "wslab/frame.hpp"
#include "wslab/http.hpp"
#include "wslab/message.hpp"
#include "wslab/utf8.hpp"

namespace {

using namespace wslab;
using wslab::fuzz::printable;

struct Expected {
  bool text = false;
  std::string data;
};

// Reads what the session writes, as a client would, and checks it.
class OutputChecker {
 public:
  void feed(std::string_view bytes, std::deque<std::string>& pings, std::deque<Expected>& echoes) {
    if (bytes.empty()) return;
    WSLAB_FUZZ_CHECK(!close_seen_, "output after our Close frame (§5.5.1): " + printable(bytes));
    if (phase_ == Phase::kHead) {
      head_ += bytes;
      HttpResponse response;
      const ParseOutcome o = parse_response(head_, response, 1u << 20);
      if (o.state == ParseState::kNeedMore) return;
      WSLAB_FUZZ_CHECK(o.state == ParseState::kComplete,
                       "we sent a malformed HTTP response: " + o.error + ": " + printable(head_));
      const std::string rest = head_.substr(o.head_bytes);
      if (response.status == 101) {
        phase_ = Phase::kFrames;
        if (!rest.empty()) feed(rest, pings, echoes);
      } else {
        phase_ = Phase::kBody;
        const auto length = response.headers.get("Content-Length");
        body_left_ = length ? std::stoull(std::string(*length)) : 0;
        feed_body(rest);
      }
      return;
    }
    if (phase_ == Phase::kBody) {
      feed_body(bytes);
      return;
    }
    std::vector<std::uint8_t> buf(bytes.begin(), bytes.end());
    std::span<std::uint8_t> in(buf);
    for (;;) {
      const FrameDecoder::Event ev = decoder_.next(in);
      if (ev.kind == FrameDecoder::Kind::kNeedMore) break;
      WSLAB_FUZZ_CHECK(ev.kind != FrameDecoder::Kind::kError,
                       "we sent an invalid frame: " + std::string(describe(ev.error)));
      WSLAB_FUZZ_CHECK(!close_seen_, "a frame after our Close frame (§5.5.1)");
      if (ev.kind == FrameDecoder::Kind::kHeader) {
        header_ = ev.header;
        control_.clear();
        if (!is_control_opcode(header_.opcode)) {
          const MessageError e = assembler_.on_frame_header(header_);
          WSLAB_FUZZ_CHECK(e == MessageError::kNone,
                           "we broke fragmentation rules: " + std::string(describe(e)));
        }
        continue;
      }
      if (is_control_opcode(header_.opcode)) {
        control_.append(reinterpret_cast<const char*>(ev.payload.data()), ev.payload.size());
        if (ev.frame_complete) control_frame(pings);
        continue;
      }
      const MessageError e = assembler_.on_payload(ev.payload, ev.frame_complete);
      WSLAB_FUZZ_CHECK(e == MessageError::kNone,
                       "we sent a bad message: " + std::string(describe(e)));
      if (assembler_.message_ready()) {
        const bool text = assembler_.is_text();
        const std::string data = assembler_.take_message();
        WSLAB_FUZZ_CHECK(!echoes.empty(), "a data message the application never sent");
        WSLAB_FUZZ_CHECK(echoes.front().text == text && echoes.front().data == data,
                         "the echo differs from what the application sent");
        echoes.pop_front();
      }
    }
  }

  [[nodiscard]] bool close_seen() const { return close_seen_; }

 private:
  enum class Phase { kHead, kBody, kFrames };

  void feed_body(std::string_view bytes) {
    WSLAB_FUZZ_CHECK(bytes.size() <= body_left_,
                     "bytes after an HTTP error response's body: " + printable(bytes));
    body_left_ -= bytes.size();
  }

  void control_frame(std::deque<std::string>& pings) {
    switch (static_cast<Opcode>(header_.opcode)) {
      case Opcode::kClose: {
        const CloseParse p = parse_close_payload(control_);
        WSLAB_FUZZ_CHECK(p.ok,
                         "we sent a malformed Close: " + p.error + ": " + printable(control_));
        if (p.payload.code) {
          WSLAB_FUZZ_CHECK(is_valid_close_code(*p.payload.code),
                           "we sent close code " + std::to_string(*p.payload.code));
        }
        close_seen_ = true;
        return;
      }
      case Opcode::kPong:
        WSLAB_FUZZ_CHECK(!pings.empty() && pings.front() == control_,
                         "a Pong that answers no Ping: " + printable(control_));
        pings.pop_front();
        return;
      default:
        return;  // our own heartbeat Pings
    }
  }

  Phase phase_ = Phase::kHead;
  std::string head_;
  std::uint64_t body_left_ = 0;
  FrameDecoder decoder_{Role::kClient};
  MessageAssembler assembler_;
  FrameHeader header_{};
  std::string control_;
  bool close_seen_ = false;
};

struct Harness {
  explicit Harness(std::uint8_t flags) {
    config.role = Role::kServer;
    const bool small = (flags & 8) != 0;
    config.max_frame_bytes = small ? 125 : 4096;
    config.max_message_bytes = small ? 256 : 8192;
    config.server.subprotocols = {"chat"};
    if (flags & 1) config.heartbeat = HeartbeatConfig{Millis{1000}, Millis{1500}};
    config.manual_accept = (flags & 2) != 0;
    config.serve_plain_http = (flags & 4) != 0;
    config.close_timeout = Millis{2000};
    config.handshake_timeout = Millis{3000};
  }

  void run_app_command(std::string_view cmd) {
    if (cmd.size() < 2) return;
    const std::string_view arg = cmd.substr(2);
    switch (cmd[1]) {
      case 'c': {
        if (arg.size() < 2) return;
        const auto code = static_cast<std::uint16_t>((static_cast<std::uint8_t>(arg[0]) << 8) |
                                                     static_cast<std::uint8_t>(arg[1]));
        const Status s = session->close(code, arg.substr(2));
        if (!is_valid_close_code(code)) {
          WSLAB_FUZZ_CHECK(!s.is_ok(), "close(" + std::to_string(code) + ") was accepted");
        }
        return;
      }
      case 'p': {
        const Status s = session->ping(arg);
        if (arg.size() > 125) WSLAB_FUZZ_CHECK(!s.is_ok(), "ping() over 125 bytes accepted");
        return;
      }
      case 'f': {
        const std::size_t third = arg.size() / 3;
        const Status a = session->send_fragment(Opcode::kBinary, arg.substr(0, third), false);
        if (!a.is_ok()) return;
        const Status b =
            session->send_fragment(Opcode::kContinuation, arg.substr(third, third), false);
        WSLAB_FUZZ_CHECK(b.is_ok(), "a continuation refused while OPEN: " + b.message());
        const Status c = session->send_fragment(Opcode::kContinuation, arg.substr(2 * third), true);
        WSLAB_FUZZ_CHECK(c.is_ok(), "the final fragment refused while OPEN: " + c.message());
        echoes.push_back({false, std::string(arg)});
        return;
      }
      case 'x': {
        const Status s = session->send_text("\xC0\xAF");
        WSLAB_FUZZ_CHECK(!s.is_ok(), "send_text accepted invalid UTF-8 (§5.6)");
        return;
      }
      default:
        return;
    }
  }

  void drain_events() {
    while (auto ev = session->poll_event()) {
      WSLAB_FUZZ_CHECK(!closed_event, "an event after event::Closed");
      if (auto* up = std::get_if<event::Upgrade>(&*ev)) {
        WSLAB_FUZZ_CHECK(!session->accept("not-offered-by-anyone").is_ok(),
                         "accept() took a subprotocol the client did not offer (§4.2.2)");
        if (up->request.target.find("reject") != std::string::npos) {
          WSLAB_FUZZ_CHECK(session->reject(403, "no").is_ok(), "reject() failed");
        } else {
          const bool chat =
              std::find(up->offered_subprotocols.begin(), up->offered_subprotocols.end(), "chat") !=
              up->offered_subprotocols.end();
          const Status s = session->accept(chat ? "chat" : "");
          WSLAB_FUZZ_CHECK(s.is_ok(), "accept() failed: " + s.message());
        }
      } else if (std::holds_alternative<event::PlainHttp>(*ev)) {
        WSLAB_FUZZ_CHECK(session->respond_http(200, "text/plain", "hello").is_ok(),
                         "respond_http() failed");
      } else if (auto* t = std::get_if<event::Text>(&*ev)) {
        WSLAB_FUZZ_CHECK(is_valid_utf8(t->data), "event::Text with invalid UTF-8 (§8.1)");
        WSLAB_FUZZ_CHECK(t->data.size() <= config.max_message_bytes, "a message over the limit");
        if (session->send_text(t->data).is_ok()) echoes.push_back({true, t->data});
      } else if (auto* b = std::get_if<event::Binary>(&*ev)) {
        WSLAB_FUZZ_CHECK(b->data.size() <= config.max_message_bytes, "a message over the limit");
        if (!b->data.empty() && static_cast<std::uint8_t>(b->data[0]) == 0xFF) {
          run_app_command(b->data);
        } else if (session->send_binary(b->data).is_ok()) {
          echoes.push_back({false, b->data});
        }
      } else if (auto* p = std::get_if<event::Ping>(&*ev)) {
        WSLAB_FUZZ_CHECK(p->payload.size() <= 125, "a Ping over 125 bytes was accepted (§5.5)");
        pings.push_back(p->payload);
      } else if (auto* e = std::get_if<event::ProtocolError>(&*ev)) {
        WSLAB_FUZZ_CHECK(is_valid_close_code(e->close_code),
                         "failing with an unsendable code " + std::to_string(e->close_code));
      } else if (auto* c = std::get_if<event::Closed>(&*ev)) {
        WSLAB_FUZZ_CHECK(c->code >= 1000, "event::Closed with code " + std::to_string(c->code));
        closed_event = true;
      }
    }
  }

  // Runs after every input to the session.
  void after_step(std::size_t piece) {
    drain_events();
    const std::string out(session->pending_output());
    if (was_closed && !out.empty()) {
      WSLAB_FUZZ_CHECK(
          false, "output after the session was CLOSED and its output written: " + printable(out));
    }
    checker.feed(out, pings, echoes);
    session->consume_output(out.size());
    WSLAB_FUZZ_CHECK(session->pending_output().empty(), "consume_output left bytes behind");

    const SessionState now_state = session->state();
    WSLAB_FUZZ_CHECK(static_cast<int>(now_state) >= static_cast<int>(state),
                     "the state went back from " + std::string(state_name(state)) + " to " +
                         std::string(state_name(now_state)));
    state = now_state;
    WSLAB_FUZZ_CHECK(!transport_closed || session->should_close_transport(),
                     "should_close_transport() went back to false");
    transport_closed = session->should_close_transport();
    was_closed = now_state == SessionState::kClosed;
    if (was_closed) {
      const Status s = session->send_text("late");
      WSLAB_FUZZ_CHECK(!s.is_ok(), "send_text accepted on a CLOSED session");
    }

    // Memory: bounded by the limits, not by how much the peer sent.
    const std::size_t bound = sizeof(Session) + sizeof(SessionConfig) + sizeof(HttpRequest) +
                              2 * config.max_message_bytes + 2 * config.max_frame_bytes +
                              2 * (config.server.max_head_bytes + piece) + 4096;
    const std::size_t used = session->memory_footprint();
    WSLAB_FUZZ_CHECK(used <= bound, "memory_footprint() " + std::to_string(used) +
                                        " over the bound " + std::to_string(bound));
  }

  SessionConfig config;
  std::optional<Session> session;
  OutputChecker checker;
  std::deque<std::string> pings;
  std::deque<Expected> echoes;
  SessionState state = SessionState::kConnecting;
  bool transport_closed = false;
  bool was_closed = false;
  bool closed_event = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = wslab::fuzz::ChoppedInput::parse(data, size);
  Harness h(in.flags);
  h.session.emplace(h.config);
  Millis now{1000};
  h.session->start(now);
  h.after_step(0);

  std::size_t pos = 0;
  for (std::size_t i = 0; pos < in.stream.size(); ++i) {
    std::size_t n = in.stream.size() - pos;
    if (!in.chops.empty()) {
      const std::size_t c = in.chops[i % in.chops.size()] - 1;  // the raw chop byte
      n = std::min(n, (c & 0x7F) + 1);
      if (c & 0x80) {
        now += Millis{700};
        h.session->on_tick(now);
        h.after_step(0);
      }
    }
    now += Millis{1};
    h.session->on_bytes(in.stream.substr(pos, n), now);
    h.after_step(n);
    pos += n;
  }
  // Let every timer run out, then the peer goes away.
  now += Millis{20000};
  h.session->on_tick(now);
  h.after_step(0);
  h.session->on_eof(now);
  h.after_step(0);
  WSLAB_FUZZ_CHECK(h.session->state() == SessionState::kClosed, "not CLOSED after EOF");
  WSLAB_FUZZ_CHECK(h.closed_event, "no event::Closed after EOF");
  return 0;
}
