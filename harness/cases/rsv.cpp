// Group "rsv" (lab 2): the reserved bits RSV1-RSV3, RFC 6455 §5.2.
// Autobahn 3.1-3.7 (Autobahn numbers the bits as a 3-bit value: 1 = RSV3,
// 2 = RSV2, 4 = RSV1; the ids here name the bits) plus RSV1 alone (the
// permessage-deflate bit, invalid when no extension was negotiated), RSV on a
// continuation frame and on a Pong.
#include <string>
#include <vector>

#include "drive.hpp"
#include "wslab/frame.hpp"

namespace wslab::harness {

namespace {

using namespace cases;

constexpr const char* kGroup = "rsv";
constexpr const char* kRsvRule =
    "MUST be 0 unless an extension is negotiated that defines meanings for non-zero values. If a "
    "nonzero value is received and none of the negotiated extensions defines the meaning of such "
    "a nonzero value, the receiving endpoint MUST _Fail the WebSocket Connection_.";
constexpr const char* kRsvHint =
    "Mask byte 1 with 0x70: any reserved bit set while no extension was negotiated is a protocol "
    "error. Fail with 1002 before acting on the frame (no echo, no pong).";

std::string rsv_lesson() {
  return lesson::at(lesson::kFraming, "reserved-bits-and-opcodes");
}

enum class Write { kOne, kPerFrame, kByteByByte };

struct Bits {
  bool r1, r2, r3;
};

std::string frame(Opcode op, std::string_view payload, Bits b, bool fin = true) {
  return FrameBuilder()
      .fin(fin)
      .opcode(op)
      .rsv(b.r1, b.r2, b.r3)
      .random_mask()
      .payload(payload)
      .build();
}

std::string plain(Opcode op, std::string_view payload, bool fin = true) {
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

// "valid text, text with reserved bits, ping": Autobahn 3.2-3.4.
void add_after_valid(Catalog& cat, const char* id, const char* ab, Bits bits, Write how,
                     const char* bits_text, const char* how_text) {
  Millis budget = how == Write::kByteByByte ? 1500ms : 1000ms;
  add(cat,
      Spec{.id = id,
           .group = kGroup,
           .lab = kLabFraming,
           .rfc_section = "5.2",
           .rfc_text = kRsvRule,
           .autobahn = ab,
           .description = std::string("Send a valid text message, then a text frame with ") +
                          bits_text + ", then a Ping (" + how_text +
                          "); expect the echo of the first message, then the connection failed "
                          "(no Pong). NON-STRICT: failed before the echo.",
           .hint = kRsvHint,
           .lesson = rsv_lesson(),
           .timeout = budget},
      [bits, how, budget](CaseContext& ctx) {
        static const Answers kNone{};
        return run_fail(
            ctx, budget,
            [&](Probe& p) {
              send_frames(p,
                          {plain(Opcode::kText, "Hello, world!"),
                           frame(Opcode::kText, "Hello, world!", bits), plain(Opcode::kPing, "")},
                          how);
            },
            {1002}, {Answer::text("Hello, world!")}, &kNone);
      });
}

void add_single(Catalog& cat, const char* id, const char* ab, Opcode op, Bits bits,
                const char* description) {
  add(cat,
      Spec{.id = id,
           .group = kGroup,
           .lab = kLabFraming,
           .rfc_section = "5.2",
           .rfc_text = kRsvRule,
           .autobahn = ab,
           .description = description,
           .hint = kRsvHint,
           .lesson = rsv_lesson()},
      [op, bits](CaseContext& ctx) {
        std::string payload;
        if (op == Opcode::kClose)
          payload = std::string("\x03\xe8", 2);  // 1000
        else if (op != Opcode::kPong)
          payload = "Hello, world!";
        return run_fail(ctx, 1000ms, [&](Probe& p) { p.send(frame(op, payload, bits)); }, {1002});
      });
}

}  // namespace

void register_rsv_cases(Catalog& cat) {
  add_single(cat, "rsv.text.rsv3", "3.1", Opcode::kText, {false, false, true},
             "Send a text frame with RSV3 set; the server must fail the connection (1002), not "
             "echo.");
  add_after_valid(cat, "rsv.text.rsv2.after-valid-message", "3.2", {false, true, false},
                  Write::kOne, "RSV2 set", "all in one write");
  add_after_valid(cat, "rsv.text.rsv2-rsv3.frame-per-write", "3.3", {false, true, true},
                  Write::kPerFrame, "RSV2 and RSV3 set", "one write per frame");
  add_after_valid(cat, "rsv.text.rsv1.byte-by-byte", "3.4", {true, false, false},
                  Write::kByteByByte, "RSV1 set", "one byte per write");
  add_single(cat, "rsv.binary.rsv1-rsv3", "3.5", Opcode::kBinary, {true, false, true},
             "Send a binary frame with RSV1 and RSV3 set; the server must fail the connection.");
  add_single(cat, "rsv.ping.rsv1-rsv2", "3.6", Opcode::kPing, {true, true, false},
             "Send a Ping with RSV1 and RSV2 set; the server must fail the connection, not pong.");
  add_single(cat, "rsv.close.rsv1-rsv2-rsv3", "3.7", Opcode::kClose, {true, true, true},
             "Send a Close 1000 with all three RSV bits set; the server must fail with 1002 "
             "rather than answer it as a normal close.");
  add_single(cat, "rsv.text.rsv1", "", Opcode::kText, {true, false, false},
             "Send a text frame with RSV1 set (the permessage-deflate bit) though no extension "
             "was negotiated; the server must fail the connection.");
  add_single(cat, "rsv.binary.rsv2", "", Opcode::kBinary, {false, true, false},
             "Send a binary frame with RSV2 set; the server must fail the connection.");
  add_single(cat, "rsv.pong.rsv3", "", Opcode::kPong, {false, false, true},
             "Send an unsolicited Pong with RSV3 set; the server must fail the connection (a Pong "
             "is still checked).");
  add(cat,
      Spec{.id = "rsv.continuation.rsv1",
           .group = kGroup,
           .lab = kLabLifecycle,  // a continuation frame: lab 3
           .rfc_section = "5.2",
           .rfc_text = kRsvRule,
           .description = "Send a text message in two fragments, the continuation with RSV1 set; "
                          "the server must fail the connection, not echo.",
           .hint = "Check the RSV bits on every frame, continuation frames included.",
           .lesson = rsv_lesson()},
      [](CaseContext& ctx) {
        return run_fail(ctx, 1000ms,
                        [](Probe& p) {
                          p.send(plain(Opcode::kText, "frag", false) +
                                 frame(Opcode::kContinuation, "ment", {true, false, false}));
                        },
                        {1002});
      });
}

}  // namespace wslab::harness
