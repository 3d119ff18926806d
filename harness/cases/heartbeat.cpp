// Group "heartbeat" (lab 4): a server that keeps connections alive and finds
// dead peers with Ping and Pong, RFC 6455 §5.5.2-§5.5.3 and lesson 5.
//
// These cases talk to the heartbeat server (CaseInfo::needs = kHeartbeat): an
// echo server started with a known ping interval I and pong timeout T
// (CaseContext::heartbeat). The rule they check is lesson 5's: after I without
// any frame from the peer, the server sends a Ping; when neither the Pong nor
// any other frame arrives within T after it, the server drops the connection.
// Any frame counts as a sign of life (a message, a Pong, even an unsolicited
// one), so a busy or self-pinging peer is never dropped.
//
// Timing: the server's timers run in real time, so every bound here is
// 1.5 x the setting plus a fixed slack of 200 ms, and only the fixed slack
// grows with --timeout-scale. When a bound does not fit the case's timeout
// (long settings), the case says which --timeout-scale it needs (ERROR: the
// harness's limit, not the server's fault).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drive.hpp"

namespace wslab::harness {

namespace {

using namespace cases;
using K = Observation::Kind;
using Clock = std::chrono::steady_clock;

constexpr const char* kGroup = "heartbeat";
constexpr const char* kKeepaliveRule =
    "A Ping frame MAY include \"Application data\". NOTE: A Ping frame may serve either as a "
    "keepalive or as a means to verify that the remote endpoint is still responsive.";
constexpr const char* kPongRule =
    "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response, unless it "
    "already received a Close frame.";
constexpr const char* kUnsolicitedRule =
    "A Pong frame MAY be sent unsolicited. This serves as a unidirectional heartbeat. A response "
    "to an unsolicited Pong frame is not expected.";
constexpr const char* kControlRule =
    "All control frames MUST have a payload length of 125 bytes or less and MUST NOT be "
    "fragmented.";

std::string hb_lesson() {
  return lesson::at(lesson::kHeartbeat, "ping-and-pong-as-a-heartbeat");
}

Millis ms_since(Clock::time_point t0) {
  return std::chrono::duration_cast<Millis>(Clock::now() - t0);
}

std::string ms(Millis t) {
  return std::to_string(t.count()) + " ms";
}

// The bounds a case waits for, in real time, from the server's settings.
struct Plan {
  Millis interval;      // I
  Millis pong_timeout;  // T
  Millis slack;         // 200 ms x --timeout-scale
  // Latest time (after the opening handshake) for the first Ping of an idle connection.
  [[nodiscard]] Millis ping_by() const { return interval * 3 / 2 + slack; }
  // Latest time for an unanswering peer to be dropped.
  [[nodiscard]] Millis drop_by() const { return (interval + pong_timeout) * 3 / 2 + slack; }
  // How long a live peer is watched: past the latest drop, and at least three intervals.
  [[nodiscard]] Millis watch() const {
    return std::max(drop_by() + interval / 2, interval * 3 + slack);
  }
};

Plan plan_for(const CaseContext& ctx) {
  return Plan{ctx.heartbeat.ping_interval, ctx.heartbeat.pong_timeout, ctx.scaled(200ms)};
}

// ERROR when `needed` (real time, plus room to close) does not fit the case's scaled timeout.
std::optional<CaseResult> too_long(const CaseContext& ctx, Millis case_timeout, Millis needed) {
  const Millis budget = ctx.scaled(case_timeout);
  const Millis want = needed + ctx.scaled(400ms);
  if (want <= budget) return std::nullopt;
  CaseResult r;
  r.verdict = Verdict::kError;
  r.expected = "heartbeat settings whose bounds fit this case's timeout";
  const double scale =
      std::ceil(static_cast<double>(want.count()) /
                static_cast<double>(case_timeout.count() > 0 ? case_timeout.count() : 1) * 10.0) /
      10.0;
  r.observed = "with ping interval " + ms(ctx.heartbeat.ping_interval) + " and pong timeout " +
               ms(ctx.heartbeat.pong_timeout) + " the case needs about " + ms(want) +
               ", more than its timeout of " + ms(budget);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.1f", std::max(scale, ctx.timeout_scale + 0.1));
  r.detail = std::string(
                 "run the heartbeat server with --ping-interval 300 --pong-timeout 600, "
                 "or pass --timeout-scale ") +
             buf + " or more";
  return r;
}

// One connection to the heartbeat server, its observations, and waits in real time.
class Peer {
 public:
  explicit Peer(CaseContext& ctx) : ctx_(ctx), probe_(ctx.probe_at(ctx.heartbeat_target)) {}

  // Connects and does the opening handshake; on failure, `failure` holds the verdict.
  bool open(CaseResult& failure) {
    auto r = probe_->handshake();
    if (r) {
      opened_ = Clock::now();
      return true;
    }
    failure.expected = "a completed opening handshake with the heartbeat server";
    failure.observed = r.error();
    const bool harness = r.error().rfind("connect:", 0) == 0;
    const bool silent = r.error().find("no response") != std::string::npos ||
                        r.error().find("no complete response") != std::string::npos;
    failure.verdict = harness ? Verdict::kError : silent ? Verdict::kTimeout : Verdict::kFail;
    if (harness) failure.detail = "could not reach " + ctx_.heartbeat_target.url();
    return false;
  }

  Probe& probe() { return *probe_; }
  Observations& seen() { return seen_; }
  // Real time since the 101.
  [[nodiscard]] Millis age() const { return ms_since(opened_); }

  // The next observation, waiting until `age()` reaches `until` at most.
  Observation next_until(Millis until) {
    const Millis left = std::max(until - age(), Millis{0});
    // Probe::next scales its argument by --timeout-scale; undo that (the bound is real time).
    const double scale = ctx_.timeout_scale > 0 ? ctx_.timeout_scale : 1.0;
    const auto arg = static_cast<Millis::rep>(std::ceil(static_cast<double>(left.count()) / scale));
    Observation o = probe_->next(Millis{std::max<Millis::rep>(arg, 1)});
    if (o.kind != K::kTimeout) seen_.push_back(o);
    return o;
  }

  // Ends our side politely: Close 1000 and a short wait for the server's answer.
  void close() {
    if (probe_->peer_closed()) return;
    probe_->send_close(1000);
    const Millis until = age() + ctx_.scaled(1000ms);
    for (;;) {
      Observation o = next_until(until);
      if (o.kind == K::kTcpClosed || o.kind == K::kTimeout || o.kind == K::kBadFrame) return;
    }
  }

 private:
  CaseContext& ctx_;
  std::unique_ptr<Probe> probe_;
  Observations seen_;
  Clock::time_point opened_ = Clock::now();
};

bool ends(const Observation& o) {
  return o.kind == K::kClose || o.kind == K::kTcpClosed || o.kind == K::kBadFrame;
}

std::string ended_how(const Observation& o, Millis at) {
  return describe(o) + " at " + ms(at) + " after the 101";
}

// Sends a text message and waits for its echo (answering Pings meanwhile).
// Empty on success, else what went wrong.
std::string echo_check(Peer& peer, Millis until) {
  const std::string text = "still there?";
  if (auto st = peer.probe().send_text(text); !st) return "could not send: " + st.message();
  for (;;) {
    Observation o = peer.next_until(until);
    if (o.kind == K::kPing) {
      peer.probe().send_pong(o.payload);
      continue;
    }
    if (o.kind == K::kText && o.payload == text) return {};
    if (o.kind == K::kTimeout) return "no echo of \"" + text + "\"";
    return "instead of the echo of \"" + text + "\": " + describe(o);
  }
}

CaseResult pass(std::string expected, std::string observed, std::string detail = {}) {
  return CaseResult{Verdict::kPass, std::move(expected), std::move(observed), std::move(detail)};
}
CaseResult verdict(Verdict v, std::string expected, std::string observed, std::string detail = {}) {
  return CaseResult{v, std::move(expected), std::move(observed), std::move(detail)};
}

// ---- the first Ping of an idle connection ---------------------------------------------

constexpr Millis kIdleTimeout{2000};

CaseResult run_idle_ping(CaseContext& ctx) {
  const Plan p = plan_for(ctx);
  if (auto e = too_long(ctx, kIdleTimeout, p.ping_by())) return *e;
  Peer peer(ctx);
  CaseResult failure;
  if (!peer.open(failure)) return failure;
  const std::string expected = "a Ping within " + ms(p.ping_by()) + " of silence (ping interval " +
                               ms(p.interval) + ", with slack)";
  Observation o = peer.next_until(p.ping_by());
  const Millis at = peer.age();
  if (o.kind == K::kTimeout) {
    return verdict(Verdict::kTimeout, expected,
                   "nothing within " + ms(p.ping_by()) + "; the connection stayed silent",
                   "the server never pinged the idle connection");
  }
  if (o.kind != K::kPing) {
    return verdict(Verdict::kFail, expected, ended_how(o, at) + " instead of a Ping");
  }
  peer.probe().send_pong(o.payload);
  peer.close();
  if (at < p.interval / 2) {
    return verdict(Verdict::kNonStrict, expected, "a Ping after only " + ms(at) + " of silence",
                   "the ping interval is " + ms(p.interval) +
                       ": pinging much earlier wastes traffic (is the interval in the right "
                       "unit?)");
  }
  return pass(expected, "Ping (" + std::to_string(o.payload.size()) + " B) after " + ms(at));
}

// The server's Ping, as bytes: a final, unmasked control frame of at most 125 bytes.
// Reads the first frame the server sent after its 101 on `connection`.
CaseResult judge_ping_bytes(const std::vector<WireRecord>& wire, std::uint32_t connection,
                            const std::string& expected) {
  std::string in;
  for (const auto& r : wire) {
    if (r.direction == Direction::kReceived && r.connection == connection) in += r.bytes;
  }
  const auto head_end = in.find("\r\n\r\n");
  if (head_end == std::string::npos) {
    return verdict(Verdict::kError, expected, "the wire log has no response head");
  }
  const std::string frames = in.substr(head_end + 4);
  if (frames.size() < 2) return verdict(Verdict::kError, expected, "the wire log has no frame");
  const auto b0 = static_cast<unsigned char>(frames[0]);
  const auto b1 = static_cast<unsigned char>(frames[1]);
  std::vector<std::string> problems;
  if ((b0 & 0x0Fu) != 0x9u) problems.push_back("opcode " + std::to_string(b0 & 0x0Fu) + ", not 9");
  if ((b0 & 0x80u) == 0) problems.push_back("FIN is 0 (a control frame MUST NOT be fragmented)");
  if ((b0 & 0x70u) != 0) problems.push_back("RSV bits set without an extension");
  if ((b1 & 0x80u) != 0) problems.push_back("masked (a server MUST NOT mask its frames)");
  if ((b1 & 0x7Fu) > 125) problems.push_back("payload length over 125 bytes");
  char hex[16];
  std::snprintf(hex, sizeof hex, "%02x %02x", b0, b1);
  const std::string header = std::string("first header bytes ") + hex;
  if (problems.empty())
    return pass(expected,
                header + ": FIN, opcode 9, unmasked, " + std::to_string(b1 & 0x7Fu) + " B payload");
  std::string all;
  for (const auto& s : problems) all += (all.empty() ? "" : "; ") + s;
  return verdict(Verdict::kFail, expected, header + ": " + all);
}

CaseResult run_ping_frame(CaseContext& ctx) {
  const Plan p = plan_for(ctx);
  if (auto e = too_long(ctx, kIdleTimeout, p.ping_by())) return *e;
  Peer peer(ctx);
  CaseResult failure;
  if (!peer.open(failure)) return failure;
  const std::string expected =
      "the heartbeat Ping as a valid control frame: FIN=1, RSV=0, opcode 9, unmasked, <= 125 B";
  Observation o = peer.next_until(p.ping_by());
  if (o.kind == K::kTimeout) {
    return verdict(Verdict::kTimeout, expected, "no Ping within " + ms(p.ping_by()));
  }
  if (o.kind == K::kPing) peer.probe().send_pong(o.payload);
  peer.close();
  if (ctx.log == nullptr) return verdict(Verdict::kError, expected, "no wire log to read");
  CaseResult r = judge_ping_bytes(ctx.log->records(), peer.probe().id(), expected);
  if (r.verdict == Verdict::kPass && o.kind != K::kPing) {
    r.verdict = Verdict::kFail;
    r.observed = describe(o);
  }
  return r;
}

// ---- live, dead and busy peers -----------------------------------------------------------

constexpr Millis kLongTimeout{3000};

// Answers every Ping for `watch`; then the echo must still work.
CaseResult run_answered(CaseContext& ctx) {
  const Plan p = plan_for(ctx);
  if (auto e = too_long(ctx, kLongTimeout, p.watch() + p.slack)) return *e;
  Peer peer(ctx);
  CaseResult failure;
  if (!peer.open(failure)) return failure;
  const std::string expected = "a Ping every ~" + ms(p.interval) +
                               " of silence, each answered by our Pong, and the connection "
                               "still open (and echoing) after " +
                               ms(p.watch());
  int pings = 0;
  for (;;) {
    Observation o = peer.next_until(p.watch());
    if (o.kind == K::kTimeout) break;
    if (o.kind == K::kPing) {
      ++pings;
      peer.probe().send_pong(o.payload);
      continue;
    }
    if (ends(o)) {
      return verdict(
          Verdict::kFail, expected,
          ended_how(o, peer.age()) + ", after " + std::to_string(pings) + " Ping(s), each answered",
          "a peer that answers every Ping is alive: the Pong must restart the clock");
    }
    return verdict(Verdict::kFail, expected, "unexpected " + describe(o));
  }
  const int least = 2;
  if (pings < least) {
    return verdict(pings == 0 ? Verdict::kTimeout : Verdict::kFail, expected,
                   std::to_string(pings) + " Ping(s) in " + ms(p.watch()),
                   "after a Pong the server must ping again after the next interval of silence");
  }
  if (auto bad = echo_check(peer, p.watch() + p.slack); !bad.empty()) {
    return verdict(Verdict::kFail, expected, bad, "after " + std::to_string(pings) + " Pings");
  }
  peer.close();
  return pass(expected, std::to_string(pings) + " Pings answered in " + ms(p.watch()) +
                            "; the echo still works");
}

// Never answers: the server must ping, then drop the connection within I + T (+ slack),
// but not before T has passed since its Ping.
CaseResult run_silent(CaseContext& ctx) {
  const Plan p = plan_for(ctx);
  if (auto e = too_long(ctx, kLongTimeout, p.drop_by())) return *e;
  Peer peer(ctx);
  CaseResult failure;
  if (!peer.open(failure)) return failure;
  const std::string expected =
      "a Ping, then the connection dropped (TCP closed, with or without "
      "a Close first) within " +
      ms(p.drop_by()) + " (ping interval " + ms(p.interval) + " + pong timeout " +
      ms(p.pong_timeout) + ", with slack)";
  std::optional<Millis> first_ping;
  std::optional<Millis> close_at;
  for (;;) {
    Observation o = peer.next_until(p.drop_by());
    const Millis at = peer.age();
    if (o.kind == K::kPing) {
      if (!first_ping) first_ping = at;
      continue;  // playing dead: no Pong
    }
    if (o.kind == K::kClose) {
      if (!close_at) close_at = at;
      continue;  // nor a Close: a dead peer answers nothing
    }
    if (o.kind == K::kTimeout) {
      std::string what = first_ping ? "a Ping at " + ms(*first_ping) : std::string("no Ping");
      if (close_at) what += ", a Close at " + ms(*close_at) + " but TCP still open";
      return verdict(Verdict::kTimeout, expected,
                     what + "; still connected after " + ms(p.drop_by()),
                     close_at ? "after a heartbeat timeout nobody will answer the Close: close TCP "
                                "at once"
                              : "a peer that never answers must be dropped pong_timeout after "
                                "the Ping");
    }
    if (o.kind == K::kBadFrame) return verdict(Verdict::kFail, expected, describe(o));
    if (o.kind != K::kTcpClosed) {
      return verdict(Verdict::kFail, expected, "unexpected " + describe(o));
    }
    // TCP closed.
    const Millis dropped = close_at.value_or(at);
    std::string how =
        "TCP closed at " + ms(at) + (close_at ? " (Close at " + ms(*close_at) + ")" : "");
    if (!first_ping) {
      return verdict(Verdict::kFail, expected, how + " without any Ping first",
                     "a quiet peer may just be idle: ping it, and drop it only when the Pong "
                     "does not come");
    }
    if (dropped - *first_ping < p.pong_timeout / 2) {
      return verdict(
          Verdict::kFail, expected,
          how + ", only " + ms(dropped - *first_ping) + " after the Ping at " + ms(*first_ping),
          "give the peer the whole pong timeout (" + ms(p.pong_timeout) + ") to answer");
    }
    return pass(expected, "Ping at " + ms(*first_ping) + ", " + how);
  }
}

// Sends a message every I/3 and never answers a Ping: any frame is a sign of life.
CaseResult run_busy(CaseContext& ctx, bool pongs) {
  const Plan p = plan_for(ctx);
  if (auto e = too_long(ctx, kLongTimeout, p.watch() + p.slack)) return *e;
  Peer peer(ctx);
  CaseResult failure;
  if (!peer.open(failure)) return failure;
  const Millis every = std::max(p.interval / 3, Millis{1});
  const std::string what = pongs ? "an unsolicited Pong" : "a text message";
  const std::string expected = "the connection still open after " + ms(p.watch()) + " of " + what +
                               " every " + ms(every) +
                               " without answering any Ping (any frame is a sign of life)";
  int sent = 0;
  int echoed = 0;
  int pings = 0;
  Millis next_send{0};
  for (;;) {
    if (peer.age() >= next_send && peer.age() < p.watch()) {
      const std::string payload = (pongs ? "beat-" : "msg-") + std::to_string(sent);
      auto st = pongs ? peer.probe().send_pong(payload) : peer.probe().send_text(payload);
      if (!st) {
        return verdict(Verdict::kFail, expected,
                       "could not send " + what + " at " + ms(peer.age()) + ": " + st.message());
      }
      ++sent;
      next_send = peer.age() + every;
    }
    Observation o = peer.next_until(std::min(next_send, p.watch()));
    if (o.kind == K::kTimeout) {
      if (peer.age() >= p.watch()) break;
      continue;
    }
    if (o.kind == K::kPing) {
      ++pings;  // not answered on purpose
      continue;
    }
    if (o.kind == K::kText && !pongs) {
      ++echoed;
      continue;
    }
    if (ends(o)) {
      return verdict(Verdict::kFail, expected,
                     ended_how(o, peer.age()) + " after " + std::to_string(sent) + " " + what + "s",
                     "the heartbeat must count every frame from the peer as traffic (" +
                         std::string(pongs ? "an unsolicited Pong is a one-way heartbeat, RFC "
                                             "6455 §5.5.3"
                                           : "a busy peer needs no Ping at all") +
                         "), not only the Pong to its Ping");
    }
    return verdict(Verdict::kFail, expected, "unexpected " + describe(o));
  }
  std::string observed =
      std::to_string(sent) + " " + what + "s sent, still connected after " + ms(p.watch());
  if (!pongs) observed += ", " + std::to_string(echoed) + " echoed";
  if (pongs) {
    // A Pong is never answered: no Pong may have come back.
    for (const auto& o : peer.seen()) {
      if (o.kind == K::kPong) {
        return verdict(Verdict::kFail, expected, "the server answered a Pong with " + describe(o),
                       "a response to an unsolicited Pong frame is not expected");
      }
    }
  }
  if (auto bad = echo_check(peer, p.watch() + p.slack); !bad.empty()) {
    return verdict(Verdict::kFail, expected, observed + "; then " + bad);
  }
  peer.close();
  if (pings > 0) {
    return verdict(Verdict::kNonStrict, expected,
                   observed + ", but the server sent " + std::to_string(pings) + " Ping(s)",
                   "the connection was never silent for a whole ping interval: a busy peer "
                   "needs no Ping (lesson 5)");
  }
  return pass(expected, observed + ", no Ping needed");
}

// An unsolicited Pong before any Ping must not upset the heartbeat: the server
// still pings after the next silence, and a peer that answers stays connected.
CaseResult run_unsolicited_first(CaseContext& ctx) {
  const Plan p = plan_for(ctx);
  const Millis watch = p.ping_by() + p.interval * 3 / 2 + p.slack;
  if (auto e = too_long(ctx, kLongTimeout, watch + p.slack)) return *e;
  Peer peer(ctx);
  CaseResult failure;
  if (!peer.open(failure)) return failure;
  const std::string expected =
      "no answer to our unsolicited Pong, then Pings as usual (the first "
      "within " +
      ms(p.ping_by()) + " of the Pong), the connection open after " + ms(watch);
  if (auto st = peer.probe().send_pong("unsolicited"); !st) {
    return verdict(Verdict::kError, expected, "could not send the Pong: " + st.message());
  }
  std::vector<Millis> pings;
  for (;;) {
    Observation o = peer.next_until(watch);
    if (o.kind == K::kTimeout) break;
    if (o.kind == K::kPing) {
      pings.push_back(peer.age());
      peer.probe().send_pong(o.payload);
      continue;
    }
    if (o.kind == K::kPong) {
      return verdict(Verdict::kFail, expected, "the server answered our Pong with " + describe(o),
                     "a response to an unsolicited Pong frame is not expected");
    }
    if (ends(o)) {
      return verdict(Verdict::kFail, expected, ended_how(o, peer.age()),
                     "a Pong that answers no Ping is still a sign of life: ignore it (check "
                     "that an outstanding Ping exists before using its send time)");
    }
    return verdict(Verdict::kFail, expected, "unexpected " + describe(o));
  }
  if (pings.empty() || pings.front() > p.ping_by()) {
    return verdict(
        Verdict::kTimeout, expected,
        pings.empty() ? "no Ping in " + ms(watch) : "the first Ping only at " + ms(pings.front()),
        "an unsolicited Pong must not stop (or delay for long) the heartbeat");
  }
  if (auto bad = echo_check(peer, watch + p.slack); !bad.empty()) {
    return verdict(Verdict::kFail, expected, bad);
  }
  peer.close();
  return pass(expected, "no answer to the Pong; " + std::to_string(pings.size()) +
                            " Ping(s), the first at " + ms(pings.front()) +
                            "; the echo still works");
}

Spec spec(std::string id, std::string section, std::string rule, int points,
          std::string description, std::string hint, Millis timeout) {
  return Spec{.id = std::move(id),
              .group = kGroup,
              .lab = kLabHeartbeat,
              .rfc_section = std::move(section),
              .rfc_text = std::move(rule),
              .points = points,
              .description = std::move(description),
              .hint = std::move(hint),
              .lesson = hb_lesson(),
              .timeout = timeout,
              .tags = {"timing"},
              .needs = TargetKind::kHeartbeat};
}

}  // namespace

void register_heartbeat_cases(Catalog& cat) {
  add(cat,
      spec("heartbeat.ping.idle-connection", "5.5.2", kKeepaliveRule, 2,
           "Connect and send nothing; expect a Ping within the ping interval (x1.5 + 200 ms).",
           "Start the heartbeat when the connection opens; net's loop calls on_tick at "
           "next_deadline(): queue a Ping when poll() says kSendPing.",
           kIdleTimeout),
      run_idle_ping);
  add(cat,
      spec("heartbeat.ping.control-frame", "5.5", kControlRule, 1,
           "The server's heartbeat Ping is a valid control frame: FIN set, no RSV bits, opcode 9, "
           "unmasked, at most 125 bytes of payload.",
           "Queue the Ping like any frame the server sends: final, unmasked, with a short "
           "payload (a counter).",
           kIdleTimeout),
      run_ping_frame);
  add(cat,
      spec("heartbeat.pong.answered-stays-open", "5.5.3", kPongRule, 2,
           "Answer every Ping with its Pong for several intervals, past the drop deadline; "
           "expect repeated Pings, no drop, and a working echo afterwards.",
           "A Pong is traffic: on_pong must restart the clock, and the next Ping comes after the "
           "next interval of silence.",
           kLongTimeout),
      run_answered);
  add(cat,
      spec("heartbeat.timeout.silent-peer-dropped", "5.5.2", kPongRule, 2,
           "Never answer: expect a Ping, then the connection dropped within ping interval + pong "
           "timeout (x1.5 + 200 ms), not before the pong timeout has passed since the Ping.",
           "After kTimedOut the peer is gone: close TCP at once (1006), do not send a Close and "
           "wait for an answer that will never come.",
           kLongTimeout),
      run_silent);
  add(cat,
      spec("heartbeat.traffic.messages-keep-alive", "5.5.2", kKeepaliveRule, 2,
           "Send a text message every third of the ping interval and never answer a Ping; expect "
           "the echoes and no drop (any frame from the peer is a sign of life).",
           "Call heartbeat_.on_traffic(now) for every frame that arrives, not only for Pongs: a "
           "busy peer is alive.",
           kLongTimeout),
      [](CaseContext& ctx) { return run_busy(ctx, false); });
  add(cat,
      spec("heartbeat.pong.unsolicited-keeps-alive", "5.5.3", kUnsolicitedRule, 1,
           "Send an unsolicited Pong every third of the ping interval (a one-way heartbeat) and "
           "never answer a Ping; expect no answer to the Pongs and no drop.",
           "A Pong whose payload matches no Ping is still traffic: count it, do not answer it, "
           "do not treat it as an error.",
           kLongTimeout),
      [](CaseContext& ctx) { return run_busy(ctx, true); });
  add(cat,
      spec("heartbeat.pong.unsolicited-before-ping", "5.5.3", kUnsolicitedRule, 1,
           "Send an unsolicited Pong right after the handshake, then answer Pings; expect no "
           "answer to it, Pings as usual and a working echo.",
           "on_pong must not assume a Ping is outstanding (an empty optional is not a send "
           "time).",
           kLongTimeout),
      run_unsolicited_first);
}

}  // namespace wslab::harness
