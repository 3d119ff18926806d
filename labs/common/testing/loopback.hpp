// A raw TCP client on 127.0.0.1 for the lab tests that talk to a server over
// the network (labs 4-5). Every wait has a timeout; nothing here can hang.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace wslab::labtest {

class RawClient {
 public:
  RawClient() = default;
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // Connects to 127.0.0.1:port; false (with error()) on failure.
  bool connect(std::uint16_t port);
  bool send(std::string_view bytes);
  // Reads until done(all bytes received so far) is true, the peer closes, or
  // `timeout` passes. Returns done()'s final answer.
  bool read_until(const std::function<bool(std::string_view)>& done,
                  std::chrono::milliseconds timeout);
  // Everything received so far (the caller may erase what it consumed).
  std::string& received() { return received_; }
  [[nodiscard]] bool peer_closed() const { return peer_closed_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  void close();

 private:
  int fd_ = -1;
  std::string received_;
  bool peer_closed_ = false;
  std::string error_;
};

// Does `bytes` start with a complete HTTP head (up to CRLF CRLF)?
bool has_http_head(std::string_view bytes);

}  // namespace wslab::labtest
