// Group "misc": Autobahn 10.1.1 (a 64 KiB message auto-fragmented into
// 1300-byte frames) and message-ordering checks: many messages in one TCP
// write, text and binary alternating (RFC 6455 §5.4, §5.6).
#include <string>
#include <vector>

#include "drive.hpp"
#include "wslab/frame.hpp"

namespace wslab::harness {

namespace {

using namespace cases;
using K = Observation::Kind;

constexpr const char* kGroup = "misc";
constexpr const char* kOrderRule =
    "In the WebSocket Protocol, data is transmitted using a sequence of frames.";

std::string fragmented_wire(Opcode op, const std::string& payload, std::size_t fragment) {
  std::string wire;
  for (std::size_t off = 0; off < payload.size(); off += fragment) {
    std::size_t n = std::min(fragment, payload.size() - off);
    wire += FrameBuilder()
                .fin(off + n >= payload.size())
                .opcode(off == 0 ? op : Opcode::kContinuation)
                .random_mask()
                .payload(std::string_view(payload).substr(off, n))
                .build();
  }
  return wire;
}

}  // namespace

void register_misc_cases(Catalog& cat) {
  for (bool text : {true, false}) {
    add(cat,
        Spec{.id = text ? "misc.fragmented.text-64kib-in-1300-byte-frames"
                        : "misc.fragmented.binary-64kib-in-1300-byte-frames",
             .group = kGroup,
             .lab = kLabLifecycle,
             .rfc_section = "5.4",
             .rfc_text = "Clients and servers MUST support receiving both fragmented and "
                         "unfragmented messages.",
             .autobahn = text ? "10.1.1" : "",
             .description = std::string("Send a 64 KiB ") + (text ? "text" : "binary") +
                            " message in 1300-byte fragments (51 frames); expect one identical "
                            "echo.",
             .hint = "Reassemble all fragments before echoing; the echo may use any "
                     "fragmentation, but its content must be identical.",
             .lesson = lesson::at(lesson::kLifecycle, "fragmented-messages"),
             .timeout = 2000ms},
        [text](CaseContext& ctx) {
          std::string payload = text ? ascii_payload(65536, 'M') : binary_payload(65536);
          Opcode op = text ? Opcode::kText : Opcode::kBinary;
          return run_answers(ctx, 2000ms,
                             [&](Probe& p) { p.send(fragmented_wire(op, payload, 1300)); },
                             {Answer{text ? K::kText : K::kBinary, payload}});
        });
  }
  add(cat,
      Spec{.id = "misc.order.100-messages-one-write",
           .group = kGroup,
           .lab = kLabFraming,
           .rfc_section = "5.1",
           .rfc_text = kOrderRule,
           .description = "Send 100 small text messages in one TCP write; expect 100 echoes in the "
                          "same order.",
           .hint = "Drain the whole read buffer: after one frame, parse the next one from the "
                   "same bytes; never drop what follows a frame.",
           .lesson = lesson::at(lesson::kFraming, "reading-frames-from-a-stream"),
           .timeout = 2000ms},
      [](CaseContext& ctx) {
        Answers want;
        std::string wire;
        for (int i = 0; i < 100; ++i) {
          std::string m = "message " + std::to_string(i);
          want.push_back(Answer::text(m));
          wire += FrameBuilder().opcode(Opcode::kText).random_mask().payload(m).build();
        }
        return run_answers(
            ctx, 2000ms, [&](Probe& p) { p.send(wire); }, want);
      });
  add(cat,
      Spec{
          .id = "misc.order.text-binary-alternating",
          .group = kGroup,
          .lab = kLabFraming,
          .rfc_section = "5.6",
          .rfc_text = "Currently defined opcodes for data frames include 0x1 (Text), 0x2 (Binary).",
          .description = "Send text, binary, text, binary; expect four echoes with the same types "
                         "in the same order.",
          .hint = "Echo each message with its own opcode: text stays text, binary stays binary.",
          .lesson = lesson::at(lesson::kFraming, "text-and-binary")},
      [](CaseContext& ctx) {
        return run_answers(ctx, 1000ms,
                           [](Probe& p) {
                             p.send_text("one");
                             p.send_binary(std::string("\x00\x01\x02", 3));
                             p.send_text("three");
                             p.send_binary(std::string("\xff\xfe", 2));
                           },
                           {Answer::text("one"), Answer::binary(std::string("\x00\x01\x02", 3)),
                            Answer::text("three"), Answer::binary(std::string("\xff\xfe", 2))});
      });
}

}  // namespace wslab::harness
