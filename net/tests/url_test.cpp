// ws:// URLs, RFC 6455 §3.
#include "wslab/net/url.hpp"

#include <gtest/gtest.h>

namespace wslab::net {
namespace {

TEST(NetUrl, PortDefaultsTo80) {
  auto u = parse_ws_url("ws://example.com/chat");
  ASSERT_TRUE(u.is_ok()) << u.error();
  EXPECT_EQ(u->host, "example.com");
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->resource, "/chat");
  EXPECT_EQ(u->host_header(), "example.com");
}

TEST(NetUrl, ExplicitPortAndQueryKept) {
  auto u = parse_ws_url("ws://127.0.0.1:9001/room?token=a%20b");
  ASSERT_TRUE(u.is_ok());
  EXPECT_EQ(u->port, 9001);
  EXPECT_EQ(u->resource, "/room?token=a%20b");
  EXPECT_EQ(u->host_header(), "127.0.0.1:9001");
}

TEST(NetUrl, EmptyPathIsSlash) {
  EXPECT_EQ(parse_ws_url("ws://h")->resource, "/");
  EXPECT_EQ(parse_ws_url("ws://h?x=1")->resource, "/?x=1");
}

TEST(NetUrl, Ipv6LiteralInBrackets) {
  auto u = parse_ws_url("ws://[::1]:8080/");
  ASSERT_TRUE(u.is_ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->host_header(), "[::1]:8080");
}

TEST(NetUrl, SchemeIsCaseInsensitive) {
  EXPECT_TRUE(parse_ws_url("WS://h/").is_ok());
}

TEST(NetUrl, RefusesWssWithClearMessage) {
  auto u = parse_ws_url("wss://h/");
  ASSERT_FALSE(u.is_ok());
  EXPECT_NE(u.error().find("not supported"), std::string::npos);
}

// §3: "Fragment identifiers are meaningless in the context of WebSocket URIs
// and MUST NOT be used on these URIs."
TEST(NetUrl, RefusesFragment) {
  EXPECT_FALSE(parse_ws_url("ws://h/#x").is_ok());
}

TEST(NetUrl, RefusesMalformed) {
  for (const char* bad : {"http://h/", "ws://", "ws://:80/", "ws://h:/", "ws://h:99999/",
                          "ws://h:12a/", "ws://[::1/", "ws://u@h/", "ws://h:0/"}) {
    EXPECT_FALSE(parse_ws_url(bad).is_ok()) << bad;
  }
}

}  // namespace
}  // namespace wslab::net
