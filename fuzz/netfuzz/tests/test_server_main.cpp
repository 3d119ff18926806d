// A broken WebSocket server as its own process, for `wslab fuzz --spawn` tests:
//   wslab-netfuzz-test-server PORT die-on-ping|hang-on-ping|never-pong|close-1000|correct
// Prints "listening on ws://127.0.0.1:PORT/" and serves until killed.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "broken_server.hpp"

int main(int argc, char** argv) {
  using wslab::netfuzz::test::Breakage;
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s PORT die-on-ping|hang-on-ping|never-pong|close-1000|correct\n",
                 argv[0]);
    return 2;
  }
  const std::string mode = argv[2];
  Breakage b = Breakage::kNone;
  if (mode == "die-on-ping")
    b = Breakage::kDieOnPing;
  else if (mode == "never-pong")
    b = Breakage::kNeverPongs;
  else if (mode == "close-1000")
    b = Breakage::kAlwaysClose1000;
  else if (mode == "hang-on-ping")
    b = Breakage::kHangOnPing;
  const long port = std::strtol(argv[1], nullptr, 10);
  if (port < 0 || port > 65535) return 2;
  wslab::netfuzz::test::BrokenServer server(b, static_cast<std::uint16_t>(port), true);
  std::printf("listening on ws://127.0.0.1:%u/\n", server.port());
  std::fflush(stdout);
  for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
}
