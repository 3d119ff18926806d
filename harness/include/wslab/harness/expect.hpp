// The judges: they turn what a probe observed into a verdict, with the
// expected and observed text a student can act on. Pure functions over
// observation lists (no sockets), so they are unit-tested on hand-made lists.
//
// The rules follow Autobahn|Testsuite's two columns (behaviour + close) and
// RFC 6455:
//  - echo cases (§5.6, §5.5.2): the peer sends exactly the expected messages
//    and pongs, then answers our Close (§5.5.1) and closes TCP first (§7.1.1);
//  - failure cases (§7.1.7): the peer fails the connection with an allowed
//    close code OR drops TCP; it must not echo or pong what it should refuse;
//    staying open is a TIMEOUT;
//  - opening handshake (§4.2.1, §4.2.2): a refused request gets a 4xx (or,
//    NON-STRICT, a dropped connection), never a 101; an accepted one gets a
//    101 whose headers a client would accept (§4.1).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wslab/harness/case.hpp"
#include "wslab/harness/probe.hpp"
#include "wslab/http.hpp"
#include "wslab/result.hpp"

namespace wslab::harness {

using Observations = std::vector<Observation>;

// Something the peer must send back before the close: an echo or a pong.
struct Answer {
  Observation::Kind kind = Observation::Kind::kText;
  std::string payload;
  static Answer text(std::string payload);
  static Answer binary(std::string payload);
  static Answer pong(std::string payload);
};
using Answers = std::vector<Answer>;

std::string describe(const Answer& a);
std::string describe(const Answers& answers);            // "nothing" when empty
std::string describe(const Observations& observations);  // "a, b, c" / "nothing"

// Ranking used to combine verdicts: ERROR > FAIL > TIMEOUT > NON-STRICT > INFO > PASS.
Verdict worse(Verdict a, Verdict b);

// --- we close, the peer answers (Autobahn: closedByMe, requireClean) ---------
struct CloseExpectation {
  // Codes the peer may answer our Close with; a Close without a code is also fine.
  std::vector<std::uint16_t> codes{1000};
  // What we sent, for the expected text ("our Close 1000").
  std::string ours = "our Close 1000";
};

// PASS: exactly `expected` (unsolicited pings ignored), then the peer's Close
// with an allowed code, then the peer closes TCP.
// NON-STRICT: `non_strict` matched instead of `expected`; or the peer did not
// close TCP after the close handshake (§7.1.1 SHOULD).
// FAIL: other answers, a wrong close code, data after the Close, an invalid
// frame, TCP closed without a Close. TIMEOUT: no answer to our Close at all.
CaseResult expect_answers(const Observations& obs, const Answers& expected,
                          const CloseExpectation& close = {}, const Answers* non_strict = nullptr);
// One echoed message (text or binary) then a clean close.
CaseResult expect_echo(const Observations& obs, std::string_view payload, Observation::Kind kind);

// --- the peer must fail the connection (Autobahn: peer closes, any of codes) ---
// PASS: the answers in `before` (often nothing), then a Close with a code in
// `codes` or a TCP close without one. NON-STRICT: `non_strict_before` matched
// instead, or a Close without a status code. FAIL: anything answered that is
// not allowed (an echo of the bad message, a pong for the ping sent after it),
// a wrong code, an invalid frame. TIMEOUT: the peer kept the connection open.
CaseResult expect_fail(const Observations& obs, const std::vector<std::uint16_t>& codes,
                       const Answers& before = {}, const Answers* non_strict_before = nullptr);

// INFO cases (behaviour the RFC leaves open): keeps the texts, forces INFO
// unless the harness itself failed (ERROR stays ERROR).
CaseResult as_info(CaseResult r, std::string_view why);

// --- opening handshake -------------------------------------------------------
struct HttpOutcome {
  enum class Kind : std::uint8_t {
    kResponse,  // a complete response head arrived
    kClosed,    // the peer closed (FIN or RST) before a complete head
    kTimeout,   // nothing complete within the wait
    kError,     // the harness could not send/connect (ERROR, not the target's fault)
  };
  Kind kind = Kind::kError;
  HttpResponse response;
  std::string error;
};
// Classifies Probe::request()/read_response() results by the probe's error
// texts ("... connection closed ...", "... no response ...").
HttpOutcome classify_http(const Result<HttpResponse>& result);
std::string describe(const HttpOutcome& outcome);

struct RejectRule {
  // Statuses that PASS. Empty: any 4xx passes.
  std::vector<int> statuses;
  // Other 4xx/5xx statuses: PASS when true, NON-STRICT when false.
  bool other_errors_pass = true;
  // A header the error response MUST carry, and a token its value must list
  // (e.g. Sec-WebSocket-Version: 13, §4.2.2). Empty: none required.
  std::string required_header;
  std::string required_token;
  // A dropped connection: NON-STRICT by default (lws-style); FAIL when a MUST
  // requires a response header that a drop cannot carry.
  bool drop_fails = false;
  std::string rule;  // "the method MUST be GET" (for the expected text)
};
// FAIL on 101 (or any 1xx/2xx/3xx), TIMEOUT when nothing comes.
CaseResult expect_reject(const HttpOutcome& outcome, const RejectRule& rule);

struct AcceptRule {
  std::string key;                                // the Sec-WebSocket-Key sent, as sent
  std::vector<std::string> offered_subprotocols;  // empty: none offered
  std::vector<std::string> offered_extensions;    // extension names offered
};
// The problems with a 101 (empty when it is one a client accepts): status 101,
// Upgrade: websocket, Connection: upgrade, exactly one correct
// Sec-WebSocket-Accept, at most one subprotocol and only an offered one, no
// extension that was not offered (each header at most once, §11.3).
std::vector<std::string> check_101(const HttpResponse& response, const AcceptRule& rule);
// PASS when check_101 finds nothing; FAIL on a 4xx/5xx or a broken 101;
// FAIL on a drop; TIMEOUT when nothing comes.
CaseResult expect_accept(const HttpOutcome& outcome, const AcceptRule& rule);

}  // namespace wslab::harness
