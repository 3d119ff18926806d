#include "broken_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <span>
#include <stdexcept>
#include <string>
#include <variant>

#include "wslab/close.hpp"
#include "wslab/frame.hpp"
#include "wslab/session.hpp"

namespace wslab::netfuzz::test {
namespace {

Millis now_ms() {
  return std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now().time_since_epoch());
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Rewrites the session's server frames according to the breakage.
class OutputFilter {
 public:
  explicit OutputFilter(Breakage b) : breakage_(b) {}

  std::string filter(std::string_view bytes) {
    if (!head_done_) {
      head_ += bytes;
      const auto end = head_.find("\r\n\r\n");
      if (end == std::string::npos) return {};
      head_done_ = true;
      std::string out = head_.substr(0, end + 4);
      const std::string rest = head_.substr(end + 4);
      head_.clear();
      return out + filter(rest);
    }
    std::string out;
    if (bytes.empty()) return out;
    std::vector<std::uint8_t> buf(bytes.begin(), bytes.end());
    std::span<std::uint8_t> in(buf);
    for (;;) {
      const FrameDecoder::Event ev = decoder_.next(in);
      if (ev.kind == FrameDecoder::Kind::kNeedMore || ev.kind == FrameDecoder::Kind::kError) break;
      if (ev.kind == FrameDecoder::Kind::kHeader) {
        header_ = ev.header;
        payload_.clear();
        continue;
      }
      payload_.append(reinterpret_cast<const char*>(ev.payload.data()), ev.payload.size());
      if (!ev.frame_complete) continue;
      const auto op = static_cast<Opcode>(header_.opcode);
      if (breakage_ == Breakage::kNeverPongs && op == Opcode::kPong) continue;
      if (breakage_ == Breakage::kAlwaysClose1000 && op == Opcode::kClose && payload_.size() >= 2) {
        payload_ = encode_close_payload(1000);
      }
      out += encode_frame(op, payload_, header_.fin);
    }
    return out;
  }

 private:
  Breakage breakage_;
  bool head_done_ = false;
  std::string head_;
  FrameDecoder decoder_{Role::kClient};
  FrameHeader header_{};
  std::string payload_;
};

}  // namespace

BrokenServer::BrokenServer(Breakage breakage, std::uint16_t port, bool die_by_abort)
    : breakage_(breakage), die_by_abort_(die_by_abort) {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener_, 64) != 0) {
    throw std::runtime_error("BrokenServer: cannot listen on 127.0.0.1");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

BrokenServer::~BrokenServer() {
  stop_ = true;
  acceptor_.join();
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& t : connections_) t.join();
}

void BrokenServer::accept_loop() {
  while (!stop_ && !dead_) {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const int fd = ::accept(listener_, nullptr, nullptr);
    if (fd < 0) continue;
    std::lock_guard<std::mutex> lock(mu_);
    connections_.emplace_back([this, fd] { serve(fd); });
  }
  ::close(listener_);  // dead or stopped: new connections are refused
}

void BrokenServer::serve(int fd) {
  if (hung_) {  // accepted, never answered
    while (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ::close(fd);
    return;
  }
  SessionConfig config;
  config.role = Role::kServer;
  Session session(config);
  OutputFilter filter(breakage_);
  session.start(now_ms());
  char buf[16384];
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!stop_ && std::chrono::steady_clock::now() < give_up) {
    const std::string out = filter.filter(session.pending_output());
    session.consume_output(session.pending_output().size());
    if (!out.empty() && !write_all(fd, out)) break;
    if (session.should_close_transport()) break;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, 20);
    session.on_tick(now_ms());
    if (ready <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      session.on_eof(now_ms());
      break;
    }
    session.on_bytes(std::string_view(buf, static_cast<std::size_t>(n)), now_ms());
    while (auto ev = session.poll_event()) {
      if (breakage_ == Breakage::kDieOnPing && std::holds_alternative<event::Ping>(*ev)) {
        if (die_by_abort_) std::abort();
        dead_ = true;  // the acceptor stops listening: like a crashed process
        ::close(fd);
        return;
      }
      if (breakage_ == Breakage::kHangOnPing && std::holds_alternative<event::Ping>(*ev)) {
        hung_ = true;
        while (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        ::close(fd);
        return;
      }
      if (auto* t = std::get_if<event::Text>(&*ev)) (void)session.send_text(t->data);
      if (auto* b = std::get_if<event::Binary>(&*ev)) (void)session.send_binary(b->data);
    }
  }
  const std::string rest = filter.filter(session.pending_output());
  if (!rest.empty()) write_all(fd, rest);
  ::close(fd);
}

}  // namespace wslab::netfuzz::test
