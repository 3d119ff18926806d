// --token / --token-file -> TokenSet (see token_config.hpp).
#include "wslab/rooms/token_config.hpp"

#include <fstream>
#include <sstream>

namespace wslab::rooms {

Result<TokenSet> load_tokens(const std::vector<std::string>& tokens,
                             const std::string& token_file) {
  TokenSet set;
  if (!token_file.empty()) {
    std::ifstream in(token_file, std::ios::binary);
    if (!in) return Error{"--token-file: cannot read " + token_file};
    std::ostringstream contents;
    contents << in.rdbuf();
    auto parsed = parse_token_file(contents.str());
    if (!parsed) return Error{"--token-file " + token_file + ": " + parsed.error()};
    set = std::move(*parsed);
  }
  for (const auto& t : tokens) {
    if (t.empty()) return Error{"--token: a token must not be empty"};
    set.add(t);
  }
  return set;
}

}  // namespace wslab::rooms
