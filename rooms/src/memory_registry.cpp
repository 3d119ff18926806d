// The in-memory registry (docs/rooms-protocol.md §3 names, §6 sequence
// numbers, §7 history, §9 room limits).
#include "wslab/rooms/memory_registry.hpp"

#include <algorithm>
#include <limits>

namespace wslab::rooms {

std::string MemoryRegistry::free_name(std::string_view base) {
  // §3: the proposal if free, else the first free base-N (N >= 2), the base
  // shortened so that the result still fits the name length limit.
  if (!names_.contains(base)) return std::string(base);
  for (std::uint64_t n = 2;; ++n) {
    const std::string suffix = "-" + std::to_string(n);
    const std::size_t keep = std::min(base.size(), limits_.max_name_length - suffix.size());
    std::string candidate = std::string(base.substr(0, keep)) + suffix;
    if (!names_.contains(candidate)) return candidate;
  }
}

std::string MemoryRegistry::add_user(ConnId conn, std::optional<std::string_view> proposal) {
  if (auto it = users_.find(conn); it != users_.end()) return it->second.name;
  std::string name;
  if (proposal) {
    name = free_name(*proposal);
  } else {
    do {
      name = "guest-" + std::to_string(++guests_);
    } while (names_.contains(name));
  }
  names_.emplace(name, conn);
  users_.emplace(conn, User{name, {}});
  return name;
}

const std::string* MemoryRegistry::name_of(ConnId conn) const {
  auto it = users_.find(conn);
  return it == users_.end() ? nullptr : &it->second.name;
}

std::optional<ConnId> MemoryRegistry::find_user(std::string_view name) const {
  auto it = names_.find(name);
  if (it == names_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> MemoryRegistry::remove_user(ConnId conn) {
  auto it = users_.find(conn);
  if (it == users_.end()) return {};
  std::vector<std::string> rooms = std::move(it->second.rooms);
  for (const auto& room : rooms) {
    if (Room* r = find_room(room)) {
      std::erase(r->members, conn);
      r->last_used = ++use_clock_;
    }
  }
  names_.erase(it->second.name);
  users_.erase(it);
  return rooms;
}

MemoryRegistry::Room* MemoryRegistry::find_room(std::string_view room) {
  auto it = rooms_.find(room);
  return it == rooms_.end() ? nullptr : &it->second;
}

const MemoryRegistry::Room* MemoryRegistry::find_room(std::string_view room) const {
  auto it = rooms_.find(room);
  return it == rooms_.end() ? nullptr : &it->second;
}

MemoryRegistry::Room* MemoryRegistry::room_for_join(std::string_view room) {
  if (Room* r = find_room(room)) return r;
  if (rooms_.size() >= limits_.max_rooms) {
    // §6 rule 7: forget the least recently used empty room, if there is one.
    auto victim = rooms_.end();
    for (auto it = rooms_.begin(); it != rooms_.end(); ++it) {
      if (it->second.members.empty() &&
          (victim == rooms_.end() || it->second.last_used < victim->second.last_used)) {
        victim = it;
      }
    }
    if (victim == rooms_.end()) return nullptr;
    rooms_.erase(victim);
  }
  return &rooms_.emplace(std::string(room), Room{}).first->second;
}

JoinOutcome MemoryRegistry::join(ConnId conn, std::string_view room,
                                 std::optional<std::uint64_t> since) {
  JoinOutcome out;
  auto user_it = users_.find(conn);
  if (user_it == users_.end()) {
    // Not a user (no hello): the engine never asks; answer as if over the limit.
    out.status = JoinStatus::kTooManyRooms;
    return out;
  }
  User& user = user_it->second;
  const bool member = std::find(user.rooms.begin(), user.rooms.end(), room) != user.rooms.end();
  if (!member && user.rooms.size() >= limits_.max_rooms_per_client) {
    out.status = JoinStatus::kTooManyRooms;
    return out;
  }
  Room* r = room_for_join(room);
  if (r == nullptr) {
    out.status = JoinStatus::kServerFull;
    return out;
  }
  if (member) {
    out.status = JoinStatus::kAlreadyMember;
  } else {
    r->members.push_back(conn);
    user.rooms.emplace_back(room);
  }
  r->last_used = ++use_clock_;
  out.seq = r->seq;
  if (since) {
    // §7: messages with since < seq <= out.seq that are still kept.
    std::uint64_t after = *since;
    if (after > r->seq) {
      out.reset = true;
      after = 0;
    }
    const std::uint64_t oldest_kept = r->history.empty() ? r->seq + 1 : r->history.front().seq;
    out.truncated = after < r->seq && after + 1 < oldest_kept;
    for (const auto& m : r->history) {
      if (m.seq > after) out.history.push_back(m);
    }
  }
  return out;
}

bool MemoryRegistry::leave(ConnId conn, std::string_view room) {
  auto user_it = users_.find(conn);
  if (user_it == users_.end()) return false;
  auto& rooms = user_it->second.rooms;
  auto it = std::find(rooms.begin(), rooms.end(), room);
  if (it == rooms.end()) return false;
  rooms.erase(it);
  if (Room* r = find_room(room)) {
    std::erase(r->members, conn);
    r->last_used = ++use_clock_;
  }
  return true;
}

bool MemoryRegistry::is_member(ConnId conn, std::string_view room) const {
  const Room* r = find_room(room);
  return r != nullptr && std::find(r->members.begin(), r->members.end(), conn) != r->members.end();
}

std::span<const ConnId> MemoryRegistry::members(std::string_view room) const {
  const Room* r = find_room(room);
  if (r == nullptr) return {};
  return r->members;
}

std::vector<std::string> MemoryRegistry::member_names(std::string_view room) const {
  std::vector<std::string> names;
  if (const Room* r = find_room(room)) {
    names.reserve(r->members.size());
    for (ConnId c : r->members) {
      if (const std::string* n = name_of(c)) names.push_back(*n);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<StoredMessage> MemoryRegistry::append(std::string_view room, std::string_view from,
                                                    std::string_view text, std::int64_t ts) {
  Room* r = find_room(room);
  if (r == nullptr) r = &rooms_.emplace(std::string(room), Room{}).first->second;
  StoredMessage m{++r->seq, std::string(from), std::string(text), ts};
  r->last_used = ++use_clock_;
  if (limits_.history_size > 0) {
    r->history.push_back(m);
    while (r->history.size() > limits_.history_size) r->history.pop_front();
  }
  return m;
}

}  // namespace wslab::rooms
