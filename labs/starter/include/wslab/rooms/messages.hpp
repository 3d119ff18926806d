// PROVIDED (lab 5): plain data, nothing to write here.
// The messages of wslab.rooms.v1 as plain data (docs/rooms-protocol.md §4, §5).
// Client messages come from codec.hpp's parser; server events go to its
// encoder. No JSON here: these structs are what the rest of the code uses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "wslab/rooms/protocol.hpp"

namespace wslab::rooms {

// The optional `ref` of a client message, echoed in the direct reply (§2).
using Ref = std::variant<std::int64_t, std::string>;

// ---- client -> server (§4) ----
namespace client {
struct Hello {
  std::optional<std::string> name;
};
struct Join {
  std::string room;
  std::optional<std::uint64_t> since;
};
struct Leave {
  std::string room;
};
struct Say {
  std::string room;
  std::string text;
};
struct Private {
  std::string to;
  std::string text;
};
struct Typing {
  std::string room;
  bool active = false;
};
struct Ping {};
}  // namespace client

using ClientBody = std::variant<client::Hello, client::Join, client::Leave, client::Say,
                                client::Private, client::Typing, client::Ping>;

struct ClientMessage {
  ClientBody body;
  std::optional<Ref> ref;
};

// ---- server -> client (§5) ----
namespace event {
struct Welcome {
  std::string name;
  Limits limits;
  std::optional<Ref> ref;
};
struct Joined {
  std::string room;
  std::uint64_t seq = 0;
  std::vector<std::string> members;  // sorted
  std::uint64_t history = 0;
  bool truncated = false;
  bool reset = false;
  std::optional<Ref> ref;
};
struct Left {
  std::string room;
  std::optional<Ref> ref;
};
struct Message {
  std::string room;
  std::uint64_t seq = 0;
  std::string from;
  std::string text;
  std::int64_t ts = 0;  // Unix milliseconds
  bool history = false;
};
enum class PresenceAction : std::uint8_t { kJoin, kLeave };
enum class LeaveReason : std::uint8_t { kLeft, kDisconnected };
struct Presence {
  std::string room;
  std::string name;
  PresenceAction action = PresenceAction::kJoin;
  LeaveReason reason = LeaveReason::kLeft;  // only for kLeave
};
struct Private {
  std::string from;
  std::string to;
  std::string text;
  std::int64_t ts = 0;
};
struct Typing {
  std::string room;
  std::string from;
  bool active = false;
};
struct Pong {
  std::optional<Ref> ref;
};
struct Error {
  ErrorCode code = ErrorCode::kBadMessage;
  std::string message;
  std::optional<std::string> request;  // the failed message's type, if a string
  std::optional<Ref> ref;
};
}  // namespace event

using ServerEvent =
    std::variant<event::Welcome, event::Joined, event::Left, event::Message, event::Presence,
                 event::Private, event::Typing, event::Pong, event::Error>;

}  // namespace wslab::rooms
