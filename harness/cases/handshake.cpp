// Group "handshake" (lab 1): the server's side of the opening handshake,
// RFC 6455 §4.2.1 (reading the request), §4.2.2 (the response), §4.4
// (version negotiation), §11.3 (header fields). Autobahn has no handshake
// cases; these follow k3po's and Boost.Beast's negative tests: every request
// a server must refuse (method, HTTP version, Host, Upgrade, Connection, key,
// version, malformed lines, oversized heads) and every variant it must accept
// (header case, order, token lists, a request trickled byte by byte, a frame
// in the same segment), plus subprotocol and extension negotiation.
#include <algorithm>
#include <cctype>
#include <functional>
#include <string>
#include <vector>

#include "drive.hpp"
#include "wslab/crypto.hpp"
#include "wslab/frame.hpp"
#include "wslab/http.hpp"

namespace wslab::harness {

namespace {

using namespace cases;
using K = Observation::Kind;

constexpr const char* kGroup = "handshake";
constexpr const char* kSampleKey = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455 §1.3
constexpr Millis kWait = 1000ms;

constexpr const char* kRefuseRule =
    "If the server, while reading the handshake, finds that the client did not send a handshake "
    "that matches the description below ..., the server MUST stop processing the client's "
    "handshake and return an HTTP response with an appropriate error code (such as 400 Bad "
    "Request).";

std::string hs_lesson(std::string_view anchor) {
  return lesson::at(lesson::kHandshake, anchor);
}

// A request as an ordered list of lines, edited per case.
struct Request {
  std::string request_line;
  std::vector<HttpHeader> headers;
  std::vector<std::string> raw_lines;  // rendered as is after the headers (malformed lines)

  static Request standard(const CaseContext& ctx, std::string key = kSampleKey) {
    Request r;
    r.request_line = "GET " + path(ctx) + " HTTP/1.1";
    r.headers = {{"Host", ctx.target.host_header()},
                 {"Upgrade", "websocket"},
                 {"Connection", "Upgrade"},
                 {"Sec-WebSocket-Key", std::move(key)},
                 {"Sec-WebSocket-Version", "13"}};
    return r;
  }
  static std::string path(const CaseContext& ctx) {
    return ctx.target.path.empty() ? std::string("/") : ctx.target.path;
  }
  Request& remove(std::string_view name) {
    headers.erase(std::remove_if(headers.begin(), headers.end(),
                                 [&](const HttpHeader& h) { return iequals(h.name, name); }),
                  headers.end());
    return *this;
  }
  Request& set(std::string_view name, std::string value) {
    for (auto& h : headers) {
      if (iequals(h.name, name)) {
        h.value = std::move(value);
        return *this;
      }
    }
    headers.push_back({std::string(name), std::move(value)});
    return *this;
  }
  Request& add(std::string name, std::string value) {
    headers.push_back({std::move(name), std::move(value)});
    return *this;
  }
  [[nodiscard]] std::string bytes() const {
    std::string s = request_line + "\r\n";
    for (const auto& h : headers) s += h.name + ": " + h.value + "\r\n";
    for (const auto& line : raw_lines) s += line + "\r\n";
    return s + "\r\n";
  }
};

using Edit = std::function<void(Request&, const CaseContext&)>;

// --- refusals -------------------------------------------------------------

CaseResult refuse(CaseContext& ctx, const std::string& raw, const RejectRule& rule) {
  Exchange x(ctx, 2 * kWait);
  if (!x.connect()) return x.failure();
  return expect_reject(classify_http(x.probe().request(raw, kWait)), rule);
}

void add_refusal(Catalog& cat, std::string id, std::string section, std::string rfc_text,
                 std::string description, std::string hint, std::string anchor, Edit edit,
                 RejectRule rule) {
  add(cat,
      Spec{.id = std::move(id),
           .group = kGroup,
           .lab = kLabHandshake,
           .rfc_section = std::move(section),
           .rfc_text = std::move(rfc_text),
           .description = std::move(description),
           .hint = std::move(hint),
           .lesson = hs_lesson(anchor),
           .timeout = 2 * kWait},
      [edit = std::move(edit), rule = std::move(rule)](CaseContext& ctx) {
        Request r = Request::standard(ctx);
        edit(r, ctx);
        return refuse(ctx, r.bytes(), rule);
      });
}

RejectRule any_4xx(std::string why) {
  RejectRule r;
  r.rule = std::move(why);
  return r;
}

RejectRule version_rule() {
  RejectRule r;
  r.statuses = {426, 400};
  r.required_header = "Sec-WebSocket-Version";
  r.required_token = "13";
  r.drop_fails = true;
  r.rule =
      "§4.2.2/§4.4: an unsupported version gets an HTTP error and the versions the server "
      "supports";
  return r;
}

// --- acceptances ----------------------------------------------------------

// The 101 must be right, and the connection must then echo a message.
CaseResult accepted_then_echo(Exchange& x, const HttpOutcome& outcome, const AcceptRule& rule,
                              bool echo = true) {
  CaseResult r = expect_accept(outcome, rule);
  if (r.verdict != Verdict::kPass || !echo) {
    if (outcome.kind == HttpOutcome::Kind::kResponse) x.probe().close();
    return r;
  }
  x.probe().send_text("hello after the handshake");
  x.await_answers(1);
  x.close(1000);
  CaseResult e = expect_echo(x.observations(), "hello after the handshake", K::kText);
  r.expected += "; then the connection echoes a message";
  r.observed += "; then " + e.observed;
  if (e.verdict != Verdict::kPass) {
    r.verdict = worse(r.verdict, e.verdict);
    r.detail = "the 101 was right, but the connection did not work afterwards: " + e.detail;
  }
  return r;
}

CaseResult accept_raw(CaseContext& ctx, const std::string& raw, const AcceptRule& rule,
                      bool echo = true) {
  Exchange x(ctx, 3 * kWait);
  if (!x.connect()) return x.failure();
  return accepted_then_echo(x, classify_http(x.probe().request(raw, kWait)), rule, echo);
}

void add_acceptance(Catalog& cat, std::string id, std::string section, std::string rfc_text,
                    std::string description, std::string hint, std::string anchor, Edit edit,
                    std::string key = kSampleKey) {
  add(cat,
      Spec{.id = std::move(id),
           .group = kGroup,
           .lab = kLabFraming,  // then echoes a message: frames (lab 2)
           .rfc_section = std::move(section),
           .rfc_text = std::move(rfc_text),
           .points = 1,
           .description = std::move(description),
           .hint = std::move(hint),
           .lesson = hs_lesson(anchor),
           .timeout = 3 * kWait},
      [edit = std::move(edit), key](CaseContext& ctx) {
        Request r = Request::standard(ctx, key);
        edit(r, ctx);
        AcceptRule rule;
        rule.key = key;
        return accept_raw(ctx, r.bytes(), rule);
      });
}

void add_basics(Catalog& cat) {
  add(cat,
      Spec{.id = "handshake.valid.101",
           .group = kGroup,
           .lab = kLabFraming,  // then echoes a message: frames (lab 2)
           .rfc_section = "4.2.2",
           .rfc_text =
               "If the server chooses to accept the incoming connection, it MUST reply with "
               "a valid HTTP response ... A Status-Line with a 101 response code ... An "
               "|Upgrade| header field with value \"websocket\" ... A |Connection| header "
               "field with value \"Upgrade\" ... A |Sec-WebSocket-Accept| header field.",
           .points = 3,
           .description = "Send a valid opening handshake with a fresh random key; expect 101 with "
                          "Upgrade, Connection and the right Sec-WebSocket-Accept, then an echo.",
           .hint = "Reply \"HTTP/1.1 101 Switching Protocols\", \"Upgrade: websocket\", "
                   "\"Connection: Upgrade\" and Sec-WebSocket-Accept, each line ending in CRLF "
                   "and the head ending with an empty line.",
           .lesson = hs_lesson("the-101-response"),
           .timeout = 3 * kWait},
      [](CaseContext& ctx) {
        std::string key = generate_key();
        Request r = Request::standard(ctx, key);
        AcceptRule rule;
        rule.key = key;
        return accept_raw(ctx, r.bytes(), rule);
      });
  add_acceptance(cat, "handshake.accept.rfc-sample-key", "4.2.2",
                 "The value of this header field is constructed by concatenating /key/ ... with "
                 "the string \"258EAFA5-E914-47DA-95CA-C5AB0DC85B11\", taking the SHA-1 hash of "
                 "this concatenated value to obtain a 20-byte value and base64-encoding ... this "
                 "20-byte hash.",
                 "Send the RFC's sample key dGhlIHNhbXBsZSBub25jZQ==; expect Sec-WebSocket-Accept: "
                 "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=.",
                 "Concatenate the key exactly as received (do not base64-decode it) with the GUID, "
                 "SHA-1 the result, base64 the 20 raw digest bytes (not the hex string).",
                 "sec-websocket-key-and-accept", [](Request&, const CaseContext&) {});
  add_acceptance(cat, "handshake.key.surrounding-whitespace", "4.2.1",
                 "A |Sec-WebSocket-Key| header field with a base64-encoded ... value that, when "
                 "decoded, is 16 bytes in length.",
                 "Send the key with spaces around it (optional whitespace, not part of the value); "
                 "expect the accept value of the key without them.",
                 "HTTP header values are trimmed of surrounding spaces and tabs (RFC 9112 §5): "
                 "hash the trimmed key.",
                 "sec-websocket-key-and-accept", [](Request& r, const CaseContext&) {
                   r.set("Sec-WebSocket-Key", std::string("  ") + kSampleKey + "  ");
                 });
}

void add_request_line(Catalog& cat) {
  RejectRule method;
  method.statuses = {405, 400};
  method.other_errors_pass = false;
  method.rule = "§4.2.1: the method MUST be GET";
  for (const char* m : {"POST", "PUT", "HEAD"}) {
    std::string lower = m;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    add_refusal(
        cat, "handshake.method." + lower, "4.2.1",
        "An HTTP/1.1 or higher GET request, including a \"Request-URI\" ...",
        std::string("Send a complete upgrade request with method ") + m +
            "; expect 405 Method Not Allowed (or 400), not 101.",
        "Check the method before anything else: only GET can open a WebSocket. Answer "
        "405 with an Allow: GET header.",
        "reading-the-request",
        [m](Request& r, const CaseContext& ctx) {
          r.request_line = std::string(m) + " " + Request::path(ctx) + " HTTP/1.1";
          if (std::string_view(m) != "HEAD") r.add("Content-Length", "0");
        },
        method);
  }
  add_refusal(
      cat, "handshake.method.lowercase-get", "4.2.1",
      "An HTTP/1.1 or higher GET request, including a \"Request-URI\" ...",
      "Send the method as \"get\" (methods are case-sensitive, RFC 9110 §9.1); expect 405 "
      "or 400, not 101.",
      "Compare the method exactly: \"get\" is not \"GET\".", "reading-the-request",
      [](Request& r, const CaseContext& ctx) {
        r.request_line = "get " + Request::path(ctx) + " HTTP/1.1";
      },
      method);
  RejectRule version;
  version.statuses = {400, 426, 505};
  version.rule = "§4.2.1: the HTTP version MUST be at least 1.1";
  add_refusal(
      cat, "handshake.http-version.1.0", "4.2.1",
      "An HTTP/1.1 or higher GET request, including a \"Request-URI\" ...",
      "Send the upgrade request as HTTP/1.0; expect a 4xx (or 505), not 101.",
      "Parse the version in the request line; HTTP/1.0 has no Upgrade mechanism.",
      "reading-the-request",
      [](Request& r, const CaseContext& ctx) {
        r.request_line = "GET " + Request::path(ctx) + " HTTP/1.0";
      },
      version);
  add_refusal(
      cat, "handshake.request-line.no-version", "4.2.1", kRefuseRule,
      "Send \"GET /\" without an HTTP version (an HTTP/0.9 request line); expect 400.",
      "A request line has exactly three parts: method, target, version.", "reading-the-request",
      [](Request& r, const CaseContext& ctx) { r.request_line = "GET " + Request::path(ctx); },
      any_4xx("§4.2.1: a malformed request gets an HTTP error"));
  add_refusal(
      cat, "handshake.request-line.garbage", "4.2.1", kRefuseRule,
      "Send a request line that is not HTTP (\"HELLO WEBSOCKET\"); expect 400.",
      "Reject what you cannot parse with 400 and close; do not guess.", "reading-the-request",
      [](Request& r, const CaseContext&) { r.request_line = "HELLO WEBSOCKET"; },
      any_4xx("§4.2.1: a malformed request gets an HTTP error"));
  add_refusal(
      cat, "handshake.header.no-colon", "4.2.1", kRefuseRule,
      "Send a header line without a colon (\"Upgrade websocket\"); expect 400.",
      "Every header line is name \":\" value; a line without a colon is malformed.",
      "reading-the-request",
      [](Request& r, const CaseContext&) {
        r.remove("Upgrade");
        r.raw_lines.push_back("Upgrade websocket");
      },
      any_4xx("§4.2.1: a malformed request gets an HTTP error"));
}

void add_host_upgrade_connection(Catalog& cat) {
  const char* host_text = "A |Host| header field containing the server's authority.";
  add_refusal(
      cat, "handshake.host.missing", "4.2.1", host_text,
      "Send the upgrade request without a Host header; expect 400.",
      "Host is mandatory in HTTP/1.1 (RFC 9112 §3.2) and in the WebSocket handshake.",
      "reading-the-request", [](Request& r, const CaseContext&) { r.remove("Host"); },
      any_4xx("§4.2.1 item 2: a Host header MUST be present"));
  add_refusal(
      cat, "handshake.host.duplicate", "4.2.1", host_text,
      "Send two Host headers; expect 400 (RFC 9112 §3.2: a server MUST respond 400 to a "
      "request with more than one Host).",
      "Count header occurrences: a second Host is a bad request, not a choice.",
      "reading-the-request",
      [](Request& r, const CaseContext&) { r.add("Host", "other.example:80"); },
      any_4xx("RFC 9112 §3.2: more than one Host header gets 400"));
  const char* upgrade_text =
      "An |Upgrade| header field containing the value \"websocket\", treated as an ASCII "
      "case-insensitive value.";
  add_refusal(
      cat, "handshake.upgrade.missing", "4.2.1", upgrade_text,
      "Send the request without an Upgrade header; expect a 4xx (400 or 426), not 101.",
      "Without Upgrade: websocket this is a plain HTTP request: answer 400/426 (or serve "
      "a page), never 101.",
      "the-upgrade-request", [](Request& r, const CaseContext&) { r.remove("Upgrade"); },
      any_4xx("§4.2.1 item 3: Upgrade: websocket MUST be present"));
  add_refusal(
      cat, "handshake.upgrade.not-websocket", "4.2.1", upgrade_text,
      "Send Upgrade: h2c; expect a 4xx, not 101.",
      "Check the Upgrade value: only the token websocket opens a WebSocket.", "the-upgrade-request",
      [](Request& r, const CaseContext&) { r.set("Upgrade", "h2c"); },
      any_4xx("§4.2.1 item 3: the Upgrade value MUST be websocket"));
  add_acceptance(cat, "handshake.upgrade.mixed-case", "4.2.1", upgrade_text,
                 "Send Upgrade: WebSocket; expect 101 (the value is case-insensitive).",
                 "Compare the Upgrade value ASCII case-insensitively (strcasecmp).",
                 "the-upgrade-request",
                 [](Request& r, const CaseContext&) { r.set("Upgrade", "WebSocket"); });
  add_acceptance(cat, "handshake.upgrade.upper-case", "4.2.1", upgrade_text,
                 "Send Upgrade: WEBSOCKET; expect 101.",
                 "Compare the Upgrade value ASCII case-insensitively.", "the-upgrade-request",
                 [](Request& r, const CaseContext&) { r.set("Upgrade", "WEBSOCKET"); });
  const char* connection_text =
      "A |Connection| header field that includes the token \"Upgrade\", treated as an ASCII "
      "case-insensitive value.";
  add_refusal(
      cat, "handshake.connection.missing", "4.2.1", connection_text,
      "Send the request without a Connection header; expect a 4xx, not 101.",
      "Connection: Upgrade is required; without it the Upgrade header is not in force.",
      "the-upgrade-request", [](Request& r, const CaseContext&) { r.remove("Connection"); },
      any_4xx("§4.2.1 item 4: Connection MUST include Upgrade"));
  add_refusal(
      cat, "handshake.connection.keep-alive-only", "4.2.1", connection_text,
      "Send Connection: keep-alive (no Upgrade token); expect a 4xx, not 101.",
      "Look for the token Upgrade in the Connection list, not just for the header.",
      "the-upgrade-request",
      [](Request& r, const CaseContext&) { r.set("Connection", "keep-alive"); },
      any_4xx("§4.2.1 item 4: Connection MUST include Upgrade"));
  add_acceptance(cat, "handshake.connection.token-list", "4.2.1", connection_text,
                 "Send Connection: keep-alive, Upgrade (as Firefox does); expect 101.",
                 "Connection is a comma-separated list: split it, trim spaces, and look for "
                 "upgrade case-insensitively. Do not compare the whole value with \"Upgrade\".",
                 "the-upgrade-request", [](Request& r, const CaseContext&) {
                   r.set("Connection", "keep-alive, Upgrade");
                 });
  add_acceptance(cat, "handshake.connection.lower-case", "4.2.1", connection_text,
                 "Send Connection: upgrade; expect 101.", "The Upgrade token is case-insensitive.",
                 "the-upgrade-request",
                 [](Request& r, const CaseContext&) { r.set("Connection", "upgrade"); });
  add_acceptance(cat, "handshake.connection.two-header-lines", "4.2.1", connection_text,
                 "Send Connection twice (keep-alive, then Upgrade); expect 101: repeated headers "
                 "form one list (RFC 9110 §5.3).",
                 "Join repeated header lines with commas before looking for the token.",
                 "the-upgrade-request", [](Request& r, const CaseContext&) {
                   r.set("Connection", "keep-alive");
                   r.add("Connection", "Upgrade");
                 });
}

void add_key(Catalog& cat) {
  const char* key_text =
      "A |Sec-WebSocket-Key| header field with a base64-encoded (see Section 4 of [RFC4648]) "
      "value that, when decoded, is 16 bytes in length.";
  RejectRule bad_key = any_4xx("§4.2.1 item 5: the key MUST decode to 16 bytes");
  struct BadKey {
    const char* id;
    const char* value;  // nullptr: header removed
    const char* what;
  };
  const BadKey keys[] = {
      {"handshake.key.missing", nullptr, "without Sec-WebSocket-Key"},
      {"handshake.key.empty", "", "with an empty Sec-WebSocket-Key"},
      {"handshake.key.not-base64", "!!!!not*base64*at*all!!!",
       "with a 24-character key that is not base64"},
      {"handshake.key.decodes-to-15-bytes", "AAECAwQFBgcICQoLDA0O",
       "with a key that decodes to 15 bytes"},
      {"handshake.key.decodes-to-17-bytes",
       "AAECAwQFBgcICQoLDA0ODxA=", "with a key that decodes to 17 bytes"},
      {"handshake.key.bad-padding", "dGhlIHNhbXBsZSBub25jZQ=A",
       "with a 24-character key whose padding is broken"},
  };
  for (const auto& k : keys) {
    add_refusal(
        cat, k.id, "4.2.1", key_text,
        std::string("Send the upgrade request ") + k.what + "; expect 400, not 101.",
        "Base64-decode the key strictly (RFC 4648, with padding) and require exactly 16 "
        "bytes; answer 400 otherwise. A 24-character length check is not enough.",
        "sec-websocket-key-and-accept",
        [value = k.value](Request& r, const CaseContext&) {
          if (value == nullptr) {
            r.remove("Sec-WebSocket-Key");
          } else {
            r.set("Sec-WebSocket-Key", value);
          }
        },
        bad_key);
  }
  add_refusal(
      cat, "handshake.key.duplicate", "11.3.1",
      "The |Sec-WebSocket-Key| header field MUST NOT appear more than once in an HTTP "
      "request.",
      "Send two Sec-WebSocket-Key headers; expect 400, not 101.",
      "Count occurrences: a repeated key is ambiguous and must be refused, not resolved "
      "by taking the first one.",
      "sec-websocket-key-and-accept",
      [](Request& r, const CaseContext&) {
        r.add("Sec-WebSocket-Key", "AAECAwQFBgcICQoLDA0ODw==");
      },
      any_4xx("§11.3.1: Sec-WebSocket-Key MUST NOT appear more than once"));
}

void add_version(Catalog& cat) {
  const char* version_text =
      "If this version does not match a version understood by the server, the server MUST abort "
      "the WebSocket handshake described in this section and instead send an appropriate HTTP "
      "error code (such as 426 Upgrade Required) and a |Sec-WebSocket-Version| header field "
      "indicating the version(s) the server is capable of understanding.";
  RejectRule missing;
  missing.statuses = {400, 426};
  missing.rule = "§4.2.1 item 6: Sec-WebSocket-Version: 13 MUST be present";
  add_refusal(
      cat, "handshake.version.missing", "4.2.1",
      "A |Sec-WebSocket-Version| header field, with a value of 13.",
      "Send the request without Sec-WebSocket-Version; expect 400 or 426, not 101.",
      "The version is mandatory; answer 426 with Sec-WebSocket-Version: 13 so the client "
      "learns what you speak.",
      "version-negotiation",
      [](Request& r, const CaseContext&) { r.remove("Sec-WebSocket-Version"); }, missing);
  struct BadVersion {
    const char* id;
    const char* value;
  };
  const BadVersion versions[] = {{"handshake.version.8", "8"},
                                 {"handshake.version.12", "12"},
                                 {"handshake.version.14", "14"},
                                 {"handshake.version.leading-zero", "013"},
                                 {"handshake.version.trailing-garbage", "13abc"}};
  for (const auto& v : versions) {
    add_refusal(
        cat, v.id, "4.2.2", version_text,
        std::string("Send Sec-WebSocket-Version: ") + v.value +
            "; expect 426 (or 400) carrying Sec-WebSocket-Version: 13, not 101.",
        "Compare the version string exactly with \"13\" (no number parsing that accepts "
        "013 or 13abc), and on mismatch answer 426 Upgrade Required with the header "
        "Sec-WebSocket-Version: 13.",
        "version-negotiation",
        [value = v.value](Request& r, const CaseContext&) {
          r.set("Sec-WebSocket-Version", value);
        },
        version_rule());
  }
  add_refusal(
      cat, "handshake.version.duplicate", "11.3.5",
      "The |Sec-WebSocket-Version| header field MUST NOT appear more than once in an HTTP "
      "request.",
      "Send Sec-WebSocket-Version: 13 twice; expect a 4xx, not 101.",
      "Count occurrences of the version header as you do for the key.", "version-negotiation",
      [](Request& r, const CaseContext&) { r.add("Sec-WebSocket-Version", "13"); },
      any_4xx("§11.3.5: Sec-WebSocket-Version MUST NOT appear more than once"));
  add_acceptance(cat, "handshake.version.surrounding-whitespace", "4.2.1",
                 "A |Sec-WebSocket-Version| header field, with a value of 13.",
                 "Send \"Sec-WebSocket-Version:   13  \" (optional whitespace around the value); "
                 "expect 101.",
                 "Trim spaces and tabs around header values before comparing them.",
                 "version-negotiation",
                 [](Request& r, const CaseContext&) { r.set("Sec-WebSocket-Version", "  13  "); });
}

void add_header_form(Catalog& cat) {
  const char* case_text =
      "Please note that according to [RFC2616], all header field names in both HTTP requests and "
      "HTTP responses are case-insensitive.";
  add_acceptance(cat, "handshake.header-names.lower-case", "4.2.1", case_text,
                 "Send every header name in lower case (host, upgrade, sec-websocket-key, ...); "
                 "expect 101.",
                 "Match header names case-insensitively: \"sec-websocket-key\" is the same header.",
                 "reading-the-request", [](Request& r, const CaseContext&) {
                   for (auto& h : r.headers) {
                     std::transform(
                         h.name.begin(), h.name.end(), h.name.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                   }
                 });
  add_acceptance(cat, "handshake.header-names.random-case", "4.2.1", case_text,
                 "Send header names in mixed case (hOsT, uPgRaDe, SEC-WEBSOCKET-KEY, ...); expect "
                 "101.",
                 "Match header names case-insensitively.", "reading-the-request",
                 [](Request& r, const CaseContext&) {
                   bool up = false;
                   for (auto& h : r.headers) {
                     for (auto& c : h.name) {
                       c = static_cast<char>(up ? std::toupper(static_cast<unsigned char>(c))
                                                : std::tolower(static_cast<unsigned char>(c)));
                       up = !up;
                     }
                   }
                 });
  add_acceptance(
      cat, "handshake.header-order.shuffled", "4.2.1",
      "note that as per [RFC2616], the order of the header fields is not important",
      "Send the headers in reverse order with extra headers in between; expect 101.",
      "Collect all headers first, then validate; never rely on their order.", "reading-the-request",
      [](Request& r, const CaseContext&) {
        std::reverse(r.headers.begin(), r.headers.end());
        r.headers.insert(r.headers.begin() + 2, HttpHeader{"User-Agent", "wslab-conform"});
        r.headers.insert(r.headers.begin(), HttpHeader{"Accept", "*/*"});
        r.add("Pragma", "no-cache");
      });
  RejectRule big;
  big.statuses = {431};
  big.other_errors_pass = false;
  big.rule =
      "a request head larger than the server accepts gets 431 Request Header Fields Too "
      "Large (RFC 6585 §5); 400 is NON-STRICT";
  add_refusal(
      cat, "handshake.headers.oversized", "10.4",
      "Implementations ... MUST protect themselves against exceeding those limits.",
      "Send a request with a 16 KiB header; expect 431 (400 NON-STRICT), not 101.",
      "Cap the request head (e.g. 8 KiB) and answer 431 when it is exceeded instead of "
      "buffering without limit.",
      "refusing-a-handshake",
      [](Request& r, const CaseContext&) { r.add("X-Padding", std::string(16 * 1024, 'p')); }, big);
}

void add_negotiation(Catalog& cat) {
  const char* proto_text =
      "The value chosen MUST be derived from the client's handshake, specifically by selecting "
      "one of the values from the |Sec-WebSocket-Protocol| field that the server is willing to "
      "use for this connection (if any).";
  // Offer subprotocols; the 101 may name one of them or none; a refusal is NON-STRICT.
  auto offer = [&](std::string id, std::string description, std::string hint,
                   std::vector<std::vector<std::string>> header_lines) {
    add(cat,
        Spec{.id = std::move(id),
             .group = kGroup,
             .lab = kLabFraming,  // then echoes a message: frames (lab 2)
             .rfc_section = "4.2.2",
             .rfc_text = proto_text,
             .description = std::move(description),
             .hint = std::move(hint),
             .lesson = hs_lesson("subprotocols-and-extensions"),
             .timeout = 3 * kWait},
        [header_lines](CaseContext& ctx) {
          Request r = Request::standard(ctx);
          AcceptRule rule;
          rule.key = kSampleKey;
          for (const auto& line : header_lines) {
            std::string joined;
            for (const auto& p : line) {
              joined += (joined.empty() ? "" : ", ") + p;
              rule.offered_subprotocols.push_back(p);
            }
            r.add("Sec-WebSocket-Protocol", joined);
          }
          Exchange x(ctx, 3 * kWait);
          if (!x.connect()) return x.failure();
          HttpOutcome outcome = classify_http(x.probe().request(r.bytes(), kWait));
          if (outcome.kind == HttpOutcome::Kind::kClosed ||
              (outcome.kind == HttpOutcome::Kind::kResponse && outcome.response.status >= 400)) {
            CaseResult n;
            n.verdict = Verdict::kNonStrict;
            n.expected =
                "101, naming one offered subprotocol or none (§4.2.2: if the server does "
                "not agree to any, it omits the header)";
            n.observed = describe(outcome);
            n.detail =
                "the server refused the handshake instead of accepting it without a "
                "subprotocol; allowed (it may require one), but clients then cannot connect "
                "at all";
            return n;
          }
          return accepted_then_echo(x, outcome, rule);
        });
  };
  offer("handshake.subprotocol.unknown-only",
        "Offer only an unknown subprotocol (x-wslab-unknown); expect 101 without "
        "Sec-WebSocket-Protocol (NON-STRICT: a refusal).",
        "Never echo a subprotocol you do not implement; if none of the offered ones suits you, "
        "omit the header.",
        {{"x-wslab-unknown"}});
  offer("handshake.subprotocol.one-of-offered",
        "Offer \"x-wslab-unknown, wslab.echo\"; expect 101 naming at most one of them (exactly as "
        "offered) or none.",
        "Pick one value from the client's list (your preference order decides) and send only "
        "that one; never the whole list.",
        {{"x-wslab-unknown", "wslab.echo"}});
  offer("handshake.subprotocol.split-over-two-headers",
        "Offer subprotocols in two Sec-WebSocket-Protocol header lines; expect 101 with at most "
        "one Sec-WebSocket-Protocol naming an offered value.",
        "The request may repeat Sec-WebSocket-Protocol (unlike the response): join the lines into "
        "one list.",
        {{"x-wslab-unknown"}, {"wslab.echo"}});
  const char* ext_text =
      "If the response includes a |Sec-WebSocket-Extensions| header field and this header field "
      "indicates the use of an extension that was not present in the client's handshake ..., the "
      "client MUST _Fail the WebSocket Connection_.";
  auto extension = [&](std::string id, std::string description, std::string offer_value,
                       std::string name, bool echo) {
    add(cat,
        Spec{.id = std::move(id),
             .group = kGroup,
             .lab = echo ? kLabFraming : kLabHandshake,  // an echo needs frames (lab 2)
             .rfc_section = "9.1",
             .rfc_text = ext_text,
             .description = std::move(description),
             .hint = "Only list extensions the client offered and you implement; with none "
                     "implemented, send no Sec-WebSocket-Extensions header at all.",
             .lesson = hs_lesson("subprotocols-and-extensions"),
             .timeout = 3 * kWait},
        [offer_value, name, echo](CaseContext& ctx) {
          Request r = Request::standard(ctx);
          r.add("Sec-WebSocket-Extensions", offer_value);
          AcceptRule rule;
          rule.key = kSampleKey;
          rule.offered_extensions = {name};
          Exchange x(ctx, 3 * kWait);
          if (!x.connect()) return x.failure();
          return accepted_then_echo(x, classify_http(x.probe().request(r.bytes(), kWait)), rule,
                                    echo);
        });
  };
  extension("handshake.extension.unknown-offer",
            "Offer an unknown extension (x-wslab-unknown); expect 101 that does not list it.",
            "x-wslab-unknown; param=1", "x-wslab-unknown", true);
  extension("handshake.extension.permessage-deflate-offer",
            "Offer permessage-deflate; expect 101 that lists it or nothing, and no other "
            "extension.",
            "permessage-deflate; client_max_window_bits", "permessage-deflate", false);
}

void add_resource_and_origin(Catalog& cat) {
  add(cat,
      Spec{.id = "handshake.path.unknown",
           .group = kGroup,
           .lab = kLabHandshake,
           .rfc_section = "4.2.2",
           .rfc_text = "If the requested service is not available, the server MUST send an "
                       "appropriate HTTP error code (such as 404 Not Found) and abort the "
                       "WebSocket handshake.",
           .points = 0,
           .description =
               "Ask for /wslab-no-such-path; report 404 or 101. INFO: a server may serve "
               "every path.",
           .hint = "If you route by path, answer 404 for paths you do not serve; an echo server "
                   "may accept any path.",
           .lesson = hs_lesson("origin-and-paths"),
           .timeout = 2 * kWait},
      [](CaseContext& ctx) {
        Request r = Request::standard(ctx);
        r.request_line = "GET /wslab-no-such-path HTTP/1.1";
        Exchange x(ctx, 2 * kWait);
        if (!x.connect()) return x.failure();
        HttpOutcome o = classify_http(x.probe().request(r.bytes(), kWait));
        RejectRule rule;
        rule.statuses = {404};
        rule.rule = "§4.2.2: a resource the server does not serve gets 404";
        CaseResult res = expect_reject(o, rule);
        if (o.kind == HttpOutcome::Kind::kResponse && o.response.status == 101) {
          res.detail = "the server accepted an arbitrary path (fine for a server with one service)";
        }
        return as_info(std::move(res), "whether a server routes by path is its own choice");
      });
  add(cat,
      Spec{.id = "handshake.path.query-string",
           .group = kGroup,
           .lab = kLabFraming,  // then echoes a message: frames (lab 2)
           .rfc_section = "3",
           .rfc_text = "The \"resource-name\" ... can be constructed by concatenating the "
                       "following: \"/\" if the path component is empty; the path component; \"?\" "
                       "if the query component is non-empty; the query component.",
           .description = "Ask for the served path with a query string (?wslab=1); expect 101 "
                          "(NON-STRICT: 404).",
           .hint = "Route on the path before '?'; the query belongs to the resource name but "
                   "should not make a served path unknown.",
           .lesson = hs_lesson("origin-and-paths"),
           .timeout = 3 * kWait},
      [](CaseContext& ctx) {
        Request r = Request::standard(ctx);
        r.request_line = "GET " + Request::path(ctx) + "?wslab=1 HTTP/1.1";
        Exchange x(ctx, 3 * kWait);
        if (!x.connect()) return x.failure();
        HttpOutcome o = classify_http(x.probe().request(r.bytes(), kWait));
        AcceptRule rule;
        rule.key = kSampleKey;
        CaseResult res = accepted_then_echo(x, o, rule);
        if (o.kind == HttpOutcome::Kind::kResponse && o.response.status == 404) {
          res.verdict = Verdict::kNonStrict;
          res.detail = "the query string made a served path unknown";
        }
        return res;
      });
  add_acceptance(cat, "handshake.request-target.absolute-uri", "4.2.1",
                 "An HTTP/1.1 or higher GET request, including a \"Request-URI\" [RFC2616] that "
                 "should be interpreted as a /resource name/ defined in Section 3 (or an absolute "
                 "HTTP/HTTPS URI containing the /resource name/).",
                 "Send the request target in absolute form (GET http://host:port/path); expect "
                 "101.",
                 "An absolute-form target is allowed: take the path from it (RFC 9112 §3.2.2).",
                 "reading-the-request", [](Request& r, const CaseContext& ctx) {
                   r.request_line =
                       "GET http://" + ctx.target.host_header() + Request::path(ctx) + " HTTP/1.1";
                 });
  add(cat,
      Spec{.id = "handshake.origin.foreign",
           .group = kGroup,
           .lab = kLabHandshake,
           .rfc_section = "4.2.2",
           .rfc_text = "If the server does not wish to accept this connection, it MUST return an "
                       "appropriate HTTP error code (e.g., 403 Forbidden) and abort the WebSocket "
                       "handshake described in this section.",
           .points = 0,
           .description =
               "Send Origin: http://evil.example; expect 403 when the server was started with an "
               "Origin allow-list (conform --origin), else report 403 or 101 as INFO.",
           .hint = "Browsers always send Origin; if your server has an allow-list, refuse other "
                   "origins with 403 (§10.2). Non-browser clients may send none.",
           .lesson = lesson::at(lesson::kSecurity, "checking-origin"),
           .timeout = 2 * kWait},
      [](CaseContext& ctx) {
        Request r = Request::standard(ctx);
        r.add("Origin", "http://evil.example");
        Exchange x(ctx, 2 * kWait);
        if (!x.connect()) return x.failure();
        HttpOutcome o = classify_http(x.probe().request(r.bytes(), kWait));
        RejectRule rule;
        rule.statuses = {403};
        rule.rule = "§4.2.2/§10.2: an origin the server does not accept gets 403";
        if (!ctx.allowed_origin.empty()) return expect_reject(o, rule);  // it has an allow-list
        return as_info(expect_reject(o, rule),
                       "the harness does not know whether the target restricts origins "
                       "(tell it with --origin)");
      });
}

void add_delivery(Catalog& cat) {
  auto trickled = [&](std::string id, std::string description, std::string hint, bool bytewise) {
    add(cat,
        Spec{.id = std::move(id),
             .group = kGroup,
             .lab = kLabFraming,  // then echoes a message: frames (lab 2)
             .rfc_section = "4.2.1",
             .rfc_text = "The client's opening handshake consists of the following parts.",
             .points = 2,
             .description = std::move(description),
             .hint = std::move(hint),
             .lesson = hs_lesson("reading-the-request"),
             .timeout = 3 * kWait},
        [bytewise](CaseContext& ctx) {
          Exchange x(ctx, 3 * kWait);
          if (!x.connect()) return x.failure();
          std::string raw = Request::standard(ctx).bytes();
          if (bytewise) {
            x.probe().send_chopped(raw, 1);
          } else {
            x.probe().send(std::string_view(raw).substr(0, raw.size() / 2));
            x.probe().pause(100ms);
            x.probe().send(std::string_view(raw).substr(raw.size() / 2));
          }
          AcceptRule rule;
          rule.key = kSampleKey;
          return accepted_then_echo(x, classify_http(x.probe().read_response(kWait)), rule);
        });
  };
  trickled("handshake.request.byte-by-byte",
           "Send the opening handshake one byte per TCP write; expect 101 and a working "
           "connection.",
           "One read() is not one request: append to a buffer until the empty line (CRLF CRLF) "
           "arrives, then parse.",
           true);
  trickled("handshake.request.split-with-pause",
           "Send the first half of the request, pause 100 ms, then the rest; expect 101 and a "
           "working connection.",
           "Keep the partial request between reads; never answer before the head is complete.",
           false);
  add(cat,
      Spec{.id = "handshake.request.frame-in-same-segment",
           .group = kGroup,
           .lab = kLabFraming,  // then echoes a message: frames (lab 2)
           .rfc_section = "4.2.2",
           .rfc_text = "If the server finishes these steps without aborting the WebSocket "
                       "handshake, the server considers the WebSocket connection to be "
                       "established and that the WebSocket connection is in the OPEN state. At "
                       "this point, the server may begin sending (and receiving) data.",
           .points = 2,
           .description = "Send the request and a masked text frame in one TCP write; expect 101, "
                          "then the echo (NON-STRICT: the frame was lost).",
           .hint = "Bytes after the blank line that ends the request belong to the WebSocket "
                   "stream: hand them to the frame parser instead of dropping them.",
           .lesson = hs_lesson("reading-the-request"),
           .timeout = 3 * kWait},
      [](CaseContext& ctx) {
        Exchange x(ctx, 3 * kWait);
        if (!x.connect()) return x.failure();
        std::string raw =
            Request::standard(ctx).bytes() +
            FrameBuilder().opcode(Opcode::kText).random_mask().payload("early frame").build();
        AcceptRule rule;
        rule.key = kSampleKey;
        CaseResult r = expect_accept(classify_http(x.probe().request(raw, kWait)), rule);
        if (r.verdict != Verdict::kPass) return r;
        x.await_answers(1);
        x.close(1000);
        static const Answers kNone{};
        CaseResult e = expect_answers(x.observations(), {Answer::text("early frame")}, {}, &kNone);
        e.expected =
            r.expected + "; then the echo of the frame sent with the request: " + e.expected;
        if (e.verdict == Verdict::kNonStrict && x.observations().size() > 0) {
          e.detail =
              "the frame sent in the same segment as the request was not echoed: bytes "
              "after the request head were dropped; " +
              e.detail;
        }
        return e;
      });
}

}  // namespace

void register_handshake_cases(Catalog& cat) {
  add_basics(cat);
  add_request_line(cat);
  add_host_upgrade_connection(cat);
  add_key(cat);
  add_version(cat);
  add_header_form(cat);
  add_negotiation(cat);
  add_resource_and_origin(cat);
  add_delivery(cat);
}

}  // namespace wslab::harness
