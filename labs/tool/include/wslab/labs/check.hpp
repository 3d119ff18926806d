// wslab check N: the student's progress meter, like CS144's `make checkN`.
//  1. configure and build (a build dir with -DWSLAB_LAB_IMPL=starter|solution):
//     the lab tests and the student server;
//  2. run the unit tests of labs 1..N (each binary under a deadline; a crash or
//     a hang is reported as such, with the test it happened in);
//  3. start the student server and run the conformance cases of labs 1..N
//     against it (the harness, in this process: the grader is the solution);
//  4. print, per failure, what was sent and what came back, the RFC section,
//     the hint and the lesson to reread; then a score per lab.
// Exit status 0 when every unit test and every case of labs 1..N passed.
#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>

namespace wslab::labs {

struct CheckOptions {
  int lab = 1;
  std::string impl = "starter";  // starter (your code) or solution (core)
  std::string source_dir;        // empty: found from the current directory upwards
  std::string build_dir;         // empty: <source>/build/check-<impl>
  int jobs = 2;                  // build jobs and parallel harness cases
  double timeout_scale = 1.0;
  bool full = false;          // bulk harness cases at full size (default: --quick sizes)
  bool skip_build = false;    // use the binaries already in the build dir
  bool unit_only = false;     // skip the harness
  bool all_failures = false;  // print every failure in full (default: the first few)
  bool color = false;
  std::string report_dir;  // write the harness reports (JSON, JUnit, Gradescope ...) here
};

int run_check(const CheckOptions& options);

// The targets CMake generated in a configured build directory, as its generator lists them
// (`cmake --build DIR --target help`: Ninja prints "NAME: phony", Makefiles "... NAME");
// nullopt when that could not be run or read. A lab whose tests CMake left out (lab 6
// without hiredis or redis-server) has no wslab_labN_tests there.
std::optional<std::set<std::string>> build_targets(const std::string& build_dir,
                                                   std::chrono::milliseconds timeout);

// The repository root: `start` or the nearest parent holding labs/CMakeLists.txt
// and a top-level CMakeLists.txt; empty when none.
std::string find_source_dir(const std::string& start);

}  // namespace wslab::labs
