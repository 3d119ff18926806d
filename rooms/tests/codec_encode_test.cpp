// docs/rooms-protocol.md §5: encoding server events (and the client side's mirror).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "wslab/rooms/codec.hpp"

namespace wslab::rooms {
namespace {

using json = nlohmann::json;

json as_json(const ServerEvent& e) {
  return json::parse(encode(e));
}

// §5: every event starts with its type (readable in frame logs and Wireshark).
TEST(RoomsCodec, EncodedEventsStartWithType) {
  const std::vector<ServerEvent> events = {event::Welcome{"a", {}, {}},
                                           event::Joined{},
                                           event::Left{},
                                           event::Message{},
                                           event::Presence{},
                                           event::Private{},
                                           event::Typing{},
                                           event::Pong{},
                                           event::Error{}};
  for (const auto& e : events) {
    const auto text = encode(e);
    EXPECT_EQ(text.rfind("{\"type\":\"", 0), 0u) << text;
  }
}

// §5.1: welcome names the user, the protocol and the limits.
TEST(RoomsCodec, WelcomeAnnouncesNameProtocolAndLimits) {
  Limits l;
  l.max_text_bytes = 100;
  auto j = as_json(event::Welcome{"alice", l, Ref{std::int64_t{1}}});
  EXPECT_EQ(j["type"], "welcome");
  EXPECT_EQ(j["name"], "alice");
  EXPECT_EQ(j["protocol"], "wslab.rooms.v1");
  EXPECT_EQ(j["limits"]["max_text_bytes"], 100);
  EXPECT_EQ(j["limits"]["max_message_bytes"], 16384);
  EXPECT_EQ(j["limits"]["history_size"], 100);
  EXPECT_EQ(j["ref"], 1);
}

// §5.2: joined has every member, always with truncated and reset.
TEST(RoomsCodec, JoinedHasAllItsMembers) {
  auto j = as_json(event::Joined{"lobby", 44, {"alice", "bob"}, 3, false, true, std::nullopt});
  EXPECT_EQ(j, json::parse(R"({"type":"joined","room":"lobby","seq":44,"members":["alice","bob"],
                               "history":3,"truncated":false,"reset":true})"));
}

// §5.4: `history` appears only on replayed messages.
TEST(RoomsCodec, MessageHistoryFlagOnlyWhenReplayed) {
  auto live = as_json(event::Message{"r", 1, "a", "t", 5, false});
  EXPECT_FALSE(live.contains("history"));
  EXPECT_EQ(live,
            json::parse(R"({"type":"message","room":"r","seq":1,"from":"a","text":"t","ts":5})"));
  EXPECT_EQ(as_json(event::Message{"r", 1, "a", "t", 5, true})["history"], true);
}

// §5.5: a leave carries its reason; a join has none.
TEST(RoomsCodec, PresenceLeaveCarriesReason) {
  using event::LeaveReason;
  using event::PresenceAction;
  auto join = as_json(event::Presence{"r", "bob", PresenceAction::kJoin, LeaveReason::kLeft});
  EXPECT_EQ(join, json::parse(R"({"type":"presence","room":"r","name":"bob","action":"join"})"));
  auto left = as_json(event::Presence{"r", "bob", PresenceAction::kLeave, LeaveReason::kLeft});
  EXPECT_EQ(left["reason"], "left");
  auto gone =
      as_json(event::Presence{"r", "bob", PresenceAction::kLeave, LeaveReason::kDisconnected});
  EXPECT_EQ(gone["reason"], "disconnected");
}

// §5: optional members are omitted, never null.
TEST(RoomsCodec, OptionalMembersAreOmittedNotNull) {
  auto e = as_json(event::Error{ErrorCode::kBadJson, "x", std::nullopt, std::nullopt});
  EXPECT_EQ(e, json::parse(R"({"type":"error","code":"bad_json","message":"x"})"));
  EXPECT_EQ(as_json(event::Pong{}), json::parse(R"({"type":"pong"})"));
  EXPECT_EQ(as_json(event::Left{"r", std::nullopt}), json::parse(R"({"type":"left","room":"r"})"));
}

// §5.9: every error code has its documented name.
TEST(RoomsCodec, ErrorCodesHaveTheirNames) {
  const std::vector<std::pair<ErrorCode, std::string>> names = {
      {ErrorCode::kBadJson, "bad_json"},
      {ErrorCode::kBadMessage, "bad_message"},
      {ErrorCode::kUnknownType, "unknown_type"},
      {ErrorCode::kHelloRequired, "hello_required"},
      {ErrorCode::kDuplicateHello, "duplicate_hello"},
      {ErrorCode::kBadName, "bad_name"},
      {ErrorCode::kBadRoom, "bad_room"},
      {ErrorCode::kTooLong, "too_long"},
      {ErrorCode::kNotMember, "not_member"},
      {ErrorCode::kTooManyRooms, "too_many_rooms"},
      {ErrorCode::kServerFull, "server_full"},
      {ErrorCode::kNoSuchUser, "no_such_user"},
      {ErrorCode::kRateLimited, "rate_limited"}};
  for (const auto& [code, name] : names) {
    EXPECT_EQ(code_name(code), name);
    EXPECT_EQ(parse_code_name(name), code);
  }
  EXPECT_FALSE(parse_code_name("nope"));
}

// The encoder must not throw on bytes that are not UTF-8 (they are replaced).
TEST(RoomsCodec, EncoderNeverThrowsOnInvalidUtf8) {
  std::string text;
  EXPECT_NO_THROW(text = encode(event::Message{"r", 1, "a", "bad \xff byte", 0, false}));
  EXPECT_TRUE(json::accept(text)) << text;
}

// Text is carried exactly: quotes, backslashes, control characters, non-ASCII.
TEST(RoomsCodec, TextSurvivesEncoding) {
  const std::string text = "\"q\" \\ \n\t\x01 caf\xc3\xa9 \xf0\x9f\x98\x80";
  auto j = as_json(event::Message{"r", 1, "a", text, 0, false});
  EXPECT_EQ(j["text"], text);
}

// Every server event decodes back to what was encoded (the client side's parser).
TEST(RoomsCodec, ServerEventsRoundTrip) {
  const std::vector<ServerEvent> events = {
      event::Welcome{"a", Limits{}, Ref{std::string("x")}},
      event::Joined{"r", 3, {"a", "b"}, 2, true, false, Ref{std::int64_t{4}}},
      event::Left{"r", std::nullopt},
      event::Message{"r", 9, "a", "hi", 77, true},
      event::Presence{"r", "b", event::PresenceAction::kLeave, event::LeaveReason::kDisconnected},
      event::Private{"a", "b", "psst", 12},
      event::Typing{"r", "a", true},
      event::Pong{Ref{std::int64_t{-2}}},
      event::Error{ErrorCode::kNotMember, "m", std::string("say"), Ref{std::string("q")}}};
  for (const auto& e : events) {
    const auto text = encode(e);
    auto back = parse_server_event(text);
    ASSERT_TRUE(back) << back.error();
    EXPECT_EQ(encode(*back), text);
  }
  EXPECT_FALSE(parse_server_event(R"({"type":"nonsense"})"));
  EXPECT_FALSE(parse_server_event(R"({"type":"message","room":"r"})"));
  EXPECT_FALSE(parse_server_event("[]"));
  // Integer members must be JSON integers: a huge or fractional number is refused (it once
  // reached an out-of-range double-to-int64 cast, undefined behaviour).
  EXPECT_FALSE(parse_server_event(
      R"({"type":"private","from":"a","to":"b","text":"t","ts":1732321732320001000001000})"));
  EXPECT_FALSE(
      parse_server_event(R"({"type":"message","room":"r","seq":1.5,"from":"a","text":"t"})"));
  EXPECT_FALSE(
      parse_server_event(R"({"type":"joined","room":"r","seq":1,"members":[],"history":-1})"));
}

// A welcome's limits are counts that fit their member; anything else is refused with the
// member named (a fractional 1.64e44 once reached an out-of-range double-to-size_t cast).
TEST(RoomsCodec, WelcomeLimitsAreCountsThatFit) {
  auto limits = [](const std::string& body) {
    return parse_server_event(R"({"type":"welcome","name":"a","limits":{)" + body + "}}");
  };
  auto ok = limits(R"("max_text_bytes":10,"rate_burst":4294967295)");
  ASSERT_TRUE(ok) << ok.error();
  const auto& welcome = std::get<event::Welcome>(*ok);
  EXPECT_EQ(welcome.limits.max_text_bytes, 10u);
  EXPECT_EQ(welcome.limits.rate_burst, 4294967295u);
  EXPECT_EQ(welcome.limits.history_size, Limits{}.history_size)
      << "a missing limit keeps its default";

  for (const char* bad :
       {R"("history_size":1.64e44)", R"("max_text_bytes":-1)", R"("rate_burst":4294967296)",
        R"("rate_per_second":"100")", R"("max_name_length":2.5)"}) {
    auto refused = limits(bad);
    ASSERT_FALSE(refused) << bad;
    EXPECT_NE(refused.error().find("limits."), std::string::npos) << refused.error();
  }
}

// Every client message encodes to what the server's parser reads back.
TEST(RoomsCodec, ClientMessagesRoundTrip) {
  const std::vector<ClientMessage> messages = {
      {client::Hello{"a"}, Ref{std::int64_t{1}}},
      {client::Hello{}, std::nullopt},
      {client::Join{"r", 5}, std::nullopt},
      {client::Join{"r", std::nullopt}, Ref{std::string("j")}},
      {client::Leave{"r"}, std::nullopt},
      {client::Say{"r", "hello"}, std::nullopt},
      {client::Private{"b", "psst"}, std::nullopt},
      {client::Typing{"r", false}, std::nullopt},
      {client::Ping{}, Ref{std::int64_t{7}}}};
  for (const auto& m : messages) {
    const auto text = encode_client(m);
    auto back = parse_client_message(text, Limits{});
    ASSERT_TRUE(std::holds_alternative<ClientMessage>(back)) << text;
    EXPECT_EQ(encode_client(std::get<ClientMessage>(back)), text);
  }
}

}  // namespace
}  // namespace wslab::rooms
