// The harness side of wslab.rooms.v1 (docs/rooms-protocol.md): a small client
// over Probe for the rooms cases (group "rooms", lab 5; lab 6 spreads the
// members of a case over several instances of one rooms service).
//
// A RoomsClient connects offering `Sec-WebSocket-Protocol: wslab.rooms.v1`
// (§1), says hello (§4.1), sends client messages encoded by the rooms codec
// and reads server events parsed by it (§5). Every read has a deadline taken
// from the case's budget; WebSocket Pings are answered on the way. Waiting for
// an event skips unrelated ones, but each event that passes by is shown to the
// client's guard first, so isolation checks see everything a connection got.
//
// A case ends early by throwing Stop (a verdict with its texts); run_rooms()
// turns it into the CaseResult. Nothing here catches CaseCancelled.
#pragma once

// Cases are declared with designated initializers (see drive.hpp).
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "wslab/harness/case.hpp"
#include "wslab/harness/probe.hpp"
#include "wslab/rooms/messages.hpp"
#include "wslab/rooms/protocol.hpp"

namespace wslab::harness::rooms_cases {

namespace ev = wslab::rooms::event;
using wslab::rooms::ServerEvent;

// Ends a case with this verdict (thrown by the helpers, caught by run_rooms).
struct Stop {
  CaseResult result;
};
[[noreturn]] void stop(Verdict verdict, std::string expected, std::string observed,
                       std::string detail = {});

// The case's time budget (unscaled, like every wait passed to a Probe).
class Budget {
 public:
  Budget(const CaseContext& ctx, Millis budget);
  // What is left, keeping a small reserve for the verdict; at least 1 ms.
  [[nodiscard]] Millis left() const;

 private:
  const CaseContext& ctx_;
  std::chrono::steady_clock::time_point start_;
  Millis budget_;
};

// Unique names for one case run: rooms and users of parallel cases (and of
// earlier runs against the same long-running server) never collide.
class Names {
 public:
  explicit Names(const CaseContext& ctx);
  [[nodiscard]] std::string room(std::string_view label) const;  // <= 64 chars
  [[nodiscard]] std::string user(std::string_view label) const;  // <= 32 chars
 private:
  std::string stem_;  // 10 hex digits
};

// "message #3 in r12ab-order from u12ab-a: \"hi\"" and the like (one line).
std::string describe(const ServerEvent& e);
// The room an event is about, if any (message, presence, typing, joined, left).
std::optional<std::string> room_of(const ServerEvent& e);
std::string shorten(std::string_view text, std::size_t max = 160);

class RoomsClient {
 public:
  // Member `member` of the case: it talks to rooms_targets[member % size].
  RoomsClient(CaseContext& ctx, const Budget& budget, std::size_t member, std::string label);

  // Connect and handshake offering wslab.rooms.v1 (ERROR when unreachable,
  // TIMEOUT without an answer, FAIL when refused or the 101 is wrong).
  void open();
  // open(), hello with `proposed`, await welcome; returns the assigned name.
  const std::string& login(const std::string& proposed);
  // join (with since) and await this room's joined (an error event: FAIL).
  ev::Joined join(const std::string& room, std::optional<std::uint64_t> since = std::nullopt);

  void send(const wslab::rooms::ClientMessage& message);
  void send_raw(std::string_view text);  // a text message as is (a failed write: FAIL)
  void say(const std::string& room, const std::string& text);

  struct Next {
    enum class Kind : std::uint8_t { kEvent, kTimeout, kEnded };
    Kind kind = Kind::kTimeout;
    ServerEvent event;
    Observation end;  // kEnded: the close / TCP close / bad frame
  };
  // The next event within `wait` (pings answered). Non-JSON or binary: FAIL.
  // The guard sees every event.
  Next next(Millis wait);

  // The first event of type T satisfying `match`, skipping others; `what`
  // names it for the verdict. Ended connection: FAIL; nothing in time: TIMEOUT.
  template <typename T>
  T await(std::string_view what, const std::function<bool(const T&)>& match,
          std::optional<Millis> wait = std::nullopt);
  // An error event with this code (anything else that is a direct reply first: FAIL).
  ev::Error await_error(std::string_view code, std::string_view after);
  // Sends a protocol ping with `ref` and awaits its pong (the connection works).
  void ping_pong(std::int64_t ref, std::string_view after);

  // Called for every event this client reads, before anything else.
  std::function<void(const ServerEvent&)> guard;

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::string& label() const { return label_; }
  [[nodiscard]] std::string where() const { return target_.url(); }  // its instance
  [[nodiscard]] Probe& probe() { return *probe_; }
  [[nodiscard]] const Target& target() const { return target_; }
  // The last events read (for details), oldest first.
  [[nodiscard]] std::string recent() const;

 private:
  [[noreturn]] void ended(const Observation& o, std::string_view waiting_for);

  CaseContext& ctx_;
  const Budget& budget_;
  Target target_;
  std::string label_;
  std::unique_ptr<Probe> probe_;
  std::string name_;
  std::vector<std::string> recent_;
};

template <typename T>
T RoomsClient::await(std::string_view what, const std::function<bool(const T&)>& match,
                     std::optional<Millis> wait) {
  auto deadline = std::chrono::steady_clock::now();
  Millis total = wait ? std::min(*wait, budget_.left()) : budget_.left();
  // Waits are unscaled; the probe scales each one. Track the real deadline.
  double scale = ctx_.timeout_scale > 0 ? ctx_.timeout_scale : 1.0;
  deadline += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double, std::milli>(static_cast<double>(total.count()) * scale));
  for (;;) {
    auto now = std::chrono::steady_clock::now();
    auto rest = std::chrono::duration_cast<Millis>(
        std::chrono::duration<double, std::milli>(deadline - now) / scale);
    if (now >= deadline || rest.count() <= 0) rest = Millis{0};
    Next n = next(rest);
    if (n.kind == Next::Kind::kEnded) ended(n.end, what);
    if (n.kind == Next::Kind::kTimeout) {
      if (std::chrono::steady_clock::now() < deadline) continue;
      stop(Verdict::kTimeout, std::string(what),
           "nothing like it within " + std::to_string(total.count()) + " ms (" + label_ + ")",
           "last events " + label_ + " got: " + recent());
    }
    if (const T* t = std::get_if<T>(&n.event); t != nullptr && match(*t)) return *t;
    if constexpr (!std::is_same_v<T, ev::Error>) {
      if (const auto* e = std::get_if<ev::Error>(&n.event)) {
        stop(Verdict::kFail, std::string(what),
             label_ + " got error \"" + std::string(wslab::rooms::code_name(e->code)) + "\"",
             describe(n.event));
      }
    }
  }
}

// Runs a rooms case body: Stop becomes its result; a normal return is the result.
CaseResult run_rooms(CaseContext& ctx, const std::function<CaseResult(CaseContext&)>& body);
CaseResult pass(std::string expected, std::string observed, std::string detail = {});

}  // namespace wslab::harness::rooms_cases

namespace wslab::harness {
// harness/cases/rooms*.cpp: the group "rooms" (docs/rooms-protocol.md), called by catalog().
void register_rooms_cases(Catalog& catalog);
}  // namespace wslab::harness
