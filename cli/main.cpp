// wslab: entry point. Parses the command line with CLI11 and dispatches to
// the subcommand registered by each component (see commands.hpp).
#include <cstdio>
#include <exception>

#include "commands.hpp"

namespace wslab::cli {
namespace {
int g_exit_code = 0;
}
void set_exit_code(int code) {
  g_exit_code = code;
}
int exit_code() {
  return g_exit_code;
}
}  // namespace wslab::cli

int main(int argc, char** argv) {
  CLI::App app{
      "wslab: a WebSocket (RFC 6455) protocol lab and conformance harness.\n"
      "Run `wslab conform` with no URL to grade the built-in reference server.",
      "wslab"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "wslab 0.1.0");
  wslab::cli::register_serve(app);
  wslab::cli::register_client(app);
  wslab::cli::register_conform(app);
  wslab::cli::register_refpeer(app);
  wslab::cli::register_check(app);
  wslab::cli::register_classroom(app);
  wslab::cli::register_quiz(app);
  wslab::cli::register_fuzz(app);
  wslab::cli::register_bench(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wslab: %s\n", e.what());
    return 2;
  }
  return wslab::cli::exit_code();
}
