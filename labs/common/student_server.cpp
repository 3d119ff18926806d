// wslab-student-server: YOUR WebSocket implementation (labs/starter, or core
// when built with -DWSLAB_LAB_IMPL=solution) running on net's event loop, so
// the harness can test it over TCP from lab 1 on (`wslab check N` starts it).
//
//   wslab-student-server [--port N] [--host ADDR] [--ping-interval MS]
//                        [--pong-timeout MS] [--max-message BYTES] [--rooms]
//                        [--redis redis://HOST:PORT] [--quiet]
//
// Echo on every path by default (what the conformance harness expects);
// --rooms serves wslab.rooms.v1 (lab 5); --redis URL (lab 6) serves it as one
// instance of several sharing rooms through that Redis (implies --rooms). The first line on stdout
// is "listening on ws://HOST:PORT/" (the port is the kernel's choice with --port 0).
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "wslab/net/echo_app.hpp"
#include "wslab/net/event_loop.hpp"
#include "wslab/net/server.hpp"

#ifdef WSLAB_STUDENT_SERVER_ROOMS
#include "lab_rooms_app.hpp"
#endif
#ifdef WSLAB_STUDENT_SERVER_REDIS
#include "wslab/rooms/redis_rooms_app.hpp"
#endif

namespace {

void usage() {
  std::fprintf(stderr,
               "usage: wslab-student-server [--port N] [--host ADDR] [--ping-interval MS]\n"
               "                            [--pong-timeout MS] [--max-message BYTES] [--rooms]\n"
               "                            [--redis redis://HOST:PORT] [--quiet]\n");
}

bool number(const char* text, long long& out) {
  char* end = nullptr;
  errno = 0;
  out = std::strtoll(text, &end, 10);
  return errno == 0 && end != text && *end == '\0' && out >= 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  wslab::net::ServerOptions options;
  options.port = 0;
  bool rooms = false;
  std::string redis;  // lab 6: the Redis the instances share
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    long long v = 0;
    const bool has_value = i + 1 < argc;
    if (arg == "--rooms") {
      rooms = true;
    } else if (arg == "--redis" && has_value) {
      redis = argv[++i];
      rooms = true;
    } else if (arg == "--quiet" || arg == "-q") {
      options.log = wslab::net::LogLevel::kQuiet;
    } else if (arg == "--host" && has_value) {
      options.host = argv[++i];
    } else if (arg == "--port" && has_value && number(argv[i + 1], v) && v <= 65535) {
      options.port = static_cast<std::uint16_t>(v);
      ++i;
    } else if (arg == "--ping-interval" && has_value && number(argv[i + 1], v)) {
      options.session.heartbeat.ping_interval = wslab::Millis{v};
      ++i;
    } else if (arg == "--pong-timeout" && has_value && number(argv[i + 1], v)) {
      options.session.heartbeat.pong_timeout = wslab::Millis{v};
      ++i;
    } else if (arg == "--max-message" && has_value && number(argv[i + 1], v) && v > 0) {
      options.session.max_message_bytes = static_cast<std::uint64_t>(v);
      options.session.max_frame_bytes = static_cast<std::uint64_t>(v);
      ++i;
    } else {
      usage();
      return 2;
    }
  }

  wslab::net::EventLoop loop;
  std::unique_ptr<wslab::net::App> app;
  if (!redis.empty()) {
#ifdef WSLAB_STUDENT_SERVER_REDIS
    auto url = wslab::rooms::parse_redis_url(redis);
    if (!url) {
      std::fprintf(stderr, "wslab-student-server: --redis %s: %s\n", redis.c_str(),
                   url.error().c_str());
      return 2;
    }
    wslab::rooms::RedisRoomsOptions ro;
    ro.redis = *url;
    wslab::labs::configure_lab_rooms_server(options, ro.limits);
    app = std::make_unique<wslab::rooms::RedisRoomsApp>(loop, std::move(ro));
#else
    std::fprintf(stderr,
                 "wslab-student-server: this build has no lab 6 (--redis needs libhiredis-dev "
                 "when it was configured)\n");
    return 2;
#endif
  } else if (rooms) {
#ifdef WSLAB_STUDENT_SERVER_ROOMS
    app = wslab::labs::make_lab_rooms_app(options);
#else
    std::fprintf(stderr, "wslab-student-server: this build has no lab 5 (rooms)\n");
    return 2;
#endif
  } else {
    app = std::make_unique<wslab::net::EchoApp>();
  }

  wslab::net::Server server(loop, *app, options);
  if (wslab::Status st = server.shutdown_on_signals(); !st) {
    std::fprintf(stderr, "wslab-student-server: %s\n", st.message().c_str());
    return 1;
  }
  if (wslab::Status st = server.listen(); !st) {
    std::fprintf(stderr, "wslab-student-server: cannot listen: %s\n", st.message().c_str());
    return 1;
  }
  std::printf("listening on ws://%s:%u/\n", options.host.c_str(), server.port());
  std::fflush(stdout);
  loop.run();
  return 0;
}
