// Group "opcode" (lab 2): reserved opcodes, RFC 6455 §5.2. Autobahn 4.1.x
// (non-control 3-7) and 4.2.x (control 11-15), plus each reserved opcode on
// its own and one inside a fragmented message.
#include <string>
#include <vector>

#include "drive.hpp"
#include "wslab/frame.hpp"

namespace wslab::harness {

namespace {

using namespace cases;

constexpr const char* kGroup = "opcode";
constexpr const char* kOpcodeRule =
    "Opcode: 4 bits. Defines the interpretation of the \"Payload data\". If an unknown opcode is "
    "received, the receiving endpoint MUST _Fail the WebSocket Connection_.";
constexpr const char* kOpcodeHint =
    "Switch on the opcode with a default branch that fails the connection with 1002: only 0, 1, "
    "2, 8, 9 and 10 are defined. Do not ignore the frame and carry on.";

std::string opcode_lesson() {
  return lesson::at(lesson::kFraming, "reserved-bits-and-opcodes");
}

std::string frame(std::uint8_t op, std::string_view payload, bool fin = true) {
  return FrameBuilder().fin(fin).opcode(op).random_mask().payload(payload).build();
}

void add_bare(Catalog& cat, std::uint8_t op, bool with_payload, const char* ab) {
  bool control = op >= 8;
  std::string id = std::string("opcode.") +
                   (control ? "reserved-control." : "reserved-non-control.") + std::to_string(op) +
                   (with_payload ? ".with-payload" : "");
  add(cat,
      Spec{.id = id,
           .group = kGroup,
           .lab = kLabFraming,
           .rfc_section = "5.2",
           .rfc_text = kOpcodeRule,
           .autobahn = ab,
           .description = "Send a frame with reserved opcode " + std::to_string(op) +
                          (with_payload ? " and a payload" : " and no payload") +
                          "; the server must fail the connection (1002).",
           .hint = kOpcodeHint,
           .lesson = opcode_lesson()},
      [op, with_payload](CaseContext& ctx) {
        return run_fail(
            ctx, 1000ms,
            [&](Probe& p) { p.send(frame(op, with_payload ? "reserved opcode payload" : "")); },
            {1002});
      });
}

// Autobahn 4.1.3-4.1.5 / 4.2.3-4.2.5: valid text, the reserved frame, a ping.
void add_after_valid(Catalog& cat, std::uint8_t op, bool with_payload, const char* ab) {
  bool control = op >= 8;
  std::string id = std::string("opcode.") +
                   (control ? "reserved-control." : "reserved-non-control.") + std::to_string(op) +
                   (with_payload ? ".with-payload" : "") + ".after-valid-message";
  add(cat,
      Spec{.id = id,
           .group = kGroup,
           .lab = kLabFraming,
           .rfc_section = "5.2",
           .rfc_text = kOpcodeRule,
           .autobahn = ab,
           .description = "Send a valid text message, a frame with reserved opcode " +
                          std::to_string(op) + (with_payload ? " (with payload)" : "") +
                          ", then a Ping; expect the echo, then the connection failed (no Pong). "
                          "NON-STRICT: failed before the echo.",
           .hint = kOpcodeHint,
           .lesson = opcode_lesson()},
      [op, with_payload](CaseContext& ctx) {
        static const Answers kNone{};
        return run_fail(
            ctx, 1000ms,
            [&](Probe& p) {
              p.send(frame(1, "Hello, world!") +
                     frame(op, with_payload ? "reserved opcode payload" : "") + frame(9, ""));
            },
            {1002}, {Answer::text("Hello, world!")}, &kNone);
      });
}

}  // namespace

void register_opcode_cases(Catalog& cat) {
  add_bare(cat, 3, false, "4.1.1");
  add_bare(cat, 4, true, "4.1.2");
  add_after_valid(cat, 5, false, "4.1.3");
  add_after_valid(cat, 6, true, "4.1.4");
  add_after_valid(cat, 7, true, "4.1.5");
  add_bare(cat, 11, false, "4.2.1");
  add_bare(cat, 12, true, "4.2.2");
  add_after_valid(cat, 13, false, "4.2.3");
  add_after_valid(cat, 14, true, "4.2.4");
  add_after_valid(cat, 15, true, "4.2.5");
  // Every other reserved opcode on its own (Autobahn sends each only once).
  for (int op : {5, 6, 7, 13, 14, 15}) add_bare(cat, static_cast<std::uint8_t>(op), false, "");
  add(cat,
      Spec{.id = "opcode.reserved-non-control.3.inside-fragmented-message",
           .group = kGroup,
           .lab = kLabLifecycle,  // fragments: lab 3
           .rfc_section = "5.2",
           .rfc_text = kOpcodeRule,
           .description = "Start a fragmented text message, send a frame with opcode 3, then the "
                          "final continuation; the server must fail the connection, not echo.",
           .hint = "A reserved opcode is not a continuation: check the opcode of every frame "
                   "even while a message is open.",
           .lesson = opcode_lesson()},
      [](CaseContext& ctx) {
        return run_fail(
            ctx, 1000ms,
            [](Probe& p) {
              p.send(frame(1, "frag", false) + frame(3, "odd", false) + frame(0, "ment", true));
            },
            {1002});
      });
}

}  // namespace wslab::harness
