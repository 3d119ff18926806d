// The case model. A case is data plus a small run function: a stable dotted id
// (e.g. "close.code.invalid.1005"), group, lab, the RFC section and the
// sentence it enforces, the Autobahn case id where one corresponds, points,
// a one-line description, a hint for students, a timeout, and a run function
// that drives Probes and returns a verdict with its wire log.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "wslab/harness/cancel.hpp"
#include "wslab/harness/probe.hpp"
#include "wslab/harness/wire_log.hpp"
#include "wslab/time.hpp"

namespace wslab::harness {

enum class Verdict : std::uint8_t {
  kPass,       // as the RFC requires
  kNonStrict,  // allowed by the RFC, not ideal (counts as FAIL under --strict)
  kInfo,       // behaviour the RFC leaves open; reported, never fails
  kFail,       // the target broke a rule
  kTimeout,    // the target did not act within the case's timeout
  kError,      // the harness's own fault (could not connect, bug): never the target's
};
std::string_view verdict_name(Verdict v);  // "PASS", "NON-STRICT", ...

enum class TargetKind : std::uint8_t { kEcho, kRooms, kHeartbeat };
std::string_view target_kind_name(TargetKind k);  // "echo", "rooms", "heartbeat"
struct CaseInfo;
// Where the rule comes from, for reports: "RFC 6455 §5.5.1" for a numeric section, the
// section as written otherwise ("rooms §11" is docs/rooms-protocol.md's), "" when none.
std::string rule_reference(const CaseInfo& info);

// What the runner knows about the heartbeat target (`wslab conform --heartbeat URL
// --ping-interval MS --pong-timeout MS`): it pings a connection after `ping_interval` without
// traffic and drops it when no Pong came `pong_timeout` after the Ping.
struct HeartbeatSettings {
  Millis ping_interval{0};
  Millis pong_timeout{0};
};

struct CaseInfo {
  std::string id;     // stable, dotted, lower-case: group.sub.detail
  std::string group;  // "handshake", "framing", "ping", "rsv", "opcode", "fragmentation",
                      // "utf8", "close", "limits", "misc", "robustness", "rooms"
  int lab = 1;        // 1 handshake, 2 framing, 3 lifecycle, 4 heartbeat, 5 rooms, 6 scale-out
  std::string rfc_section;  // "4.2.1", "5.5.1"
  std::string rfc_text;     // the sentence it enforces, quoted
  std::string autobahn;     // "7.9.3" or empty
  int points = 1;
  std::string description;  // one line
  std::string hint;         // for a student who fails it
  std::string lesson;       // "lessons/04-lifecycle.md#the-close-handshake"
  Millis timeout{2000};     // for the whole case, before --timeout-scale
  bool exclusive = false;   // needs the server alone (not run in parallel with others)
  bool bulk = false;        // big payloads; --quick scales them down
  std::vector<std::string> tags;
  // Which server the case talks to (see CaseContext): an echo server (labs 1-3), a
  // wslab.rooms.v1 server (lab 5; lab 6 spreads members over several instances), or an echo
  // server started with a known ping interval and pong timeout (lab 4).
  TargetKind needs = TargetKind::kEcho;
};

struct CaseResult {
  Verdict verdict = Verdict::kError;
  std::string expected;  // what the RFC wants, in words
  std::string observed;  // what happened, in words
  std::string detail;    // anything else worth showing
};

struct CaseContext {
  Target target;                      // the echo server (CaseInfo::needs == kEcho)
  std::vector<Target> rooms_targets;  // rooms servers: one, or several instances (lab 6)
  Target heartbeat_target;            // the heartbeat server (needs == kHeartbeat)
  HeartbeatSettings heartbeat;
  // An Origin the echo server was started to allow (`wslab conform --origin`): the server
  // has an allow-list, so a foreign Origin must get 403. Empty: unknown.
  std::string allowed_origin;
  double timeout_scale = 1.0;
  bool quick = false;
  WireLog* log = nullptr;
  // A new probe (not yet connected) on the target, logging to this case's log
  // with its own connection id.
  std::unique_ptr<Probe> probe();
  // The same on another target (a rooms instance, the heartbeat server).
  std::unique_ptr<Probe> probe_at(const Target& where);
  [[nodiscard]] Millis scaled(Millis t) const;
  std::uint32_t next_connection = 0;
  // Set by the runner: the watchdog cancels it when the case overruns; every
  // probe made by probe() shares it. (Tests may leave it null.)
  std::shared_ptr<CancelToken> cancel;
  // Seed for any randomised payloads, printed in reports so failures reproduce.
  std::uint64_t seed = 0;
};

using CaseFn = std::function<CaseResult(CaseContext&)>;

struct Case {
  CaseInfo info;
  CaseFn run;
};

// The catalog: every case, in a stable order. Groups register themselves from
// harness/cases/<group>.cpp through register_<group>_cases(Catalog&), called
// by build_catalog().
class Catalog {
 public:
  void add(CaseInfo info, CaseFn run);
  [[nodiscard]] const std::vector<Case>& cases() const { return cases_; }
  // The case with this id, or nullptr.
  [[nodiscard]] const Case* find(std::string_view id) const;

 private:
  std::vector<Case> cases_;
};

const Catalog& catalog();  // built once, on first use

}  // namespace wslab::harness
