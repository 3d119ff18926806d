// Backpressure: output waiting for a peer is bounded per connection
// (max_write_buffer + the message being sent). A peer that keeps sending but
// never reads would otherwise grow the server's memory without bound; it is
// disconnected instead. (Not an RFC 6455 rule: §10.4 leaves resource limits
// to the implementation.)
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "support.hpp"
#include "wslab/net/connection.hpp"

namespace wslab::net::test {
namespace {

// Echo that records the largest amount of output ever waiting on a connection.
class MeasuringEcho : public App {
 public:
  void on_binary(Connection& c, std::string_view data) override {
    c.send_binary(data);
    std::size_t b = c.buffered_bytes();
    std::size_t prev = max_buffered.load();
    while (b > prev && !max_buffered.compare_exchange_weak(prev, b)) {
    }
  }
  void on_close(Connection& /*c*/, const CloseInfo& info) override {
    std::lock_guard<std::mutex> lock(mu);
    closes.push_back(info);
    cv.notify_all();
  }
  bool wait_closed(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, timeout, [&] { return !closes.empty(); });
  }
  std::atomic<std::size_t> max_buffered{0};
  std::mutex mu;
  std::condition_variable cv;
  std::vector<CloseInfo> closes;
};

TEST(NetBackpressure, NonReadingClientIsDroppedWithBoundedBuffer) {
  constexpr std::size_t kLimit = 256 * 1024;
  constexpr std::size_t kMessage = 64 * 1024;
  MeasuringEcho app;
  ServerOptions o;
  o.log = LogLevel::kQuiet;
  o.max_write_buffer = kLimit;
  o.shutdown_timeout = 1000ms;
  ServerThread server(app, o);
  RawClient client;
  ASSERT_TRUE(client.connect(server.port(), 4096));  // a small window, and we never read
  ASSERT_TRUE(client.handshake());
  std::string frame = FrameBuilder()
                          .opcode(Opcode::kBinary)
                          .random_mask()
                          .payload(std::string(kMessage, 'z'))
                          .build();
  // 64 MiB at most; the server must give up on us long before.
  bool send_failed = false;
  for (int i = 0; i < 1024 && !send_failed; ++i) send_failed = !client.send_all(frame);
  ASSERT_TRUE(app.wait_closed(kWait)) << "the server never dropped the non-reading client";
  EXPECT_EQ(app.closes.front().code, 1006);
  EXPECT_NE(app.closes.front().reason.find("slow consumer"), std::string::npos)
      << app.closes.front().reason;
  EXPECT_LE(app.max_buffered.load(), kLimit + kMessage + kMaxHeaderBytes);
  ReadEnd end = client.read_until_end();
  EXPECT_TRUE(send_failed || end == ReadEnd::kReset || end == ReadEnd::kEof);
}

}  // namespace
}  // namespace wslab::net::test
