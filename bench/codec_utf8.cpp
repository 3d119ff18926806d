// UTF-8 validation (RFC 6455 §8.1): the 8-byte ASCII fast path vs the textbook decoder.
#include <benchmark/benchmark.h>

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

// Roughly European prose: mostly ASCII with 2-, 3- and 4-byte sequences mixed in.
std::string mixed_text(std::size_t n) {
  const std::string line =
      "Gr\xc3\xbc\xc3\x9f"
      "e aus K\xc3\xb6ln, \xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5, "
      "\xe2\x82\xac 42, \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xf0\x9f\x98\x80 ok\n";
  std::string s;
  while (s.size() + line.size() <= n) s += line;
  while (s.size() < n) s += 'a';
  return s;
}

template <bool kFast>
void run(benchmark::State& state, const std::string& text) {
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
