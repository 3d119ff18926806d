// Rooms cases about what must NOT happen (docs/rooms-protocol.md §3, §4.5,
// §6.5, §8, §2): isolation between rooms, names a client cannot spoof,
// private messages that reach only their target, errors that keep the
// connection, and the two closes (1009 oversize, 1003 binary).
//
// Negative checks ("B receives nothing of room X") end on a marker: a message
// said after the forbidden events in a room B is in; B reads everything up to
// that marker, and its guard fails the case on anything about room X.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rooms_client.hpp"
#include "rooms_spec.hpp"
#include "wslab/rooms/codec.hpp"

namespace wslab::harness::rooms_cases {

namespace {

using namespace std::chrono_literals;
namespace r = wslab::rooms;
using json = nlohmann::json;

constexpr const char* kIsolationRule =
    "Isolation. A connection that is not a member of a room receives nothing about it: no "
    "message, presence or typing event.";

enum class Leak : std::uint8_t { kMessage, kPresence, kTyping };

// O (outsider) and I (insider) share room `open`; I and M are in `secret`.
// M acts in `secret`; I sees it; then I says a marker in `open`; O must read
// the marker without anything about `secret` before it.
CaseResult isolation(CaseContext& ctx, const Budget& b, Leak leak) {
  Names names(ctx);
  std::string secret = names.room("secret");
  std::string open = names.room("open");
  RoomsClient o(ctx, b, 0, "outsider O");
  RoomsClient in(ctx, b, 1, "insider I");
  RoomsClient m(ctx, b, 2, "member M");
  in.login(names.user("i"));
  in.join(secret);
  m.login(names.user("m"));
  if (leak != Leak::kPresence) m.join(secret);
  o.login(names.user("o"));
  o.join(open);
  in.join(open);
  o.guard = [&](const ServerEvent& e) {
    if (room_of(e) == secret) {
      stop(Verdict::kFail, "nothing about room " + secret + " at O (not a member)",
           "O got " + describe(e));
    }
  };
  std::string what;
  switch (leak) {
    case Leak::kMessage:
      m.say(secret, "for members only");
      in.await<ev::Message>("M's message at I", [&](const ev::Message& x) {
        return x.room == secret && x.text == "for members only";
      });
      what = "a message";
      break;
    case Leak::kPresence:
      m.join(secret);
      in.await<ev::Presence>("presence join M at I", [&](const ev::Presence& x) {
        return x.room == secret && x.action == ev::PresenceAction::kJoin;
      });
      m.send(r::ClientMessage{r::client::Leave{secret}, std::nullopt});
      in.await<ev::Presence>("presence leave M at I", [&](const ev::Presence& x) {
        return x.room == secret && x.action == ev::PresenceAction::kLeave;
      });
      what = "presence join and leave";
      break;
    case Leak::kTyping:
      m.send(r::ClientMessage{r::client::Typing{secret, true}, std::nullopt});
      in.await<ev::Typing>("M's typing at I",
                           [&](const ev::Typing& x) { return x.room == secret; });
      what = "typing";
      break;
  }
  in.say(open, "marker");
  o.await<ev::Message>("the marker in room " + open + " at O",
                       [&](const ev::Message& x) { return x.room == open && x.text == "marker"; });
  return pass("nothing of room " + secret + " at O before the marker",
              "O got only its own room's events; " + what + " stayed in the room");
}

void add_isolation_cases(Catalog& cat) {
  struct Kind {
    const char* id;
    Leak leak;
    const char* what;
  };
  for (const Kind& k : {Kind{"rooms.isolation.messages", Leak::kMessage, "a message"},
                        Kind{"rooms.isolation.presence", Leak::kPresence, "presence join/leave"},
                        Kind{"rooms.isolation.typing", Leak::kTyping, "a typing event"}}) {
    add_rooms_case(
        cat,
        {.id = k.id,
         .section = "rooms §6",
         .rule = kIsolationRule,
         .description = std::string("A member does ") + k.what +
                        " in a room; a connection outside it receives nothing of it.",
         .hint = "Send room events only to the room's members (look the room up, iterate its "
                 "member list), never to every connection.",
         .lesson = at(kRoomsLesson, "ordering"),
         .timeout = 3000ms},
        [leak = k.leak](CaseContext& ctx, const Budget& b) { return isolation(ctx, b, leak); });
  }
}

void add_name_cases(Catalog& cat) {
  add_rooms_case(
      cat,
      {.id = "rooms.from.client-from-ignored",
       .section = "rooms §3",
       .rule = "Every event that says who did something uses this server-held name; nothing a "
               "client sends can change whom an event claims to be from.",
       .description = "B says with \"from\":\"admin\", \"seq\":999999 and \"ts\":1; everyone sees "
                      "it from B's own name with the room's seq.",
       .hint = "Ignore from/seq/ts in client messages; take the name from the connection's state "
               "(set by hello) and the seq from the room's counter.",
       .lesson = at(kRoomsLesson, "names-the-server-controls")},
      [](CaseContext& ctx, const Budget& b) {
        Names names(ctx);
        std::string room = names.room("spoof");
        RoomsClient a(ctx, b, 0, "A");
        RoomsClient c(ctx, b, 1, "B");
        a.login(names.user("a"));
        c.login(names.user("b"));
        auto ja = a.join(room);
        c.join(room);
        c.send_raw(json{
            {"type", "say"},
            {"room", room},
            {"text", "I am admin"},
            {"from", "admin"},
            {"seq", 999999},
            {"ts", 1}}.dump());
        std::string detail;
        for (RoomsClient* m : {&a, &c}) {
          auto msg = m->await<ev::Message>("B's message at " + m->label(),
                                           [&](const ev::Message& x) { return x.room == room; });
          if (msg.from != c.name() || msg.seq != ja.seq + 1) {
            stop(Verdict::kFail,
                 "message from " + c.name() + " seq " + std::to_string(ja.seq + 1) + " at " +
                     m->label(),
                 describe(ServerEvent{msg}));
          }
          detail += describe(ServerEvent{msg}) + "\n";
        }
        return pass("from " + c.name() + " (the server-held name)", "from " + c.name(), detail);
      });
}

void add_private_cases(Catalog& cat) {
  add_rooms_case(
      cat,
      {.id = "rooms.private.only-target",
       .section = "rooms §4.5",
       .rule = "The server sends a private event to the target and the same event to the sender "
               "(its confirmation), and to nobody else.",
       .description = "A sends a private to B with C in the same room: A and B get it once each, "
                      "C never (checked up to a later room message).",
       .hint = "Look the target up by name among connected users (on every instance) and send "
               "the event to it and the sender only.",
       .lesson = at(kRoomsLesson, "private-messages")},
      [](CaseContext& ctx, const Budget& b) {
        Names names(ctx);
        std::string room = names.room("priv");
        RoomsClient a(ctx, b, 0, "A");
        RoomsClient t(ctx, b, 1, "B (target)");
        RoomsClient c(ctx, b, 2, "C (bystander)");
        a.login(names.user("a"));
        t.login(names.user("b"));
        c.login(names.user("c"));
        a.join(room);
        t.join(room);
        c.join(room);
        c.guard = [&](const ServerEvent& e) {
          if (std::holds_alternative<ev::Private>(e)) {
            stop(Verdict::kFail, "no private event at C (neither sender nor target)",
                 "C got " + describe(e));
          }
        };
        int copies = 0;
        t.guard = [&](const ServerEvent& e) {
          if (std::holds_alternative<ev::Private>(e) && ++copies > 1) {
            stop(Verdict::kFail, "one private event at B", "a second one: " + describe(e));
          }
        };
        a.send(r::ClientMessage{r::client::Private{t.name(), "psst"}, std::nullopt});
        auto mine = a.await<ev::Private>("A's confirmation of its private",
                                         [](const ev::Private&) { return true; });
        auto theirs =
            t.await<ev::Private>("the private at B", [](const ev::Private&) { return true; });
        for (const auto* p : {&mine, &theirs}) {
          if (p->from != a.name() || p->to != t.name() || p->text != "psst") {
            stop(Verdict::kFail, "private from " + a.name() + " to " + t.name() + " \"psst\"",
                 describe(ServerEvent{*p}));
          }
        }
        a.say(room, "marker");
        for (RoomsClient* m : {&t, &c}) {
          m->await<ev::Message>("the marker at " + m->label(), [&](const ev::Message& x) {
            return x.room == room && x.text == "marker";
          });
        }
        return pass("private at A and B once, not at C", describe(ServerEvent{theirs}));
      });

  add_rooms_case(
      cat,
      {.id = "rooms.private.no-such-user",
       .section = "rooms §4.5",
       .rule = "No connected user has that name -> no_such_user.",
       .description = "Send a private to a name nobody has; expect error no_such_user and a "
                      "connection that still answers ping.",
       .hint = "A private to an unknown name is an error event for the sender, nothing else.",
       .lesson = at(kRoomsLesson, "private-messages")},
      [](CaseContext& ctx, const Budget& b) {
        Names names(ctx);
        RoomsClient a(ctx, b, 0, "A");
        a.login(names.user("a"));
        a.send(r::ClientMessage{r::client::Private{names.user("nobody"), "?"}, std::nullopt});
        a.await_error("no_such_user", "a private to nobody");
        a.ping_pong(3, "the error");
        return pass("error no_such_user, then pong", "error no_such_user, then pong");
      });
}

// Bad input: an error event, and the connection keeps working.
void add_error_case(Catalog& cat, const char* id, const char* code, const char* rule,
                    const char* what, std::string raw, const char* hint,
                    const char* request = nullptr) {
  add_rooms_case(
      cat,
      {.id = id,
       .section = "rooms §8",
       .rule = rule,
       .description = std::string("Send ") + what + "; expect error " + code +
                      " and a connection that still answers ping (an error never closes).",
       .hint = hint,
       .lesson = at(kRoomsLesson, "errors-and-closes")},
      [code, raw = std::move(raw), request, what](CaseContext& ctx, const Budget& b) {
        Names names(ctx);
        RoomsClient a(ctx, b, 0, "A");
        a.login(names.user("a"));
        std::string text = raw;
        const std::string marker = "@ROOM@";
        if (auto pos = text.find(marker); pos != std::string::npos) {
          text.replace(pos, marker.size(), names.room("nojoin"));
        }
        a.send_raw(text);
        auto e = a.await_error(code, what);
        if (request != nullptr && (!e.request || *e.request != request)) {
          stop(Verdict::kFail,
               std::string("error ") + code + " with request \"" + request + "\" (rooms §5.9)",
               describe(ServerEvent{e}));
        }
        a.ping_pong(9, what);
        return pass(std::string("error ") + code + ", then pong",
                    describe(ServerEvent{e}) + ", then pong");
      });
}

void add_error_cases(Catalog& cat) {
  add_error_case(cat, "rooms.error.bad-json", "bad_json",
                 "bad_json: not JSON, not an object, or nested deeper than 16 levels. An error "
                 "never closes the connection.",
                 "text that is not JSON", "{not json",
                 "Parse defensively: invalid JSON is an error event (bad_json), never a crash or "
                 "a close.");
  add_error_case(cat, "rooms.error.unknown-type", "unknown_type",
                 "unknown_type: type is a string this protocol does not define. request: the type "
                 "of the failed message, when it was known to be a string.",
                 "{\"type\":\"shout\"}", "{\"type\":\"shout\"}",
                 "Answer an unknown type with error unknown_type (request = the type) and go on.",
                 "shout");
  add_error_case(cat, "rooms.error.not-member", "not_member",
                 "not_member: leave, say or typing in a room one has not joined.",
                 "a say in a room never joined", R"({"type":"say","room":"@ROOM@","text":"hi"})",
                 "Check membership before accepting a say; a non-member's say gets not_member "
                 "and no sequence number.",
                 "say");
}

// The peer must end the connection with `code` after `send`.
CaseResult expect_close(RoomsClient& a, const Budget& b, std::uint16_t code,
                        std::string_view what) {
  std::string expected = "Close " + std::to_string(code) + " after " + std::string(what);
  for (;;) {
    auto n = a.next(b.left());
    if (n.kind == RoomsClient::Next::Kind::kTimeout) {
      return CaseResult{Verdict::kTimeout, expected, "the connection stayed open",
                        "last events: " + a.recent()};
    }
    if (n.kind == RoomsClient::Next::Kind::kEvent) {
      return CaseResult{Verdict::kFail, expected, "an event instead: " + describe(n.event)};
    }
    const Observation& o = n.end;
    if (o.kind == Observation::Kind::kClose) {
      if (!a.probe().close_sent()) a.probe().send_close(o.code ? *o.code : 1000);
      if (o.code == code) return pass(expected, harness::describe(o));
      return CaseResult{Verdict::kFail, expected, harness::describe(o)};
    }
    return CaseResult{Verdict::kFail, expected,
                      harness::describe(o) + " without a Close frame (rooms §8 names the code)"};
  }
}

void add_close_cases(Catalog& cat) {
  add_rooms_case(
      cat,
      {.id = "rooms.close.oversize-1009",
       .section = "rooms §2",
       .rule = "A client message larger than 16384 bytes (16 KiB, the whole message after "
               "reassembly) is refused with close 1009 (Message Too Big).",
       .description = "Send a 20000-byte say; expect Close 1009, not an error event.",
       .hint = "Limit the reassembled message size in the WebSocket layer and close with 1009 "
               "when a message (or a frame header) goes over 16 KiB.",
       .lesson = at(kRoomsLesson, "errors-and-closes")},
      [](CaseContext& ctx, const Budget& b) {
        Names names(ctx);
        RoomsClient a(ctx, b, 0, "A");
        a.login(names.user("a"));
        std::string big =
            json{{"type", "say"}, {"room", names.room("big")}, {"text", std::string(20000, 'x')}}
                .dump();
        a.send_raw(big);
        return expect_close(a, b, 1009, "a 20000-byte message");
      });
  add_rooms_case(
      cat,
      {.id = "rooms.close.binary-1003",
       .section = "rooms §2",
       .rule = "A binary message is refused with close 1003 (Unsupported Data, RFC 6455 §7.4.1).",
       .description = "Send a binary message after hello; expect Close 1003.",
       .hint = "This protocol has no binary form: on a binary message, close with 1003.",
       .lesson = at(kRoomsLesson, "errors-and-closes")},
      [](CaseContext& ctx, const Budget& b) {
        Names names(ctx);
        RoomsClient a(ctx, b, 0, "A");
        a.login(names.user("a"));
        if (auto st = a.probe().send_binary(std::string("\x01\x02\x03", 3)); !st) {
          stop(Verdict::kFail, "the binary message can be sent", st.message());
        }
        return expect_close(a, b, 1003, "a binary message");
      });
}

}  // namespace

void register_rooms_guard_cases(Catalog& catalog) {
  add_isolation_cases(catalog);
  add_name_cases(catalog);
  add_private_cases(catalog);
  add_error_cases(catalog);
  add_close_cases(catalog);
}

}  // namespace wslab::harness::rooms_cases
