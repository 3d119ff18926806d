// The judges (see expect.hpp): observation lists in, verdict + texts out.
#include "wslab/harness/expect.hpp"

#include <algorithm>
#include <string>

#include "wslab/close.hpp"
#include "wslab/handshake.hpp"
#include "wslab/harness/bytes_text.hpp"

namespace wslab::harness {

namespace {

using K = Observation::Kind;

int rank(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return 0;
    case Verdict::kInfo:
      return 1;
    case Verdict::kNonStrict:
      return 2;
    case Verdict::kTimeout:
      return 3;
    case Verdict::kFail:
      return 4;
    case Verdict::kError:
      return 5;
  }
  return 5;
}

bool is_answer(K k) {
  return k == K::kText || k == K::kBinary || k == K::kPong;
}
bool is_data(K k) {
  return k == K::kText || k == K::kBinary;
}

// The observations cut in three: the answers (messages, pongs) before the
// connection ended, the event that ended it (Close, TCP close, invalid frame;
// null when the peer stayed open), and what came after that event.
struct Split {
  std::vector<const Observation*> answers;
  std::size_t server_pings = 0;
  const Observation* end = nullptr;
  std::vector<const Observation*> after;
};

Split split(const Observations& obs) {
  Split s;
  for (const auto& o : obs) {
    if (s.end != nullptr) {
      s.after.push_back(&o);
      continue;
    }
    if (is_answer(o.kind)) {
      s.answers.push_back(&o);
    } else if (o.kind == K::kPing) {
      ++s.server_pings;
    } else if (o.kind == K::kClose || o.kind == K::kTcpClosed || o.kind == K::kBadFrame) {
      s.end = &o;
    }
    // kTimeout before the end only marks a wait that ran out; the judges look
    // at what did (or did not) arrive.
  }
  return s;
}

Observation as_observation(const Answer& a) {
  Observation o;
  o.kind = a.kind;
  o.payload = a.payload;
  return o;
}

// Where two payloads first differ, for a student comparing an echo.
std::string payload_difference(const std::string& want, const std::string& got) {
  std::size_t n = std::min(want.size(), got.size());
  std::size_t i = 0;
  while (i < n && want[i] == got[i]) ++i;
  std::string s;
  if (want.size() != got.size()) {
    s = "length " + std::to_string(got.size()) + " instead of " + std::to_string(want.size());
    if (i < n) s += "; ";
  }
  if (i < n) {
    s += "first difference at byte " + std::to_string(i) + " (sent " +
         hex_bytes(want.substr(i, 1)) + ", got " + hex_bytes(got.substr(i, 1)) + ")";
  }
  return s;
}

// Empty when `got` equals `want`, else the first difference in words.
std::string first_difference(const std::vector<const Observation*>& got, const Answers& want) {
  std::size_t n = std::max(got.size(), want.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (i >= got.size()) {
      std::string s = "missing " + describe(want[i]);
      if (want.size() - i > 1) s += " (and " + std::to_string(want.size() - i - 1) + " more)";
      return s;
    }
    if (i >= want.size()) {
      std::string s = "unexpected " + describe(*got[i]);
      if (got.size() - i > 1) s += " (and " + std::to_string(got.size() - i - 1) + " more)";
      return s;
    }
    if (got[i]->kind != want[i].kind) {
      return "expected " + describe(want[i]) + " but got " + describe(*got[i]);
    }
    if (got[i]->payload != want[i].payload) {
      return std::string(kind_name(want[i].kind)) + " number " + std::to_string(i + 1) +
             " differs from what was expected: " +
             payload_difference(want[i].payload, got[i]->payload);
    }
  }
  return {};
}

std::string codes_text(const std::vector<std::uint16_t>& codes) {
  std::string s;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (i != 0) s += i + 1 == codes.size() ? " or " : ", ";
    s += std::to_string(codes[i]) + " (" + std::string(close_code_name(codes[i])) + ")";
  }
  return s;
}

bool contains(const std::vector<std::uint16_t>& codes, std::uint16_t c) {
  return std::find(codes.begin(), codes.end(), c) != codes.end();
}

struct Judgement {
  Verdict verdict = Verdict::kPass;
  std::vector<std::string> reasons;  // why it is not PASS, most important first
  std::vector<std::string> notes;    // worth saying even on PASS
  void lower(Verdict v, std::string why) {
    verdict = worse(verdict, v);
    reasons.push_back(std::move(why));
  }
  CaseResult result(std::string expected, std::string observed) && {
    CaseResult r;
    r.verdict = verdict;
    r.expected = std::move(expected);
    r.observed = std::move(observed);
    std::string d;
    for (auto& s : reasons) d += (d.empty() ? "" : "; ") + s;
    for (auto& s : notes) d += (d.empty() ? "" : "; ") + s;
    r.detail = std::move(d);
    return r;
  }
};

// Data frames after the peer's Close break §5.5.1.
void check_after_close(const Split& s, Judgement& j) {
  for (const auto* o : s.after) {
    if (is_data(o->kind)) {
      j.lower(Verdict::kFail,
              "the server sent " + describe(*o) +
                  " after its Close frame (RFC 6455 §5.5.1: after sending a "
                  "Close frame, an endpoint MUST NOT send any further data frames)");
      return;
    }
    if (o->kind == K::kBadFrame) {
      j.lower(Verdict::kFail, "after its Close the server sent an " + describe(*o));
      return;
    }
  }
}

bool tcp_closed_after(const Split& s) {
  return std::any_of(s.after.begin(), s.after.end(),
                     [](const Observation* o) { return o->kind == K::kTcpClosed; });
}

void note_pings(const Split& s, Judgement& j) {
  if (s.server_pings > 0) {
    j.notes.push_back("ignored " + std::to_string(s.server_pings) +
                      " ping(s) the server sent on its own");
  }
}

}  // namespace

Answer Answer::text(std::string payload) {
  return Answer{K::kText, std::move(payload)};
}
Answer Answer::binary(std::string payload) {
  return Answer{K::kBinary, std::move(payload)};
}
Answer Answer::pong(std::string payload) {
  return Answer{K::kPong, std::move(payload)};
}

std::string describe(const Answer& a) {
  return describe(as_observation(a));
}

std::string describe(const Answers& answers) {
  if (answers.empty()) return "nothing";
  std::string s;
  for (const auto& a : answers) s += (s.empty() ? "" : ", ") + describe(a);
  return s;
}

std::string describe(const Observations& observations) {
  if (observations.empty()) return "nothing";
  std::string s;
  for (const auto& o : observations) s += (s.empty() ? "" : ", ") + describe(o);
  return s;
}

Verdict worse(Verdict a, Verdict b) {
  return rank(a) >= rank(b) ? a : b;
}

CaseResult expect_answers(const Observations& obs, const Answers& expected,
                          const CloseExpectation& close, const Answers* non_strict) {
  std::string want =
      (expected.empty() ? std::string("no message or pong back") : describe(expected) + " back") +
      ", then the server answers " + close.ours + " with a Close (" + codes_text(close.codes) +
      ", or no code) and closes TCP first";
  Judgement j;
  Split s = split(obs);

  // Behaviour: the answers.
  std::string diff = first_difference(s.answers, expected);
  if (!diff.empty()) {
    if (non_strict != nullptr && first_difference(s.answers, *non_strict).empty()) {
      j.lower(Verdict::kNonStrict, "the server answered " + describe(*non_strict) + " instead of " +
                                       describe(expected) +
                                       " (allowed, but not the best behaviour)");
    } else {
      j.lower(Verdict::kFail, diff);
    }
  }

  // Close: the peer must answer our Close, then close TCP.
  if (s.end == nullptr) {
    j.lower(Verdict::kTimeout, "the server never answered " + close.ours +
                                   " (no Close frame, TCP still open when the wait ran out)");
  } else if (s.end->kind == K::kBadFrame) {
    j.lower(Verdict::kFail, "the server sent an " + describe(*s.end));
  } else if (s.end->kind == K::kTcpClosed) {
    j.lower(Verdict::kFail,
            std::string("the server closed TCP") + (s.end->reset ? " with a reset (RST)" : "") +
                " without sending a Close frame (RFC 6455 §5.5.1: an endpoint that receives a "
                "Close MUST send a Close frame in response)");
  } else {
    const Observation& c = *s.end;
    if (!c.detail.empty()) {
      j.lower(Verdict::kFail,
              "the server's Close frame is malformed: " + c.detail +
                  (c.detail.find("RFC") == std::string::npos ? " (RFC 6455 §5.5.1)" : ""));
    } else if (c.code && !contains(close.codes, *c.code)) {
      j.lower(Verdict::kFail, "the server closed with " + std::to_string(*c.code) + " (" +
                                  std::string(close_code_name(*c.code)) + ") instead of " +
                                  codes_text(close.codes));
    } else if (!c.code) {
      j.notes.push_back("the server's Close carried no status code (allowed)");
    }
    check_after_close(s, j);
    if (!tcp_closed_after(s)) {
      j.lower(
          Verdict::kNonStrict,
          "after the close handshake the server did not close TCP (RFC 6455 §7.1.1: the "
          "server SHOULD close the TCP connection first; see case close.tcp.server-closes-first)");
    }
  }
  note_pings(s, j);
  return std::move(j).result(std::move(want), describe(obs));
}

CaseResult expect_echo(const Observations& obs, std::string_view payload, Observation::Kind kind) {
  return expect_answers(obs, {Answer{kind, std::string(payload)}});
}

CaseResult expect_fail(const Observations& obs, const std::vector<std::uint16_t>& codes,
                       const Answers& before, const Answers* non_strict_before) {
  std::string want = "the server fails the connection: a Close with code " + codes_text(codes) +
                     ", or a TCP close";
  want += before.empty() ? std::string("; no echo and no pong")
                         : "; before that exactly " + describe(before);
  Judgement j;
  Split s = split(obs);

  std::string diff = first_difference(s.answers, before);
  if (!diff.empty()) {
    if (non_strict_before != nullptr && first_difference(s.answers, *non_strict_before).empty()) {
      j.lower(Verdict::kNonStrict, "the server answered " + describe(*non_strict_before) +
                                       " instead of " + describe(before) +
                                       " before failing (allowed, but not the best behaviour)");
    } else if (s.answers.size() > before.size()) {
      j.lower(Verdict::kFail, diff +
                                  ": the server processed input it must refuse; it has to "
                                  "fail the connection instead (RFC 6455 §7.1.7)");
    } else {
      j.lower(Verdict::kFail, diff);
    }
  }

  if (s.end == nullptr) {
    j.lower(Verdict::kTimeout,
            "the server kept the connection open: it never failed it (no Close, no TCP close)");
  } else if (s.end->kind == K::kBadFrame) {
    j.lower(Verdict::kFail, "the server sent an " + describe(*s.end));
  } else if (s.end->kind == K::kTcpClosed) {
    j.notes.push_back(std::string("the server dropped TCP") + (s.end->reset ? " (RST)" : "") +
                      " without a Close frame: allowed, though a Close with " +
                      std::to_string(codes.front()) + " tells the client why");
  } else {
    const Observation& c = *s.end;
    if (!c.detail.empty()) {
      j.lower(Verdict::kFail,
              "the server's Close frame is malformed: " + c.detail +
                  (c.detail.find("RFC") == std::string::npos ? " (RFC 6455 §5.5.1)" : ""));
    } else if (!c.code) {
      j.lower(Verdict::kNonStrict,
              "the server's Close carried no status code; RFC 6455 §7.1.7 "
              "says it SHOULD send " +
                  codes_text(codes));
    } else if (!contains(codes, *c.code)) {
      j.lower(Verdict::kFail, "the server closed with " + std::to_string(*c.code) + " (" +
                                  std::string(close_code_name(*c.code)) + ") instead of " +
                                  codes_text(codes));
    }
    check_after_close(s, j);
    if (!tcp_closed_after(s)) {
      j.notes.push_back(
          "after the close handshake the server left TCP open (it SHOULD close it "
          "first, §7.1.1)");
    }
  }
  note_pings(s, j);
  return std::move(j).result(std::move(want), describe(obs));
}

CaseResult as_info(CaseResult r, std::string_view why) {
  if (r.verdict == Verdict::kError) return r;
  std::string was(verdict_name(r.verdict));
  r.verdict = Verdict::kInfo;
  std::string d = "informational (" + std::string(why) + "); strict reading: " + was;
  if (!r.detail.empty()) d += ": " + r.detail;
  r.detail = std::move(d);
  return r;
}

// ------------------------------------------------------------------ handshake

HttpOutcome classify_http(const Result<HttpResponse>& result) {
  HttpOutcome o;
  if (result.is_ok()) {
    o.kind = HttpOutcome::Kind::kResponse;
    o.response = result.value();
    return o;
  }
  o.error = result.error();
  const std::string& e = o.error;
  auto has = [&](std::string_view s) { return e.find(s) != std::string::npos; };
  if (e.rfind("connect:", 0) == 0 || e.rfind("not connected", 0) == 0 ||
      e.rfind("write:", 0) == 0) {
    o.kind = HttpOutcome::Kind::kError;
  } else if (has("connection closed") || has("connection reset") || has("peer closed")) {
    o.kind = HttpOutcome::Kind::kClosed;
  } else if (has("no response") || has("no complete response") || has("write stalled")) {
    o.kind = HttpOutcome::Kind::kTimeout;
  } else {
    // Not valid HTTP, an oversized head: the target's answer is broken. Keep it
    // as a "response" with status 0 so judges fail it with the probe's text.
    o.kind = HttpOutcome::Kind::kResponse;
    o.response.status = 0;
  }
  return o;
}

std::string describe(const HttpOutcome& outcome) {
  switch (outcome.kind) {
    case HttpOutcome::Kind::kResponse: {
      if (outcome.response.status == 0) return "an invalid response: " + outcome.error;
      std::string s = "HTTP " + std::to_string(outcome.response.status);
      if (!outcome.response.reason.empty()) s += " " + outcome.response.reason;
      for (const auto& h : outcome.response.headers.all()) {
        if (h.name.rfind("Sec-WebSocket", 0) == 0 || iequals(h.name, "upgrade") ||
            iequals(h.name, "connection")) {
          s += "; " + h.name + ": " + h.value;
        }
      }
      return s;
    }
    case HttpOutcome::Kind::kClosed:
      return "the connection was closed without an HTTP response (" + outcome.error + ")";
    case HttpOutcome::Kind::kTimeout:
      return "no response (" + outcome.error + ")";
    case HttpOutcome::Kind::kError:
      return "harness error: " + outcome.error;
  }
  return "?";
}

CaseResult expect_reject(const HttpOutcome& outcome, const RejectRule& rule) {
  std::string statuses;
  for (int s : rule.statuses) statuses += (statuses.empty() ? "" : " or ") + std::to_string(s);
  std::string want = "the request is refused with an HTTP error (" +
                     (statuses.empty() ? std::string("a 4xx status") : statuses) + ")";
  if (!rule.required_header.empty()) {
    want += " carrying " + rule.required_header + ": " + rule.required_token;
  }
  want += ", not 101";
  if (!rule.rule.empty()) want += " (" + rule.rule + ")";

  CaseResult r;
  r.expected = std::move(want);
  r.observed = describe(outcome);
  switch (outcome.kind) {
    case HttpOutcome::Kind::kError:
      r.verdict = Verdict::kError;
      r.detail = outcome.error;
      return r;
    case HttpOutcome::Kind::kTimeout:
      r.verdict = Verdict::kTimeout;
      r.detail = "the server neither answered nor closed the connection";
      return r;
    case HttpOutcome::Kind::kClosed:
      if (rule.drop_fails) {
        r.verdict = Verdict::kFail;
        r.detail =
            "the server closed the connection without the HTTP error response the RFC "
            "requires (a client cannot learn what to change)";
      } else {
        r.verdict = Verdict::kNonStrict;
        r.detail =
            "the server closed the connection without an HTTP response; RFC 6455 §4.2.1 "
            "asks for an HTTP error such as 400 Bad Request";
      }
      return r;
    case HttpOutcome::Kind::kResponse:
      break;
  }
  int status = outcome.response.status;
  if (status == 0) {
    r.verdict = Verdict::kFail;
    r.detail = "the server's answer is not a valid HTTP response: " + outcome.error;
    return r;
  }
  if (status == 101) {
    r.verdict = Verdict::kFail;
    r.detail = "the server switched protocols (101) for a request it must refuse";
    return r;
  }
  if (status < 400) {
    r.verdict = Verdict::kFail;
    r.detail = "status " + std::to_string(status) +
               " is not an error: the handshake must be "
               "refused with a 4xx status";
    return r;
  }
  bool listed =
      std::find(rule.statuses.begin(), rule.statuses.end(), status) != rule.statuses.end();
  if (rule.statuses.empty() ? status < 500 : listed) {
    r.verdict = Verdict::kPass;
  } else if (rule.other_errors_pass && status < 500) {
    r.verdict = Verdict::kPass;
    if (!rule.statuses.empty()) r.detail = "accepted: any 4xx refuses the handshake";
  } else {
    r.verdict = Verdict::kNonStrict;
    r.detail = "status " + std::to_string(status) + " refuses the handshake, but " +
               (statuses.empty() ? std::string("a 4xx") : statuses) + " says precisely why";
  }
  if (!rule.required_header.empty()) {
    auto v = outcome.response.headers.get(rule.required_header);
    if (!v || !header_has_token(*v, rule.required_token)) {
      r.verdict = Verdict::kFail;
      r.detail = "the error response lacks " + rule.required_header + ": " + rule.required_token +
                 (v ? " (it says \"" + std::string(*v) + "\")" : std::string()) +
                 "; a client cannot learn which version to use";
    }
  }
  return r;
}

std::vector<std::string> check_101(const HttpResponse& response, const AcceptRule& rule) {
  std::vector<std::string> problems;
  const auto& h = response.headers;
  if (response.status != 101) {
    problems.push_back("status " + std::to_string(response.status) +
                       " instead of 101 Switching "
                       "Protocols (RFC 6455 §4.2.2 step 5.1)");
    return problems;
  }
  if (response.version_major != 1 || response.version_minor < 1) {
    problems.push_back("status line says HTTP/" + std::to_string(response.version_major) + "." +
                       std::to_string(response.version_minor) + ", expected HTTP/1.1");
  }
  auto upgrade = h.get("Upgrade");
  if (!upgrade) {
    problems.push_back("no Upgrade header (§4.2.2 step 5.2: Upgrade: websocket)");
  } else if (!iequals(*upgrade, "websocket")) {
    problems.push_back("Upgrade is \"" + std::string(*upgrade) + "\", expected websocket");
  }
  auto connection = h.joined("Connection");
  if (h.count("Connection") == 0) {
    problems.push_back("no Connection header (§4.2.2 step 5.3: Connection: Upgrade)");
  } else if (!header_has_token(connection, "upgrade")) {
    problems.push_back("Connection is \"" + connection + "\", it must include the token Upgrade");
  }
  std::size_t accepts = h.count("Sec-WebSocket-Accept");
  if (accepts == 0) {
    problems.push_back("no Sec-WebSocket-Accept header (§4.2.2 step 5.4)");
  } else if (accepts > 1) {
    problems.push_back("Sec-WebSocket-Accept appears " + std::to_string(accepts) +
                       " times (§11.3.3: MUST NOT appear more than once)");
  } else {
    std::string want = compute_accept(rule.key);
    std::string got(*h.get("Sec-WebSocket-Accept"));
    if (got != want) {
      problems.push_back("Sec-WebSocket-Accept is \"" + got + "\", expected \"" + want +
                         "\" = base64(SHA-1(key + \"258EAFA5-E914-47DA-95CA-C5AB0DC85B11\")), the "
                         "key being the header value as received (trimmed, not base64-decoded)");
    }
  }
  std::size_t protocols = h.count("Sec-WebSocket-Protocol");
  if (protocols > 1) {
    problems.push_back("Sec-WebSocket-Protocol appears " + std::to_string(protocols) +
                       " times (§11.3.4: MUST NOT appear more than once in a response)");
  } else if (protocols == 1) {
    std::string got(*h.get("Sec-WebSocket-Protocol"));
    bool offered = std::find(rule.offered_subprotocols.begin(), rule.offered_subprotocols.end(),
                             got) != rule.offered_subprotocols.end();
    if (rule.offered_subprotocols.empty()) {
      problems.push_back("Sec-WebSocket-Protocol: " + got +
                         " although the client offered none "
                         "(§4.2.2: the only acceptable value is null)");
    } else if (!offered) {
      problems.push_back("Sec-WebSocket-Protocol: " + got + " is not one of the offered values (" +
                         [&] {
                           std::string s;
                           for (const auto& p : rule.offered_subprotocols)
                             s += (s.empty() ? "" : ", ") + p;
                           return s;
                         }() +
                         ")");
    }
  }
  std::size_t extensions = h.count("Sec-WebSocket-Extensions");
  if (extensions > 1) {
    problems.push_back("Sec-WebSocket-Extensions appears " + std::to_string(extensions) +
                       " times (§11.3.2: MUST NOT appear more than once in a response)");
  } else if (extensions == 1) {
    std::string got(*h.get("Sec-WebSocket-Extensions"));
    // Each listed extension's name (before ';' parameters) must have been offered.
    std::size_t pos = 0;
    while (pos <= got.size()) {
      std::size_t comma = got.find(',', pos);
      std::string item =
          got.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      std::string name = item.substr(0, item.find(';'));
      auto b = name.find_first_not_of(" \t");
      auto e = name.find_last_not_of(" \t");
      name = b == std::string::npos ? std::string() : name.substr(b, e - b + 1);
      if (!name.empty()) {
        bool offered = std::any_of(rule.offered_extensions.begin(), rule.offered_extensions.end(),
                                   [&](const std::string& x) { return iequals(x, name); });
        if (!offered) {
          problems.push_back("Sec-WebSocket-Extensions lists \"" + name +
                             "\", which the client did not offer (§4.1: the client MUST fail the "
                             "connection)");
        }
      }
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
  }
  return problems;
}

CaseResult expect_accept(const HttpOutcome& outcome, const AcceptRule& rule) {
  CaseResult r;
  r.expected =
      "HTTP/1.1 101 Switching Protocols with Upgrade: websocket, Connection: Upgrade and "
      "Sec-WebSocket-Accept: " +
      compute_accept(rule.key);
  r.observed = describe(outcome);
  switch (outcome.kind) {
    case HttpOutcome::Kind::kError:
      r.verdict = Verdict::kError;
      r.detail = outcome.error;
      return r;
    case HttpOutcome::Kind::kTimeout:
      r.verdict = Verdict::kTimeout;
      r.detail = "the server did not answer a valid opening handshake";
      return r;
    case HttpOutcome::Kind::kClosed:
      r.verdict = Verdict::kFail;
      r.detail = "the server closed the connection instead of accepting a valid handshake";
      return r;
    case HttpOutcome::Kind::kResponse:
      break;
  }
  if (outcome.response.status == 0) {
    r.verdict = Verdict::kFail;
    r.detail = "the server's answer is not a valid HTTP response: " + outcome.error;
    return r;
  }
  auto problems = check_101(outcome.response, rule);
  if (problems.empty()) {
    r.verdict = Verdict::kPass;
    return r;
  }
  r.verdict = Verdict::kFail;
  for (const auto& p : problems) r.detail += (r.detail.empty() ? "" : "; ") + p;
  return r;
}

}  // namespace wslab::harness
