// What the case files share: the lesson links, a compact way to declare a
// case, and Exchange, a probe plus the observation list a judge reads.
// Exchange waits only as long as evidence is missing: every wait ends as soon
// as the answer, the Close or the TCP close is in, and all waits of a case
// share the case's budget (unscaled; the probe applies --timeout-scale).
#pragma once

// Cases are declared with designated initializers (Spec{.id = ..., .hint = ...})
// and leave optional fields to their defaults; GCC's -Wextra would flag every
// omitted field. Only the case files include this header.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wslab/harness/case.hpp"
#include "wslab/harness/expect.hpp"
#include "wslab/harness/probe.hpp"

namespace wslab::harness::cases {

using namespace std::chrono_literals;

// Lessons (lessons/NN-topic.md) and the anchors the catalog links to. Keep in
// step with the lesson files; `wslab conform --list` shows them per case.
namespace lesson {
inline constexpr const char* kWhy = "lessons/01-why-websockets.md";
inline constexpr const char* kHandshake = "lessons/02-handshake.md";
inline constexpr const char* kFraming = "lessons/03-framing.md";
inline constexpr const char* kLifecycle = "lessons/04-lifecycle.md";
inline constexpr const char* kHeartbeat = "lessons/05-heartbeat.md";
inline constexpr const char* kRooms = "lessons/06-rooms.md";
inline constexpr const char* kScaleOut = "lessons/07-scale-out.md";
inline constexpr const char* kSecurity = "lessons/08-security.md";
std::string at(const char* lesson, std::string_view anchor);  // "lessons/x.md#anchor"
}  // namespace lesson

// Labs (CaseInfo::lab).
inline constexpr int kLabHandshake = 1;
inline constexpr int kLabFraming = 2;
inline constexpr int kLabLifecycle = 3;  // fragments, close, answering pings
inline constexpr int kLabHeartbeat = 4;
inline constexpr int kLabRooms = 5;
inline constexpr int kLabScaleOut = 6;

// A text of n bytes that is valid UTF-8 (ASCII), deterministic.
std::string ascii_payload(std::size_t n, char seed = 'a');
// n bytes cycling through all 256 values, deterministic.
std::string binary_payload(std::size_t n);

class Exchange {
 public:
  // `budget` is the case's timeout (unscaled): waits never go past it.
  Exchange(CaseContext& ctx, Millis budget);

  // Connect and do the standard handshake. On failure, failure() is the verdict.
  bool open(const std::vector<std::string>& subprotocols = {},
            const std::vector<HttpHeader>& extra = {});
  bool connect();  // TCP only (raw handshake cases)
  // The verdict when open()/connect() failed: ERROR when the target is not
  // there, TIMEOUT when it never answered, FAIL when it refused or broke the
  // handshake.
  [[nodiscard]] CaseResult failure() const;

  Probe& probe() { return *probe_; }
  Observations& observations() { return obs_; }
  const Observations& observations() const { return obs_; }

  // Waits until `n` more answers (text, binary, pong) arrived, or the peer
  // closed / sent an invalid frame, each single wait bounded by `wait`
  // (0: two thirds of the budget left, so a missing answer still leaves time
  // to judge the close). Returns how many answers arrived.
  std::size_t await_answers(std::size_t n, Millis wait = Millis{0});
  // Waits for the peer to end the connection (Close, TCP close, invalid frame)
  // for at most `wait`; answers a Close. True when it ended.
  bool await_end(Millis wait);
  // Everything until TCP closes or `wait` of silence, answering the peer's
  // Close. Once the close handshake is done, only `after_close` more is given
  // for the TCP close (most verdicts do not depend on it; the case
  // close.tcp.server-closes-first does and passes a longer wait).
  void finish(Millis wait = 1000ms, Millis after_close = kAfterClose);
  // Sends our Close (unless the peer already ended) and collects until TCP closes.
  void close(std::optional<std::uint16_t> code = 1000, std::string_view reason = {},
             Millis wait = 1000ms, Millis after_close = kAfterClose);

  static constexpr Millis kAfterClose{500};
  // True once the peer sent a Close, closed TCP or broke the framing.
  [[nodiscard]] bool ended() const;
  [[nodiscard]] bool tcp_closed() const;

  // Budget left, unscaled (for the probe's scaled waits); at least 1 ms.
  [[nodiscard]] Millis left() const;
  [[nodiscard]] Millis bounded(Millis wait) const;

 private:
  void push(Observation o);

  CaseContext& ctx_;
  std::unique_ptr<Probe> probe_;
  Observations obs_;
  std::chrono::steady_clock::time_point start_;
  Millis budget_;
  std::string open_error_;
  bool open_error_is_timeout_ = false;
  bool open_error_is_harness_ = false;
};

// Declaring a case: the fields every case states, in the order of CaseInfo.
struct Spec {
  std::string id;
  std::string group;
  int lab = 1;
  std::string rfc_section;
  std::string rfc_text;
  std::string autobahn;
  int points = 1;
  std::string description;
  std::string hint;
  std::string lesson;
  Millis timeout{1000};
  bool exclusive = false;
  bool bulk = false;
  std::vector<std::string> tags;
  TargetKind needs = TargetKind::kEcho;  // the server it talks to (CaseInfo::needs)
};
// Cases worth 0 points are informational (they only ever report INFO) and get
// the tag below, which calibration and reports use.
inline constexpr const char* kInformationalTag = "informational";
void add(Catalog& catalog, Spec spec, CaseFn run);

// Common case bodies.
// A standard connection, `send` writes frames, then the answers are awaited
// (count = expected.size()), then we close with 1000 and judge.
CaseResult run_answers(CaseContext& ctx, Millis budget, const std::function<void(Probe&)>& send,
                       const Answers& expected, const Answers* non_strict = nullptr);
// A standard connection, `send` writes frames that the server must refuse;
// judged by expect_fail.
CaseResult run_fail(CaseContext& ctx, Millis budget, const std::function<void(Probe&)>& send,
                    const std::vector<std::uint16_t>& codes, const Answers& before = {},
                    const Answers* non_strict_before = nullptr);

}  // namespace wslab::harness::cases

namespace wslab::harness {
// One per file in harness/cases/, called by catalog() in this order.
void register_handshake_cases(Catalog& catalog);
void register_framing_cases(Catalog& catalog);
void register_ping_cases(Catalog& catalog);
void register_rsv_cases(Catalog& catalog);
void register_opcode_cases(Catalog& catalog);
void register_fragmentation_cases(Catalog& catalog);
void register_utf8_cases(Catalog& catalog);
void register_close_cases(Catalog& catalog);
void register_limits_cases(Catalog& catalog);
void register_misc_cases(Catalog& catalog);
void register_robustness_cases(Catalog& catalog);
}  // namespace wslab::harness
