// A conversation for the network fuzzer: the frames a client sends after a
// valid opening handshake (RFC 6455 §5.2 wire format, built with core's
// FrameBuilder so any field can be wrong on purpose), plus how the byte
// stream is cut into writes and how long to pause after each write.
// Conversations print as a small line-based text file so a finding can be
// saved and replayed (`wslab fuzz URL --replay FILE`).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wslab/frame.hpp"
#include "wslab/result.hpp"
#include "wslab/time.hpp"

namespace wslab::netfuzz {

enum class MaskMode : std::uint8_t {
  kMasked,    // as a client must (§5.3)
  kUnmasked,  // MASK bit clear, payload in clear (§5.1: the server must fail)
  kBitOnly,   // MASK bit and key sent, payload NOT xored (a lying client)
};

struct FrameSpec {
  bool fin = true;
  bool rsv1 = false;
  bool rsv2 = false;
  bool rsv3 = false;
  std::uint8_t opcode = 0x1;  // raw 4 bits, may be reserved
  MaskMode mask = MaskMode::kMasked;
  MaskKey key{0x11, 0x22, 0x33, 0x44};
  LengthForm form = LengthForm::kMinimal;
  std::optional<std::uint64_t> declared_length;  // a length that lies about the payload
  std::string payload;                           // before masking
  // Bit flips applied to the built frame: (byte offset, XOR value). Offsets
  // past the frame's end are ignored.
  std::vector<std::pair<std::uint32_t, std::uint8_t>> flips;

  // The frame's bytes on the wire.
  [[nodiscard]] std::string build() const;
  // "text fin=1 masked 5 B \"Hello\"" and the like, for reports.
  [[nodiscard]] std::string describe() const;
};

// One write: the stream up to byte `end` (exclusive) has been written; then pause.
struct Cut {
  std::size_t end = 0;
  Millis pause{0};
};

struct Piece {
  std::string bytes;
  Millis pause{0};  // after this write
};

struct Conversation {
  std::vector<FrameSpec> frames;
  std::vector<Cut> cuts;  // any order; cuts at or past the stream's end are ignored

  // Every frame's bytes, concatenated.
  [[nodiscard]] std::string stream() const;
  // The writes in order; the last one ends at the end of the stream (no pause).
  [[nodiscard]] std::vector<Piece> pieces() const;
  // A multi-line human description (frames, writes, the bytes in hex).
  [[nodiscard]] std::string describe() const;
  // The replay file format (see conversation.cpp) and back.
  [[nodiscard]] std::string to_text() const;
  static Result<Conversation> from_text(std::string_view text);
};

std::string hex(std::string_view bytes, std::size_t max_bytes = 256);

}  // namespace wslab::netfuzz
