// Where libwebsockets 4.1.6 deviates from RFC 6455, proved on the wire. The
// harness's calibration allow-list cites these tests: if one fails after an
// lws upgrade, the deviation is gone and the allow-list entry must go too.
#include <gtest/gtest.h>

#include <string>

#include "raw_ws.hpp"
#include "wslab/refpeer/server.hpp"

namespace wslab::refpeer {
namespace {

using test::encode_frame;
using test::RawClient;

constexpr std::uint8_t kText = 0x1, kClose = 0x8;

class RefpeerDeviation : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.start()); }
  // Sends a raw request and returns the response head ("" if none came).
  std::string request(const std::string& bytes) {
    EXPECT_TRUE(raw_.connect(server_.port()));
    EXPECT_TRUE(raw_.send(bytes));
    return raw_.read_head();
  }
  RefServer server_;
  RawClient raw_;
};

// §5.1: "The server MUST close the connection upon receiving a frame that is
// not masked." lws accepts the unmasked frame and echoes it.
TEST_F(RefpeerDeviation, AcceptsUnmaskedClientFrame) {
  ASSERT_EQ(test::status_code(raw_.handshake(server_.port())), 101);
  ASSERT_TRUE(raw_.send(encode_frame(kText, "naked", /*mask=*/false)));
  const auto f = raw_.read_frame();
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->opcode, kText);
  EXPECT_EQ(f->payload, "naked");
}

// §4.2.2 / §4.4: a version other than 13 MUST be refused (e.g. 426 with
// Sec-WebSocket-Version: 13). lws answers Sec-WebSocket-Version: 8 with 101.
TEST_F(RefpeerDeviation, AnswersVersion8With101) {
  const std::string head = request(test::upgrade_request(server_.port(), {}, "8"));
  EXPECT_EQ(test::status_code(head), 101) << head;
}

// §4.2.1 item 6 / §4.4: a missing Sec-WebSocket-Version is answered with 101 too.
TEST_F(RefpeerDeviation, AnswersMissingVersionWith101) {
  const std::string head = request(test::upgrade_request(server_.port(), {}, ""));
  EXPECT_EQ(test::status_code(head), 101) << head;
}

// §4.2.1 item 1: the request MUST be a GET. lws upgrades a POST.
TEST_F(RefpeerDeviation, UpgradesPostRequest) {
  const std::string head = request(test::upgrade_request(server_.port(), {}, "13", "POST"));
  EXPECT_EQ(test::status_code(head), 101) << head;
}

// §4.2.1: a request without Sec-WebSocket-Key MUST get an HTTP error (400);
// lws drops the TCP connection without any response.
TEST_F(RefpeerDeviation, DropsKeylessRequestWithoutHttpStatus) {
  std::string req = test::upgrade_request(server_.port());
  const std::string key_line = "Sec-WebSocket-Key: " + std::string(test::kSampleKey) + "\r\n";
  req.erase(req.find(key_line), key_line.size());
  EXPECT_EQ(request(req), "");
  EXPECT_TRUE(raw_.wait_eof());
}

// §5.5.1: a close body is empty or starts with a 2-byte code; a 1-byte body is
// a protocol error. lws echoes the 1-byte body, emitting a malformed close.
TEST_F(RefpeerDeviation, EchoesOneByteCloseBody) {
  ASSERT_EQ(test::status_code(raw_.handshake(server_.port())), 101);
  ASSERT_TRUE(raw_.send(encode_frame(kClose, "\x03")));
  const auto f = raw_.read_frame();
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->opcode, kClose);
  EXPECT_EQ(f->payload, "\x03");
}

// §4.2.2: refusing every offered subprotocol is done by answering without the
// header (or with an HTTP error); lws drops the TCP connection instead.
TEST_F(RefpeerDeviation, DropsUnknownSubprotocolOffer) {
  const std::string head =
      request(test::upgrade_request(server_.port(), "Sec-WebSocket-Protocol: foo\r\n"));
  EXPECT_EQ(head, "");
  EXPECT_TRUE(raw_.wait_eof());
}

}  // namespace
}  // namespace wslab::refpeer
