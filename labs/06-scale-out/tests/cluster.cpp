// The lab 6 test cluster (see cluster.hpp).
#include "cluster.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bytes.hpp"
#include "lab_rooms_app.hpp"

namespace wslab::labtest {
namespace {

using namespace std::chrono_literals;

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool accepts(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

RedisProcess::RedisProcess() : port_(free_port()) {}

RedisProcess::~RedisProcess() {
  stop();
}

bool RedisProcess::start() {
  stop();
  pid_ = ::fork();
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test binary
    const int devnull = ::open("/dev/null", O_WRONLY);
    if (devnull >= 0) {  // its start-up warnings are not the test's output
      ::dup2(devnull, STDOUT_FILENO);
      ::dup2(devnull, STDERR_FILENO);
    }
    const std::string port = std::to_string(port_);
    ::execl(WSLAB_REDIS_SERVER, WSLAB_REDIS_SERVER, "--port", port.c_str(), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--loglevel", "warning",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  if (pid_ < 0) {
    error_ = "fork failed";
    return false;
  }
  for (int i = 0; i < 250; ++i) {  // at most 5 s
    if (accepts(port_)) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error_ = std::string(WSLAB_REDIS_SERVER) + " --port " + std::to_string(port_) +
               " exited (status " + std::to_string(status) + "): is the port taken?";
      return false;
    }
    std::this_thread::sleep_for(20ms);
  }
  error_ = "redis-server did not accept connections within 5 s";
  return false;
}

void RedisProcess::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string RedisProcess::url() const {
  return "redis://127.0.0.1:" + std::to_string(port_);
}

Instance::Instance(const std::string& redis_url) {
  auto url = rooms::parse_redis_url(redis_url);
  if (!url) {
    error_ = url.error();
    return;
  }
  rooms::RedisRoomsOptions o;
  o.redis = *url;
  net::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.log = net::LogLevel::kQuiet;
  options.shutdown_timeout = Millis{500};
  labs::configure_lab_rooms_server(options, o.limits);
  app_ = std::make_unique<rooms::RedisRoomsApp>(loop_, std::move(o));
  server_ = std::make_unique<net::Server>(loop_, *app_, std::move(options));
  if (Status st = server_->listen(); !st) {
    error_ = "cannot listen: " + st.message();
    return;
  }
  port_ = server_->port();
  thread_ = std::thread([this] { loop_.run(); });
  ok_ = true;
}

Instance::~Instance() {
  if (thread_.joinable()) {
    loop_.run_in_loop([this] { server_->request_shutdown(); });
    thread_.join();
  }
}

bool Member::open(std::uint16_t port, const std::string& name) {
  if (!client_.connect(port)) {
    error_ = "connect: " + client_.error();
    return false;
  }
  client_.send(upgrade_request("/rooms", {}, "Sec-WebSocket-Protocol: wslab.rooms.v1\r\n"));
  client_.read_until(has_http_head, 3000ms);
  const auto end = client_.received().find("\r\n\r\n");
  if (end == std::string::npos || client_.received().rfind("HTTP/1.1 101", 0) != 0) {
    error_ = "the upgrade was not accepted: " + escaped(client_.received());
    return false;
  }
  client_.received().erase(0, end + 4);
  send({{"type", "hello"}, {"name", name}});
  const json w = next_of("welcome");
  if (w.empty()) {
    error_ = "no welcome after hello; received: " + transcript();
    return false;
  }
  name_ = w.value("name", "");
  return true;
}

void Member::send(const json& message) {
  client_.send(client_frame(0x1, message.dump()));
}

json Member::read_one(std::chrono::milliseconds timeout, bool keep_status) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::string rest;
    for (auto& f : parse_frames(client_.received(), &rest)) inbox_.push_back(std::move(f));
    client_.received() = rest;
    if (!inbox_.empty()) {
      const ParsedFrame f = std::move(inbox_.front());
      inbox_.pop_front();
      if (f.opcode == 0x8) return json::object();  // the server closed
      if (f.opcode != 0x1) continue;
      json j = json::parse(f.payload, nullptr, false);
      seen_.push_back(f.payload);
      if (!j.is_object()) j = json{{"type", "(not a JSON object)"}, {"text", f.payload}};
      const std::string type = j.is_object() ? j.value("type", "") : "";
      if ((type == "status" || type == "typing") && !keep_status) continue;
      return j;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline || client_.peer_closed()) return json::object();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    const std::size_t had = client_.received().size();
    client_.read_until([had](std::string_view bytes) { return bytes.size() > had; }, left);
  }
}

json Member::next(std::chrono::milliseconds timeout) {
  return read_one(timeout, false);
}

json Member::next_of(const std::string& type, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return json::object();
    json j = read_one(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now),
                      type == "status");
    if (j.empty()) return j;
    if (j.value("type", "") == type) return j;
    skipped_.push_back(std::move(j));
  }
}

json Member::join(const std::string& room, std::optional<std::uint64_t> since) {
  json m{{"type", "join"}, {"room", room}};
  if (since) m["since"] = *since;
  send(m);
  return next_of("joined");
}

json Member::say(const std::string& room, const std::string& text) {
  send({{"type", "say"}, {"room", room}, {"text", text}});
  const auto deadline = std::chrono::steady_clock::now() + 3000ms;
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return json::object();
    json m =
        next_of("message", std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
    if (m.empty()) return m;
    if (m.value("from", "") == name_ && m.value("text", "") == text) return m;
    skipped_.push_back(std::move(m));
  }
}

json Member::anything_within(std::chrono::milliseconds window) {
  return read_one(window, false);
}

std::string Member::transcript() const {
  std::string s;
  for (const auto& t : seen_) s += "\n    " + t;
  return s.empty() ? std::string(" (nothing)") : s;
}

void Cluster::SetUp() {
  Fixture::SetUp();
  ASSERT_TRUE(redis.start()) << redis.error();
  for (int i = 0; i < 3; ++i) {
    instances.push_back(std::make_unique<Instance>(redis.url()));
    ASSERT_TRUE(instances.back()->ok()) << instances.back()->error();
  }
}

}  // namespace wslab::labtest
