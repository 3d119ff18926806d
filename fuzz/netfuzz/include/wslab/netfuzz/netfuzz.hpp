// The network fuzzer behind `wslab fuzz URL` (docs/fuzzing.md): mutated
// conversations (mutator.hpp) go to the target and to the libwebsockets
// reference server; their normalised outcomes (outcome.hpp) are compared.
// Reported: differences (minimised by delta debugging over frames, writes,
// payloads and bit flips), RFC violations in the target's output, and crashes
// and hangs of the target. Loopback targets only unless allow_remote.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "wslab/netfuzz/conversation.hpp"
#include "wslab/netfuzz/outcome.hpp"
#include "wslab/netfuzz/runner.hpp"
#include "wslab/result.hpp"

namespace wslab::netfuzz {

struct FuzzOptions {
  std::string url;            // the target, ws://127.0.0.1:PORT/path (optional with spawn)
  std::string spawn;          // start the target: "CMD ... {port} ..." or a command printing
                              // "listening on ws://HOST:PORT/" (like `wslab serve --port 0`)
  std::string reference_url;  // empty: an in-process libwebsockets RefServer
  std::uint64_t seed = 1;
  std::optional<std::uint64_t> runs;      // stop after this many runs
  std::optional<double> seconds;          // ... or after this long (default: 100 runs)
  std::optional<std::uint64_t> only_run;  // replay run N of the seed alone
  std::string replay_file;                // run one saved conversation
  std::string save_dir;                   // write each finding's conversation here
  bool allow_remote = false;
  bool minimize = true;
  std::size_t max_findings = 20;
  RunOptions run;
  bool verbose = false;
};

struct Finding {
  enum class Kind : std::uint8_t { kDifference, kViolation, kCrash, kHang };
  Kind kind = Kind::kDifference;
  std::uint64_t run = 0;
  std::string what;  // one line
  std::vector<std::string> mutations;
  Conversation conversation;  // minimised when possible
  std::size_t original_frames = 0;
  std::size_t minimize_runs = 0;
  Normalized target;
  Normalized reference;
  std::vector<std::string> rules;
  std::string saved_as;       // replay file, if saved
  std::uint64_t repeats = 1;  // same signature seen again
  std::string signature;
};
std::string_view kind_name(Finding::Kind k);

struct FuzzSummary {
  std::uint64_t runs = 0;
  std::uint64_t same = 0;
  std::uint64_t unstable = 0;         // differed once, not when re-run
  std::uint64_t oracle_compared = 0;  // reference bypassed (R6)
  std::uint64_t rules_applied = 0;    // runs made equal by a normalisation rule
  std::vector<Finding> findings;
  double seconds = 0;
  [[nodiscard]] std::size_t count(Finding::Kind k) const;
  [[nodiscard]] bool clean() const { return findings.empty(); }
};

// Runs the fuzzer and writes a human report to `out` as it goes. An Error is a
// usage or setup problem (bad URL, remote target, reference did not start).
Result<FuzzSummary> run_network_fuzzer(const FuzzOptions& options, std::ostream& out);

// "127.0.0.1", "::1", "localhost", "127.x.y.z".
bool is_loopback_host(std::string_view host);

}  // namespace wslab::netfuzz
