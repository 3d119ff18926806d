// Base framing protocol (RFC 6455 §5.2-§5.5): the header bit by bit, the three
// length forms, masking, and the per-role rules. Three tools live here:
//  - FrameDecoder: incremental, accepts input split at any byte and many frames
//    per chunk, unmasks in place (zero-copy), validates every header rule.
//  - encode_frame: the valid-frame encoder used by Session.
//  - FrameBuilder: a low-level builder that can also build INVALID frames
//    (reserved opcodes, RSV bits, wrong masking, non-minimal or lying lengths);
//    the harness, the fuzzers and the tests use it. There is no second encoder.
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

constexpr bool is_control_opcode(std::uint8_t op) {
  return (op & 0x8) != 0;
}
// 0, 1, 2, 8, 9, 10 are defined; 3-7 and 11-15 are reserved (§5.2).
constexpr bool is_defined_opcode(std::uint8_t op) {
  return op <= 2 || (op >= 8 && op <= 10);
}
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

// XOR `data` with the mask, where data[0] is payload byte number `offset`
// (so a payload can be unmasked in pieces). Word-at-a-time.
void apply_mask(std::uint8_t* data, std::size_t n, MaskKey mask, std::uint64_t offset = 0);
// The obvious byte loop; kept for the benchmark and as a test oracle.
void apply_mask_bytewise(std::uint8_t* data, std::size_t n, MaskKey mask, std::uint64_t offset = 0);

// Writes the minimal header for h into out (needs kMaxHeaderBytes); returns its length.
std::size_t encode_header(const FrameHeader& h, std::uint8_t* out);
// A valid frame. With mask == nullptr the frame is unmasked (server to client).
std::string encode_frame(Opcode op, std::string_view payload, bool fin = true,
                         const MaskKey* mask = nullptr);
// Appends the frame to `out` instead (avoids a copy for large payloads).
void append_frame(std::string& out, Opcode op, std::string_view payload, bool fin = true,
                  const MaskKey* mask = nullptr);

enum class LengthForm : std::uint8_t { kMinimal, k7, k16, k64 };

// Low-level builder: every field is set explicitly, nothing is validated.
//   FrameBuilder().opcode(0x3).rsv(true,false,false).mask(key).payload("x").build()
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
std::uint16_t close_code_for(FrameError e);
std::string_view describe(FrameError e);

struct DecoderLimits {
  std::uint64_t max_frame_payload = 64ull << 20;
  bool require_minimal_length = false;  // RFC says senders MUST; most receivers tolerate
};

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

  // `local_role` is who WE are: a kServer decoder demands masked frames.
  explicit FrameDecoder(Role local_role, DecoderLimits limits = {});

  // Consumes bytes from the front of `in` (advancing it) and returns the next event.
  // After kHeader, one or more kPayload events follow; the last has frame_complete
  // set (an empty payload yields exactly one empty kPayload). kNeedMore means `in`
  // is exhausted. After kError the decoder stays in error.
  Event next(std::span<std::uint8_t>& in);
  void reset();

 private:
  enum class Stage : std::uint8_t { kHeader, kPayload, kError };
  Event fail(FrameError e);
  bool take_header_bytes(std::span<std::uint8_t>& in, std::size_t want);
  [[nodiscard]] FrameError check_first_bytes(std::uint8_t b0, std::uint8_t b1) const;
  Event finish_header(const std::uint8_t* p, std::size_t size);
  Event next_header(std::span<std::uint8_t>& in);
  Event next_payload(std::span<std::uint8_t>& in);

  Role role_;
  FrameError error_ = FrameError::kNone;
  DecoderLimits limits_;
  Stage stage_ = Stage::kHeader;
  std::array<std::uint8_t, kMaxHeaderBytes> hbuf_{};
  std::size_t hlen_ = 0;
  FrameHeader cur_{};
  std::uint64_t payload_done_ = 0;
};

}  // namespace wslab
