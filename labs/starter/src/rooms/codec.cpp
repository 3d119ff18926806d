// Lab 5, steps 2-3: the wslab.rooms.v1 codec, JSON <-> messages.hpp
// (docs/rooms-protocol.md §2, §4, §5, §8). Use nlohmann::json
// (json::parse(text, nullptr, false) does not throw: check is_discarded()).
// Handout: labs/05-rooms/README.md. Contract: wslab/rooms/codec.hpp.
#include "wslab/rooms/codec.hpp"

#include <nlohmann/json.hpp>

#include "wslab/todo.hpp"

namespace wslab::rooms {
namespace {
constexpr std::string_view kStep2 = "labs/05-rooms/README.md step 2";
constexpr std::string_view kStep3 = "labs/05-rooms/README.md step 3";

event::Error not_written(std::string_view function) {
  event::Error e;
  e.code = ErrorCode::kBadJson;
  e.message = todo::note(function, kStep2);
  return e;
}
}  // namespace

std::string_view type_name([[maybe_unused]] MessageType t) {
  // TODO(lab 5, step 2): "hello", "join", "leave", "say", "private", "typing", "ping".
  todo::note("rooms::type_name", kStep2);
  return "not-implemented";
}

std::size_t json_depth([[maybe_unused]] std::string_view text) {
  // TODO(lab 5, step 2): the deepest nesting of [ and {, skipping strings.
  todo::note("rooms::json_depth", kStep2);
  return 0;
}

std::variant<Envelope, event::Error> parse_envelope([[maybe_unused]] std::string_view text,
                                                    [[maybe_unused]] const Limits& limits) {
  // TODO(lab 5, step 2): §8 checks 2-4: JSON, depth, an object; `type`; `ref`.
  return not_written("rooms::parse_envelope");
}

std::variant<ClientMessage, event::Error> decode_body([[maybe_unused]] const Envelope& envelope,
                                                      [[maybe_unused]] const Limits& limits) {
  // TODO(lab 5, step 2): §8 checks 6-7 for the members of envelope.type.
  return not_written("rooms::decode_body");
}

std::variant<ClientMessage, event::Error> parse_client_message(
    [[maybe_unused]] std::string_view text, [[maybe_unused]] const Limits& limits) {
  // TODO(lab 5, step 2): parse_envelope, then decode_body.
  return not_written("rooms::parse_client_message");
}

std::string encode([[maybe_unused]] const ServerEvent& event) {
  // TODO(lab 5, step 3): one JSON object per event, members as in §5.
  todo::note("rooms::encode", kStep3);
  return "{}";
}

std::string encode_client([[maybe_unused]] const ClientMessage& message) {
  // TODO(lab 5, step 3): the client side (used by clients and tests).
  todo::note("rooms::encode_client", kStep3);
  return "{}";
}

Result<ServerEvent> parse_server_event([[maybe_unused]] std::string_view text) {
  // TODO(lab 5, step 3): the client side.
  return Error{todo::note("rooms::parse_server_event", kStep3)};
}

}  // namespace wslab::rooms
