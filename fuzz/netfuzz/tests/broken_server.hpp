// Deliberately broken WebSocket servers for the network fuzzer's tests: core's
// Session with an echo application whose output is rewritten on the way out,
// so each breaks exactly one RFC 6455 rule. One thread per connection,
// loopback only, every wait bounded.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace wslab::netfuzz::test {

enum class Breakage : std::uint8_t {
  kNone,             // a correct echo server (sanity check of the test server itself)
  kNeverPongs,       // drops every Pong: Pings go unanswered (§5.5.2)
  kAlwaysClose1000,  // every Close it sends says 1000, even when failing (§7.4.1: 1002/1007)
  kDieOnPing,        // the first Ping kills it: it stops listening, or aborts (die_by_abort)
  kHangOnPing,       // after the first Ping it accepts TCP but never answers anything again
};

class BrokenServer {
 public:
  explicit BrokenServer(Breakage breakage, std::uint16_t port = 0, bool die_by_abort = false);
  ~BrokenServer();
  BrokenServer(const BrokenServer&) = delete;
  BrokenServer& operator=(const BrokenServer&) = delete;
  [[nodiscard]] std::uint16_t port() const { return port_; }

 private:
  void accept_loop();
  void serve(int fd);

  Breakage breakage_;
  bool die_by_abort_ = false;
  std::atomic<bool> dead_{false};
  std::atomic<bool> hung_{false};
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> connections_;
};

}  // namespace wslab::netfuzz::test
