// Lab 5, steps 1-4: names (docs/rooms-protocol.md §3), the codec (§2, §4, §5,
// §8) and the registry (§3, §6, §7). JSON is compared with nlohmann::json, the
// test's own parser.
#include <nlohmann/json.hpp>
#include <string>

#include "bytes.hpp"
#include "lab_test.hpp"
#include "wslab/rooms/codec.hpp"
#include "wslab/rooms/memory_registry.hpp"
#include "wslab/rooms/names.hpp"

namespace wslab::rooms {
namespace {

using json = nlohmann::json;
using labtest::escaped;

WSLAB_LAB_SUITE(Lab5Names);
WSLAB_LAB_SUITE(Lab5Parse);
WSLAB_LAB_SUITE(Lab5Encode);
WSLAB_LAB_SUITE(Lab5Registry);

// ---- step 1 -------------------------------------------------------------------

TEST_F(Lab5Names, NamesUseLettersDigitsUnderscoreDashDot) {
  for (const char* ok : {"alice", "Bob_2", "a.b-c", "x", "0"}) {
    EXPECT_TRUE(is_valid_name(ok, 32)) << "fed: \"" << ok << "\"\nexpected: valid (§3)";
  }
  for (const char* bad : {"", "two words", "émile", "a/b", "tab\there", "semi;colon"}) {
    EXPECT_FALSE(is_valid_name(bad, 32)) << "fed: " << escaped(bad) << "\nexpected: invalid (§3)";
  }
}

TEST_F(Lab5Names, NamesHaveAMaximumLength) {
  EXPECT_TRUE(is_valid_name(std::string(32, 'a'), 32)) << "32 characters, max 32";
  EXPECT_FALSE(is_valid_name(std::string(33, 'a'), 32)) << "33 characters, max 32";
  EXPECT_TRUE(is_name_char('.') && is_name_char('_') && is_name_char('-') && is_name_char('Z'));
  EXPECT_FALSE(is_name_char(' ') || is_name_char('/') || is_name_char('\0'));
}

// ---- step 2 -------------------------------------------------------------------

// The error the parser produced for `text`, or nullopt when it parsed.
std::optional<event::Error> parse_error(std::string_view text) {
  auto r = parse_client_message(text, Limits{});
  if (auto* e = std::get_if<event::Error>(&r)) return *e;
  return std::nullopt;
}

std::string code_of(std::string_view text) {
  const auto e = parse_error(text);
  return e ? std::string(code_name(e->code)) : std::string("(parsed fine)");
}

TEST_F(Lab5Parse, HelloWithAndWithoutName) {
  auto r = parse_client_message(R"({"type":"hello","name":"alice"})", Limits{});
  const auto* m = std::get_if<ClientMessage>(&r);
  ASSERT_NE(m, nullptr) << "fed: {\"type\":\"hello\",\"name\":\"alice\"}\nerror: "
                        << code_of(R"({"type":"hello","name":"alice"})");
  const auto* hello = std::get_if<client::Hello>(&m->body);
  ASSERT_NE(hello, nullptr) << "expected a Hello";
  EXPECT_EQ(hello->name.value_or("(none)"), "alice");
  auto r2 = parse_client_message(R"({"type":"hello"})", Limits{});
  ASSERT_TRUE(std::holds_alternative<ClientMessage>(r2)) << "a hello without name is valid (§4.1)";
  EXPECT_FALSE(std::get<client::Hello>(std::get<ClientMessage>(r2).body).name.has_value());
}

TEST_F(Lab5Parse, JoinSaySinceAndRef) {
  auto r =
      parse_client_message(R"({"type":"join","room":"lobby","since":41,"ref":"j1"})", Limits{});
  ASSERT_TRUE(std::holds_alternative<ClientMessage>(r)) << "fed a valid join";
  const auto& m = std::get<ClientMessage>(r);
  const auto& join = std::get<client::Join>(m.body);
  EXPECT_EQ(join.room, "lobby");
  EXPECT_EQ(join.since.value_or(0), 41u);
  ASSERT_TRUE(m.ref.has_value()) << "the ref is kept (§2)";
  EXPECT_EQ(std::get<std::string>(*m.ref), "j1");
  auto s = parse_client_message(
      R"({"type":"say","room":"lobby","text":"hi all","ref":12,"from":"mallory"})", Limits{});
  ASSERT_TRUE(std::holds_alternative<ClientMessage>(s))
      << "unknown members (like from) are ignored (§2)";
  EXPECT_EQ(std::get<client::Say>(std::get<ClientMessage>(s).body).text, "hi all");
  EXPECT_EQ(std::get<std::int64_t>(*std::get<ClientMessage>(s).ref), 12);
}

// §8 step 2: not JSON, not an object, too deep.
TEST_F(Lab5Parse, BadJson) {
  for (const char* t : {"not json", "[1,2]", "\"a string\"", "{\"type\":\"ping\"", ""}) {
    EXPECT_EQ(code_of(t), "bad_json") << "fed: " << escaped(t);
  }
  std::string deep;
  for (int i = 0; i < 17; ++i) deep += "{\"a\":";
  deep += "1";
  for (int i = 0; i < 17; ++i) deep += "}";
  EXPECT_EQ(code_of(deep), "bad_json") << "fed: an object nested 17 deep (limit 16, §2)";
  EXPECT_EQ(json_depth(R"({"a":[1,{"b":"[[[["}]})"), 3u) << "brackets inside strings do not count";
}

// §8 step 3: type missing or not a string, then unknown.
TEST_F(Lab5Parse, TypeMustBeAKnownString) {
  EXPECT_EQ(code_of(R"({"name":"x"})"), "bad_message") << "no type";
  EXPECT_EQ(code_of(R"({"type":7})"), "bad_message") << "type is a number";
  EXPECT_EQ(code_of(R"({"type":"dance"})"), "unknown_type");
  const auto e = parse_error(R"({"type":"dance","ref":3})");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->request.value_or("(none)"), "dance") << "the error names the request type";
  ASSERT_TRUE(e->ref.has_value()) << "errors after the type check carry the valid ref (§8)";
}

// §2: a ref is a string of at most 64 bytes or an integer.
TEST_F(Lab5Parse, BadRefIsABadMessageWithoutARef) {
  const auto e = parse_error(R"({"type":"ping","ref":[1]})");
  ASSERT_TRUE(e.has_value()) << "fed: a ping with ref [1]";
  EXPECT_EQ(code_name(e->code), "bad_message");
  EXPECT_FALSE(e->ref.has_value()) << "an invalid ref is not echoed";
  EXPECT_EQ(code_of(R"({"type":"ping","ref":")" + std::string(65, 'r') + R"("})"), "bad_message")
      << "a 65-byte ref";
  EXPECT_EQ(code_of(R"({"type":"ping","ref":1.5})"), "bad_message") << "a fractional ref";
}

// §8 steps 6-7: members present and typed first, then their values.
TEST_F(Lab5Parse, MembersArePresentAndTypedThenValid) {
  EXPECT_EQ(code_of(R"({"type":"say","room":"bad room"})"), "bad_message")
      << "text missing (step 6 first)";
  EXPECT_EQ(code_of(R"({"type":"say","room":"bad room","text":""})"), "bad_room") << "(step 7)";
  EXPECT_EQ(code_of(R"({"type":"say","room":"lobby","text":""})"), "bad_message") << "empty text";
  EXPECT_EQ(code_of(R"({"type":"say","room":"lobby","text":")" + std::string(4097, 't') + R"("})"),
            "too_long")
      << "4097 bytes of text";
  EXPECT_EQ(code_of(R"({"type":"hello","name":"no spaces"})"), "bad_name");
  EXPECT_EQ(code_of(R"({"type":"private","to":"bob","text":5})"), "bad_message")
      << "text is a number";
  EXPECT_EQ(code_of(R"({"type":"join","room":"lobby","since":-1})"), "bad_message")
      << "negative since";
  EXPECT_EQ(code_of(R"({"type":"typing","room":"lobby","active":"yes"})"), "bad_message")
      << "active must be a boolean";
}

// ---- step 3 -------------------------------------------------------------------

json encoded(const ServerEvent& e) {
  const std::string text = encode(e);
  json j = json::parse(text, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "encode() gave invalid JSON: " << escaped(text);
  return j;
}

TEST_F(Lab5Encode, WelcomeCarriesNameProtocolAndLimits) {
  event::Welcome w;
  w.name = "alice";
  w.ref = Ref{std::int64_t{1}};
  const json j = encoded(w);
  EXPECT_EQ(j.value("type", ""), "welcome") << j.dump();
  EXPECT_EQ(j.value("name", ""), "alice") << j.dump();
  EXPECT_EQ(j.value("protocol", ""), "wslab.rooms.v1") << j.dump();
  ASSERT_TRUE(j.contains("limits")) << j.dump();
  EXPECT_EQ(j["limits"].value("max_text_bytes", 0), 4096) << j.dump();
  EXPECT_EQ(j.value("ref", 0), 1) << "the direct reply carries the ref: " << j.dump();
}

TEST_F(Lab5Encode, MessageAndErrorMembers) {
  event::Message m;
  m.room = "lobby";
  m.seq = 45;
  m.from = "alice";
  m.text = "hi \"all\"";
  m.ts = 1732320000123;
  const json j = encoded(m);
  EXPECT_EQ(j.value("type", ""), "message");
  EXPECT_EQ(j.value("seq", 0), 45);
  EXPECT_EQ(j.value("text", ""), "hi \"all\"") << "quotes must be escaped: " << j.dump();
  EXPECT_EQ(j.value("ts", std::int64_t{0}), 1732320000123);
  EXPECT_FALSE(j.contains("history")) << "history only on replayed messages (§5.4): " << j.dump();
  event::Error e;
  e.code = ErrorCode::kNotMember;
  e.message = "you are not in room \"kitchen\"";
  e.request = "say";
  const json k = encoded(e);
  EXPECT_EQ(k.value("code", ""), "not_member") << k.dump();
  EXPECT_EQ(k.value("request", ""), "say") << k.dump();
  EXPECT_FALSE(k.contains("ref")) << "optional members are omitted, never null (§5): " << k.dump();
}

TEST_F(Lab5Encode, PresenceActionsAndReasons) {
  event::Presence p;
  p.room = "lobby";
  p.name = "bob";
  p.action = event::PresenceAction::kLeave;
  p.reason = event::LeaveReason::kDisconnected;
  const json j = encoded(p);
  EXPECT_EQ(j.value("action", ""), "leave") << j.dump();
  EXPECT_EQ(j.value("reason", ""), "disconnected") << j.dump();
  p.action = event::PresenceAction::kJoin;
  const json k = encoded(p);
  EXPECT_EQ(k.value("action", ""), "join") << k.dump();
  EXPECT_FALSE(k.contains("reason")) << "reason is for leave only: " << k.dump();
}

TEST_F(Lab5Encode, ClientSideRoundTrip) {
  ClientMessage say;
  say.body = client::Say{"lobby", "hello"};
  say.ref = Ref{std::string("r1")};
  const std::string text = encode_client(say);
  auto back = parse_client_message(text, Limits{});
  ASSERT_TRUE(std::holds_alternative<ClientMessage>(back))
      << "encode_client gave " << escaped(text);
  EXPECT_EQ(std::get<client::Say>(std::get<ClientMessage>(back).body).text, "hello");
  event::Pong pong;
  pong.ref = Ref{std::int64_t{7}};
  auto ev = parse_server_event(encode(pong));
  ASSERT_TRUE(ev.is_ok()) << ev.error();
  ASSERT_TRUE(std::holds_alternative<event::Pong>(*ev));
}

// ---- step 4 -------------------------------------------------------------------

TEST_F(Lab5Registry, NamesAreUniqueWithSuffixesAndGuests) {
  MemoryRegistry r;
  EXPECT_EQ(r.add_user(1, "alice"), "alice");
  EXPECT_EQ(r.add_user(2, "alice"), "alice-2") << "taken: the first free alice-N (§3)";
  EXPECT_EQ(r.add_user(3, "alice"), "alice-3");
  const std::string long_name(32, 'n');
  EXPECT_EQ(r.add_user(4, long_name), long_name);
  EXPECT_EQ(r.add_user(5, long_name), std::string(30, 'n') + "-2") << "shortened to fit 32";
  EXPECT_EQ(r.add_user(6, std::nullopt).rfind("guest-", 0), 0u) << "no proposal: guest-N";
  ASSERT_NE(r.name_of(2), nullptr);
  EXPECT_EQ(*r.name_of(2), "alice-2");
  EXPECT_EQ(r.find_user("alice-3").value_or(0), 3u);
}

TEST_F(Lab5Registry, RemovingAUserFreesTheNameAndLeavesItsRooms) {
  MemoryRegistry r;
  r.add_user(1, "alice");
  r.join(1, "a", std::nullopt);
  r.join(1, "b", std::nullopt);
  auto rooms = r.remove_user(1);
  std::sort(rooms.begin(), rooms.end());
  EXPECT_EQ(rooms, (std::vector<std::string>{"a", "b"}))
      << "remove_user returns the rooms it was in";
  EXPECT_FALSE(r.is_member(1, "a"));
  EXPECT_FALSE(r.find_user("alice").has_value()) << "the name is free again";
  EXPECT_EQ(r.add_user(2, "alice"), "alice");
}

// §6: each accepted message gets the room's next sequence number, from 1.
TEST_F(Lab5Registry, SequenceNumbersCountPerRoom) {
  MemoryRegistry r;
  r.add_user(1, "alice");
  EXPECT_EQ(r.join(1, "lobby", std::nullopt).seq, 0u) << "a new room: seq 0";
  // Your append returns the message; the reference's wraps it in an optional
  // (lab 6: an instance may deliver it later). std::optional(...) reads both.
  auto seq_of_append = [&](std::string_view room, std::string_view text, std::int64_t ts) {
    return std::optional(r.append(room, "alice", text, ts))->seq;
  };
  EXPECT_EQ(seq_of_append("lobby", "one", 1), 1u);
  EXPECT_EQ(seq_of_append("lobby", "two", 2), 2u);
  EXPECT_EQ(seq_of_append("kitchen", "other room", 3), 1u) << "each room has its own counter";
  EXPECT_EQ(r.join(1, "lobby", std::nullopt).status, JoinStatus::kAlreadyMember);
}

TEST_F(Lab5Registry, MembersInJoinOrderNamesSorted) {
  MemoryRegistry r;
  r.add_user(1, "carol");
  r.add_user(2, "alice");
  r.add_user(3, "bob");
  for (ConnId c : {1, 2, 3}) r.join(c, "lobby", std::nullopt);
  const auto m = r.members("lobby");
  EXPECT_EQ(std::vector<ConnId>(m.begin(), m.end()), (std::vector<ConnId>{1, 2, 3}));
  EXPECT_EQ(r.member_names("lobby"), (std::vector<std::string>{"alice", "bob", "carol"}));
  EXPECT_TRUE(r.leave(2, "lobby"));
  EXPECT_FALSE(r.leave(2, "lobby")) << "not a member any more";
  EXPECT_EQ(r.member_names("lobby"), (std::vector<std::string>{"bob", "carol"}));
}

// §7: history after `since`, truncated when older messages are gone, reset when since > seq.
TEST_F(Lab5Registry, HistoryAfterSince) {
  Limits limits;
  limits.history_size = 3;
  MemoryRegistry r(limits);
  r.add_user(1, "alice");
  r.add_user(2, "bob");
  r.join(1, "lobby", std::nullopt);
  for (int i = 1; i <= 5; ++i) r.append("lobby", "alice", "m" + std::to_string(i), i);
  const JoinOutcome recent = r.join(2, "lobby", std::uint64_t{3});
  EXPECT_EQ(recent.seq, 5u);
  ASSERT_EQ(recent.history.size(), 2u) << "since 3: messages 4 and 5";
  EXPECT_EQ(recent.history[0].seq, 4u);
  EXPECT_FALSE(recent.truncated);
  r.leave(2, "lobby");
  const JoinOutcome old = r.join(2, "lobby", std::uint64_t{0});
  EXPECT_EQ(old.history.size(), 3u) << "only 3 kept (history_size 3)";
  EXPECT_TRUE(old.truncated) << "messages 1-2 after since 0 are gone";
  r.leave(2, "lobby");
  const JoinOutcome future = r.join(2, "lobby", std::uint64_t{99});
  EXPECT_TRUE(future.reset) << "since 99 > seq 5: the room restarted";
  EXPECT_EQ(future.history.size(), 3u) << "then the whole kept history";
  EXPECT_TRUE(r.join(1, "lobby", std::nullopt).history.empty()) << "no since: no history";
}

TEST_F(Lab5Registry, RoomsPerClientAreLimited) {
  Limits limits;
  limits.max_rooms_per_client = 2;
  MemoryRegistry r(limits);
  r.add_user(1, "alice");
  EXPECT_EQ(r.join(1, "a", std::nullopt).status, JoinStatus::kJoined);
  EXPECT_EQ(r.join(1, "b", std::nullopt).status, JoinStatus::kJoined);
  EXPECT_EQ(r.join(1, "c", std::nullopt).status, JoinStatus::kTooManyRooms);
}

}  // namespace
}  // namespace wslab::rooms
