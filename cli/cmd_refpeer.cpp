// wslab refpeer: the libwebsockets reference peer (refpeer/), `serve` and
// `client`. The same commands ship as the stand-alone wslab-refpeer binary.
#include "commands.hpp"
#include "wslab/refpeer/commands.hpp"

namespace wslab::cli {
void register_refpeer(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "refpeer", "The libwebsockets reference peer: `serve` an echo server, or run a `client`");
  cmd->require_subcommand(1);
  wslab::refpeer::add_refpeer_commands(*cmd, [](int code) { set_exit_code(code); });
}
}  // namespace wslab::cli
