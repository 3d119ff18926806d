// STARTER (lab 5, steps 2-3): you write labs/starter/src/rooms/codec.cpp. Handout:
// labs/05-rooms/README.md. The wslab.rooms.v1 codec: JSON text <-> the structs of messages.hpp
// (docs/rooms-protocol.md §2, §4, §5, §8). Pure functions, no I/O, no
// exceptions across the API: bad input becomes an error event.
//
// The server side parses in two stages because the protocol's order of checks
// (§8) puts a state check (hello_required, duplicate_hello) between them:
//   parse_envelope: JSON syntax and depth, `type`, `ref`;
//   decode_body:    the members of that type.
// The client side (harness, tests) gets the mirror image: encode_client and
// parse_server_event.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "wslab/result.hpp"
#include "wslab/rooms/messages.hpp"
#include "wslab/rooms/protocol.hpp"

namespace wslab::rooms {

enum class MessageType : std::uint8_t { kHello, kJoin, kLeave, kSay, kPrivate, kTyping, kPing };
std::string_view type_name(MessageType t);

// A client message whose JSON, type and ref are valid; the members are not yet checked.
struct Envelope {
  MessageType type = MessageType::kPing;
  std::optional<Ref> ref;
  std::shared_ptr<const nlohmann::json> object;
};

std::variant<Envelope, event::Error> parse_envelope(std::string_view text, const Limits& limits);
std::variant<ClientMessage, event::Error> decode_body(const Envelope& envelope,
                                                      const Limits& limits);
// Both stages in one call (no state check in between).
std::variant<ClientMessage, event::Error> parse_client_message(std::string_view text,
                                                               const Limits& limits);

// Server event -> one JSON text message, members in the documented order.
std::string encode(const ServerEvent& event);

// Client side.
std::string encode_client(const ClientMessage& message);
Result<ServerEvent> parse_server_event(std::string_view text);

// Deepest nesting of arrays/objects in a JSON text (strings are skipped); a
// cheap guard run before the real parser.
std::size_t json_depth(std::string_view text);

}  // namespace wslab::rooms
