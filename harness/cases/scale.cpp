// Group "scale" (lab 6): one wslab.rooms.v1 service run as several instances
// that share rooms (docs/rooms-protocol.md §11, lesson 7). Member k of a case
// connects to rooms_targets[k % n], so with three instances every member is on
// a different one; with a single target every member is on the same server and
// the cases still hold (they check the protocol, not the deployment).
// What must not depend on the instance a client landed on: private messages
// (§4.5), presence of a dropped connection (§5.5), names (§3), history after a
// reconnect elsewhere (§7) and one order for all (§6).
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "rooms_client.hpp"
#include "rooms_spec.hpp"

namespace wslab::harness {

namespace {

using namespace rooms_cases;
namespace r = wslab::rooms;

std::string spread(const CaseContext& ctx, std::size_t members) {
  const std::size_t n = ctx.rooms_targets.size();
  return std::to_string(members) + " members on " + std::to_string(std::min(n, members)) +
         " instance(s)";
}

CaseResult pass(std::string expected, std::string observed) {
  return {Verdict::kPass, std::move(expected), std::move(observed), ""};
}

// §4.5 on several instances.
CaseResult private_other_instance(CaseContext& ctx, const Budget& budget) {
  Names names(ctx);
  RoomsClient a(ctx, budget, 0, "member 0"), b(ctx, budget, 1, "member 1");
  a.login(names.user("pa"));
  b.login(names.user("pb"));
  const std::string text = "psst " + names.user("t");
  a.send(r::ClientMessage{r::client::Private{b.name(), text}, std::nullopt});
  const std::string expected = "a private event {from:\"" + a.name() + "\", to:\"" + b.name() +
                               "\", text:\"" + text + "\"} to " + b.name() + " (on " + b.where() +
                               ") and the same to the sender as its confirmation";
  auto got = b.await<ev::Private>(expected, [](const ev::Private&) { return true; });
  if (got.from != a.name() || got.to != b.name() || got.text != text) {
    stop(Verdict::kFail, expected, b.label() + " got " + describe(ServerEvent{got}));
  }
  auto confirm = a.await<ev::Private>(expected, [](const ev::Private&) { return true; });
  if (confirm.text != text || confirm.to != b.name()) {
    stop(Verdict::kFail, expected,
         a.label() + " got " + describe(ServerEvent{confirm}) + " as its confirmation");
  }
  return pass(expected, "both got it (" + spread(ctx, 2) + ")");
}

// §5.5: a dropped connection's leave reaches members on every instance.
CaseResult presence_disconnect(CaseContext& ctx, const Budget& budget) {
  Names names(ctx);
  const std::string room = names.room("scale-presence");
  RoomsClient a(ctx, budget, 0, "member 0"), b(ctx, budget, 1, "member 1"),
      c(ctx, budget, 2, "member 2");
  a.login(names.user("p0"));
  b.login(names.user("p1"));
  c.login(names.user("p2"));
  for (auto* m : {&a, &b, &c}) m->join(room);
  c.probe().close();  // TCP close without a Close frame: "disconnected"
  const std::string expected =
      "presence {name:\"" + c.name() + "\", action:\"leave\", reason:\"disconnected\"} to " +
      a.name() + " and " + b.name() + " after " + c.name() + "'s TCP connection (on " + c.where() +
      ") closed without a Close frame";
  for (auto* m : {&a, &b}) {
    auto p = m->await<ev::Presence>(expected, [&](const ev::Presence& x) {
      return x.name == c.name() && x.action == ev::PresenceAction::kLeave;
    });
    if (p.reason != ev::LeaveReason::kDisconnected) {
      stop(Verdict::kFail, expected,
           m->label() + " (on " + m->where() + ") got " + describe(ServerEvent{p}));
    }
  }
  return pass(expected, "both got it (" + spread(ctx, 3) + ")");
}

// §5.1/§3: joined.members and names cover the whole service.
CaseResult members_and_names(CaseContext& ctx, const Budget& budget) {
  Names names(ctx);
  const std::string room = names.room("scale-members");
  const std::string wanted = names.user("n");
  RoomsClient a(ctx, budget, 0, "member 0"), b(ctx, budget, 1, "member 1"),
      c(ctx, budget, 2, "member 2");
  a.login(wanted);
  b.login(wanted);
  const std::string names_expected = "two connections proposing \"" + wanted +
                                     "\" on different instances get different names (§3)";
  if (a.name() == b.name()) {
    stop(Verdict::kFail, names_expected,
         "both are called \"" + a.name() + "\" (" + a.where() + ", " + b.where() + ")");
  }
  c.login(names.user("m"));
  a.join(room);
  b.join(room);
  auto joined = c.join(room);
  const std::set<std::string> want{a.name(), b.name(), c.name()};
  const std::set<std::string> got(joined.members.begin(), joined.members.end());
  std::string listed;
  for (const auto& n : want) listed += (listed.empty() ? "" : ", ") + n;
  const std::string expected = names_expected + "; joined.members of the last to join lists " +
                               "the members of every instance: [" + listed + "]";
  if (got != want)
    stop(Verdict::kFail, expected, c.label() + " got " + describe(ServerEvent{joined}));
  return pass(expected, "as expected (" + spread(ctx, 3) + ")");
}

// §7: a client that comes back on another instance gets what it missed.
CaseResult history_other_instance(CaseContext& ctx, const Budget& budget) {
  Names names(ctx);
  const std::string room = names.room("scale-history");
  RoomsClient a(ctx, budget, 0, "member 0"), b(ctx, budget, 1, "member 1");
  a.login(names.user("ha"));
  b.login(names.user("hb"));
  a.join(room);
  b.join(room);
  auto said = [](const std::string& text) {
    return [text](const ev::Message& m) { return m.text == text; };
  };
  a.say(room, "h1");
  const auto last = b.await<ev::Message>("h1 at " + b.label(), said("h1")).seq;
  b.probe().close();
  std::vector<std::uint64_t> acked;
  for (const char* t : {"h1", "h2", "h3"}) {
    if (std::string(t) != "h1") a.say(room, t);
    // acknowledged: the sender got its seq
    acked.push_back(a.await<ev::Message>(std::string(t) + " at " + a.label(), said(t)).seq);
  }
  RoomsClient again(ctx, budget, 2, "member 2");
  again.login(names.user("hb"));
  const std::string expected = "join {since:" + std::to_string(last) + "} on " + again.where() +
                               " answers joined {seq:" + std::to_string(acked[2]) +
                               ", history:2} then the replayed messages h2 (seq " +
                               std::to_string(acked[1]) + ") and h3 (seq " +
                               std::to_string(acked[2]) + ")";
  auto joined = again.join(room, last);
  if (joined.seq != acked[2] || joined.history != 2) {
    stop(Verdict::kFail, expected, again.label() + " got " + describe(ServerEvent{joined}));
  }
  for (std::size_t i = 1; i < 3; ++i) {
    auto m = again.await<ev::Message>(expected, [](const ev::Message&) { return true; });
    if (m.seq != acked[i] || m.text != (i == 1 ? "h2" : "h3") || !m.history) {
      stop(Verdict::kFail, expected, again.label() + " got " + describe(ServerEvent{m}));
    }
  }
  return pass(expected,
              "as expected (written on " + a.where() + ", read back on " + again.where() + ")");
}

// §6: senders on every instance, one order for every member.
CaseResult one_order(CaseContext& ctx, const Budget& budget) {
  constexpr std::size_t kEach = 5;
  Names names(ctx);
  const std::string room = names.room("scale-order");
  std::vector<std::unique_ptr<RoomsClient>> m;
  for (std::size_t k = 0; k < 3; ++k) {
    m.push_back(std::make_unique<RoomsClient>(ctx, budget, k, "member " + std::to_string(k)));
    m.back()->login(names.user("o" + std::to_string(k)));
  }
  for (auto& x : m) x->join(room);
  for (std::size_t i = 0; i < kEach; ++i) {
    for (auto& x : m) x->say(room, std::to_string(i));
  }
  const std::string expected = "every member receives the " + std::to_string(3 * kEach) +
                               " messages in one order, seq consecutive, whichever instance "
                               "accepted each say (§6)";
  std::vector<std::vector<std::string>> seen(m.size());
  for (std::size_t k = 0; k < m.size(); ++k) {
    std::uint64_t prev = 0;
    while (seen[k].size() < 3 * kEach) {
      auto e = m[k]->await<ev::Message>(
          expected + " (" + m[k]->label() + " had " + std::to_string(seen[k].size()) + ")",
          [&](const ev::Message& x) { return x.room == room; });
      if (prev != 0 && e.seq != prev + 1) {
        stop(
            Verdict::kFail, expected,
            m[k]->label() + " got seq " + std::to_string(e.seq) + " after " + std::to_string(prev));
      }
      prev = e.seq;
      seen[k].push_back(std::to_string(e.seq) + " " + e.from + ":" + e.text);
    }
  }
  for (std::size_t k = 1; k < m.size(); ++k) {
    if (seen[k] != seen[0]) {
      std::size_t i = 0;
      while (i < seen[0].size() && seen[k][i] == seen[0][i]) ++i;
      stop(Verdict::kFail, expected,
           m[0]->label() + " and " + m[k]->label() + " differ at message " + std::to_string(i + 1) +
               ": \"" + seen[0][i] + "\" vs \"" + seen[k][i] + "\"");
    }
  }
  return pass(expected, "one order (" + spread(ctx, 3) + ")");
}

using Body = CaseResult (*)(CaseContext&, const Budget&);

void add_scale(Catalog& catalog, std::string id, std::string section, std::string rule,
               std::string description, std::string hint, Body run) {
  RoomsSpec spec{.id = std::move(id),
                 .section = std::move(section),
                 .rule = std::move(rule),
                 .description = std::move(description),
                 .hint = std::move(hint),
                 .lesson = at(kScaleOutLesson, "how-wslab-numbers-messages-across-instances-lab-6"),
                 .group = "scale",
                 .lab = 6,
                 .tags = {"rooms", "scale-out"}};
  add_rooms_case(catalog, std::move(spec), run);
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
