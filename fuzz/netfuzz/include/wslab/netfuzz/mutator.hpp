// Valid seed conversations and the mutations the network fuzzer applies to
// them: bit flips, lengths that lie, opcodes (reserved ones too), RSV bits,
// masking, payloads (invalid UTF-8, oversized control frames), close codes,
// frames inserted/removed/duplicated/swapped, and where the stream is cut
// into writes and how long to wait in between (RFC 6455 §5.2-§5.5, §7.4).
// Deterministic: run N of seed S is always the same conversation.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "wslab/netfuzz/conversation.hpp"

namespace wslab::netfuzz {

// Valid conversations: text, binary, ping, fragmented text with a ping in the
// middle, a 16-bit length, each ending with a Close (1000).
std::vector<Conversation> seed_conversations();

struct Mutated {
  Conversation conversation;
  std::vector<std::string> mutations;  // what was done, for the report
};

// Run `run` of fuzzing seed `seed`: a seed conversation plus 1-4 mutations.
Mutated make_run(std::uint64_t seed, std::uint64_t run);

// One random mutation applied in place; returns its name.
std::string mutate(Conversation& c, std::mt19937_64& rng);

}  // namespace wslab::netfuzz
