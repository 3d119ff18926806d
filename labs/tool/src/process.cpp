// Child processes with a deadline, for wslab check.
#include "wslab/labs/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace wslab::labs {

std::string ProcessResult::describe() const {
  if (!started) return "could not start: " + output;
  if (timed_out) return "did not finish in time (killed)";
  if (signal != 0) {
    const char* name = ::strsignal(signal);
    return "killed by signal " + std::to_string(signal) + " (" + (name != nullptr ? name : "?") +
           ")";
  }
  return "exit code " + std::to_string(exit_code);
}

std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return {};
  std::string all = path;
  std::size_t pos = 0;
  while (pos <= all.size()) {
    const auto colon = all.find(':', pos);
    const std::string dir =
        all.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos);
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    if (colon == std::string::npos) break;
    pos = colon + 1;
  }
  return {};
}

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  ProcessResult r;
  if (argv.empty()) {
    r.output = "empty command";
    return r;
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    r.output = std::string("pipe: ") + std::strerror(errno);
    return r;
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    r.output = std::string("fork: ") + std::strerror(errno);
    ::close(fds[0]);
    ::close(fds[1]);
    return r;
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) _exit(126);
    ::signal(SIGPIPE, SIG_DFL);
    ::execvp(args[0], args.data());
    std::fprintf(stderr, "cannot run %s: %s\n", args[0], std::strerror(errno));
    _exit(127);
  }
  ::setpgid(pid, pid);
  ::close(fds[1]);
  r.started = true;
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  char buf[16384];
  bool open = true;
  while (open) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      r.timed_out = true;
      ::kill(-pid, SIGKILL);
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    const ssize_t got = ::read(fds[0], buf, sizeof buf);
    if (got > 0) {
      if (options.echo) {
        [[maybe_unused]] auto w = ::write(2, buf, static_cast<std::size_t>(got));
      }
      r.output.append(buf, static_cast<std::size_t>(got));
      if (r.output.size() > options.max_output)
        r.output.erase(0, r.output.size() - options.max_output);
    } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
      open = false;
    }
  }
  ::close(fds[0]);
  int status = 0;
  while (true) {
    const pid_t w = ::waitpid(pid, &status, r.timed_out ? 0 : WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) break;
    if (w == 0 && std::chrono::steady_clock::now() >= deadline) {
      r.timed_out = true;  // closed its output but kept running
      ::kill(-pid, SIGKILL);
      continue;
    }
    if (w == 0) ::usleep(10000);
  }
  // The group may have left children behind (a test's server): kill them too.
  ::kill(-pid, SIGKILL);
  if (!r.timed_out) {
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  }
  return r;
}

}  // namespace wslab::labs
