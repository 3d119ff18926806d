// RedisRegistry: rooms shared by several instances through Redis
// (docs/rooms-protocol.md §6, §7, §11; see redis_registry.hpp).
#include "wslab/rooms/redis_registry.hpp"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "wslab/rooms/codec.hpp"

namespace wslab::rooms {
namespace {

using json = nlohmann::json;

// INCR, history and PUBLISH as one atomic step: the publish order is the seq order.
constexpr const char* kSayScript = R"(
local seq = redis.call('INCR', KEYS[1])
local m = seq .. ' ' .. ARGV[1]
redis.call('ZADD', KEYS[2], seq, m)
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[2]) + 1))
redis.call('PUBLISH', ARGV[3], 'm' .. m)
return seq)";

// The counter and the history read together, so they agree (§7).
constexpr const char* kSnapshotScript = R"(
return {redis.call('GET', KEYS[1]) or '0', redis.call('ZRANGE', KEYS[2], 0, -1)})";

// After a Redis restart: counters never go back, history entries come back.
constexpr const char* kRestoreScript = R"(
local c = tonumber(redis.call('GET', KEYS[1]) or '0')
if c < tonumber(ARGV[2]) then redis.call('SET', KEYS[1], ARGV[2]) end
for i = 3, #ARGV do
  local s = tonumber(string.match(ARGV[i], '^(%d+) '))
  redis.call('ZADD', KEYS[2], 'NX', s, ARGV[i])
end
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[1]) + 1))
return 1)";

// This instance's members of a room are exactly ARGV[2..]; returns the names
// that were missing (Redis restarted empty), whose presence join is published
// again so instances that already re-read the hash hear them come back.
constexpr const char* kMembersScript = R"(
local h = redis.call('HGETALL', KEYS[1])
local keep = {}
for i = 2, #ARGV do keep[ARGV[i]] = true end
for i = 1, #h, 2 do
  if h[i + 1] == ARGV[1] and not keep[h[i]] then redis.call('HDEL', KEYS[1], h[i]) end
end
local added = {}
for i = 2, #ARGV do
  if redis.call('HSET', KEYS[1], ARGV[i], ARGV[1]) == 1 then added[#added + 1] = ARGV[i] end
end
return added)";

constexpr const char* kReleaseScript = R"(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0)";

const std::string kRoomPrefix = "wslab:room:";

std::string channel_of(std::string_view room) {
  return kRoomPrefix + std::string(room);
}
std::string seq_key(std::string_view room) {
  return channel_of(room) + ":seq";
}
std::string history_key(std::string_view room) {
  return channel_of(room) + ":history";
}
std::string members_key(std::string_view room) {
  return channel_of(room) + ":members";
}
std::string user_key(std::string_view name) {
  return "wslab:user:" + std::string(name);
}
const std::string kInstancePrefix = "wslab:instance:";
std::string instance_channel(std::string_view id) {
  return kInstancePrefix + std::string(id);
}

std::uint64_t to_u64(std::string_view s) {
  std::uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// §3: base, base-2, base-3 ... each at most 32 characters.
std::string candidate(std::string_view base, std::uint64_t k, std::size_t max_len) {
  if (k == 1) return std::string(base.substr(0, max_len));
  std::string suffix = "-" + std::to_string(k);
  return std::string(base.substr(0, max_len - suffix.size())) + suffix;
}

}  // namespace

std::string encode_entry(const StoredMessage& m) {
  json j{{"from", m.from}, {"text", m.text}, {"ts", m.ts}};
  return std::to_string(m.seq) + " " + j.dump();
}

std::optional<StoredMessage> decode_entry(std::string_view entry) {
  const auto space = entry.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  StoredMessage m;
  m.seq = to_u64(entry.substr(0, space));
  auto j = json::parse(entry.substr(space + 1), nullptr, false);
  if (m.seq == 0 || !j.is_object() || !j.contains("from") || !j["from"].is_string() ||
      !j.contains("text") || !j["text"].is_string() || !j.contains("ts") ||
      !j["ts"].is_number_integer()) {
    return std::nullopt;
  }
  m.from = j["from"].get<std::string>();
  m.text = j["text"].get<std::string>();
  m.ts = j["ts"].get<std::int64_t>();
  return m;
}

RedisRegistry::RedisRegistry(Limits limits, std::string instance)
    : limits_(limits), instance_(std::move(instance)) {}

Deliveries RedisRegistry::take_pending() {
  Deliveries out;
  out.swap(pending_);
  return out;
}

RedisReply RedisRegistry::call(const std::vector<std::string>& argv) const {
  if (link_ == nullptr) throw RedisUnavailable("no redis link");
  return link_->command(argv);
}

bool RedisRegistry::claim_name(const std::string& name) {
  if (!up()) return true;  // local uniqueness only until Redis returns (resync claims it)
  try {
    auto r = call({"SET", user_key(name), instance_, "NX"});
    return r.type == RedisReply::Type::kString;  // "OK"; nil when taken
  } catch (const RedisUnavailable&) {
    return true;
  }
}

std::string RedisRegistry::add_user(ConnId conn, std::optional<std::string_view> proposal) {
  std::string base;
  if (proposal) {
    base = std::string(*proposal);
  } else {
    std::uint64_t n = ++local_guests_;
    if (up()) {
      try {
        n = static_cast<std::uint64_t>(call({"INCR", "wslab:guests"}).integer);
      } catch (const RedisUnavailable&) {
      }
    }
    base = "guest-" + std::to_string(n);
  }
  std::string name;
  for (std::uint64_t k = 1;; ++k) {
    name = candidate(base, k, limits_.max_name_length);
    if (!names_.contains(name) && claim_name(name)) break;
  }
  names_.emplace(name, conn);
  users_[conn] = User{name, {}};
  return name;
}

const std::string* RedisRegistry::name_of(ConnId conn) const {
  auto it = users_.find(conn);
  return it == users_.end() ? nullptr : &it->second.name;
}

std::optional<ConnId> RedisRegistry::find_user(std::string_view name) const {
  auto it = names_.find(name);
  if (it == names_.end()) return std::nullopt;
  return it->second;
}

void RedisRegistry::publish_event(std::string_view room, char kind, const std::string& event_text) {
  std::string payload = std::string(1, kind) + instance_ + "\n" + event_text;
  std::string channel = channel_of(room);
  if (up()) {
    try {
      call({"PUBLISH", channel, payload});
      return;
    } catch (const RedisUnavailable&) {
    }
  }
  if (kind == 'p') outbox_.emplace_back(std::move(channel), std::move(payload));
}

void RedisRegistry::publish_typing(std::string_view room, const std::string& event_text) {
  publish_event(room, 't', event_text);
}

void RedisRegistry::presence(std::string_view room, const std::string& name, bool join,
                             bool disconnected) {
  event::Presence p{std::string(room), name,
                    join ? event::PresenceAction::kJoin : event::PresenceAction::kLeave,
                    disconnected ? event::LeaveReason::kDisconnected : event::LeaveReason::kLeft};
  publish_event(room, 'p', encode(p));
}

void RedisRegistry::subscribe(std::string_view room, Room& r) {
  if (r.subscribed) return;
  if (link_ == nullptr) throw RedisUnavailable("no redis link");
  link_->subscribe(channel_of(room));  // returns once Redis confirmed it
  r.subscribed = true;
}

void RedisRegistry::unsubscribe_if_empty(std::string_view room) {
  auto it = rooms_.find(room);
  if (it == rooms_.end() || !it->second.members.empty() || !it->second.subscribed) return;
  it->second.subscribed = false;
  it->second.roster.clear();
  if (link_ != nullptr && link_->up()) link_->unsubscribe(channel_of(room));
}

void RedisRegistry::drop_member(std::string_view room, ConnId conn, const std::string& name,
                                bool disconnected) {
  Room& r = rooms_[std::string(room)];
  r.roster.erase(name);
  r.live_after.erase(conn);
  r.members.erase(std::remove(r.members.begin(), r.members.end(), conn), r.members.end());
  if (up()) {
    try {
      call({"HDEL", members_key(room), name});
    } catch (const RedisUnavailable&) {
    }
  }
  presence(room, name, false, disconnected);
  unsubscribe_if_empty(room);
}

std::vector<std::string> RedisRegistry::remove_user(ConnId conn) {
  auto it = users_.find(conn);
  if (it == users_.end()) return {};
  User user = std::move(it->second);
  users_.erase(it);
  names_.erase(user.name);
  for (const auto& room : user.rooms) drop_member(room, conn, user.name, true);
  if (up()) {
    try {
      call({"EVAL", kReleaseScript, "1", user_key(user.name), instance_});
    } catch (const RedisUnavailable&) {
    }
  }
  return user.rooms;
}

void RedisRegistry::keep(Room& r, const StoredMessage& m) {
  r.kept[m.seq] = m;
  while (r.kept.size() > limits_.history_size) r.kept.erase(r.kept.begin());
}

void RedisRegistry::deliver_message(std::string_view room, Room& r, const StoredMessage& m) {
  r.delivered = m.seq;
  keep(r, m);
  if (r.members.empty()) return;
  auto text = std::make_shared<const std::string>(
      encode(event::Message{std::string(room), m.seq, m.from, m.text, m.ts, false}));
  for (ConnId member : r.members) {
    if (auto it = r.live_after.find(member); it != r.live_after.end()) {
      if (m.seq <= it->second) continue;  // before its `joined`: in its history, not live
      r.live_after.erase(it);
    }
    pending_.push_back({member, text});
  }
}

bool RedisRegistry::catch_up(std::string_view room, Room& r,
                             const std::vector<StoredMessage>& history, std::uint64_t upto) {
  std::uint64_t next = r.delivered + 1;
  for (const auto& m : history) {
    if (m.seq == next && m.seq <= upto) ++next;
  }
  if (next <= upto) return false;  // a gap the ring no longer fills
  for (const auto& m : history) {
    if (m.seq > r.delivered && m.seq <= upto) deliver_message(room, r, m);
  }
  return true;
}

void RedisRegistry::fill(std::string_view room, Room& r, std::optional<std::uint64_t> upto) {
  if (upto && *upto <= r.delivered) return;
  auto reply = call({"ZRANGEBYSCORE", history_key(room), "(" + std::to_string(r.delivered),
                     upto ? std::to_string(*upto) : "+inf"});
  for (const auto& e : reply.elements) {
    auto m = decode_entry(e.str);
    if (m && m->seq > r.delivered) deliver_message(room, r, *m);
  }
}

JoinOutcome RedisRegistry::join(ConnId conn, std::string_view room,
                                std::optional<std::uint64_t> since) {
  User& user = users_.at(conn);
  const bool already = std::find(user.rooms.begin(), user.rooms.end(), room) != user.rooms.end();
  JoinOutcome out;
  if (!already && user.rooms.size() >= limits_.max_rooms_per_client) {
    out.status = JoinStatus::kTooManyRooms;
    return out;
  }
  if (!up()) throw RedisUnavailable("redis is down");
  // Subscribed first (confirmed by Redis), then the snapshot and the members
  // read: whatever changes after these reads reaches us on the channel.
  Room& r = rooms_[std::string(room)];
  const bool newly_subscribed = !r.subscribed;
  subscribe(room, r);
  auto snap = call({"EVAL", kSnapshotScript, "2", seq_key(room), history_key(room)});
  if (snap.type != RedisReply::Type::kArray || snap.elements.size() != 2) {
    throw RedisUnavailable("unexpected snapshot reply");
  }
  out.seq = to_u64(snap.elements[0].str);
  std::vector<StoredMessage> history;
  for (const auto& e : snap.elements[1].elements) {
    if (auto m = decode_entry(e.str)) history.push_back(std::move(*m));
  }
  std::optional<std::set<std::string>> first_roster;
  if (newly_subscribed) first_roster = read_members(room, r);
  if (!already) {  // Redis first: a failure leaves no member half added here
    call({"HSET", members_key(room), user.name, instance_});
    presence(room, user.name, true, false);
  }
  if (newly_subscribed) {
    r.roster = std::move(*first_roster);
    r.delivered = std::max(r.delivered, out.seq);
  }
  // §6 rule 4: the new member's live stream continues right after out.seq;
  // members already here get anything up to it first, from the history if it
  // still holds it all, else from the channel (then the new member skips it).
  const bool behind = out.seq > r.delivered && !catch_up(room, r, history, out.seq);
  if (!behind) {
    r.delivered = std::max(r.delivered, out.seq);
    for (const auto& m : history) keep(r, m);
  }
  if (since) {
    std::uint64_t from = *since;
    if (from > out.seq) {
      out.reset = true;
      from = 0;
    }
    for (auto& m : history) {
      if (m.seq > from && m.seq <= out.seq) out.history.push_back(m);
    }
    const std::uint64_t first = out.history.empty() ? out.seq + 1 : out.history.front().seq;
    out.truncated = from < out.seq && first > from + 1;
  }
  if (already) {
    out.status = JoinStatus::kAlreadyMember;
    return out;
  }
  r.members.push_back(conn);
  if (behind) r.live_after[conn] = out.seq;
  r.roster.insert(user.name);
  user.rooms.emplace_back(room);
  out.status = JoinStatus::kJoined;
  return out;
}

bool RedisRegistry::leave(ConnId conn, std::string_view room) {
  auto uit = users_.find(conn);
  if (uit == users_.end()) return false;
  auto& rooms = uit->second.rooms;
  auto pos = std::find(rooms.begin(), rooms.end(), room);
  if (pos == rooms.end()) return false;
  rooms.erase(pos);
  drop_member(room, conn, uit->second.name, false);
  return true;
}

bool RedisRegistry::is_member(ConnId conn, std::string_view room) const {
  auto it = users_.find(conn);
  if (it == users_.end()) return false;
  const auto& rooms = it->second.rooms;
  return std::find(rooms.begin(), rooms.end(), room) != rooms.end();
}

std::span<const ConnId> RedisRegistry::members(std::string_view room) const {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return {};
  return it->second.members;
}

std::vector<std::string> RedisRegistry::member_names(std::string_view room) const {
  std::vector<std::string> names;
  if (auto it = rooms_.find(room); it != rooms_.end() && it->second.subscribed) {
    // The roster, not a fresh read: the list and the presence events that follow
    // it must agree (see the header).
    return {it->second.roster.begin(), it->second.roster.end()};
  }
  if (auto it = rooms_.find(room); it != rooms_.end()) {
    for (ConnId c : it->second.members) names.push_back(users_.at(c).name);
  }
  if (up()) {
    try {
      auto r = call({"HKEYS", members_key(room)});
      for (const auto& e : r.elements) names.push_back(e.str);
    } catch (const RedisUnavailable&) {
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::optional<StoredMessage> RedisRegistry::append(std::string_view room, std::string_view from,
                                                   std::string_view text, std::int64_t ts) {
  if (!up()) throw RedisUnavailable("redis is down");
  StoredMessage m{0, std::string(from), std::string(text), ts};
  std::string body = encode_entry(m);
  body.erase(0, body.find(' ') + 1);
  auto r = call({"EVAL", kSayScript, "2", seq_key(room), history_key(room), body,
                 std::to_string(limits_.history_size), channel_of(room)});
  if (r.type != RedisReply::Type::kInteger) throw RedisUnavailable("say script failed: " + r.str);
  m.seq = static_cast<std::uint64_t>(r.integer);
  Room& room_state = rooms_[std::string(room)];
  // Messages still in flight to us come first (§6 rule 2): from the history
  // if it holds them all, else ours follows them through the channel.
  if (m.seq > room_state.delivered + 1) {
    std::vector<StoredMessage> gap;
    for (const auto& e :
         call({"ZRANGEBYSCORE", history_key(room), "(" + std::to_string(room_state.delivered),
               std::to_string(m.seq - 1)})
             .elements) {
      if (auto g = decode_entry(e.str)) gap.push_back(std::move(*g));
    }
    if (!catch_up(room, room_state, gap, m.seq - 1)) return std::nullopt;
  }
  room_state.delivered = std::max(room_state.delivered, m.seq);
  keep(room_state, m);
  return m;  // the engine fans it out to the local members
}

bool RedisRegistry::send_elsewhere(std::string_view name,
                                   const std::shared_ptr<const std::string>& text) {
  if (!up()) throw RedisUnavailable("redis is down");
  auto owner = call({"GET", user_key(name)});
  if (owner.type != RedisReply::Type::kString || owner.str == instance_) return false;
  // PUBLISH counts the receivers: 0 means that instance is gone (its claim is stale).
  auto r = call({"PUBLISH", instance_channel(owner.str), std::string(name) + "\n" + *text});
  return r.type == RedisReply::Type::kInteger && r.integer > 0;
}

void RedisRegistry::on_private(std::string_view payload) {
  const auto nl = payload.find('\n');
  if (nl == std::string_view::npos) return;
  auto it = names_.find(payload.substr(0, nl));
  if (it == names_.end()) return;  // gone meanwhile: private messages are not kept (§4.5)
  pending_.push_back({it->second, std::make_shared<const std::string>(payload.substr(nl + 1))});
  if (wake_) wake_();
}

void RedisRegistry::on_message(std::string_view channel, std::string_view payload) {
  if (channel == instance_channel(instance_)) return on_private(payload);
  if (channel.substr(0, kRoomPrefix.size()) != kRoomPrefix || payload.empty()) return;
  const std::string_view room = channel.substr(kRoomPrefix.size());
  auto it = rooms_.find(room);
  if (it == rooms_.end() || !it->second.subscribed) return;
  Room& r = it->second;
  const char kind = payload.front();
  payload.remove_prefix(1);
  if (kind == 'm') {
    auto m = decode_entry(payload);
    if (!m || m->seq <= r.delivered) return;  // a duplicate: already delivered
    if (m->seq > r.delivered + 1) fill(room, r, m->seq - 1);
    if (m->seq > r.delivered) deliver_message(room, r, *m);
  } else if (kind == 'p' || kind == 't') {
    const auto nl = payload.find('\n');
    if (nl == std::string_view::npos || payload.substr(0, nl) == instance_) return;
    const std::string_view event_text = payload.substr(nl + 1);
    if (kind == 'p') {
      auto j = json::parse(event_text, nullptr, false);
      if (!j.is_object() || !j.contains("name") || !j["name"].is_string()) return;
      const std::string name = j["name"].get<std::string>();
      const bool changed = j.value("action", "") == "join" ? r.roster.insert(name).second
                                                           : r.roster.erase(name) == 1;
      if (!changed) return;  // already told (by the read after SUBSCRIBE)
    }
    tell_members(r, std::make_shared<const std::string>(event_text));
  }
  if (!pending_.empty() && wake_) wake_();
}

std::set<std::string> RedisRegistry::read_members(std::string_view room, const Room& r) {
  std::set<std::string> names;
  for (const auto& e : call({"HKEYS", members_key(room)}).elements) names.insert(e.str);
  for (ConnId c : r.members) names.insert(users_.at(c).name);
  return names;
}

void RedisRegistry::tell_members(const Room& r, std::shared_ptr<const std::string> text) {
  for (ConnId member : r.members) pending_.push_back({member, text});
}

void RedisRegistry::reconcile(std::string_view room, Room& r, std::set<std::string> now) {
  auto tell = [&](const std::string& name, bool join) {
    // Who left while we were not listening: we cannot tell a `leave` from a
    // dropped connection, and "disconnected" promises less.
    event::Presence p{std::string(room), name,
                      join ? event::PresenceAction::kJoin : event::PresenceAction::kLeave,
                      join ? event::LeaveReason::kLeft : event::LeaveReason::kDisconnected};
    tell_members(r, std::make_shared<const std::string>(encode(p)));
  };
  for (const auto& name : r.roster) {
    if (!now.contains(name)) tell(name, false);
  }
  for (const auto& name : now) {
    if (!r.roster.contains(name)) tell(name, true);
  }
  r.roster = std::move(now);
}

void RedisRegistry::resync() {
  // A new subscriber connection: listen for private events to this instance's users first.
  if (link_ == nullptr) throw RedisUnavailable("no redis link");
  link_->subscribe(instance_channel(instance_));
  for (auto& [room, r] : rooms_) {
    std::vector<std::string> restore{"EVAL",
                                     kRestoreScript,
                                     "2",
                                     seq_key(room),
                                     history_key(room),
                                     std::to_string(limits_.history_size),
                                     std::to_string(r.delivered)};
    for (const auto& [seq, m] : r.kept) restore.push_back(encode_entry(m));
    call(restore);
    std::vector<std::string> members{"EVAL", kMembersScript, "1", members_key(room), instance_};
    for (ConnId c : r.members) members.push_back(users_.at(c).name);
    for (const auto& added : call(members).elements) presence(room, added.str, true, false);
    r.subscribed = false;  // the new subscriber connection has no subscriptions
    if (r.members.empty()) {
      r.roster.clear();
      continue;
    }
    subscribe(room, r);
    // Missed while away: messages are in the history, presence in the members hash.
    fill(room, r, std::nullopt);
    reconcile(room, r, read_members(room, r));
  }
  for (const auto& [name, conn] : names_) call({"SET", user_key(name), instance_, "NX"});
  while (!outbox_.empty()) {
    call({"PUBLISH", outbox_.front().first, outbox_.front().second});
    outbox_.pop_front();
  }
  // What the catch-up above delivered is written now, not with some later event.
  if (!pending_.empty() && wake_) wake_();
}

}  // namespace wslab::rooms
