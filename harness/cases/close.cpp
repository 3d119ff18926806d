// Group "close" (lab 3): the closing handshake, RFC 6455 §5.5.1, §7.
// Autobahn 7.1 (close behaviour), 7.3 (close payload length), 7.5 (reason
// UTF-8), 7.7 (valid codes), 7.9 (invalid codes), 7.13 (undefined codes,
// INFO). Plus what Autobahn leaves out: 1015 on the wire (MUST NOT be sent),
// the IANA-registered 1012-1014 (implementation-defined, INFO), who closes
// TCP first (§7.1.1) and a client that closes TCP without a Close frame.
#include "wslab/close.hpp"

#include <string>
#include <vector>

#include "drive.hpp"
#include "wslab/frame.hpp"

namespace wslab::harness {

namespace {

using namespace cases;
using K = Observation::Kind;

constexpr const char* kGroup = "close";
constexpr const char* kCloseRule =
    "If an endpoint receives a Close frame and did not previously send a Close frame, the "
    "endpoint MUST send a Close frame in response. ... After sending a Close frame, it MUST NOT "
    "send any further data.";
constexpr const char* kBodyRule =
    "If there is a body, the first two bytes of the body MUST be a 2-byte unsigned integer (in "
    "network byte order) representing a status code with value /code/ defined in Section 7.4.";
constexpr const char* kInvalidCodeRule =
    "0-999: Status codes in the range 0-999 are not used. ... 1004, 1005, 1006, 1015 are reserved "
    "values and MUST NOT be set as a status code in a Close control frame by an endpoint.";
constexpr const char* kValidCodeRule =
    "When sending a Close frame in response, the endpoint typically echos the status code it "
    "received.";

std::string close_lesson(std::string_view anchor) {
  return lesson::at(lesson::kLifecycle, anchor);
}

std::string frame(Opcode op, std::string_view payload, bool fin = true) {
  return FrameBuilder().fin(fin).opcode(op).random_mask().payload(payload).build();
}

CloseExpectation ours(std::string text, std::vector<std::uint16_t> codes = {1000}) {
  CloseExpectation c;
  c.codes = std::move(codes);
  c.ours = std::move(text);
  return c;
}

// Send a Close (code/reason as given), collect, judge with expect_answers.
CaseResult close_and_judge(CaseContext& ctx, std::optional<std::uint16_t> code,
                           std::string_view reason, const CloseExpectation& expect) {
  Exchange x(ctx, 1000ms);
  if (!x.open()) return x.failure();
  x.probe().send_close(code, reason);
  x.finish(1000ms);
  return expect_answers(x.observations(), {}, expect);
}

// Send a Close the server must refuse: it fails with 1002 (or drops).
CaseResult bad_close(CaseContext& ctx, std::optional<std::uint16_t> code, std::string_view reason,
                     const std::vector<std::uint16_t>& codes) {
  Exchange x(ctx, 1000ms);
  if (!x.open()) return x.failure();
  x.probe().send_close(code, reason);
  x.finish(1000ms);
  return expect_fail(x.observations(), codes);
}

std::string code_text(std::uint16_t code) {
  return std::to_string(code) + " (" + std::string(close_code_name(code)) + ")";
}

void add_behaviour(Catalog& cat) {
  add(cat,
      Spec{.id = "close.normal.after-message",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.5.1",
           .rfc_text = kCloseRule,
           .autobahn = "7.1.1",
           .points = 2,
           .description = "Send a text message, then a Close 1000; expect the echo, then the "
                          "Close answered and TCP closed by the server. NON-STRICT: the echo was "
                          "dropped.",
           .hint = "Process frames in order: echo the message first, then answer the Close with a "
                   "Close (same code) and close the socket.",
           .lesson = close_lesson("the-close-handshake")},
      [](CaseContext& ctx) {
        static const Answers kNone{};
        Exchange x(ctx, 1000ms);
        if (!x.open()) return x.failure();
        x.probe().send_text("Hello World!");
        x.probe().send_close(1000);
        x.finish(1000ms);
        return expect_answers(x.observations(), {Answer::text("Hello World!")}, {}, &kNone);
      });
  add(cat,
      Spec{.id = "close.normal.twice",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.5.1",
           .rfc_text = kCloseRule,
           .autobahn = "7.1.2",
           .description = "Send two Close frames; expect one Close back and the TCP close.",
           .hint = "After the first Close, ignore everything else the peer sends.",
           .lesson = close_lesson("the-close-handshake")},
      [](CaseContext& ctx) {
        Exchange x(ctx, 1000ms);
        if (!x.open()) return x.failure();
        x.probe().send(frame(Opcode::kClose, std::string("\x03\xe8", 2)));
        x.probe().send_close(1000);
        x.finish(1000ms);
        return expect_answers(x.observations(), {});
      });
  add(cat,
      Spec{.id = "close.after-close.ping-not-answered",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.5.2",
           .rfc_text = "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in "
                       "response, unless it already received a Close frame.",
           .autobahn = "7.1.3",
           .description = "Send a Close 1000, then a Ping; expect the Close answered and no Pong.",
           .hint = "Once a Close arrived, stop answering: no Pong, no echo, just your Close.",
           .lesson = close_lesson("the-close-handshake")},
      [](CaseContext& ctx) {
        Exchange x(ctx, 1000ms);
        if (!x.open()) return x.failure();
        x.probe().send_close(1000);
        x.probe().send_ping("ping after close");
        x.finish(1000ms);
        return expect_answers(x.observations(), {});
      });
  add(cat,
      Spec{.id = "close.after-close.text-not-echoed",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.5.1",
           .rfc_text = kCloseRule,
           .autobahn = "7.1.4",
           .description = "Send a Close 1000, then a text message; expect the Close answered and "
                          "no echo.",
           .hint = "After a Close, data from the peer is discarded and you must send no more "
                   "data frames.",
           .lesson = close_lesson("the-close-handshake")},
      [](CaseContext& ctx) {
        Exchange x(ctx, 1000ms);
        if (!x.open()) return x.failure();
        x.probe().send_close(1000);
        x.probe().send_text("text after close");
        x.finish(1000ms);
        return expect_answers(x.observations(), {});
      });
  add(cat,
      Spec{.id = "close.between-fragments",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.4",
           .rfc_text = "Control frames (see Section 5.5) MAY be injected in the middle of a "
                       "fragmented message.",
           .autobahn = "7.1.5",
           .description = "Send text fragment 1, a Close 1000, then the final fragment; expect a "
                          "clean close with 1000 and no echo.",
           .hint = "A Close in the middle of a message is legal: answer it and drop the "
                   "unfinished message; it is not a protocol error.",
           .lesson = close_lesson("the-close-handshake")},
      [](CaseContext& ctx) {
        Exchange x(ctx, 1000ms);
        if (!x.open()) return x.failure();
        x.probe().send(frame(Opcode::kText, "fragment1", false));
        x.probe().send_close(1000);
        x.probe().send(frame(Opcode::kContinuation, "fragment2", true));
        x.finish(1000ms);
        return expect_answers(x.observations(), {});
      });
  add(cat,
      Spec{.id = "close.after-large-message",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "7.1.6",
           .rfc_text = "Note that an endpoint MAY delay sending a Close frame until its current "
                       "message is sent.",
           .autobahn = "7.1.6",
           .points = 0,
           .description = "Send a 256 KiB text, \"Hello World!\", a Close 1000 and a Ping at once; "
                          "report what comes back. INFO: an asynchronous server may drop echoes "
                          "once the Close is in.",
           .hint = "Either outcome is allowed; ideally the echoes come before your Close and the "
                   "Ping gets no Pong.",
           .lesson = close_lesson("the-close-handshake"),
           .timeout = 3000ms},
      [](CaseContext& ctx) {
        Exchange x(ctx, 3000ms);
        if (!x.open()) return x.failure();
        std::string big = ascii_payload(256 * 1024, 'B');
        x.probe().send(frame(Opcode::kText, big) + frame(Opcode::kText, "Hello World!"));
        x.probe().send_close(1000);
        x.probe().send_ping("");
        x.finish(2000ms);
        return as_info(
            expect_answers(x.observations(), {Answer::text(big), Answer::text("Hello World!")}),
            "Autobahn 7.1.6: the RFC does not say whether pending echoes are sent");
      });
}

void add_payload_length(Catalog& cat) {
  add(cat,
      Spec{
          .id = "close.payload.empty",
          .group = kGroup,
          .lab = kLabLifecycle,
          .rfc_section = "5.5.1",
          .rfc_text = "The Close frame MAY contain a body (the \"Application data\" portion of the "
                      "frame) that indicates a reason for closing.",
          .autobahn = "7.3.1",
          .description = "Send a Close with an empty body; expect a Close back (empty or 1000) and "
                         "the TCP close.",
          .hint = "An empty Close is valid (status 1005 locally); answer with an empty Close or "
                  "1000, never with 1005 on the wire.",
          .lesson = close_lesson("close-codes")},
      [](CaseContext& ctx) {
        return close_and_judge(ctx, std::nullopt, "", ours("our empty Close"));
      });
  add(cat,
      Spec{.id = "close.payload.1-byte",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.5.1",
           .rfc_text = kBodyRule,
           .autobahn = "7.3.2",
           .description = "Send a Close whose body is 1 byte; the server must fail the connection "
                          "(1002).",
           .hint = "A Close body is either empty or at least 2 bytes (the code); 1 byte is a "
                   "protocol error. Do not echo it back.",
           .lesson = close_lesson("close-codes")},
      [](CaseContext& ctx) { return bad_close(ctx, std::nullopt, "\x03", {1002}); });
  add(cat,
      Spec{
          .id = "close.payload.code-only",
          .group = kGroup,
          .lab = kLabLifecycle,
          .rfc_section = "5.5.1",
          .rfc_text = kBodyRule,
          .autobahn = "7.3.3",
          .points = 2,
          .description = "Send a Close 1000 without reason; expect a Close 1000 and the TCP close.",
          .hint = "Read the 2-byte code in network byte order (big-endian) and echo it.",
          .lesson = close_lesson("the-close-handshake")},
      [](CaseContext& ctx) { return close_and_judge(ctx, 1000, "", ours("our Close 1000")); });
  add(cat,
      Spec{.id = "close.payload.code-and-reason",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.5.1",
           .rfc_text = "Following the 2-byte integer, the body MAY contain UTF-8-encoded data with "
                       "value /reason/",
           .autobahn = "7.3.4",
           .description = "Send a Close 1000 with the reason \"Hello World!\"; expect a Close "
                          "1000 and the TCP close.",
           .hint = "The reason follows the code; it is optional in your answer.",
           .lesson = close_lesson("close-codes")},
      [](CaseContext& ctx) {
        return close_and_judge(ctx, 1000, "Hello World!", ours("our Close 1000 'Hello World!'"));
      });
  add(cat,
      Spec{.id = "close.payload.reason-123-bytes",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.5",
           .rfc_text = "All control frames MUST have a payload length of 125 bytes or less",
           .autobahn = "7.3.5",
           .description = "Send a Close 1000 with a 123-byte reason (125-byte body, the maximum); "
                          "expect a Close 1000 and the TCP close.",
           .hint = "125 bytes is still a legal control frame; if you echo the reason, echo it "
                   "whole.",
           .lesson = close_lesson("close-codes")},
      [](CaseContext& ctx) {
        return close_and_judge(ctx, 1000, ascii_payload(123),
                               ours("our Close 1000 with a 123-byte reason"));
      });
  add(cat,
      Spec{.id = "close.payload.reason-124-bytes",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.5",
           .rfc_text = "All control frames MUST have a payload length of 125 bytes or less",
           .autobahn = "7.3.6",
           .description = "Send a Close 1000 with a 124-byte reason (126-byte body); the server "
                          "must fail the connection.",
           .hint = "Check the control-frame length limit before parsing the Close body.",
           .lesson = lesson::at(lesson::kFraming, "control-frames")},
      [](CaseContext& ctx) { return bad_close(ctx, 1000, ascii_payload(124), {1002}); });
  add(cat,
      Spec{.id = "close.reason.invalid-utf8",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.5.1",
           .rfc_text = "the body MAY contain UTF-8-encoded data with value /reason/, the "
                       "interpretation of which is not defined by this specification.",
           .autobahn = "7.5.1",
           .description = "Send a Close 1000 whose reason is not valid UTF-8; the server must fail "
                          "the connection (1002 or 1007).",
           .hint = "Validate the reason like a text message; invalid UTF-8 there fails the "
                   "connection.",
           .lesson = close_lesson("close-codes")},
      [](CaseContext& ctx) {
        return bad_close(ctx, 1000,
                         "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80"
                         "edited",
                         {1002, 1007});
      });
  add(cat,
      Spec{.id = "close.reason.valid-multibyte-utf8",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.5.1",
           .rfc_text = "the body MAY contain UTF-8-encoded data with value /reason/",
           .description = "Send a Close 1000 with the reason 'kosme' in Greek (multi-byte UTF-8); "
                          "expect a Close 1000 and the TCP close.",
           .hint = "Multi-byte UTF-8 in the reason is valid; do not reject non-ASCII reasons.",
           .lesson = close_lesson("close-codes")},
      [](CaseContext& ctx) {
        return close_and_judge(ctx, 1000, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5",
                               ours("our Close 1000 with a Greek reason"));
      });
}

void add_codes(Catalog& cat) {
  const std::pair<std::uint16_t, const char*> valid[] = {
      {1000, "7.7.1"},  {1001, "7.7.2"},  {1002, "7.7.3"}, {1003, "7.7.4"}, {1007, "7.7.5"},
      {1008, "7.7.6"},  {1009, "7.7.7"},  {1010, "7.7.8"}, {1011, "7.7.9"}, {3000, "7.7.10"},
      {3999, "7.7.11"}, {4000, "7.7.12"}, {4999, "7.7.13"}};
  for (const auto& [code, ab] : valid) {
    add(cat,
        Spec{.id = "close.code.valid." + std::to_string(code),
             .group = kGroup,
             .lab = kLabLifecycle,
             .rfc_section = "7.4",
             .rfc_text = kValidCodeRule,
             .autobahn = ab,
             .description = "Send a Close with the valid code " + code_text(code) +
                            "; expect a Close echoing it (or 1000) and the TCP close.",
             .hint = code >= 3000 ? "3000-4999 are valid codes for libraries and applications; "
                                    "accept them and echo them."
                                  : "This code is defined in RFC 6455 §7.4.1 and may be sent; "
                                    "answer with the same code.",
             .lesson = close_lesson("close-codes")},
        [code = code](CaseContext& ctx) {
          return close_and_judge(ctx, code, "",
                                 ours("our Close " + std::to_string(code), {code, 1000}));
        });
  }
  const std::pair<std::uint16_t, const char*> invalid[] = {
      {0, "7.9.1"},    {999, "7.9.2"},  {1004, "7.9.3"}, {1005, "7.9.4"}, {1006, "7.9.5"},
      {1016, "7.9.6"}, {1100, "7.9.7"}, {2000, "7.9.8"}, {2999, "7.9.9"}, {1015, ""}};
  for (const auto& [code, ab] : invalid) {
    add(cat,
        Spec{.id = "close.code.invalid." + std::to_string(code),
             .group = kGroup,
             .lab = kLabLifecycle,
             .rfc_section = "7.4.1",
             .rfc_text = kInvalidCodeRule,
             .autobahn = ab,
             .description = "Send a Close with the code " + std::to_string(code) +
                            ", which must never appear on the wire; the server must fail the "
                            "connection (1002).",
             .hint = code == 1005 || code == 1006 || code == 1015
                         ? "1005, 1006 and 1015 exist only locally (no code, abnormal closure, TLS "
                           "failure); on the wire they are protocol errors: answer 1002."
                         : "Validate the code: only 1000-1003, 1007-1014 and 3000-4999 may be "
                           "sent; anything else gets 1002.",
             .lesson = close_lesson("close-codes")},
        [code = code](CaseContext& ctx) { return bad_close(ctx, code, "", {1002}); });
  }
  for (std::uint16_t code : {std::uint16_t{1012}, std::uint16_t{1013}, std::uint16_t{1014}}) {
    add(cat,
        Spec{.id = "close.code.registered." + std::to_string(code),
             .group = kGroup,
             .lab = kLabLifecycle,
             .rfc_section = "7.4.2",
             .rfc_text = "Status codes in the range 1000-2999 are reserved for definition by this "
                         "protocol, its future revisions, and extensions specified in a permanent "
                         "and readily available public specification.",
             .points = 0,
             .description = "Send a Close with " + code_text(code) +
                            " (registered with IANA after RFC 6455); report whether the server "
                            "accepts it. INFO.",
             .hint = "Implementations differ: accepting it (echo) follows the IANA registry, "
                     "refusing it (1002) follows the RFC's original table.",
             .lesson = close_lesson("close-codes")},
        [code](CaseContext& ctx) {
          return as_info(close_and_judge(ctx, code, "",
                                         ours("our Close " + std::to_string(code), {code, 1000})),
                         "IANA-registered after RFC 6455; servers accept or refuse it");
        });
  }
  for (auto [code, ab] :
       {std::pair<std::uint16_t, const char*>{5000, "7.13.1"}, {65535, "7.13.2"}}) {
    add(cat,
        Spec{.id = "close.code.undefined." + std::to_string(code),
             .group = kGroup,
             .lab = kLabLifecycle,
             .rfc_section = "7.4.2",
             .rfc_text = "Status codes in the range 4000-4999 are reserved for private use ... "
                         "(codes above 4999 are not defined)",
             .autobahn = ab,
             .points = 0,
             .description = "Send a Close with the undefined code " + std::to_string(code) +
                            "; report what the server does. INFO.",
             .hint = "The RFC defines no range above 4999: refusing it (1002) is the careful "
                     "answer, echoing it is common.",
             .lesson = close_lesson("close-codes")},
        [code = code](CaseContext& ctx) {
          return as_info(close_and_judge(ctx, code, "",
                                         ours("our Close " + std::to_string(code), {code, 1000})),
                         "Autobahn 7.13: behaviour for codes above 4999 is undefined");
        });
  }
}

// After the close handshake the server closes TCP first (§7.1.1), so the
// client does not hold the TIME_WAIT state. Autobahn's requireClean.
CaseResult require_server_fin(CaseResult r, const Observations& obs) {
  bool close_seen = false;
  bool fin_after_close = false;
  for (const auto& o : obs) {
    if (o.kind == K::kClose) close_seen = true;
    if (o.kind == K::kTcpClosed && close_seen) fin_after_close = true;
  }
  r.expected += "; the server must close TCP within the wait, without waiting for the client";
  if (close_seen && !fin_after_close && r.verdict != Verdict::kFail &&
      r.verdict != Verdict::kError) {
    r.verdict = Verdict::kFail;
    r.detail =
        "after the close handshake the server kept TCP open; RFC 6455 §7.1.1: the "
        "underlying TCP connection, in most normal cases, SHOULD be closed first by the "
        "server. A server that waits for the client leaks connections from clients that "
        "never close.";
  }
  return r;
}

void add_tcp(Catalog& cat) {
  constexpr const char* kServerFirst =
      "The underlying TCP connection, in most normal cases, SHOULD be closed first by the server, "
      "so that it holds the TIME_WAIT state and not the client";
  add(cat,
      Spec{.id = "close.tcp.server-closes-first",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "7.1.1",
           .rfc_text = kServerFirst,
           .points = 2,
           .description = "Send a Close 1000 and keep TCP open; after answering, the server must "
                          "close TCP itself.",
           .hint = "After sending your Close in answer to the client's, close the socket: the "
                   "server does not wait for the client's FIN.",
           .lesson = close_lesson("who-closes-tcp")},
      [](CaseContext& ctx) {
        Exchange x(ctx, 1500ms);
        if (!x.open()) return x.failure();
        x.probe().send_close(1000);
        x.finish(1000ms, 1000ms);
        return require_server_fin(expect_answers(x.observations(), {}), x.observations());
      });
  add(cat,
      Spec{.id = "close.tcp.server-closes-first-after-failing",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "7.1.7",
           .rfc_text = "To _Fail the WebSocket Connection_, an endpoint MUST _Close the WebSocket "
                       "Connection_",
           .description = "Send a frame with reserved opcode 3; when the server fails the "
                          "connection, answer its Close; the server must then close TCP.",
           .hint = "Failing the connection means sending the Close (1002) and closing the "
                   "socket; do not keep a failed connection open.",
           .lesson = close_lesson("who-closes-tcp")},
      [](CaseContext& ctx) {
        Exchange x(ctx, 1500ms);
        if (!x.open()) return x.failure();
        x.probe().send(FrameBuilder().opcode(std::uint8_t{3}).random_mask().build());
        x.finish(1000ms, 1000ms);
        return require_server_fin(expect_fail(x.observations(), {1002}), x.observations());
      });
  add(cat,
      Spec{.id = "close.tcp.fin-without-close-frame",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "7.1.5",
           .rfc_text = "If _The WebSocket Connection is Closed_ and no Close control frame was "
                       "received by the endpoint (such as could occur if the underlying transport "
                       "connection is lost), _The WebSocket Connection Close Code_ is considered "
                       "to be 1006.",
           .description = "Half-close TCP right after the handshake, without a Close frame; the "
                          "server must close its side too and never send 1005/1006 on the wire.",
           .hint = "read() returning 0 means the peer is gone: close the socket (abnormal "
                   "closure, 1006 locally). 1006 is never sent in a Close frame.",
           .lesson = close_lesson("who-closes-tcp")},
      [](CaseContext& ctx) {
        Exchange x(ctx, 1000ms);
        if (!x.open()) return x.failure();
        x.probe().half_close();
        auto more = x.probe().collect(x.bounded(1000ms), /*answer_close=*/false);
        for (auto& o : more) x.observations().push_back(std::move(o));
        CaseResult r;
        r.expected =
            "the server closes TCP (it may send a Close first, but never with 1005, 1006 "
            "or 1015)";
        r.observed = describe(x.observations());
        r.verdict = Verdict::kTimeout;
        r.detail = "the server kept its side of the connection open after the client's FIN";
        for (const auto& o : x.observations()) {
          if (o.kind == K::kClose && o.code &&
              (*o.code == 1005 || *o.code == 1006 || *o.code == 1015)) {
            r.verdict = Verdict::kFail;
            r.detail = "the server sent a Close with " + code_text(*o.code) +
                       ", a code that MUST NOT be set in a Close frame (§7.4.1)";
            return r;
          }
          if (o.kind == K::kText || o.kind == K::kBinary || o.kind == K::kBadFrame) {
            r.verdict = Verdict::kFail;
            r.detail = "the server sent " + describe(o) + " to a client that had left";
            return r;
          }
          if (o.kind == K::kTcpClosed) {
            r.verdict = Verdict::kPass;
            r.detail.clear();
          }
        }
        return r;
      });
}

}  // namespace

void register_close_cases(Catalog& cat) {
  add_behaviour(cat);
  add_payload_length(cat);
  add_codes(cat);
  add_tcp(cat);
}

}  // namespace wslab::harness
