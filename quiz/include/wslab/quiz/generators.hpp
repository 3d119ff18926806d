// Generated protocol questions (wslab's extension to mdbook-quiz): a question
// whose numbers differ per student. A generator has two halves:
//   make(rng)      -> params (a key, a frame's hex, a request ...), seeded per student;
//   solve(params)  -> the answer, computed by core (compute_accept, FrameDecoder,
//                     parse_close_payload, accept_handshake), so it is right by
//                     construction and follows core if a rule is ever fixed.
// The seed is derived from the question id and the student id (question_seed).
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wslab/result.hpp"

namespace wslab::quiz {

using Params = std::map<std::string, std::string>;

// splitmix64: tiny, fully specified, identical on every platform (the
// distributions of <random> are not), so a student's question never changes.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  // Uniform in [0, n) (n > 0); the modulo bias is irrelevant here.
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  std::uint8_t byte() { return static_cast<std::uint8_t>(next() >> 56); }

 private:
  std::uint64_t state_;
};

struct GeneratedAnswer {
  std::string answer;
  std::vector<std::string> alternatives;
};

struct Generator {
  std::string_view name;
  std::string_view summary;
  std::vector<std::string_view> params;  // every key make() returns and solve() needs
  Result<GeneratedAnswer> (*solve)(const Params& params);
  Params (*make)(Rng& rng);
};

std::span<const Generator> all_generators();
const Generator* find_generator(std::string_view name);

// First 8 bytes (big-endian) of SHA-1("wslab.quiz.v1\n" + question_id + "\n" + student).
std::uint64_t question_seed(std::string_view question_id, std::string_view student);

// "81 85 37 FA" <-> bytes. parse_hex accepts any whitespace between byte pairs.
std::string to_hex(std::string_view bytes);
Result<std::string> parse_hex(std::string_view hex);

}  // namespace wslab::quiz
