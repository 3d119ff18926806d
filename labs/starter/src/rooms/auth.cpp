// Lab 5, step 6: the token and the subprotocol requirement on connect
// (docs/rooms-protocol.md §1). Handout: labs/05-rooms/README.md. Contract: wslab/rooms/auth.hpp.
#include "wslab/rooms/auth.hpp"

#include "wslab/rooms/protocol.hpp"
#include "wslab/todo.hpp"

namespace wslab::rooms {
namespace {
constexpr std::string_view kStep6 = "labs/05-rooms/README.md step 6";
}  // namespace

bool TokenSet::accepts([[maybe_unused]] std::string_view token) const {
  // TODO(lab 5, step 6): compare with every token, without stopping at the first difference.
  todo::note("rooms::TokenSet::accepts", kStep6);
  return false;
}

Result<TokenSet> parse_token_file([[maybe_unused]] std::string_view contents) {
  // TODO(lab 5, step 6)
  return Error{todo::note("rooms::parse_token_file", kStep6)};
}

std::optional<std::string> query_parameter([[maybe_unused]] std::string_view target,
                                           [[maybe_unused]] std::string_view key) {
  // TODO(lab 5, step 6): the first `key` parameter of the query, percent-decoded.
  todo::note("rooms::query_parameter", kStep6);
  return std::nullopt;
}

UpgradeVerdict check_upgrade([[maybe_unused]] std::string_view target,
                             [[maybe_unused]] const std::vector<std::string>& offered,
                             [[maybe_unused]] const TokenSet& tokens) {
  // TODO(lab 5, step 6): token (401 missing, 403 not accepted), then the subprotocol (400).
  UpgradeVerdict v;
  v.status = 500;
  v.reason = todo::note("rooms::check_upgrade", kStep6);
  return v;
}

}  // namespace wslab::rooms
