// The wslab command line: one subcommand per file, each registered here.
// A subcommand's file belongs to the component it drives (serve -> net,
// conform -> harness, quiz -> quiz ...); main.cpp only wires them together.
#pragma once

#include <CLI/CLI.hpp>

namespace wslab::cli {

// Each register_* adds its subcommand (flags, --help text, callback) to `app`.
// Callbacks report their exit status through set_exit_code().
void register_serve(CLI::App& app);
void register_client(CLI::App& app);
void register_conform(CLI::App& app);
void register_refpeer(CLI::App& app);
void register_check(CLI::App& app);
void register_classroom(CLI::App& app);
void register_quiz(CLI::App& app);
void register_fuzz(CLI::App& app);
void register_bench(CLI::App& app);

void set_exit_code(int code);
int exit_code();

}  // namespace wslab::cli
