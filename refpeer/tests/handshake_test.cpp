// Opening handshake of the reference server (RFC 6455 §4.2), checked on the
// wire with the raw client.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "raw_ws.hpp"
#include "wslab/refpeer/server.hpp"

namespace wslab::refpeer {
namespace {

using test::RawClient;

// §4.2.2 step 5: 101, Upgrade, Connection and the accept value for the key.
TEST(RefpeerHandshake, AcceptsRfcSampleKey) {
  RefServer server;
  ASSERT_TRUE(server.start());
  RawClient raw;
  const std::string head = raw.handshake(server.port());
  EXPECT_EQ(test::status_code(head), 101) << head;
  EXPECT_EQ(test::header_value(head, "Sec-WebSocket-Accept"), test::kSampleAccept);
  // lws spells "WebSocket": compare case-insensitively (§4.2.2, §4.1 step 2).
  std::string upgrade = test::header_value(head, "Upgrade");
  for (char& c : upgrade) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(upgrade, "websocket");
}

// §4.2.2 step 5.4 ("null" subprotocol): no offer, no Sec-WebSocket-Protocol
// in the answer, and the default (echo) protocol serves the connection.
TEST(RefpeerHandshake, NoSubprotocolOfferGetsDefaultEcho) {
  RefServer server;
  ASSERT_TRUE(server.start());
  RawClient raw;
  const std::string head = raw.handshake(server.port());
  ASSERT_EQ(test::status_code(head), 101) << head;
  EXPECT_EQ(test::header_value(head, "Sec-WebSocket-Protocol"), "");
  ASSERT_TRUE(raw.send(test::encode_frame(0x1, "default")));
  const auto echo = raw.read_frame();
  ASSERT_TRUE(echo.has_value());
  EXPECT_EQ(echo->payload, "default");
}

// §4.2.2 step 5.4 /subprotocol/: the server picks one of the offered names.
TEST(RefpeerHandshake, SelectsOfferedEchoSubprotocol) {
  RefServer server;
  ASSERT_TRUE(server.start());
  RawClient raw;
  ASSERT_TRUE(raw.connect(server.port()));
  ASSERT_TRUE(raw.send(
      test::upgrade_request(server.port(), "Sec-WebSocket-Protocol: foo, wslab.echo\r\n")));
  const std::string head = raw.read_head();
  ASSERT_EQ(test::status_code(head), 101) << head;
  EXPECT_EQ(test::header_value(head, "Sec-WebSocket-Protocol"), "wslab.echo");
}

// A GET without Upgrade is plain HTTP (§4.2.1 does not apply): entry 0 of the
// protocol table answers it through lws's HTTP dummy handler with 404.
TEST(RefpeerHandshake, PlainGetIsNotUpgraded) {
  RefServer server;
  ASSERT_TRUE(server.start());
  RawClient raw;
  ASSERT_TRUE(raw.connect(server.port()));
  ASSERT_TRUE(raw.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  const std::string head = raw.read_head();
  EXPECT_EQ(test::status_code(head), 404) << head;
}

// No extension is configured, so an offer of permessage-deflate is answered
// without Sec-WebSocket-Extensions (§9.1: the server may decline).
TEST(RefpeerHandshake, DeclinesPermessageDeflate) {
  RefServer server;
  ASSERT_TRUE(server.start());
  RawClient raw;
  ASSERT_TRUE(raw.connect(server.port()));
  ASSERT_TRUE(raw.send(test::upgrade_request(
      server.port(), "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")));
  const std::string head = raw.read_head();
  ASSERT_EQ(test::status_code(head), 101) << head;
  EXPECT_EQ(test::header_value(head, "Sec-WebSocket-Extensions"), "");
}

// The listening socket is 127.0.0.1:port, not every interface (lws 4.1.6 binds
// [::] for iface "127.0.0.1" unless IPv6 is disabled; refpeer/README.md).
TEST(RefpeerHandshake, ListensOnLoopbackOnly) {
  RefServer server;
  ASSERT_TRUE(server.start());
  char port_hex[8];
  std::snprintf(port_hex, sizeof port_hex, "%04X", server.port());
  auto listeners = [&](const char* table) {
    std::ifstream in(table);
    std::string line;
    std::vector<std::string> found;
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      if (state == "0A" && local.ends_with(std::string(":") + port_hex)) found.push_back(local);
    }
    return found;
  };
  const auto v4 = listeners("/proc/net/tcp");
  const auto v6 = listeners("/proc/net/tcp6");
  ASSERT_EQ(v4.size(), 1u);
  EXPECT_EQ(v4[0], std::string("0100007F:") + port_hex);  // 127.0.0.1, little-endian
  EXPECT_TRUE(v6.empty());
}

}  // namespace
}  // namespace wslab::refpeer
