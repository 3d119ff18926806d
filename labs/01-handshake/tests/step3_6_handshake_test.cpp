// Lab 1, steps 3-6: the accept key, the response builders, the server's
// checks in order (RFC 6455 §4.2.1, §4.2.2, §4.4) and the client side (§4.1).
#include <string>
#include <vector>

#include "bytes.hpp"
#include "lab_test.hpp"
#include "wslab/crypto.hpp"
#include "wslab/handshake.hpp"

namespace wslab {
namespace {

using labtest::escaped;

WSLAB_LAB_SUITE(Lab1AcceptKey);
WSLAB_LAB_SUITE(Lab1Responses);
WSLAB_LAB_SUITE(Lab1ServerChecks);
WSLAB_LAB_SUITE(Lab1Client);

// A valid upgrade request as a struct (the parser is not under test here).
HttpRequest valid_request() {
  HttpRequest r;
  r.method = "GET";
  r.target = "/chat";
  r.headers.add("Host", "server.example.com");
  r.headers.add("Upgrade", "websocket");
  r.headers.add("Connection", "Upgrade");
  r.headers.add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
  r.headers.add("Sec-WebSocket-Version", "13");
  return r;
}

// The same request with one header replaced (value "" removes it) or added.
HttpRequest with_header(std::string_view name, std::string_view value, bool add = false) {
  const HttpRequest base = valid_request();
  HttpRequest r;
  r.method = base.method;
  r.target = base.target;
  for (const auto& h : base.headers.all()) {
    if (!add && iequals(h.name, name)) {
      if (!value.empty()) r.headers.add(h.name, std::string(value));
      continue;
    }
    r.headers.add(h.name, h.value);
  }
  if (add) r.headers.add(std::string(name), std::string(value));
  return r;
}

std::string show(const HttpRequest& r) {
  std::string s = r.method + " " + r.target + " HTTP/" + std::to_string(r.version_major) + "." +
                  std::to_string(r.version_minor) + "\r\n";
  for (const auto& h : r.headers.all()) s += h.name + ": " + h.value + "\r\n";
  return escaped(s + "\r\n");
}

// ---- step 3 ---------------------------------------------------------------

// §1.3 and §4.2.2 item 5.4: the RFC's own example.
TEST_F(Lab1AcceptKey, RfcSampleKeyGivesTheRfcSampleAccept) {
  EXPECT_EQ(compute_accept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
      << "fed: key \"dGhlIHNhbXBsZSBub25jZQ==\"\n"
         "expected: base64(SHA-1(key + \"258EAFA5-E914-47DA-95CA-C5AB0DC85B11\")) = "
         "\"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\" (RFC 6455 §1.3)";
}

TEST_F(Lab1AcceptKey, KeyIsUsedAsGivenNotDecoded) {
  // base64(SHA-1("x3JJHMbDL1EzLkh9GBhXDw==258EAFA5-E914-47DA-95CA-C5AB0DC85B11")), from §4.1
  // practice.
  EXPECT_EQ(compute_accept("x3JJHMbDL1EzLkh9GBhXDw=="), "HSmrc0sMlYUkAGmm5OPpG2HaGWk=")
      << "fed: key \"x3JJHMbDL1EzLkh9GBhXDw==\"\nexpected: \"HSmrc0sMlYUkAGmm5OPpG2HaGWk=\" "
         "(concatenate the key text, do not decode it; base64 the 20 raw digest bytes)";
}

// ---- step 4 ---------------------------------------------------------------

TEST_F(Lab1Responses, ReasonPhrasesOfTheHandshakeStatuses) {
  const std::vector<std::pair<int, std::string>> want = {{101, "Switching Protocols"},
                                                         {400, "Bad Request"},
                                                         {403, "Forbidden"},
                                                         {404, "Not Found"},
                                                         {405, "Method Not Allowed"},
                                                         {426, "Upgrade Required"},
                                                         {431, "Request Header Fields Too Large"},
                                                         {200, "OK"},
                                                         {999, "Unknown"}};
  for (const auto& [status, phrase] : want) {
    EXPECT_EQ(reason_phrase(status), phrase) << "fed: reason_phrase(" << status << ")";
  }
}

// RFC 9112 §3.2: origin-form and absolute-form targets.
TEST_F(Lab1Responses, RequestPathStripsQueryAndAuthority) {
  EXPECT_EQ(request_path("/chat?x=1"), "/chat") << "fed: \"/chat?x=1\"";
  EXPECT_EQ(request_path("/"), "/") << "fed: \"/\"";
  EXPECT_EQ(request_path("http://h.example:9001/room/1?t=2"), "/room/1")
      << "fed: \"http://h.example:9001/room/1?t=2\" (absolute-form)";
  EXPECT_EQ(request_path("ws://h.example"), "/") << "fed: \"ws://h.example\" (no path: \"/\")";
  EXPECT_EQ(request_path("chat"), "") << "fed: \"chat\" (neither form: empty)";
  EXPECT_EQ(request_path("*"), "") << "fed: \"*\" (asterisk-form is not for GET: empty)";
}

TEST_F(Lab1Responses, OfferedSubprotocolsSpanEveryHeaderLine) {
  HttpRequest r = valid_request();
  r.headers.add("Sec-WebSocket-Protocol", "chat, , superchat");
  r.headers.add("sec-websocket-protocol", " wslab.rooms.v1 ");
  const std::vector<std::string> want = {"chat", "superchat", "wslab.rooms.v1"};
  EXPECT_EQ(offered_subprotocols(r), want)
      << "fed: Sec-WebSocket-Protocol: \"chat, , superchat\" and \" wslab.rooms.v1 \"\n"
         "expected: [chat, superchat, wslab.rooms.v1] (trimmed, empty elements dropped)";
}

// §4.2.2 item 5: the 101's status line and headers, CRLF everywhere, a blank line at the end.
TEST_F(Lab1Responses, AcceptResponseHasTheFourRequiredParts) {
  const std::string r = build_accept_response("dGhlIHNhbXBsZSBub25jZQ==", "chat", "wslab");
  const std::string shown = "actual: " + escaped(r);
  EXPECT_EQ(r.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0), 0u) << shown;
  EXPECT_NE(r.find("\r\nUpgrade: websocket\r\n"), std::string::npos) << shown;
  EXPECT_NE(r.find("\r\nConnection: Upgrade\r\n"), std::string::npos) << shown;
  EXPECT_NE(r.find("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), std::string::npos)
      << shown;
  EXPECT_NE(r.find("\r\nSec-WebSocket-Protocol: chat\r\n"), std::string::npos) << shown;
  EXPECT_NE(r.find("\r\nServer: wslab\r\n"), std::string::npos) << shown;
  EXPECT_TRUE(r.size() >= 4 && r.substr(r.size() - 4) == "\r\n\r\n")
      << "expected: the head ends with an empty line\n"
      << shown;
}

TEST_F(Lab1Responses, AcceptResponseWithoutSubprotocolOmitsTheHeader) {
  const std::string r = build_accept_response("dGhlIHNhbXBsZSBub25jZQ==", "", "wslab");
  EXPECT_EQ(r.find("Sec-WebSocket-Protocol"), std::string::npos)
      << "expected: no Sec-WebSocket-Protocol when none was selected (§4.2.2)\nactual: "
      << escaped(r);
}

TEST_F(Lab1Responses, HttpErrorResponseCarriesLengthAndConnectionClose) {
  const std::string r =
      build_http_response(400, "text/plain", "bad\n", "wslab", {{"X-Why", "test"}});
  const std::string shown = "actual: " + escaped(r);
  EXPECT_EQ(r.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << shown;
  EXPECT_NE(r.find("\r\nContent-Length: 4\r\n"), std::string::npos) << shown;
  EXPECT_NE(r.find("\r\nConnection: close\r\n"), std::string::npos) << shown;
  EXPECT_NE(r.find("\r\nContent-Type: text/plain\r\n"), std::string::npos) << shown;
  EXPECT_NE(r.find("\r\nX-Why: test\r\n"), std::string::npos) << shown;
  EXPECT_TRUE(r.size() >= 8 && r.substr(r.size() - 8) == "\r\n\r\nbad\n")
      << "expected: blank line, then the body\n"
      << shown;
}

// ---- step 5 ---------------------------------------------------------------

ServerHandshake decide(const HttpRequest& r, const ServerHandshakePolicy& p = {}) {
  return accept_handshake(r, p);
}

TEST_F(Lab1ServerChecks, ValidRequestGets101WithTheAcceptKey) {
  const HttpRequest r = valid_request();
  const ServerHandshake hs = decide(r);
  EXPECT_EQ(hs.status, 101) << "fed: " << show(r) << "\nexpected: 101\nreason: " << hs.reason;
  EXPECT_EQ(hs.error, HandshakeError::kNone);
  EXPECT_NE(hs.response.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
            std::string::npos)
      << "expected: the 101 carries the accept value\nactual: " << escaped(hs.response);
}

// §4.2.1 item 1 + RFC 9110 §15.5.6: 405 lists the allowed method.
TEST_F(Lab1ServerChecks, MethodOtherThanGetGets405WithAllow) {
  for (const char* method : {"POST", "PUT", "HEAD", "get"}) {
    HttpRequest r = valid_request();
    r.method = method;
    const ServerHandshake hs = decide(r);
    EXPECT_EQ(hs.status, 405) << "fed: " << show(r)
                              << "\nexpected: 405 (methods are case-sensitive)";
    EXPECT_EQ(hs.error, HandshakeError::kMethodNotAllowed);
    EXPECT_NE(hs.response.find("\r\nAllow: GET\r\n"), std::string::npos)
        << "expected: \"Allow: GET\" in the 405\nactual: " << escaped(hs.response);
  }
}

TEST_F(Lab1ServerChecks, Http10Gets400) {
  HttpRequest r = valid_request();
  r.version_minor = 0;
  EXPECT_EQ(decide(r).status, 400)
      << "fed: " << show(r) << "\nexpected: 400 (§4.2.1 item 1: HTTP/1.1 or higher)";
}

TEST_F(Lab1ServerChecks, TargetThatIsNotAPathGets400) {
  HttpRequest r = valid_request();
  r.target = "chat";
  EXPECT_EQ(decide(r).status, 400) << "fed: " << show(r) << "\nexpected: 400";
}

TEST_F(Lab1ServerChecks, MissingOrDuplicateHostGets400) {
  const HttpRequest none = with_header("Host", "");
  EXPECT_EQ(decide(none).status, 400) << "fed: " << show(none) << "\nexpected: 400 (§4.2.1 item 2)";
  const HttpRequest two = with_header("Host", "other.example", true);
  EXPECT_EQ(decide(two).status, 400) << "fed: " << show(two) << "\nexpected: 400 (RFC 9112 §3.2)";
}

// §4.2.1 item 3; RFC 9110 §15.5.22: a 426 names the protocol to upgrade to.
TEST_F(Lab1ServerChecks, MissingUpgradeGets426NamingWebsocket) {
  const HttpRequest r = with_header("Upgrade", "");
  const ServerHandshake hs = decide(r);
  EXPECT_EQ(hs.status, 426) << "fed: " << show(r) << "\nexpected: 426";
  EXPECT_NE(hs.response.find("\r\nUpgrade: websocket\r\n"), std::string::npos)
      << "expected: \"Upgrade: websocket\" in the 426\nactual: " << escaped(hs.response);
}

TEST_F(Lab1ServerChecks, UpgradeToAnotherProtocolGets400) {
  const HttpRequest r = with_header("Upgrade", "h2c");
  EXPECT_EQ(decide(r).status, 400) << "fed: " << show(r) << "\nexpected: 400";
}

TEST_F(Lab1ServerChecks, UpgradeValueIsCaseInsensitive) {
  const HttpRequest r = with_header("Upgrade", "WebSocket");
  EXPECT_EQ(decide(r).status, 101) << "fed: " << show(r) << "\nexpected: 101";
}

// §4.2.1 item 4: Connection is a token list, over every Connection line.
TEST_F(Lab1ServerChecks, ConnectionMustListUpgrade) {
  const HttpRequest missing = with_header("Connection", "");
  EXPECT_EQ(decide(missing).status, 400) << "fed: " << show(missing) << "\nexpected: 400";
  const HttpRequest keep = with_header("Connection", "keep-alive");
  EXPECT_EQ(decide(keep).status, 400) << "fed: " << show(keep) << "\nexpected: 400";
  const HttpRequest list = with_header("Connection", "keep-alive, Upgrade");
  EXPECT_EQ(decide(list).status, 101) << "fed: " << show(list) << "\nexpected: 101";
  HttpRequest two = with_header("Connection", "keep-alive");
  two.headers.add("Connection", "upgrade");
  EXPECT_EQ(decide(two).status, 101)
      << "fed: " << show(two) << "\nexpected: 101 (two lines form one list, RFC 9110 §5.3)";
}

// §4.2.2 / §4.4: a missing or unsupported version gets 426 + the version we speak.
TEST_F(Lab1ServerChecks, WrongOrMissingVersionGets426WithVersion13) {
  for (const char* v : {"", "8", "12", "14", "013", "13abc"}) {
    const HttpRequest r = with_header("Sec-WebSocket-Version", v);
    const ServerHandshake hs = decide(r);
    EXPECT_EQ(hs.status, 426) << "fed: " << show(r) << "\nexpected: 426";
    EXPECT_NE(hs.response.find("\r\nSec-WebSocket-Version: 13\r\n"), std::string::npos)
        << "fed: " << show(r)
        << "\nexpected: \"Sec-WebSocket-Version: 13\" in the 426\nactual: " << escaped(hs.response);
  }
}

TEST_F(Lab1ServerChecks, DuplicateVersionGets400) {
  const HttpRequest r = with_header("Sec-WebSocket-Version", "13", true);
  EXPECT_EQ(decide(r).status, 400) << "fed: " << show(r) << "\nexpected: 400 (§11.3.5: once)";
}

// §4.2.1 item 5: base64 of exactly 16 bytes, exactly once.
TEST_F(Lab1ServerChecks, KeyMustBeBase64Of16BytesExactlyOnce) {
  for (const char* key :
       {"", "not base64 at all!!!!!!!", "AAAAAAAAAAAAAAAAAAAA", /* 15 bytes */
        "AAAAAAAAAAAAAAAAAAAAAAA=", "AAAAAAAAAAAAAAAAAAAAAA==AA", "AAAAAAAAAAAAAAAAAAAAAQ=="}) {
    HttpRequest r = with_header("Sec-WebSocket-Key", "");
    if (*key != '\0') r.headers.add("Sec-WebSocket-Key", key);
    const ServerHandshake hs = decide(r);
    const bool valid = std::string(key) == "AAAAAAAAAAAAAAAAAAAAAQ==";
    EXPECT_EQ(hs.status, valid ? 101 : 400)
        << "fed: " << show(r) << "\nexpected: " << (valid ? "101 (16 bytes)" : "400");
  }
  const HttpRequest two = with_header("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAQ==", true);
  EXPECT_EQ(decide(two).status, 400) << "fed: " << show(two) << "\nexpected: 400 (§11.3.1: once)";
}

// The checks run in the documented order: the first failing one decides.
TEST_F(Lab1ServerChecks, ChecksRunInOrder) {
  HttpRequest post_without_key = with_header("Sec-WebSocket-Key", "");
  post_without_key.method = "POST";
  EXPECT_EQ(decide(post_without_key).status, 405)
      << "fed: " << show(post_without_key) << "\nexpected: 405 (the method is checked first)";
  HttpRequest v8_without_key;  // version 8 and no key at all
  v8_without_key.method = "GET";
  v8_without_key.target = "/chat";
  const HttpRequest v8 = with_header("Sec-WebSocket-Version", "8");
  for (const auto& h : v8.headers.all()) {
    if (!iequals(h.name, "Sec-WebSocket-Key")) v8_without_key.headers.add(h.name, h.value);
  }
  EXPECT_EQ(decide(v8_without_key).status, 426)
      << "fed: " << show(v8_without_key)
      << "\nexpected: 426 (the version is checked before the key)";
}

// §4.2.2: a resource we do not serve gets 404; the query is not part of the path.
TEST_F(Lab1ServerChecks, PathOutsidePolicyGets404) {
  ServerHandshakePolicy p;
  p.paths = {"/chat"};
  HttpRequest r = valid_request();
  r.target = "/other";
  EXPECT_EQ(decide(r, p).status, 404) << "fed: " << show(r) << " with paths {/chat}\nexpected: 404";
  r.target = "/chat?x=1";
  EXPECT_EQ(decide(r, p).status, 101) << "fed: " << show(r) << " with paths {/chat}\nexpected: 101";
}

// §10.2: Origin checks apply to browsers; a request without Origin passes.
TEST_F(Lab1ServerChecks, ForeignOriginGets403) {
  ServerHandshakePolicy p;
  p.allowed_origins = {"https://good.example"};
  const HttpRequest evil = with_header("Origin", "https://evil.example", true);
  EXPECT_EQ(decide(evil, p).status, 403) << "fed: " << show(evil) << "\nexpected: 403";
  const HttpRequest good = with_header("Origin", "https://GOOD.example", true);
  EXPECT_EQ(decide(good, p).status, 101) << "fed: " << show(good) << "\nexpected: 101";
  EXPECT_EQ(decide(valid_request(), p).status, 101) << "no Origin at all: expected 101";
}

// §4.2.2 item 5.4: OUR preference order decides among the offered ones.
TEST_F(Lab1ServerChecks, SubprotocolIsOurFirstPreferenceAmongOffered) {
  ServerHandshakePolicy p;
  p.subprotocols = {"superchat", "chat"};
  const HttpRequest r = with_header("Sec-WebSocket-Protocol", "chat, superchat", true);
  const ServerHandshake hs = decide(r, p);
  EXPECT_EQ(hs.subprotocol, "superchat") << "fed: " << show(r) << " with ours {superchat, chat}";
  EXPECT_NE(hs.response.find("\r\nSec-WebSocket-Protocol: superchat\r\n"), std::string::npos)
      << "actual: " << escaped(hs.response);
  const HttpRequest none = with_header("Sec-WebSocket-Protocol", "other", true);
  const ServerHandshake hs2 = decide(none, p);
  EXPECT_EQ(hs2.status, 101) << "an unknown subprotocol is not an error";
  EXPECT_EQ(hs2.response.find("Sec-WebSocket-Protocol"), std::string::npos)
      << "expected: no Sec-WebSocket-Protocol when nothing matches\nactual: "
      << escaped(hs2.response);
}

TEST_F(Lab1ServerChecks, ExtensionsAreNeverAccepted) {
  const HttpRequest r = with_header("Sec-WebSocket-Extensions", "permessage-deflate", true);
  const ServerHandshake hs = decide(r);
  EXPECT_EQ(hs.status, 101);
  EXPECT_EQ(hs.response.find("Sec-WebSocket-Extensions"), std::string::npos)
      << "expected: no extension in the 101 (none is implemented)\nactual: "
      << escaped(hs.response);
}

TEST_F(Lab1ServerChecks, RefusalCarriesItsReasonAsTheBody) {
  const ServerHandshake hs = decide(with_header("Host", ""));
  EXPECT_FALSE(hs.reason.empty()) << "expected: a sentence naming the rule";
  EXPECT_NE(hs.response.find(hs.reason), std::string::npos)
      << "expected: the reason in the response body\nactual: " << escaped(hs.response);
}

TEST_F(Lab1ServerChecks, UnparsableHeadGets400OrTooLarge431) {
  ParseOutcome bad;
  bad.state = ParseState::kError;
  bad.error = "header line without a colon";
  EXPECT_EQ(reject_unparsable(bad, {}).status, 400) << "fed: kError\nexpected: 400";
  ParseOutcome big;
  big.state = ParseState::kTooLarge;
  const ServerHandshake hs = reject_unparsable(big, {});
  EXPECT_EQ(hs.status, 431) << "fed: kTooLarge\nexpected: 431";
  EXPECT_EQ(hs.response.rfind("HTTP/1.1 431 ", 0), 0u) << "actual: " << escaped(hs.response);
}

// ---- step 6 ---------------------------------------------------------------

// §4.1 item 7: a random 16-byte nonce, base64-encoded, new for every connection.
TEST_F(Lab1Client, GeneratedKeyIsBase64Of16FreshBytes) {
  const std::string a = generate_key();
  const std::string b = generate_key();
  const auto decoded = base64_decode(a);
  ASSERT_TRUE(decoded.has_value()) << "generate_key() gave " << escaped(a) << ": not base64";
  EXPECT_EQ(decoded->size(), 16u) << "generate_key() gave " << escaped(a) << ": not 16 bytes";
  EXPECT_NE(a, b) << "two calls gave the same key " << escaped(a);
}

TEST_F(Lab1Client, RequestHasEveryRequiredHeader) {
  ClientHandshakeRequest req;
  req.host = "127.0.0.1:9001";
  req.path = "/chat";
  req.origin = "http://app.example";
  req.subprotocols = {"chat", "superchat"};
  const std::string r = build_request(req);
  const std::string shown = "actual: " + escaped(r);
  EXPECT_EQ(req.key.size(), 24u) << "expected: build_request fills an empty key (24 base64 chars)";
  EXPECT_EQ(r.rfind("GET /chat HTTP/1.1\r\n", 0), 0u) << shown;
  EXPECT_NE(r.find("\r\nHost: 127.0.0.1:9001\r\n"), std::string::npos) << shown;
  EXPECT_NE(r.find("\r\nUpgrade: websocket\r\n"), std::string::npos) << shown;
  EXPECT_NE(r.find("\r\nConnection: Upgrade\r\n"), std::string::npos) << shown;
  EXPECT_NE(r.find("\r\nSec-WebSocket-Key: " + req.key + "\r\n"), std::string::npos) << shown;
  EXPECT_NE(r.find("\r\nSec-WebSocket-Version: 13\r\n"), std::string::npos) << shown;
  EXPECT_NE(r.find("\r\nOrigin: http://app.example\r\n"), std::string::npos) << shown;
  EXPECT_NE(r.find("\r\nSec-WebSocket-Protocol: chat, superchat\r\n"), std::string::npos) << shown;
  EXPECT_TRUE(r.size() >= 4 && r.substr(r.size() - 4) == "\r\n\r\n") << shown;
}

HttpResponse good_101() {
  HttpResponse r;
  r.status = 101;
  r.reason = "Switching Protocols";
  r.headers.add("Upgrade", "websocket");
  r.headers.add("Connection", "Upgrade");
  r.headers.add("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  return r;
}

ClientHandshakeRequest sample_sent() {
  ClientHandshakeRequest s;
  s.host = "h";
  s.key = "dGhlIHNhbXBsZSBub25jZQ==";
  s.subprotocols = {"chat"};
  return s;
}

TEST_F(Lab1Client, ValidResponseIsAccepted) {
  const auto r = validate_response(good_101(), sample_sent());
  EXPECT_TRUE(r.is_ok()) << "fed: a correct 101 for the sample key\nexpected: ok\nerror: "
                         << (r.is_ok() ? "" : r.error());
}

// §4.1: "If the status code received from the server is not 101, the client handles
// the response per HTTP procedures" -- it is not a WebSocket.
TEST_F(Lab1Client, EachOfTheSixClientChecksFails) {
  struct Case {
    const char* what;
    HttpResponse res;
  };
  std::vector<Case> cases;
  HttpResponse c = good_101();
  c.status = 200;
  cases.push_back({"status 200 instead of 101", c});
  cases.push_back({"Upgrade: h2c", [] {
                     HttpResponse r = good_101();
                     HttpResponse o;
                     o.status = 101;
                     o.headers.add("Upgrade", "h2c");
                     for (const auto& h : r.headers.all())
                       if (!iequals(h.name, "Upgrade")) o.headers.add(h.name, h.value);
                     return o;
                   }()});
  cases.push_back({"no Connection header", [] {
                     HttpResponse o;
                     o.status = 101;
                     const HttpResponse g = good_101();
                     for (const auto& h : g.headers.all())
                       if (!iequals(h.name, "Connection")) o.headers.add(h.name, h.value);
                     return o;
                   }()});
  cases.push_back({"a wrong Sec-WebSocket-Accept", [] {
                     HttpResponse o;
                     o.status = 101;
                     const HttpResponse g = good_101();
                     for (const auto& h : g.headers.all())
                       o.headers.add(h.name, iequals(h.name, "Sec-WebSocket-Accept")
                                                 ? "AAAAAAAAAAAAAAAAAAAAAAAAAAA="
                                                 : h.value);
                     return o;
                   }()});
  c = good_101();
  c.headers.add("Sec-WebSocket-Extensions", "permessage-deflate");
  cases.push_back({"an extension we did not offer", c});
  c = good_101();
  c.headers.add("Sec-WebSocket-Protocol", "superchat");
  cases.push_back({"a subprotocol we did not offer", c});
  for (const auto& k : cases) {
    const auto r = validate_response(k.res, sample_sent());
    EXPECT_FALSE(r.is_ok()) << "fed: a 101 with " << k.what
                            << "\nexpected: an error (RFC 6455 §4.1)";
  }
}

TEST_F(Lab1Client, SelectedSubprotocolIsReported) {
  HttpResponse res = good_101();
  res.headers.add("Sec-WebSocket-Protocol", "chat");
  const auto r = validate_response(res, sample_sent());
  ASSERT_TRUE(r.is_ok()) << "fed: a 101 selecting \"chat\" (offered)\nerror: " << r.error();
  EXPECT_EQ(r->subprotocol, "chat");
}

}  // namespace
}  // namespace wslab
