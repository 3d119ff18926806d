// Lab 1, steps 1-2: header helpers and the incremental HTTP head parser
// (RFC 9112 §2-§5, RFC 9110 §5). One test per rule.
#include <string>

#include "bytes.hpp"
#include "lab_test.hpp"
#include "wslab/http.hpp"

namespace wslab {
namespace {

using labtest::escaped;

WSLAB_LAB_SUITE(Lab1Headers);
WSLAB_LAB_SUITE(Lab1Parse);

// ---- step 1 ---------------------------------------------------------------

// RFC 9110 §5.1: field names are case-insensitive.
TEST_F(Lab1Headers, GetMatchesNamesCaseInsensitively) {
  HttpHeaders h;
  h.add("Sec-WebSocket-Key", "abc");
  const auto v = h.get("sec-websocket-key");
  ASSERT_TRUE(v.has_value())
      << "did: add(\"Sec-WebSocket-Key\", \"abc\"), get(\"sec-websocket-key\")\n"
         "expected: \"abc\"\nactual: nullopt";
  EXPECT_EQ(*v, "abc");
}

TEST_F(Lab1Headers, GetReturnsTheFirstOfDuplicates) {
  HttpHeaders h;
  h.add("Host", "a");
  h.add("host", "b");
  EXPECT_EQ(h.get("HOST").value_or("(nullopt)"), "a")
      << "did: add(Host: a), add(host: b), get(HOST)\nexpected: the first value \"a\"";
}

TEST_F(Lab1Headers, GetOfAnAbsentNameIsNullopt) {
  HttpHeaders h;
  h.add("Host", "a");
  EXPECT_FALSE(h.get("Origin").has_value()) << "did: add(Host: a), get(Origin)\nexpected: nullopt";
}

// RFC 6455 §11.3.1: duplicates matter (two keys are a bad request), so they are kept.
TEST_F(Lab1Headers, CountCountsDuplicates) {
  HttpHeaders h;
  h.add("Sec-WebSocket-Key", "a");
  h.add("Host", "h");
  h.add("sec-websocket-key", "b");
  EXPECT_EQ(h.count("SEC-WEBSOCKET-KEY"), 2u)
      << "did: add Sec-WebSocket-Key twice (different case)\nexpected: count 2";
  EXPECT_EQ(h.count("Origin"), 0u) << "expected: count of an absent name is 0";
  EXPECT_EQ(h.all().size(), 3u) << "expected: all() keeps every field, in order";
}

// RFC 9110 §5.3: repeated fields form one comma-separated list.
TEST_F(Lab1Headers, JoinedCombinesRepeatedFieldsInOrder) {
  HttpHeaders h;
  h.add("Connection", "keep-alive");
  h.add("Host", "x");
  h.add("connection", "Upgrade");
  EXPECT_EQ(h.joined("Connection"), "keep-alive, Upgrade")
      << "did: add(Connection: keep-alive), add(connection: Upgrade)\n"
         "expected: \"keep-alive, Upgrade\"";
  EXPECT_EQ(h.joined("Origin"), "") << "expected: \"\" for an absent name";
}

TEST_F(Lab1Headers, IequalsIgnoresAsciiCaseOnly) {
  EXPECT_TRUE(iequals("websocket", "WebSocket")) << "iequals(\"websocket\", \"WebSocket\")";
  EXPECT_FALSE(iequals("websocket", "websockets")) << "different lengths are never equal";
  EXPECT_FALSE(iequals("upgrade", "upgrada")) << "different letters";
  EXPECT_TRUE(iequals("", "")) << "two empty strings are equal";
}

// RFC 9110 §5.6.1: a list element may be surrounded by optional whitespace.
TEST_F(Lab1Headers, HeaderHasTokenFindsATokenInACommaList) {
  EXPECT_TRUE(header_has_token("keep-alive, Upgrade", "upgrade"))
      << "fed: \"keep-alive, Upgrade\", token \"upgrade\"\nexpected: true";
  EXPECT_TRUE(header_has_token("Upgrade", "upgrade")) << "fed: \"Upgrade\"\nexpected: true";
  EXPECT_TRUE(header_has_token("a,\t UPGRADE \t,b", "upgrade"))
      << "fed: \"a,\\t UPGRADE \\t,b\"\nexpected: true (elements are trimmed of SP and HTAB)";
}

TEST_F(Lab1Headers, HeaderHasTokenDoesNotMatchSubstrings) {
  EXPECT_FALSE(header_has_token("keep-alive", "upgrade")) << "fed: \"keep-alive\"\nexpected: false";
  EXPECT_FALSE(header_has_token("upgraded, x", "upgrade"))
      << "fed: \"upgraded, x\"\nexpected: false (a token is a whole element, not a substring)";
  EXPECT_FALSE(header_has_token("", "upgrade")) << "fed: \"\"\nexpected: false";
}

// ---- step 2 ---------------------------------------------------------------

const std::string kRequest =
    "GET /chat?room=1 HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n\r\n";

TEST_F(Lab1Parse, CompleteRequestFillsMethodTargetVersionAndHeaders) {
  HttpRequest req;
  const ParseOutcome o = parse_request(kRequest, req);
  ASSERT_EQ(o.state, ParseState::kComplete)
      << "fed: " << escaped(kRequest) << "\nexpected: kComplete\nerror: " << o.error;
  EXPECT_EQ(o.head_bytes, kRequest.size())
      << "expected: head_bytes = the whole head, blank line included";
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.target, "/chat?room=1") << "the target is kept as sent, query included";
  EXPECT_EQ(req.version_major, 1);
  EXPECT_EQ(req.version_minor, 1);
  EXPECT_EQ(req.headers.get("host").value_or("(absent)"), "example.com");
  EXPECT_EQ(req.headers.all().size(), 5u) << "expected: 5 header fields";
}

// RFC 9112 §5: OWS around the field value is not part of it.
TEST_F(Lab1Parse, HeaderValuesAreTrimmed) {
  const std::string raw = "GET / HTTP/1.1\r\nHost:   spaced.example \t\r\nX-Empty:\r\n\r\n";
  HttpRequest req;
  ASSERT_EQ(parse_request(raw, req).state, ParseState::kComplete) << "fed: " << escaped(raw);
  EXPECT_EQ(req.headers.get("Host").value_or("(absent)"), "spaced.example")
      << "fed: " << escaped(raw) << "\nexpected: the value without surrounding SP/HTAB";
  EXPECT_EQ(req.headers.get("X-Empty").value_or("(absent)"), "") << "an empty value is allowed";
}

// The parser is incremental: a head split anywhere needs more bytes, then completes.
TEST_F(Lab1Parse, IncompleteHeadNeedsMoreAtEveryPrefix) {
  for (std::size_t cut = 0; cut < kRequest.size(); ++cut) {
    HttpRequest req;
    const std::string prefix = kRequest.substr(0, cut);
    const ParseOutcome o = parse_request(prefix, req);
    ASSERT_EQ(o.state, ParseState::kNeedMore)
        << "fed the first " << cut << " bytes: " << escaped(prefix)
        << "\nexpected: kNeedMore (no blank line yet, nothing wrong)\nerror: " << o.error;
  }
}

// Bytes after the blank line are frames: they belong to the caller.
TEST_F(Lab1Parse, BytesAfterTheHeadAreNotConsumed) {
  const std::string raw = kRequest + "\x81\x85XXXX";
  HttpRequest req;
  const ParseOutcome o = parse_request(raw, req);
  ASSERT_EQ(o.state, ParseState::kComplete) << "fed: the request followed by 6 frame bytes";
  EXPECT_EQ(o.head_bytes, kRequest.size())
      << "expected: head_bytes ends at the blank line; the frame bytes after it are not the head's";
}

// Garbage is refused as soon as its first line ends, without waiting for a blank line.
TEST_F(Lab1Parse, BadRequestLineFailsAtItsEnd) {
  for (const std::string& raw :
       {std::string("HELLO WEBSOCKET\r\n"), std::string("GET /\r\n"),
        std::string("GET / HTTP/1.1 extra\r\n"), std::string("GET / HTTP/11\r\n"),
        std::string("G@T / HTTP/1.1\r\n")}) {
    HttpRequest req;
    const ParseOutcome o = parse_request(raw, req);
    EXPECT_EQ(o.state, ParseState::kError)
        << "fed: " << escaped(raw) << "\nexpected: kError at once (bad request line, RFC 9112 §3)";
  }
}

TEST_F(Lab1Parse, LinesMustEndInCrlf) {
  const std::string raw = "GET / HTTP/1.1\nHost: x\n\n";
  HttpRequest req;
  EXPECT_EQ(parse_request(raw, req).state, ParseState::kError)
      << "fed: " << escaped(raw) << "\nexpected: kError (bare LF, RFC 9112 §2.2)";
}

TEST_F(Lab1Parse, HeaderWithoutColonIsAnError) {
  const std::string raw = "GET / HTTP/1.1\r\nUpgrade websocket\r\n\r\n";
  HttpRequest req;
  EXPECT_EQ(parse_request(raw, req).state, ParseState::kError)
      << "fed: " << escaped(raw) << "\nexpected: kError (header line without ':')";
}

// RFC 9112 §5.1: no whitespace between the field name and the colon.
TEST_F(Lab1Parse, WhitespaceBeforeTheColonIsAnError) {
  const std::string raw = "GET / HTTP/1.1\r\nHost : x\r\n\r\n";
  HttpRequest req;
  EXPECT_EQ(parse_request(raw, req).state, ParseState::kError)
      << "fed: " << escaped(raw) << "\nexpected: kError (RFC 9112 §5.1)";
}

// RFC 9112 §5.2: obsolete line folding is refused.
TEST_F(Lab1Parse, ObsoleteLineFoldingIsAnError) {
  const std::string raw = "GET / HTTP/1.1\r\nHost: x\r\n continued\r\n\r\n";
  HttpRequest req;
  EXPECT_EQ(parse_request(raw, req).state, ParseState::kError)
      << "fed: " << escaped(raw) << "\nexpected: kError (a line starting with SP, RFC 9112 §5.2)";
}

// The server answers 431 when no head fits in max_head_bytes.
TEST_F(Lab1Parse, HeadLargerThanTheLimitIsTooLarge) {
  const std::string raw = "GET / HTTP/1.1\r\nX-Big: " + std::string(300, 'a');
  HttpRequest req;
  const ParseOutcome o = parse_request(raw, req, 256);
  EXPECT_EQ(o.state, ParseState::kTooLarge)
      << "fed: a " << raw.size() << "-byte head with no blank line, max_head_bytes 256\n"
      << "expected: kTooLarge\nerror: " << o.error;
}

TEST_F(Lab1Parse, ResponseStatusLineAndHeaders) {
  const std::string raw =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
  HttpResponse res;
  const ParseOutcome o = parse_response(raw, res);
  ASSERT_EQ(o.state, ParseState::kComplete) << "fed: " << escaped(raw) << "\nerror: " << o.error;
  EXPECT_EQ(o.head_bytes, raw.size());
  EXPECT_EQ(res.status, 101);
  EXPECT_EQ(res.reason, "Switching Protocols");
  EXPECT_EQ(res.headers.get("upgrade").value_or("(absent)"), "websocket");
}

TEST_F(Lab1Parse, ResponseWithANonNumericStatusIsAnError) {
  const std::string raw = "HTTP/1.1 1x1 Oops\r\n\r\n";
  HttpResponse res;
  EXPECT_EQ(parse_response(raw, res).state, ParseState::kError)
      << "fed: " << escaped(raw) << "\nexpected: kError (status is 3 digits, RFC 9112 §4)";
}

}  // namespace
}  // namespace wslab
