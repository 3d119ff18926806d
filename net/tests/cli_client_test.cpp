// `wslab client` end to end against an in-process server: what a user sees,
// and the exit statuses scripts rely on (0 clean close, 3 cannot connect,
// 4 handshake rejected).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.hpp"
#include "wslab/net/echo_app.hpp"

namespace wslab::net::test {
namespace {

struct ClientRun {
  int status = -1;
  std::string out;
  std::string err;
};

// Runs `wslab client args...` with `input` on stdin; everything bounded by kWait.
ClientRun run_client(const std::vector<std::string>& args, const std::string& input) {
  int in[2], out[2], err[2];
  EXPECT_EQ(::pipe2(in, O_CLOEXEC), 0);
  EXPECT_EQ(::pipe2(out, O_CLOEXEC), 0);
  EXPECT_EQ(::pipe2(err, O_CLOEXEC), 0);
  std::vector<std::string> argv_s = {wslab_binary(), "client"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  EXPECT_EQ(::write(in[1], input.data(), input.size()), static_cast<ssize_t>(input.size()));
  ::close(in[1]);
  ClientRun r;
  auto deadline = std::chrono::steady_clock::now() + kWait;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0 && std::chrono::steady_clock::now() < deadline) {
    if (::poll(fds, 2, 50) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
        continue;
      }
      (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) ::close(f.fd);
  }
  int status = 0;
  if (open_fds > 0) ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  r.status = open_fds > 0 ? -1 : (WIFEXITED(status) ? WEXITSTATUS(status) : 128);
  return r;
}

TEST(NetCliClient, PrintsEchoesAndCleanClose) {
  EchoApp app;
  ServerOptions o;
  o.log = LogLevel::kQuiet;
  ServerThread server(app, o);
  std::string url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/";
  ClientRun r = run_client({url}, "one\ntwo\n");
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("< one\n< two\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("closed: 1000 Normal Closure"), std::string::npos) << r.out;
}

TEST(NetCliClient, BinaryFlagSendsBinaryMessages) {
  EchoApp app;
  ServerOptions o;
  o.log = LogLevel::kQuiet;
  ServerThread server(app, o);
  std::string url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/";
  ClientRun r = run_client({"--binary", url}, "abc\n");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("< [binary 3 bytes] 61 62 63"), std::string::npos) << r.out;
}

TEST(NetCliClient, ConnectionRefusedExits3) {
  auto listener = listen_tcp("127.0.0.1", 0);
  ASSERT_TRUE(listener.is_ok());
  std::uint16_t port = local_port(listener->get());
  listener->reset();
  ClientRun r = run_client({"ws://127.0.0.1:" + std::to_string(port) + "/"}, "");
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.err.find("Connection refused"), std::string::npos) << r.err;
}

class Refuser : public EchoApp {
 public:
  UpgradeDecision on_upgrade(const UpgradeRequest&) override {
    return UpgradeDecision::reject(401, "who are you?");
  }
};

TEST(NetCliClient, RejectedHandshakeExits4WithStatus) {
  Refuser app;
  ServerOptions o;
  o.log = LogLevel::kQuiet;
  ServerThread server(app, o);
  ClientRun r = run_client({"ws://127.0.0.1:" + std::to_string(server.port()) + "/"}, "");
  EXPECT_EQ(r.status, 4);
  EXPECT_NE(r.err.find("status 401"), std::string::npos) << r.err;
}

TEST(NetCliClient, BadUrlExits2) {
  ClientRun r = run_client({"http://127.0.0.1/"}, "");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("not a ws:// URL"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace wslab::net::test
