// Session echo cost (RFC 6455 §5-§6): a masked client message in, the event
// out, the echo framed, the output consumed. No sockets: the core alone.
#include <benchmark/benchmark.h>

#include <string>
#include <variant>

#include "wslab/session.hpp"

namespace {

void BM_SessionEcho(benchmark::State& state) {
  wslab::Session s(wslab::SessionConfig{});
  s.start(wslab::Millis(0));
  s.on_bytes(
      std::string(
          "GET / HTTP/1.1\r\nHost: b\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"),
      wslab::Millis(0));
  s.consume_output(s.pending_output().size());
  while (s.poll_event()) {
  }
  const wslab::MaskKey key{1, 2, 3, 4};
  const std::string frame = wslab::encode_frame(
      wslab::Opcode::kText, std::string(static_cast<std::size_t>(state.range(0)), 'e'), true, &key);
  for (auto _ : state) {
    s.on_bytes(frame, wslab::Millis(1));
    while (auto e = s.poll_event()) {
      if (auto* t = std::get_if<wslab::event::Text>(&*e)) (void)s.send_text(t->data);
    }
    benchmark::DoNotOptimize(s.pending_output().data());
    s.consume_output(s.pending_output().size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["idle_bytes"] = static_cast<double>(s.memory_footprint());
}

BENCHMARK(BM_SessionEcho)->Arg(16)->Arg(512)->Arg(4096);

}  // namespace
