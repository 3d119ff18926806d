// JSON <-> messages for wslab.rooms.v1 (docs/rooms-protocol.md §2, §4, §5, §8).
// nlohmann_json does the syntax (and rejects invalid UTF-8 and lone
// surrogates); this file holds the protocol's rules about members.
#include "wslab/rooms/codec.hpp"

#include <array>
#include <limits>
#include <nlohmann/json.hpp>

#include "wslab/rooms/names.hpp"

namespace wslab::rooms {
namespace {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

constexpr std::int64_t kMaxSafeInteger = (std::int64_t{1} << 53) - 1;

constexpr std::array<std::string_view, 7> kTypeNames = {"hello",   "join",   "leave", "say",
                                                        "private", "typing", "ping"};

std::optional<MessageType> type_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kTypeNames.size(); ++i) {
    if (kTypeNames[i] == name) return static_cast<MessageType>(i);
  }
  return std::nullopt;
}

// User input quoted inside an error message: at most 40 bytes, cut on a
// UTF-8 code point boundary.
std::string quote_input(std::string_view s) {
  constexpr std::size_t kMax = 40;
  std::string out = "\"";
  if (s.size() <= kMax) {
    out.append(s);
  } else {
    std::size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    out.append(s.substr(0, cut));
    out.append("...");
  }
  out += '"';
  return out;
}

event::Error make_error(ErrorCode code, std::string message,
                        std::optional<std::string> request = std::nullopt,
                        std::optional<Ref> ref = std::nullopt) {
  return event::Error{code, std::move(message), std::move(request), std::move(ref)};
}

enum class RefState : std::uint8_t { kAbsent, kValid, kInvalid };

RefState read_ref(const json& object, const Limits& limits, std::optional<Ref>& out) {
  auto it = object.find("ref");
  if (it == object.end()) return RefState::kAbsent;
  if (it->is_string()) {
    const auto& s = it->get_ref<const std::string&>();
    if (s.size() > limits.max_ref_bytes) return RefState::kInvalid;
    out = s;
    return RefState::kValid;
  }
  if (it->is_number_unsigned()) {
    auto v = it->get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(kMaxSafeInteger)) return RefState::kInvalid;
    out = static_cast<std::int64_t>(v);
    return RefState::kValid;
  }
  if (it->is_number_integer()) {
    auto v = it->get<std::int64_t>();
    if (v < -kMaxSafeInteger) return RefState::kInvalid;
    out = v;
    return RefState::kValid;
  }
  return RefState::kInvalid;
}

std::string json_type_name(const json& j) {
  if (j.is_number_float()) return "a fractional number";
  if (j.is_number_integer() && !j.is_number_unsigned()) return "a negative number";
  return std::string("a ") + j.type_name();
}

// Member checks for decode_body: pass 1 (presence and JSON type, bad_message).
class Members {
 public:
  Members(const Envelope& e) : e_(e), o_(*e.object) {}  // NOLINT(google-explicit-constructor)

  const std::string* string(std::string_view key, bool required) {
    if (failed()) return nullptr;
    auto it = o_.find(key);
    if (it == o_.end()) {
      if (required) fail(ErrorCode::kBadMessage, "missing member \"" + std::string(key) + "\"");
      return nullptr;
    }
    if (!it->is_string()) {
      fail(ErrorCode::kBadMessage,
           "\"" + std::string(key) + "\" must be a string, not " + json_type_name(*it));
      return nullptr;
    }
    return &it->get_ref<const std::string&>();
  }

  std::optional<bool> boolean(std::string_view key) {
    if (failed()) return std::nullopt;
    auto it = o_.find(key);
    if (it == o_.end()) {
      fail(ErrorCode::kBadMessage, "missing member \"" + std::string(key) + "\"");
      return std::nullopt;
    }
    if (!it->is_boolean()) {
      fail(ErrorCode::kBadMessage,
           "\"" + std::string(key) + "\" must be true or false, not " + json_type_name(*it));
      return std::nullopt;
    }
    return it->get<bool>();
  }

  // Optional non-negative integer up to 2^53-1.
  std::optional<std::uint64_t> counter(std::string_view key) {
    if (failed()) return std::nullopt;
    auto it = o_.find(key);
    if (it == o_.end()) return std::nullopt;
    if (!it->is_number_unsigned() ||
        it->get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxSafeInteger)) {
      fail(ErrorCode::kBadMessage,
           "\"" + std::string(key) + "\" must be an integer from 0 to 2^53-1, not " +
               (it->is_number_unsigned() ? std::string("a bigger one") : json_type_name(*it)));
      return std::nullopt;
    }
    return it->get<std::uint64_t>();
  }

  // Pass 2 helpers: value checks.
  void room(const std::string& room, const Limits& limits) {
    if (failed()) return;
    if (!is_valid_name(room, limits.max_room_length)) {
      fail(ErrorCode::kBadRoom, "room " + quote_input(room) + " must be 1-" +
                                    std::to_string(limits.max_room_length) +
                                    " characters of A-Z a-z 0-9 _ - .");
    }
  }
  void user(const std::string& name, const Limits& limits) {
    if (failed()) return;
    if (!is_valid_name(name, limits.max_name_length)) {
      fail(ErrorCode::kBadName, "name " + quote_input(name) + " must be 1-" +
                                    std::to_string(limits.max_name_length) +
                                    " characters of A-Z a-z 0-9 _ - .");
    }
  }
  void text(const std::string& text, const Limits& limits) {
    if (failed()) return;
    if (text.empty()) {
      fail(ErrorCode::kBadMessage, "\"text\" must not be empty");
    } else if (text.size() > limits.max_text_bytes) {
      fail(ErrorCode::kTooLong, "\"text\" is " + std::to_string(text.size()) +
                                    " bytes; the limit is " +
                                    std::to_string(limits.max_text_bytes));
    }
  }

  [[nodiscard]] bool failed() const { return error_.has_value(); }
  event::Error take_error() { return std::move(*error_); }

 private:
  void fail(ErrorCode code, std::string message) {
    error_ = make_error(code, std::move(message), std::string(type_name(e_.type)), e_.ref);
  }
  const Envelope& e_;
  const json& o_;
  std::optional<event::Error> error_;
};

void put_ref(ojson& j, const std::optional<Ref>& ref) {
  if (ref) j["ref"] = std::visit([](const auto& v) { return ojson(v); }, *ref);
}

std::string dump(const ojson& j) {
  // Replace rather than throw: text is valid UTF-8 when it came through a
  // WebSocket text message, but the encoder must not depend on that.
  return j.dump(-1, ' ', false, ojson::error_handler_t::replace);
}

ojson limits_json(const Limits& l) {
  ojson j;
  j["max_message_bytes"] = l.max_message_bytes;
  j["max_text_bytes"] = l.max_text_bytes;
  j["max_name_length"] = l.max_name_length;
  j["max_room_length"] = l.max_room_length;
  j["max_rooms_per_client"] = l.max_rooms_per_client;
  j["history_size"] = l.history_size;
  j["rate_burst"] = l.rate_burst;
  j["rate_per_second"] = l.rate_per_second;
  return j;
}

struct EventEncoder {
  ojson operator()(const event::Welcome& e) const {
    ojson j;
    j["type"] = "welcome";
    j["name"] = e.name;
    j["protocol"] = kSubprotocol;
    j["limits"] = limits_json(e.limits);
    put_ref(j, e.ref);
    return j;
  }
  ojson operator()(const event::Joined& e) const {
    ojson j;
    j["type"] = "joined";
    j["room"] = e.room;
    j["seq"] = e.seq;
    j["members"] = e.members;
    j["history"] = e.history;
    j["truncated"] = e.truncated;
    j["reset"] = e.reset;
    put_ref(j, e.ref);
    return j;
  }
  ojson operator()(const event::Left& e) const {
    ojson j;
    j["type"] = "left";
    j["room"] = e.room;
    put_ref(j, e.ref);
    return j;
  }
  ojson operator()(const event::Message& e) const {
    ojson j;
    j["type"] = "message";
    j["room"] = e.room;
    j["seq"] = e.seq;
    j["from"] = e.from;
    j["text"] = e.text;
    j["ts"] = e.ts;
    if (e.history) j["history"] = true;
    return j;
  }
  ojson operator()(const event::Presence& e) const {
    ojson j;
    j["type"] = "presence";
    j["room"] = e.room;
    j["name"] = e.name;
    j["action"] = e.action == event::PresenceAction::kJoin ? "join" : "leave";
    if (e.action == event::PresenceAction::kLeave) {
      j["reason"] = e.reason == event::LeaveReason::kLeft ? "left" : "disconnected";
    }
    return j;
  }
  ojson operator()(const event::Private& e) const {
    ojson j;
    j["type"] = "private";
    j["from"] = e.from;
    j["to"] = e.to;
    j["text"] = e.text;
    j["ts"] = e.ts;
    return j;
  }
  ojson operator()(const event::Typing& e) const {
    ojson j;
    j["type"] = "typing";
    j["room"] = e.room;
    j["from"] = e.from;
    j["active"] = e.active;
    return j;
  }
  ojson operator()(const event::Pong& e) const {
    ojson j;
    j["type"] = "pong";
    put_ref(j, e.ref);
    return j;
  }
  ojson operator()(const event::Error& e) const {
    ojson j;
    j["type"] = "error";
    j["code"] = code_name(e.code);
    j["message"] = e.message;
    if (e.request) j["request"] = *e.request;
    put_ref(j, e.ref);
    return j;
  }
};

struct ClientEncoder {
  ojson operator()(const client::Hello& m) const {
    ojson j{{"type", "hello"}};
    if (m.name) j["name"] = *m.name;
    return j;
  }
  ojson operator()(const client::Join& m) const {
    ojson j{{"type", "join"}, {"room", m.room}};
    if (m.since) j["since"] = *m.since;
    return j;
  }
  ojson operator()(const client::Leave& m) const { return {{"type", "leave"}, {"room", m.room}}; }
  ojson operator()(const client::Say& m) const {
    return {{"type", "say"}, {"room", m.room}, {"text", m.text}};
  }
  ojson operator()(const client::Private& m) const {
    return {{"type", "private"}, {"to", m.to}, {"text", m.text}};
  }
  ojson operator()(const client::Typing& m) const {
    return {{"type", "typing"}, {"room", m.room}, {"active", m.active}};
  }
  ojson operator()(const client::Ping&) const { return {{"type", "ping"}}; }
};

std::optional<Ref> ref_from(const json& j) {
  auto it = j.find("ref");
  if (it == j.end()) return std::nullopt;
  if (it->is_string()) return Ref{it->get<std::string>()};
  if (it->is_number_integer()) return Ref{it->get<std::int64_t>()};
  return std::nullopt;
}

// nlohmann converts a JSON number to an integer with a plain cast, which is undefined when
// the value is out of range (found twice by the rooms fuzz target: a huge `ts`, a huge
// welcome limit): integer members accept only JSON integers that fit them. `where` names the
// object the key is in, for the message ("limits.").
template <class Int>
Int integer_at(const json& j, const char* key, std::string_view where = {}) {
  const auto& v = j.at(key);
  constexpr auto kMax = std::numeric_limits<Int>::max();
  constexpr auto kMin = std::numeric_limits<Int>::min();
  if (v.is_number_unsigned() && v.get<std::uint64_t>() <= static_cast<std::uint64_t>(kMax)) {
    return static_cast<Int>(v.get<std::uint64_t>());
  }
  if (v.is_number_integer() && !v.is_number_unsigned() && std::is_signed_v<Int> &&
      v.get<std::int64_t>() >= static_cast<std::int64_t>(kMin)) {
    return static_cast<Int>(v.get<std::int64_t>());
  }
  throw std::invalid_argument(std::string(where) + key + " is not an integer from " +
                              std::to_string(kMin) + " to " + std::to_string(kMax));
}

// The member's value, or `fallback` when the object leaves it out.
template <class Int>
Int integer_or(const json& j, const char* key, Int fallback, std::string_view where = {}) {
  return j.contains(key) ? integer_at<Int>(j, key, where) : fallback;
}

ServerEvent decode_server(const json& j) {
  const auto type = j.at("type").get<std::string>();
  if (type == "welcome") {
    event::Welcome e;
    e.name = j.at("name").get<std::string>();
    if (auto it = j.find("limits"); it != j.end() && it->is_object()) {
      const auto& l = *it;
      e.limits.max_message_bytes =
          integer_or(l, "max_message_bytes", e.limits.max_message_bytes, "limits.");
      e.limits.max_text_bytes = integer_or(l, "max_text_bytes", e.limits.max_text_bytes, "limits.");
      e.limits.max_name_length =
          integer_or(l, "max_name_length", e.limits.max_name_length, "limits.");
      e.limits.max_room_length =
          integer_or(l, "max_room_length", e.limits.max_room_length, "limits.");
      e.limits.max_rooms_per_client =
          integer_or(l, "max_rooms_per_client", e.limits.max_rooms_per_client, "limits.");
      e.limits.history_size = integer_or(l, "history_size", e.limits.history_size, "limits.");
      e.limits.rate_burst = integer_or(l, "rate_burst", e.limits.rate_burst, "limits.");
      e.limits.rate_per_second =
          integer_or(l, "rate_per_second", e.limits.rate_per_second, "limits.");
    }
    e.ref = ref_from(j);
    return e;
  }
  if (type == "joined") {
    event::Joined e;
    e.room = j.at("room").get<std::string>();
    e.seq = integer_at<std::uint64_t>(j, "seq");
    e.members = j.at("members").get<std::vector<std::string>>();
    e.history = integer_or<std::uint64_t>(j, "history", 0);
    e.truncated = j.value("truncated", false);
    e.reset = j.value("reset", false);
    e.ref = ref_from(j);
    return e;
  }
  if (type == "left") return event::Left{j.at("room").get<std::string>(), ref_from(j)};
  if (type == "message") {
    return event::Message{j.at("room").get<std::string>(),      integer_at<std::uint64_t>(j, "seq"),
                          j.at("from").get<std::string>(),      j.at("text").get<std::string>(),
                          integer_or<std::int64_t>(j, "ts", 0), j.value("history", false)};
  }
  if (type == "presence") {
    event::Presence e;
    e.room = j.at("room").get<std::string>();
    e.name = j.at("name").get<std::string>();
    const auto action = j.at("action").get<std::string>();
    if (action != "join" && action != "leave") throw std::invalid_argument("bad action " + action);
    e.action = action == "join" ? event::PresenceAction::kJoin : event::PresenceAction::kLeave;
    e.reason = j.value("reason", std::string("left")) == "left" ? event::LeaveReason::kLeft
                                                                : event::LeaveReason::kDisconnected;
    return e;
  }
  if (type == "private") {
    return event::Private{j.at("from").get<std::string>(), j.at("to").get<std::string>(),
                          j.at("text").get<std::string>(), integer_or<std::int64_t>(j, "ts", 0)};
  }
  if (type == "typing") {
    return event::Typing{j.at("room").get<std::string>(), j.at("from").get<std::string>(),
                         j.at("active").get<bool>()};
  }
  if (type == "pong") return event::Pong{ref_from(j)};
  if (type == "error") {
    const auto code = parse_code_name(j.at("code").get<std::string>());
    if (!code) throw std::invalid_argument("unknown error code " + j.at("code").dump());
    event::Error e;
    e.code = *code;
    e.message = j.value("message", std::string());
    if (auto it = j.find("request"); it != j.end() && it->is_string()) {
      e.request = it->get<std::string>();
    }
    e.ref = ref_from(j);
    return e;
  }
  throw std::invalid_argument("unknown event type \"" + type + "\"");
}

// "[json.exception.parse_error.101] parse error at ..." -> "parse error at ...".
std::string strip_exception_id(std::string_view what) {
  if (!what.empty() && what.front() == '[') {
    auto close = what.find("] ");
    if (close != std::string_view::npos) what.remove_prefix(close + 2);
  }
  return std::string(what);
}

}  // namespace

std::string_view type_name(MessageType t) {
  return kTypeNames.at(static_cast<std::size_t>(t));
}

std::size_t json_depth(std::string_view text) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

std::variant<Envelope, event::Error> parse_envelope(std::string_view text, const Limits& limits) {
  if (auto depth = json_depth(text); depth > limits.max_json_depth) {
    return make_error(ErrorCode::kBadJson, "JSON nested " + std::to_string(depth) +
                                               " levels deep; the limit is " +
                                               std::to_string(limits.max_json_depth));
  }
  auto object = std::make_shared<json>();
  try {
    *object = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    return make_error(ErrorCode::kBadJson, "not valid JSON: " + strip_exception_id(e.what()));
  }
  if (!object->is_object()) {
    return make_error(ErrorCode::kBadJson,
                      "a message must be a JSON object, not " + json_type_name(*object));
  }
  std::optional<Ref> ref;
  const RefState ref_state = read_ref(*object, limits, ref);

  auto type_it = object->find("type");
  if (type_it == object->end()) {
    return make_error(ErrorCode::kBadMessage, "missing member \"type\"", std::nullopt, ref);
  }
  if (!type_it->is_string()) {
    return make_error(ErrorCode::kBadMessage,
                      "\"type\" must be a string, not " + json_type_name(*type_it), std::nullopt,
                      ref);
  }
  const auto& type_string = type_it->get_ref<const std::string&>();
  const auto type = type_from_name(type_string);
  if (!type) {
    return make_error(ErrorCode::kUnknownType, "unknown message type " + quote_input(type_string),
                      type_string, ref);
  }
  if (ref_state == RefState::kInvalid) {
    return make_error(ErrorCode::kBadMessage,
                      "\"ref\" must be a string of at most " +
                          std::to_string(limits.max_ref_bytes) + " bytes or an integer",
                      type_string);
  }
  return Envelope{*type, std::move(ref), std::move(object)};
}

std::variant<ClientMessage, event::Error> decode_body(const Envelope& envelope,
                                                      const Limits& limits) {
  Members m(envelope);
  ClientBody body;
  // Pass 1 reads every member (presence, JSON type); pass 2 checks values.
  switch (envelope.type) {
    case MessageType::kHello: {
      const auto* name = m.string("name", false);
      if (name) m.user(*name, limits);
      client::Hello hello;
      if (name) hello.name = *name;
      body = std::move(hello);
      break;
    }
    case MessageType::kJoin: {
      const auto* room = m.string("room", true);
      const auto since = m.counter("since");
      if (room) m.room(*room, limits);
      if (!m.failed()) body = client::Join{*room, since};
      break;
    }
    case MessageType::kLeave: {
      const auto* room = m.string("room", true);
      if (room) m.room(*room, limits);
      if (!m.failed()) body = client::Leave{*room};
      break;
    }
    case MessageType::kSay: {
      const auto* room = m.string("room", true);
      const auto* text = m.string("text", true);
      if (room) m.room(*room, limits);
      if (text) m.text(*text, limits);
      if (!m.failed()) body = client::Say{*room, *text};
      break;
    }
    case MessageType::kPrivate: {
      const auto* to = m.string("to", true);
      const auto* text = m.string("text", true);
      if (to) m.user(*to, limits);
      if (text) m.text(*text, limits);
      if (!m.failed()) body = client::Private{*to, *text};
      break;
    }
    case MessageType::kTyping: {
      const auto* room = m.string("room", true);
      const auto active = m.boolean("active");
      if (room) m.room(*room, limits);
      if (!m.failed()) body = client::Typing{*room, *active};
      break;
    }
    case MessageType::kPing:
      body = client::Ping{};
      break;
  }
  if (m.failed()) return m.take_error();
  return ClientMessage{std::move(body), envelope.ref};
}

std::variant<ClientMessage, event::Error> parse_client_message(std::string_view text,
                                                               const Limits& limits) {
  auto envelope = parse_envelope(text, limits);
  if (auto* error = std::get_if<event::Error>(&envelope)) return std::move(*error);
  return decode_body(std::get<Envelope>(envelope), limits);
}

std::string encode(const ServerEvent& event) {
  return dump(std::visit(EventEncoder{}, event));
}

std::string encode_client(const ClientMessage& message) {
  ojson j = std::visit(ClientEncoder{}, message.body);
  put_ref(j, message.ref);
  return dump(j);
}

Result<ServerEvent> parse_server_event(std::string_view text) {
  try {
    const json j = json::parse(text.begin(), text.end());
    if (!j.is_object()) return Error{"a server event must be a JSON object"};
    return decode_server(j);
  } catch (const std::exception& e) {
    return Error{"not a wslab.rooms.v1 event: " + strip_exception_id(e.what())};
  }
}

}  // namespace wslab::rooms
