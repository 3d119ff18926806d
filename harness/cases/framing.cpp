// Group "framing" (lab 2): the base framing protocol, RFC 6455 §5.1-§5.3.
// Autobahn 1.1.x / 1.2.x (text and binary frames at every length boundary:
// the 7-bit, 16-bit and 64-bit length forms) plus what Autobahn cannot test
// because its client always masks: unmasked client frames, a 64-bit length
// with its top bit set, and non-minimal length encodings.
#include <string>
#include <vector>

#include "drive.hpp"
#include "wslab/frame.hpp"

namespace wslab::harness {

namespace {

using namespace cases;
using K = Observation::Kind;

constexpr const char* kGroup = "framing";

std::string framing_lesson(std::string_view anchor) {
  return lesson::at(lesson::kFraming, anchor);
}

struct LengthCase {
  const char* name;
  std::size_t size;
  std::size_t chop;  // 0: one write
  const char* text_ab;
  const char* binary_ab;
  const char* what;
};

// The boundaries of the three length forms (§5.2 "Payload length").
const std::vector<LengthCase> kLengths = {
    {"len-0", 0, 0, "1.1.1", "1.2.1", "an empty payload (length 0 in the 7-bit field)"},
    {"len-125", 125, 0, "1.1.2", "1.2.2", "125 bytes: the largest 7-bit length"},
    {"len-126", 126, 0, "1.1.3", "1.2.3", "126 bytes: the smallest 16-bit length (field 126)"},
    {"len-127", 127, 0, "1.1.4", "1.2.4", "127 bytes: 16-bit length form"},
    {"len-128", 128, 0, "1.1.5", "1.2.5", "128 bytes: 16-bit length form"},
    {"len-65535", 65535, 0, "1.1.6", "1.2.6", "65535 bytes: the largest 16-bit length"},
    {"len-65536", 65536, 0, "1.1.7", "1.2.7",
     "65536 bytes: the smallest 64-bit length (field 127)"},
    {"len-65536.chopped-997", 65536, 997, "1.1.8", "1.2.8",
     "65536 bytes written in 997-byte TCP pieces (the frame arrives in many reads)"},
};

constexpr const char* kLengthRule =
    "The length of the \"Payload data\", in bytes: if 0-125, that is the payload length. If 126, "
    "the following 2 bytes interpreted as a 16-bit unsigned integer are the payload length. If "
    "127, the following 8 bytes interpreted as a 64-bit unsigned integer (the most significant "
    "bit MUST be 0) are the payload length.";

constexpr const char* kUnmaskedRule =
    "The server MUST close the connection upon receiving a frame that is not masked. In this "
    "case, a server MAY send a Close frame with a status code of 1002 (protocol error)";

std::string length_hint(std::size_t size) {
  if (size == 0)
    return "An empty frame is still a frame: read the 2-byte header, a mask key, and "
           "zero payload bytes, then echo an empty message.";
  if (size <= 125)
    return "Lengths up to 125 sit in the 7 low bits of byte 2; do not forget to "
           "strip the MASK bit (0x80) before using them.";
  if (size <= 65535)
    return "Lengths 126..65535 use the 16-bit form: the 7-bit field holds 126 and "
           "the next 2 bytes are the length in network byte order (big-endian). "
           "Your reply must use the same minimal form.";
  return "Lengths over 65535 use the 64-bit form (field 127, then 8 big-endian bytes). Keep "
         "reading "
         "until the whole payload is in: one recv() rarely returns 64 KiB.";
}

CaseResult send_and_echo(CaseContext& ctx, Millis budget, Opcode op, const std::string& payload,
                         std::size_t chop) {
  K kind = op == Opcode::kText ? K::kText : K::kBinary;
  return run_answers(ctx, budget,
                     [&](Probe& p) {
                       std::string frame =
                           FrameBuilder().opcode(op).random_mask().payload(payload).build();
                       if (chop == 0) {
                         p.send(frame);
                       } else {
                         p.send_chopped(frame, chop);
                       }
                     },
                     {Answer{kind, payload}});
}

void add_length_cases(Catalog& cat) {
  for (bool text : {true, false}) {
    for (const auto& lc : kLengths) {
      std::string kind = text ? "text" : "binary";
      Millis budget = lc.size >= 65535 ? Millis{3000} : Millis{1000};
      add(cat,
          Spec{.id = "framing." + kind + "." + lc.name,
               .group = kGroup,
               .lab = kLabFraming,
               .rfc_section = "5.2",
               .rfc_text = kLengthRule,
               .autobahn = text ? lc.text_ab : lc.binary_ab,
               .points = 1,
               .description = "Send one " + kind + " frame of " + lc.what + "; expect it echoed.",
               .hint = length_hint(lc.size),
               .lesson = framing_lesson("payload-length"),
               .timeout = budget},
          [size = lc.size, chop = lc.chop, text, budget](CaseContext& ctx) {
            std::string payload = text ? ascii_payload(size) : binary_payload(size);
            return send_and_echo(ctx, budget, text ? Opcode::kText : Opcode::kBinary, payload,
                                 chop);
          });
    }
  }
}

void add_mask_cases(Catalog& cat) {
  add(cat,
      Spec{.id = "framing.mask.unmasked-text",
           .group = kGroup,
           .lab = kLabFraming,
           .rfc_section = "5.1",
           .rfc_text = kUnmaskedRule,
           .description = "Send a text frame with MASK=0; the server must fail the connection.",
           .hint = "Check the MASK bit (byte 2, bit 0x80) of every client frame before anything "
                   "else; a frame without it is a protocol error (1002), not a message.",
           .lesson = framing_lesson("masking")},
      [](CaseContext& ctx) {
        return run_fail(
            ctx, 1000ms,
            [](Probe& p) {
              p.send_frame(FrameBuilder().opcode(Opcode::kText).unmasked().payload("unmasked"));
            },
            {1002});
      });
  add(cat,
      Spec{.id = "framing.mask.unmasked-ping",
           .group = kGroup,
           .lab = kLabFraming,
           .rfc_section = "5.1",
           .rfc_text = kUnmaskedRule,
           .description = "Send a Ping with MASK=0; the server must fail the connection, not pong.",
           .hint = "The masking rule covers control frames too: check MASK before dispatching "
                   "on the opcode.",
           .lesson = framing_lesson("masking")},
      [](CaseContext& ctx) {
        return run_fail(
            ctx, 1000ms,
            [](Probe& p) {
              p.send_frame(FrameBuilder().opcode(Opcode::kPing).unmasked().payload("unmasked"));
            },
            {1002});
      });
  add(cat,
      Spec{.id = "framing.mask.zero-key",
           .group = kGroup,
           .lab = kLabFraming,
           .rfc_section = "5.3",
           .rfc_text = "The masking key is a 32-bit value chosen at random by the client.",
           .description = "Send a text frame masked with the key 00 00 00 00; expect it echoed.",
           .hint = "A zero key is still a key: MASK=1 means 4 key bytes follow the length even "
                   "when they are all zero.",
           .lesson = framing_lesson("masking")},
      [](CaseContext& ctx) {
        return run_answers(
            ctx, 1000ms,
            [](Probe& p) {
              p.send_frame(
                  FrameBuilder().opcode(Opcode::kText).mask({0, 0, 0, 0}).payload("zero key"));
            },
            {Answer::text("zero key")});
      });
  add(cat,
      Spec{.id = "framing.mask.server-frames-unmasked",
           .group = kGroup,
           .lab = kLabFraming,
           .rfc_section = "5.1",
           .rfc_text = "A server MUST NOT mask any frames that it sends to the client.",
           .points = 2,
           .description = "Send a masked text frame; the echo must come back with MASK=0.",
           .hint = "Unmask what you read, but write your own frames unmasked: byte 2 of a "
                   "server frame has the 0x80 bit clear and no mask key follows.",
           .lesson = framing_lesson("masking")},
      [](CaseContext& ctx) {
        return run_answers(ctx, 1000ms, [](Probe& p) { p.send_text("server must not mask"); },
                           {Answer::text("server must not mask")});
      });
  add(cat,
      Spec{.id = "framing.mask.key-varies-per-frame",
           .group = kGroup,
           .lab = kLabFraming,
           .rfc_section = "5.3",
           .rfc_text = "The masking key is contained completely within the frame",
           .description = "Send three text frames, each with a different mask key; expect three "
                          "echoes.",
           .hint = "Read the mask key from each frame's header; never reuse the previous frame's "
                   "key.",
           .lesson = framing_lesson("masking")},
      [](CaseContext& ctx) {
        return run_answers(
            ctx, 1000ms,
            [](Probe& p) {
              p.send_frame(
                  FrameBuilder().opcode(Opcode::kText).mask({1, 2, 3, 4}).payload("first"));
              p.send_frame(FrameBuilder()
                               .opcode(Opcode::kText)
                               .mask({0xF0, 0x0F, 0xAA, 0x55})
                               .payload("second"));
              p.send_frame(FrameBuilder()
                               .opcode(Opcode::kText)
                               .mask({0xFF, 0xFF, 0xFF, 0xFF})
                               .payload("third"));
            },
            {Answer::text("first"), Answer::text("second"), Answer::text("third")});
      });
}

void add_length_form_cases(Catalog& cat) {
  add(cat,
      Spec{.id = "framing.length.64bit-msb-set",
           .group = kGroup,
           .lab = kLabFraming,
           .rfc_section = "5.2",
           .rfc_text =
               "If 127, the following 8 bytes interpreted as a 64-bit unsigned integer (the "
               "most significant bit MUST be 0) are the payload length.",
           .description = "Send a binary frame whose 64-bit length has its top bit set; the server "
                          "must fail the connection (1002 or 1009, or drop).",
           .hint = "Reject a 64-bit length with bit 63 set before doing arithmetic with it (it is "
                   "negative as a signed number); never wait for 2^63 bytes.",
           .lesson = framing_lesson("payload-length")},
      [](CaseContext& ctx) {
        return run_fail(ctx, 1000ms,
                        [](Probe& p) {
                          p.send_frame(FrameBuilder()
                                           .opcode(Opcode::kBinary)
                                           .random_mask()
                                           .length_form(LengthForm::k64)
                                           .declared_length(0x8000000000000005ull)
                                           .payload("12345"));
                        },
                        {1002, 1009});
      });
  auto non_minimal = [&](const char* id, LengthForm form, const char* form_text) {
    add(cat,
        Spec{.id = id,
             .group = kGroup,
             .lab = kLabFraming,
             .rfc_section = "5.2",
             .rfc_text =
                 "in all cases, the minimal number of bytes MUST be used to encode the length",
             .points = 0,
             .description = std::string("Send a 5-byte text frame whose length uses the ") +
                            form_text + " form (not minimal). INFO: receivers differ; most accept.",
             .hint = "The MUST binds senders. As a receiver you may accept it (most servers do) or "
                     "fail with 1002; either way your own frames must use the minimal form.",
             .lesson = framing_lesson("payload-length")},
        [form](CaseContext& ctx) {
          auto r = run_answers(ctx, 1000ms,
                               [form](Probe& p) {
                                 p.send_frame(FrameBuilder()
                                                  .opcode(Opcode::kText)
                                                  .random_mask()
                                                  .length_form(form)
                                                  .payload("hello"));
                               },
                               {Answer::text("hello")});
          return as_info(std::move(r),
                         "RFC 6455 binds the sender; accepting or failing are both "
                         "seen in practice");
        });
  };
  non_minimal("framing.length.non-minimal-16bit", LengthForm::k16, "16-bit");
  non_minimal("framing.length.non-minimal-64bit", LengthForm::k64, "64-bit");
}

void add_stream_cases(Catalog& cat) {
  add(cat,
      Spec{.id = "framing.stream.two-frames-one-segment",
           .group = kGroup,
           .lab = kLabFraming,
           .rfc_section = "5.2",
           .rfc_text = "The base framing protocol is defined by the ABNF: ws-frame = frame-fin ... "
                       "frame-payload-data",
           .points = 2,
           .description = "Send two text frames in one TCP write; expect both echoed, in order.",
           .hint = "One recv() can hold several frames: after handling a frame, keep parsing the "
                   "rest of the buffer instead of waiting for the next read.",
           .lesson = framing_lesson("reading-frames-from-a-stream")},
      [](CaseContext& ctx) {
        return run_answers(
            ctx, 1000ms,
            [](Probe& p) {
              MaskKey k{9, 8, 7, 6};
              std::string both =
                  FrameBuilder().opcode(Opcode::kText).mask(k).payload("one").build() +
                  FrameBuilder().opcode(Opcode::kText).mask(k).payload("two").build();
              p.send(both);
            },
            {Answer::text("one"), Answer::text("two")});
      });
  add(cat,
      Spec{.id = "framing.stream.frame-byte-by-byte",
           .group = kGroup,
           .lab = kLabFraming,
           .rfc_section = "5.2",
           .rfc_text = "The base framing protocol is defined by the ABNF: ws-frame = frame-fin ... "
                       "frame-payload-data",
           .points = 2,
           .description = "Send a 200-byte text frame one byte per TCP write; expect it echoed.",
           .hint = "A read may return a single byte, even in the middle of the header: buffer "
                   "until the whole header, then the whole payload, is in.",
           .lesson = framing_lesson("reading-frames-from-a-stream"),
           .timeout = 2000ms},
      [](CaseContext& ctx) {
        std::string payload = ascii_payload(200);
        return run_answers(
            ctx, 2000ms,
            [&](Probe& p) {
              p.send_chopped(
                  FrameBuilder().opcode(Opcode::kText).random_mask().payload(payload).build(), 1);
            },
            {Answer::text(payload)});
      });
  add(cat,
      Spec{.id = "framing.stream.header-then-payload-later",
           .group = kGroup,
           .lab = kLabFraming,
           .rfc_section = "5.2",
           .rfc_text = "The base framing protocol is defined by the ABNF: ws-frame = frame-fin ... "
                       "frame-payload-data",
           .description = "Send a frame's header, pause 100 ms, then its payload; expect the echo.",
           .hint = "Having the header does not mean having the payload: keep the parsed header "
                   "and wait for the remaining bytes.",
           .lesson = framing_lesson("reading-frames-from-a-stream")},
      [](CaseContext& ctx) {
        std::string payload = ascii_payload(300, 'x');
        return run_answers(
            ctx, 1000ms,
            [&](Probe& p) {
              std::string frame =
                  FrameBuilder().opcode(Opcode::kBinary).random_mask().payload(payload).build();
              std::size_t header = frame.size() - payload.size();
              p.send(std::string_view(frame).substr(0, header));
              p.pause(100ms);
              p.send(std::string_view(frame).substr(header));
            },
            {Answer::binary(payload)});
      });
  add(cat,
      Spec{.id = "framing.binary.all-byte-values",
           .group = kGroup,
           .lab = kLabFraming,
           .rfc_section = "5.6",
           .rfc_text =
               "The \"Payload data\" is arbitrary binary data whose interpretation is solely "
               "up to the application layer.",
           .description = "Send a binary frame holding every byte value 0..255 twice; expect an "
                          "identical echo.",
           .hint = "Binary payloads may contain 0x00 and any other byte: do not treat them as C "
                   "strings and do not validate them as UTF-8.",
           .lesson = framing_lesson("text-and-binary")},
      [](CaseContext& ctx) {
        std::string payload = binary_payload(512);
        return run_answers(ctx, 1000ms, [&](Probe& p) { p.send_binary(payload); },
                           {Answer::binary(payload)});
      });
}

}  // namespace

void register_framing_cases(Catalog& cat) {
  add_length_cases(cat);
  add_mask_cases(cat);
  add_length_form_cases(cat);
  add_stream_cases(cat);
}

}  // namespace wslab::harness
