// ws:// URL parsing (RFC 6455 §3).
#include <gtest/gtest.h>

#include "wslab/refpeer/ws_url.hpp"

namespace wslab::refpeer {
namespace {

TEST(RefpeerUrl, HostPortAndResource) {
  const auto u = parse_ws_url("ws://127.0.0.1:9001/chat?room=a");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 9001);
  EXPECT_EQ(u->resource, "/chat?room=a");
}

// §3: port defaults to 80, resource name to "/".
TEST(RefpeerUrl, DefaultsPort80AndRootResource) {
  const auto u = parse_ws_url("WS://localhost");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->resource, "/");
  EXPECT_EQ(parse_ws_url("ws://h?x")->resource, "/?x");
}

TEST(RefpeerUrl, Ipv6Literal) {
  const auto u = parse_ws_url("ws://[::1]:8080/");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 8080);
}

// §3: fragment identifiers MUST NOT be used in WebSocket URIs.
TEST(RefpeerUrl, RejectsFragment) {
  std::string error;
  EXPECT_FALSE(parse_ws_url("ws://h/#frag", &error).has_value());
  EXPECT_NE(error.find("fragment"), std::string::npos);
}

TEST(RefpeerUrl, RejectsOtherSchemesAndBadPorts) {
  std::string error;
  EXPECT_FALSE(parse_ws_url("wss://h/", &error).has_value());
  EXPECT_NE(error.find("wss"), std::string::npos);
  EXPECT_FALSE(parse_ws_url("http://h/").has_value());
  EXPECT_FALSE(parse_ws_url("ws://h:0/").has_value());
  EXPECT_FALSE(parse_ws_url("ws://h:65536/").has_value());
  EXPECT_FALSE(parse_ws_url("ws://h:12a/").has_value());
  EXPECT_FALSE(parse_ws_url("ws://:80/").has_value());
}

}  // namespace
}  // namespace wslab::refpeer
