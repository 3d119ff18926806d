// Lab 5, step 4: the in-memory registry of users, rooms, sequence numbers and
// history (docs/rooms-protocol.md §3, §6, §7, §9).
// Handout: labs/05-rooms/README.md. Contract: wslab/rooms/registry.hpp, memory_registry.hpp.
#include "wslab/rooms/memory_registry.hpp"

#include "wslab/todo.hpp"

namespace wslab::rooms {
namespace {
constexpr std::string_view kStep4 = "labs/05-rooms/README.md step 4";
}  // namespace

std::string MemoryRegistry::add_user([[maybe_unused]] ConnId conn,
                                     [[maybe_unused]] std::optional<std::string_view> proposal) {
  // TODO(lab 5, step 4): the proposal if free, else proposal-2, -3 ... (shortened to fit
  // max_name_length), or guest-N without a proposal.
  todo::note("MemoryRegistry::add_user", kStep4);
  return {};
}

const std::string* MemoryRegistry::name_of([[maybe_unused]] ConnId conn) const {
  todo::note("MemoryRegistry::name_of", kStep4);
  return nullptr;
}

std::optional<ConnId> MemoryRegistry::find_user([[maybe_unused]] std::string_view name) const {
  todo::note("MemoryRegistry::find_user", kStep4);
  return std::nullopt;
}

std::vector<std::string> MemoryRegistry::remove_user([[maybe_unused]] ConnId conn) {
  todo::note("MemoryRegistry::remove_user", kStep4);
  return {};
}

JoinOutcome MemoryRegistry::join([[maybe_unused]] ConnId conn,
                                 [[maybe_unused]] std::string_view room,
                                 [[maybe_unused]] std::optional<std::uint64_t> since) {
  // TODO(lab 5, step 4): create the room if needed; limits; history after `since` (§7).
  todo::note("MemoryRegistry::join", kStep4);
  JoinOutcome refused;
  refused.status = JoinStatus::kServerFull;  // until written, every join is refused
  return refused;
}

bool MemoryRegistry::leave([[maybe_unused]] ConnId conn, [[maybe_unused]] std::string_view room) {
  todo::note("MemoryRegistry::leave", kStep4);
  return false;
}

bool MemoryRegistry::is_member([[maybe_unused]] ConnId conn,
                               [[maybe_unused]] std::string_view room) const {
  todo::note("MemoryRegistry::is_member", kStep4);
  return false;
}

std::span<const ConnId> MemoryRegistry::members([[maybe_unused]] std::string_view room) const {
  todo::note("MemoryRegistry::members", kStep4);
  return {};
}

std::vector<std::string> MemoryRegistry::member_names(
    [[maybe_unused]] std::string_view room) const {
  todo::note("MemoryRegistry::member_names", kStep4);
  return {};
}

std::optional<StoredMessage> MemoryRegistry::append([[maybe_unused]] std::string_view room,
                                                    [[maybe_unused]] std::string_view from,
                                                    [[maybe_unused]] std::string_view text,
                                                    [[maybe_unused]] std::int64_t ts) {
  // TODO(lab 5, step 4): the room's next sequence number; keep the last history_size messages;
  // return the stored message (one process: never nullopt).
  todo::note("MemoryRegistry::append", kStep4);
  return std::nullopt;
}

}  // namespace wslab::rooms
