// Running a child process (the C++ compiler, a compiled tracing program,
// `wslab <cmd> --help`) with a time limit, capturing stdout and stderr.
// Used only by lint and the lessons checker, never by grading.
#pragma once

#include <string>
#include <vector>

namespace wslab::quiz {

struct ProcessResult {
  bool started = false;    // false: could not be spawned (see error)
  bool timed_out = false;  // killed after the time limit
  int exit_code = -1;      // when it exited normally
  int signal = 0;          // when it was killed by a signal
  std::string out;
  std::string err;
  std::string error;
  [[nodiscard]] bool ok() const { return started && !timed_out && signal == 0 && exit_code == 0; }
};

// argv[0] is looked up in PATH. Output beyond `max_output` bytes is dropped.
ProcessResult run_process(const std::vector<std::string>& argv, int timeout_ms,
                          std::size_t max_output = 1 << 20, const std::string& stdin_text = {});

}  // namespace wslab::quiz
