// Base framing protocol (RFC 6455 §5.2-§5.5): masking, encoding, decoding.
#include "wslab/frame.hpp"

#include <algorithm>
#include <cstring>

#include "wslab/crypto.hpp"

namespace wslab {

std::string_view opcode_name(std::uint8_t op) {
  switch (op) {
    case 0x0:
      return "continuation";
    case 0x1:
      return "text";
    case 0x2:
      return "binary";
    case 0x8:
      return "close";
    case 0x9:
      return "ping";
    case 0xA:
      return "pong";
    default:
      return is_control_opcode(op) ? "reserved-control" : "reserved-data";
  }
}

// §5.3: octet i of the payload is XORed with octet (i mod 4) of the key. We
// rotate the key to the starting offset, repeat it into a 64-bit word and XOR
// 8 bytes per step; memcpy keeps this free of alignment and aliasing UB and
// compiles to plain loads and stores.
void apply_mask(std::uint8_t* data, std::size_t n, MaskKey mask, std::uint64_t offset) {
  std::uint8_t rotated[8];
  for (std::size_t i = 0; i < 8; ++i) rotated[i] = mask[(offset + i) & 3];
  std::uint64_t word;
  std::memcpy(&word, rotated, sizeof(word));
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    std::uint64_t block[4];
    std::memcpy(block, data + i, sizeof(block));
    block[0] ^= word;
    block[1] ^= word;
    block[2] ^= word;
    block[3] ^= word;
    std::memcpy(data + i, block, sizeof(block));
  }
  for (; i + 8 <= n; i += 8) {
    std::uint64_t v;
    std::memcpy(&v, data + i, sizeof(v));
    v ^= word;
    std::memcpy(data + i, &v, sizeof(v));
  }
  for (; i < n; ++i) data[i] ^= rotated[i & 7];
}

void apply_mask_bytewise(std::uint8_t* data, std::size_t n, MaskKey mask, std::uint64_t offset) {
  for (std::size_t i = 0; i < n; ++i) data[i] ^= mask[(offset + i) & 3];
}

namespace {

std::uint8_t first_byte(const FrameHeader& h) {
  return static_cast<std::uint8_t>((h.fin ? 0x80 : 0) | (h.rsv1 ? 0x40 : 0) | (h.rsv2 ? 0x20 : 0) |
                                   (h.rsv3 ? 0x10 : 0) | (h.opcode & 0x0F));
}

// Length field in the given form; returns the bytes written after byte 0.
std::size_t write_length(std::uint8_t* out, bool masked, std::uint64_t len, LengthForm form) {
  if (form == LengthForm::kMinimal) {
    form = len <= 125 ? LengthForm::k7 : (len <= 0xFFFF ? LengthForm::k16 : LengthForm::k64);
  }
  const auto mask_bit = static_cast<std::uint8_t>(masked ? 0x80 : 0);
  switch (form) {
    case LengthForm::k16:
      out[0] = static_cast<std::uint8_t>(mask_bit | 126);
      out[1] = static_cast<std::uint8_t>(len >> 8);
      out[2] = static_cast<std::uint8_t>(len);
      return 3;
    case LengthForm::k64:
      out[0] = static_cast<std::uint8_t>(mask_bit | 127);
      for (std::size_t i = 0; i < 8; ++i)
        out[1 + i] = static_cast<std::uint8_t>(len >> (56 - 8 * i));
      return 9;
    default:
      out[0] = static_cast<std::uint8_t>(mask_bit | (len & 0x7F));
      return 1;
  }
}

std::size_t write_header(const FrameHeader& h, std::uint64_t len, LengthForm form,
                         std::uint8_t* out) {
  out[0] = first_byte(h);
  std::size_t n = 1 + write_length(out + 1, h.masked, len, form);
  if (h.masked) {
    std::memcpy(out + n, h.mask.data(), 4);
    n += 4;
  }
  return n;
}

}  // namespace

std::size_t encode_header(const FrameHeader& h, std::uint8_t* out) {
  return write_header(h, h.payload_length, LengthForm::kMinimal, out);
}

void append_frame(std::string& out, Opcode op, std::string_view payload, bool fin,
                  const MaskKey* mask) {
  FrameHeader h;
  h.fin = fin;
  h.opcode = static_cast<std::uint8_t>(op);
  h.payload_length = payload.size();
  if (mask != nullptr) {
    h.masked = true;
    h.mask = *mask;
  }
  std::uint8_t header[kMaxHeaderBytes];
  const auto hlen = encode_header(h, header);
  const auto start = out.size();
  out.resize(start + hlen + payload.size());
  auto* dst = reinterpret_cast<std::uint8_t*>(out.data()) + start;
  std::memcpy(dst, header, hlen);
  if (!payload.empty()) std::memcpy(dst + hlen, payload.data(), payload.size());
  if (mask != nullptr) apply_mask(dst + hlen, payload.size(), *mask);
}

std::string encode_frame(Opcode op, std::string_view payload, bool fin, const MaskKey* mask) {
  std::string out;
  out.reserve(kMaxHeaderBytes + payload.size());
  append_frame(out, op, payload, fin, mask);
  return out;
}

FrameBuilder& FrameBuilder::random_mask() {
  MaskKey key;
  random_bytes(key.data(), key.size());
  return mask(key);
}

std::string FrameBuilder::build_header() const {
  std::uint8_t header[kMaxHeaderBytes];
  const auto n = write_header(h_, has_declared_ ? declared_ : payload_.size(), form_, header);
  return std::string(reinterpret_cast<const char*>(header), n);
}

std::string FrameBuilder::build() const {
  std::string out = build_header();
  const auto start = out.size();
  out += payload_;
  if (h_.masked && !skip_masking_) {
    apply_mask(reinterpret_cast<std::uint8_t*>(out.data()) + start, payload_.size(), h_.mask);
  }
  return out;
}

std::uint16_t close_code_for(FrameError e) {
  switch (e) {
    case FrameError::kNone:
      return 0;
    case FrameError::kFrameTooBig:
      return 1009;
    default:
      return 1002;
  }
}

std::string_view describe(FrameError e) {
  switch (e) {
    case FrameError::kNone:
      return "no error";
    case FrameError::kReservedBits:
      return "RSV1-3 set but no extension was negotiated (RFC 6455 §5.2)";
    case FrameError::kReservedOpcode:
      return "reserved opcode (RFC 6455 §5.2)";
    case FrameError::kFragmentedControl:
      return "control frame with FIN=0: control frames must not be fragmented (RFC 6455 §5.5)";
    case FrameError::kControlTooLong:
      return "control frame payload over 125 bytes (RFC 6455 §5.5)";
    case FrameError::kUnmaskedFromClient:
      return "unmasked frame from a client: clients must mask every frame (RFC 6455 §5.1)";
    case FrameError::kMaskedFromServer:
      return "masked frame from a server: servers must not mask (RFC 6455 §5.1)";
    case FrameError::kLengthMsbSet:
      return "64-bit payload length with the most significant bit set (RFC 6455 §5.2)";
    case FrameError::kNonMinimalLength:
      return "payload length not in its minimal form (RFC 6455 §5.2)";
    case FrameError::kFrameTooBig:
      return "frame payload larger than this endpoint accepts (RFC 6455 §7.4.1, 1009)";
  }
  return "unknown frame error";
}

FrameDecoder::FrameDecoder(Role local_role, DecoderLimits limits)
    : role_(local_role), limits_(limits) {}

void FrameDecoder::reset() {
  stage_ = Stage::kHeader;
  hlen_ = 0;
  cur_ = FrameHeader{};
  payload_done_ = 0;
  error_ = FrameError::kNone;
}

FrameDecoder::Event FrameDecoder::fail(FrameError e) {
  stage_ = Stage::kError;
  error_ = e;
  Event ev;
  ev.kind = Kind::kError;
  ev.error = e;
  return ev;
}

bool FrameDecoder::take_header_bytes(std::span<std::uint8_t>& in, std::size_t want) {
  if (hlen_ < want) {
    const auto n = std::min(want - hlen_, in.size());
    if (n == 0) return false;  // an empty read: memcpy must not see its null pointer
    std::memcpy(hbuf_.data() + hlen_, in.data(), n);
    hlen_ += n;
    in = in.subspan(n);
  }
  return hlen_ >= want;
}

namespace {

std::size_t header_size(std::uint8_t b1) {
  const std::uint8_t len7 = b1 & 0x7F;
  return 2 + (len7 == 126 ? 2 : (len7 == 127 ? 8 : 0)) + ((b1 & 0x80) != 0 ? 4 : 0);
}

// Everything decidable from the first byte alone: RSV bits, the opcode, FIN on a control frame.
FrameError first_byte_error(std::uint8_t b0) {
  const auto op = static_cast<std::uint8_t>(b0 & 0x0F);
  if ((b0 & 0x70) != 0) return FrameError::kReservedBits;
  if (!is_defined_opcode(op)) return FrameError::kReservedOpcode;
  if (is_control_opcode(op) && (b0 & 0x80) == 0) return FrameError::kFragmentedControl;
  return FrameError::kNone;
}

}  // namespace

// Everything decidable from the first two bytes, checked before the rest of the
// header arrives so a bad frame fails at once.
FrameError FrameDecoder::check_first_bytes(std::uint8_t b0, std::uint8_t b1) const {
  if (const auto e = first_byte_error(b0); e != FrameError::kNone) return e;
  if (is_control_opcode(static_cast<std::uint8_t>(b0 & 0x0F)) && (b1 & 0x7F) > kMaxControlPayload) {
    return FrameError::kControlTooLong;
  }
  const bool masked = (b1 & 0x80) != 0;
  if (role_ == Role::kServer && !masked) return FrameError::kUnmaskedFromClient;
  if (role_ == Role::kClient && masked) return FrameError::kMaskedFromServer;
  return FrameError::kNone;
}

// Decodes a complete header of `size` bytes at `p` (first two bytes already checked).
FrameDecoder::Event FrameDecoder::finish_header(const std::uint8_t* p, std::size_t size) {
  // Every path returns `ev` itself, so it is built in the caller's slot (NRVO)
  // instead of being copied out with wide loads of freshly stored bytes.
  Event ev;
  const std::uint8_t len7 = p[1] & 0x7F;
  std::uint64_t len = len7;
  std::size_t ext = 0;
  FrameError error = FrameError::kNone;
  if (len7 == 126) {
    ext = 2;
    len = (std::uint64_t{p[2]} << 8) | p[3];
    if (limits_.require_minimal_length && len <= 125) error = FrameError::kNonMinimalLength;
  } else if (len7 == 127) {
    ext = 8;
    len = 0;
    for (std::size_t i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
    if ((len >> 63) != 0) {
      error = FrameError::kLengthMsbSet;
    } else if (limits_.require_minimal_length && len <= 0xFFFF) {
      error = FrameError::kNonMinimalLength;
    }
  }
  if (error == FrameError::kNone && len > limits_.max_frame_payload)
    error = FrameError::kFrameTooBig;
  if (error != FrameError::kNone) {
    stage_ = Stage::kError;
    error_ = error;
    ev.kind = Kind::kError;
    ev.error = error;
    return ev;
  }
  MaskKey mask{};
  const bool masked = (p[1] & 0x80) != 0;
  if (masked) std::memcpy(mask.data(), p + 2 + ext, 4);
  // Field by field into both copies: copying a just-built FrameHeader as a whole
  // reads it back with wide loads that cannot be forwarded from the narrow
  // stores (a store-forwarding stall that cost a third of the time per frame).
  auto fill = [&](FrameHeader& h) {
    h.fin = (p[0] & 0x80) != 0;
    h.rsv1 = (p[0] & 0x40) != 0;
    h.rsv2 = (p[0] & 0x20) != 0;
    h.rsv3 = (p[0] & 0x10) != 0;
    h.opcode = p[0] & 0x0F;
    h.masked = masked;
    h.mask = mask;
    h.payload_length = len;
    h.header_length = static_cast<std::uint8_t>(size);
  };
  fill(cur_);
  hlen_ = 0;
  payload_done_ = 0;
  stage_ = Stage::kPayload;
  ev.kind = Kind::kHeader;
  fill(ev.header);
  return ev;
}

// Each function below returns one named Event on every path, or a prvalue, so
// events are built in the caller's slot and never copied.
FrameDecoder::Event FrameDecoder::next(std::span<std::uint8_t>& in) {
  if (stage_ == Stage::kHeader) return next_header(in);
  if (stage_ == Stage::kPayload) return next_payload(in);
  Event ev;
  ev.kind = Kind::kError;
  ev.error = error_;
  return ev;
}

FrameDecoder::Event FrameDecoder::next_header(std::span<std::uint8_t>& in) {
  // Fast path: the whole header is in the input; read it in place.
  if (hlen_ == 0 && in.size() >= 2) {
    const std::size_t size = header_size(in[1]);
    if (in.size() >= size) {
      if (const auto e = check_first_bytes(in[0], in[1]); e != FrameError::kNone) return fail(e);
      const std::uint8_t* p = in.data();
      in = in.subspan(size);
      return finish_header(p, size);
    }
  }
  // Slow path: the header is split across calls; collect it in hbuf_.
  if (hlen_ < 2) {
    const bool two = take_header_bytes(in, 2);
    // A bad first byte fails at once, without waiting for the second (fail fast, like
    // libwebsockets: a peer that sends one bad byte and waits gets its Close now).
    if (hlen_ >= 1) {
      if (const auto e = first_byte_error(hbuf_[0]); e != FrameError::kNone) return fail(e);
    }
    if (!two) return Event{};
    if (const auto e = check_first_bytes(hbuf_[0], hbuf_[1]); e != FrameError::kNone)
      return fail(e);
  }
  const std::size_t size = header_size(hbuf_[1]);
  if (!take_header_bytes(in, size)) return Event{};
  return finish_header(hbuf_.data(), size);
}

FrameDecoder::Event FrameDecoder::next_payload(std::span<std::uint8_t>& in) {
  Event ev;
  const std::uint64_t remaining = cur_.payload_length - payload_done_;
  if (remaining > 0 && in.empty()) return ev;  // kNeedMore
  const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, in.size()));
  if (cur_.masked && n > 0) apply_mask(in.data(), n, cur_.mask, payload_done_);
  ev.kind = Kind::kPayload;
  ev.header = cur_;
  ev.payload = in.first(n);
  in = in.subspan(n);
  payload_done_ += n;
  ev.frame_complete = payload_done_ == cur_.payload_length;
  if (ev.frame_complete) stage_ = Stage::kHeader;
  return ev;
}

}  // namespace wslab
