#include "raw_ws.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <utility>

namespace wslab::refpeer::test {

std::string upgrade_request(std::uint16_t port, std::string_view extra, std::string_view version,
                            std::string_view method, std::string_view target) {
  std::string r;
  r += method;
  r += ' ';
  r += target;
  r += " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n";
  r += "Upgrade: websocket\r\nConnection: Upgrade\r\n";
  r += "Sec-WebSocket-Key: ";
  r += kSampleKey;
  r += "\r\n";
  if (!version.empty()) {
    r += "Sec-WebSocket-Version: ";
    r += version;
    r += "\r\n";
  }
  r += extra;
  r += "\r\n";
  return r;
}

std::string encode_frame(std::uint8_t opcode, std::string_view payload, bool mask, bool fin) {
  static constexpr unsigned char kKey[4] = {0x37, 0xfa, 0x21, 0x3d};
  std::string f;
  f += static_cast<char>((fin ? 0x80 : 0x00) | (opcode & 0x0F));
  const unsigned char mask_bit = mask ? 0x80 : 0x00;
  const std::size_t n = payload.size();
  if (n < 126) {
    f += static_cast<char>(mask_bit | n);
  } else if (n <= 0xFFFF) {
    f += static_cast<char>(mask_bit | 126);
    f += static_cast<char>((n >> 8) & 0xFF);
    f += static_cast<char>(n & 0xFF);
  } else {
    f += static_cast<char>(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8) f += static_cast<char>((n >> shift) & 0xFF);
  }
  if (mask) {
    for (unsigned char k : kKey) f += static_cast<char>(k);
    for (std::size_t i = 0; i < n; ++i) {
      f += static_cast<char>(static_cast<unsigned char>(payload[i]) ^ kKey[i % 4]);
    }
  } else {
    f += payload;
  }
  return f;
}

std::string close_body(std::uint16_t code, std::string_view reason) {
  std::string b;
  b += static_cast<char>(code >> 8);
  b += static_cast<char>(code & 0xFF);
  b += reason;
  return b;
}

RawClient::~RawClient() {
  close();
}

void RawClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool RawClient::connect(std::uint16_t port, std::chrono::milliseconds timeout) {
  close();
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return false;
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return ::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
}

bool RawClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool RawClient::fill() {
  if (fd_ < 0 || eof_) return false;
  char chunk[16384];
  for (;;) {
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) eof_ = true;
    if (n <= 0) return false;  // EOF, timeout (EAGAIN) or reset
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
}

std::string RawClient::read_head() {
  for (;;) {
    const std::size_t end = buffer_.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::string head = buffer_.substr(0, end + 4);
      buffer_.erase(0, end + 4);
      return head;
    }
    if (!fill()) return {};
  }
}

std::string RawClient::handshake(std::uint16_t port) {
  if (!connect(port) || !send(upgrade_request(port))) return {};
  return read_head();
}

std::optional<Frame> RawClient::read_frame() {
  auto need = [this](std::size_t n) {
    while (buffer_.size() < n) {
      if (!fill()) return false;
    }
    return true;
  };
  if (!need(2)) return std::nullopt;
  const auto byte = [this](std::size_t i) { return static_cast<unsigned char>(buffer_[i]); };
  Frame f;
  f.fin = (byte(0) & 0x80) != 0;
  f.opcode = byte(0) & 0x0F;
  f.masked = (byte(1) & 0x80) != 0;
  std::uint64_t len = byte(1) & 0x7F;
  std::size_t pos = 2;
  if (len == 126) {
    if (!need(4)) return std::nullopt;
    len = (std::uint64_t{byte(2)} << 8) | byte(3);
    pos = 4;
  } else if (len == 127) {
    if (!need(10)) return std::nullopt;
    len = 0;
    for (std::size_t i = 2; i < 10; ++i) len = (len << 8) | byte(i);
    pos = 10;
  }
  if (len > (std::uint64_t{64} << 20)) return std::nullopt;  // not from our tests
  unsigned char key[4] = {0, 0, 0, 0};
  if (f.masked) {
    if (!need(pos + 4)) return std::nullopt;
    for (std::size_t i = 0; i < 4; ++i) key[i] = byte(pos + i);
    pos += 4;
  }
  const auto n = static_cast<std::size_t>(len);
  if (!need(pos + n)) return std::nullopt;
  f.payload = buffer_.substr(pos, n);
  if (f.masked) {
    for (std::size_t i = 0; i < n; ++i) {
      f.payload[i] = static_cast<char>(static_cast<unsigned char>(f.payload[i]) ^ key[i % 4]);
    }
  }
  buffer_.erase(0, pos + n);
  return f;
}

bool RawClient::wait_eof() {
  while (fill()) {
  }
  return eof_;
}

std::string RawClient::read_to_eof() {
  while (fill()) {
  }
  return std::exchange(buffer_, std::string());
}

std::string header_value(std::string_view head, std::string_view name) {
  std::size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos + 2 < head.size()) {
    const std::size_t start = pos + 2;
    const std::size_t end = head.find("\r\n", start);
    const std::string_view line = head.substr(start, end - start);
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos && colon == name.size()) {
      bool same = true;
      for (std::size_t i = 0; i < colon && same; ++i) {
        same = std::tolower(static_cast<unsigned char>(line[i])) ==
               std::tolower(static_cast<unsigned char>(name[i]));
      }
      if (same) {
        std::string_view v = line.substr(colon + 1);
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
        while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
        return std::string(v);
      }
    }
    pos = end;
  }
  return {};
}

int status_code(std::string_view head) {
  // "HTTP/1.1 101 Switching Protocols"
  if (head.size() < 12 || !head.starts_with("HTTP/")) return 0;
  const std::size_t sp = head.find(' ');
  if (sp == std::string_view::npos || sp + 4 > head.size()) return 0;
  int code = 0;
  for (std::size_t i = sp + 1; i < sp + 4; ++i) {
    if (head[i] < '0' || head[i] > '9') return 0;
    code = code * 10 + (head[i] - '0');
  }
  return code;
}

}  // namespace wslab::refpeer::test
