// The echo server every mutant is built from: the same net::Server and
// net::EchoApp as `wslab serve` (RFC 6455 server role, echo on every path),
// linked against core and net objects of which exactly one source file was
// replaced by its patched copy (see mutants/CMakeLists.txt). The unpatched
// build, wslab-mutant-none, is the control.
//
//   wslab-mutant-<name> [--port N] [--host ADDR] [--verbose]
//
// Like `wslab serve`, the first line on stdout is "listening on ws://HOST:PORT/"
// (flushed), so tests start it with --port 0 and read the port from it.
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "wslab/net/echo_app.hpp"
#include "wslab/net/event_loop.hpp"
#include "wslab/net/server.hpp"

namespace {

struct Flags {
  std::string host = "127.0.0.1";
  unsigned long port = 0;
  bool verbose = false;
};

int usage(const char* argv0, const std::string& why) {
  std::fprintf(stderr, "%s: %s\nusage: %s [--port N] [--host ADDR] [--verbose]\n", argv0,
               why.c_str(), argv0);
  return 2;
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
  options.log = flags.verbose ? wslab::net::LogLevel::kVerbose : wslab::net::LogLevel::kQuiet;

  wslab::net::EventLoop loop;
  wslab::net::EchoApp app;
  wslab::net::Server server(loop, app, options);
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
