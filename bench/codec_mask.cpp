// Unmasking (RFC 6455 §5.3): word-at-a-time apply_mask vs the byte loop, same run.
#include <benchmark/benchmark.h>

#include <vector>

#include "wslab/frame.hpp"

namespace {

constexpr wslab::MaskKey kKey{0x37, 0xfa, 0x21, 0x3d};

void BM_ApplyMask(benchmark::State& state) {
  std::vector<std::uint8_t> data(static_cast<std::size_t>(state.range(0)), 0x5a);
  for (auto _ : state) {
    wslab::apply_mask(data.data(), data.size(), kKey, 1);
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void BM_ApplyMaskBytewise(benchmark::State& state) {
  std::vector<std::uint8_t> data(static_cast<std::size_t>(state.range(0)), 0x5a);
  for (auto _ : state) {
    wslab::apply_mask_bytewise(data.data(), data.size(), kKey, 1);
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

BENCHMARK(BM_ApplyMask)->Arg(8)->Arg(64)->Arg(1024)->Arg(16 << 10)->Arg(64 << 10);
BENCHMARK(BM_ApplyMaskBytewise)->Arg(8)->Arg(64)->Arg(1024)->Arg(16 << 10)->Arg(64 << 10);

}  // namespace
