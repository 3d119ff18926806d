// Test main for wslab_harness_tests. With `--crashy-server PORT` the binary
// is instead a tiny WebSocket-ish server for the runner's spawn tests: it
// answers the handshake, echoes text frames, and aborts (SIGABRT) when a
// text message says "CRASH" (the runner must blame that case and restart it).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <thread>

#include "scripted_server.hpp"

namespace {

int crashy_server(int port) {
  using namespace wslab::harness::testing;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return 3;
  ::listen(fd, 64);
  std::printf("crashy server on %d\n", port);
  std::fflush(stdout);
  for (;;) {
    int c = ::accept(fd, nullptr, nullptr);
    if (c < 0) continue;
    std::thread([c] {
      if (!do_handshake(c)) {
        ::close(c);
        return;
      }
      std::string buf;
      for (;;) {
        std::string more = read_until_quiet(c, 50);
        buf += more;
        std::uint8_t op = 0;
        std::string payload;
        std::size_t used = 0;
        while (parse_client_frame(buf, op, payload, used)) {
          buf.erase(0, used);
          if (payload == "CRASH") std::abort();
          if (op == 0x8) {
            write_all(c, server_frame(0x88, payload));
            ::close(c);
            return;
          }
          write_all(c, server_frame(static_cast<std::uint8_t>(0x80 | op), payload));
        }
        if (more.empty()) {
          char probe;
          if (::recv(c, &probe, 1, MSG_PEEK | MSG_DONTWAIT) == 0) break;
        }
      }
      ::close(c);
    }).detach();
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--crashy-server") == 0) {
    return crashy_server(std::atoi(argv[2]));
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
