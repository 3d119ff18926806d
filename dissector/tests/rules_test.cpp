// The plugin's plain-C RFC 6455 rules (src/rfc6455_rules.c) held against core, which states each
// rule once for the project (core/include/wslab/frame.hpp, close.hpp). One test per rule.
#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string>

#include "rfc6455_rules.h"
#include "wslab/close.hpp"
#include "wslab/frame.hpp"

namespace {

constexpr wslab::MaskKey kKey{0x11, 0x22, 0x33, 0x44};

wslab_frame_header parse(const std::string& frame) {
  wslab_frame_header h{};
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(frame.data());
  EXPECT_NE(wslab_parse_frame_header(bytes, frame.size(), &h), 0u) << "header did not parse";
  return h;
}

unsigned violations(const std::string& frame, wslab_direction dir, int deflate = 0) {
  const auto h = parse(frame);
  return wslab_header_violations(&h, dir, deflate);
}

// What core's decoder says about the same bytes, as the receiving `role`.
wslab::FrameError core_verdict(std::string frame, wslab::Role role) {
  wslab::DecoderLimits limits;
  limits.require_minimal_length = true;
  wslab::FrameDecoder decoder(role, limits);
  std::span<std::uint8_t> in(reinterpret_cast<std::uint8_t*>(frame.data()), frame.size());
  for (;;) {
    const auto ev = decoder.next(in);
    if (ev.kind == wslab::FrameDecoder::Kind::kError) return ev.error;
    if (ev.kind == wslab::FrameDecoder::Kind::kNeedMore) return wslab::FrameError::kNone;
  }
}

// §5.2: the header fields decode as built, in all three length forms.
TEST(DissectorRules, HeaderFieldsDecodeAsBuilt) {
  const auto frame = wslab::FrameBuilder()
                         .opcode(wslab::Opcode::kBinary)
                         .fin(false)
                         .mask(kKey)
                         .length_form(wslab::LengthForm::k64)
                         .payload("abc")
                         .build();
  const auto h = parse(frame);
  EXPECT_EQ(h.fin, 0);
  EXPECT_EQ(h.opcode, 2u);
  EXPECT_EQ(h.masked, 1);
  EXPECT_EQ(h.length_form, 64u);
  EXPECT_EQ(h.payload_length, 3u);
  EXPECT_EQ(h.header_length, 14u);
  EXPECT_EQ(h.mask_key[3], 0x44);
}

// §5.2: a header cut short is "need more", never a misread.
TEST(DissectorRules, TruncatedHeaderNeedsMore) {
  const auto frame = wslab::FrameBuilder()
                         .opcode(wslab::Opcode::kText)
                         .mask(kKey)
                         .payload(std::string(300, 'x'))
                         .build();
  wslab_frame_header h{};
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(frame.data());
  for (std::size_t n = 0; n < 8; ++n) EXPECT_EQ(wslab_parse_frame_header(bytes, n, &h), 0u) << n;
  EXPECT_EQ(wslab_parse_frame_header(bytes, 8, &h), 8u);
}

// §7.4: exactly the codes core allows may be sent, for every 16-bit value.
TEST(DissectorRules, CloseCodesMatchCore) {
  for (unsigned code = 0; code <= 0xFFFF; ++code) {
    ASSERT_EQ(wslab_is_valid_close_code(code) != 0,
              wslab::is_valid_close_code(static_cast<std::uint16_t>(code)))
        << "code " << code;
  }
}

// §5.2: opcodes 3-7 and 11-15 are reserved, as in core.
TEST(DissectorRules, ReservedOpcodesMatchCore) {
  for (unsigned op = 0; op < 16; ++op) {
    EXPECT_EQ(wslab_is_reserved_opcode(op) != 0,
              !wslab::is_defined_opcode(static_cast<std::uint8_t>(op)))
        << op;
  }
}

// §5.2: RSV bits without a negotiated extension.
TEST(DissectorRules, RsvBitsWithoutExtension) {
  const auto frame = wslab::FrameBuilder()
                         .opcode(wslab::Opcode::kText)
                         .rsv(false, true, false)
                         .mask(kKey)
                         .payload("x")
                         .build();
  EXPECT_EQ(violations(frame, WSLAB_DIR_CLIENT_TO_SERVER), unsigned{WSLAB_V_RSV});
  EXPECT_EQ(core_verdict(frame, wslab::Role::kServer), wslab::FrameError::kReservedBits);
}

// RFC 7692 §6: with permessage-deflate RSV1 marks a compressed message's first frame only.
TEST(DissectorRules, Rsv1AllowedOnlyOnFirstDataFrameWithDeflate) {
  const auto first = wslab::FrameBuilder()
                         .opcode(wslab::Opcode::kText)
                         .rsv(true, false, false)
                         .mask(kKey)
                         .payload("x")
                         .build();
  EXPECT_EQ(violations(first, WSLAB_DIR_CLIENT_TO_SERVER, 1), 0u);
  const auto cont = wslab::FrameBuilder()
                        .opcode(wslab::Opcode::kContinuation)
                        .rsv(true, false, false)
                        .mask(kKey)
                        .payload("x")
                        .build();
  EXPECT_EQ(violations(cont, WSLAB_DIR_CLIENT_TO_SERVER, 1), unsigned{WSLAB_V_RSV});
  const auto ping =
      wslab::FrameBuilder().opcode(wslab::Opcode::kPing).rsv(true, false, false).mask(kKey).build();
  EXPECT_EQ(violations(ping, WSLAB_DIR_CLIENT_TO_SERVER, 1), unsigned{WSLAB_V_RSV});
}

// §5.2: reserved opcodes.
TEST(DissectorRules, ReservedOpcode) {
  const auto frame = wslab::FrameBuilder().opcode(0xB).build();
  EXPECT_EQ(violations(frame, WSLAB_DIR_SERVER_TO_CLIENT), unsigned{WSLAB_V_RESERVED_OPCODE});
  EXPECT_EQ(core_verdict(frame, wslab::Role::kClient), wslab::FrameError::kReservedOpcode);
}

// §5.5: control frames must not be fragmented.
TEST(DissectorRules, FragmentedControlFrame) {
  const auto frame =
      wslab::FrameBuilder().opcode(wslab::Opcode::kPing).fin(false).mask(kKey).build();
  EXPECT_EQ(violations(frame, WSLAB_DIR_CLIENT_TO_SERVER), unsigned{WSLAB_V_CONTROL_FRAGMENTED});
  EXPECT_EQ(core_verdict(frame, wslab::Role::kServer), wslab::FrameError::kFragmentedControl);
}

// §5.5: control payloads are at most 125 bytes (125 is fine, 126 is not).
TEST(DissectorRules, ControlFrameOver125Bytes) {
  const auto ok =
      wslab::FrameBuilder().opcode(wslab::Opcode::kPong).payload(std::string(125, 'p')).build();
  EXPECT_EQ(violations(ok, WSLAB_DIR_SERVER_TO_CLIENT), 0u);
  const auto frame = wslab::FrameBuilder()
                         .opcode(wslab::Opcode::kPing)
                         .mask(kKey)
                         .payload(std::string(126, 'p'))
                         .build();
  EXPECT_EQ(violations(frame, WSLAB_DIR_CLIENT_TO_SERVER), unsigned{WSLAB_V_CONTROL_TOO_LONG});
  EXPECT_EQ(core_verdict(frame, wslab::Role::kServer), wslab::FrameError::kControlTooLong);
}

// §5.1: a client masks every frame.
TEST(DissectorRules, UnmaskedClientFrame) {
  const auto frame =
      wslab::FrameBuilder().opcode(wslab::Opcode::kText).unmasked().payload("x").build();
  EXPECT_EQ(violations(frame, WSLAB_DIR_CLIENT_TO_SERVER), unsigned{WSLAB_V_UNMASKED_CLIENT});
  EXPECT_EQ(violations(frame, WSLAB_DIR_SERVER_TO_CLIENT), 0u);
  EXPECT_EQ(core_verdict(frame, wslab::Role::kServer), wslab::FrameError::kUnmaskedFromClient);
}

// §5.1: a server never masks.
TEST(DissectorRules, MaskedServerFrame) {
  const auto frame =
      wslab::FrameBuilder().opcode(wslab::Opcode::kText).mask(kKey).payload("x").build();
  EXPECT_EQ(violations(frame, WSLAB_DIR_SERVER_TO_CLIENT), unsigned{WSLAB_V_MASKED_SERVER});
  EXPECT_EQ(violations(frame, WSLAB_DIR_CLIENT_TO_SERVER), 0u);
  EXPECT_EQ(core_verdict(frame, wslab::Role::kClient), wslab::FrameError::kMaskedFromServer);
}

// §5.1 applied only when the direction is known.
TEST(DissectorRules, UnknownDirectionSkipsMaskingRules) {
  const auto masked =
      wslab::FrameBuilder().opcode(wslab::Opcode::kText).mask(kKey).payload("x").build();
  const auto unmasked = wslab::FrameBuilder().opcode(wslab::Opcode::kText).payload("x").build();
  EXPECT_EQ(violations(masked, WSLAB_DIR_UNKNOWN), 0u);
  EXPECT_EQ(violations(unmasked, WSLAB_DIR_UNKNOWN), 0u);
}

// §5.2: "the minimal number of bytes MUST be used to encode the length".
TEST(DissectorRules, NonMinimalLength) {
  const auto in16 = wslab::FrameBuilder()
                        .opcode(wslab::Opcode::kText)
                        .mask(kKey)
                        .length_form(wslab::LengthForm::k16)
                        .payload("hi")
                        .build();
  EXPECT_EQ(violations(in16, WSLAB_DIR_CLIENT_TO_SERVER), unsigned{WSLAB_V_NON_MINIMAL_LENGTH});
  EXPECT_EQ(core_verdict(in16, wslab::Role::kServer), wslab::FrameError::kNonMinimalLength);
  const auto in64 = wslab::FrameBuilder()
                        .opcode(wslab::Opcode::kText)
                        .length_form(wslab::LengthForm::k64)
                        .payload(std::string(0xFFFF, 'x'))
                        .build();
  EXPECT_EQ(violations(in64, WSLAB_DIR_SERVER_TO_CLIENT), unsigned{WSLAB_V_NON_MINIMAL_LENGTH});
  const auto minimal =
      wslab::FrameBuilder().opcode(wslab::Opcode::kText).payload(std::string(126, 'x')).build();
  EXPECT_EQ(violations(minimal, WSLAB_DIR_SERVER_TO_CLIENT), 0u);
}

// §5.2: "the most significant bit MUST be 0" in the 64-bit length.
TEST(DissectorRules, LengthWithMostSignificantBitSet) {
  const auto header = wslab::FrameBuilder()
                          .opcode(wslab::Opcode::kBinary)
                          .declared_length(std::uint64_t{1} << 63)
                          .build_header();
  EXPECT_EQ(violations(header, WSLAB_DIR_SERVER_TO_CLIENT), unsigned{WSLAB_V_LENGTH_MSB});
  EXPECT_EQ(core_verdict(header, wslab::Role::kClient), wslab::FrameError::kLengthMsbSet);
}

// §5.5.1: a Close body is empty or starts with a 2-byte code; §7.4: the code must be sendable.
TEST(DissectorRules, CloseBodyMatchesCore) {
  const std::string bodies[] = {"",
                                std::string(1, '\x03'),
                                wslab::encode_close_payload(1000, "bye"),
                                wslab::encode_close_payload(1005),
                                wslab::encode_close_payload(999),
                                wslab::encode_close_payload(4999, "app")};
  for (const auto& body : bodies) {
    unsigned code = 0;
    const auto problem = wslab_check_close_body(reinterpret_cast<const std::uint8_t*>(body.data()),
                                                body.size(), &code);
    const auto core = wslab::parse_close_payload(body);
    EXPECT_EQ(problem == WSLAB_CLOSE_OK, core.ok) << "body of " << body.size() << " bytes";
    if (body.size() == 1) {
      EXPECT_EQ(problem, WSLAB_CLOSE_ONE_BYTE);
    }
  }
}

}  // namespace
