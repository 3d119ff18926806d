// The wslab-refpeer binary: `serve` prints its URL first and exits cleanly on
// SIGTERM; `client` turns stdin lines into messages and prints the replies.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "raw_ws.hpp"
#include "wslab/refpeer/client.hpp"
#include "wslab/refpeer/server.hpp"

extern char** environ;

namespace wslab::refpeer {
namespace {

using namespace std::chrono_literals;

// A child process with pipes on stdin and stdout; killed if still running at
// destruction. Every wait has a deadline.
class Child {
 public:
  explicit Child(const std::vector<std::string>& args) {
    int in_pipe[2], out_pipe[2];
    if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    stdin_ = in_pipe[1];
    stdout_ = out_pipe[0];
  }
  ~Child() {
    close_stdin();
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (stdout_ >= 0) ::close(stdout_);
  }
  [[nodiscard]] bool started() const { return pid_ > 0; }
  void write_stdin(const std::string& s) {
    [[maybe_unused]] const ssize_t n = ::write(stdin_, s.data(), s.size());
  }
  void close_stdin() {
    if (stdin_ >= 0) ::close(stdin_);
    stdin_ = -1;
  }
  void signal(int sig) { ::kill(pid_, sig); }
  // One line of stdout (without '\n'), or nullopt at the deadline or EOF.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const std::size_t nl = out_.find('\n');
      if (nl != std::string::npos) {
        std::string line = out_.substr(0, nl);
        out_.erase(0, nl + 1);
        return line;
      }
      if (!read_some(deadline)) return std::nullopt;
    }
  }
  // Everything until EOF (or the deadline).
  std::string read_all(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (read_some(deadline)) {
    }
    return std::exchange(out_, {});
  }
  // The exit status, or nullopt if the child is still running at the deadline.
  std::optional<int> wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(10ms);
    }
  }

 private:
  bool read_some(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{stdout_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    const ssize_t n = ::read(stdout_, buf, sizeof buf);
    if (n <= 0) return false;
    out_.append(buf, static_cast<std::size_t>(n));
    return true;
  }
  pid_t pid_ = -1;
  bool exited_ = false;
  int stdin_ = -1;
  int stdout_ = -1;
  std::string out_;
};

TEST(RefpeerCli, ServePrintsListeningLineAndStopsOnSigterm) {
  Child serve({WSLAB_REFPEER_BINARY, "serve", "--port", "0"});
  ASSERT_TRUE(serve.started());
  const auto line = serve.read_line(5s);
  ASSERT_TRUE(line.has_value());
  const std::string prefix = "listening on ws://127.0.0.1:";
  ASSERT_TRUE(line->starts_with(prefix)) << *line;
  ASSERT_TRUE(line->ends_with("/")) << *line;

  RefClient client;
  ASSERT_TRUE(client.connect(line->substr(std::string("listening on ").size())));
  ASSERT_TRUE(client.send_text("over the CLI"));
  const auto echo = client.receive(2s);
  ASSERT_TRUE(echo.has_value());
  EXPECT_EQ(echo->payload, "over the CLI");

  serve.signal(SIGTERM);
  const auto info = client.wait_closed(3s);  // §7.4.1: 1001 on shutdown
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->code, 1001);
  EXPECT_EQ(serve.wait(5s), std::optional<int>(0));
}

TEST(RefpeerCli, ServeReportsPortInUse) {
  RefServer server;
  ASSERT_TRUE(server.start());
  Child serve({WSLAB_REFPEER_BINARY, "serve", "--port", std::to_string(server.port())});
  ASSERT_TRUE(serve.started());
  EXPECT_EQ(serve.read_all(5s), "");
  EXPECT_EQ(serve.wait(5s), std::optional<int>(1));
}

TEST(RefpeerCli, ClientSendsStdinLinesAndPrintsReplies) {
  RefServer server;
  ASSERT_TRUE(server.start());
  Child client({WSLAB_REFPEER_BINARY, "client", server.url()});
  ASSERT_TRUE(client.started());
  client.write_stdin("hello\nworld\n");
  client.close_stdin();
  EXPECT_EQ(client.read_all(5s), "hello\nworld\n");
  EXPECT_EQ(client.wait(5s), std::optional<int>(0));
}

#ifdef WSLAB_REFPEER_HAVE_ROOMS
// docs/rooms-protocol.md §1 through the CLI: `serve --token T` (repeatable)
// refuses a rooms client without a token (401) and accepts either token.
TEST(RefpeerCli, ServeTokenRefusesRoomsClientWithoutToken) {
  Child serve({WSLAB_REFPEER_BINARY, "serve", "--token", "one", "--token", "two"});
  ASSERT_TRUE(serve.started());
  const auto line = serve.read_line(5s);
  ASSERT_TRUE(line.has_value());
  const std::string prefix = "listening on ws://127.0.0.1:";
  ASSERT_TRUE(line->starts_with(prefix)) << *line;
  const auto port = static_cast<std::uint16_t>(std::stoi(line->substr(prefix.size())));
  for (const auto& [target, status] : {std::pair{"/rooms", 401}, std::pair{"/rooms?token=two", 101},
                                       std::pair{"/rooms?token=three", 403}}) {
    test::RawClient raw;
    ASSERT_TRUE(raw.connect(port));
    ASSERT_TRUE(raw.send(test::upgrade_request(port, "Sec-WebSocket-Protocol: wslab.rooms.v1\r\n",
                                               "13", "GET", target)));
    EXPECT_EQ(test::status_code(raw.read_head()), status) << target;
  }
  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait(5s), std::optional<int>(0));
}
#endif

}  // namespace
}  // namespace wslab::refpeer
