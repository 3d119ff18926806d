// STARTER (lab 5, step 6): you write labs/starter/src/rooms/auth.cpp. Handout:
// labs/05-rooms/README.md. Authentication on connect and the subprotocol requirement of
// wslab.rooms.v1 (docs/rooms-protocol.md §1): the token travels in the
// `token` query parameter of the opening request (RFC 6455 §4.1 item 2,
// the resource name) and is checked before the 101 (RFC 6455 §4.2.2:
// the server may answer any HTTP status, e.g. 401/403, to refuse).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wslab/http.hpp"  // HttpHeader
#include "wslab/result.hpp"

namespace wslab::rooms {

class TokenSet {
 public:
  void add(std::string token) { tokens_.push_back(std::move(token)); }
  [[nodiscard]] bool empty() const { return tokens_.empty(); }
  [[nodiscard]] std::size_t size() const { return tokens_.size(); }
  // Compares with every token without stopping early (no timing shortcut).
  [[nodiscard]] bool accepts(std::string_view token) const;

 private:
  std::vector<std::string> tokens_;
};

// A token file: one token per line; blank lines and lines starting with '#'
// are skipped; surrounding spaces, tabs and a CR are trimmed. No tokens -> error
// (an empty file must not silently turn authentication off).
Result<TokenSet> parse_token_file(std::string_view contents);

// The first `key` parameter of the request-target's query, percent-decoded
// (%XX; '+' is not special). nullopt when absent.
std::optional<std::string> query_parameter(std::string_view target, std::string_view key);

struct UpgradeVerdict {
  int status = 101;                 // 101: accept with kSubprotocol; else refuse with this status
  std::string reason;               // body text for a refusal
  std::vector<HttpHeader> headers;  // e.g. WWW-Authenticate for 401
};

// §1's order: token (401 missing, 403 not accepted), then the subprotocol (400).
// The RFC 6455 checks have already passed (the core's handshake did them and
// split Sec-WebSocket-Protocol into `offered`, event::Upgrade). Subprotocol
// names compare exactly.
UpgradeVerdict check_upgrade(std::string_view target, const std::vector<std::string>& offered,
                             const TokenSet& tokens);

}  // namespace wslab::rooms
