// The server every mutant is built from: the same net::Server and apps as
// `wslab serve` (RFC 6455 server role): net::EchoApp on every path, or with
// --rooms the wslab.rooms.v1 app (docs/rooms-protocol.md), linked against core,
// net and rooms objects of which exactly one source file was replaced by its
// patched copy (see mutants/CMakeLists.txt). The unpatched build,
// wslab-mutant-none, is the control.
//
//   wslab-mutant-<name> [--port N] [--host ADDR] [--verbose]
//                       [--ping-interval MS --pong-timeout MS] [--rooms]
//
// --ping-interval/--pong-timeout are the heartbeat of `wslab serve` (RFC 6455
// §5.5.2-§5.5.3 keep-alive; 0 = off), for the conformance group "heartbeat".
//
// Like `wslab serve`, the first line on stdout is "listening on ws://HOST:PORT/"
// (flushed), so tests start it with --port 0 and read the port from it.
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "wslab/net/echo_app.hpp"
#include "wslab/net/event_loop.hpp"
#include "wslab/net/server.hpp"
#ifdef WSLAB_MUTANT_ROOMS
#include "wslab/rooms/rooms_app.hpp"
#endif
#include "wslab/time.hpp"

namespace {

struct Flags {
  std::string host = "127.0.0.1";
  unsigned long port = 0;
  bool verbose = false;
  long ping_interval_ms = 0;
  long pong_timeout_ms = 0;
  bool rooms = false;
};

int usage(const char* argv0, const std::string& why) {
  std::fprintf(stderr,
               "%s: %s\nusage: %s [--port N] [--host ADDR] [--verbose] [--ping-interval MS] "
               "[--pong-timeout MS] [--rooms]\n",
               argv0, why.c_str(), argv0);
  return 2;
}

// A non-negative number of milliseconds, at most a day.
bool parse_ms(const char* text, long& out) {
  char* end = nullptr;
  out = std::strtol(text, &end, 10);
  return end != text && *end == '\0' && out >= 0 && out <= 86'400'000;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--port" && has_value) {
      char* end = nullptr;
      flags.port = std::strtoul(argv[++i], &end, 10);
      if (*end != '\0' || flags.port > 65535) return usage(argv[0], "bad port");
    } else if (arg == "--host" && has_value) {
      flags.host = argv[++i];
    } else if (arg == "--verbose" || arg == "-v") {
      flags.verbose = true;
    } else if (arg == "--ping-interval" && has_value) {
      if (!parse_ms(argv[++i], flags.ping_interval_ms)) return usage(argv[0], "bad ping interval");
    } else if (arg == "--pong-timeout" && has_value) {
      if (!parse_ms(argv[++i], flags.pong_timeout_ms)) return usage(argv[0], "bad pong timeout");
    } else if (arg == "--rooms") {
#ifdef WSLAB_MUTANT_ROOMS
      flags.rooms = true;
#else
      return usage(argv[0], "--rooms: built without the rooms component");
#endif
    } else {
      return usage(argv[0], "unknown argument " + std::string(arg));
    }
  }
  std::signal(SIGPIPE, SIG_IGN);

  // The defaults of `wslab serve`: the labs' 16 MiB message limit, no heartbeat.
  wslab::net::ServerOptions options;
  options.host = flags.host;
  options.port = static_cast<std::uint16_t>(flags.port);
  options.session.max_message_bytes = 16ull << 20;
  options.session.max_frame_bytes = 16ull << 20;
  options.session.heartbeat.ping_interval = wslab::Millis{flags.ping_interval_ms};
  options.session.heartbeat.pong_timeout = wslab::Millis{flags.pong_timeout_ms};
  options.log = flags.verbose ? wslab::net::LogLevel::kVerbose : wslab::net::LogLevel::kQuiet;

  // The application, as `wslab serve` chooses it (cli/cmd_serve.cpp, make_app).
  std::unique_ptr<wslab::net::App> app = std::make_unique<wslab::net::EchoApp>();
#ifdef WSLAB_MUTANT_ROOMS
  if (flags.rooms) {
    auto rooms = wslab::rooms::make_rooms_app({}, {});
    if (!rooms) {
      std::fprintf(stderr, "%s: %s\n", argv[0], rooms.error().c_str());
      return 1;
    }
    app = std::move(*rooms);
    wslab::rooms::configure_rooms_server(options);
  }
#endif

  wslab::net::EventLoop loop;
  wslab::net::Server server(loop, *app, options);
  if (wslab::Status st = server.shutdown_on_signals(); !st) {
    std::fprintf(stderr, "%s: %s\n", argv[0], st.message().c_str());
    return 1;
  }
  if (wslab::Status st = server.listen(); !st) {
    std::fprintf(stderr, "%s: cannot listen on %s:%lu: %s\n", argv[0], flags.host.c_str(),
                 flags.port, st.message().c_str());
    return 1;
  }
  std::printf("listening on ws://%s:%u/\n", flags.host.c_str(), server.port());
  std::fflush(stdout);
  loop.run();
  return 0;
}
