// wslab check N: build the student's code, run the unit tests of labs 1..N,
// start the student server and run the conformance cases of labs 1..N against
// it, then print each failure (bytes both ways, RFC section, hint, lesson)
// and a score per lab. The logic lives in labs/tool (wslab_labs).
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <system_error>

#include "commands.hpp"
#include "wslab/labs/check.hpp"
#include "wslab/labs/lab_info.hpp"

namespace wslab::cli {
namespace {

// "1 (handshake), 2 (framing), ..., 6 (scale-out)": the labs there are, from the lab table.
std::string lab_list() {
  std::string s;
  for (const auto& l : labs::all_labs()) {
    s += (s.empty() ? "" : ", ") + std::to_string(l.number) + " (" +
         std::string(l.topic.substr(3)) + ")";
  }
  return s;
}

// N must name a lab of the table; the error says which labs there are.
CLI::Validator lab_number() {
  const auto& labs = labs::all_labs();
  const std::string range =
      std::to_string(labs.front().number) + ".." + std::to_string(labs.back().number);
  return CLI::Validator(
      [](std::string& value) -> std::string {
        int n = 0;
        const char* end = value.data() + value.size();
        const auto [ptr, ec] = std::from_chars(value.data(), end, n);
        if (ec != std::errc() || ptr != end) {
          return "\"" + value + "\" is not a lab number; the labs are " + lab_list();
        }
        if (labs::find_lab(n) == nullptr) {
          return "there is no lab " + value + "; the labs are " + lab_list();
        }
        return {};
      },
      range, "LAB");
}

}  // namespace

void register_check(CLI::App& app) {
  auto opts = std::make_shared<labs::CheckOptions>();
  auto no_color = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand(
      "check",
      "Grade your lab work: build, run the unit tests of labs 1..N, then the conformance cases "
      "of labs 1..N against your server (see labs/README.md)");
  cmd->add_option("lab", opts->lab,
                  "lab number N (labs 1..N are checked: they are cumulative). Lab 6 also starts "
                  "a throw-away redis-server (on PATH) and three instances of your rooms server")
      ->required()
      ->check(lab_number());
  cmd->add_option("--impl", opts->impl,
                  "starter: your code in labs/starter (default); solution: the reference (core/)")
      ->check(CLI::IsMember({"starter", "solution"}));
  cmd->add_option("--build-dir", opts->build_dir, "build directory (default: build/check-<impl>)");
  cmd->add_option("--source", opts->source_dir,
                  "repository root (default: found from the current directory upwards)");
  cmd->add_option("--jobs,-j", opts->jobs, "build jobs and parallel conformance cases (default 2)")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--timeout-scale", opts->timeout_scale,
                  "multiply every timeout (slow machines, sanitizers, a debugger)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--full", opts->full, "bulk conformance cases at full size (default: quick sizes)");
  cmd->add_flag("--no-build", opts->skip_build, "use the binaries already built");
  cmd->add_flag("--unit-only", opts->unit_only, "only the unit tests, not the conformance cases");
  cmd->add_flag("--all", opts->all_failures,
                "print every failure in full (default: the first few)");
  cmd->add_option(
      "--report", opts->report_dir,
      "also write the conformance reports (JSON, JUnit, Gradescope, Classroom, HTML) to DIR");
  cmd->add_flag("--no-color", *no_color, "no ANSI colours");
  cmd->callback([opts, no_color] {
    opts->color = !*no_color && ::isatty(1) != 0 && std::getenv("NO_COLOR") == nullptr;
    set_exit_code(labs::run_check(*opts));
  });
}
}  // namespace wslab::cli
