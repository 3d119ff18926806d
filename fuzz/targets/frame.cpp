// Fuzz target: the frame decoder (RFC 6455 §5.2-§5.5) fed a byte stream cut at
// fuzzer-chosen points.
// Input: byte 0 = chop count | flags << 4 (bit 0: client role, bit 1: require
// minimal lengths, bits 2-3: frame size limit), the chop sizes, then the stream.
// Invariants:
//  - the same frames, payloads and error whether the stream comes whole or chopped;
//  - every header the decoder lets through obeys §5.2/§5.5 for its role and limits;
//  - payload chunks add up to the announced length, never past it;
//  - every complete frame, rebuilt with FrameBuilder from the decoded fields, is
//    byte-for-byte the input (decoder and builder agree on the wire format);
//  - apply_mask (word at a time) equals the byte loop at any offset;
//  - an empty read between pieces (a null span) changes nothing.
#include "wslab/frame.hpp"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "fuzz_support.hpp"

namespace {

using namespace wslab;
using wslab::fuzz::printable;

struct FrameRecord {
  FrameHeader header;
  std::string payload;  // unmasked
  bool complete = false;
  std::size_t start = 0;  // offset of the frame's first byte in the stream
};

struct Trace {
  std::vector<FrameRecord> frames;
  FrameError error = FrameError::kNone;
};

DecoderLimits limits_for(std::uint8_t flags) {
  DecoderLimits l;
  l.require_minimal_length = (flags & 2) != 0;
  static constexpr std::uint64_t kLimits[] = {64ull << 20, 125, 1000, 65535};
  l.max_frame_payload = kLimits[(flags >> 2) & 3];
  return l;
}

bool same_header(const FrameHeader& a, const FrameHeader& b) {
  return a.fin == b.fin && a.rsv1 == b.rsv1 && a.rsv2 == b.rsv2 && a.rsv3 == b.rsv3 &&
         a.opcode == b.opcode && a.masked == b.masked && a.mask == b.mask &&
         a.payload_length == b.payload_length && a.header_length == b.header_length;
}

void check_header(const FrameHeader& h, Role role, const DecoderLimits& limits) {
  WSLAB_FUZZ_CHECK(h.header_length >= 2 && h.header_length <= kMaxHeaderBytes,
                   "header length " + std::to_string(h.header_length));
  const std::size_t ext = h.header_length - (h.masked ? 4u : 0u);
  WSLAB_FUZZ_CHECK(ext == 2 || ext == 4 || ext == 10, "impossible length form");
  if (ext == 2) WSLAB_FUZZ_CHECK(h.payload_length <= 125, "7-bit form over 125");
  if (ext == 4) WSLAB_FUZZ_CHECK(h.payload_length <= 0xFFFF, "16-bit form over 65535");
  WSLAB_FUZZ_CHECK((h.payload_length >> 63) == 0, "64-bit length with the MSB set (§5.2)");
  if (limits.require_minimal_length) {
    if (ext == 4) WSLAB_FUZZ_CHECK(h.payload_length > 125, "non-minimal 16-bit length let through");
    if (ext == 10)
      WSLAB_FUZZ_CHECK(h.payload_length > 0xFFFF, "non-minimal 64-bit length let through");
  }
  WSLAB_FUZZ_CHECK(!h.rsv1 && !h.rsv2 && !h.rsv3, "RSV bit let through (§5.2)");
  WSLAB_FUZZ_CHECK(is_defined_opcode(h.opcode), "reserved opcode let through (§5.2)");
  if (is_control_opcode(h.opcode)) {
    WSLAB_FUZZ_CHECK(h.fin, "fragmented control frame let through (§5.5)");
    WSLAB_FUZZ_CHECK(h.payload_length <= kMaxControlPayload, "control frame over 125 (§5.5)");
  }
  WSLAB_FUZZ_CHECK(h.masked == (role == Role::kServer), "wrong masking for the role (§5.1)");
  WSLAB_FUZZ_CHECK(h.payload_length <= limits.max_frame_payload,
                   "frame over the limit let through");
}

// Feeds `pieces` to a fresh decoder; records frames and checks every event.
Trace decode(const std::vector<std::string_view>& pieces, Role role, const DecoderLimits& limits) {
  Trace t;
  FrameDecoder decoder(role, limits);
  std::size_t offset = 0;  // bytes consumed so far
  std::uint64_t seen = 0;  // payload bytes of the current frame
  bool in_frame = false;
  for (std::string_view piece : pieces) {
    std::vector<std::uint8_t> buf(piece.begin(), piece.end());
    std::span<std::uint8_t> in(buf);
    for (;;) {
      const std::size_t before = in.size();
      const FrameDecoder::Event ev = decoder.next(in);
      WSLAB_FUZZ_CHECK(in.size() <= before, "the decoder grew its input");
      offset += before - in.size();
      if (ev.kind == FrameDecoder::Kind::kNeedMore) {
        WSLAB_FUZZ_CHECK(in.empty(), "need-more with input left");
        // An empty read (a default span: data() is null) must be harmless anywhere,
        // even in the middle of a header.
        std::span<std::uint8_t> none;
        const FrameDecoder::Event idle = decoder.next(none);
        WSLAB_FUZZ_CHECK(idle.kind == FrameDecoder::Kind::kNeedMore,
                         "an empty read produced an event");
        break;
      }
      if (ev.kind == FrameDecoder::Kind::kError) {
        WSLAB_FUZZ_CHECK(ev.error != FrameError::kNone, "an error event without an error");
        WSLAB_FUZZ_CHECK(close_code_for(ev.error) == 1002 || close_code_for(ev.error) == 1009,
                         "frame error mapped to an unexpected close code");
        t.error = ev.error;
        std::span<std::uint8_t> more(buf);
        const FrameDecoder::Event again = decoder.next(more);
        WSLAB_FUZZ_CHECK(again.kind == FrameDecoder::Kind::kError && again.error == ev.error,
                         "the decoder left the error state by itself");
        return t;
      }
      if (ev.kind == FrameDecoder::Kind::kHeader) {
        WSLAB_FUZZ_CHECK(!in_frame, "a header while a payload was still expected");
        check_header(ev.header, role, limits);
        FrameRecord r;
        r.header = ev.header;
        r.start = offset - ev.header.header_length;
        t.frames.push_back(r);
        in_frame = true;
        seen = 0;
        continue;
      }
      // kPayload
      WSLAB_FUZZ_CHECK(in_frame && !t.frames.empty(), "payload without a header");
      FrameRecord& r = t.frames.back();
      WSLAB_FUZZ_CHECK(same_header(ev.header, r.header), "payload event with a different header");
      seen += ev.payload.size();
      WSLAB_FUZZ_CHECK(seen <= r.header.payload_length, "payload past the announced length");
      WSLAB_FUZZ_CHECK(ev.frame_complete == (seen == r.header.payload_length),
                       "frame_complete disagrees with the byte count");
      WSLAB_FUZZ_CHECK(!ev.payload.empty() || r.header.payload_length == 0 || ev.frame_complete,
                       "an empty payload event in a non-empty frame");
      r.payload.append(reinterpret_cast<const char*>(ev.payload.data()), ev.payload.size());
      if (ev.frame_complete) {
        r.complete = true;
        in_frame = false;
      }
    }
  }
  return t;
}

LengthForm form_of(const FrameHeader& h) {
  switch (h.header_length - (h.masked ? 4 : 0)) {
    case 4:
      return LengthForm::k16;
    case 10:
      return LengthForm::k64;
    default:
      return LengthForm::k7;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = wslab::fuzz::ChoppedInput::parse(data, size);
  const Role role = (in.flags & 1) ? Role::kClient : Role::kServer;
  const DecoderLimits limits = limits_for(in.flags);

  std::vector<std::string_view> whole;
  if (!in.stream.empty()) whole.push_back(in.stream);
  const Trace a = decode(whole, role, limits);
  const Trace b = decode(in.pieces(), role, limits);

  WSLAB_FUZZ_CHECK(a.error == b.error,
                   "whole and chopped streams end differently: " + std::string(describe(a.error)) +
                       " vs " + std::string(describe(b.error)));
  WSLAB_FUZZ_CHECK(a.frames.size() == b.frames.size(),
                   "whole: " + std::to_string(a.frames.size()) +
                       " frames, chopped: " + std::to_string(b.frames.size()));
  for (std::size_t i = 0; i < a.frames.size(); ++i) {
    const FrameRecord& fa = a.frames[i];
    const FrameRecord& fb = b.frames[i];
    WSLAB_FUZZ_CHECK(same_header(fa.header, fb.header) && fa.payload == fb.payload &&
                         fa.complete == fb.complete && fa.start == fb.start,
                     "frame " + std::to_string(i) + " differs between whole and chopped input");
    if (!fa.complete) continue;
    // The builder, given the decoded fields, writes exactly the bytes we read.
    FrameBuilder builder;
    builder.fin(fa.header.fin)
        .opcode(fa.header.opcode)
        .length_form(form_of(fa.header))
        .payload(fa.payload);
    if (fa.header.masked) builder.mask(fa.header.mask);
    const std::string rebuilt = builder.build();
    const std::string_view original =
        in.stream.substr(fa.start, fa.header.header_length + fa.header.payload_length);
    WSLAB_FUZZ_CHECK(rebuilt == original, "FrameBuilder does not reproduce frame " +
                                              std::to_string(i) + ": " + printable(original) +
                                              " vs " + printable(rebuilt));
  }

  // apply_mask (word at a time) against the byte loop, at an input-chosen offset.
  if (size >= 5) {
    const MaskKey key{data[0], data[1], data[2], data[3]};
    const std::uint64_t offset = data[4] % 7;
    std::vector<std::uint8_t> fast(data + 5, data + size);
    std::vector<std::uint8_t> slow = fast;
    apply_mask(fast.data(), fast.size(), key, offset);
    apply_mask_bytewise(slow.data(), slow.size(), key, offset);
    WSLAB_FUZZ_CHECK(fast == slow, "apply_mask differs from apply_mask_bytewise");
  }
  return 0;
}
