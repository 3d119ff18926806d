// Group "robustness": what no RFC sentence tests directly but every server
// meets on the Internet (RFC 6455 §10 Security Considerations): garbage and
// TLS bytes instead of HTTP, a client trickling its request (slowloris) while
// others must still be served, 1000 concurrent connections, peers that reset
// mid-frame or mid-handshake, and per-connection state under interleaving.
// After each assault a fresh connection must still get an echo.
#include <sys/resource.h>

#include <memory>
#include <string>
#include <vector>

#include "drive.hpp"
#include "wslab/frame.hpp"

namespace wslab::harness {

namespace {

using namespace cases;
using K = Observation::Kind;

constexpr const char* kGroup = "robustness";
// §10.7: input is validated, and one bad connection is dropped, not the server.
constexpr const char* kInvalidDataRule =
    "Incoming data MUST always be validated by both clients and servers. If, at any time, an "
    "endpoint is faced with data that it does not understand or that violates some criteria by "
    "which the endpoint determines safety of input ... the endpoint MAY drop the TCP connection.";
// §10.4: resources; one client must not be able to exhaust what others need.
constexpr const char* kResourceRule =
    "Implementations ... MUST protect themselves against exceeding those limits. (For example, a "
    "malicious endpoint can try to exhaust its peer's memory or mount a denial-of-service attack "
    "...)";

std::string valid_request(const CaseContext& ctx) {
  return "GET " + (ctx.target.path.empty() ? std::string("/") : ctx.target.path) +
         " HTTP/1.1\r\nHost: " + ctx.target.host_header() +
         "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
}

// A fresh connection must still be served: handshake, echo, clean close.
CaseResult still_served(CaseContext& ctx, Millis budget, const std::string& after) {
  Exchange x(ctx, budget);
  std::string text = "still serving after " + after;
  if (!x.open()) {
    CaseResult r = x.failure();
    if (r.verdict != Verdict::kError) {
      r.verdict = Verdict::kFail;
      r.detail =
          "after " + after + ", a new connection could not complete the handshake: " + r.observed;
    }
    return r;
  }
  x.probe().send_text(text);
  x.await_answers(1);
  x.close(1000);
  CaseResult r = expect_echo(x.observations(), text, K::kText);
  r.expected = "after " + after + ", a new connection is served: " + r.expected;
  return r;
}

// Combines the verdict of the assault with that of the follow-up connection.
CaseResult combine(CaseResult first, const CaseResult& then) {
  first.verdict = worse(first.verdict, then.verdict);
  first.expected += "; then " + then.expected;
  first.observed += "; then, on a new connection: " + then.observed;
  if (!then.detail.empty()) first.detail += (first.detail.empty() ? "" : "; ") + then.detail;
  return first;
}

// Bytes that are not HTTP: the server answers 4xx or closes; silence is
// NON-STRICT here (it may be waiting for a header that never ends).
CaseResult garbage(CaseContext& ctx, const std::string& bytes, const std::string& what) {
  auto p = ctx.probe();
  auto outcome = classify_http(p->request(bytes, 500ms));
  CaseResult r;
  r.expected = "the server refuses " + what + " with a 4xx status or closes the connection";
  r.observed = describe(outcome);
  switch (outcome.kind) {
    case HttpOutcome::Kind::kError:
      r.verdict = Verdict::kError;
      r.detail = outcome.error;
      return r;
    case HttpOutcome::Kind::kClosed:
      r.verdict = Verdict::kPass;
      break;
    case HttpOutcome::Kind::kTimeout:
      r.verdict = Verdict::kNonStrict;
      r.detail =
          "the server neither answered nor closed; a request line that cannot be HTTP "
          "can be refused at once (400)";
      break;
    case HttpOutcome::Kind::kResponse: {
      int s = outcome.response.status;
      if (s >= 400 && s < 500) {
        r.verdict = Verdict::kPass;
      } else if (s == 0 || s >= 500) {
        r.verdict = Verdict::kNonStrict;
        r.detail = "a 4xx (400 Bad Request) describes the problem better";
      } else {
        r.verdict = Verdict::kFail;
        r.detail = "status " + std::to_string(s) + " for bytes that are not an HTTP request";
      }
      break;
    }
  }
  p->close();
  return combine(std::move(r), still_served(ctx, 1000ms, what));
}

void raise_fd_limit(rlim_t want) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  if (rl.rlim_cur >= want) return;
  rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ? want : std::min(want, rl.rlim_max);
  setrlimit(RLIMIT_NOFILE, &rl);
}

CaseResult thousand_connections(CaseContext& ctx) {
  constexpr std::size_t kCount = 1000;
  raise_fd_limit(kCount + 256);
  std::vector<std::unique_ptr<Probe>> probes;
  probes.reserve(kCount);
  CaseResult r;
  r.expected = std::to_string(kCount) +
               " connections open at once, each completes the handshake "
               "and gets its echo, then each closes cleanly";
  auto fail_at = [&](std::size_t i, const std::string& step, const std::string& why) {
    r.verdict = Verdict::kFail;
    r.observed = std::to_string(i) + " connections were fine; connection " + std::to_string(i + 1) +
                 " failed at the " + step + ": " + why;
    r.detail =
        "the server must keep serving while many connections are open (file descriptor "
        "limits, per-connection memory, an accept loop that keeps accepting)";
    return r;
  };
  for (std::size_t i = 0; i < kCount; ++i) {
    auto p = ctx.probe();
    auto h = p->handshake();
    if (!h) {
      if (h.error().rfind("connect:", 0) == 0 &&
          h.error().find("Too many open files") != std::string::npos) {
        r.verdict = Verdict::kError;
        r.observed =
            "the harness ran out of file descriptors at " + std::to_string(i) + ": " + h.error();
        r.detail = "raise `ulimit -n` for the harness (it needs about 1100)";
        return r;
      }
      return fail_at(i, "handshake", h.error());
    }
    probes.push_back(std::move(p));
  }
  for (std::size_t i = 0; i < kCount; ++i) {
    std::string text = "connection " + std::to_string(i);
    probes[i]->send_text(text);
  }
  for (std::size_t i = 0; i < kCount; ++i) {
    std::string text = "connection " + std::to_string(i);
    Observation o = probes[i]->next(2000ms);
    if (o.kind != K::kText || o.payload != text) return fail_at(i, "echo", describe(o));
  }
  for (auto& p : probes) p->send_close(1000);
  std::size_t clean = 0;
  for (std::size_t i = 0; i < kCount; ++i) {
    auto obs = probes[i]->collect(1000ms, false);
    bool closed = !obs.empty() && obs.back().kind == K::kTcpClosed;
    bool close_frame = false;
    for (const auto& o : obs) close_frame = close_frame || o.kind == K::kClose;
    if (!close_frame) return fail_at(i, "close", describe(obs));
    if (closed) ++clean;
  }
  r.verdict = Verdict::kPass;
  r.observed = "all " + std::to_string(kCount) + " connections were served; " +
               std::to_string(clean) + " closed TCP after the close handshake";
  return r;
}

}  // namespace

void register_robustness_cases(Catalog& cat) {
  add(cat,
      Spec{.id = "robustness.garbage.before-handshake",
           .group = kGroup,
           .lab = kLabFraming,  // then echoes on a new connection: frames (lab 2)
           .rfc_section = "4.2.1",
           .rfc_text = "If the server, while reading the handshake, finds that the client did not "
                       "send a handshake that matches the description below ..., the server MUST "
                       "stop processing the client's handshake and return an HTTP response with an "
                       "appropriate error code (such as 400 Bad Request).",
           .description = "Send binary garbage ending in CRLF CRLF instead of a request; expect a "
                          "4xx or a close, and a new connection still served.",
           .hint = "Parse defensively: reject bytes that are not a token in the request line "
                   "with 400 and close; never crash or stop accepting.",
           .lesson = lesson::at(lesson::kSecurity, "hostile-input"),
           .timeout = 2000ms},
      [](CaseContext& ctx) {
        return garbage(
            ctx, std::string("\x00\x01\x02\xfe\xff garbage \x7f\x80\r\nnot: http\r\n\r\n", 31),
            "garbage bytes");
      });
  add(cat,
      Spec{.id = "robustness.garbage.tls-client-hello",
           .group = kGroup,
           .lab = kLabFraming,  // then echoes on a new connection: frames (lab 2)
           .rfc_section = "4.2.1",
           .rfc_text = "If the server, while reading the handshake, finds that the client did not "
                       "send a handshake that matches the description below ..., the server MUST "
                       "stop processing the client's handshake and return an HTTP response with an "
                       "appropriate error code (such as 400 Bad Request).",
           .description = "Send the start of a TLS ClientHello (a wss:// client on a ws:// port); "
                          "expect a 4xx or a close (NON-STRICT: silence), and a new connection "
                          "still served.",
           .hint = "A request line starting with byte 0x16 can never become HTTP: answer 400 at "
                   "once instead of waiting for a blank line that will not come.",
           .lesson = lesson::at(lesson::kSecurity, "hostile-input"),
           .timeout = 2000ms},
      [](CaseContext& ctx) {
        std::string hello("\x16\x03\x01\x00\x2f\x01\x00\x00\x2b\x03\x03", 11);
        hello += std::string(32, '\x5a');
        hello += std::string("\x00\x00\x02\x13\x01\x01\x00", 7);
        return garbage(ctx, hello, "a TLS ClientHello");
      });
  add(cat,
      Spec{.id = "robustness.reset.during-handshake-then-new-connection",
           .group = kGroup,
           .lab = kLabFraming,  // then echoes on a new connection: frames (lab 2)
           .rfc_section = "10.7",
           .rfc_text = kInvalidDataRule,
           .description = "Send half an opening handshake, then reset the connection (RST); a new "
                          "connection must still be served.",
           .hint = "A failed read (ECONNRESET) ends that connection only: free its state and keep "
                   "the server running (ignore SIGPIPE, check every syscall).",
           .lesson = lesson::at(lesson::kSecurity, "hostile-input"),
           .timeout = 1500ms},
      [](CaseContext& ctx) {
        CaseResult r;
        {
          auto p = ctx.probe();
          if (!p->connect()) {
            r.verdict = Verdict::kError;
            r.observed = "could not connect";
            return r;
          }
          std::string req = valid_request(ctx);
          p->send(std::string_view(req).substr(0, req.size() / 2));
          p->pause(20ms);
          p->reset();
        }
        r.verdict = Verdict::kPass;
        r.expected = "nothing (the client reset the connection)";
        r.observed = "half a request, then RST";
        return combine(std::move(r), still_served(ctx, 1000ms, "a reset during the handshake"));
      });
  add(cat,
      Spec{.id = "robustness.reset.mid-frame-then-new-connection",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "10.7",
           .rfc_text = kInvalidDataRule,
           .description = "After the handshake send half of a 1000-byte frame, then reset the "
                          "connection; a new connection must still be served.",
           .hint = "A peer can vanish in the middle of a frame: drop the half-parsed frame with "
                   "the connection, do not crash or leak it.",
           .lesson = lesson::at(lesson::kLifecycle, "who-closes-tcp"),
           .timeout = 1500ms},
      [](CaseContext& ctx) {
        CaseResult r;
        {
          Exchange x(ctx, 500ms);
          if (!x.open()) return x.failure();
          std::string f = FrameBuilder()
                              .opcode(Opcode::kText)
                              .random_mask()
                              .payload(ascii_payload(1000))
                              .build();
          x.probe().send(std::string_view(f).substr(0, 500));
          x.probe().pause(20ms);
          x.probe().reset();
        }
        r.verdict = Verdict::kPass;
        r.expected = "nothing (the client reset the connection mid-frame)";
        r.observed = "half a frame, then RST";
        return combine(std::move(r), still_served(ctx, 1000ms, "a reset in the middle of a frame"));
      });
  add(cat,
      Spec{.id = "robustness.connect-close.no-bytes-then-new-connection",
           .group = kGroup,
           .lab = kLabFraming,  // then echoes on a new connection: frames (lab 2)
           .rfc_section = "10.7",
           .rfc_text = kInvalidDataRule,
           .description = "Open and close 20 TCP connections without sending a byte; a new "
                          "connection must still be served.",
           .hint = "read() returning 0 before any request is normal (port scanners, health "
                   "checks): close quietly and keep accepting.",
           .lesson = lesson::at(lesson::kSecurity, "hostile-input"),
           .timeout = 1500ms},
      [](CaseContext& ctx) {
        CaseResult r;
        for (int i = 0; i < 20; ++i) {
          auto p = ctx.probe();
          if (!p->connect()) {
            r.verdict = Verdict::kFail;
            r.expected = "20 connections accepted";
            r.observed = "connection " + std::to_string(i + 1) + " was refused";
            return r;
          }
          p->close();
        }
        r.verdict = Verdict::kPass;
        r.expected = "20 silent connections accepted and closed";
        r.observed = "20 connections opened and closed without a byte";
        return combine(std::move(r), still_served(ctx, 1000ms, "20 empty connections"));
      });
  add(cat,
      Spec{.id = "robustness.slowloris.other-clients-served",
           .group = kGroup,
           .lab = kLabScaleOut,
           .rfc_section = "10.4",
           .rfc_text = kResourceRule,
           .points = 2,
           .description = "One client sends half of its opening handshake and stalls; meanwhile a "
                          "second client must complete a handshake and get two echoes.",
           .hint = "Never block on one client's read: use non-blocking sockets and an event loop "
                   "(or a thread per connection), and time out idle handshakes.",
           .lesson = lesson::at(lesson::kScaleOut, "one-slow-client"),
           .timeout = 2000ms},
      [](CaseContext& ctx) {
        auto slow = ctx.probe();
        if (!slow->connect()) {
          CaseResult r;
          r.verdict = Verdict::kError;
          r.observed = "could not connect";
          return r;
        }
        std::string req = valid_request(ctx);
        slow->send(std::string_view(req).substr(0, 30));
        Exchange x(ctx, 1500ms);
        CaseResult r;
        r.expected =
            "a second client is served (handshake and echoes) while the first one "
            "trickles its request";
        if (!x.open()) {
          r = x.failure();
          if (r.verdict != Verdict::kError) {
            r.verdict = Verdict::kFail;
            r.detail =
                "while one client stalled in the middle of its request, another could not "
                "even complete the handshake: the server is blocked on the slow client";
          }
          return r;
        }
        x.probe().send_text("served while another client stalls");
        x.await_answers(1);
        slow->send(std::string_view(req).substr(30, 1));
        x.probe().send_text("still served");
        x.await_answers(1);
        x.close(1000);
        slow->close();
        CaseResult e = expect_answers(
            x.observations(),
            {Answer::text("served while another client stalls"), Answer::text("still served")});
        e.expected = r.expected + ": " + e.expected;
        return e;
      });
  add(cat,
      Spec{.id = "robustness.concurrency.two-clients-interleaved",
           .group = kGroup,
           .lab = kLabScaleOut,
           .rfc_section = "5.4",
           .rfc_text = "The fragments of one message MUST NOT be interleaved between the fragments "
                       "of another message",
           .description = "Two clients each send a 2-fragment message, their fragments "
                          "interleaved in time; each must get its own message back whole.",
           .hint = "Keep the open message (buffer, opcode, UTF-8 state) per connection, never in "
                   "a global or static variable.",
           .lesson = lesson::at(lesson::kScaleOut, "per-connection-state"),
           .timeout = 3000ms},
      [](CaseContext& ctx) {
        Exchange a(ctx, 2500ms);
        Exchange b(ctx, 2500ms);
        if (!a.open()) return a.failure();
        if (!b.open()) return b.failure();
        auto frag = [](Opcode op, std::string_view p, bool fin) {
          return FrameBuilder().fin(fin).opcode(op).random_mask().payload(p).build();
        };
        a.probe().send(frag(Opcode::kText, "A-first|", false));
        b.probe().send(frag(Opcode::kText, "B-first|", false));
        a.probe().pause(20ms);
        a.probe().send(frag(Opcode::kContinuation, "A-second", true));
        b.probe().send(frag(Opcode::kContinuation, "B-second", true));
        a.await_answers(1, 1000ms);
        b.await_answers(1, 1000ms);
        a.close(1000);
        b.close(1000);
        CaseResult ra = expect_echo(a.observations(), "A-first|A-second", K::kText);
        CaseResult rb = expect_echo(b.observations(), "B-first|B-second", K::kText);
        ra.expected = "client A: " + ra.expected + "; client B: " + rb.expected;
        ra.observed = "client A: " + ra.observed + "; client B: " + rb.observed;
        ra.verdict = worse(ra.verdict, rb.verdict);
        if (!rb.detail.empty())
          ra.detail += (ra.detail.empty() ? "client B: " : "; client B: ") + rb.detail;
        return ra;
      });
  add(cat,
      Spec{.id = "robustness.concurrency.1000-connections",
           .group = kGroup,
           .lab = kLabScaleOut,
           .rfc_section = "10.4",
           .rfc_text = kResourceRule,
           .points = 3,
           .description = "Open 1000 connections at once, echo one message on each, close them "
                          "all. Runs alone (exclusive).",
           .hint = "Raise the file descriptor limit (ulimit -n), keep per-connection memory "
                   "small, and keep calling accept() while connections are open.",
           .lesson = lesson::at(lesson::kScaleOut, "many-connections"),
           .timeout = 20000ms,
           .exclusive = true},
      [](CaseContext& ctx) { return thousand_connections(ctx); });
}

}  // namespace wslab::harness
