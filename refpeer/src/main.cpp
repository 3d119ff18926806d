// wslab-refpeer: the libwebsockets reference peer as a small stand-alone
// binary (`serve`, `client`), for tools that spawn it without the main CLI.
#include <cstdio>
#include <exception>

#include "wslab/refpeer/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"wslab-refpeer: the libwebsockets (4.1.6) reference WebSocket peer",
               "wslab-refpeer"};
  app.require_subcommand(1);
  int exit_code = 0;
  wslab::refpeer::add_refpeer_commands(app, [&exit_code](int code) { exit_code = code; });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wslab-refpeer: %s\n", e.what());
    return 2;
  }
  return exit_code;
}
