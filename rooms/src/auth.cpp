// Token and subprotocol checks of the rooms handshake (docs/rooms-protocol.md §1).
#include "wslab/rooms/auth.hpp"

#include <algorithm>

#include "wslab/rooms/protocol.hpp"

namespace wslab::rooms {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];  // a stray '%' stays as it is
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

bool TokenSet::accepts(std::string_view token) const {
  bool found = false;
  for (const auto& t : tokens_) {
    unsigned diff = t.size() == token.size() ? 0u : 1u;
    const std::size_t n = std::min(t.size(), token.size());
    for (std::size_t i = 0; i < n; ++i) {
      diff |= static_cast<unsigned>(static_cast<unsigned char>(t[i]) ^
                                    static_cast<unsigned char>(token[i]));
    }
    found |= (diff == 0);
  }
  return found;
}

Result<TokenSet> parse_token_file(std::string_view contents) {
  TokenSet set;
  while (!contents.empty()) {
    const auto nl = contents.find('\n');
    const std::string_view line = trim(contents.substr(0, nl));
    contents.remove_prefix(nl == std::string_view::npos ? contents.size() : nl + 1);
    if (line.empty() || line.front() == '#') continue;
    set.add(std::string(line));
  }
  if (set.empty()) return Error{"the token file holds no token (one per line, # for comments)"};
  return set;
}

std::optional<std::string> query_parameter(std::string_view target, std::string_view key) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view query = target.substr(q + 1);
  if (const auto hash = query.find('#'); hash != std::string_view::npos) {
    query = query.substr(0, hash);
  }
  while (true) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    if (percent_decode(name) == key) {
      return eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) return std::nullopt;
    query.remove_prefix(amp + 1);
  }
}

UpgradeVerdict check_upgrade(std::string_view target, const std::vector<std::string>& offered,
                             const TokenSet& tokens) {
  UpgradeVerdict v;
  if (!tokens.empty()) {
    const auto token = query_parameter(target, "token");
    if (!token || token->empty()) {
      v.status = 401;
      v.reason = "wslab.rooms.v1: this server needs a token: add ?token=... to the URL\n";
      v.headers.push_back({"WWW-Authenticate", "Bearer realm=\"wslab.rooms\""});
      return v;
    }
    if (!tokens.accepts(*token)) {
      v.status = 403;
      v.reason = "wslab.rooms.v1: the token was not accepted\n";
      return v;
    }
  }
  if (std::find(offered.begin(), offered.end(), kSubprotocol) == offered.end()) {
    v.status = 400;
    v.reason = "wslab.rooms.v1: offer the subprotocol in Sec-WebSocket-Protocol: wslab.rooms.v1\n";
    return v;
  }
  return v;
}

}  // namespace wslab::rooms
