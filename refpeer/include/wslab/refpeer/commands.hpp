// The reference peer's command line: `serve` and `client` subcommands, shared
// by `wslab refpeer ...` and the stand-alone `wslab-refpeer` binary.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace wslab::refpeer {

// Adds `serve` and `client` to `parent`. Each callback reports its exit status
// through `set_exit_code` (0 ok, 1 runtime failure, 2 usage error).
void add_refpeer_commands(CLI::App& parent, std::function<void(int)> set_exit_code);

}  // namespace wslab::refpeer
