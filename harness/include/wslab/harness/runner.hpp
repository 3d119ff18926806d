// The runner: runs selected cases against a target, in parallel on separate
// connections (exclusive cases alone), with a watchdog per case (a case that
// overruns its scaled timeout is TIMEOUT and its probes are cancelled),
// exceptions turned into ERROR, and, for a spawned server, death detection,
// restart and attribution of the death to the case that caused it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "wslab/harness/case.hpp"
#include "wslab/harness/server_process.hpp"
#include "wslab/harness/wire_log.hpp"

namespace wslab::harness {

struct CaseOutcome {
  CaseInfo info;
  CaseResult result;                   // verdict here is the effective one (after --strict)
  Verdict original = Verdict::kError;  // what the case itself returned
  std::string runner_note;       // "NON-STRICT counted as FAIL under --strict", "re-run alone", ...
  std::vector<WireRecord> wire;  // empty for PASS unless RunOptions::keep_passing_wire
  std::size_t bytes_sent = 0;
  std::size_t bytes_received = 0;
  std::chrono::microseconds duration{0};
  std::chrono::system_clock::time_point started{};  // wall clock at the case's start
  int score = 0;                                    // points earned
  [[nodiscard]] bool failed() const;                // FAIL, TIMEOUT or ERROR
};

struct Counts {
  int total = 0, pass = 0, non_strict = 0, info = 0, fail = 0, timeout = 0, error = 0;
  int points = 0, max_points = 0;
  void add(const CaseOutcome& o);
  [[nodiscard]] bool ok() const { return fail == 0 && timeout == 0 && error == 0; }
};

struct GroupCounts {
  std::string group;
  Counts counts;
};

struct ServerEvent {
  std::chrono::milliseconds at{0};  // since the run started
  std::string what;                 // "server process died (signal 11, SIGSEGV)"
  std::string case_id;              // the case it is attributed to, or empty
};

struct RunOptions {
  Target target;  // ignored when `server` is set (its port is used)
  ServerProcess* server = nullptr;
  // Other servers (CaseInfo::needs): a case whose server is not given is ERROR, so callers
  // deselect those cases first (see `wslab conform --rooms/--heartbeat`).
  std::vector<Target> rooms_targets;
  std::optional<Target> heartbeat_target;
  HeartbeatSettings heartbeat;
  std::string allowed_origin;  // see CaseContext::allowed_origin
  int jobs = 0;                // 0: one per CPU core
  double timeout_scale = 1.0;
  bool quick = false;
  bool strict = false;
  std::uint64_t seed = 0;
  bool preflight = true;           // connect once first; if refused, every case is ERROR at once
  bool keep_passing_wire = false;  // keep wire logs of PASS cases (memory: bulk cases log MiBs)
  std::string selection;           // for reports: how the cases were chosen
  std::string spawn_command;       // for reports
  // Progress, called on the runner's thread: a case started / finished.
  std::function<void(const CaseInfo&, std::size_t done, std::size_t total)> on_start;
  std::function<void(const CaseOutcome&, std::size_t done, std::size_t total)> on_finish;
};

struct RunReport {
  std::string target_url;
  std::vector<std::string> rooms_urls;  // the rooms servers, when rooms cases ran
  std::string heartbeat_url;            // the heartbeat server, when heartbeat cases ran
  HeartbeatSettings heartbeat;
  std::string spawn_command;
  std::string selection;
  bool strict = false;
  bool quick = false;
  double timeout_scale = 1.0;
  int jobs = 1;
  std::uint64_t seed = 0;
  std::chrono::system_clock::time_point started{};
  std::chrono::milliseconds duration{0};
  std::string preflight_error;        // set when the target could not be reached
  std::vector<CaseOutcome> outcomes;  // in the order the cases were given
  std::vector<ServerEvent> server_events;
  std::string server_output_tail;  // spawned server's last output, when it died

  [[nodiscard]] Counts totals() const;
  [[nodiscard]] std::vector<GroupCounts> groups() const;  // first-seen group order
  // 0 when nothing is FAIL, TIMEOUT or ERROR (and, with --strict, nothing NON-STRICT).
  [[nodiscard]] int exit_code() const;
};

RunReport run_cases(const std::vector<const Case*>& cases, const RunOptions& options);

// Extra time the watchdog allows past a case's scaled timeout.
Millis watchdog_grace(Millis scaled_timeout);

}  // namespace wslab::harness
