// Incremental HTTP/1.1 head parsing (RFC 9112 §2-§5) for the handshake (RFC 6455 §4.1-§4.2.1).
#include "wslab/http.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace wslab {
namespace {

// Feeds the chunks as a server would (appending to one buffer) and returns the
// first non-kNeedMore outcome, checking that earlier calls said kNeedMore.
ParseOutcome parse_incrementally(const std::vector<std::string>& chunks, HttpRequest& req,
                                 std::size_t max = 8192) {
  std::string buffer;
  for (const auto& c : chunks) {
    buffer += c;
    auto o = parse_request(buffer, req, max);
    if (o.state != ParseState::kNeedMore) return o;
  }
  return {};
}

// RFC 9112 §2.2: the head ends at the first empty line; what follows is not ours.
TEST(CoreHttp, RequestHeadEndsAtBlankLineUnderEveryDelivery) {
  const std::string wire = test::kUpgradeRequest + "\x81\x85trailing-frame";
  test::for_each_delivery(wire, [&](const auto& chunks) {
    HttpRequest req;
    const auto o = parse_incrementally(chunks, req);
    ASSERT_EQ(o.state, ParseState::kComplete);
    EXPECT_EQ(o.head_bytes, test::kUpgradeRequest.size());
    EXPECT_EQ(req.method, "GET");
    EXPECT_EQ(req.target, "/chat");
    EXPECT_EQ(req.version_major, 1);
    EXPECT_EQ(req.version_minor, 1);
    EXPECT_EQ(req.headers.get("host"), "server.example.com");
    EXPECT_EQ(req.headers.all().size(), 7u);
  });
}

// RFC 9110 §5.1: field names are case-insensitive; §5.5: OWS around values is not part of them.
TEST(CoreHttp, HeaderNamesAreCaseInsensitiveAndValuesTrimmed) {
  HttpRequest req;
  const auto o =
      parse_request("GET / HTTP/1.1\r\nhOsT: \t a.b \t\r\nX-A: 1\r\nx-a: 2\r\n\r\n", req);
  ASSERT_EQ(o.state, ParseState::kComplete);
  EXPECT_EQ(req.headers.get("HOST"), "a.b");
  EXPECT_EQ(req.headers.all()[0].name, "hOsT");  // as sent
  EXPECT_EQ(req.headers.count("X-a"), 2u);
  EXPECT_EQ(req.headers.joined("x-A"), "1, 2");
  EXPECT_FALSE(req.headers.get("missing").has_value());
}

// RFC 9112 §5.1: no whitespace between name and colon; §5.2: obs-fold is refused;
// §2.2: lines end in CRLF. Each is a 400 for the handshake (RFC 6455 §4.2.1).
TEST(CoreHttp, MalformedHeadsAreErrors) {
  const char* bad[] = {
      "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
      "GET / HTTP/1.1\nHost: a\r\n\r\n",
      "GET / HTTP/1.1\r\nHost a\r\n\r\n",
      "GET / HTTP/1.1\r\n: a\r\n\r\n",
      "G@T / HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET / HTTP/1.x\r\nHost: a\r\n\r\n",
      "GET /  HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
      "GET\r\n\r\n",
      "\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n",
      "GET / HTTP/1.1\r\nHo\x01st: a\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\x7f\r\n\r\n",
  };
  for (const char* head : bad) {
    test::for_each_delivery(head, [&](const auto& chunks) {
      HttpRequest req;
      const auto o = parse_incrementally(chunks, req);
      EXPECT_EQ(o.state, ParseState::kError) << head;
      EXPECT_FALSE(o.error.empty());
    });
  }
}

// A garbage first line is refused as soon as it ends, not after a blank line that never comes.
TEST(CoreHttp, GarbageStartLineFailsBeforeTheHeadEnds) {
  HttpRequest req;
  EXPECT_EQ(parse_request("HELLO THERE\r\n", req).state, ParseState::kError);
  const std::string tls_hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n", 12);
  EXPECT_EQ(parse_request(tls_hello, req).state, ParseState::kError);
  EXPECT_EQ(parse_request("GET / HTTP/1.1\r\nHost: a\r\n", req).state, ParseState::kNeedMore);
}

// RFC 9112 §3 + RFC 9110 §5.6.2: the method is a token; a byte that is not a tchar before
// the first space is an error at once, without waiting for the line to end.
TEST(CoreHttp, MethodThatIsNotATokenFailsBeforeTheLineEnds) {
  HttpRequest req;
  EXPECT_EQ(parse_request(std::string("\x16\x03\x01\x02\x00", 5), req).state, ParseState::kError);
  EXPECT_EQ(parse_request(" GET", req).state, ParseState::kError);  // empty method
  EXPECT_EQ(parse_request("GE\x7f", req).state, ParseState::kError);
  EXPECT_EQ(parse_request("GE", req).state, ParseState::kNeedMore);
  EXPECT_EQ(parse_request("M-SEARCH", req).state, ParseState::kNeedMore);
  EXPECT_EQ(parse_request("GET /chat HTTP/1", req).state, ParseState::kNeedMore);
}

// No complete head within max_head_bytes -> kTooLarge (the server answers 431).
TEST(CoreHttp, HeadOverTheLimitIsTooLarge) {
  std::string head = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(300, 'x') + "\r\n\r\n";
  HttpRequest req;
  EXPECT_EQ(parse_request(head, req, 200).state, ParseState::kTooLarge);
  EXPECT_EQ(parse_request(head.substr(0, 250), req, 200).state, ParseState::kTooLarge);
  EXPECT_EQ(parse_request(head, req, head.size()).state, ParseState::kComplete);
  EXPECT_EQ(parse_request(head, req, head.size() - 1).state, ParseState::kTooLarge);
}

// RFC 9112 §4: status-line; the reason phrase may be empty.
TEST(CoreHttp, ResponseHeadIsParsed) {
  const std::string wire = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nrest";
  test::for_each_delivery(wire, [&](const auto& chunks) {
    std::string buffer;
    ParseOutcome o;
    HttpResponse resp;
    for (const auto& c : chunks) {
      buffer += c;
      o = parse_response(buffer, resp);
      if (o.state != ParseState::kNeedMore) break;
    }
    ASSERT_EQ(o.state, ParseState::kComplete);
    EXPECT_EQ(o.head_bytes, wire.size() - 4);
    EXPECT_EQ(resp.status, 101);
    EXPECT_EQ(resp.reason, "Switching Protocols");
    EXPECT_EQ(resp.headers.get("upgrade"), "websocket");
  });
  HttpResponse resp;
  EXPECT_EQ(parse_response("HTTP/1.1 101 \r\n\r\n", resp).state, ParseState::kComplete);
  EXPECT_EQ(parse_response("HTTP/1.1 101\r\n\r\n", resp).state, ParseState::kComplete);
  EXPECT_EQ(parse_response("HTTP/1.1 1o1 OK\r\n\r\n", resp).state, ParseState::kError);
  EXPECT_EQ(parse_response("SSH-2.0-OpenSSH\r\n", resp).state, ParseState::kError);
}

// RFC 9110 §5.6.1 lists; RFC 6455 §4.2.1 item 4: "Connection: keep-alive, Upgrade".
TEST(CoreHttp, TokenListsAreSplitOnCommasAndCaseInsensitive) {
  EXPECT_TRUE(header_has_token("keep-alive, Upgrade", "upgrade"));
  EXPECT_TRUE(header_has_token("UPGRADE", "upgrade"));
  EXPECT_TRUE(header_has_token(" ,keep-alive ,\tupgrade\t", "Upgrade"));
  EXPECT_FALSE(header_has_token("keep-alive", "upgrade"));
  EXPECT_FALSE(header_has_token("upgraded, keep-alive", "upgrade"));
  EXPECT_FALSE(header_has_token("", "upgrade"));
  EXPECT_TRUE(iequals("WebSocket", "websocket"));
  EXPECT_FALSE(iequals("websockets", "websocket"));
}

}  // namespace
}  // namespace wslab
