#include "support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <future>
#include <stdexcept>

#include "wslab/handshake.hpp"

namespace wslab::net::test {

namespace {
int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}
}  // namespace

// ---------------------------------------------------------------- ServerThread

ServerThread::ServerThread(App& app, ServerOptions options) {
  server_ = std::make_unique<Server>(loop_, app, std::move(options));
  if (Status st = server_->listen(); !st) throw std::runtime_error(st.message());
  port_ = server_->port();
  auto finished = finished_;
  thread_ = std::thread([this, finished] {
    loop_.run();
    finished->store(true);
  });
}

ServerThread::~ServerThread() {
  if (thread_.joinable()) shutdown_and_join();
}

bool ServerThread::call(const std::function<void(Server&)>& fn) {
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  Server* server = server_.get();
  loop_.run_in_loop([fn, done, server] {
    fn(*server);
    done->set_value();
  });
  return future.wait_for(kWait) == std::future_status::ready;
}

bool ServerThread::shutdown_and_join(std::chrono::milliseconds timeout) {
  if (!thread_.joinable()) return true;
  server_->request_shutdown();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!finished_->load() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(2ms);
  }
  bool in_time = finished_->load();
  if (!in_time) loop_.run_in_loop([this] { loop_.stop(); });
  thread_.join();
  return in_time;
}

// ---------------------------------------------------------------- Frame

std::optional<std::uint16_t> Frame::close_code() const {
  if (opcode != static_cast<std::uint8_t>(Opcode::kClose) || payload.size() < 2)
    return std::nullopt;
  return static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                    static_cast<unsigned char>(payload[1]));
}

// ---------------------------------------------------------------- RawClient

RawClient::~RawClient() {
  close();
}

void RawClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool RawClient::connect(std::uint16_t port, int receive_buffer) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  if (receive_buffer > 0) {
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

bool RawClient::send_all(std::string_view bytes) {
  auto deadline = std::chrono::steady_clock::now() + kWait;
  std::size_t done = 0;
  while (done < bytes.size()) {
    pollfd p{fd_, POLLOUT, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
    ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool RawClient::handshake(const std::string& path, const std::vector<std::string>& extra_headers) {
  ClientHandshakeRequest req;
  req.host = "127.0.0.1";
  req.path = path;
  for (const auto& h : extra_headers) {
    auto colon = h.find(':');
    std::string value = h.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    req.extra_headers.push_back({h.substr(0, colon), value});
  }
  if (!send_all(build_request(req))) return false;
  auto deadline = std::chrono::steady_clock::now() + kWait;
  while (true) {
    auto end = buf_.find("\r\n\r\n");
    if (end != std::string::npos) {
      head_ = buf_.substr(0, end + 4);
      buf_.erase(0, end + 4);
      break;
    }
    if (fill(deadline) != ReadEnd::kFrame) return false;
  }
  // "HTTP/1.1 101 Switching Protocols"
  if (head_.size() < 12) return false;
  status_ = std::stoi(head_.substr(9, 3));
  return status_ == 101;
}

bool RawClient::send_frame(Opcode op, std::string_view payload, bool fin) {
  return send_all(FrameBuilder().fin(fin).opcode(op).random_mask().payload(payload).build());
}

bool RawClient::send_close(std::uint16_t code, std::string_view reason) {
  std::string body;
  body.push_back(static_cast<char>(code >> 8));
  body.push_back(static_cast<char>(code & 0xFF));
  body.append(reason);
  return send_frame(Opcode::kClose, body);
}

ReadEnd RawClient::fill(std::chrono::steady_clock::time_point deadline) {
  pollfd p{fd_, POLLIN, 0};
  int rc = ::poll(&p, 1, remaining_ms(deadline));
  if (rc <= 0) return ReadEnd::kTimeout;
  char tmp[65536];
  ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
  if (n > 0) {
    buf_.append(tmp, static_cast<std::size_t>(n));
    return ReadEnd::kFrame;
  }
  if (n == 0) return ReadEnd::kEof;
  return ReadEnd::kReset;
}

ReadEnd RawClient::read_frame(Frame& out, std::chrono::milliseconds timeout) {
  // Server frames are unmasked; parsed here independently of core (a test oracle).
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (buf_.size() >= 2) {
      auto b0 = static_cast<unsigned char>(buf_[0]);
      auto b1 = static_cast<unsigned char>(buf_[1]);
      std::size_t header = 2;
      std::uint64_t len = b1 & 0x7F;
      if (len == 126) {
        header = 4;
      } else if (len == 127) {
        header = 10;
      }
      if (buf_.size() >= header) {
        if (header > 2) {
          len = 0;
          for (std::size_t i = 2; i < header; ++i)
            len = (len << 8) | static_cast<unsigned char>(buf_[i]);
        }
        if ((b1 & 0x80) != 0) header += 4;  // a masked server frame would be a bug; tolerate it
        if (buf_.size() >= header + len) {
          out.fin = (b0 & 0x80) != 0;
          out.opcode = b0 & 0x0F;
          out.payload = buf_.substr(header, static_cast<std::size_t>(len));
          buf_.erase(0, header + static_cast<std::size_t>(len));
          return ReadEnd::kFrame;
        }
      }
    }
    ReadEnd r = fill(deadline);
    if (r != ReadEnd::kFrame) return r;
  }
}

ReadEnd RawClient::read_until_end(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    buf_.clear();
    ReadEnd r = fill(deadline);
    if (r != ReadEnd::kFrame) return r;
  }
}

std::string RawClient::http_get(const std::string& target, std::chrono::milliseconds timeout) {
  send_all("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (fill(deadline) == ReadEnd::kFrame) {
  }
  return std::move(buf_);
}

// ---------------------------------------------------------------- ServeProcess

std::string wslab_binary() {
  return WSLAB_BIN;
}

ServeProcess::~ServeProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (out_fd_ >= 0) ::close(out_fd_);
}

bool ServeProcess::start(const std::vector<std::string>& args) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  std::vector<std::string> argv_s = {wslab_binary(), "serve", "--port", "0"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) return false;
  if (pid_ == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  out_fd_ = fds[0];
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + kWait;
  while (line.find('\n') == std::string::npos) {
    pollfd p{out_fd_, POLLIN, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
    char buf[256];
    ssize_t n = ::read(out_fd_, buf, sizeof buf);
    if (n <= 0) return false;
    line.append(buf, static_cast<std::size_t>(n));
  }
  // "listening on ws://127.0.0.1:PORT/"
  auto colon = line.rfind(':');
  if (line.rfind("listening on ws://", 0) != 0 || colon == std::string::npos) return false;
  port_ = static_cast<std::uint16_t>(std::stoi(line.substr(colon + 1)));
  return port_ != 0;
}

int ServeProcess::wait_exit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(5ms);
  }
  return -1;
}

}  // namespace wslab::net::test
