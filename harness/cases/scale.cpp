// Group "scale" (lab 6): one wslab.rooms.v1 service run as several instances
// that share rooms (docs/rooms-protocol.md §11, lesson 7). Member k of a case
// connects to rooms_targets[k % n], so with three instances every member is on
// a different one; with a single target every member is on the same server and
// the cases still hold (they check the protocol, not the deployment).
// What must not depend on the instance a client landed on: private messages
// (§4.5), presence of a dropped connection (§5.5), names (§3), history after a
// reconnect elsewhere (§7) and one order for all (§6).
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "drive.hpp"

namespace wslab::harness {

namespace {

using namespace cases;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kGroup = "scale";
constexpr const char* kSubprotocol = "wslab.rooms.v1";
constexpr Millis kBudget{3000};  // the catalog caps non-bulk cases at 3 s

// A short random tag, so that names and rooms of parallel or repeated runs
// against the same service never meet (rooms outlive connections in Redis).
std::string fresh_tag() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kDigits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (int i = 0; i < 6; ++i) s += kDigits[rng() % (sizeof kDigits - 1)];
  return s;
}

// One client of the rooms service, on the instance its index selects.
class Member {
 public:
  Member(CaseContext& ctx, std::size_t k, Clock::time_point deadline) : deadline_(deadline) {
    if (!ctx.rooms_targets.empty()) {
      where_ = ctx.rooms_targets[k % ctx.rooms_targets.size()];
      probe_ = ctx.probe_at(where_);
    }
    label_ = "member " + std::to_string(k);
  }

  // Handshake with the subprotocol, then hello. On failure, failure() is the verdict.
  bool open(const std::string& proposed) {
    if (!probe_) {
      error_ = {Verdict::kError, "a rooms server", "no rooms target was given", ""};
      return false;
    }
    auto r = probe_->handshake({kSubprotocol});
    if (!r) {
      const bool unreachable = r.error().rfind("connect:", 0) == 0;
      error_ = {unreachable ? Verdict::kError : Verdict::kFail,
                "a 101 with Sec-WebSocket-Protocol: wslab.rooms.v1 from " + where_.url(),
                label_ + ": " + r.error(), ""};
      return false;
    }
    send({{"type", "hello"}, {"name", proposed}});
    auto w = next_of("welcome");
    if (!w) return false;
    name_ = w->value("name", "");
    return true;
  }

  void send(const json& j) { (void)probe_->send_text(j.dump()); }

  // The next event other than the instance's own status events, or nullopt
  // (failure() says why) when the connection ended or nothing came in time.
  std::optional<json> next() {
    for (;;) {
      const auto left = std::chrono::duration_cast<Millis>(deadline_ - Clock::now());
      if (left <= Millis{0}) return missing("nothing more arrived before the case's deadline");
      Observation o = probe_->next(left);
      if (o.kind == Observation::Kind::kTimeout) {
        return missing("nothing more arrived before the case's deadline");
      }
      if (o.kind == Observation::Kind::kPing) {
        (void)probe_->send_pong(o.payload);
        continue;
      }
      if (o.kind != Observation::Kind::kText) {
        error_ = {Verdict::kFail, "the connection stays open", label_ + ": " + describe(o), ""};
        return std::nullopt;
      }
      json j = json::parse(o.payload, nullptr, false);
      if (!j.is_object()) {
        error_ = {Verdict::kFail, "one JSON object per text message (§2)",
                  label_ + " got " + describe(o), ""};
        return std::nullopt;
      }
      if (j.value("type", "") == "status") continue;  // an instance telling about Redis
      return j;
    }
  }

  // The next event of `type` (matching `match` if given); other events are skipped,
  // except an error event, which ends the wait.
  std::optional<json> next_of(std::string_view type,
                              const std::function<bool(const json&)>& match = {}) {
    for (;;) {
      auto j = next();
      if (!j) {
        error_.expected = "a " + std::string(type) + " event for " + label_;
        return std::nullopt;
      }
      const std::string t = j->value("type", "");
      if (t == type && (!match || match(*j))) return j;
      if (t == "error" && type != "error") {
        error_ = {Verdict::kFail, "a " + std::string(type) + " event",
                  label_ + " got " + j->dump(), ""};
        return std::nullopt;
      }
    }
  }

  // Joins and returns the `joined` event.
  std::optional<json> join(const std::string& room, std::optional<std::uint64_t> since = {}) {
    json m{{"type", "join"}, {"room", room}};
    if (since) m["since"] = *since;
    send(m);
    return next_of("joined", [&](const json& j) { return j.value("room", "") == room; });
  }

  void drop() { probe_->close(); }  // TCP close without a Close frame: "disconnected"

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::string& label() const { return label_; }
  [[nodiscard]] std::string where() const { return where_.url(); }
  [[nodiscard]] CaseResult failure() const { return error_; }

 private:
  std::optional<json> missing(const std::string& why) {
    error_ = {Verdict::kTimeout, "", label_ + " (on " + where_.url() + "): " + why, ""};
    return std::nullopt;
  }

  Clock::time_point deadline_;
  Target where_;
  std::unique_ptr<Probe> probe_;
  std::string label_;
  std::string name_;
  CaseResult error_;
};

Clock::time_point deadline_of(const CaseContext& ctx) {
  const double scale = ctx.timeout_scale > 0 ? ctx.timeout_scale : 1.0;
  return Clock::now() +
         Millis{static_cast<Millis::rep>(static_cast<double>(kBudget.count()) * scale * 0.9)};
}

CaseResult pass(std::string expected, std::string observed) {
  return {Verdict::kPass, std::move(expected), std::move(observed), ""};
}
CaseResult fail(std::string expected, std::string observed) {
  return {Verdict::kFail, std::move(expected), std::move(observed), ""};
}

std::string spread(const CaseContext& ctx, std::size_t members) {
  const std::size_t n = ctx.rooms_targets.size();
  return std::to_string(members) + " members on " + std::to_string(std::min(n, members)) +
         " instance(s)";
}

// §4.5 on several instances.
CaseResult private_other_instance(CaseContext& ctx) {
  const auto deadline = deadline_of(ctx);
  const std::string tag = fresh_tag();
  Member a(ctx, 0, deadline), b(ctx, 1, deadline);
  if (!a.open("pa-" + tag)) return a.failure();
  if (!b.open("pb-" + tag)) return b.failure();
  const std::string text = "psst " + tag;
  a.send({{"type", "private"}, {"to", b.name()}, {"text", text}});
  const std::string expected = "a private event {from:\"" + a.name() + "\", to:\"" + b.name() +
                               "\", text:\"" + text + "\"} to " + b.name() + " (on " + b.where() +
                               ") and the same to the sender as its confirmation";
  auto got = b.next_of("private");
  if (!got) {
    CaseResult r = b.failure();
    r.expected = expected;
    return r;
  }
  if (got->value("from", "") != a.name() || got->value("to", "") != b.name() ||
      got->value("text", "") != text) {
    return fail(expected, b.label() + " got " + got->dump());
  }
  auto confirm = a.next_of("private");
  if (!confirm) {
    CaseResult r = a.failure();
    r.expected = expected;
    return r;
  }
  if (confirm->value("text", "") != text || confirm->value("to", "") != b.name()) {
    return fail(expected, a.label() + " got " + confirm->dump() + " as its confirmation");
  }
  return pass(expected, "both got it (" + spread(ctx, 2) + ")");
}

// §5.5: a dropped connection's leave reaches members on every instance.
CaseResult presence_disconnect(CaseContext& ctx) {
  const auto deadline = deadline_of(ctx);
  const std::string tag = fresh_tag();
  const std::string room = "scale-presence-" + tag;
  Member a(ctx, 0, deadline), b(ctx, 1, deadline), c(ctx, 2, deadline);
  for (auto* m : {&a, &b, &c}) {
    if (!m->open("p" + std::to_string(m == &a ? 0 : m == &b ? 1 : 2) + "-" + tag)) {
      return m->failure();
    }
  }
  for (auto* m : {&a, &b, &c}) {
    if (!m->join(room)) return m->failure();
  }
  c.drop();
  const std::string expected = "presence {name:\"" + c.name() +
                               "\", action:\"leave\", reason:\"disconnected\"} to " + a.name() +
                               " and " + b.name() + " after " + c.name() + "'s TCP connection (on " +
                               c.where() + ") closed without a Close frame";
  for (auto* m : {&a, &b}) {
    auto p = m->next_of("presence", [&](const json& j) {
      return j.value("name", "") == c.name() && j.value("action", "") == "leave";
    });
    if (!p) {
      CaseResult r = m->failure();
      r.expected = expected;
      return r;
    }
    if (p->value("reason", "") != "disconnected") {
      return fail(expected, m->label() + " (on " + m->where() + ") got " + p->dump());
    }
  }
  return pass(expected, "both got it (" + spread(ctx, 3) + ")");
}

// §5.1/§3: joined.members and names cover the whole service.
CaseResult members_and_names(CaseContext& ctx) {
  const auto deadline = deadline_of(ctx);
  const std::string tag = fresh_tag();
  const std::string room = "scale-members-" + tag;
  const std::string wanted = "n-" + tag;
  Member a(ctx, 0, deadline), b(ctx, 1, deadline), c(ctx, 2, deadline);
  if (!a.open(wanted)) return a.failure();
  if (!b.open(wanted)) return b.failure();
  const std::string names_expected = "two connections proposing \"" + wanted +
                                     "\" on different instances get different names (§3)";
  if (a.name() == b.name()) {
    return fail(names_expected, "both are called \"" + a.name() + "\" (" + a.where() + ", " +
                                    b.where() + ")");
  }
  if (!c.open("m-" + tag)) return c.failure();
  if (!a.join(room)) return a.failure();
  if (!b.join(room)) return b.failure();
  auto joined = c.join(room);
  if (!joined) return c.failure();
  const std::set<std::string> want{a.name(), b.name(), c.name()};
  std::set<std::string> got;
  if (joined->contains("members") && (*joined)["members"].is_array()) {
    for (const auto& n : (*joined)["members"]) {
      if (n.is_string()) got.insert(n.get<std::string>());
    }
  }
  const std::string expected = names_expected + "; joined.members of the last to join lists " +
                               "the members of every instance: " + json(want).dump();
  if (got != want) return fail(expected, c.label() + " got " + joined->dump());
  return pass(expected, "as expected (" + spread(ctx, 3) + ")");
}

// §7: a client that comes back on another instance gets what it missed.
CaseResult history_other_instance(CaseContext& ctx) {
  const auto deadline = deadline_of(ctx);
  const std::string tag = fresh_tag();
  const std::string room = "scale-history-" + tag;
  Member a(ctx, 0, deadline), b(ctx, 1, deadline);
  if (!a.open("ha-" + tag)) return a.failure();
  if (!b.open("hb-" + tag)) return b.failure();
  if (!a.join(room)) return a.failure();
  if (!b.join(room)) return b.failure();
  auto said = [&](const std::string& text) { return [text](const json& j) {
    return j.value("text", "") == text;
  }; };
  a.send({{"type", "say"}, {"room", room}, {"text", "h1"}});
  auto seen = b.next_of("message", said("h1"));
  if (!seen) return b.failure();
  const auto last = seen->value("seq", std::uint64_t{0});
  b.drop();
  std::vector<std::uint64_t> acked;
  for (const char* t : {"h1", "h2", "h3"}) {
    if (std::string(t) != "h1") a.send({{"type", "say"}, {"room", room}, {"text", t}});
    auto m = a.next_of("message", said(t));  // acknowledged: the sender got its seq
    if (!m) return a.failure();
    acked.push_back(m->value("seq", std::uint64_t{0}));
  }
  Member again(ctx, 2, deadline);
  if (!again.open("hb-" + tag)) return again.failure();
  const std::string expected = "join {since:" + std::to_string(last) + "} on " + again.where() +
                               " answers joined {seq:" + std::to_string(acked[2]) +
                               ", history:2} then the replayed messages h2 (seq " +
                               std::to_string(acked[1]) + ") and h3 (seq " +
                               std::to_string(acked[2]) + ")";
  auto joined = again.join(room, last);
  if (!joined) {
    CaseResult r = again.failure();
    r.expected = expected;
    return r;
  }
  if (joined->value("seq", std::uint64_t{0}) != acked[2] || joined->value("history", -1) != 2) {
    return fail(expected, again.label() + " got " + joined->dump());
  }
  for (std::size_t i = 1; i < 3; ++i) {
    auto m = again.next_of("message");
    if (!m) {
      CaseResult r = again.failure();
      r.expected = expected;
      return r;
    }
    if (m->value("seq", std::uint64_t{0}) != acked[i] ||
        m->value("text", "") != (i == 1 ? "h2" : "h3") || !m->value("history", false)) {
      return fail(expected, again.label() + " got " + m->dump());
    }
  }
  return pass(expected, "as expected (written on " + a.where() + ", read back on " +
                            again.where() + ")");
}

// §6: senders on every instance, one order for every member.
CaseResult one_order(CaseContext& ctx) {
  constexpr int kEach = 5;
  const auto deadline = deadline_of(ctx);
  const std::string tag = fresh_tag();
  const std::string room = "scale-order-" + tag;
  std::vector<std::unique_ptr<Member>> m;
  for (std::size_t k = 0; k < 3; ++k) {
    m.push_back(std::make_unique<Member>(ctx, k, deadline));
    if (!m.back()->open("o" + std::to_string(k) + "-" + tag)) return m.back()->failure();
  }
  for (auto& x : m) {
    if (!x->join(room)) return x->failure();
  }
  for (int i = 0; i < kEach; ++i) {
    for (auto& x : m) x->send({{"type", "say"}, {"room", room}, {"text", std::to_string(i)}});
  }
  const std::string expected = "every member receives the " + std::to_string(3 * kEach) +
                               " messages in one order, seq consecutive, whichever instance "
                               "accepted each say (§6)";
  std::vector<std::vector<std::string>> seen(m.size());
  for (std::size_t k = 0; k < m.size(); ++k) {
    std::uint64_t prev = 0;
    while (seen[k].size() < 3 * kEach) {
      auto e = m[k]->next_of("message");
      if (!e) {
        CaseResult r = m[k]->failure();
        r.expected = expected;
        r.detail = "it had " + std::to_string(seen[k].size()) + " messages";
        return r;
      }
      const auto seq = e->value("seq", std::uint64_t{0});
      if (prev != 0 && seq != prev + 1) {
        return fail(expected, m[k]->label() + " got seq " + std::to_string(seq) + " after " +
                                  std::to_string(prev));
      }
      prev = seq;
      seen[k].push_back(std::to_string(seq) + " " + e->value("from", "") + ":" +
                        e->value("text", ""));
    }
  }
  for (std::size_t k = 1; k < m.size(); ++k) {
    if (seen[k] != seen[0]) {
      std::size_t i = 0;
      while (i < seen[0].size() && seen[k][i] == seen[0][i]) ++i;
      return fail(expected, m[0]->label() + " and " + m[k]->label() + " differ at message " +
                                std::to_string(i + 1) + ": \"" + seen[0][i] + "\" vs \"" +
                                seen[k][i] + "\"");
    }
  }
  return pass(expected, "one order (" + spread(ctx, 3) + ")");
}

void add_scale(Catalog& catalog, std::string id, std::string section, std::string rule,
               std::string description, std::string hint, CaseFn run) {
  CaseInfo info;
  info.id = std::move(id);
  info.group = kGroup;
  info.lab = kLabScaleOut;
  info.rfc_section = std::move(section);
  info.rfc_text = std::move(rule);
  info.points = 2;
  info.description = std::move(description);
  info.hint = std::move(hint);
  info.lesson = lesson::at(lesson::kScaleOut, "how-wslab-numbers-messages-across-instances-lab-6");
  info.timeout = kBudget;
  info.needs = TargetKind::kRooms;
  info.tags = {"rooms", "scale-out"};
  catalog.add(std::move(info), std::move(run));
}

}  // namespace

void register_scale_cases(Catalog& catalog) {
  add_scale(catalog, "scale.private.other-instance", "rooms §4.5",
            "The server sends a private event to the target and the same event to the sender "
            "(its confirmation), and to nobody else.",
            "A private message from a member on one instance reaches its target on another.",
            "Only the instance holding the target's socket can deliver: look up which instance "
            "holds the name (the value of wslab:user:<name>) and publish to a channel that "
            "instance listens on.",
            private_other_instance);
  add_scale(catalog, "scale.presence.disconnect-everywhere", "rooms §5.5",
            "A connection that closes leaves its rooms with reason \"disconnected\".",
            "A member dropping its TCP connection on one instance is seen leaving "
            "(\"disconnected\") by the members on the others.",
            "The instance that saw the socket close must remove the member from the shared "
            "members hash and publish the leave on the room's channel.",
            presence_disconnect);
  add_scale(catalog, "scale.members.names-and-list", "rooms §3, §5.1",
            "A name is unique among the users connected to the server at one time.",
            "Names are unique across instances, and joined.members lists the members of every "
            "instance.",
            "Claim names in Redis (SET wslab:user:<name> <instance> NX) and keep members in a "
            "shared hash; read it for joined.members.",
            members_and_names);
  add_scale(catalog, "scale.history.reconnect-other-instance", "rooms §7",
            "A join with since gets the messages after since that the server still holds.",
            "A member that reconnects to another instance with join {since} gets what it missed, "
            "with the original seq numbers.",
            "History must live in Redis (keyed by seq), not in the instance's memory.",
            history_other_instance);
  add_scale(catalog, "scale.order.senders-everywhere", "rooms §6",
            "Every member of a room receives the room's messages in the same order, numbered "
            "1, 2, 3 ... without gaps.",
            "Members on three instances say 5 messages each at once; all see one gap-free order.",
            "INCR the room's counter, store and PUBLISH in one atomic step (a Lua script); "
            "deliver in seq order and fill gaps from the history.",
            one_order);
}

}  // namespace wslab::harness
