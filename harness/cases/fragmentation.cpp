// Group "fragmentation" (lab 3): messages in several frames, RFC 6455 §5.4.
// Autobahn 5.1-5.20: fragmented control frames, continuation frames with no
// message to continue, a new message while one is open, and control frames
// between fragments (with Autobahn's 1 s pauses scaled to 150 ms). Plus a
// fragmented Close, binary fragments and many tiny fragments.
#include <string>
#include <vector>

#include "drive.hpp"
#include "wslab/frame.hpp"

namespace wslab::harness {

namespace {

using namespace cases;

constexpr const char* kGroup = "fragmentation";
constexpr const char* kFragmentRule =
    "A fragmented message consists of a single frame with the FIN bit clear and an opcode other "
    "than 0, followed by zero or more frames with the FIN bit clear and the opcode set to 0, and "
    "terminated by a single frame with the FIN bit set and an opcode of 0.";
constexpr const char* kControlRule =
    "Control frames (see Section 5.5) MAY be injected in the middle of a fragmented message. "
    "Control frames themselves MUST NOT be fragmented.";
constexpr const char* kInterleaveRule =
    "The fragments of one message MUST NOT be interleaved between the fragments of another "
    "message unless an extension has been negotiated that can interpret the interleaving.";
constexpr Millis kPause = 150ms;  // Autobahn pauses 1 s; the ordering evidence is the same

std::string frag_lesson() {
  return lesson::at(lesson::kLifecycle, "fragmented-messages");
}

enum class Write { kOne, kPerFrame, kByteByByte };

std::string frame(Opcode op, std::string_view payload, bool fin) {
  return FrameBuilder().fin(fin).opcode(op).random_mask().payload(payload).build();
}

void send_frames(Probe& p, const std::vector<std::string>& frames, Write how) {
  std::string all;
  for (const auto& f : frames) all += f;
  switch (how) {
    case Write::kOne:
      p.send(all);
      break;
    case Write::kPerFrame:
      for (const auto& f : frames) p.send(f);
      break;
    case Write::kByteByByte:
      p.send_chopped(all, 1);
      break;
  }
}

const char* how_id(Write how) {
  switch (how) {
    case Write::kOne:
      return "one-write";
    case Write::kPerFrame:
      return "frame-per-write";
    case Write::kByteByByte:
      return "byte-by-byte";
  }
  return "";
}

const char* how_text(Write how) {
  switch (how) {
    case Write::kOne:
      return "all in one TCP write";
    case Write::kPerFrame:
      return "one TCP write per frame";
    case Write::kByteByByte:
      return "one byte per TCP write";
  }
  return "";
}

Millis budget_for(Write how) {
  return how == Write::kByteByByte ? 1500ms : 1000ms;
}

void add_control_fragmented(Catalog& cat, const char* id, const char* ab, Opcode op,
                            const char* name) {
  add(cat,
      Spec{.id = id,
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.4",
           .rfc_text = kControlRule,
           .autobahn = ab,
           .description = std::string("Send a ") + name +
                          " with FIN=0 followed by a "
                          "continuation; the server must fail the connection (1002).",
           .hint = "A control frame (opcode >= 8) with FIN=0 is a protocol error; reject it "
                   "before treating what follows as its continuation.",
           .lesson = lesson::at(lesson::kFraming, "control-frames")},
      [op](CaseContext& ctx) {
        std::string body = op == Opcode::kClose ? std::string("\x03\xe8", 2) : "fragment1";
        return run_fail(
            ctx, 1000ms,
            [&](Probe& p) {
              p.send(frame(op, body, false) + frame(Opcode::kContinuation, "fragment2", true));
            },
            {1002});
      });
}

void add_two_fragments(Catalog& cat, const char* ab, Write how) {
  add(cat,
      Spec{.id = std::string("fragmentation.text.two-fragments.") + how_id(how),
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.4",
           .rfc_text = kFragmentRule,
           .autobahn = ab,
           .points = 2,
           .description = std::string("Send a text message in 2 fragments (") + how_text(how) +
                          "); expect one echo of the whole message.",
           .hint = "Append continuation payloads to the open message and deliver it only when a "
                   "frame with FIN=1 arrives.",
           .lesson = frag_lesson(),
           .timeout = budget_for(how)},
      [how](CaseContext& ctx) {
        return run_answers(ctx, budget_for(how),
                           [&](Probe& p) {
                             send_frames(p,
                                         {frame(Opcode::kText, "fragment1", false),
                                          frame(Opcode::kContinuation, "fragment2", true)},
                                         how);
                           },
                           {Answer::text("fragment1fragment2")});
      });
}

void add_ping_between(Catalog& cat, const char* ab, Write how) {
  add(cat,
      Spec{.id = std::string("fragmentation.text.ping-between-fragments.") + how_id(how),
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.4",
           .rfc_text = kControlRule,
           .autobahn = ab,
           .points = 2,
           .description = std::string("Send text fragment 1, a Ping, then the final fragment (") +
                          how_text(how) + "); expect the Pong, then the echo.",
           .hint = "Handle control frames as they arrive without closing or resetting the open "
                   "message; the Pong goes out before the message is complete.",
           .lesson = frag_lesson(),
           .timeout = budget_for(how)},
      [how](CaseContext& ctx) {
        return run_answers(ctx, budget_for(how),
                           [&](Probe& p) {
                             send_frames(p,
                                         {frame(Opcode::kText, "fragment1", false),
                                          frame(Opcode::kPing, "pongme!", true),
                                          frame(Opcode::kContinuation, "fragment2", true)},
                                         how);
                           },
                           {Answer::pong("pongme!"), Answer::text("fragment1fragment2")});
      });
}

void add_unexpected_continuation(Catalog& cat, const char* ab, bool fin, Write how) {
  add(cat,
      Spec{.id = std::string("fragmentation.continuation.nothing-to-continue.") +
                 (fin ? "fin." : "no-fin.") + how_id(how),
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.4",
           .rfc_text = kFragmentRule,
           .autobahn = ab,
           .description = std::string("Send a continuation frame with FIN=") + (fin ? "1" : "0") +
                          " while no message is open, then a text message (" + how_text(how) +
                          "); the server must fail the connection, not echo.",
           .hint = "Track whether a fragmented message is open; a continuation frame (opcode 0) "
                   "when none is open is a protocol error (1002).",
           .lesson = frag_lesson(),
           .timeout = budget_for(how)},
      [fin, how](CaseContext& ctx) {
        return run_fail(ctx, budget_for(how),
                        [&](Probe& p) {
                          send_frames(
                              p,
                              {frame(Opcode::kContinuation, "non-continuation payload", fin),
                               frame(Opcode::kText, "Hello, world!", true)},
                              how);
                        },
                        {1002});
      });
}

// Autobahn 5.19/5.20: 5 fragments, two pings, pauses.
void add_pings_with_pauses(Catalog& cat, const char* ab, bool per_frame) {
  add(cat,
      Spec{.id = per_frame ? "fragmentation.text.pings-between-5-fragments.frame-per-write"
                           : "fragmentation.text.pings-between-5-fragments.with-pauses",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.4",
           .rfc_text = kControlRule,
           .autobahn = ab,
           .description = std::string("Send a text message in 5 fragments with a Ping after "
                                      "fragments 2 and 4 and 150 ms pauses") +
                          (per_frame ? ", one write per frame" : "") +
                          "; expect both Pongs (each while the message is open), then the echo.",
           .hint = "Answer a Ping at once, even in the middle of a message: do not hold Pongs "
                   "until the message completes.",
           .lesson = frag_lesson(),
           .timeout = 1500ms},
      [per_frame](CaseContext& ctx) {
        return run_answers(
            ctx, 1500ms,
            [&](Probe& p) {
              std::vector<std::string> first = {frame(Opcode::kText, "fragment1", false),
                                                frame(Opcode::kContinuation, "fragment2", false),
                                                frame(Opcode::kPing, "pongme 1!", true)};
              std::vector<std::string> second = {frame(Opcode::kContinuation, "fragment3", false),
                                                 frame(Opcode::kContinuation, "fragment4", false),
                                                 frame(Opcode::kPing, "pongme 2!", true),
                                                 frame(Opcode::kContinuation, "fragment5", true)};
              Write how = per_frame ? Write::kPerFrame : Write::kOne;
              send_frames(p, first, how);
              p.pause(kPause);
              send_frames(p, second, how);
            },
            {Answer::pong("pongme 1!"), Answer::pong("pongme 2!"),
             Answer::text("fragment1fragment2fragment3fragment4fragment5")});
      });
}

}  // namespace

void register_fragmentation_cases(Catalog& cat) {
  add_control_fragmented(cat, "fragmentation.ping.fragmented", "5.1", Opcode::kPing, "Ping");
  add_control_fragmented(cat, "fragmentation.pong.fragmented", "5.2", Opcode::kPong, "Pong");
  add_two_fragments(cat, "5.3", Write::kOne);
  add_two_fragments(cat, "5.4", Write::kPerFrame);
  add_two_fragments(cat, "5.5", Write::kByteByByte);
  add_ping_between(cat, "5.6", Write::kOne);
  add_ping_between(cat, "5.7", Write::kPerFrame);
  add_ping_between(cat, "5.8", Write::kByteByByte);
  add_unexpected_continuation(cat, "5.9", true, Write::kOne);
  add_unexpected_continuation(cat, "5.10", true, Write::kPerFrame);
  add_unexpected_continuation(cat, "5.11", true, Write::kByteByByte);
  add_unexpected_continuation(cat, "5.12", false, Write::kOne);
  add_unexpected_continuation(cat, "5.13", false, Write::kPerFrame);
  add_unexpected_continuation(cat, "5.14", false, Write::kByteByByte);
  add(cat,
      Spec{.id = "fragmentation.continuation.after-completed-message",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.4",
           .rfc_text = kFragmentRule,
           .autobahn = "5.15",
           .description = "Send a complete 2-fragment message, then a continuation (FIN=0) and a "
                          "text frame; expect the first echo, then the connection failed. "
                          "NON-STRICT: failed before the echo.",
           .hint = "After FIN=1 the message is closed: the next continuation frame has nothing "
                   "to continue.",
           .lesson = frag_lesson()},
      [](CaseContext& ctx) {
        static const Answers kNone{};
        return run_fail(
            ctx, 1000ms,
            [](Probe& p) {
              p.send(frame(Opcode::kText, "fragment1", false) +
                     frame(Opcode::kContinuation, "fragment2", true) +
                     frame(Opcode::kContinuation, "fragment3", false) +
                     frame(Opcode::kText, "fragment4", true));
            },
            {1002}, {Answer::text("fragment1fragment2")}, &kNone);
      });
  for (bool fin : {false, true}) {
    add(cat,
        Spec{.id = fin ? "fragmentation.continuation.stray-fin-then-message.twice"
                       : "fragmentation.continuation.stray-no-fin-then-message.twice",
             .group = kGroup,
             .lab = kLabLifecycle,
             .rfc_section = "5.4",
             .rfc_text = kFragmentRule,
             .autobahn = fin ? "5.17" : "5.16",
             .description = std::string("Twice: a stray continuation (FIN=") + (fin ? "1" : "0") +
                            "), then a fragmented text message; the server must fail the "
                            "connection at the first stray frame.",
             .hint = "Fail on the first continuation that has nothing to continue; do not let a "
                     "later text frame 'adopt' it.",
             .lesson = frag_lesson()},
        [fin](CaseContext& ctx) {
          return run_fail(ctx, 1000ms,
                          [&](Probe& p) {
                            std::string once = frame(Opcode::kContinuation, "fragment1", fin) +
                                               frame(Opcode::kText, "fragment2", false) +
                                               frame(Opcode::kContinuation, "fragment3", true);
                            p.send(once + once);
                          },
                          {1002});
        });
  }
  add(cat,
      Spec{.id = "fragmentation.text.second-fragment-is-text",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.4",
           .rfc_text = kInterleaveRule,
           .autobahn = "5.18",
           .description = "Send text FIN=0, then another text frame FIN=1 (instead of a "
                          "continuation); the server must fail the connection.",
           .hint = "While a message is open, only continuation frames (and control frames) may "
                   "come; a new text or binary frame is a protocol error.",
           .lesson = frag_lesson()},
      [](CaseContext& ctx) {
        return run_fail(ctx, 1000ms,
                        [](Probe& p) {
                          p.send(frame(Opcode::kText, "fragment1", false) +
                                 frame(Opcode::kText, "fragment2", true));
                        },
                        {1002});
      });
  add_pings_with_pauses(cat, "5.19", false);
  add_pings_with_pauses(cat, "5.20", true);

  // Beyond Autobahn.
  add_control_fragmented(cat, "fragmentation.close.fragmented", "", Opcode::kClose, "Close");
  add(cat,
      Spec{.id = "fragmentation.binary.two-fragments",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.4",
           .rfc_text = kFragmentRule,
           .description = "Send a binary message in 2 fragments; expect one binary echo.",
           .hint = "The first fragment's opcode (binary) is the message's type; continuation "
                   "frames carry opcode 0.",
           .lesson = frag_lesson()},
      [](CaseContext& ctx) {
        std::string a = binary_payload(100);
        std::string b = binary_payload(256).substr(100);
        return run_answers(
            ctx, 1000ms,
            [&](Probe& p) {
              p.send(frame(Opcode::kBinary, a, false) + frame(Opcode::kContinuation, b, true));
            },
            {Answer::binary(a + b)});
      });
  add(cat,
      Spec{.id = "fragmentation.text.100-one-byte-fragments",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.4",
           .rfc_text = kFragmentRule,
           .description = "Send a 100-byte text message as 100 one-byte fragments in one write; "
                          "expect one echo.",
           .hint = "Fragment count is not limited by the RFC; do not allocate per fragment or "
                   "cap the count below your message size limit.",
           .lesson = frag_lesson()},
      [](CaseContext& ctx) {
        std::string text = ascii_payload(100);
        return run_answers(ctx, 1000ms,
                           [&](Probe& p) {
                             std::string all;
                             for (std::size_t i = 0; i < text.size(); ++i) {
                               all += frame(i == 0 ? Opcode::kText : Opcode::kContinuation,
                                            text.substr(i, 1), i + 1 == text.size());
                             }
                             p.send(all);
                           },
                           {Answer::text(text)});
      });
  add(cat,
      Spec{.id = "fragmentation.text.empty-final-fragment",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.4",
           .rfc_text = kFragmentRule,
           .description = "Send text \"abc\" with FIN=0, then an empty continuation with FIN=1; "
                          "expect the echo \"abc\".",
           .hint = "An empty frame can end a message: FIN matters, not the payload length.",
           .lesson = frag_lesson()},
      [](CaseContext& ctx) {
        return run_answers(
            ctx, 1000ms,
            [](Probe& p) {
              p.send(frame(Opcode::kText, "abc", false) + frame(Opcode::kContinuation, "", true));
            },
            {Answer::text("abc")});
      });
  add(cat,
      Spec{.id = "fragmentation.binary.second-fragment-is-binary",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.4",
           .rfc_text = kInterleaveRule,
           .description =
               "Send binary FIN=0, then another binary frame FIN=1; the server must fail "
               "the connection.",
           .hint = "Same rule as for text: inside an open message only opcode 0 continues it.",
           .lesson = frag_lesson()},
      [](CaseContext& ctx) {
        return run_fail(ctx, 1000ms,
                        [](Probe& p) {
                          p.send(frame(Opcode::kBinary, "part1", false) +
                                 frame(Opcode::kBinary, "part2", true));
                        },
                        {1002});
      });
  add(cat,
      Spec{.id = "fragmentation.binary.inside-text-message",
           .group = kGroup,
           .lab = kLabLifecycle,
           .rfc_section = "5.4",
           .rfc_text = kInterleaveRule,
           .description = "Send text FIN=0, then a complete binary frame; the server must fail the "
                          "connection (messages must not interleave).",
           .hint = "A data frame with a non-zero opcode while a message is open means two "
                   "messages interleave: fail with 1002.",
           .lesson = frag_lesson()},
      [](CaseContext& ctx) {
        return run_fail(ctx, 1000ms,
                        [](Probe& p) {
                          p.send(frame(Opcode::kText, "text part", false) +
                                 frame(Opcode::kBinary, "binary", true));
                        },
                        {1002});
      });
}

}  // namespace wslab::harness
