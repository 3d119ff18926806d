// Lab 6: YOUR RedisRegistry, the RoomRegistry of one instance among several
// that share wslab.rooms.v1 rooms through Redis (docs/rooms-protocol.md §3,
// §5.5, §6, §7, §11; lesson 7). Handout: labs/06-scale-out/README.md.
//
// Provided around it (rooms/scaleout/, read them): RedisLink (hiredis: a
// blocking command connection and a pub/sub connection on the event loop,
// reconnecting on its own) and RedisRoomsApp (runs your lab 5 Server with
// this registry, holds joins and says while Redis is away, tells clients with
// a status event). Your registry decides what lives in Redis and what every
// instance delivers to its members.
//
// The public interface is fixed (the app and the lab tests call it); the
// private part is yours: add the state you need. The reference keeps, per
// room, this instance's member connections, the highest seq it delivered,
// whether Redis confirmed the SUBSCRIBE, the names its members were told of,
// and a copy of the last messages (to give Redis back after a restart).
#pragma once

#include <functional>
#include <string>
#include <unordered_map>

#include "wslab/rooms/redis_link.hpp"
#include "wslab/rooms/registry.hpp"
#include "wslab/rooms/server.hpp"

namespace wslab::rooms {

class RedisRegistry final : public RoomRegistry {
 public:
  // `instance` names this instance among the others (unique per process).
  RedisRegistry(Limits limits, std::string instance);

  // The link this registry talks through (set once, before any other call).
  void attach(RedisLink* link) { link_ = link; }
  // Call `wake` when deliveries became pending outside a client's call (a
  // message arrived on a channel, resync caught up); the app then calls
  // take_pending() and writes them.
  void on_pending(std::function<void()> wake) { wake_ = std::move(wake); }
  // Deliveries made while filling gaps or relaying other instances' events;
  // the app writes them before whatever the engine produced in the same call.
  Deliveries take_pending();

  // A pub/sub message arrived (step 3: messages in seq order; step 4: presence
  // and private events of other instances).
  void on_message(std::string_view channel, std::string_view payload);
  // Step 5: Redis is back (maybe empty after a restart): restore counters,
  // history, names and members from what this instance knows, resubscribe,
  // publish what waited; what it catches up on goes out through on_pending.
  // Throws RedisUnavailable if Redis fails again.
  void resync();
  // Typing is relayed by the app (the engine keeps no typing state).
  void publish_typing(std::string_view room, const std::string& event_text);

  // The RoomRegistry contract (registry.hpp). Calls that need Redis throw
  // RedisUnavailable (RedisLink::command does) BEFORE changing local state:
  // the app holds the client's message and runs it again when Redis is back.
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
  bool send_elsewhere(std::string_view name,
                      const std::shared_ptr<const std::string>& text) override;

 private:
  Limits limits_;
  std::string instance_;
  RedisLink* link_ = nullptr;
  Deliveries pending_;
  std::function<void()> wake_;
  // TODO(lab 6): your rooms, users and names.
};

// Step 2: one history entry (and the payload of a published message) as text,
// "<seq> <json of from, text, ts>", and back; nullopt for anything else.
std::string encode_entry(const StoredMessage& m);
std::optional<StoredMessage> decode_entry(std::string_view entry);

}  // namespace wslab::rooms
