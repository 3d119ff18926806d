// Keep-alive pings from lws's validity policy (RFC 6455 §5.5.2, §5.5.3).
// lws counts in whole seconds, so these tests take 1-3 s: labelled "slow".
#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "raw_ws.hpp"
#include "wslab/refpeer/server.hpp"

namespace wslab::refpeer {
namespace {

using namespace std::chrono_literals;
using test::encode_frame;

constexpr std::uint8_t kText = 0x1, kPing = 0x9, kPong = 0xA, kClose = 0x8;

// The first frame with this opcode, skipping others; nullopt on timeout/EOF.
std::optional<test::Frame> next_frame(test::RawClient& raw, std::uint8_t opcode) {
  while (auto f = raw.read_frame()) {
    if (f->opcode == opcode) return f;
  }
  return std::nullopt;
}

ServerOptions one_second_pings() {
  ServerOptions o;
  o.ping_interval = 1s;
  o.pong_timeout = 1s;
  return o;
}

// §5.5.2: after the interval the server pings (lws: empty payload).
TEST(RefpeerPing, IntervalProducesPing) {
  RefServer server(one_second_pings());
  ASSERT_TRUE(server.start());
  test::RawClient raw;
  ASSERT_TRUE(raw.connect(server.port(), 4000ms));
  ASSERT_TRUE(raw.send(test::upgrade_request(server.port())));
  ASSERT_EQ(test::status_code(raw.read_head()), 101);
  const auto ping = next_frame(raw, kPing);
  ASSERT_TRUE(ping.has_value());
  EXPECT_EQ(ping->payload, "");
}

// §5.5.3: our pong proves the connection valid, so the server keeps it and
// pings again one interval later. Without the pongs lws would drop it at 2 s
// (interval + pong timeout), before the third ping at about 3 s.
TEST(RefpeerPing, AnsweredPingKeepsConnection) {
  RefServer server(one_second_pings());
  ASSERT_TRUE(server.start());
  test::RawClient raw;
  ASSERT_TRUE(raw.connect(server.port(), 4000ms));
  ASSERT_TRUE(raw.send(test::upgrade_request(server.port())));
  ASSERT_EQ(test::status_code(raw.read_head()), 101);
  for (int round = 0; round < 3; ++round) {
    const auto ping = next_frame(raw, kPing);
    ASSERT_TRUE(ping.has_value()) << "round " << round;
    ASSERT_TRUE(raw.send(encode_frame(kPong, ping->payload)));
  }
  ASSERT_TRUE(raw.send(encode_frame(kText, "still here")));
  const auto echo = next_frame(raw, kText);
  ASSERT_TRUE(echo.has_value());
  EXPECT_EQ(echo->payload, "still here");
}

// lws deviation (README): without a pong it drops TCP with no close frame, so
// the peer sees 1006, not a close code (§7.1.7 SHOULD send a close frame).
TEST(RefpeerPing, MissingPongDropsTcpWithoutCloseFrame) {
  RefServer server(one_second_pings());
  ASSERT_TRUE(server.start());
  test::RawClient raw;
  ASSERT_TRUE(raw.connect(server.port(), 5000ms));
  ASSERT_TRUE(raw.send(test::upgrade_request(server.port())));
  ASSERT_EQ(test::status_code(raw.read_head()), 101);
  bool saw_close = false;
  while (auto f = raw.read_frame()) saw_close = saw_close || f->opcode == kClose;
  EXPECT_TRUE(raw.wait_eof());
  EXPECT_FALSE(saw_close);
}

}  // namespace
}  // namespace wslab::refpeer
