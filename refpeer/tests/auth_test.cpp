// Authentication on connect for wslab.rooms.v1 on the libwebsockets server
// (docs/rooms-protocol.md §1; RFC 6455 §4.2.2 lets a server refuse the
// opening handshake with an HTTP status). Real TCP on loopback, the request
// written byte by byte by the raw client, the status line asserted.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "raw_ws.hpp"
#include "wslab/refpeer/server.hpp"

namespace wslab::refpeer {
namespace {

using test::RawClient;

constexpr const char* kOfferRooms = "Sec-WebSocket-Protocol: wslab.rooms.v1\r\n";

class RefpeerRoomsAuth : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions o;
    o.tokens = {"s3cret", "second-token"};
    server_ = std::make_unique<RefServer>(o);
    std::string error;
    ASSERT_TRUE(server_->start(&error)) << error;
  }
  // Sends an upgrade for `target` with `extra` headers; returns the response
  // head ("" when the server hung up without one).
  std::string upgrade(RawClient& raw, std::string_view target,
                      std::string_view extra = kOfferRooms) {
    if (!raw.connect(server_->port())) return {};
    if (!raw.send(test::upgrade_request(server_->port(), extra, "13", "GET", target))) return {};
    return raw.read_head();
  }
  std::unique_ptr<RefServer> server_;
};

// §1: no `token` parameter -> 401 with the Bearer challenge, before any 101.
TEST_F(RefpeerRoomsAuth, MissingTokenGets401WithBearerChallenge) {
  RawClient raw;
  const std::string head = upgrade(raw, "/rooms");
  ASSERT_EQ(head.substr(0, 25), "HTTP/1.1 401 Unauthorized") << head;
  EXPECT_EQ(test::header_value(head, "WWW-Authenticate"), R"(Bearer realm="wslab.rooms")");
  EXPECT_EQ(test::header_value(head, "Sec-WebSocket-Accept"), "");
  // The body names the rule; then the server closes (no WebSocket follows).
  EXPECT_NE(raw.read_to_eof().find("needs a token"), std::string::npos);
}

// §1: an empty `token` parameter counts as missing -> 401.
TEST_F(RefpeerRoomsAuth, EmptyTokenGets401) {
  RawClient raw;
  const std::string head = upgrade(raw, "/rooms?token=");
  EXPECT_EQ(test::status_code(head), 401) << head;
}

// §1: a token that is not accepted -> 403, no challenge.
TEST_F(RefpeerRoomsAuth, WrongTokenGets403) {
  RawClient raw;
  const std::string head = upgrade(raw, "/rooms?token=guess");
  ASSERT_EQ(head.substr(0, 22), "HTTP/1.1 403 Forbidden") << head;
  EXPECT_EQ(test::header_value(head, "WWW-Authenticate"), "");
  EXPECT_NE(raw.read_to_eof().find("not accepted"), std::string::npos);
}

// §1: an accepted token -> 101 with wslab.rooms.v1, and the connection speaks
// the protocol (hello -> welcome). Any of the configured tokens is accepted.
TEST_F(RefpeerRoomsAuth, AcceptedTokenGets101) {
  for (const char* target : {"/rooms?token=s3cret", "/rooms?x=1&token=second-token&y"}) {
    RawClient raw;
    const std::string head = upgrade(raw, target);
    ASSERT_EQ(head.substr(0, 12), "HTTP/1.1 101") << target << "\n" << head;
    EXPECT_EQ(test::header_value(head, "Sec-WebSocket-Protocol"), "wslab.rooms.v1");
    ASSERT_TRUE(raw.send(test::encode_frame(0x1, R"({"type":"hello","name":"ann"})")));
    const auto welcome = raw.read_frame();
    ASSERT_TRUE(welcome.has_value());
    EXPECT_NE(welcome->payload.find(R"("type":"welcome")"), std::string::npos) << welcome->payload;
  }
}

// §1: the value is percent-decoded (%XX) and only the first `token` counts.
TEST_F(RefpeerRoomsAuth, TokenIsPercentDecodedAndFirstOneCounts) {
  RawClient decoded;
  EXPECT_EQ(test::status_code(upgrade(decoded, "/rooms?token=s3%63ret")), 101);
  RawClient first_wrong;
  EXPECT_EQ(test::status_code(upgrade(first_wrong, "/rooms?token=nope&token=s3cret")), 403);
}

// Echo connections are not part of wslab.rooms.v1: no subprotocol offered
// (lws's default protocol) and wslab.echo need no token.
TEST_F(RefpeerRoomsAuth, EchoConnectionsAreNotChecked) {
  for (const char* extra : {"", "Sec-WebSocket-Protocol: wslab.echo\r\n",
                            "Sec-WebSocket-Protocol: wslab.echo, wslab.rooms.v1\r\n"}) {
    RawClient raw;
    const std::string head = upgrade(raw, "/", extra);
    ASSERT_EQ(test::status_code(head), 101) << extra << "\n" << head;
    ASSERT_TRUE(raw.send(test::encode_frame(0x1, "still echo")));
    const auto echo = raw.read_frame();
    ASSERT_TRUE(echo.has_value()) << extra;
    EXPECT_EQ(echo->payload, "still echo");
  }
}

// §1: the check applies to whichever offer lws gives to wslab.rooms.v1, also
// behind an unknown name.
TEST_F(RefpeerRoomsAuth, RoomsOfferedBehindUnknownNameIsChecked) {
  RawClient raw;
  const std::string head =
      upgrade(raw, "/rooms", "Sec-WebSocket-Protocol: chat.v9, wslab.rooms.v1\r\n");
  EXPECT_EQ(test::status_code(head), 401) << head;
}

// `--token-file`: one token per line, '#' comment lines, spaces trimmed.
TEST(RefpeerRoomsAuthOptions, TokenFileIsRead) {
  char path[] = "/tmp/wslab-refpeer-tokens-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::ofstream(path) << "# class of 2024\n  from-file  \n\n";
  ServerOptions o;
  o.token_file = path;
  RefServer server(o);
  std::string error;
  ASSERT_TRUE(server.start(&error)) << error;
  for (const auto& [target, status] :
       {std::pair{"/?token=from-file", 101}, std::pair{"/?token=%23%20class", 403}}) {
    RawClient raw;
    ASSERT_TRUE(raw.connect(server.port()));
    ASSERT_TRUE(raw.send(test::upgrade_request(server.port(), kOfferRooms, "13", "GET", target)));
    EXPECT_EQ(test::status_code(raw.read_head()), status) << target;
  }
  server.stop();
  std::remove(path);
}

// An empty or unreadable token file must not silently turn authentication
// off, and an empty token is refused (the messages of `wslab serve --rooms`).
TEST(RefpeerRoomsAuthOptions, BadTokenConfigurationFailsToStart) {
  char path[] = "/tmp/wslab-refpeer-tokens-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::ofstream(path) << "# only a comment\n";
  struct Case {
    ServerOptions options;
    const char* message;
  };
  ServerOptions empty_file, missing_file, empty_token;
  empty_file.token_file = path;
  missing_file.token_file = "/nonexistent/wslab-tokens";
  empty_token.tokens = {""};
  for (const Case& c : {Case{empty_file, "holds no token"}, Case{missing_file, "cannot read"},
                        Case{empty_token, "must not be empty"}}) {
    RefServer server(c.options);
    std::string error;
    EXPECT_FALSE(server.start(&error));
    EXPECT_NE(error.find(c.message), std::string::npos) << error;
    EXPECT_FALSE(server.running());
  }
  std::remove(path);
}

// Where the refpeer's token check bends docs/rooms-protocol.md §1 because of
// lws 4.1.6 (README "wslab.rooms.v1"); if one of these fails after an lws
// upgrade, the deviation is gone and the README entry must go too.
class RefpeerRoomsAuthDeviation : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions o;
    o.tokens = {"a+b"};
    server_ = std::make_unique<RefServer>(o);
    ASSERT_TRUE(server_->start());
  }
  int status(const std::string& request) {
    RawClient raw;
    if (!raw.connect(server_->port()) || !raw.send(request)) return 0;
    return test::status_code(raw.read_head());
  }
  std::unique_ptr<RefServer> server_;
};

// §1: "+ is not special". lws decodes the query before the application sees
// it and turns '+' into a space, so "?token=a+b" is compared as "a b"; a
// client must send '+' as %2B (tokens SHOULD be A-Z a-z 0-9 - . _ ~ anyway).
TEST_F(RefpeerRoomsAuthDeviation, PlusInTokenArrivesAsSpace) {
  const auto port = server_->port();
  EXPECT_EQ(status(test::upgrade_request(port, kOfferRooms, "13", "GET", "/?token=a+b")), 403);
  EXPECT_EQ(status(test::upgrade_request(port, kOfferRooms, "13", "GET", "/?token=a%2Bb")), 101);
}

// §1 order of checks: RFC 6455 first (a missing key gets 400), then the token.
// lws asks the application before it validates the key, so the token answer
// (401) comes first; with a good token the keyless request is dropped by lws
// without any status (RefpeerDeviation.DropsKeylessRequestWithoutHttpStatus).
TEST_F(RefpeerRoomsAuthDeviation, TokenIsCheckedBeforeTheKey) {
  const auto port = server_->port();
  std::string keyless = test::upgrade_request(port, kOfferRooms, "13", "GET", "/rooms");
  const std::string key_line = "Sec-WebSocket-Key: " + std::string(test::kSampleKey) + "\r\n";
  keyless.erase(keyless.find(key_line), key_line.size());
  EXPECT_EQ(status(keyless), 401);
}

}  // namespace
}  // namespace wslab::refpeer
