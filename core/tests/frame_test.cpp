// RFC 6455 §5.2-§5.5 framing rules, the §5.7 examples, under every delivery.
#include "wslab/frame.hpp"

#include <gtest/gtest.h>

#include <random>

#include "test_util.hpp"

namespace wslab {
namespace {

using test::bytes;
using test::decode_chunks;
using test::for_each_delivery;

// §5.7: a single-frame unmasked text message "Hello".
TEST(CoreFrame, RfcExampleUnmaskedHello) {
  const auto wire = bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f});
  EXPECT_EQ(encode_frame(Opcode::kText, "Hello"), wire);
  for_each_delivery(wire, [](const auto& chunks) {
    const auto d = decode_chunks(Role::kClient, chunks);
    ASSERT_EQ(d.error, FrameError::kNone);
    ASSERT_EQ(d.frames.size(), 1u);
    EXPECT_TRUE(d.frames[0].header.fin);
    EXPECT_EQ(d.frames[0].header.opcode, 0x1);
    EXPECT_FALSE(d.frames[0].header.masked);
    EXPECT_EQ(d.frames[0].payload, "Hello");
  });
}

// §5.7: a single-frame masked text message "Hello" with key 37 fa 21 3d.
TEST(CoreFrame, RfcExampleMaskedHello) {
  const auto wire = bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
  EXPECT_EQ(encode_frame(Opcode::kText, "Hello", true, &test::kRfcMask), wire);
  for_each_delivery(wire, [](const auto& chunks) {
    const auto d = decode_chunks(Role::kServer, chunks);
    ASSERT_EQ(d.error, FrameError::kNone);
    ASSERT_EQ(d.frames.size(), 1u);
    EXPECT_TRUE(d.frames[0].header.masked);
    EXPECT_EQ(d.frames[0].header.mask, test::kRfcMask);
    EXPECT_EQ(d.frames[0].payload, "Hello");
  });
}

// §5.7: a fragmented unmasked text message "Hel" + "lo".
TEST(CoreFrame, RfcExampleFragmentedHello) {
  const auto wire = bytes({0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f});
  EXPECT_EQ(encode_frame(Opcode::kText, "Hel", false) + encode_frame(Opcode::kContinuation, "lo"),
            wire);
  for_each_delivery(wire, [](const auto& chunks) {
    const auto d = decode_chunks(Role::kClient, chunks);
    ASSERT_EQ(d.error, FrameError::kNone);
    ASSERT_EQ(d.frames.size(), 2u);
    EXPECT_FALSE(d.frames[0].header.fin);
    EXPECT_EQ(d.frames[0].header.opcode, 0x1);
    EXPECT_EQ(d.frames[0].payload, "Hel");
    EXPECT_TRUE(d.frames[1].header.fin);
    EXPECT_EQ(d.frames[1].header.opcode, 0x0);
    EXPECT_EQ(d.frames[1].payload, "lo");
  });
}

// §5.7: unmasked Ping "Hello" and masked Pong "Hello".
TEST(CoreFrame, RfcExamplePingAndPong) {
  const auto ping = bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f});
  const auto pong = bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
  EXPECT_EQ(encode_frame(Opcode::kPing, "Hello"), ping);
  EXPECT_EQ(encode_frame(Opcode::kPong, "Hello", true, &test::kRfcMask), pong);
  for_each_delivery(ping, [](const auto& chunks) {
    const auto d = decode_chunks(Role::kClient, chunks);
    ASSERT_EQ(d.frames.size(), 1u);
    EXPECT_EQ(d.frames[0].header.opcode, 0x9);
    EXPECT_EQ(d.frames[0].payload, "Hello");
  });
  for_each_delivery(pong, [](const auto& chunks) {
    const auto d = decode_chunks(Role::kServer, chunks);
    ASSERT_EQ(d.frames.size(), 1u);
    EXPECT_EQ(d.frames[0].header.opcode, 0xA);
    EXPECT_EQ(d.frames[0].payload, "Hello");
  });
}

// §5.7: 256 bytes of binary data in one unmasked frame: 0x82 0x7E 0x0100.
TEST(CoreFrame, RfcExample256ByteBinaryUses16BitLength) {
  const std::string payload(256, '\xAB');
  const auto frame = encode_frame(Opcode::kBinary, payload);
  EXPECT_EQ(frame.substr(0, 4), bytes({0x82, 0x7E, 0x01, 0x00}));
  EXPECT_EQ(frame.size(), 4u + 256u);
  for_each_delivery(frame, [&](const auto& chunks) {
    const auto d = decode_chunks(Role::kClient, chunks);
    ASSERT_EQ(d.frames.size(), 1u);
    EXPECT_EQ(d.frames[0].header.header_length, 4);
    EXPECT_EQ(d.frames[0].payload, payload);
  });
}

// §5.7: 64 KiB of binary data in one unmasked frame: 0x82 0x7F 0x0000000000010000.
TEST(CoreFrame, RfcExample64KiBBinaryUses64BitLength) {
  std::string payload(65536, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 7);
  const auto frame = encode_frame(Opcode::kBinary, payload);
  EXPECT_EQ(frame.substr(0, 10), bytes({0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0}));
  for (auto d :
       {test::Delivery::kWhole, test::Delivery::kByteByByte, test::Delivery::kRandomChops}) {
    SCOPED_TRACE(test::delivery_name(d));
    const auto decoded = decode_chunks(Role::kClient, test::chop(frame, d));
    ASSERT_EQ(decoded.frames.size(), 1u);
    EXPECT_EQ(decoded.frames[0].header.header_length, 10);
    EXPECT_EQ(decoded.frames[0].payload, payload);
  }
}

// §5.2: 0-125 in 7 bits, 126-65535 in 16 bits, more in 64 bits, always the minimal form.
TEST(CoreFrame, PayloadLengthUsesTheMinimalOfThreeForms) {
  struct Case {
    std::size_t len;
    std::size_t header;
  };
  for (const Case c : {Case{0, 2}, Case{1, 2}, Case{125, 2}, Case{126, 4}, Case{127, 4},
                       Case{65535, 4}, Case{65536, 10}, Case{100000, 10}}) {
    SCOPED_TRACE(c.len);
    const std::string payload(c.len, 'x');
    const auto frame = encode_frame(Opcode::kBinary, payload, true, &test::kRfcMask);
    EXPECT_EQ(frame.size(), c.header + 4 + c.len);
    const auto d = decode_chunks(Role::kServer, test::chop(frame, test::Delivery::kRandomChops));
    ASSERT_EQ(d.frames.size(), 1u);
    EXPECT_EQ(d.frames[0].header.payload_length, c.len);
    EXPECT_EQ(d.frames[0].payload, payload);
  }
}

// §5.2: "the most significant bit MUST be 0" in the 64-bit length.
TEST(CoreFrame, LengthWithMostSignificantBitSetIsRejected) {
  const auto frame = FrameBuilder()
                         .opcode(Opcode::kBinary)
                         .mask(test::kRfcMask)
                         .declared_length(1ull << 63)
                         .build();
  for_each_delivery(frame, [](const auto& chunks) {
    EXPECT_EQ(decode_chunks(Role::kServer, chunks).error, FrameError::kLengthMsbSet);
  });
  EXPECT_EQ(close_code_for(FrameError::kLengthMsbSet), 1002);
}

// §5.2: RSV1-3 MUST be 0 unless an extension defines them; we negotiate none.
TEST(CoreFrame, ReservedBitsAreRejected) {
  for (int bit = 0; bit < 3; ++bit) {
    SCOPED_TRACE(bit);
    const auto frame = FrameBuilder()
                           .opcode(Opcode::kText)
                           .rsv(bit == 0, bit == 1, bit == 2)
                           .mask(test::kRfcMask)
                           .payload("x")
                           .build();
    for_each_delivery(frame, [](const auto& chunks) {
      EXPECT_EQ(decode_chunks(Role::kServer, chunks).error, FrameError::kReservedBits);
    });
  }
  EXPECT_EQ(close_code_for(FrameError::kReservedBits), 1002);
}

// §5.2: opcodes 3-7 and 11-15 are reserved; receiving one fails the connection.
TEST(CoreFrame, ReservedOpcodesAreRejected) {
  for (std::uint8_t op : std::initializer_list<std::uint8_t>{3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
    SCOPED_TRACE(int{op});
    EXPECT_FALSE(is_defined_opcode(op));
    const auto frame = FrameBuilder().opcode(op).mask(test::kRfcMask).payload("ab").build();
    for_each_delivery(frame, [](const auto& chunks) {
      EXPECT_EQ(decode_chunks(Role::kServer, chunks).error, FrameError::kReservedOpcode);
    });
  }
  EXPECT_EQ(close_code_for(FrameError::kReservedOpcode), 1002);
}

// §5.1: a server MUST close on an unmasked frame from a client.
TEST(CoreFrame, ServerRejectsUnmaskedClientFrame) {
  for_each_delivery(encode_frame(Opcode::kText, "hi"), [](const auto& chunks) {
    EXPECT_EQ(decode_chunks(Role::kServer, chunks).error, FrameError::kUnmaskedFromClient);
  });
}

// §5.1: a client MUST close on a masked frame from a server.
TEST(CoreFrame, ClientRejectsMaskedServerFrame) {
  for_each_delivery(
      encode_frame(Opcode::kText, "hi", true, &test::kRfcMask), [](const auto& chunks) {
        EXPECT_EQ(decode_chunks(Role::kClient, chunks).error, FrameError::kMaskedFromServer);
      });
}

// §5.5: control frames carry at most 125 bytes; 125 is fine.
TEST(CoreFrame, ControlPayloadOver125IsRejected) {
  const std::string p125(125, 'p');
  const auto ok = encode_frame(Opcode::kPing, p125, true, &test::kRfcMask);
  EXPECT_EQ(decode_chunks(Role::kServer, {ok}).error, FrameError::kNone);
  // 126 bytes needs the 16-bit form, which a control frame can never use.
  const auto bad = FrameBuilder()
                       .opcode(Opcode::kPing)
                       .mask(test::kRfcMask)
                       .payload(std::string(126, 'p'))
                       .build();
  for_each_delivery(bad, [](const auto& chunks) {
    EXPECT_EQ(decode_chunks(Role::kServer, chunks).error, FrameError::kControlTooLong);
  });
  // Even a short payload announced through the 16-bit form is refused.
  const auto lying = FrameBuilder()
                         .opcode(Opcode::kClose)
                         .mask(test::kRfcMask)
                         .length_form(LengthForm::k16)
                         .payload("ab")
                         .build();
  EXPECT_EQ(decode_chunks(Role::kServer, {lying}).error, FrameError::kControlTooLong);
}

// §5.5: "Control frames themselves MUST NOT be fragmented."
TEST(CoreFrame, ControlFramesMustNotBeFragmented) {
  for (auto op : {Opcode::kPing, Opcode::kPong, Opcode::kClose}) {
    const auto frame =
        FrameBuilder().opcode(op).fin(false).mask(test::kRfcMask).payload("x").build();
    for_each_delivery(frame, [](const auto& chunks) {
      EXPECT_EQ(decode_chunks(Role::kServer, chunks).error, FrameError::kFragmentedControl);
    });
  }
}

// §10.4 + §7.4.1: a frame above our limit fails with 1009, decided from the header alone.
TEST(CoreFrame, FrameOverMaxPayloadFailsWith1009) {
  DecoderLimits limits;
  limits.max_frame_payload = 1000;
  const auto header_only =
      FrameBuilder().opcode(Opcode::kBinary).mask(test::kRfcMask).declared_length(1001).build();
  for_each_delivery(header_only, [&](const auto& chunks) {
    EXPECT_EQ(decode_chunks(Role::kServer, chunks, limits).error, FrameError::kFrameTooBig);
  });
  const auto at_limit =
      encode_frame(Opcode::kBinary, std::string(1000, 'a'), true, &test::kRfcMask);
  EXPECT_EQ(decode_chunks(Role::kServer, {at_limit}, limits).error, FrameError::kNone);
  EXPECT_EQ(close_code_for(FrameError::kFrameTooBig), 1009);
}

// §5.2: senders MUST use the minimal length; receivers tolerate it unless asked to be strict.
TEST(CoreFrame, NonMinimalLengthIsToleratedUnlessStrict) {
  const auto frame = FrameBuilder()
                         .opcode(Opcode::kText)
                         .mask(test::kRfcMask)
                         .length_form(LengthForm::k64)
                         .payload("abc")
                         .build();
  EXPECT_EQ(frame.size(), 2u + 8 + 4 + 3);
  const auto lenient = decode_chunks(Role::kServer, {frame});
  ASSERT_EQ(lenient.frames.size(), 1u);
  EXPECT_EQ(lenient.frames[0].payload, "abc");
  EXPECT_EQ(lenient.frames[0].header.header_length, 14);
  DecoderLimits strict;
  strict.require_minimal_length = true;
  for_each_delivery(frame, [&](const auto& chunks) {
    EXPECT_EQ(decode_chunks(Role::kServer, chunks, strict).error, FrameError::kNonMinimalLength);
  });
  const auto f16 = FrameBuilder()
                       .opcode(Opcode::kText)
                       .mask(test::kRfcMask)
                       .length_form(LengthForm::k16)
                       .payload("abc")
                       .build();
  EXPECT_EQ(decode_chunks(Role::kServer, {f16}, strict).error, FrameError::kNonMinimalLength);
}

// §5.2 (framing is self-delimiting): many frames in one read, split anywhere.
TEST(CoreFrame, ManyFramesInOneChunkAreAllDecoded) {
  std::string wire;
  std::vector<std::string> payloads = {"", "a", std::string(200, 'b'), std::string(70000, 'c'),
                                       "end"};
  for (const auto& p : payloads) wire += test::client_frame(Opcode::kBinary, p);
  for_each_delivery(wire, [&](const auto& chunks) {
    const auto d = decode_chunks(Role::kServer, chunks);
    ASSERT_EQ(d.error, FrameError::kNone);
    ASSERT_EQ(d.frames.size(), payloads.size());
    for (std::size_t i = 0; i < payloads.size(); ++i) EXPECT_EQ(d.frames[i].payload, payloads[i]);
    EXPECT_FALSE(d.mid_frame);
  });
}

// API contract: an empty payload yields exactly one empty, complete kPayload event.
TEST(CoreFrame, EmptyPayloadYieldsOneCompletePayloadEvent) {
  auto wire = test::client_frame(Opcode::kText, "");
  FrameDecoder dec(Role::kServer);
  std::span<std::uint8_t> in(reinterpret_cast<std::uint8_t*>(wire.data()), wire.size());
  EXPECT_EQ(dec.next(in).kind, FrameDecoder::Kind::kHeader);
  const auto ev = dec.next(in);
  EXPECT_EQ(ev.kind, FrameDecoder::Kind::kPayload);
  EXPECT_TRUE(ev.frame_complete);
  EXPECT_TRUE(ev.payload.empty());
  EXPECT_EQ(dec.next(in).kind, FrameDecoder::Kind::kNeedMore);
}

// Zero-copy: payload spans point into the caller's buffer, unmasked in place.
TEST(CoreFrame, PayloadIsUnmaskedInPlaceInTheInput) {
  auto wire = test::client_frame(Opcode::kText, "Hello");
  FrameDecoder dec(Role::kServer);
  std::span<std::uint8_t> in(reinterpret_cast<std::uint8_t*>(wire.data()), wire.size());
  dec.next(in);
  const auto ev = dec.next(in);
  EXPECT_EQ(static_cast<const void*>(ev.payload.data()), static_cast<const void*>(wire.data() + 6));
  EXPECT_EQ(wire.substr(6), "Hello");
}

// A read of zero bytes (a default span) in the middle of a header changes nothing.
TEST(CoreFrame, EmptyReadInTheMiddleOfAHeaderIsHarmless) {
  auto wire = test::client_frame(Opcode::kText, "Hi");
  FrameDecoder dec(Role::kServer);
  std::span<std::uint8_t> first(reinterpret_cast<std::uint8_t*>(wire.data()), 1);
  EXPECT_EQ(dec.next(first).kind, FrameDecoder::Kind::kNeedMore);
  std::span<std::uint8_t> none;
  EXPECT_EQ(dec.next(none).kind, FrameDecoder::Kind::kNeedMore);
  std::span<std::uint8_t> rest(reinterpret_cast<std::uint8_t*>(wire.data()) + 1, wire.size() - 1);
  EXPECT_EQ(dec.next(rest).kind, FrameDecoder::Kind::kHeader);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(dec.next(rest).payload.data()), 2), "Hi");
}

// Fail fast: RSV bits, a reserved opcode or a control frame without FIN are visible in the
// first byte; the decoder rejects it without waiting for the second (§5.2, §5.5).
TEST(CoreFrame, BadFirstByteFailsBeforeTheSecondArrives) {
  const std::pair<std::uint8_t, FrameError> cases[] = {
      {0xC1, FrameError::kReservedBits},       // FIN + RSV1, text
      {0x83, FrameError::kReservedOpcode},     // opcode 3
      {0x09, FrameError::kFragmentedControl},  // Ping without FIN
  };
  for (const auto& [b0, want] : cases) {
    FrameDecoder dec(Role::kServer);
    std::uint8_t byte = b0;
    std::span<std::uint8_t> in(&byte, 1);
    const auto ev = dec.next(in);
    EXPECT_EQ(ev.kind, FrameDecoder::Kind::kError) << "first byte 0x" << std::hex << int{b0};
    EXPECT_EQ(ev.error, want) << "first byte 0x" << std::hex << int{b0};
  }
}

// After an error the decoder stays failed: nothing after a bad frame is trusted.
TEST(CoreFrame, DecoderStaysInErrorUntilReset) {
  auto bad = FrameBuilder().opcode(std::uint8_t{3}).mask(test::kRfcMask).build();
  auto good = test::client_frame(Opcode::kText, "ok");
  FrameDecoder dec(Role::kServer);
  std::span<std::uint8_t> in(reinterpret_cast<std::uint8_t*>(bad.data()), bad.size());
  EXPECT_EQ(dec.next(in).kind, FrameDecoder::Kind::kError);
  std::span<std::uint8_t> in2(reinterpret_cast<std::uint8_t*>(good.data()), good.size());
  EXPECT_EQ(dec.next(in2).kind, FrameDecoder::Kind::kError);
  dec.reset();
  EXPECT_EQ(dec.next(in2).kind, FrameDecoder::Kind::kHeader);
}

// §5.3: octet i is XORed with key[i mod 4], whatever the split and offset.
TEST(CoreFrame, WordMaskingEqualsByteMaskingAtEveryOffset) {
  std::mt19937 rng(42);
  for (int round = 0; round < 300; ++round) {
    const auto n = std::uniform_int_distribution<std::size_t>(0, 300)(rng);
    const auto offset = std::uniform_int_distribution<std::uint64_t>(0, 11)(rng);
    std::vector<std::uint8_t> a(n + 3);
    for (auto& b : a) b = static_cast<std::uint8_t>(rng());
    const MaskKey key{static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(rng()),
                      static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(rng())};
    auto b = a;
    const std::size_t start = round % 3;  // unaligned starts
    apply_mask(a.data() + start, n, key, offset);
    apply_mask_bytewise(b.data() + start, n, key, offset);
    ASSERT_EQ(a, b) << "n=" << n << " offset=" << offset;
  }
}

// §5.3: masking is its own inverse, and a payload can be unmasked in pieces.
TEST(CoreFrame, MaskingIsAnInvolutionAndSplittable) {
  std::string data = "The quick brown fox jumps over the lazy dog, twice over!";
  const auto original = data;
  auto* p = reinterpret_cast<std::uint8_t*>(data.data());
  apply_mask(p, data.size(), test::kRfcMask);
  EXPECT_NE(data, original);
  apply_mask(p, 13, test::kRfcMask, 0);
  apply_mask(p + 13, data.size() - 13, test::kRfcMask, 13);
  EXPECT_EQ(data, original);
}

// The builder writes exactly what it is told, including invalid frames.
TEST(CoreFrame, BuilderBuildsInvalidFramesOnRequest) {
  const auto lying =
      FrameBuilder().opcode(Opcode::kText).declared_length(10).payload("abc").build();
  EXPECT_EQ(lying, bytes({0x81, 10, 'a', 'b', 'c'}));
  const auto unmasked_payload =
      FrameBuilder().opcode(Opcode::kText).mask_bit_only(test::kRfcMask).payload("Hi").build();
  EXPECT_EQ(unmasked_payload, bytes({0x81, 0x82, 0x37, 0xfa, 0x21, 0x3d, 'H', 'i'}));
  const auto header = FrameBuilder()
                          .opcode(Opcode::kBinary)
                          .fin(false)
                          .length_form(LengthForm::k16)
                          .payload("xy")
                          .build_header();
  EXPECT_EQ(header, bytes({0x02, 126, 0, 2}));
  auto random_masked = FrameBuilder().opcode(Opcode::kText).random_mask().payload("Hello").build();
  const auto d = decode_chunks(Role::kServer, {random_masked});
  ASSERT_EQ(d.frames.size(), 1u);
  EXPECT_EQ(d.frames[0].payload, "Hello");
}

// Every frame error maps to the close code §7.4.1 prescribes and has a description.
TEST(CoreFrame, EveryErrorHasACloseCodeAndAnExplanation) {
  for (auto e :
       {FrameError::kReservedBits, FrameError::kReservedOpcode, FrameError::kFragmentedControl,
        FrameError::kControlTooLong, FrameError::kUnmaskedFromClient, FrameError::kMaskedFromServer,
        FrameError::kLengthMsbSet, FrameError::kNonMinimalLength}) {
    EXPECT_EQ(close_code_for(e), 1002);
    EXPECT_NE(describe(e).find("RFC 6455"), std::string_view::npos);
  }
  EXPECT_EQ(opcode_name(0x9), "ping");
  EXPECT_EQ(opcode_name(0x3), "reserved-data");
  EXPECT_EQ(opcode_name(0xB), "reserved-control");
}

}  // namespace
}  // namespace wslab
