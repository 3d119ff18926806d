// Fuzz target: the wslab.rooms.v1 codec (docs/rooms-protocol.md §2, §4, §5,
// §8), which parses untrusted JSON text messages from every client.
// Input: one text message.
// Invariants: no crash and no exception out of the codec; the two-stage parse
// (parse_envelope + decode_body) agrees with parse_client_message; a parsed
// client message or server event survives encode + parse unchanged.
#include <cstdint>
#include <string>
#include <variant>

#include "fuzz_support.hpp"
#include "wslab/rooms/codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wslab::rooms;
  using wslab::fuzz::printable;
  const std::string_view text = wslab::fuzz::as_text(data, size);
  const Limits limits;

  (void)json_depth(text);
  const auto whole = parse_client_message(text, limits);
  const auto envelope = parse_envelope(text, limits);
  if (const auto* env = std::get_if<Envelope>(&envelope)) {
    const auto body = decode_body(*env, limits);
    WSLAB_FUZZ_CHECK(body.index() == whole.index(),
                     "two-stage parse disagrees with one-stage parse");
  } else {
    WSLAB_FUZZ_CHECK(std::holds_alternative<event::Error>(whole),
                     "the envelope failed but the whole parse succeeded");
  }
  if (const auto* message = std::get_if<ClientMessage>(&whole)) {
    const std::string encoded = encode_client(*message);
    const auto again = parse_client_message(encoded, limits);
    const auto* back = std::get_if<ClientMessage>(&again);
    WSLAB_FUZZ_CHECK(back != nullptr,
                     "an encoded client message does not parse: " + printable(encoded));
    WSLAB_FUZZ_CHECK(encode_client(*back) == encoded,
                     "encode + parse changed a client message: " + printable(encoded));
  } else {
    const auto& error = std::get<event::Error>(whole);
    WSLAB_FUZZ_CHECK(!error.message.empty(), "an error event without a message");
    (void)encode(ServerEvent{error});
  }

  const auto server_event = parse_server_event(text);
  if (server_event.is_ok()) {
    const std::string encoded = encode(*server_event);
    const auto again = parse_server_event(encoded);
    WSLAB_FUZZ_CHECK(again.is_ok(),
                     "an encoded server event does not parse: " + printable(encoded));
    WSLAB_FUZZ_CHECK(encode(*again) == encoded, "encode + parse changed a server event");
  }
  return 0;
}
