// The opening handshake, server side (RFC 6455 §4.2) and client side (§4.1).
#include "wslab/handshake.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "test_util.hpp"
#include "wslab/crypto.hpp"

namespace wslab {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

Headers valid_headers() {
  return {{"Host", "server.example.com"},
          {"Upgrade", "websocket"},
          {"Connection", "Upgrade"},
          {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
          {"Sec-WebSocket-Version", "13"}};
}

Headers without(Headers h, std::string_view name) {
  h.erase(std::remove_if(h.begin(), h.end(), [&](const auto& p) { return p.first == name; }),
          h.end());
  return h;
}

Headers with(Headers h, std::string name, std::string value) {
  h = without(std::move(h), name);
  h.emplace_back(std::move(name), std::move(value));
  return h;
}

HttpRequest request(const Headers& headers, std::string method = "GET",
                    std::string target = "/chat", int minor = 1) {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.version_minor = minor;
  for (const auto& [n, v] : headers) r.headers.add(n, v);
  return r;
}

ServerHandshake decide(const Headers& h, ServerHandshakePolicy policy = {}) {
  return accept_handshake(request(h), policy);
}

bool response_has(const ServerHandshake& hs, std::string_view header_line) {
  return hs.response.find(std::string(header_line) + "\r\n") != std::string::npos;
}

// §1.3 / §4.2.2 item 5.4: the RFC's own sample key.
TEST(CoreHandshake, RfcSampleKeyGivesRfcAcceptValue) {
  EXPECT_EQ(compute_accept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

// §4.2.2 item 5: 101, Upgrade, Connection, Sec-WebSocket-Accept.
TEST(CoreHandshake, ValidRequestGets101WithAccept) {
  const auto hs = decide(valid_headers());
  EXPECT_EQ(hs.error, HandshakeError::kNone);
  EXPECT_EQ(hs.status, 101);
  EXPECT_EQ(hs.response.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0), 0u);
  EXPECT_TRUE(response_has(hs, "Upgrade: websocket"));
  EXPECT_TRUE(response_has(hs, "Connection: Upgrade"));
  EXPECT_TRUE(response_has(hs, "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
  EXPECT_EQ(hs.response.substr(hs.response.size() - 4), "\r\n\r\n");
  EXPECT_EQ(hs.response.find("Sec-WebSocket-Protocol"), std::string::npos);
}

// §4.2.1 item 1: the method MUST be GET -> 405 with Allow: GET (RFC 9110 §15.5.6).
TEST(CoreHandshake, NonGetMethodGets405WithAllowGet) {
  for (const char* m : {"POST", "PUT", "HEAD", "OPTIONS"}) {
    const auto hs = accept_handshake(request(valid_headers(), m), {});
    EXPECT_EQ(hs.error, HandshakeError::kMethodNotAllowed) << m;
    EXPECT_EQ(hs.status, 405);
    EXPECT_TRUE(response_has(hs, "Allow: GET"));
    EXPECT_EQ(hs.response.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0), 0u);
  }
}

// §4.2.1 item 1: HTTP/1.1 or higher.
TEST(CoreHandshake, Http10Gets400) {
  const auto hs = accept_handshake(request(valid_headers(), "GET", "/", 0), {});
  EXPECT_EQ(hs.status, 400);
}

// §4.2.1 item 2: a Host header; RFC 9112 §3.2: exactly one.
TEST(CoreHandshake, MissingOrDuplicateHostGets400) {
  EXPECT_EQ(decide(without(valid_headers(), "Host")).status, 400);
  auto twice = valid_headers();
  twice.emplace_back("host", "other.example.com");
  EXPECT_EQ(decide(twice).status, 400);
}

// §4.2.1 item 3 with no Upgrade at all: a plain request to a WebSocket-only
// resource. 426 + "Upgrade: websocket" (RFC 9110 §15.5.22 requires the header).
TEST(CoreHandshake, MissingUpgradeGets426NamingWebsocket) {
  const auto hs = decide(without(valid_headers(), "Upgrade"));
  EXPECT_EQ(hs.status, 426);
  EXPECT_EQ(hs.error, HandshakeError::kUpgradeRequired);
  EXPECT_TRUE(response_has(hs, "Upgrade: websocket"));
  EXPECT_TRUE(response_has(hs, "Sec-WebSocket-Version: 13"));
}

// §4.2.1 item 3: Upgrade to some other protocol is not a WebSocket handshake -> 400.
TEST(CoreHandshake, UpgradeToAnotherProtocolGets400) {
  EXPECT_EQ(decide(with(valid_headers(), "Upgrade", "h2c")).status, 400);
}

// §4.2.1 item 3: "websocket" is matched ASCII case-insensitively.
TEST(CoreHandshake, UpgradeValueIsCaseInsensitive) {
  for (const char* v : {"WebSocket", "WEBSOCKET", "websocket"}) {
    EXPECT_EQ(decide(with(valid_headers(), "Upgrade", v)).status, 101) << v;
  }
}

// §4.2.1 item 4: Connection must include the token "Upgrade", in any case, in a list.
TEST(CoreHandshake, ConnectionMustContainUpgradeToken) {
  EXPECT_EQ(decide(without(valid_headers(), "Connection")).status, 400);
  EXPECT_EQ(decide(with(valid_headers(), "Connection", "keep-alive")).status, 400);
  EXPECT_EQ(decide(with(valid_headers(), "Connection", "keep-alive, Upgrade")).status, 101);
  EXPECT_EQ(decide(with(valid_headers(), "Connection", "upgrade")).status, 101);
  auto split = with(valid_headers(), "Connection", "keep-alive");
  split.emplace_back("Connection", "Upgrade");  // the list may span two header lines
  EXPECT_EQ(decide(split).status, 101);
}

// §4.2.1 item 5: the key is base64 of exactly 16 bytes.
TEST(CoreHandshake, KeyMustDecodeToExactly16Bytes) {
  const std::string fifteen = base64_encode(std::string(15, 'k'));
  const std::string seventeen = base64_encode(std::string(17, 'k'));
  for (const std::string& key :
       {std::string(""), std::string("not base64 at all!!!!!!!"), fifteen, seventeen,
        std::string("dGhlIHNhbXBsZSBub25jZQ="), std::string("dGhlIHNhbXBsZSBub25jZR=="),
        std::string("dGhlIHNhbXBsZSBub25jZQ==="), std::string("dGhlIHNhbXBs ZSBub25jZQ==")}) {
    const auto hs = decide(with(valid_headers(), "Sec-WebSocket-Key", key));
    EXPECT_EQ(hs.status, 400) << "key \"" << key << "\"";
    EXPECT_EQ(hs.error, HandshakeError::kBadRequest);
  }
  EXPECT_EQ(decide(without(valid_headers(), "Sec-WebSocket-Key")).status, 400);
}

// §11.3.1: Sec-WebSocket-Key MUST NOT appear more than once in a request.
TEST(CoreHandshake, DuplicateKeyGets400) {
  auto h = valid_headers();
  h.emplace_back("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
  EXPECT_EQ(decide(h).status, 400);
}

// §4.2.1 item 6 + §4.4: wrong or missing version -> 426 with Sec-WebSocket-Version: 13.
TEST(CoreHandshake, WrongOrMissingVersionGets426WithVersion13) {
  for (const char* v : {"8", "12", "14", "013", "13abc", ""}) {
    const auto hs = decide(with(valid_headers(), "Sec-WebSocket-Version", v));
    EXPECT_EQ(hs.status, 426) << v;
    EXPECT_TRUE(response_has(hs, "Sec-WebSocket-Version: 13")) << v;
  }
  const auto missing = decide(without(valid_headers(), "Sec-WebSocket-Version"));
  EXPECT_EQ(missing.status, 426);
  EXPECT_TRUE(response_has(missing, "Sec-WebSocket-Version: 13"));
}

// §11.3.5: Sec-WebSocket-Version MUST NOT appear more than once in a request.
TEST(CoreHandshake, DuplicateVersionGets400) {
  auto h = valid_headers();
  h.emplace_back("Sec-WebSocket-Version", "13");
  EXPECT_EQ(decide(h).status, 400);
}

// §4.2.1 (via RFC 9110 §5.1): header names match case-insensitively, in any order.
TEST(CoreHandshake, HeaderNamesAreCaseInsensitiveInAnyOrder) {
  Headers h = {{"sec-websocket-version", "13"},
               {"SEC-WEBSOCKET-KEY", "dGhlIHNhbXBsZSBub25jZQ=="},
               {"connection", "upgrade"},
               {"uPgRaDe", "WebSocket"},
               {"HOST", "x"}};
  const auto hs = decide(h);
  EXPECT_EQ(hs.status, 101);
  EXPECT_TRUE(response_has(hs, "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
}

// §4.2.2 /resource name/: a path we do not serve -> 404; the query is not part of the path.
TEST(CoreHandshake, UnknownPathGets404) {
  ServerHandshakePolicy policy;
  policy.paths = {"/chat"};
  EXPECT_EQ(accept_handshake(request(valid_headers(), "GET", "/other"), policy).status, 404);
  EXPECT_EQ(accept_handshake(request(valid_headers(), "GET", "/chat?room=1"), policy).status, 101);
  // §4.2.1 item 1 allows an absolute URI.
  EXPECT_EQ(
      accept_handshake(request(valid_headers(), "GET", "http://server.example.com/chat"), policy)
          .status,
      101);
  EXPECT_EQ(accept_handshake(request(valid_headers(), "GET", "*"), policy).status, 400);
}

// §4.2.2 /origin/ and §10.2: an Origin not on the allow-list -> 403; no Origin is not a browser.
TEST(CoreHandshake, ForeignOriginGets403) {
  ServerHandshakePolicy policy;
  policy.allowed_origins = {"http://example.com"};
  auto h = valid_headers();
  EXPECT_EQ(decide(with(h, "Origin", "http://evil.example"), policy).status, 403);
  EXPECT_EQ(decide(with(h, "Origin", "http://example.com"), policy).status, 101);
  EXPECT_EQ(decide(h, policy).status, 101);
}

// §4.2.2 /subprotocol/: one of the client's, our first preference, or none.
TEST(CoreHandshake, SubprotocolIsOneTheClientOfferedOrNone) {
  ServerHandshakePolicy policy;
  policy.subprotocols = {"v2.chat", "chat"};
  auto hs = decide(with(valid_headers(), "Sec-WebSocket-Protocol", "chat, v2.chat"), policy);
  EXPECT_EQ(hs.subprotocol, "v2.chat");
  EXPECT_TRUE(response_has(hs, "Sec-WebSocket-Protocol: v2.chat"));
  // The offer may span several header lines.
  auto split = with(valid_headers(), "Sec-WebSocket-Protocol", "soap");
  split.emplace_back("Sec-WebSocket-Protocol", "chat");
  EXPECT_EQ(decide(split, policy).subprotocol, "chat");
  // No overlap, or no offer: no header at all (an empty value would be illegal).
  hs = decide(with(valid_headers(), "Sec-WebSocket-Protocol", "soap, wamp"), policy);
  EXPECT_EQ(hs.status, 101);
  EXPECT_EQ(hs.response.find("Sec-WebSocket-Protocol"), std::string::npos);
  hs = decide(valid_headers(), policy);
  EXPECT_EQ(hs.response.find("Sec-WebSocket-Protocol"), std::string::npos);
  // Names match exactly.
  EXPECT_EQ(decide(with(valid_headers(), "Sec-WebSocket-Protocol", "CHAT"), policy).subprotocol,
            "");
}

// §4.2.2 /extensions/ and §9.1: we implement none, so we accept none.
TEST(CoreHandshake, NoExtensionIsEverAccepted) {
  const auto hs = decide(with(valid_headers(), "Sec-WebSocket-Extensions",
                              "permessage-deflate; client_max_window_bits"));
  EXPECT_EQ(hs.status, 101);
  EXPECT_EQ(hs.response.find("Sec-WebSocket-Extensions"), std::string::npos);
}

// §4.2.1: an unparsable head gets 400; one over the size limit gets 431 (RFC 6585 §5).
TEST(CoreHandshake, UnparsableHeadGets400AndOversizedHeadGets431) {
  ParseOutcome error;
  error.state = ParseState::kError;
  error.error = "header line without a colon";
  auto hs = reject_unparsable(error, {});
  EXPECT_EQ(hs.status, 400);
  EXPECT_NE(hs.response.find("header line without a colon"), std::string::npos);
  ParseOutcome large;
  large.state = ParseState::kTooLarge;
  hs = reject_unparsable(large, {});
  EXPECT_EQ(hs.status, 431);
  EXPECT_EQ(hs.error, HandshakeError::kHeadersTooLarge);
  EXPECT_EQ(hs.response.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0), 0u);
}

// Error responses are complete HTTP messages that close the connection.
TEST(CoreHandshake, ErrorResponsesAreCompleteAndClose) {
  const auto hs = decide(without(valid_headers(), "Host"));
  HttpResponse resp;
  const auto o = parse_response(hs.response, resp);
  ASSERT_EQ(o.state, ParseState::kComplete);
  EXPECT_EQ(resp.status, 400);
  EXPECT_EQ(resp.headers.get("Connection"), "close");
  EXPECT_EQ(std::to_string(hs.response.size() - o.head_bytes), *resp.headers.get("Content-Length"));
  EXPECT_FALSE(hs.reason.empty());
}

// §4.1 item 7: the client's key is base64 of 16 fresh random bytes.
TEST(CoreClientHandshake, RequestCarriesAFreshSixteenByteKey) {
  ClientHandshakeRequest a;
  a.host = "127.0.0.1:9001";
  a.path = "/chat";
  a.subprotocols = {"chat", "superchat"};
  a.origin = "http://example.com";
  const auto wire = build_request(a);
  const auto decoded = base64_decode(a.key);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->size(), 16u);
  ClientHandshakeRequest b;
  build_request(b);
  EXPECT_NE(a.key, b.key);
  // §4.1 items 1-10, checked by our own server-side rules.
  HttpRequest parsed;
  ASSERT_EQ(parse_request(wire, parsed).state, ParseState::kComplete);
  ServerHandshakePolicy policy;
  policy.subprotocols = {"superchat"};
  const auto hs = accept_handshake(parsed, policy);
  EXPECT_EQ(hs.status, 101);
  EXPECT_EQ(hs.subprotocol, "superchat");
  EXPECT_EQ(parsed.target, "/chat");
  EXPECT_EQ(parsed.headers.get("Origin"), "http://example.com");
}

struct ClientCase {
  ClientHandshakeRequest sent;
  ClientCase() {
    sent.host = "h";
    sent.key = "dGhlIHNhbXBsZSBub25jZQ==";
    sent.subprotocols = {"chat"};
  }
  Result<ClientHandshakeResult> check(const std::string& head) const {
    HttpResponse resp;
    const auto o = parse_response(head, resp);
    EXPECT_EQ(o.state, ParseState::kComplete) << head;
    return validate_response(resp, sent);
  }
};

// §4.1: the client accepts a correct 101 and learns the selected subprotocol.
TEST(CoreClientHandshake, AcceptsACorrect101) {
  ClientCase c;
  auto r = c.check(test::accept_response_for(c.sent.key));
  ASSERT_TRUE(r.is_ok()) << r.error();
  EXPECT_EQ(r->subprotocol, "");
  r = c.check(test::accept_response_for(c.sent.key, "Sec-WebSocket-Protocol: chat\r\n"));
  ASSERT_TRUE(r.is_ok()) << r.error();
  EXPECT_EQ(r->subprotocol, "chat");
  r = c.check(
      "HTTP/1.1 101 OK\r\nUPGRADE: WebSocket\r\nconnection: keep-alive, upgrade\r\n"
      "sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
  EXPECT_TRUE(r.is_ok()) << r.error();
}

// §4.1 item 5 fails the connection when the header "indicates the use of an extension" we
// did not offer: an empty list names none and is accepted; any named one is refused.
TEST(CoreClientHandshake, OnlyANamedExtensionFailsTheHandshake) {
  ClientCase c;
  for (const char* empty : {"Sec-WebSocket-Extensions: \r\n", "Sec-WebSocket-Extensions: , \r\n"}) {
    const auto r = c.check(test::accept_response_for(c.sent.key, empty));
    EXPECT_TRUE(r.is_ok()) << empty << (r.is_ok() ? "" : r.error());
  }
  const auto named =
      c.check(test::accept_response_for(c.sent.key, "Sec-WebSocket-Extensions: , x-custom\r\n"));
  ASSERT_FALSE(named.is_ok());
  EXPECT_NE(named.error().find("x-custom"), std::string::npos) << named.error();
}

// §4.1 "the client MUST _Fail the WebSocket Connection_" for each of these.
TEST(CoreClientHandshake, RejectsEveryNonConformingResponse) {
  ClientCase c;
  const std::string accept = "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n";
  const std::map<std::string, std::string> bad = {
      {"status 200",
       "HTTP/1.1 200 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + accept + "\r\n"},
      {"no Upgrade", "HTTP/1.1 101 OK\r\nConnection: Upgrade\r\n" + accept + "\r\n"},
      {"Upgrade other",
       "HTTP/1.1 101 OK\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n" + accept + "\r\n"},
      {"no Connection", "HTTP/1.1 101 OK\r\nUpgrade: websocket\r\n" + accept + "\r\n"},
      {"no accept", "HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"},
      {"wrong accept", test::accept_response_for("AAAAAAAAAAAAAAAAAAAAAA==")},
      {"two accepts", "HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + accept +
                          accept + "\r\n"},
      {"unoffered subprotocol",
       test::accept_response_for(c.sent.key, "Sec-WebSocket-Protocol: soap\r\n")},
      {"two subprotocols",
       test::accept_response_for(
           c.sent.key, "Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Protocol: chat\r\n")},
      {"unoffered extension",
       test::accept_response_for(c.sent.key, "Sec-WebSocket-Extensions: permessage-deflate\r\n")},
  };
  for (const auto& [name, head] : bad) {
    const auto r = c.check(head);
    EXPECT_FALSE(r.is_ok()) << name;
    if (!r.is_ok()) {
      EXPECT_NE(r.error().find("RFC 6455"), std::string::npos) << name;
    }
  }
}

}  // namespace
}  // namespace wslab
