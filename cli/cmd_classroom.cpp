// wslab classroom export DIR: make a student repository (the starter in place
// of the solution, handouts, lab tests, net/, lessons, its own CMakeLists.txt,
// and the grader binary in tools/bin/), checked for leaks of solution code.
// The logic lives in labs/tool (wslab_labs); docs/instructors.md explains it.
#include <cstdio>
#include <memory>
#include <string>

#include "commands.hpp"
#include "wslab/labs/classroom.hpp"

namespace wslab::cli {
void register_classroom(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "classroom", "Run a course: make the student repository (see docs/instructors.md)");
  cmd->require_subcommand(1);
  auto opts = std::make_shared<labs::ExportOptions>();
  auto no_binary = std::make_shared<bool>(false);
  auto* exp = cmd->add_subcommand(
      "export",
      "Write a student repository to DIR: the starter instead of the solution, handouts, "
      "tests, net/, lessons, and the grader in tools/bin/");
  exp->add_option("dir", opts->out_dir, "the directory to create")->required();
  exp->add_option("--source", opts->source_dir,
                  "this repository (default: found from the current directory)");
  exp->add_flag(
      "--no-binary", *no_binary,
      "do not copy the wslab grader into tools/bin/ (the instructor provides it another way)");
  exp->add_flag("--force", opts->force, "replace DIR if it exists");
  exp->callback([opts, no_binary] {
    opts->with_binary = !*no_binary;
    auto r = labs::export_classroom(*opts);
    if (!r) {
      std::fprintf(stderr, "wslab classroom export: %s\n", r.error().c_str());
      set_exit_code(1);
      return;
    }
    std::printf("wrote %s: %zu files, %zu KiB\n", opts->out_dir.c_str(), r->files, r->bytes >> 10);
    for (const auto& n : r->notes) std::printf("  %s\n", n.c_str());
    std::printf("next: cd %s && git init && git add . && git commit -m 'WebSocket labs'\n",
                opts->out_dir.c_str());
  });
}
}  // namespace wslab::cli
