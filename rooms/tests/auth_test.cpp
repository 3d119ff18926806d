// docs/rooms-protocol.md §1: the token on connect and the required subprotocol.
#include "wslab/rooms/auth.hpp"

#include <gtest/gtest.h>

namespace wslab::rooms {
namespace {

const std::vector<std::string> kOffered = {"wslab.rooms.v1"};

TokenSet tokens(std::initializer_list<std::string> list) {
  TokenSet t;
  for (const auto& s : list) t.add(s);
  return t;
}

// §1: the token is the `token` query parameter, percent-decoded.
TEST(RoomsAuth, TokenIsReadFromTheQuery) {
  EXPECT_EQ(query_parameter("/rooms?token=abc", "token"), "abc");
  EXPECT_EQ(query_parameter("/rooms?x=1&token=a%2Fb%3d&y", "token"), "a/b=");
  EXPECT_EQ(query_parameter("/rooms?token=a+b", "token"), "a+b") << "'+' is not special";
  EXPECT_EQ(query_parameter("/rooms?token=%zz%4", "token"), "%zz%4") << "stray % kept";
  EXPECT_EQ(query_parameter("/rooms?token", "token"), "");
  EXPECT_FALSE(query_parameter("/rooms", "token"));
  EXPECT_FALSE(query_parameter("/rooms?tokens=abc", "token"));
}

// §1: the first token parameter counts.
TEST(RoomsAuth, FirstTokenParameterCounts) {
  EXPECT_EQ(query_parameter("/?token=one&token=two", "token"), "one");
}

// §1: a missing token is 401 with WWW-Authenticate.
TEST(RoomsAuth, MissingTokenIs401) {
  auto v = check_upgrade("/rooms", kOffered, tokens({"s3cret"}));
  EXPECT_EQ(v.status, 401);
  ASSERT_EQ(v.headers.size(), 1u);
  EXPECT_EQ(v.headers[0].name, "WWW-Authenticate");
  EXPECT_EQ(check_upgrade("/rooms?token=", kOffered, tokens({"s3cret"})).status, 401);
}

// §1: a token that is not accepted is 403.
TEST(RoomsAuth, WrongTokenIs403) {
  EXPECT_EQ(check_upgrade("/rooms?token=guess", kOffered, tokens({"s3cret"})).status, 403);
  EXPECT_EQ(check_upgrade("/rooms?token=s3cre", kOffered, tokens({"s3cret"})).status, 403);
  EXPECT_EQ(check_upgrade("/rooms?token=s3cret2", kOffered, tokens({"s3cret"})).status, 403);
}

// §1: an accepted token and the subprotocol: 101.
TEST(RoomsAuth, AcceptedTokenIs101) {
  EXPECT_EQ(check_upgrade("/rooms?token=b", kOffered, tokens({"a", "b"})).status, 101);
}

// §1: a server without tokens ignores the parameter.
TEST(RoomsAuth, NoTokensConfiguredMeansNoCheck) {
  EXPECT_EQ(check_upgrade("/rooms", kOffered, TokenSet{}).status, 101);
  EXPECT_EQ(check_upgrade("/rooms?token=x", kOffered, TokenSet{}).status, 101);
}

// §1: a request not offering wslab.rooms.v1 is 400 (exact, case-sensitive match).
TEST(RoomsAuth, MissingSubprotocolIs400) {
  EXPECT_EQ(check_upgrade("/", {}, TokenSet{}).status, 400);
  EXPECT_EQ(check_upgrade("/", {"chat", "WSLAB.ROOMS.V1"}, TokenSet{}).status, 400);
  EXPECT_EQ(check_upgrade("/", {"chat", "wslab.rooms.v1"}, TokenSet{}).status, 101);
}

// §1 order: the token before the subprotocol.
TEST(RoomsAuth, TokenIsCheckedBeforeTheSubprotocol) {
  EXPECT_EQ(check_upgrade("/", {}, tokens({"t"})).status, 401);
  EXPECT_EQ(check_upgrade("/?token=x", {}, tokens({"t"})).status, 403);
  EXPECT_EQ(check_upgrade("/?token=t", {}, tokens({"t"})).status, 400);
}

// §1: token file: one per line, # comments and blank lines skipped, spaces and CR trimmed.
TEST(RoomsAuth, TokenFileSkipsCommentsAndTrims) {
  auto set = parse_token_file("# lab tokens\n  alpha \r\n\n\tbeta\n#gamma\ndelta");
  ASSERT_TRUE(set) << set.error();
  EXPECT_EQ(set->size(), 3u);
  EXPECT_TRUE(set->accepts("alpha"));
  EXPECT_TRUE(set->accepts("beta"));
  EXPECT_TRUE(set->accepts("delta"));
  EXPECT_FALSE(set->accepts("gamma"));
  EXPECT_FALSE(set->accepts(" alpha "));
}

// §1: an empty token file is an error, not "no authentication".
TEST(RoomsAuth, EmptyTokenFileIsAnError) {
  EXPECT_FALSE(parse_token_file(""));
  EXPECT_FALSE(parse_token_file("# only a comment\n\n"));
}

}  // namespace
}  // namespace wslab::rooms
