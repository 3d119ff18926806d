// Which later lab a failed case needs, from what its probe sent.
#include "wslab/labs/deferral.hpp"

#include <algorithm>
#include <map>

#include "wslab/handshake.hpp"
#include "wslab/http.hpp"

namespace wslab::labs {
namespace {

struct Stream {
  std::string sent;
  std::string received;
  bool sent_cut = false;  // bytes were elided: stop reading there
  bool received_cut = false;
};

// Walks frame headers without judging them (the frames may be invalid on
// purpose). True when a complete, masked data frame has FIN=0 or is a
// continuation. Only complete masked frames count: when the server hung up in
// the middle of a frame sent in pieces, the probe's next frame (its Close)
// follows a cut frame and the walk reads garbage from there on.
bool sends_fragments(std::string_view bytes) {
  std::size_t pos = 0;
  while (bytes.size() - pos >= 2) {
    const auto b0 = static_cast<unsigned char>(bytes[pos]);
    const auto b1 = static_cast<unsigned char>(bytes[pos + 1]);
    const unsigned opcode = b0 & 0x0Fu;
    const bool fin = (b0 & 0x80u) != 0;
    const bool masked = (b1 & 0x80u) != 0;
    const unsigned len7 = b1 & 0x7Fu;
    const std::size_t ext = len7 == 126 ? 2 : (len7 == 127 ? 8 : 0);
    const std::size_t header = 2 + ext + (masked ? 4 : 0);
    if (bytes.size() - pos < header) return false;
    std::uint64_t len = len7;
    if (ext != 0) {
      len = 0;
      for (std::size_t i = 0; i < ext; ++i)
        len = (len << 8) | static_cast<unsigned char>(bytes[pos + 2 + i]);
    }
    if (len > bytes.size() - pos - header) return false;
    if (masked && (opcode == 0 || ((opcode == 1 || opcode == 2) && !fin))) return true;
    pos += header + static_cast<std::size_t>(len);
  }
  return false;
}

// The request head and what follows it, or nullopt when `bytes` does not start with one.
bool split_head(std::string_view bytes, std::string_view& head, std::string_view& rest) {
  const auto end = bytes.find("\r\n\r\n");
  if (end == std::string_view::npos) return false;
  head = bytes.substr(0, end + 4);
  rest = bytes.substr(end + 4);
  return true;
}

// The server's answer was a 101 a client accepts, for the key this request sent.
bool correct_101(std::string_view request_head, std::string_view response) {
  HttpRequest req;
  if (parse_request(request_head, req).state != ParseState::kComplete) return false;
  const auto key = req.headers.get("Sec-WebSocket-Key");
  if (!key) return false;
  HttpResponse res;
  if (parse_response(response, res).state != ParseState::kComplete) return false;
  ClientHandshakeRequest sent;
  sent.key = std::string(*key);
  for (const auto& p : offered_subprotocols(req)) sent.subprotocols.push_back(p);
  return validate_response(res, sent).is_ok();
}

}  // namespace

int later_lab_needed(const harness::CaseOutcome& outcome) {
  std::map<std::uint32_t, Stream> streams;
  for (const auto& r : outcome.wire) {
    Stream& s = streams[r.connection];
    if (r.direction == harness::Direction::kSent && !s.sent_cut) {
      s.sent += r.bytes;
      s.sent_cut = r.elided > 0;
    } else if (r.direction == harness::Direction::kReceived && !s.received_cut) {
      s.received += r.bytes;
      s.received_cut = r.elided > 0;
    }
  }
  int needed = 0;
  for (const auto& [id, s] : streams) {
    std::string_view head;
    std::string_view frames;
    if (!split_head(s.sent, head, frames)) continue;
    if (sends_fragments(frames)) needed = std::max(needed, 3);
    if (outcome.info.lab == 1 && !frames.empty() && correct_101(head, s.received)) {
      needed = std::max(needed, 2);
    }
  }
  return needed;
}

}  // namespace wslab::labs
