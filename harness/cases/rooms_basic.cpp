// Rooms cases, the basics (docs/rooms-protocol.md §1, §4, §5, §7): the
// handshake, join/leave/say with members and presence, typing, disconnect
// presence and history after a reconnect. Member k of a case talks to
// rooms_targets[k % n], so with several instances (lab 6) the members of one
// room sit on different servers; every check waits for events, never sleeps.
#include <string>
#include <vector>

#include "rooms_client.hpp"
#include "rooms_spec.hpp"
#include "wslab/harness/expect.hpp"
#include "wslab/rooms/codec.hpp"

namespace wslab::harness::rooms_cases {

namespace {

using namespace std::chrono_literals;
namespace r = wslab::rooms;

std::string members_text(const std::vector<std::string>& m) {
  std::string s = "[";
  for (const auto& x : m) s += (s.size() > 1 ? ", " : "") + x;
  return s + "]";
}

void add_handshake_cases(Catalog& cat) {
  add_rooms_case(
      cat,
      {.id = "rooms.handshake.selects-subprotocol",
       .section = "rooms §1",
       .rule =
           "The client MUST offer wslab.rooms.v1 in Sec-WebSocket-Protocol (it may offer others "
           "too). The server MUST select exactly wslab.rooms.v1 in its 101 response.",
       .description = "Offer \"chat.example, wslab.rooms.v1\"; expect a 101 that selects exactly "
                      "wslab.rooms.v1.",
       .hint = "Look for wslab.rooms.v1 among all offered names (in any order, in one header or "
               "several) and echo exactly that name in Sec-WebSocket-Protocol.",
       .lesson = at(kRoomsLesson, "the-subprotocol-wslabroomsv1"),
       .timeout = 2000ms},
      [](CaseContext& ctx, const Budget& b) {
        auto p = ctx.probe_at(ctx.rooms_targets[0]);
        auto res = p->handshake({"chat.example", std::string(r::kSubprotocol)});
        std::string expected = "101 with Sec-WebSocket-Protocol: wslab.rooms.v1";
        if (!res) {
          Verdict v = res.error().rfind("connect:", 0) == 0 ? Verdict::kError : Verdict::kFail;
          if (res.error().find("no response") != std::string::npos) v = Verdict::kTimeout;
          return CaseResult{v, expected, res.error(), shorten(p->last_response_head(), 400)};
        }
        auto proto = res->headers.get("Sec-WebSocket-Protocol");
        if (!proto || *proto != r::kSubprotocol) {
          return CaseResult{Verdict::kFail, expected,
                            proto ? "101 selecting \"" + std::string(*proto) + "\""
                                  : std::string("101 without Sec-WebSocket-Protocol"),
                            shorten(p->last_response_head(), 400)};
        }
        (void)b;
        return pass(expected, "101 selecting wslab.rooms.v1");
      });

  add_rooms_case(
      cat,
      {.id = "rooms.handshake.no-subprotocol-400",
       .section = "rooms §1",
       .rule = "A request that does not offer it is refused with 400 Bad Request (body: a line of "
               "text naming the rule).",
       .description = "Send a valid RFC 6455 upgrade without Sec-WebSocket-Protocol; expect 400, "
                      "not a 101.",
       .hint = "RFC 6455 would let you accept without a subprotocol, but this protocol refuses: "
               "answer 400 so a client that reached the wrong server fails at once.",
       .lesson = at(kRoomsLesson, "the-subprotocol-wslabroomsv1"),
       .timeout = 2000ms},
      [](CaseContext& ctx, const Budget& b) {
        const Target& t = ctx.rooms_targets[0];
        auto p = ctx.probe_at(t);
        std::string req = "GET /rooms HTTP/1.1\r\nHost: " + t.host_header() +
                          "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Version: 13\r\n\r\n";
        HttpOutcome o = classify_http(p->request(req, b.left()));
        RejectRule rule;
        rule.statuses = {400};
        rule.other_errors_pass = false;
        rule.drop_fails = true;
        rule.rule = "a request without wslab.rooms.v1 gets 400 (rooms §1)";
        return expect_reject(o, rule);
      });
}

void add_hello_cases(Catalog& cat) {
  add_rooms_case(
      cat,
      {.id = "rooms.hello.welcome-and-unique-names",
       .section = "rooms §3",
       .rule = "The client proposes one in hello; the server takes it if it is free, otherwise it "
               "appends -2, -3, ... (the first free one).",
       .description = "Two clients say hello with the same free name; the first gets it, the "
                      "second gets name-2 (on another instance when there are several).",
       .hint = "Names are unique among connected users (across all instances: lab 6); keep a set "
               "of taken names and try name-2, name-3 ... for a taken one.",
       .lesson = at(kRoomsLesson, "names-the-server-controls")},
      [](CaseContext& ctx, const Budget& b) {
        Names names(ctx);
        std::string want = names.user("nm");
        RoomsClient a(ctx, b, 0, "client A");
        RoomsClient c(ctx, b, 1, "client B");
        std::string got_a = a.login(want);
        if (got_a != want) {
          stop(Verdict::kFail, "welcome.name \"" + want + "\" (the proposed name was free)",
               "welcome.name \"" + got_a + "\"");
        }
        std::string got_b = c.login(want);
        if (got_b != want + "-2") {
          stop(Verdict::kFail, "welcome.name \"" + want + "-2\" for the second hello with " + want,
               "welcome.name \"" + got_b + "\"");
        }
        return pass("welcome names " + want + " and " + want + "-2",
                    "welcome names " + got_a + " and " + got_b);
      });

  add_rooms_case(
      cat,
      {.id = "rooms.hello.required-first",
       .section = "rooms §4.1",
       .rule = "The first message of a connection other than ping MUST be hello; anything else "
               "before it gets hello_required.",
       .description = "Send join before hello; expect error hello_required, then hello still "
                      "gets a welcome.",
       .hint = "Track per connection whether hello was said; before it, answer everything but "
               "hello and ping with the error, and keep the connection.",
       .lesson = at(kRoomsLesson, "errors-and-closes")},
      [](CaseContext& ctx, const Budget& b) {
        Names names(ctx);
        RoomsClient a(ctx, b, 0, "client A");
        a.open();
        a.send(r::ClientMessage{r::client::Join{names.room("early"), std::nullopt}, std::nullopt});
        a.await_error("hello_required", "a join before hello");
        a.send(r::ClientMessage{r::client::Hello{names.user("late")}, std::nullopt});
        a.await<ev::Welcome>("welcome for the hello after the error",
                             [](const ev::Welcome&) { return true; });
        return pass("error hello_required, then welcome", "error hello_required, then welcome");
      });
}

void add_join_cases(Catalog& cat) {
  add_rooms_case(
      cat,
      {.id = "rooms.join.members-and-presence",
       .section = "rooms §5.2",
       .rule = "members: everyone in the room now, the joiner included, sorted by byte value. The "
               "other members get a presence join.",
       .description = "A joins a new room, then B: joined lists [A] then [A, B] with seq 0; A gets "
                      "presence join B.",
       .hint = "Answer join with joined (room, seq, sorted members, history, truncated, reset) and "
               "send presence {action: join} to the other members only.",
       .lesson = at(kRoomsLesson, "presence")},
      [](CaseContext& ctx, const Budget& b) {
        Names names(ctx);
        std::string room = names.room("join");
        RoomsClient a(ctx, b, 0, "A");
        RoomsClient c(ctx, b, 1, "B");
        a.login(names.user("a"));
        c.login(names.user("b"));
        ev::Joined ja = a.join(room);
        if (ja.members != std::vector<std::string>{a.name()} || ja.seq != 0 || ja.history != 0) {
          stop(Verdict::kFail, "joined seq 0, members [" + a.name() + "], history 0",
               describe(ServerEvent{ja}));
        }
        ev::Joined jb = c.join(room);
        std::vector<std::string> both = {a.name(), c.name()};
        std::sort(both.begin(), both.end());
        if (jb.members != both) {
          stop(Verdict::kFail, "B's joined lists members " + members_text(both),
               "members " + members_text(jb.members), describe(ServerEvent{jb}));
        }
        a.await<ev::Presence>(
            "presence join " + c.name() + " at A (rooms §5.5)", [&](const ev::Presence& p) {
              return p.room == room && p.name == c.name() && p.action == ev::PresenceAction::kJoin;
            });
        return pass("joined [A], joined [A, B], presence join B at A",
                    "joined " + members_text(ja.members) + ", joined " + members_text(jb.members) +
                        ", presence join " + c.name());
      });

  add_rooms_case(
      cat,
      {.id = "rooms.say.every-member-sender-included",
       .section = "rooms §4.4",
       .rule = "The server gives the message the room's next sequence number and sends a message "
               "event to every member, the sender included.",
       .description = "A and B in a room; A says; both get message seq 1 from A with the text.",
       .hint = "Fan the message out to all members including the sender (its copy is the "
               "confirmation) with from = the sender's server-held name.",
       .lesson = at(kRoomsLesson, "ordering")},
      [](CaseContext& ctx, const Budget& b) {
        Names names(ctx);
        std::string room = names.room("say");
        RoomsClient a(ctx, b, 0, "A");
        RoomsClient c(ctx, b, 1, "B");
        a.login(names.user("a"));
        c.login(names.user("b"));
        auto ja = a.join(room);
        c.join(room);
        a.say(room, "hello room");
        std::string detail;
        for (RoomsClient* m : {&a, &c}) {
          auto msg = m->await<ev::Message>("message \"hello room\" at " + m->label(),
                                           [&](const ev::Message& x) { return x.room == room; });
          if (msg.text != "hello room" || msg.from != a.name() || msg.seq != ja.seq + 1) {
            stop(Verdict::kFail,
                 "message seq " + std::to_string(ja.seq + 1) + " from " + a.name() +
                     " text \"hello room\" at " + m->label(),
                 describe(ServerEvent{msg}));
          }
          detail += m->label() + ": " + describe(ServerEvent{msg}) + "\n";
        }
        return pass("message seq 1 from A at A and B", "both got it", detail);
      });

  add_rooms_case(
      cat,
      {.id = "rooms.leave.left-and-presence",
       .section = "rooms §4.3",
       .rule = "Reply: left. The remaining members get a presence leave. The server copies ref "
               "unchanged into the direct reply.",
       .description = "B leaves with ref \"x\"; B gets left with ref \"x\", A gets presence leave "
                      "B reason left.",
       .hint = "Reply left (copying ref), remove the member, and tell the others with presence "
               "{action: leave, reason: left}.",
       .lesson = at(kRoomsLesson, "presence")},
      [](CaseContext& ctx, const Budget& b) {
        Names names(ctx);
        std::string room = names.room("leave");
        RoomsClient a(ctx, b, 0, "A");
        RoomsClient c(ctx, b, 1, "B");
        a.login(names.user("a"));
        c.login(names.user("b"));
        a.join(room);
        c.join(room);
        c.send(r::ClientMessage{r::client::Leave{room}, r::Ref{std::string("x")}});
        auto left = c.await<ev::Left>("left for B's leave",
                                      [&](const ev::Left& l) { return l.room == room; });
        const auto* ref = left.ref ? std::get_if<std::string>(&*left.ref) : nullptr;
        if (ref == nullptr || *ref != "x") {
          stop(Verdict::kFail, "left with ref \"x\" (rooms §2)", describe(ServerEvent{left}));
        }
        auto p = a.await<ev::Presence>(
            "presence leave " + c.name() + " at A", [&](const ev::Presence& x) {
              return x.room == room && x.name == c.name() && x.action == ev::PresenceAction::kLeave;
            });
        if (p.reason != ev::LeaveReason::kLeft) {
          stop(Verdict::kFail, "presence leave with reason left", describe(ServerEvent{p}));
        }
        return pass("left (ref x) at B, presence leave reason left at A",
                    describe(ServerEvent{left}) + ", " + describe(ServerEvent{p}));
      });

  add_rooms_case(
      cat,
      {.id = "rooms.typing.to-others-only",
       .section = "rooms §4.6",
       .rule = "The server relays a typing event to the room's other members.",
       .description = "B says typing active; A gets typing from B; B gets no typing event before "
                      "its next pong.",
       .hint = "Relay typing to every member except the one typing; keep no typing state.",
       .lesson = at(kRoomsLesson, "typing-indicators")},
      [](CaseContext& ctx, const Budget& b) {
        Names names(ctx);
        std::string room = names.room("typing");
        RoomsClient a(ctx, b, 0, "A");
        RoomsClient c(ctx, b, 1, "B");
        a.login(names.user("a"));
        c.login(names.user("b"));
        a.join(room);
        c.join(room);
        c.guard = [&](const ServerEvent& e) {
          if (std::holds_alternative<ev::Typing>(e)) {
            stop(Verdict::kFail, "no typing event back to the one typing (rooms §4.6)",
                 "B got " + describe(e));
          }
        };
        c.send(r::ClientMessage{r::client::Typing{room, true}, std::nullopt});
        auto t = a.await<ev::Typing>("typing from " + c.name() + " at A",
                                     [&](const ev::Typing& x) { return x.room == room; });
        if (t.from != c.name() || !t.active) {
          stop(Verdict::kFail, "typing from " + c.name() + " active true",
               describe(ServerEvent{t}));
        }
        c.ping_pong(41, "typing");
        return pass("typing at A only", describe(ServerEvent{t}));
      });
}

void add_disconnect_cases(Catalog& cat) {
  add_rooms_case(
      cat,
      {.id = "rooms.presence.disconnect",
       .section = "rooms §5.5",
       .rule = "reason (leave only): left (a leave message) or disconnected (the connection ended "
               "for any reason: close, TCP loss, dropped as a slow consumer).",
       .description = "B's TCP connection closes without a Close frame; A gets presence leave B "
                      "reason disconnected.",
       .hint = "When a connection ends (read returns 0, error, timeout), remove it from every room "
               "and send presence {action: leave, reason: disconnected}.",
       .lesson = at(kRoomsLesson, "presence")},
      [](CaseContext& ctx, const Budget& b) {
        Names names(ctx);
        std::string room = names.room("drop");
        RoomsClient a(ctx, b, 0, "A");
        RoomsClient c(ctx, b, 1, "B");
        a.login(names.user("a"));
        c.login(names.user("b"));
        a.join(room);
        c.join(room);
        std::string bname = c.name();
        c.probe().close();
        auto p =
            a.await<ev::Presence>("presence leave " + bname + " at A", [&](const ev::Presence& x) {
              return x.room == room && x.name == bname && x.action == ev::PresenceAction::kLeave;
            });
        if (p.reason != ev::LeaveReason::kDisconnected) {
          stop(Verdict::kFail, "presence leave with reason disconnected", describe(ServerEvent{p}));
        }
        return pass("presence leave reason disconnected", describe(ServerEvent{p}));
      });

  add_rooms_case(
      cat,
      {.id = "rooms.history.since-after-reconnect",
       .section = "rooms §7",
       .rule = "joined with seq = the room's current counter; the kept messages with since < seq "
               "<= joined.seq, oldest first, each with \"history\":true.",
       .description = "C sees seq s, drops; A says 3 more; C reconnects (to another instance when "
                      "there are several) and joins with since s: exactly those 3, in order.",
       .hint = "Keep the last 100 messages per room; on join with since, answer joined "
               "(history = count) and replay seq > since with history:true before live events.",
       .lesson = at(kRoomsLesson, "history-after-reconnect"),
       .timeout = 3000ms},
      [](CaseContext& ctx, const Budget& b) {
        Names names(ctx);
        std::string room = names.room("hist");
        RoomsClient a(ctx, b, 0, "A");
        RoomsClient c(ctx, b, 1, "C");
        a.login(names.user("a"));
        c.login(names.user("c"));
        a.join(room);
        c.join(room);
        a.say(room, "before");
        auto seen = c.await<ev::Message>("message \"before\" at C",
                                         [&](const ev::Message& m) { return m.room == room; });
        c.probe().close();
        std::vector<std::string> missed = {"missed 1", "missed 2", "missed 3"};
        for (const auto& t : missed) {
          a.say(room, t);
          a.await<ev::Message>("A's own message \"" + t + "\"",
                               [&](const ev::Message& m) { return m.room == room && m.text == t; });
        }
        RoomsClient again(ctx, b, 2, "C again");
        again.login(names.user("c"));
        std::size_t extra = 0;
        bool replay_done = false;
        again.guard = [&](const ServerEvent& e) {
          const auto* m = std::get_if<ev::Message>(&e);
          if (replay_done && m != nullptr && m->history) ++extra;
        };
        auto j = again.join(room, seen.seq);
        std::uint64_t want_seq = seen.seq + missed.size();
        if (j.seq != want_seq || j.history != missed.size() || j.truncated || j.reset) {
          stop(Verdict::kFail,
               "joined seq " + std::to_string(want_seq) + " history 3, truncated/reset false",
               describe(ServerEvent{j}));
        }
        std::string got;
        for (std::size_t i = 0; i < missed.size(); ++i) {
          auto m = again.await<ev::Message>("history message " + std::to_string(i + 1) + " of 3",
                                            [&](const ev::Message& x) { return x.room == room; });
          if (m.seq != seen.seq + i + 1 || m.text != missed[i] || !m.history ||
              m.from != a.name()) {
            stop(Verdict::kFail,
                 "history message seq " + std::to_string(seen.seq + i + 1) + " \"" + missed[i] +
                     "\" from " + a.name() + " with history:true",
                 describe(ServerEvent{m}), "messages before it: " + got);
          }
          got += describe(ServerEvent{m}) + "\n";
        }
        replay_done = true;
        again.ping_pong(7, "the replay");
        if (extra != 0) {
          stop(Verdict::kFail, "exactly 3 history messages",
               std::to_string(3 + extra) + " history messages", got);
        }
        return pass("joined seq " + std::to_string(want_seq) + " history 3, then the 3 in order",
                    "as expected", got);
      });
}

}  // namespace

void register_rooms_basic_cases(Catalog& catalog) {
  add_handshake_cases(catalog);
  add_hello_cases(catalog);
  add_join_cases(catalog);
  add_disconnect_cases(catalog);
}

}  // namespace wslab::harness::rooms_cases
