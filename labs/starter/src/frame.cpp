// Lab 2, steps 1-4: the base framing protocol (RFC 6455 §5.2-§5.5): masking,
// encoding, the builder and the incremental decoder.
// Handout: labs/02-framing/README.md. Contract: wslab/frame.hpp.
#include "wslab/frame.hpp"

#include "wslab/crypto.hpp"
#include "wslab/todo.hpp"

namespace wslab {
namespace {
constexpr std::string_view kStep1 = "labs/02-framing/README.md step 1";
constexpr std::string_view kStep2 = "labs/02-framing/README.md step 2";
constexpr std::string_view kStep3 = "labs/02-framing/README.md step 3";
constexpr std::string_view kStep4 = "labs/02-framing/README.md step 4";
}  // namespace

// ---- step 1 --------------------------------------------------------------

std::string_view opcode_name([[maybe_unused]] std::uint8_t op) {
  // TODO(lab 2, step 1)
  todo::note("opcode_name", kStep1);
  return "not-implemented";
}

void apply_mask([[maybe_unused]] std::uint8_t* data, [[maybe_unused]] std::size_t n,
                [[maybe_unused]] MaskKey mask, [[maybe_unused]] std::uint64_t offset) {
  // TODO(lab 2, step 1): byte i of the payload ^= mask[(offset + i) % 4].
  todo::note("apply_mask", kStep1);
}

void apply_mask_bytewise([[maybe_unused]] std::uint8_t* data, [[maybe_unused]] std::size_t n,
                         [[maybe_unused]] MaskKey mask, [[maybe_unused]] std::uint64_t offset) {
  // TODO(lab 2, step 1)
  todo::note("apply_mask_bytewise", kStep1);
}

// ---- step 2 --------------------------------------------------------------

std::size_t encode_header([[maybe_unused]] const FrameHeader& h,
                          [[maybe_unused]] std::uint8_t* out) {
  // TODO(lab 2, step 2): byte 0 = FIN|RSV1|RSV2|RSV3|opcode; byte 1 = MASK|len7;
  // then the 16- or 64-bit length, big-endian; then the mask key.
  todo::note("encode_header", kStep2);
  return 0;
}

std::string encode_frame([[maybe_unused]] Opcode op, [[maybe_unused]] std::string_view payload,
                         [[maybe_unused]] bool fin, [[maybe_unused]] const MaskKey* mask) {
  // TODO(lab 2, step 2)
  todo::note("encode_frame", kStep2);
  return {};
}

void append_frame([[maybe_unused]] std::string& out, [[maybe_unused]] Opcode op,
                  [[maybe_unused]] std::string_view payload, [[maybe_unused]] bool fin,
                  [[maybe_unused]] const MaskKey* mask) {
  // TODO(lab 2, step 2)
  todo::note("append_frame", kStep2);
}

// ---- step 3 --------------------------------------------------------------

FrameBuilder& FrameBuilder::random_mask() {
  // TODO(lab 2, step 3): a key from random_bytes(), then mask(key).
  todo::note("FrameBuilder::random_mask", kStep3);
  return *this;
}

std::string FrameBuilder::build_header() const {
  // TODO(lab 2, step 3): like encode_header, but honour form_ and declared_.
  todo::note("FrameBuilder::build_header", kStep3);
  return {};
}

std::string FrameBuilder::build() const {
  // TODO(lab 2, step 3): build_header() + the payload, masked unless skip_masking_.
  todo::note("FrameBuilder::build", kStep3);
  return {};
}

// ---- step 4 --------------------------------------------------------------

std::uint16_t close_code_for([[maybe_unused]] FrameError e) {
  // TODO(lab 2, step 4)
  todo::note("close_code_for(FrameError)", kStep4);
  return 0;
}

std::string_view describe([[maybe_unused]] FrameError e) {
  // TODO(lab 2, step 4)
  todo::note("describe(FrameError)", kStep4);
  return "not implemented";
}

FrameDecoder::FrameDecoder(Role local_role, DecoderLimits limits)
    : role_(local_role), limits_(limits) {}

void FrameDecoder::reset() {
  // TODO(lab 2, step 4): back to "expecting a header", no error.
  todo::note("FrameDecoder::reset", kStep4);
}

FrameDecoder::Event FrameDecoder::next([[maybe_unused]] std::span<std::uint8_t>& in) {
  // TODO(lab 2, step 4). Until then every call reports an error, so a loop
  // "while (next(in).kind != kNeedMore)" ends at once instead of spinning.
  todo::note("FrameDecoder::next", kStep4);
  Event ev;
  ev.kind = Kind::kError;
  ev.error = FrameError::kReservedBits;
  return ev;
}

}  // namespace wslab
