// STARTER (lab 2, steps 1-4): the base framing protocol (RFC 6455 §5.2-§5.5):
// the header bit by bit, the three length forms, masking, and the per-role
// rules. You write the bodies in labs/starter/src/frame.cpp; the handout is
// labs/02-framing/README.md. Three tools live here:
//  - FrameDecoder: incremental; accepts input split at ANY byte and many frames
//    per chunk, unmasks in place, validates every header rule.
//  - encode_frame / append_frame: the valid-frame encoder your Session uses.
//  - FrameBuilder: a low-level builder that can also build INVALID frames
//    (reserved opcodes, RSV bits, wrong masking, non-minimal or lying lengths).
//
//      0                   1                   2                   3
//      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//     +-+-+-+-+-------+-+-------------+-------------------------------+
//     |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
//     |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
//     |N|V|V|V|       |S|             |   (if payload len==126/127)   |
//     | |1|2|3|       |K|             |                               |
//     +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
//     |     Extended payload length continued, if payload len == 127  |
//     + - - - - - - - - - - - - - - - +-------------------------------+
//     |                               |Masking-key, if MASK set to 1  |
//     +-------------------------------+-------------------------------+
//     | Masking-key (continued)       |          Payload Data         |
//     +-------------------------------- - - - - - - - - - - - - - - - +
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace wslab {

enum class Opcode : std::uint8_t {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA,
};

enum class Role : std::uint8_t { kClient, kServer };

// Control opcodes have the high bit of the 4-bit opcode set (§5.5).
constexpr bool is_control_opcode(std::uint8_t op) {
  return (op & 0x8) != 0;
}
// 0, 1, 2, 8, 9, 10 are defined; 3-7 and 11-15 are reserved (§5.2).
constexpr bool is_defined_opcode(std::uint8_t op) {
  return op <= 2 || (op >= 8 && op <= 10);
}
// (step 1) "continuation", "text", "binary", "close", "ping", "pong"; for
// reserved values "reserved-control" (11-15) or "reserved-data" (3-7).
std::string_view opcode_name(std::uint8_t op);

using MaskKey = std::array<std::uint8_t, 4>;

struct FrameHeader {
  bool fin = true;
  bool rsv1 = false;
  bool rsv2 = false;
  bool rsv3 = false;
  std::uint8_t opcode = 0;  // raw 4 bits: may be a reserved value
  bool masked = false;
  MaskKey mask{};
  std::uint64_t payload_length = 0;
  std::uint8_t header_length = 0;  // 2..14, as decoded (non-minimal forms show here)
};

inline constexpr std::size_t kMaxHeaderBytes = 14;
inline constexpr std::size_t kMaxControlPayload = 125;

// (step 1) §5.3: XOR `data` with the mask, where data[0] is payload byte number
// `offset` (so a payload can be unmasked in pieces: byte i of the payload is
// XORed with mask[i % 4]). Masking twice gives the original back.
void apply_mask(std::uint8_t* data, std::size_t n, MaskKey mask, std::uint64_t offset = 0);
// (step 1) The same, one byte at a time (the obvious loop: a test oracle).
void apply_mask_bytewise(std::uint8_t* data, std::size_t n, MaskKey mask, std::uint64_t offset = 0);

// (step 2) Writes the MINIMAL header for h into out (needs kMaxHeaderBytes):
// length <= 125 in the 7 bits, <= 65535 as 126 + 16 bits, else 127 + 64 bits,
// all big-endian (network order, §5.2); then the 4 mask bytes when h.masked.
// Returns the header's length (2..14).
std::size_t encode_header(const FrameHeader& h, std::uint8_t* out);
// (step 2) A complete valid frame: header + payload. With mask == nullptr the
// frame is unmasked (server to client); with a key, MASK=1, the key follows
// the length and the payload is XORed with it (client to server, §5.3).
std::string encode_frame(Opcode op, std::string_view payload, bool fin = true,
                         const MaskKey* mask = nullptr);
// (step 2) Appends that frame to `out` instead (no copy of a large payload).
void append_frame(std::string& out, Opcode op, std::string_view payload, bool fin = true,
                  const MaskKey* mask = nullptr);

enum class LengthForm : std::uint8_t { kMinimal, k7, k16, k64 };

// (step 3) Low-level builder: every field is set explicitly, nothing is validated.
//   FrameBuilder().opcode(0x3).rsv(true,false,false).mask(key).payload("x").build()
// The setters are written for you; you write build(), build_header() and random_mask().
class FrameBuilder {
 public:
  FrameBuilder& fin(bool v) {
    h_.fin = v;
    return *this;
  }
  FrameBuilder& rsv(bool r1, bool r2, bool r3) {
    h_.rsv1 = r1;
    h_.rsv2 = r2;
    h_.rsv3 = r3;
    return *this;
  }
  FrameBuilder& opcode(std::uint8_t raw) {
    h_.opcode = raw & 0x0F;
    return *this;
  }
  FrameBuilder& opcode(Opcode op) { return opcode(static_cast<std::uint8_t>(op)); }
  FrameBuilder& mask(MaskKey key) {
    h_.masked = true;
    h_.mask = key;
    return *this;
  }
  // A mask key from random_bytes().
  FrameBuilder& random_mask();
  FrameBuilder& unmasked() {
    h_.masked = false;
    return *this;
  }
  // Sets the MASK bit with this key but sends the payload NOT xored (a lying client).
  FrameBuilder& mask_bit_only(MaskKey key) {
    mask(key);
    skip_masking_ = true;
    return *this;
  }
  // k7/k16/k64 force that length encoding even when it is not minimal.
  FrameBuilder& length_form(LengthForm f) {
    form_ = f;
    return *this;
  }
  // Announce a length different from the payload actually appended (e.g. 2^63).
  FrameBuilder& declared_length(std::uint64_t n) {
    declared_ = n;
    has_declared_ = true;
    return *this;
  }
  FrameBuilder& payload(std::string_view p) {
    payload_ = std::string(p);
    return *this;
  }
  // Header + payload (masked with the key unless mask_bit_only).
  [[nodiscard]] std::string build() const;
  // Header bytes only (for trickling a payload separately).
  [[nodiscard]] std::string build_header() const;

 private:
  FrameHeader h_{};
  LengthForm form_ = LengthForm::kMinimal;
  bool skip_masking_ = false;
  bool has_declared_ = false;
  std::uint64_t declared_ = 0;
  std::string payload_;
};

// Why a frame was refused; each maps to the close code to fail with.
enum class FrameError : std::uint8_t {
  kNone,
  kReservedBits,        // RSV1-3 set with no extension negotiated (§5.2) -> 1002
  kReservedOpcode,      // 3-7, 11-15 (§5.2) -> 1002
  kFragmentedControl,   // control frame with FIN=0 (§5.5) -> 1002
  kControlTooLong,      // control payload > 125 (§5.5) -> 1002
  kUnmaskedFromClient,  // server got an unmasked frame (§5.1) -> 1002
  kMaskedFromServer,    // client got a masked frame (§5.1) -> 1002
  kLengthMsbSet,        // 64-bit length with the most significant bit set (§5.2) -> 1002
  kNonMinimalLength,    // only when DecoderLimits::require_minimal_length -> 1002
  kFrameTooBig,         // payload over max_frame_payload -> 1009
};
// (step 4) 1009 for kFrameTooBig, 0 for kNone, 1002 for every other error.
std::uint16_t close_code_for(FrameError e);
// (step 4) One sentence naming the rule and its RFC section, for Close reasons and logs.
std::string_view describe(FrameError e);

struct DecoderLimits {
  std::uint64_t max_frame_payload = 64ull << 20;
  bool require_minimal_length = false;  // RFC says senders MUST; most receivers tolerate
};

// (step 4) The incremental decoder.
class FrameDecoder {
 public:
  enum class Kind : std::uint8_t { kNeedMore, kHeader, kPayload, kError };
  struct Event {
    Kind kind = Kind::kNeedMore;
    FrameHeader header;                    // valid for kHeader, kPayload
    std::span<std::uint8_t> payload;       // kPayload: unmasked bytes (points into the input)
    bool frame_complete = false;           // kPayload: last chunk of this frame's payload
    FrameError error = FrameError::kNone;  // kError
  };

  // `local_role` is who WE are: a kServer decoder demands masked frames (§5.1),
  // a kClient decoder refuses them.
  explicit FrameDecoder(Role local_role, DecoderLimits limits = {});

  // Consumes bytes from the front of `in` (advancing it) and returns the next event:
  //  - kHeader once a frame's whole header arrived (keep partial headers inside
  //    the decoder between calls: input may be split at ANY byte);
  //  - then one or more kPayload events with the unmasked bytes available so far
  //    (unmask IN PLACE: `payload` points into `in`); the last has
  //    frame_complete = true. An empty payload yields exactly one empty kPayload;
  //  - kNeedMore when `in` is exhausted;
  //  - kError as soon as a rule is broken, checked in this order: RSV bits,
  //    reserved opcode, control frame with FIN=0, control frame longer than
  //    125, the MASK bit for our role; then (once the extended length arrived)
  //    the 64-bit length's top bit, non-minimal length (if required), and
  //    max_frame_payload. Decide what the first 2 bytes can tell AT ONCE, before
  //    the rest of the header arrives. After kError the decoder stays in error.
  Event next(std::span<std::uint8_t>& in);
  // Back to the start state (no error, no partial frame).
  void reset();

 private:
  // Suggested state; change it as you like (it is yours).
  Role role_;
  DecoderLimits limits_;
  FrameError error_ = FrameError::kNone;
  bool in_payload_ = false;
  std::array<std::uint8_t, kMaxHeaderBytes> hbuf_{};  // a header split across calls
  std::size_t hlen_ = 0;
  FrameHeader cur_{};
  std::uint64_t payload_done_ = 0;
};

}  // namespace wslab
