// The opening handshake's CPU cost (RFC 6455 §4.2.2): the accept key alone,
// and a full request parse + validation + 101 response.
#include <benchmark/benchmark.h>

#include <string>

#include "wslab/handshake.hpp"

namespace {

void BM_ComputeAccept(benchmark::State& state) {
  std::string key = "dGhlIHNhbXBsZSBub25jZQ==";
  for (auto _ : state) {
    auto accept = wslab::compute_accept(key);
    benchmark::DoNotOptimize(accept);
  }
}

void BM_ParseAndAcceptUpgrade(benchmark::State& state) {
  const std::string request =
      "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      "Origin: http://example.com\r\nSec-WebSocket-Protocol: chat, superchat\r\n"
      "Sec-WebSocket-Version: 13\r\nUser-Agent: bench\r\n\r\n";
  wslab::ServerHandshakePolicy policy;
  policy.subprotocols = {"chat"};
  for (auto _ : state) {
    wslab::HttpRequest parsed;
    auto outcome = wslab::parse_request(request, parsed);
    auto hs = wslab::accept_handshake(parsed, policy);
    benchmark::DoNotOptimize(outcome);
    benchmark::DoNotOptimize(hs);
  }
}

BENCHMARK(BM_ComputeAccept);
BENCHMARK(BM_ParseAndAcceptUpgrade);

}  // namespace
