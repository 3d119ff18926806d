// Seeds and mutations of the network fuzzer.
#include "wslab/netfuzz/mutator.hpp"

#include <algorithm>
#include <array>

#include "wslab/close.hpp"

namespace wslab::netfuzz {
namespace {

FrameSpec frame(Opcode op, std::string payload, bool fin = true) {
  FrameSpec f;
  f.opcode = static_cast<std::uint8_t>(op);
  f.payload = std::move(payload);
  f.fin = fin;
  return f;
}

FrameSpec close_frame(std::uint16_t code, std::string_view reason = {}) {
  return frame(Opcode::kClose, encode_close_payload(code, reason));
}

std::uint64_t pick(std::mt19937_64& rng, std::uint64_t n) {
  return n == 0 ? 0 : std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng);
}

bool chance(std::mt19937_64& rng, unsigned percent) {
  return pick(rng, 100) < percent;
}

std::size_t pick_frame(const Conversation& c, std::mt19937_64& rng) {
  return static_cast<std::size_t>(pick(rng, c.frames.size()));
}

// Payloads that break something (UTF-8, control frame size) or are merely odd.
std::string odd_payload(std::mt19937_64& rng) {
  static const std::array<std::string, 10> kPayloads = {
      std::string("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"),  // valid UTF-8
      std::string("\xed\xa0\x80"),                                  // a surrogate
      std::string("\xc0\xaf"),                                      // overlong '/'
      std::string("\xf4\x90\x80\x80"),                              // above U+10FFFF
      std::string("\xce\xba\xe1"),                                  // cut mid code point
      std::string(""),
      std::string(125, 'c'),
      std::string(126, 'c'),
      std::string(300, 'x'),
      std::string("\x00\x01\xff\xfe", 4),
  };
  return kPayloads[pick(rng, kPayloads.size())];
}

std::uint16_t odd_close_code(std::mt19937_64& rng) {
  static constexpr std::array<std::uint16_t, 22> kCodes = {
      0,    999,  1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008,
      1009, 1010, 1011, 1012, 1015, 1016, 2999, 3000, 4999, 5000, 65535};
  return kCodes[pick(rng, kCodes.size())];
}

}  // namespace

std::vector<Conversation> seed_conversations() {
  std::vector<Conversation> seeds;
  auto add = [&](std::vector<FrameSpec> frames) {
    Conversation c;
    c.frames = std::move(frames);
    for (std::size_t i = 0; i < c.frames.size(); ++i) {
      // Distinct, fixed keys: determinism without sharing one key everywhere.
      c.frames[i].key = {static_cast<std::uint8_t>(0x37 + i), 0xFA, 0x21,
                         static_cast<std::uint8_t>(0x3D + i)};
    }
    seeds.push_back(std::move(c));
  };
  add({frame(Opcode::kText, "Hello"), close_frame(1000)});
  add({frame(Opcode::kBinary, std::string("\x00\x01\x02\x03", 4)), close_frame(1000, "bye")});
  add({frame(Opcode::kPing, "ping"), frame(Opcode::kText, "after ping"), close_frame(1000)});
  add({frame(Opcode::kText, "Hel", false), frame(Opcode::kPing, "mid"),
       frame(Opcode::kContinuation, "lo, ", false), frame(Opcode::kContinuation, "world", true),
       close_frame(1000)});
  add({frame(Opcode::kText, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"),
       frame(Opcode::kBinary, std::string(200, 'b')), frame(Opcode::kPong, "unsolicited"),
       close_frame(1001, "going")});
  add({frame(Opcode::kText, "one"), frame(Opcode::kText, "two"), frame(Opcode::kPing, ""),
       close_frame(3000, "app")});
  return seeds;
}

std::string mutate(Conversation& c, std::mt19937_64& rng) {
  if (c.frames.empty()) c.frames.push_back(frame(Opcode::kText, "x"));
  FrameSpec& f = c.frames[pick_frame(c, rng)];
  switch (pick(rng, 18)) {
    case 0: {  // a bit in the first two header bytes (FIN, RSV, opcode, MASK, length)
      const auto byte = static_cast<std::uint32_t>(pick(rng, 2));
      f.flips.emplace_back(byte, static_cast<std::uint8_t>(1u << pick(rng, 8)));
      return "flip header bit";
    }
    case 1: {  // a bit anywhere in the frame
      const auto size = std::max<std::size_t>(f.build().size(), 1);
      f.flips.emplace_back(static_cast<std::uint32_t>(pick(rng, size)),
                           static_cast<std::uint8_t>(1u << pick(rng, 8)));
      return "flip bit";
    }
    case 2:
      f.opcode = static_cast<std::uint8_t>(pick(rng, 16));
      return "opcode " + std::to_string(f.opcode);
    case 3:
      f.fin = !f.fin;
      return "toggle FIN";
    case 4: {
      const auto which = pick(rng, 3);
      (which == 0 ? f.rsv1 : which == 1 ? f.rsv2 : f.rsv3) = true;
      return "set RSV" + std::to_string(which + 1);
    }
    case 5:
      if (chance(rng, 30)) {
        f.mask = MaskMode::kUnmasked;
        return "unmask";
      }
      f.mask = MaskMode::kBitOnly;
      return "mask bit without masking";
    case 6:
      f.form = chance(rng, 50) ? LengthForm::k16 : LengthForm::k64;
      return "non-minimal length";
    case 7: {  // a length that lies
      static constexpr std::array<std::int64_t, 5> kDelta = {-3, -1, 1, 2, 130};
      const auto actual = static_cast<std::int64_t>(f.payload.size());
      if (chance(rng, 20)) {
        static constexpr std::array<std::uint64_t, 4> kHuge = {65536, 1ull << 32, 1ull << 60,
                                                               1ull << 63};
        f.form = LengthForm::k64;
        f.declared_length = kHuge[pick(rng, kHuge.size())];
      } else {
        f.declared_length = static_cast<std::uint64_t>(
            std::max<std::int64_t>(0, actual + kDelta[pick(rng, kDelta.size())]));
      }
      return "declared length " + std::to_string(*f.declared_length);
    }
    case 8:
      f.payload = odd_payload(rng);
      return "payload (" + std::to_string(f.payload.size()) + " B)";
    case 9: {
      f.opcode = static_cast<std::uint8_t>(Opcode::kClose);
      f.fin = true;
      const auto code = odd_close_code(rng);
      f.payload = chance(rng, 10) ? std::string(1, '\x03') : encode_close_payload(code, "");
      if (chance(rng, 25))
        f.payload += chance(rng, 50) ? std::string("\xc0\xaf") : std::string(123, 'r');
      return "close body (code " + std::to_string(code) + ")";
    }
    case 10: {  // insert a frame: a copy, or a new ping/continuation/text fragment
      FrameSpec extra = f;
      switch (pick(rng, 4)) {
        case 0:
          extra = frame(Opcode::kPing, "ins");
          break;
        case 1:
          extra = frame(Opcode::kContinuation, "cont", chance(rng, 50));
          break;
        case 2:
          extra = frame(Opcode::kText, "frag", false);
          break;
        default:
          break;
      }
      extra.key = {0x5A, static_cast<std::uint8_t>(pick(rng, 256)), 0xA5, 0x0F};
      c.frames.insert(
          c.frames.begin() + static_cast<std::ptrdiff_t>(pick(rng, c.frames.size() + 1)), extra);
      return "insert frame";
    }
    case 11:
      if (c.frames.size() > 1) {
        c.frames.erase(c.frames.begin() + static_cast<std::ptrdiff_t>(pick_frame(c, rng)));
        return "delete frame";
      }
      return "delete frame (kept the last)";
    case 12: {
      if (c.frames.size() < 2) return "swap (too few frames)";
      const auto i = pick(rng, c.frames.size() - 1);
      std::swap(c.frames[i], c.frames[i + 1]);
      return "swap frames";
    }
    case 13: {
      const auto i = pick_frame(c, rng);
      const FrameSpec copy = c.frames[i];
      c.frames.insert(c.frames.begin() + static_cast<std::ptrdiff_t>(i), copy);
      return "duplicate frame";
    }
    case 14:
    case 15: {  // cut the stream into writes, with short or long pauses
      const std::size_t size = c.stream().size();
      const auto n = 1 + pick(rng, 4);
      for (std::uint64_t k = 0; k < n && size > 1; ++k) {
        const Millis pause{chance(rng, 50) ? 0 : static_cast<Millis::rep>(40 + pick(rng, 40))};
        c.cuts.push_back({static_cast<std::size_t>(1 + pick(rng, size - 1)), pause});
      }
      return "cut into writes";
    }
    case 16: {  // a few bytes one at a time
      const std::size_t size = c.stream().size();
      if (size < 2) return "byte by byte (too short)";
      const auto start = pick(rng, size - 1);
      for (std::size_t k = start + 1; k < size && k < start + 12; ++k)
        c.cuts.push_back({k, Millis{0}});
      return "byte by byte";
    }
    default: {  // a longer text payload (may be fragmented by a later mutation)
      f.payload.assign(static_cast<std::size_t>(126 + pick(rng, 70000)), 'L');
      return "long payload (" + std::to_string(f.payload.size()) + " B)";
    }
  }
}

Mutated make_run(std::uint64_t seed, std::uint64_t run) {
  // One generator per run, so run N of seed S can be replayed on its own.
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                    static_cast<std::uint32_t>(run), static_cast<std::uint32_t>(run >> 32)};
  std::mt19937_64 rng(seq);
  static const std::vector<Conversation> kSeeds = seed_conversations();
  Mutated m;
  m.conversation = kSeeds[pick(rng, kSeeds.size())];
  const auto count = 1 + pick(rng, 4);
  for (std::uint64_t i = 0; i < count; ++i) m.mutations.push_back(mutate(m.conversation, rng));
  return m;
}

}  // namespace wslab::netfuzz
