// The server under test as a child process (`wslab conform --spawn CMD`, or
// the built-in reference server `wslab serve --port 0`): started in its own
// process group, watched by a reaper thread so the runner learns at once when
// it dies (and how: exit code or signal), restarted on demand, stopped as a
// group. Its output is kept (the last 32 KiB) for failure reports.
#pragma once

#include <signal.h>

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "wslab/result.hpp"
#include "wslab/time.hpp"

namespace wslab::harness {

struct ServerSpec {
  // Either a shell command run with /bin/sh -c, where every "{port}" is
  // replaced by a free loopback port chosen for this start ...
  std::string shell_command;
  // ... or an argv executed directly; the port is then read from the first
  // stdout line "listening on ws://HOST:PORT/" (how `wslab serve` announces itself).
  std::vector<std::string> argv;
  Millis start_timeout{10000};  // until it accepts TCP
  std::string host = "127.0.0.1";
};

class ServerProcess {
 public:
  using Clock = std::chrono::steady_clock;

  // Starts the server and waits until it accepts TCP connections.
  static Result<std::unique_ptr<ServerProcess>> start(ServerSpec spec);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  [[nodiscard]] const std::string& host() const { return spec_.host; }
  [[nodiscard]] bool alive() const;
  // Waits up to `t` for the process to die; true when it is dead.
  bool wait_for_death(Millis t) const;
  // "server process died (signal 11, SIGSEGV)" / "server process died (exit code 3)".
  [[nodiscard]] std::string death_text() const;
  [[nodiscard]] Clock::time_point died_at() const;
  // Starts it again (on a fresh port); the generation counts restarts.
  Status restart();
  [[nodiscard]] std::uint64_t generation() const;
  [[nodiscard]] std::string output_tail() const;
  // The complete output tail of the process as it was when last stopped (or
  // restarted): after a restart, what the dead process printed.
  [[nodiscard]] std::string last_output_tail() const;
  [[nodiscard]] std::string command_text() const;  // what was run, for reports
  [[nodiscard]] int pid() const;
  // SIGTERM to the group, SIGKILL after a second; idempotent.
  void stop();

 private:
  explicit ServerProcess(ServerSpec spec) : spec_(std::move(spec)) {}
  Status launch();
  void reap(int pid);
  void read_output(int fd);

  ServerSpec spec_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  int pid_ = -1;
  bool dead_ = true;
  int status_ = 0;
  Clock::time_point died_at_{};
  std::uint16_t port_ = 0;
  std::uint64_t generation_ = 0;
  std::string tail_;
  std::string last_tail_;
  std::string first_line_;
  bool first_line_done_ = false;
  std::size_t scanned_ = 0;    // bytes of output lines read before the announcement
  bool alive_output_ = false;  // the reader keeps going until EOF while this is set
  std::string command_;
  std::thread reaper_;
  std::thread reader_;
};

// `word` as one word of /bin/sh (for ServerSpec::shell_command and the commands reports
// print): as it is when it is plain, else in single quotes.
std::string shell_quote(std::string_view word);
// A free TCP port on 127.0.0.1 (bound to port 0, read back, released).
std::uint16_t pick_free_port();
// SIGKILLs the process group of every server started by ServerProcess that has not been
// reaped yet: they run in groups of their own, so a Ctrl-C at the terminal does not reach
// them. Async-signal-safe (a SIGINT/SIGTERM handler calls it so no server outlives wslab).
void kill_server_groups();

// While one exists: SIGINT, SIGTERM, SIGHUP or SIGPIPE (Ctrl-C, a cancelled CI job, a closed
// terminal, `wslab conform | head`) first kill every server ServerProcess started
// (kill_server_groups), then the process dies of the signal as it would have. A signal
// ignored before (nohup) stays ignored; the previous handlers come back when it goes.
class ServersDieWithUs {
 public:
  ServersDieWithUs();
  ~ServersDieWithUs();
  ServersDieWithUs(const ServersDieWithUs&) = delete;
  ServersDieWithUs& operator=(const ServersDieWithUs&) = delete;

 private:
  static constexpr std::array<int, 4> kSignals = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
  std::array<struct sigaction, 4> old_{};
};

}  // namespace wslab::harness
