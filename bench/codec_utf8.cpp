// UTF-8 validation (RFC 6455 §8.1): the 8-byte ASCII fast path vs the textbook decoder.
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "wslab/utf8.hpp"

namespace {

std::string ascii_text(std::size_t n) {
  const std::string line = "The quick brown fox jumps over the lazy dog. 0123456789\n";
  std::string s;
  while (s.size() < n) s += line;
  s.resize(n);
  return s;
}

// Mixed text: ASCII words and spaces with 2-, 3- and 4-byte characters drawn
// at random (fixed seed), about two thirds of the bytes ASCII. Random, so that
// neither validator can learn a repeating branch pattern.
std::string mixed_text(std::size_t n) {
  const char* const multibyte[] = {"\xc3\xbc",     "\xc3\x9f",        "\xce\xba",
                                   "\xcf\x83",     "\xe2\x82\xac",    "\xe6\x97\xa5",
                                   "\xe8\xaa\x9e", "\xf0\x9f\x98\x80"};
  std::mt19937 rng(2024);
  std::string s;
  while (s.size() < n) {
    if (rng() % 3 == 0) {
      s += multibyte[rng() % 8];
    } else {
      s.append(1 + rng() % 6, static_cast<char>('a' + rng() % 26));
      s += ' ';
    }
  }
  while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0x80) != 0) s.pop_back();
  return s;
}

template <bool kFast>
void run(benchmark::State& state, const std::string& text) {
  if (!wslab::is_valid_utf8_naive(text)) {
    state.SkipWithError("the benchmark text is not valid UTF-8");
    return;
  }
  for (auto _ : state) {
    bool ok = kFast ? wslab::is_valid_utf8(text) : wslab::is_valid_utf8_naive(text);
    benchmark::DoNotOptimize(ok);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

void BM_Utf8Ascii(benchmark::State& s) {
  run<true>(s, ascii_text(16 << 10));
}
void BM_Utf8AsciiNaive(benchmark::State& s) {
  run<false>(s, ascii_text(16 << 10));
}
void BM_Utf8Mixed(benchmark::State& s) {
  run<true>(s, mixed_text(16 << 10));
}
void BM_Utf8MixedNaive(benchmark::State& s) {
  run<false>(s, mixed_text(16 << 10));
}

BENCHMARK(BM_Utf8Ascii);
BENCHMARK(BM_Utf8AsciiNaive);
BENCHMARK(BM_Utf8Mixed);
BENCHMARK(BM_Utf8MixedNaive);

}  // namespace
