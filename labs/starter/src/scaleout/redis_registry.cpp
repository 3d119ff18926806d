// Lab 6: rooms shared by several instances through Redis (docs/rooms-protocol.md
// §3, §5.5, §6, §7, §11). Handout: labs/06-scale-out/README.md. Contract:
// wslab/rooms/redis_registry.hpp and wslab/rooms/registry.hpp.
#include "wslab/rooms/redis_registry.hpp"

#include "wslab/todo.hpp"

namespace wslab::rooms {
namespace {
constexpr std::string_view kStep1 = "labs/06-scale-out/README.md step 1";
constexpr std::string_view kStep2 = "labs/06-scale-out/README.md step 2";
constexpr std::string_view kStep3 = "labs/06-scale-out/README.md step 3";
constexpr std::string_view kStep4 = "labs/06-scale-out/README.md step 4";
constexpr std::string_view kStep5 = "labs/06-scale-out/README.md step 5";
}  // namespace

std::string encode_entry([[maybe_unused]] const StoredMessage& m) {
  // TODO(lab 6, step 2): "<seq> " then the message's from, text and ts as JSON.
  todo::note("encode_entry", kStep2);
  return {};
}

std::optional<StoredMessage> decode_entry([[maybe_unused]] std::string_view entry) {
  // TODO(lab 6, step 2): the inverse of encode_entry; nullopt for anything malformed.
  todo::note("decode_entry", kStep2);
  return std::nullopt;
}

RedisRegistry::RedisRegistry(Limits limits, std::string instance)
    : limits_(limits), instance_(std::move(instance)) {}

Deliveries RedisRegistry::take_pending() {
  Deliveries out;
  out.swap(pending_);
  return out;
}

std::string RedisRegistry::add_user([[maybe_unused]] ConnId conn,
                                    [[maybe_unused]] std::optional<std::string_view> proposal) {
  // TODO(lab 6, step 1): like lab 5, but a name is free only if SET wslab:user:<name> NX
  // succeeds: the whole cluster shares one name space (§3).
  todo::note("RedisRegistry::add_user", kStep1);
  return {};
}

const std::string* RedisRegistry::name_of([[maybe_unused]] ConnId conn) const {
  todo::note("RedisRegistry::name_of", kStep1);
  return nullptr;
}

std::optional<ConnId> RedisRegistry::find_user([[maybe_unused]] std::string_view name) const {
  // TODO(lab 6, step 1): this instance's connections only (send_elsewhere does the rest).
  todo::note("RedisRegistry::find_user", kStep1);
  return std::nullopt;
}

std::vector<std::string> RedisRegistry::remove_user([[maybe_unused]] ConnId conn) {
  // TODO(lab 6, steps 1 and 4): free the name in Redis (only if it is still ours), leave
  // every room with presence reason "disconnected".
  todo::note("RedisRegistry::remove_user", kStep1);
  return {};
}

std::optional<StoredMessage> RedisRegistry::append([[maybe_unused]] std::string_view room,
                                                   [[maybe_unused]] std::string_view from,
                                                   [[maybe_unused]] std::string_view text,
                                                   [[maybe_unused]] std::int64_t ts) {
  // TODO(lab 6, step 2): INCR the room's counter, keep the message in the capped history and
  // PUBLISH it, as ONE atomic step (a Lua script). Return the message when every earlier one
  // has been delivered here; otherwise nullopt, and deliver it after them (§6).
  todo::note("RedisRegistry::append", kStep2);
  return std::nullopt;
}

JoinOutcome RedisRegistry::join([[maybe_unused]] ConnId conn,
                                [[maybe_unused]] std::string_view room,
                                [[maybe_unused]] std::optional<std::uint64_t> since) {
  // TODO(lab 6, step 3): SUBSCRIBE first (RedisLink::subscribe waits for the confirmation),
  // then read the counter and the history together, then answer; history after `since`.
  todo::note("RedisRegistry::join", kStep3);
  JoinOutcome refused;
  refused.status = JoinStatus::kServerFull;  // until written, every join is refused
  return refused;
}

bool RedisRegistry::leave([[maybe_unused]] ConnId conn, [[maybe_unused]] std::string_view room) {
  todo::note("RedisRegistry::leave", kStep3);
  return false;
}

bool RedisRegistry::is_member([[maybe_unused]] ConnId conn,
                              [[maybe_unused]] std::string_view room) const {
  todo::note("RedisRegistry::is_member", kStep3);
  return false;
}

std::span<const ConnId> RedisRegistry::members([[maybe_unused]] std::string_view room) const {
  todo::note("RedisRegistry::members", kStep3);
  return {};
}

std::vector<std::string> RedisRegistry::member_names([[maybe_unused]] std::string_view room) const {
  // TODO(lab 6, step 4): every instance's members (the members hash), sorted.
  todo::note("RedisRegistry::member_names", kStep4);
  return {};
}

void RedisRegistry::on_message([[maybe_unused]] std::string_view channel,
                               [[maybe_unused]] std::string_view payload) {
  // TODO(lab 6, steps 3 and 4): a message of a room: deliver it to local members in seq
  // order, drop one already delivered; presence, typing and private events of other
  // instances: deliver them. Then call wake_ so the app writes pending_.
  todo::note("RedisRegistry::on_message", kStep3);
}

bool RedisRegistry::send_elsewhere(
    [[maybe_unused]] std::string_view name,
    [[maybe_unused]] const std::shared_ptr<const std::string>& text) {
  // TODO(lab 6, step 4): find the instance holding `name` (wslab:user:<name>) and publish the
  // event on its channel; false when nobody holds the name.
  todo::note("RedisRegistry::send_elsewhere", kStep4);
  return false;
}

void RedisRegistry::publish_typing([[maybe_unused]] std::string_view room,
                                   [[maybe_unused]] const std::string& event_text) {
  todo::note("RedisRegistry::publish_typing", kStep4);
}

void RedisRegistry::resync() {
  // TODO(lab 6, step 5): Redis is back, maybe empty: counters never go back, restore the
  // history and names and members you know, resubscribe, deliver what you missed.
  todo::note("RedisRegistry::resync", kStep5);
}

}  // namespace wslab::rooms
