// The server under test as a child process (see server_process.hpp).
// posix_spawn (safe in a threaded program) into its own process group; a
// reaper thread blocks in waitpid so death is noticed at once; a reader
// thread keeps the tail of its output and its "listening on" line.
#include "wslab/harness/server_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace wslab::harness {
namespace {

constexpr std::size_t kTailBytes = 32 * 1024;

// The process group of every server not reaped yet, for kill_server_groups(): lock-free
// slots a signal handler may read (0: free).
std::array<std::atomic<int>, 64> g_live_groups{};

void add_live_group(int pid) {
  for (auto& slot : g_live_groups) {
    int free = 0;
    if (slot.compare_exchange_strong(free, pid)) return;
  }
}

void remove_live_group(int pid) {
  for (auto& slot : g_live_groups) {
    int p = pid;
    if (slot.compare_exchange_strong(p, 0)) return;
  }
}

std::string signal_text(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return "signal " + std::to_string(sig) + (abbrev ? std::string(", SIG") + abbrev : "");
}

// Can we complete a TCP connect to host:port within `t`?
bool accepts_tcp(const std::string& host, std::uint16_t port, Millis t) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) return false;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  bool ok = false;
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  if (rc == 0) {
    ok = true;
  } else if (errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, static_cast<int>(t.count())) == 1) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      ok = err == 0;
    }
  }
  ::close(fd);
  return ok;
}

// The port in "listening on ws://HOST:PORT/" (0 if the line is not that).
std::uint16_t listening_port(const std::string& line) {
  static constexpr std::string_view kPrefix = "listening on ws://";
  auto at = line.find(kPrefix);
  if (at == std::string::npos) return 0;
  auto authority = line.substr(at + kPrefix.size());
  authority = authority.substr(0, authority.find_first_of("/ \t\r"));
  auto colon = authority.rfind(':');
  if (colon == std::string::npos) return 0;
  unsigned long port = 0;
  std::size_t digits = 0;
  for (std::size_t i = colon + 1; i < authority.size(); ++i, ++digits) {
    char c = authority[i];
    if (c < '0' || c > '9' || port > 65535) return 0;
    port = port * 10 + static_cast<unsigned long>(c - '0');
  }
  return digits > 0 && port > 0 && port <= 65535 ? static_cast<std::uint16_t>(port) : 0;
}

}  // namespace

std::uint16_t pick_free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    socklen_t len = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
      port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

std::string shell_quote(std::string_view word) {
  constexpr std::string_view kPlain =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._+-";
  if (!word.empty() && word.find_first_not_of(kPlain) == std::string_view::npos) {
    return std::string(word);
  }
  std::string quoted = "'";
  for (const char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

void kill_server_groups() {
  for (auto& slot : g_live_groups) {
    const int pid = slot.load();
    if (pid > 0) ::kill(-pid, SIGKILL);
  }
}

namespace {
void kill_servers_and_die(int sig) {
  kill_server_groups();
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}
}  // namespace

ServersDieWithUs::ServersDieWithUs() {
  struct sigaction sa {};
  sa.sa_handler = kill_servers_and_die;
  sigemptyset(&sa.sa_mask);
  for (std::size_t i = 0; i < kSignals.size(); ++i) {
    ::sigaction(kSignals[i], nullptr, &old_[i]);
    if (old_[i].sa_handler != SIG_IGN) ::sigaction(kSignals[i], &sa, nullptr);
  }
}

ServersDieWithUs::~ServersDieWithUs() {
  for (std::size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &old_[i], nullptr);
}

Result<std::unique_ptr<ServerProcess>> ServerProcess::start(ServerSpec spec) {
  std::unique_ptr<ServerProcess> p(new ServerProcess(std::move(spec)));
  auto st = p->launch();
  if (!st) return Error{st.message()};
  return p;
}

ServerProcess::~ServerProcess() {
  stop();
}

std::uint16_t ServerProcess::port() const {
  std::lock_guard lock(mu_);
  return port_;
}

bool ServerProcess::alive() const {
  std::lock_guard lock(mu_);
  return !dead_;
}

bool ServerProcess::wait_for_death(Millis t) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, t, [&] { return dead_; });
}

std::string ServerProcess::death_text() const {
  std::lock_guard lock(mu_);
  if (!dead_) return "server process is running";
  if (WIFSIGNALED(status_)) return "server process died (" + signal_text(WTERMSIG(status_)) + ")";
  if (WIFEXITED(status_)) {
    int code = WEXITSTATUS(status_);
    std::string s = "server process died (exit code " + std::to_string(code);
    // A shell that ran the server as its child reports a fatal signal as 128+N.
    if (!spec_.shell_command.empty() && code > 128 && code < 128 + 65) {
      s += ": the shell reports " + signal_text(code - 128);
    }
    return s + ")";
  }
  return "server process died";
}

ServerProcess::Clock::time_point ServerProcess::died_at() const {
  std::lock_guard lock(mu_);
  return died_at_;
}

std::uint64_t ServerProcess::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

std::string ServerProcess::output_tail() const {
  std::lock_guard lock(mu_);
  return tail_;
}

std::string ServerProcess::last_output_tail() const {
  std::lock_guard lock(mu_);
  return last_tail_;
}

std::string ServerProcess::command_text() const {
  std::lock_guard lock(mu_);
  return command_;
}

int ServerProcess::pid() const {
  std::lock_guard lock(mu_);
  return pid_;
}

void ServerProcess::reap(int pid) {
  // Wait without reaping first: until it is reaped its pid (the group id) cannot be reused,
  // so the list kill_server_groups() reads names no other process's group.
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
  }
  remove_live_group(pid);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::lock_guard lock(mu_);
  dead_ = true;
  status_ = status;
  died_at_ = Clock::now();
  cv_.notify_all();
}

void ServerProcess::read_output(int fd) {
  char buf[4096];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    int rc = ::poll(&p, 1, 100);
    if (rc < 0 && errno == EINTR) continue;
    if (rc == 0) {
      std::lock_guard lock(mu_);
      if (dead_ && !alive_output_) break;  // nobody will write anymore (or stop() asked)
      continue;
    }
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    std::lock_guard lock(mu_);
    tail_.append(buf, static_cast<std::size_t>(n));
    if (tail_.size() > kTailBytes) tail_.erase(0, tail_.size() - kTailBytes);
    if (!first_line_done_) {
      // The announcement may follow log lines (wslab serve --redis logs first): look at
      // every complete line of the first 16 KiB for "listening on ws://".
      first_line_.append(buf, static_cast<std::size_t>(n));
      for (auto nl = first_line_.find('\n'); nl != std::string::npos; nl = first_line_.find('\n')) {
        std::string line = first_line_.substr(0, nl);
        if (listening_port(line) != 0 || scanned_ + nl >= 16384) {
          first_line_ = std::move(line);
          first_line_done_ = true;
          cv_.notify_all();
          break;
        }
        scanned_ += nl + 1;
        first_line_.erase(0, nl + 1);
      }
      if (!first_line_done_ && first_line_.size() > 4096) {
        first_line_done_ = true;
        cv_.notify_all();
      }
    }
  }
  ::close(fd);
  std::lock_guard lock(mu_);
  first_line_done_ = true;
  cv_.notify_all();
}

Status ServerProcess::launch() {
  std::vector<std::string> argv;
  std::uint16_t port = 0;
  if (!spec_.shell_command.empty()) {
    port = pick_free_port();
    if (port == 0) return Status::fail("could not find a free port on 127.0.0.1");
    std::string cmd = spec_.shell_command;
    std::string p = std::to_string(port);
    for (auto pos = cmd.find("{port}"); pos != std::string::npos; pos = cmd.find("{port}", pos)) {
      cmd.replace(pos, 6, p);
      pos += p.size();
    }
    argv = {"/bin/sh", "-c", cmd};
  } else {
    argv = spec_.argv;
    if (argv.empty()) return Status::fail("no server command given");
  }

  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0)
    return Status::fail(std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, cargv[0], &fa, &attr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(pipefd[1]);
  if (rc != 0) {
    ::close(pipefd[0]);
    return Status::fail("could not start " + argv[0] + ": " + std::strerror(rc));
  }
  {
    std::lock_guard lock(mu_);
    pid_ = pid;
    dead_ = false;
    alive_output_ = true;
    status_ = 0;
    port_ = port;
    tail_.clear();
    first_line_.clear();
    first_line_done_ = false;
    scanned_ = 0;
    command_.clear();
    for (std::size_t i = 0; i < argv.size(); ++i) command_ += (i ? " " : "") + argv[i];
    if (!spec_.shell_command.empty()) command_ = argv[2];
  }
  add_live_group(pid);
  reaper_ = std::thread([this, pid] { reap(pid); });
  reader_ = std::thread([this, fd = pipefd[0]] { read_output(fd); });

  auto deadline = Clock::now() + spec_.start_timeout;
  auto fail = [&](std::string why) {
    stop();  // joins the output reader: the tail is complete after this
    std::string tail = last_output_tail();
    if (!tail.empty()) why += "\n--- its output ---\n" + tail;
    return Status::fail(why);
  };
  if (spec_.shell_command.empty()) {
    // Read the port from "listening on ws://HOST:PORT/".
    std::unique_lock lock(mu_);
    cv_.wait_until(lock, deadline, [&] { return first_line_done_ || dead_; });
    std::string line = first_line_;
    bool died = dead_;
    lock.unlock();
    std::uint16_t announced = listening_port(line);
    if (announced == 0) {
      if (died) return fail("the server exited before announcing its port: " + death_text());
      return fail("the server did not print \"listening on ws://HOST:PORT/\" within " +
                  std::to_string(spec_.start_timeout.count()) + " ms");
    }
    std::lock_guard relock(mu_);
    port_ = announced;
    port = port_;
  }
  for (;;) {
    if (!alive()) {
      return fail("the server exited before accepting connections: " + death_text());
    }
    if (accepts_tcp(spec_.host, port, Millis{200})) return Status::ok();
    if (Clock::now() >= deadline) {
      return fail("the server did not accept TCP connections on " + spec_.host + ":" +
                  std::to_string(port) + " within " + std::to_string(spec_.start_timeout.count()) +
                  " ms");
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, Millis{10}, [&] { return dead_; });
  }
}

Status ServerProcess::restart() {
  stop();
  {
    std::lock_guard lock(mu_);
    ++generation_;
  }
  return launch();
}

void ServerProcess::stop() {
  int pid;
  {
    std::lock_guard lock(mu_);
    pid = pid_;
  }
  if (pid > 0) {
    if (alive()) {
      ::kill(-pid, SIGTERM);
      if (!wait_for_death(Millis{1000})) ::kill(-pid, SIGKILL);
    }
    ::kill(-pid, SIGKILL);  // whatever else is left in its group
  }
  if (reaper_.joinable()) reaper_.join();
  {
    std::lock_guard lock(mu_);
    alive_output_ = false;
  }
  if (reader_.joinable()) reader_.join();
  std::lock_guard lock(mu_);
  if (pid_ > 0) last_tail_ = tail_;
  pid_ = -1;
}

}  // namespace wslab::harness
