// The judges (expect.hpp) on hand-made observation lists: one test per rule.
// The RFC 6455 section each rule comes from is cited above the test.
#include <gtest/gtest.h>

#include <string>

#include "wslab/handshake.hpp"
#include "wslab/harness/expect.hpp"

namespace wslab::harness {
namespace {

using K = Observation::Kind;

Observation make(K kind, std::string payload = {}) {
  Observation o;
  o.kind = kind;
  o.payload = std::move(payload);
  return o;
}
Observation text(std::string p) {
  return make(K::kText, std::move(p));
}
Observation binary(std::string p) {
  return make(K::kBinary, std::move(p));
}
Observation pong(std::string p) {
  return make(K::kPong, std::move(p));
}
Observation ping(std::string p) {
  return make(K::kPing, std::move(p));
}
Observation close_frame(std::optional<std::uint16_t> code, std::string reason = {}) {
  Observation o;
  o.kind = K::kClose;
  o.code = code;
  o.payload = std::move(reason);
  return o;
}
Observation fin() {
  return make(K::kTcpClosed);
}
Observation timeout() {
  return make(K::kTimeout);
}
Observation bad_frame(std::string detail) {
  Observation o;
  o.kind = K::kBadFrame;
  o.detail = std::move(detail);
  return o;
}

// --- echo then clean close (§5.6 echo, §5.5.1 close answer, §7.1.1 server closes TCP) ---

TEST(HarnessCases, GoodEchoThenCleanClosePasses) {
  auto r = expect_echo({text("Hello"), close_frame(1000), fin()}, "Hello", K::kText);
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.detail;
  EXPECT_NE(r.expected.find("Hello"), std::string::npos);
  EXPECT_NE(r.observed.find("close 1000"), std::string::npos);
}

TEST(HarnessCases, MissingEchoFails) {
  auto r = expect_echo({timeout(), close_frame(1000), fin()}, "Hello", K::kText);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_NE(r.detail.find("missing text"), std::string::npos) << r.detail;
}

TEST(HarnessCases, EchoWithOtherBytesFailsAndNamesTheFirstDifference) {
  auto r = expect_echo({text("Hellp"), close_frame(1000), fin()}, "Hello", K::kText);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_NE(r.detail.find("byte 4"), std::string::npos) << r.detail;
}

TEST(HarnessCases, EchoOfTheWrongTypeFails) {
  auto r = expect_echo({binary("Hello"), close_frame(1000), fin()}, "Hello", K::kText);
  EXPECT_EQ(r.verdict, Verdict::kFail);
}

TEST(HarnessCases, ExtraAnswerFails) {
  auto r = expect_answers({pong("x"), close_frame(1000), fin()}, {});
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_NE(r.detail.find("unexpected pong"), std::string::npos) << r.detail;
}

// §5.5.1: an endpoint that receives a Close MUST send a Close in response.
TEST(HarnessCases, MissingCloseAnswerIsTimeout) {
  auto r = expect_echo({text("Hello"), timeout()}, "Hello", K::kText);
  EXPECT_EQ(r.verdict, Verdict::kTimeout);
}

TEST(HarnessCases, TcpCloseWithoutCloseFrameFailsAnEchoCase) {
  auto r = expect_echo({text("Hello"), fin()}, "Hello", K::kText);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_NE(r.detail.find("without sending a Close"), std::string::npos) << r.detail;
}

TEST(HarnessCases, CloseAnsweredWithAnotherCodeFails) {
  auto r = expect_echo({text("Hello"), close_frame(1002, "oops"), fin()}, "Hello", K::kText);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_NE(r.detail.find("1002"), std::string::npos);
}

TEST(HarnessCases, CloseAnswerWithoutCodeIsAccepted) {
  auto r = expect_answers({close_frame(std::nullopt), fin()}, {});
  EXPECT_EQ(r.verdict, Verdict::kPass);
}

TEST(HarnessCases, EchoedCloseCodeIsAccepted) {
  CloseExpectation c;
  c.codes = {4000, 1000};
  EXPECT_EQ(expect_answers({close_frame(4000), fin()}, {}, c).verdict, Verdict::kPass);
  EXPECT_EQ(expect_answers({close_frame(1000), fin()}, {}, c).verdict, Verdict::kPass);
  EXPECT_EQ(expect_answers({close_frame(1001), fin()}, {}, c).verdict, Verdict::kFail);
}

TEST(HarnessCases, MalformedCloseFrameFails) {
  Observation c = close_frame(std::nullopt, "\x03");
  c.detail = "close frame with a 1-byte payload";
  EXPECT_EQ(expect_answers({c, fin()}, {}).verdict, Verdict::kFail);
}

// §7.1.1: the server SHOULD close TCP first; not doing so is NON-STRICT in echo cases.
TEST(HarnessCases, ServerKeepingTcpOpenAfterCloseIsNonStrict) {
  auto r = expect_echo({text("Hello"), close_frame(1000), timeout()}, "Hello", K::kText);
  EXPECT_EQ(r.verdict, Verdict::kNonStrict);
  EXPECT_NE(r.detail.find("7.1.1"), std::string::npos);
}

// §5.5.1: after sending a Close frame, an endpoint MUST NOT send further data.
TEST(HarnessCases, DataAfterTheServersCloseFails) {
  auto r = expect_answers({close_frame(1000), text("late"), fin()}, {});
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_NE(r.detail.find("after its Close"), std::string::npos);
}

TEST(HarnessCases, UnsolicitedServerPingsAreIgnored) {
  auto r = expect_echo({ping("hb"), text("Hello"), close_frame(1000), fin()}, "Hello", K::kText);
  EXPECT_EQ(r.verdict, Verdict::kPass);
  EXPECT_NE(r.detail.find("ping"), std::string::npos);
}

// §5.1 / §5.2: a frame from the server that breaks the framing rules.
TEST(HarnessCases, InvalidServerFrameFails) {
  auto r = expect_echo({bad_frame("masked frame from the server"), fin()}, "Hello", K::kText);
  EXPECT_EQ(r.verdict, Verdict::kFail);
}

TEST(HarnessCases, NonStrictAlternativeIsNonStrict) {
  Answers none;
  auto r = expect_answers({close_frame(1000), fin()}, {Answer::text("Hello")}, {}, &none);
  EXPECT_EQ(r.verdict, Verdict::kNonStrict);
}

TEST(HarnessCases, ManyAnswersMatchInOrder) {
  auto r = expect_answers({pong("p"), text("a"), close_frame(1000), fin()},
                          {Answer::pong("p"), Answer::text("a")});
  EXPECT_EQ(r.verdict, Verdict::kPass);
  auto swapped = expect_answers({text("a"), pong("p"), close_frame(1000), fin()},
                                {Answer::pong("p"), Answer::text("a")});
  EXPECT_EQ(swapped.verdict, Verdict::kFail);
}

// --- failing the connection (§7.1.7: Close with a code, or drop TCP) ---

TEST(HarnessCases, FailureWithAllowedCodePasses) {
  auto r = expect_fail({close_frame(1002, "rsv"), fin()}, {1002});
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.detail;
  EXPECT_NE(r.expected.find("1002"), std::string::npos);
}

TEST(HarnessCases, FailureByTcpDropIsAccepted) {
  auto r = expect_fail({fin()}, {1002});
  EXPECT_EQ(r.verdict, Verdict::kPass);
  Observation rst = fin();
  rst.reset = true;
  EXPECT_EQ(expect_fail({rst}, {1007}).verdict, Verdict::kPass);
}

TEST(HarnessCases, FailureWithAnotherCodeFails) {
  auto r = expect_fail({close_frame(1000), fin()}, {1007});
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_NE(r.detail.find("instead of 1007"), std::string::npos) << r.detail;
}

TEST(HarnessCases, FailureWithoutStatusCodeIsNonStrict) {
  EXPECT_EQ(expect_fail({close_frame(std::nullopt), fin()}, {1002}).verdict, Verdict::kNonStrict);
}

TEST(HarnessCases, EchoWhereFailureIsRequiredFails) {
  auto r = expect_fail({text("bad"), close_frame(1000), fin()}, {1002});
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_NE(r.detail.find("must refuse"), std::string::npos) << r.detail;
}

TEST(HarnessCases, PongWhereFailureIsRequiredFails) {
  EXPECT_EQ(expect_fail({pong(""), fin()}, {1002}).verdict, Verdict::kFail);
}

TEST(HarnessCases, PeerStayingOpenIsTimeout) {
  auto r = expect_fail({timeout()}, {1002});
  EXPECT_EQ(r.verdict, Verdict::kTimeout);
  EXPECT_EQ(expect_fail({}, {1002}).verdict, Verdict::kTimeout);
}

TEST(HarnessCases, EchoBeforeFailingIsRequiredOrNonStrict) {
  Answers none;
  Answers before{Answer::text("Hello, world!")};
  EXPECT_EQ(
      expect_fail({text("Hello, world!"), close_frame(1002), fin()}, {1002}, before, &none).verdict,
      Verdict::kPass);
  EXPECT_EQ(expect_fail({close_frame(1002), fin()}, {1002}, before, &none).verdict,
            Verdict::kNonStrict);
  EXPECT_EQ(expect_fail({close_frame(1002), fin()}, {1002}, before).verdict, Verdict::kFail);
}

TEST(HarnessCases, DataAfterFailingCloseFails) {
  EXPECT_EQ(expect_fail({close_frame(1002), text("late"), fin()}, {1002}).verdict, Verdict::kFail);
}

TEST(HarnessCases, InfoKeepsTheTextsButNeverFails) {
  auto r = as_info(expect_fail({text("x"), fin()}, {1002}), "undefined by the RFC");
  EXPECT_EQ(r.verdict, Verdict::kInfo);
  EXPECT_NE(r.detail.find("strict reading: FAIL"), std::string::npos) << r.detail;
  CaseResult err;
  err.verdict = Verdict::kError;
  EXPECT_EQ(as_info(err, "x").verdict, Verdict::kError);
}

TEST(HarnessCases, WorseRanksVerdicts) {
  EXPECT_EQ(worse(Verdict::kPass, Verdict::kNonStrict), Verdict::kNonStrict);
  EXPECT_EQ(worse(Verdict::kTimeout, Verdict::kFail), Verdict::kFail);
  EXPECT_EQ(worse(Verdict::kFail, Verdict::kError), Verdict::kError);
  EXPECT_EQ(worse(Verdict::kInfo, Verdict::kPass), Verdict::kInfo);
}

// --- opening handshake (§4.2.1 refusals, §4.2.2 the 101) ---

HttpOutcome response(int status, std::vector<HttpHeader> headers = {}) {
  HttpOutcome o;
  o.kind = HttpOutcome::Kind::kResponse;
  o.response.status = status;
  for (auto& h : headers) o.response.headers.add(h.name, h.value);
  return o;
}

TEST(HarnessCases, ClassifyHttpReadsTheProbesErrors) {
  EXPECT_EQ(classify_http(Result<HttpResponse>(Error{"connection closed before a response"})).kind,
            HttpOutcome::Kind::kClosed);
  EXPECT_EQ(
      classify_http(Result<HttpResponse>(Error{"connection reset by peer before a response"})).kind,
      HttpOutcome::Kind::kClosed);
  EXPECT_EQ(classify_http(Result<HttpResponse>(Error{"no response within 1000 ms"})).kind,
            HttpOutcome::Kind::kTimeout);
  EXPECT_EQ(classify_http(Result<HttpResponse>(Error{"connect: connection refused"})).kind,
            HttpOutcome::Kind::kError);
  auto bad = classify_http(Result<HttpResponse>(Error{"the response is not valid HTTP (x)"}));
  EXPECT_EQ(bad.kind, HttpOutcome::Kind::kResponse);
  EXPECT_EQ(bad.response.status, 0);
}

TEST(HarnessCases, RefusalWith4xxPasses) {
  EXPECT_EQ(expect_reject(response(400), RejectRule{}).verdict, Verdict::kPass);
}

TEST(HarnessCases, RefusalBySwitchingProtocolsFails) {
  auto r = expect_reject(response(101), RejectRule{});
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_NE(r.detail.find("101"), std::string::npos);
  EXPECT_EQ(expect_reject(response(200), RejectRule{}).verdict, Verdict::kFail);
}

TEST(HarnessCases, RefusalByDroppingTheConnectionIsNonStrict) {
  HttpOutcome dropped;
  dropped.kind = HttpOutcome::Kind::kClosed;
  dropped.error = "connection closed before a response";
  EXPECT_EQ(expect_reject(dropped, RejectRule{}).verdict, Verdict::kNonStrict);
  RejectRule needs_header;
  needs_header.drop_fails = true;
  EXPECT_EQ(expect_reject(dropped, needs_header).verdict, Verdict::kFail);
}

TEST(HarnessCases, RefusalNeverAnsweredIsTimeout) {
  HttpOutcome silent;
  silent.kind = HttpOutcome::Kind::kTimeout;
  EXPECT_EQ(expect_reject(silent, RejectRule{}).verdict, Verdict::kTimeout);
}

TEST(HarnessCases, PreciseStatusPassesOtherIsNonStrictWhenAsked) {
  RejectRule method;
  method.statuses = {405, 400};
  method.other_errors_pass = false;
  EXPECT_EQ(expect_reject(response(405), method).verdict, Verdict::kPass);
  EXPECT_EQ(expect_reject(response(403), method).verdict, Verdict::kNonStrict);
  EXPECT_EQ(expect_reject(response(500), RejectRule{}).verdict, Verdict::kNonStrict);
}

// §4.2.2 + §4.4: an unsupported version gets an error AND Sec-WebSocket-Version.
TEST(HarnessCases, VersionRefusalMustListSupportedVersions) {
  RejectRule v;
  v.statuses = {426, 400};
  v.required_header = "Sec-WebSocket-Version";
  v.required_token = "13";
  EXPECT_EQ(expect_reject(response(426, {{"Sec-WebSocket-Version", "13"}}), v).verdict,
            Verdict::kPass);
  EXPECT_EQ(expect_reject(response(400, {{"sec-websocket-version", "13, 8"}}), v).verdict,
            Verdict::kPass);
  auto r = expect_reject(response(426), v);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_NE(r.detail.find("lacks Sec-WebSocket-Version"), std::string::npos);
}

std::vector<HttpHeader> good_101_headers(const std::string& key) {
  return {{"Upgrade", "websocket"},
          {"Connection", "Upgrade"},
          {"Sec-WebSocket-Accept", compute_accept(key)}};
}

TEST(HarnessCases, AcceptPassesForARight101) {
  AcceptRule rule;
  rule.key = "dGhlIHNhbXBsZSBub25jZQ==";
  auto r = expect_accept(response(101, good_101_headers(rule.key)), rule);
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.detail;
  EXPECT_NE(r.expected.find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), std::string::npos);
}

TEST(HarnessCases, AcceptValueMustMatchTheKey) {
  AcceptRule rule;
  rule.key = "dGhlIHNhbXBsZSBub25jZQ==";
  auto r = expect_accept(response(101, {{"Upgrade", "websocket"},
                                        {"Connection", "Upgrade"},
                                        {"Sec-WebSocket-Accept", "wrong="}}),
                         rule);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_NE(r.detail.find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), std::string::npos);
}

TEST(HarnessCases, AcceptHeaderMustAppearOnce) {
  AcceptRule rule;
  rule.key = "dGhlIHNhbXBsZSBub25jZQ==";
  auto h = good_101_headers(rule.key);
  h.push_back(h.back());
  EXPECT_FALSE(check_101(response(101, h).response, rule).empty());
}

TEST(HarnessCases, UpgradeAndConnectionAreCaseInsensitive) {
  AcceptRule rule;
  rule.key = "dGhlIHNhbXBsZSBub25jZQ==";
  auto o = response(101, {{"upgrade", "WebSocket"},
                          {"connection", "keep-alive, upgrade"},
                          {"sec-websocket-accept", compute_accept(rule.key)}});
  EXPECT_TRUE(check_101(o.response, rule).empty());
}

TEST(HarnessCases, SubprotocolMustBeOneOffered) {
  AcceptRule rule;
  rule.key = "dGhlIHNhbXBsZSBub25jZQ==";
  auto h = good_101_headers(rule.key);
  h.push_back({"Sec-WebSocket-Protocol", "chat"});
  EXPECT_FALSE(check_101(response(101, h).response, rule).empty()) << "none offered";
  rule.offered_subprotocols = {"superchat", "chat"};
  EXPECT_TRUE(check_101(response(101, h).response, rule).empty());
  rule.offered_subprotocols = {"superchat"};
  EXPECT_FALSE(check_101(response(101, h).response, rule).empty());
}

TEST(HarnessCases, ExtensionMustHaveBeenOffered) {
  AcceptRule rule;
  rule.key = "dGhlIHNhbXBsZSBub25jZQ==";
  auto h = good_101_headers(rule.key);
  h.push_back({"Sec-WebSocket-Extensions", "permessage-deflate; server_no_context_takeover"});
  EXPECT_FALSE(check_101(response(101, h).response, rule).empty());
  rule.offered_extensions = {"permessage-deflate"};
  EXPECT_TRUE(check_101(response(101, h).response, rule).empty());
}

TEST(HarnessCases, AcceptFailsOnRefusalOrDrop) {
  AcceptRule rule;
  rule.key = "dGhlIHNhbXBsZSBub25jZQ==";
  EXPECT_EQ(expect_accept(response(400), rule).verdict, Verdict::kFail);
  HttpOutcome dropped;
  dropped.kind = HttpOutcome::Kind::kClosed;
  EXPECT_EQ(expect_accept(dropped, rule).verdict, Verdict::kFail);
  HttpOutcome silent;
  silent.kind = HttpOutcome::Kind::kTimeout;
  EXPECT_EQ(expect_accept(silent, rule).verdict, Verdict::kTimeout);
}

}  // namespace
}  // namespace wslab::harness
