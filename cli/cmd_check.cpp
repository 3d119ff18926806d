// wslab check: placeholder until its component lands.
#include <cstdio>

#include "commands.hpp"

namespace wslab::cli {
void register_check(CLI::App& app) {
  auto* cmd = app.add_subcommand("check", "(not built yet)");
  cmd->allow_extras();
  cmd->callback([] {
    std::fprintf(stderr, "wslab check: not available in this build yet\n");
    set_exit_code(2);
  });
}
}  // namespace wslab::cli
