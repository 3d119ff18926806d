// Lab 2, steps 1-4: masking, the encoder, the builder and the incremental
// decoder (RFC 6455 §5.2-§5.5). Expected bytes come from the RFC's examples
// (§5.7) and from an independent test-side frame writer.
#include <string>
#include <vector>

#include "bytes.hpp"
#include "lab_test.hpp"
#include "wslab/frame.hpp"

namespace wslab {
namespace {

using labtest::hex;
using labtest::unhex;

WSLAB_LAB_SUITE(Lab2Masking);
WSLAB_LAB_SUITE(Lab2Encoder);
WSLAB_LAB_SUITE(Lab2Builder);
WSLAB_LAB_SUITE(Lab2Decoder);

std::span<std::uint8_t> bytes_of(std::string& s) {
  return {reinterpret_cast<std::uint8_t*>(s.data()), s.size()};
}

constexpr MaskKey kKey{0x37, 0xfa, 0x21, 0x3d};  // the key of the RFC's §5.7 examples

// ---- step 1 ---------------------------------------------------------------

TEST_F(Lab2Masking, OpcodeNames) {
  EXPECT_EQ(opcode_name(0x0), "continuation");
  EXPECT_EQ(opcode_name(0x1), "text");
  EXPECT_EQ(opcode_name(0x2), "binary");
  EXPECT_EQ(opcode_name(0x8), "close");
  EXPECT_EQ(opcode_name(0x9), "ping");
  EXPECT_EQ(opcode_name(0xA), "pong");
  EXPECT_EQ(opcode_name(0x3), "reserved-data");
  EXPECT_EQ(opcode_name(0xB), "reserved-control");
}

// §5.3: transformed-octet-i = original-octet-i XOR masking-key-octet-(i MOD 4).
TEST_F(Lab2Masking, MaskXorsEachByteWithTheKeyByteAtIModFour) {
  std::string data = "Hello";
  apply_mask(reinterpret_cast<std::uint8_t*>(data.data()), data.size(), kKey);
  EXPECT_EQ(hex(data), "7f 9f 4d 51 58")
      << "fed: \"Hello\" with key 37 fa 21 3d (RFC 6455 §5.7)\nexpected: 7f 9f 4d 51 58";
}

TEST_F(Lab2Masking, OffsetContinuesTheKeyMidPayload) {
  std::string whole = "Hello, masked world";
  std::string pieces = whole;
  apply_mask(reinterpret_cast<std::uint8_t*>(whole.data()), whole.size(), kKey);
  auto* p = reinterpret_cast<std::uint8_t*>(pieces.data());
  apply_mask(p, 3, kKey, 0);
  apply_mask(p + 3, 7, kKey, 3);
  apply_mask(p + 10, pieces.size() - 10, kKey, 10);
  EXPECT_EQ(hex(pieces), hex(whole))
      << "did: mask bytes 0-2 (offset 0), 3-9 (offset 3), 10- (offset 10)\n"
         "expected: the same bytes as masking the whole payload at once";
}

TEST_F(Lab2Masking, MaskingTwiceRestoresThePayload) {
  std::string data(1000, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  const std::string original = data;
  apply_mask(reinterpret_cast<std::uint8_t*>(data.data()), data.size(), kKey, 5);
  apply_mask(reinterpret_cast<std::uint8_t*>(data.data()), data.size(), kKey, 5);
  EXPECT_EQ(data, original) << "XOR with the same key stream twice must give the input back";
}

TEST_F(Lab2Masking, BytewiseMaskAgreesWithApplyMaskAtEveryLengthAndOffset) {
  for (std::size_t n = 0; n < 40; ++n) {
    for (std::uint64_t off = 0; off < 4; ++off) {
      std::string a(n, 'x');
      for (std::size_t i = 0; i < n; ++i) a[i] = static_cast<char>(i * 31 + 1);
      std::string b = a;
      apply_mask(reinterpret_cast<std::uint8_t*>(a.data()), n, kKey, off);
      apply_mask_bytewise(reinterpret_cast<std::uint8_t*>(b.data()), n, kKey, off);
      ASSERT_EQ(hex(a), hex(b)) << "length " << n << ", offset " << off;
    }
  }
}

// ---- step 2 ---------------------------------------------------------------

// §5.7: "A single-frame unmasked text message" and "A single-frame masked text message".
TEST_F(Lab2Encoder, RfcExampleFrames) {
  EXPECT_EQ(hex(encode_frame(Opcode::kText, "Hello")), "81 05 48 65 6c 6c 6f")
      << "fed: encode_frame(kText, \"Hello\") (server, unmasked)\nexpected: 81 05 48 65 6c 6c 6f "
         "(§5.7)";
  EXPECT_EQ(hex(encode_frame(Opcode::kText, "Hello", true, &kKey)),
            "81 85 37 fa 21 3d 7f 9f 4d 51 58")
      << "fed: encode_frame(kText, \"Hello\", fin, key 37 fa 21 3d)\n"
         "expected: 81 85 37 fa 21 3d 7f 9f 4d 51 58 (§5.7)";
  EXPECT_EQ(hex(encode_frame(Opcode::kText, "Hel", false)), "01 03 48 65 6c")
      << "fed: a first fragment \"Hel\" (FIN=0)\nexpected: 01 03 48 65 6c (§5.7)";
  EXPECT_EQ(hex(encode_frame(Opcode::kPing, "Hello")), "89 05 48 65 6c 6c 6f")
      << "fed: an unmasked Ping \"Hello\"\nexpected: 89 05 48 65 6c 6c 6f (§5.7)";
}

// §5.2: the three length forms, always the minimal one, big-endian.
TEST_F(Lab2Encoder, LengthUsesTheMinimalOfTheThreeForms) {
  struct Case {
    std::size_t n;
    std::string header;
  };
  const std::vector<Case> cases = {{0, "82 00"},
                                   {125, "82 7d"},
                                   {126, "82 7e 00 7e"},
                                   {65535, "82 7e ff ff"},
                                   {65536, "82 7f 00 00 00 00 00 01 00 00"}};
  for (const auto& c : cases) {
    const std::string frame = encode_frame(Opcode::kBinary, std::string(c.n, 'z'));
    const std::size_t hlen = (c.header.size() + 1) / 3;
    EXPECT_EQ(hex(frame.substr(0, hlen)), c.header)
        << "fed: a binary frame of " << c.n << " bytes\nexpected header: " << c.header;
    EXPECT_EQ(frame.size(), hlen + c.n) << "header + payload, nothing else";
  }
}

TEST_F(Lab2Encoder, EncodeHeaderReturnsItsLength) {
  FrameHeader h;
  h.opcode = 0x2;
  h.payload_length = 300;
  h.masked = true;
  h.mask = kKey;
  std::uint8_t out[kMaxHeaderBytes] = {};
  const std::size_t n = encode_header(h, out);
  EXPECT_EQ(n, 8u) << "2 + 2 (16-bit length) + 4 (mask key)";
  EXPECT_EQ(hex(std::string(reinterpret_cast<char*>(out), n)), "82 fe 01 2c 37 fa 21 3d");
}

TEST_F(Lab2Encoder, AppendFrameAppends) {
  std::string out = "prefix";
  append_frame(out, Opcode::kBinary, "ab");
  EXPECT_EQ(out, "prefix" + unhex("82 02 61 62")) << "actual: " << hex(out);
}

// ---- step 3 ---------------------------------------------------------------

TEST_F(Lab2Builder, BuildsReservedOpcodesAndRsvBits) {
  const std::string f = FrameBuilder().opcode(0x3).rsv(true, false, true).payload("x").build();
  EXPECT_EQ(hex(f), "d3 01 78") << "FIN + RSV1 + RSV3 + opcode 3, length 1, \"x\"";
}

TEST_F(Lab2Builder, ForcesNonMinimalLengthForms) {
  EXPECT_EQ(
      hex(FrameBuilder().opcode(Opcode::kText).length_form(LengthForm::k16).payload("a").build()),
      "81 7e 00 01 61");
  EXPECT_EQ(
      hex(FrameBuilder().opcode(Opcode::kText).length_form(LengthForm::k64).payload("a").build()),
      "81 7f 00 00 00 00 00 00 00 01 61");
}

TEST_F(Lab2Builder, DeclaredLengthCanLie) {
  const std::string h =
      FrameBuilder().opcode(Opcode::kBinary).declared_length(1ull << 63).build_header();
  EXPECT_EQ(hex(h), "82 7f 80 00 00 00 00 00 00 00")
      << "a 2^63 length announced in the 64-bit form (header only)";
}

TEST_F(Lab2Builder, MaskBitOnlySendsThePayloadUnmasked) {
  const std::string f =
      FrameBuilder().opcode(Opcode::kText).mask_bit_only(kKey).payload("Hi").build();
  EXPECT_EQ(hex(f), "81 82 37 fa 21 3d 48 69") << "MASK=1 and the key, but \"Hi\" as is";
  const std::string g = FrameBuilder().opcode(Opcode::kText).mask(kKey).payload("Hello").build();
  EXPECT_EQ(hex(g), "81 85 37 fa 21 3d 7f 9f 4d 51 58") << "mask(): the payload is XORed";
}

TEST_F(Lab2Builder, RandomMaskSetsTheMaskBit) {
  const std::string f = FrameBuilder().opcode(Opcode::kText).random_mask().payload("x").build();
  ASSERT_EQ(f.size(), 7u) << "2 + 4 (key) + 1; actual: " << hex(f);
  EXPECT_EQ(static_cast<unsigned char>(f[1]), 0x81u) << "MASK bit and length 1; actual: " << hex(f);
}

// ---- step 4 ---------------------------------------------------------------

struct Decoded {
  std::vector<FrameHeader> headers;
  std::vector<std::string> payloads;  // one per frame, chunks joined
  std::vector<FrameError> errors;
  int payload_events = 0;
};

// Feeds `input` to a decoder in chunks of `chunk` bytes, collecting everything.
Decoded decode(std::string input, Role role, std::size_t chunk = 0, DecoderLimits limits = {}) {
  Decoded d;
  FrameDecoder dec(role, limits);
  if (chunk == 0) chunk = input.size() == 0 ? 1 : input.size();
  for (std::size_t pos = 0; pos < input.size(); pos += chunk) {
    std::string piece = input.substr(pos, chunk);
    std::span<std::uint8_t> in = bytes_of(piece);
    for (int guard = 0; guard < 10000; ++guard) {
      const FrameDecoder::Event ev = dec.next(in);
      if (ev.kind == FrameDecoder::Kind::kNeedMore) break;
      if (ev.kind == FrameDecoder::Kind::kError) {
        d.errors.push_back(ev.error);
        return d;
      }
      if (ev.kind == FrameDecoder::Kind::kHeader) {
        d.headers.push_back(ev.header);
        d.payloads.emplace_back();
        continue;
      }
      ++d.payload_events;
      if (!d.payloads.empty()) {
        d.payloads.back().append(reinterpret_cast<const char*>(ev.payload.data()),
                                 ev.payload.size());
      }
    }
  }
  return d;
}

TEST_F(Lab2Decoder, DecodesAndUnmasksAClientFrame) {
  const std::string in = unhex("81 85 37 fa 21 3d 7f 9f 4d 51 58");
  const Decoded d = decode(in, Role::kServer);
  ASSERT_TRUE(d.errors.empty()) << "fed: " << hex(in) << "\nexpected: no error";
  ASSERT_EQ(d.headers.size(), 1u) << "fed: " << hex(in) << "\nexpected: one frame";
  EXPECT_TRUE(d.headers[0].fin);
  EXPECT_EQ(d.headers[0].opcode, 0x1);
  EXPECT_TRUE(d.headers[0].masked);
  EXPECT_EQ(d.headers[0].payload_length, 5u);
  EXPECT_EQ(d.payloads[0], "Hello")
      << "fed: " << hex(in) << "\nexpected payload: \"Hello\" (unmasked)";
}

// TCP delivers bytes, not frames: any split must give the same result.
TEST_F(Lab2Decoder, InputSplitAtEveryByteGivesTheSameFrames) {
  const std::string in = labtest::client_frame(0x2, std::string(300, 'q')) +
                         labtest::client_frame(0x1, "second") + labtest::client_frame(0x9, "");
  for (std::size_t chunk : {1u, 2u, 3u, 5u, 13u, 64u}) {
    const Decoded d = decode(in, Role::kServer, chunk);
    ASSERT_TRUE(d.errors.empty()) << "chunks of " << chunk << " bytes: unexpected error";
    ASSERT_EQ(d.headers.size(), 3u) << "fed 3 frames in chunks of " << chunk << " bytes";
    EXPECT_EQ(d.payloads[0], std::string(300, 'q')) << "chunks of " << chunk;
    EXPECT_EQ(d.payloads[1], "second") << "chunks of " << chunk;
    EXPECT_EQ(d.payloads[2], "") << "chunks of " << chunk;
  }
}

TEST_F(Lab2Decoder, DecodesTheThreeLengthForms) {
  for (std::size_t n : {0u, 125u, 126u, 65535u, 65536u}) {
    const std::string in = labtest::client_frame(0x2, std::string(n, 'k'));
    const Decoded d = decode(in, Role::kServer);
    ASSERT_EQ(d.headers.size(), 1u) << "a " << n << "-byte frame";
    EXPECT_EQ(d.headers[0].payload_length, n);
    EXPECT_EQ(d.payloads[0].size(), n) << "payload bytes delivered for a " << n << "-byte frame";
  }
  labtest::RawFrame f;
  f.opcode = 0x1;
  f.masked = true;
  f.payload = "a";
  f.length_form = 64;
  const Decoded d = decode(labtest::frame_bytes(f), Role::kServer);
  ASSERT_EQ(d.headers.size(), 1u) << "a non-minimal 64-bit length is accepted by default";
  EXPECT_EQ(d.headers[0].header_length, 14) << "2 + 8 + 4";
}

TEST_F(Lab2Decoder, EmptyPayloadYieldsExactlyOneEmptyPayloadEvent) {
  const Decoded d = decode(labtest::client_frame(0x1, ""), Role::kServer);
  EXPECT_EQ(d.headers.size(), 1u);
  EXPECT_EQ(d.payload_events, 1)
      << "fed: an empty text frame\nexpected: one kPayload (frame_complete)";
}

// §5.1: a server MUST close the connection upon receiving an unmasked frame; a
// client MUST close it on a masked one.
TEST_F(Lab2Decoder, MaskBitMustMatchTheRole) {
  const std::string unmasked = labtest::server_frame(0x1, "hi");
  EXPECT_EQ(decode(unmasked, Role::kServer).errors,
            std::vector<FrameError>{FrameError::kUnmaskedFromClient})
      << "fed to a SERVER decoder: " << hex(unmasked) << "\nexpected: kUnmaskedFromClient";
  const std::string masked = labtest::client_frame(0x1, "hi");
  EXPECT_EQ(decode(masked, Role::kClient).errors,
            std::vector<FrameError>{FrameError::kMaskedFromServer})
      << "fed to a CLIENT decoder: " << hex(masked) << "\nexpected: kMaskedFromServer";
  const Decoded ok = decode(unmasked, Role::kClient);
  EXPECT_TRUE(ok.errors.empty()) << "an unmasked frame is right for a client decoder";
}

TEST_F(Lab2Decoder, RsvBitsWithoutAnExtensionAreAnError) {
  for (std::uint8_t rsv : {std::uint8_t{0x40}, std::uint8_t{0x20}, std::uint8_t{0x10}}) {
    labtest::RawFrame f;
    f.masked = true;
    f.rsv = rsv;
    f.payload = "x";
    const std::string in = labtest::frame_bytes(f);
    EXPECT_EQ(decode(in, Role::kServer).errors, std::vector<FrameError>{FrameError::kReservedBits})
        << "fed: " << hex(in) << "\nexpected: kReservedBits (§5.2)";
  }
}

TEST_F(Lab2Decoder, ReservedOpcodesAreAnError) {
  for (int raw_op : {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
    const auto op = static_cast<std::uint8_t>(raw_op);
    const std::string in = labtest::client_frame(op, "");
    EXPECT_EQ(decode(in, Role::kServer).errors,
              std::vector<FrameError>{FrameError::kReservedOpcode})
        << "fed: " << hex(in) << " (opcode " << int{op} << ")\nexpected: kReservedOpcode (§5.2)";
  }
}

// §5.5: control frames MUST NOT be fragmented and have at most 125 bytes.
TEST_F(Lab2Decoder, ControlFramesMustBeFinalAndShort) {
  const std::string fragmented = labtest::client_frame(0x9, "x", false);
  EXPECT_EQ(decode(fragmented, Role::kServer).errors,
            std::vector<FrameError>{FrameError::kFragmentedControl})
      << "fed: " << hex(fragmented) << " (ping, FIN=0)\nexpected: kFragmentedControl";
  const std::string long_ping = labtest::client_frame(0x9, std::string(126, 'p'));
  EXPECT_EQ(decode(long_ping, Role::kServer).errors,
            std::vector<FrameError>{FrameError::kControlTooLong})
      << "fed: a 126-byte ping\nexpected: kControlTooLong";
  const Decoded ok = decode(labtest::client_frame(0x9, std::string(125, 'p')), Role::kServer);
  EXPECT_TRUE(ok.errors.empty()) << "a 125-byte ping is allowed";
}

// Decide at once what the first two bytes can tell: a server must not wait for more.
TEST_F(Lab2Decoder, HeaderErrorsAreReportedFromTheFirstTwoBytes) {
  std::string two = unhex("83 80");  // reserved opcode 3, masked, length 0 -- key not sent yet
  std::span<std::uint8_t> in = bytes_of(two);
  FrameDecoder dec(Role::kServer);
  const FrameDecoder::Event ev = dec.next(in);
  EXPECT_EQ(ev.kind, FrameDecoder::Kind::kError)
      << "fed: 83 80 (only 2 of the 6 header bytes)\nexpected: kError at once (reserved opcode)";
}

// §5.2: the most significant bit of the 64-bit length MUST be 0.
TEST_F(Lab2Decoder, LengthWithTheTopBitSetIsAnError) {
  const std::string in = unhex("82 ff 80 00 00 00 00 00 00 00 37 fa 21 3d");
  EXPECT_EQ(decode(in, Role::kServer).errors, std::vector<FrameError>{FrameError::kLengthMsbSet})
      << "fed: " << hex(in) << "\nexpected: kLengthMsbSet";
}

TEST_F(Lab2Decoder, FrameOverTheLimitIsTooBig) {
  DecoderLimits limits;
  limits.max_frame_payload = 1000;
  const std::string header = unhex("82 fe 03 e9 37 fa 21 3d");  // 1001 bytes announced
  EXPECT_EQ(decode(header, Role::kServer, 0, limits).errors,
            std::vector<FrameError>{FrameError::kFrameTooBig})
      << "fed: a header announcing 1001 bytes, limit 1000\nexpected: kFrameTooBig, from the header "
         "alone";
}

TEST_F(Lab2Decoder, NonMinimalLengthIsAnErrorOnlyWhenRequired) {
  labtest::RawFrame f;
  f.masked = true;
  f.payload = "a";
  f.length_form = 16;
  DecoderLimits strict;
  strict.require_minimal_length = true;
  EXPECT_EQ(decode(labtest::frame_bytes(f), Role::kServer, 0, strict).errors,
            std::vector<FrameError>{FrameError::kNonMinimalLength})
      << "fed: length 1 in the 16-bit form, require_minimal_length\nexpected: kNonMinimalLength";
}

TEST_F(Lab2Decoder, ErrorIsStickyUntilReset) {
  std::string bad = unhex("83 80 00 00 00 00");
  std::string good = labtest::client_frame(0x1, "ok");
  FrameDecoder dec(Role::kServer);
  std::span<std::uint8_t> in = bytes_of(bad);
  ASSERT_EQ(dec.next(in).kind, FrameDecoder::Kind::kError);
  std::span<std::uint8_t> in2 = bytes_of(good);
  EXPECT_EQ(dec.next(in2).kind, FrameDecoder::Kind::kError)
      << "after kError, the decoder stays in error";
  dec.reset();
  std::string good2 = labtest::client_frame(0x1, "ok");
  std::span<std::uint8_t> in3 = bytes_of(good2);
  EXPECT_EQ(dec.next(in3).kind, FrameDecoder::Kind::kHeader)
      << "after reset(), frames decode again";
}

TEST_F(Lab2Decoder, ErrorsMapToCloseCodes) {
  EXPECT_EQ(close_code_for(FrameError::kFrameTooBig), 1009);
  for (FrameError e :
       {FrameError::kReservedBits, FrameError::kReservedOpcode, FrameError::kFragmentedControl,
        FrameError::kControlTooLong, FrameError::kUnmaskedFromClient, FrameError::kMaskedFromServer,
        FrameError::kLengthMsbSet, FrameError::kNonMinimalLength}) {
    EXPECT_EQ(close_code_for(e), 1002) << "error #" << static_cast<int>(e);
    EXPECT_NE(describe(e).find("§"), std::string_view::npos)
        << "describe() names the RFC section; got \"" << describe(e) << "\"";
  }
}

}  // namespace
}  // namespace wslab
