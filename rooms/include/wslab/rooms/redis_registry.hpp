// RedisRegistry: the RoomRegistry of one instance among several that share
// rooms through Redis (docs/rooms-protocol.md §3, §6, §7, §11; lesson 7).
//
// Redis holds what must be the same everywhere:
//   wslab:room:<r>:seq      the room's counter (INCR, inside one Lua script
//                           with the history write and the PUBLISH)
//   wslab:room:<r>:history  a sorted set, score = seq, member "<seq> <json>",
//                           capped at Limits::history_size
//   wslab:room:<r>:members  hash: member name -> instance id (presence)
//   wslab:user:<name>       the instance holding the name (SET NX)
//   channel wslab:room:<r>  "m<seq> <json>" messages, "p"/"t" presence and
//                           typing events ("<origin>\n<event text>")
//   channel wslab:instance:<id>  private events for a user of that instance
//                           ("<to>\n<event text>", §4.5): the sender's instance
//                           reads the target's instance from wslab:user:<to>
// This instance keeps its connections, their rooms, per room the last seq it
// delivered, and a copy of the last messages it delivered (to give Redis
// back what it lost if it restarts empty).
//
// One order for all (§6): the script makes INCR, history and PUBLISH one
// atomic step, so every subscriber receives a room's messages in seq order.
// An instance that is behind on the channel (it reads a busy room more slowly
// than it is written) must not skip ahead: our own say, or a join, that finds
// messages not yet delivered here takes them from the history only if the
// ring still holds all of them; otherwise they are still in flight to us, so
// the say is delivered when it comes through the channel after them, and the
// new member's live stream starts after its `joined` seq (Room::live_after).
// A resubscription after Redis was away fills its gap from the history (what
// the ring no longer holds is lost: `truncated`), and anything at or below the
// delivered seq is dropped as a duplicate.
// Calls that need Redis throw RedisUnavailable before changing local state.
//
// Presence (§5.5) has no seq and pub/sub keeps nothing, so a presence event
// published before this instance's SUBSCRIBE takes effect never reaches it.
// So the first local join of a room subscribes and waits for Redis's
// confirmation (RedisLink::subscribe, one loopback round trip) before it reads
// the members hash and answers `joined`. Each subscribed room has a roster,
// the member names this instance's members were told about (the `joined`
// list, then presence events; every local member sees the same sequence).
// Why nothing is missed and nothing is told twice: every instance writes the
// hash (HSET/HDEL) before it PUBLISHes the event, so a change published after
// our SUBSCRIBE took effect reaches us on the channel, and one published
// before it is already in the hash we read afterwards. A change seen both ways
// is a no-op on the roster (join of a known name, leave of an unknown one) and
// is dropped; the last event for a name is its last write, so the roster ends
// equal to the hash. After a Redis outage, resync resubscribes the same way
// and tells the difference between the roster and the hash (who came and went
// while Redis was away); if Redis came back empty, an instance that reads
// before another restored its members tells a leave, and the restoring
// instance publishes their joins again, so views may flap once but end right.
// Typing is not covered: it is ephemeral, clients repeat it every 3 s (§4.6).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "wslab/rooms/redis_link.hpp"
#include "wslab/rooms/registry.hpp"
#include "wslab/rooms/server.hpp"

namespace wslab::rooms {

class RedisRegistry final : public RoomRegistry {
 public:
  RedisRegistry(Limits limits, std::string instance);

  void attach(RedisLink* link) { link_ = link; }
  // Called when pub/sub produced deliveries outside any client callback.
  void on_pending(std::function<void()> wake) { wake_ = std::move(wake); }
  // Deliveries made while filling gaps or relaying other instances' events;
  // they must be written before whatever the engine produced in the same call.
  Deliveries take_pending();

  // Link events.
  void on_message(std::string_view channel, std::string_view payload);
  // Redis is back (maybe empty after a restart): restore counters, history,
  // names and members from what this instance knows, resubscribe, publish
  // what waited; the messages and presence it catches up on go out through
  // on_pending. Throws RedisUnavailable if Redis fails again.
  void resync();
  // Typing is relayed by the app (the engine keeps no typing state).
  void publish_typing(std::string_view room, const std::string& event_text);

  std::string add_user(ConnId conn, std::optional<std::string_view> proposal) override;
  [[nodiscard]] const std::string* name_of(ConnId conn) const override;
  [[nodiscard]] std::optional<ConnId> find_user(std::string_view name) const override;
  std::vector<std::string> remove_user(ConnId conn) override;
  JoinOutcome join(ConnId conn, std::string_view room, std::optional<std::uint64_t> since) override;
  bool leave(ConnId conn, std::string_view room) override;
  [[nodiscard]] bool is_member(ConnId conn, std::string_view room) const override;
  [[nodiscard]] std::span<const ConnId> members(std::string_view room) const override;
  [[nodiscard]] std::vector<std::string> member_names(std::string_view room) const override;
  std::optional<StoredMessage> append(std::string_view room, std::string_view from,
                                      std::string_view text, std::int64_t ts) override;
  // Throws RedisUnavailable when Redis is away (the app holds the private until it returns).
  bool send_elsewhere(std::string_view name,
                      const std::shared_ptr<const std::string>& text) override;

 private:
  struct Room {
    std::vector<ConnId> members;   // this instance's
    std::uint64_t delivered = 0;   // highest seq given to local members
    bool subscribed = false;       // SUBSCRIBE confirmed by Redis
    std::set<std::string> roster;  // names local members were told of (see top)
    // Members that joined while this instance was behind on the channel: their
    // live stream starts after this seq (their `joined`), §6 rule 4.
    std::map<ConnId, std::uint64_t> live_after;
    std::map<std::uint64_t, StoredMessage> kept;  // last delivered, for restoring Redis
  };
  struct User {
    std::string name;
    std::vector<std::string> rooms;
  };

  bool up() const { return link_ != nullptr && link_->up(); }
  void on_private(std::string_view payload);
  RedisReply call(const std::vector<std::string>& argv) const;
  bool claim_name(const std::string& name);
  void keep(Room& r, const StoredMessage& m);
  // Delivers messages with seq in (r.delivered, upto] from the history.
  void fill(std::string_view room, Room& r, std::optional<std::uint64_t> upto);
  // Delivers (r.delivered, upto] from `history` (oldest first) if it holds every
  // one of them; otherwise delivers nothing and returns false: the ring no longer
  // has some, and they are still on their way to us through the channel.
  bool catch_up(std::string_view room, Room& r, const std::vector<StoredMessage>& history,
                std::uint64_t upto);
  void deliver_message(std::string_view room, Room& r, const StoredMessage& m);
  void publish_event(std::string_view room, char kind, const std::string& event_text);
  void presence(std::string_view room, const std::string& name, bool join, bool disconnected);
  void subscribe(std::string_view room, Room& r);
  void unsubscribe_if_empty(std::string_view room);
  // One member less in `room` here and in the members hash; presence leave.
  void drop_member(std::string_view room, ConnId conn, const std::string& name, bool disconnected);
  // The members hash (plus local members), read now.
  std::set<std::string> read_members(std::string_view room, const Room& r);
  // Presence events for the difference between r.roster and `now`; roster = now.
  void reconcile(std::string_view room, Room& r, std::set<std::string> now);
  void tell_members(const Room& r, std::shared_ptr<const std::string> text);

  Limits limits_;
  std::string instance_;
  RedisLink* link_ = nullptr;
  std::map<std::string, Room, std::less<>> rooms_;
  std::unordered_map<ConnId, User> users_;
  std::map<std::string, ConnId, std::less<>> names_;
  std::uint64_t local_guests_ = 0;
  Deliveries pending_;
  std::function<void()> wake_;
  std::deque<std::pair<std::string, std::string>> outbox_;  // publishes that waited for Redis
};

// Encoding of one history entry / message payload: "<seq> <json>".
std::string encode_entry(const StoredMessage& m);
std::optional<StoredMessage> decode_entry(std::string_view entry);

}  // namespace wslab::rooms
