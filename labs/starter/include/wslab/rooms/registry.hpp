// PROVIDED (lab 5): the interface your MemoryRegistry (step 4) implements (and your lab 6
// RedisRegistry).
// Where the state of wslab.rooms.v1 lives: users and their server-assigned
// names (docs/rooms-protocol.md §3), rooms, members, sequence numbers (§6)
// and the history ring (§7).
//
// A small interface so the in-memory registry (one server process) can be
// replaced by a Redis-backed one (several instances: INCR for sequence
// numbers, a capped list for history, pub/sub for fan-out) without touching
// the codec or the protocol engine (server.hpp). Membership is by connection:
// members() lists the connections of *this* instance.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wslab/rooms/protocol.hpp"

namespace wslab::rooms {

struct StoredMessage {
  std::uint64_t seq = 0;
  std::string from;
  std::string text;
  std::int64_t ts = 0;
};

enum class JoinStatus : std::uint8_t { kJoined, kAlreadyMember, kTooManyRooms, kServerFull };

struct JoinOutcome {
  JoinStatus status = JoinStatus::kJoined;
  std::uint64_t seq = 0;               // the room's last sequence number
  std::vector<StoredMessage> history;  // seq > since, oldest first (empty without since)
  bool truncated = false;              // some messages after `since` are no longer kept
  bool reset = false;                  // since > seq: the room restarted
};

class RoomRegistry {
 public:
  virtual ~RoomRegistry() = default;

  // A connection said hello: give it a unique name, the proposal if free,
  // else proposal-2, -3 ... (shortened to fit), or guest-N without one.
  virtual std::string add_user(ConnId conn, std::optional<std::string_view> proposal) = 0;
  [[nodiscard]] virtual const std::string* name_of(ConnId conn) const = 0;
  [[nodiscard]] virtual std::optional<ConnId> find_user(std::string_view name) const = 0;
  // `name` is not connected here: if another instance of the same service
  // holds it (lab 6), hand `text` (an encoded private event, §4.5) to that
  // instance and return true; false when nobody has that name. One process
  // has no other instance.
  virtual bool send_elsewhere(std::string_view /*name*/,
                              const std::shared_ptr<const std::string>& /*text*/) {
    return false;
  }
  // The connection is gone: free its name, leave every room. Returns those rooms.
  virtual std::vector<std::string> remove_user(ConnId conn) = 0;

  // Joins (creating the room if needed) and reads history after `since`.
  virtual JoinOutcome join(ConnId conn, std::string_view room,
                           std::optional<std::uint64_t> since) = 0;
  // False when conn was not a member.
  virtual bool leave(ConnId conn, std::string_view room) = 0;
  [[nodiscard]] virtual bool is_member(ConnId conn, std::string_view room) const = 0;
  // This instance's member connections in join order; valid until the next change.
  [[nodiscard]] virtual std::span<const ConnId> members(std::string_view room) const = 0;
  // Every member's name, sorted by byte value.
  [[nodiscard]] virtual std::vector<std::string> member_names(std::string_view room) const = 0;
  // Assigns the room's next sequence number and keeps the message in history.
  // Returns the message for the caller to fan out to members(room) now, or
  // nullopt when messages before it have not reached this instance yet: the
  // registry then delivers it itself, after them (one order for all, §6).
  virtual std::optional<StoredMessage> append(std::string_view room, std::string_view from,
                                              std::string_view text, std::int64_t ts) = 0;
};

}  // namespace wslab::rooms
