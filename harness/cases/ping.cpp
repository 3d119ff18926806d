// Group "ping" (lab 3): answering Ping with Pong, RFC 6455 §5.5.2-§5.5.3.
// Autobahn 2.1-2.11. Answering pings is part of the connection lifecycle
// (lab 3: every server must do it from the first echo on); SENDING pings and
// timing out silent peers is the heartbeat (lab 4), which the harness checks
// elsewhere because it needs a server configured with a ping interval.
#include <string>
#include <vector>

#include "drive.hpp"
#include "wslab/frame.hpp"

namespace wslab::harness {

namespace {

using namespace cases;
using K = Observation::Kind;

constexpr const char* kGroup = "ping";
constexpr const char* kPongRule =
    "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response, unless it "
    "already received a Close frame. A Pong frame sent in response to a Ping frame must have "
    "identical \"Application data\" as found in the message body of the Ping frame being replied "
    "to.";
constexpr const char* kUnsolicitedRule =
    "A Pong frame MAY be sent unsolicited. This serves as a unidirectional heartbeat. A response "
    "to an unsolicited Pong frame is not expected.";
constexpr const char* kControlLengthRule =
    "All control frames MUST have a payload length of 125 bytes or less and MUST NOT be "
    "fragmented.";

std::string ping_lesson() {
  return lesson::at(lesson::kLifecycle, "answering-pings");
}

struct PingPayload {
  const char* id;
  const char* ab;
  std::string payload;
  const char* what;
  const char* hint;
};

// Most of a Ping's answer is the payload: the Pong must carry it back exactly.
void add_payload_cases(Catalog& cat) {
  const std::vector<PingPayload> payloads = {
      {"ping.payload.empty", "2.1", "", "a Ping without payload",
       "An empty Ping still needs a Pong (opcode 0xA) with an empty payload."},
      {"ping.payload.text", "2.2", "Hello, wslab!", "a Ping with a short text payload",
       "Copy the Ping's (unmasked) payload into the Pong unchanged."},
      {"ping.payload.binary", "2.3", std::string("\x00\xff\xfe\xfd\xfc\xfb\x00\xff", 8),
       "a Ping with binary payload bytes (including 0x00)",
       "Ping payloads are bytes, not text: keep zero bytes and do not validate UTF-8."},
      {"ping.payload.125-bytes", "2.4", binary_payload(125), "a Ping with 125 bytes (the maximum)",
       "125 bytes is the largest legal control payload; answer it like any other Ping."},
  };
  for (const auto& pp : payloads) {
    add(cat,
        Spec{.id = pp.id,
             .group = kGroup,
             .lab = kLabLifecycle,
             .rfc_section = "5.5.2",
             .rfc_text = kPongRule,
             .autobahn = pp.ab,
             .points = 2,
             .description =
                 std::string("Send ") + pp.what + "; expect a Pong with the same payload.",
             .hint = pp.hint,
             .lesson = ping_lesson()},
        [payload = pp.payload](CaseContext& ctx) {
          return run_answers(ctx, 1000ms, [&](Probe& p) { p.send_ping(payload); },
                             {Answer::pong(payload)});
        });
  }
  add(cat,
      Spec{.id = "ping.payload.126-bytes",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.5",
           .rfc_text = kControlLengthRule,
           .autobahn = "2.5",
           .description = "Send a Ping with 126 bytes of payload; the server must fail the "
                          "connection (1002), not pong.",
           .hint = "Check a control frame's length before reading its payload: over 125 is a "
                   "protocol error.",
           .lesson = lesson::at(lesson::kFraming, "control-frames")},
      [](CaseContext& ctx) {
        return run_fail(ctx, 1000ms, [](Probe& p) { p.send_ping(binary_payload(126)); }, {1002});
      });
  add(cat,
      Spec{.id = "ping.payload.125-bytes.byte-by-byte",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.5.2",
           .rfc_text = kPongRule,
           .autobahn = "2.6",
           .description = "Send a 125-byte Ping one byte per TCP write; expect the Pong.",
           .hint = "Buffer partial control frames exactly like data frames.",
           .lesson = ping_lesson(),
           .timeout = 1500ms},
      [](CaseContext& ctx) {
        std::string payload = binary_payload(125);
        return run_answers(
            ctx, 1500ms,
            [&](Probe& p) {
              p.send_chopped(
                  FrameBuilder().opcode(Opcode::kPing).random_mask().payload(payload).build(), 1);
            },
            {Answer::pong(payload)});
      });
}

void add_unsolicited_cases(Catalog& cat) {
  add(cat,
      Spec{.id = "ping.pong.unsolicited-empty",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.5.3",
           .rfc_text = kUnsolicitedRule,
           .autobahn = "2.7",
           .description = "Send an unsolicited Pong without payload; expect nothing back.",
           .hint = "Do not answer a Pong, and do not treat an unexpected Pong as an error.",
           .lesson = ping_lesson()},
      [](CaseContext& ctx) {
        return run_answers(ctx, 1000ms, [](Probe& p) { p.send_pong(); }, {});
      });
  add(cat,
      Spec{.id = "ping.pong.unsolicited-payload",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.5.3",
           .rfc_text = kUnsolicitedRule,
           .autobahn = "2.8",
           .description = "Send an unsolicited Pong with a payload; expect nothing back.",
           .hint = "A Pong is never echoed, whatever it carries.",
           .lesson = ping_lesson()},
      [](CaseContext& ctx) {
        return run_answers(ctx, 1000ms, [](Probe& p) { p.send_pong("unsolicited pong payload"); },
                           {});
      });
  add(cat,
      Spec{.id = "ping.pong.unsolicited-then-ping",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.5.3",
           .rfc_text = kUnsolicitedRule,
           .autobahn = "2.9",
           .description = "Send an unsolicited Pong, then a Ping; expect exactly one Pong, for the "
                          "Ping.",
           .hint = "Only Pings get Pongs; the earlier Pong must not produce an answer.",
           .lesson = ping_lesson()},
      [](CaseContext& ctx) {
        return run_answers(ctx, 1000ms,
                           [](Probe& p) {
                             p.send_pong("unsolicited pong payload");
                             p.send_ping("ping payload");
                           },
                           {Answer::pong("ping payload")});
      });
}

// Ten pings: a Pong for each (Autobahn), or (RFC §5.5.3 MAY) only for the
// most recent of those not yet answered.
CaseResult judge_ten_pongs(const Observations& obs, const std::vector<std::string>& payloads) {
  Answers all;
  for (const auto& p : payloads) all.push_back(Answer::pong(p));
  CaseResult r = expect_answers(obs, all);
  if (r.verdict != Verdict::kFail) return r;
  // The pongs that came, before the connection ended.
  std::vector<std::string> got;
  for (const auto& o : obs) {
    if (o.kind == K::kClose || o.kind == K::kTcpClosed || o.kind == K::kBadFrame) break;
    if (o.kind == K::kPong) got.push_back(o.payload);
    if (o.kind == K::kText || o.kind == K::kBinary) return r;
  }
  // A subsequence of the pings, in order, ending with the last one.
  std::size_t i = 0;
  for (const auto& g : got) {
    while (i < payloads.size() && payloads[i] != g) ++i;
    if (i == payloads.size()) return r;
    ++i;
  }
  if (got.empty() || got.back() != payloads.back()) return r;
  Answers subset;
  for (const auto& g : got) subset.push_back(Answer::pong(g));
  CaseResult s = expect_answers(obs, subset);
  if (s.verdict == Verdict::kPass) {
    s.verdict = Verdict::kNonStrict;
    s.expected = r.expected;
    s.detail = "only " + std::to_string(got.size()) + " of " + std::to_string(payloads.size()) +
               " Pings got a Pong; RFC 6455 §5.5.3 allows answering only the most recent Ping, "
               "but answering each one is what clients expect";
  }
  return s;
}

void add_many_cases(Catalog& cat) {
  for (bool bytewise : {false, true}) {
    add(cat,
        Spec{.id = bytewise ? "ping.many.10-pings.byte-by-byte" : "ping.many.10-pings",
             .group = kGroup,
             .lab = kLabLifecycle,
             .rfc_section = "5.5.3",
             .rfc_text = "If an endpoint receives a Ping frame and has not yet sent Pong frame(s) "
                         "in response to previous Ping frame(s), the endpoint MAY elect to send a "
                         "Pong frame for only the most recently processed Ping frame.",
             .autobahn = bytewise ? "2.11" : "2.10",
             .description = std::string("Send 10 Pings") +
                            (bytewise ? " one byte per TCP write" : " back to back") +
                            "; expect 10 Pongs in order (NON-STRICT: only some, ending with the "
                            "last).",
             .hint = "Answer each Ping as you parse it; if you coalesce, the Pong you keep must "
                     "be the one for the LAST Ping, not the first.",
             .lesson = ping_lesson(),
             .timeout = bytewise ? 2500ms : 1000ms},
        [bytewise](CaseContext& ctx) {
          std::vector<std::string> payloads;
          for (int i = 0; i < 10; ++i) payloads.push_back("payload-" + std::to_string(i));
          Exchange x(ctx, bytewise ? 2500ms : 1000ms);
          if (!x.open()) return x.failure();
          std::string all;
          for (const auto& p : payloads) {
            all += FrameBuilder().opcode(Opcode::kPing).random_mask().payload(p).build();
          }
          if (bytewise) {
            x.probe().send_chopped(all, 1);
          } else {
            x.probe().send(all);
          }
          x.await_answers(payloads.size());
          x.close(1000);
          return judge_ten_pongs(x.observations(), payloads);
        });
  }
}

void add_order_cases(Catalog& cat) {
  add(cat,
      Spec{.id = "ping.order.between-messages",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.5.2",
           .rfc_text = "It SHOULD respond with Pong frame as soon as is practical.",
           .description = "Send text, Ping, text in one write; expect both echoes in order and the "
                          "Pong (before, between or after them).",
           .hint = "Control frames interleave with data frames; handle the Ping without losing "
                   "the messages around it.",
           .lesson = ping_lesson()},
      [](CaseContext& ctx) {
        Exchange x(ctx, 1000ms);
        if (!x.open()) return x.failure();
        MaskKey k{1, 3, 5, 7};
        x.probe().send(FrameBuilder().opcode(Opcode::kText).mask(k).payload("before").build() +
                       FrameBuilder().opcode(Opcode::kPing).mask(k).payload("ping").build() +
                       FrameBuilder().opcode(Opcode::kText).mask(k).payload("after").build());
        x.await_answers(3);
        x.close(1000);
        const Answers orders[] = {
            {Answer::text("before"), Answer::pong("ping"), Answer::text("after")},
            {Answer::pong("ping"), Answer::text("before"), Answer::text("after")},
            {Answer::text("before"), Answer::text("after"), Answer::pong("ping")},
        };
        CaseResult first = expect_answers(x.observations(), orders[0]);
        for (const auto& order : orders) {
          CaseResult r = expect_answers(x.observations(), order);
          if (r.verdict == Verdict::kPass || r.verdict == Verdict::kNonStrict) return r;
        }
        return first;
      });
}

}  // namespace

void register_ping_cases(Catalog& cat) {
  add_payload_cases(cat);
  add_unsolicited_cases(cat);
  add_many_cases(cat);
  add_order_cases(cat);
}

}  // namespace wslab::harness
