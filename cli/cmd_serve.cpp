// wslab serve: the reference WebSocket server (RFC 6455 server role) on the
// net event loop. Echo on "/" by default; the application is chosen in one
// place (make_app) so other apps (--rooms, --follow FILE) are a few lines.
// The first line on stdout is always "listening on ws://HOST:PORT/" (flushed):
// scripts and tests start it with --port 0 and read the port from that line.
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "wslab/net/echo_app.hpp"
#include "wslab/net/event_loop.hpp"
#include "wslab/net/follow_app.hpp"
#include "wslab/net/server.hpp"
#include "wslab/rooms/rooms_app.hpp"
#ifdef WSLAB_HAVE_ROOMS_REDIS
#include "wslab/rooms/serve_redis.hpp"
#endif
#include "wslab/result.hpp"

namespace wslab::cli {
namespace {

struct ServeFlags {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9001;
  std::uint64_t max_message = 16ull << 20;
  std::int64_t ping_interval_ms = 0;
  std::int64_t pong_timeout_ms = 0;
  std::vector<std::string> origins;
  std::vector<std::string> subprotocols;
  std::string web_root;
  std::size_t max_write_buffer = 4u << 20;
  bool quiet = false;
  bool verbose = false;
};

// ---- the application behind the server ----------------------------------
// To add one (e.g. `--rooms`, `--follow FILE`): a field in AppFlags, its flag
// in add_app_flags(), a branch in make_app(). make_app may adjust the server
// options (limits, subprotocols) after the generic flags were applied, and
// may fail with a message for the user. For example:
//   if (flags.rooms) {
//     auto app = rooms::make_rooms_app(flags.tokens, flags.token_file);
//     if (!app) return Error{app.error()};
//     rooms::configure_rooms_server(options);
//     return AppChoice{std::move(*app), "wslab.rooms.v1"};
//   }
struct AppFlags {
  bool rooms = false;
  std::vector<std::string> tokens;
  std::string token_file;
  std::string redis;  // --rooms --redis URL: rooms shared by several instances (lab 6)
  std::string follow;
  std::size_t follow_backlog = 50;
};

void add_app_flags(CLI::App* cmd, AppFlags& flags) {
  auto* rooms =
      cmd->add_flag("--rooms", flags.rooms,
                    "Serve chat rooms: subprotocol wslab.rooms.v1 (docs/rooms-protocol.md)");
  cmd->add_option("--token", flags.tokens,
                  "With --rooms: an accepted token (repeatable); clients add ?token=... to the "
                  "URL, others get 401/403")
      ->needs(rooms);
  cmd->add_option("--token-file", flags.token_file,
                  "With --rooms: a file of accepted tokens, one per line (# comments)")
      ->needs(rooms)
      ->check(CLI::ExistingFile);
  cmd->add_option("--redis", flags.redis,
                  "With --rooms: share rooms with other instances through Redis at URL "
                  "(redis://HOST:PORT)")
      ->needs(rooms);
  auto* follow = cmd->add_option("--follow", flags.follow,
                                 "Push every line appended to FILE to every client "
                                 "(wslab.follow.v1, page web/follow.html); rotation and "
                                 "truncation restart from the new file's start")
                     ->type_name("FILE")
                     ->excludes(rooms);
  cmd->add_option("--follow-backlog", flags.follow_backlog,
                  "With --follow: how many of the last lines a new client gets first")
      ->needs(follow)
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
}

struct AppChoice {
  std::unique_ptr<net::App> app;
  std::string name;  // for the startup log line
};

Result<AppChoice> make_app(const AppFlags& flags, net::ServerOptions& options,
                           net::EventLoop& loop) {
  if (flags.rooms && !flags.redis.empty()) {
#ifdef WSLAB_HAVE_ROOMS_REDIS
    auto app = rooms::make_redis_rooms_app(loop, flags.tokens, flags.token_file, flags.redis);
    if (!app) return Error{app.error()};
    rooms::configure_rooms_server(options);
    return AppChoice{std::move(*app), "wslab.rooms.v1 chat rooms shared through " + flags.redis};
#else
    return Error{"--redis: this wslab was built without hiredis (libhiredis-dev)"};
#endif
  }
  if (flags.rooms) {
    auto app = rooms::make_rooms_app(flags.tokens, flags.token_file);
    if (!app) return Error{app.error()};
    rooms::configure_rooms_server(options);
    return AppChoice{std::move(*app), "wslab.rooms.v1 chat rooms"};
  }
  if (!flags.follow.empty()) {
    net::FollowOptions follow;
    follow.path = flags.follow;
    follow.backlog = flags.follow_backlog;
    follow.log = options.log;
    auto app = net::FollowApp::create(loop, std::move(follow));
    if (!app) return Error{app.error()};
    net::configure_follow_server(options);
    return AppChoice{std::move(*app), "wslab.follow.v1 lines of " + flags.follow};
  }
  return AppChoice{std::make_unique<net::EchoApp>(), "echo"};
}
// ---------------------------------------------------------------------------

net::ServerOptions to_options(const ServeFlags& f) {
  net::ServerOptions o;
  o.host = f.host;
  o.port = f.port;
  o.session.max_message_bytes = f.max_message;
  o.session.max_frame_bytes = f.max_message;  // one frame can never exceed the message
  o.session.heartbeat.ping_interval = Millis{f.ping_interval_ms};
  o.session.heartbeat.pong_timeout = Millis{f.pong_timeout_ms};
  o.session.server.allowed_origins = f.origins;
  o.session.server.subprotocols = f.subprotocols;
  o.web_root = f.web_root;
  o.max_write_buffer = f.max_write_buffer;
  o.log = f.quiet ? net::LogLevel::kQuiet
                  : (f.verbose ? net::LogLevel::kVerbose : net::LogLevel::kNormal);
  return o;
}

int run_serve(const ServeFlags& flags, const AppFlags& app_flags) {
  // A closed stdout/stderr pipe must not kill us; writes then just fail.
  std::signal(SIGPIPE, SIG_IGN);
  net::ServerOptions options = to_options(flags);
  net::EventLoop loop;  // before the app: --follow watches its file on this loop
  auto made = make_app(app_flags, options, loop);
  if (!made) {
    std::fprintf(stderr, "wslab serve: %s\n", made.error().c_str());
    return 2;
  }
  AppChoice choice = std::move(*made);
  net::Server server(loop, *choice.app, std::move(options));
  // Before anything could start a thread: SIGINT/SIGTERM become a graceful
  // shutdown (Close 1001 to every client) through a signalfd.
  if (Status st = server.shutdown_on_signals(); !st) {
    std::fprintf(stderr, "wslab serve: %s\n", st.message().c_str());
    return 1;
  }
  if (Status st = server.listen(); !st) {
    std::fprintf(stderr, "wslab serve: cannot listen on %s:%u: %s\n", flags.host.c_str(),
                 flags.port, st.message().c_str());
    return 1;
  }
  std::string host =
      flags.host.find(':') != std::string::npos ? "[" + flags.host + "]" : flags.host;
  std::printf("listening on ws://%s:%u/\n", host.c_str(), server.port());
  std::fflush(stdout);
  if (!flags.quiet) {
    std::string line = "serving " + choice.name;
    if (!flags.web_root.empty()) line += ", static files from " + flags.web_root;
    net::log_line(line);
  }
  loop.run();
  return 0;
}

}  // namespace

void register_serve(CLI::App& app) {
  auto* cmd = app.add_subcommand("serve", "Run the reference WebSocket server (echo on /)");
  auto flags = std::make_shared<ServeFlags>();
  auto app_flags = std::make_shared<AppFlags>();
  cmd->add_option("--host", flags->host, "Address to bind")->capture_default_str();
  cmd->add_option("--port", flags->port,
                  "TCP port; 0 picks a free one. The first stdout line is always "
                  "'listening on ws://HOST:PORT/'")
      ->capture_default_str();
  cmd->add_option("--max-message", flags->max_message,
                  "Largest message (and frame) accepted, in bytes; bigger ones close with 1009")
      ->capture_default_str();
  cmd->add_option("--ping-interval", flags->ping_interval_ms,
                  "Send a Ping after this many ms without traffic (0 = off)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--pong-timeout", flags->pong_timeout_ms,
                  "Drop a connection whose Pong has not come after this many ms (0 = never)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--origin", flags->origins,
                  "Allowed Origin (repeatable); others get 403. None given: any origin");
  cmd->add_option("--subprotocol", flags->subprotocols,
                  "Subprotocol offered, in preference order (repeatable)");
  cmd->add_option("--web-root", flags->web_root,
                  "Serve static files from this directory for plain HTTP GETs")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--max-write-buffer", flags->max_write_buffer,
                  "Bytes a connection may have waiting for a slow reader (plus the current "
                  "message) before it is dropped")
      ->capture_default_str();
  auto* quiet =
      cmd->add_flag("--quiet,-q", flags->quiet, "Log only errors and dropped connections");
  cmd->add_flag("--verbose,-v", flags->verbose, "Log every message and control frame")
      ->excludes(quiet);
  add_app_flags(cmd, *app_flags);
  cmd->callback([flags, app_flags] { set_exit_code(run_serve(*flags, *app_flags)); });
}

}  // namespace wslab::cli
