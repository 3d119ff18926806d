// Code blocks in the lessons (CommonMark fenced blocks), so a test can compile
// and run every C++ snippet and check every `wslab ...` command line. The
// conventions are documented in lessons/README.md:
//   ```cpp title=accept.cpp runnable   compiled, linked with core, run; its output
//   ```text output                     must equal the next block, marked `output`
//   ```cpp title=frame-rules.cpp       compiled (syntax and types) only
//   ```console / ```sh                 lines starting with "$ " / every line are
//                                      commands; `wslab` invocations are checked
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace wslab::quiz {

struct CodeBlock {
  std::string file;
  int line = 0;  // line of the opening fence
  std::string lang;
  std::map<std::string, std::string> attrs;  // key=value words of the info string
  std::vector<std::string> flags;            // bare words after the language
  std::string body;
  [[nodiscard]] bool has_flag(std::string_view f) const;
  [[nodiscard]] std::string attr(const std::string& key) const;
};

std::vector<CodeBlock> extract_code_blocks(std::string_view markdown, const std::string& file);

// One `wslab` invocation found in a shell block, already split into words
// (quotes removed), starting after the program name.
struct WslabCommand {
  std::string file;
  int line = 0;
  std::string text;                // the whole command as written
  std::vector<std::string> words;  // e.g. {"conform", "--lab", "1", "ws://..."}
};

// Shell blocks: console (only "$ " lines), sh/bash/shell (every line). Splits
// pipelines and lists (| && || ; &) and finds each `wslab` (or .../bin/wslab).
std::vector<WslabCommand> wslab_commands(const CodeBlock& block);

}  // namespace wslab::quiz
