// Running a child process with a deadline (wslab check builds the student's
// code and runs the lab tests with it): its own process group, stdout and
// stderr captured together, killed as a group when the deadline passes, and
// the way it ended told apart (exit code, signal, timeout). Never hangs.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace wslab::labs {

struct ProcessResult {
  bool started = false;  // false: fork/exec failed (see output)
  bool timed_out = false;
  int exit_code = -1;  // when it exited
  int signal = 0;      // when a signal killed it (SIGSEGV, SIGABRT ...)
  std::string output;  // stdout + stderr (the last `max_output` bytes)
  [[nodiscard]] bool ok() const { return started && !timed_out && signal == 0 && exit_code == 0; }
  // "exit code 1", "killed by signal 11 (SIGSEGV)", "timed out after 60 s", "could not start: ..."
  [[nodiscard]] std::string describe() const;
};

struct ProcessOptions {
  std::chrono::milliseconds timeout{60000};
  std::string cwd;    // empty: ours
  bool echo = false;  // also copy the output to our stderr as it comes
  std::size_t max_output = 4u << 20;
};

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options);

// The full path of `name` found on PATH, or "".
std::string find_on_path(const std::string& name);

}  // namespace wslab::labs
