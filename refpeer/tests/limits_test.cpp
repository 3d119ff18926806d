// The configurable message limit: close 1009 "message too big"
// (RFC 6455 §7.4.1, §10.4).
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "raw_ws.hpp"
#include "wslab/refpeer/client.hpp"
#include "wslab/refpeer/server.hpp"

namespace wslab::refpeer {
namespace {

using namespace std::chrono_literals;
using test::encode_frame;

constexpr std::uint8_t kCont = 0x0, kText = 0x1, kBinary = 0x2, kClose = 0x8;

class RefpeerLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.start());
    ASSERT_EQ(test::status_code(raw_.handshake(server_.port())), 101);
  }
  void expect_close_1009() {
    const auto f = raw_.read_frame();
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->opcode, kClose);
    EXPECT_EQ(f->payload, test::close_body(1009, "message too big"));
  }
  RefServer server_{ServerOptions{.max_message = 1000}};
  test::RawClient raw_;
};

TEST_F(RefpeerLimits, MessageAtMaxIsEchoed) {
  ASSERT_TRUE(raw_.send(encode_frame(kBinary, std::string(1000, 'b'))));
  const auto f = raw_.read_frame();
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->payload.size(), 1000u);
}

TEST_F(RefpeerLimits, MessageOverMaxCloses1009) {
  ASSERT_TRUE(raw_.send(encode_frame(kBinary, std::string(1001, 'b'))));
  expect_close_1009();
  EXPECT_EQ(server_.stats().closed_too_big, 1u);
}

// The limit applies to the reassembled message, not to each fragment (§5.4).
TEST_F(RefpeerLimits, FragmentedMessageOverMaxCloses1009) {
  ASSERT_TRUE(raw_.send(encode_frame(kText, std::string(600, 't'), true, false)));
  ASSERT_TRUE(raw_.send(encode_frame(kCont, std::string(600, 't'), true, true)));
  expect_close_1009();
}

// Echoes owed for earlier messages still go out before the 1009 close
// (§7.1.2: no data after the close frame, but data before it is fine).
TEST_F(RefpeerLimits, EarlierEchoesPrecedeThe1009Close) {
  ASSERT_TRUE(raw_.send(encode_frame(kText, "ok") + encode_frame(kBinary, std::string(1001, 'b'))));
  const auto echo = raw_.read_frame();
  ASSERT_TRUE(echo.has_value());
  EXPECT_EQ(echo->payload, "ok");
  expect_close_1009();
}

TEST_F(RefpeerLimits, ClientSeesMessageTooBig) {
  RefClient client;
  ASSERT_TRUE(client.connect(server_.url()));
  ASSERT_TRUE(client.send_text(std::string(5000, 'x')));
  const auto info = client.wait_closed(3s);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->code, 1009);
  EXPECT_EQ(info->reason, "message too big");
}

}  // namespace
}  // namespace wslab::refpeer
