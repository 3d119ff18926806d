// The tokens a rooms server accepts (docs/rooms-protocol.md §1), from its command
// line: --token (repeatable) and --token-file. `wslab serve --rooms`, its Redis
// variant and the libwebsockets refpeer all read them here, so the same mistake
// gets the same message everywhere. Neither given: an empty set (no authentication).
#pragma once

#include <string>
#include <vector>

#include "wslab/result.hpp"
#include "wslab/rooms/auth.hpp"

namespace wslab::rooms {

Result<TokenSet> load_tokens(const std::vector<std::string>& tokens, const std::string& token_file);

}  // namespace wslab::rooms
