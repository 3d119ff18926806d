// STARTER (lab 5, step 4): you write labs/starter/src/rooms/memory_registry.cpp (the private
// members below are a suggestion: change them as you like). Handout: labs/05-rooms/README.md.
// The in-memory RoomRegistry of one server process (docs/rooms-protocol.md
// §3, §6, §7, §9): names unique per process, rooms kept while the process
// lives (empty ones forgotten least-recently-used first at the room limit),
// a history ring of Limits::history_size messages per room.
#pragma once

#include <deque>
#include <map>
#include <unordered_map>

#include "wslab/rooms/registry.hpp"

namespace wslab::rooms {

class MemoryRegistry final : public RoomRegistry {
 public:
  explicit MemoryRegistry(Limits limits = {}) : limits_(limits) {}

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

  [[nodiscard]] std::size_t room_count() const { return rooms_.size(); }
  [[nodiscard]] bool has_room(std::string_view room) const { return rooms_.contains(room); }

 private:
  struct Room {
    std::uint64_t seq = 0;
    std::deque<StoredMessage> history;
    std::vector<ConnId> members;
    std::uint64_t last_used = 0;
  };
  struct User {
    std::string name;
    std::vector<std::string> rooms;
  };

  std::string free_name(std::string_view base);
  Room* find_room(std::string_view room);
  [[nodiscard]] const Room* find_room(std::string_view room) const;
  // Finds or creates; nullptr when the room limit is reached and no room is empty.
  Room* room_for_join(std::string_view room);

  Limits limits_;
  std::map<std::string, Room, std::less<>> rooms_;
  std::unordered_map<ConnId, User> users_;
  std::map<std::string, ConnId, std::less<>> names_;
  std::uint64_t guests_ = 0;
  std::uint64_t use_clock_ = 0;  // orders rooms by last use, for forgetting empty ones
};

}  // namespace wslab::rooms
