// The physical floor of the server benchmark: a raw TCP echo server (no
// HTTP, no WebSocket framing), one thread, epoll, one shared read buffer.
// Run as a separate process (`wslab_bench_servers --raw-echo-server`) so its
// RSS is measured the same way as the WebSocket servers'.
#pragma once

namespace wslab::bench {
// Prints "listening on tcp://127.0.0.1:PORT/" and echoes until killed.
int run_raw_echo_server();
}  // namespace wslab::bench
