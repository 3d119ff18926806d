// Frame decoding (RFC 6455 §5.2): decode + in-place unmask of 64 KiB frames,
// and the header walk over many small frames.
#include <benchmark/benchmark.h>

#include <string>

#include "wslab/frame.hpp"

namespace {

constexpr wslab::MaskKey kKey{0x37, 0xfa, 0x21, 0x3d};

// The decoder unmasks in place, so each pass flips the payload between masked
// and unmasked: the work per pass is the same, and no copy is timed.
void BM_DecodeUnmask64KiB(benchmark::State& state) {
  std::string wire =
      wslab::encode_frame(wslab::Opcode::kBinary, std::string(64 << 10, 'x'), true, &kKey);
  wslab::FrameDecoder decoder(wslab::Role::kServer);
  for (auto _ : state) {
    std::span<std::uint8_t> in(reinterpret_cast<std::uint8_t*>(wire.data()), wire.size());
    std::size_t payload = 0;
    while (true) {
      const auto ev = decoder.next(in);
      if (ev.kind == wslab::FrameDecoder::Kind::kPayload) payload += ev.payload.size();
      if (ev.kind == wslab::FrameDecoder::Kind::kNeedMore ||
          ev.kind == wslab::FrameDecoder::Kind::kError)
        break;
    }
    benchmark::DoNotOptimize(payload);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
}

// 1000 masked 16-byte text frames in one buffer: headers per second.
void BM_DecodeSmallFrames(benchmark::State& state) {
  std::string wire;
  for (int i = 0; i < 1000; ++i)
    wire += wslab::encode_frame(wslab::Opcode::kText, "sixteen bytes!!!", true, &kKey);
  wslab::FrameDecoder decoder(wslab::Role::kServer);
  for (auto _ : state) {
    std::span<std::uint8_t> in(reinterpret_cast<std::uint8_t*>(wire.data()), wire.size());
    std::size_t frames = 0;
    while (true) {
      const auto ev = decoder.next(in);
      if (ev.kind == wslab::FrameDecoder::Kind::kHeader) ++frames;
      if (ev.kind == wslab::FrameDecoder::Kind::kNeedMore ||
          ev.kind == wslab::FrameDecoder::Kind::kError)
        break;
    }
    benchmark::DoNotOptimize(frames);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 1000);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
}

BENCHMARK(BM_DecodeUnmask64KiB);
BENCHMARK(BM_DecodeSmallFrames);

}  // namespace
