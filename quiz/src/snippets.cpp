// Fenced code blocks and the wslab command lines inside shell blocks.
#include "wslab/quiz/snippets.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace wslab::quiz {

bool CodeBlock::has_flag(std::string_view f) const {
  return std::find(flags.begin(), flags.end(), f) != flags.end();
}

std::string CodeBlock::attr(const std::string& key) const {
  auto it = attrs.find(key);
  return it == attrs.end() ? std::string() : it->second;
}

namespace {

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

}  // namespace

std::vector<CodeBlock> extract_code_blocks(std::string_view markdown, const std::string& file) {
  std::vector<CodeBlock> blocks;
  std::istringstream in{std::string(markdown)};
  std::string line;
  int n = 0;
  bool open = false;
  char fence_char = 0;
  std::size_t fence_len = 0;
  std::size_t indent = 0;
  CodeBlock cur;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t lead = line.find_first_not_of(' ');
    if (!open) {
      if (lead == std::string::npos || lead > 3) continue;
      const char c = line[lead];
      if (c != '`' && c != '~') continue;
      std::size_t len = 0;
      while (lead + len < line.size() && line[lead + len] == c) ++len;
      if (len < 3) continue;
      open = true;
      fence_char = c;
      fence_len = len;
      indent = lead;
      cur = CodeBlock{};
      cur.file = file;
      cur.line = n;
      auto words = split_words(std::string_view(line).substr(lead + len));
      if (!words.empty()) {
        cur.lang = words.front();
        for (std::size_t i = 1; i < words.size(); ++i) {
          const auto eq = words[i].find('=');
          if (eq == std::string::npos) {
            cur.flags.push_back(words[i]);
          } else {
            cur.attrs[words[i].substr(0, eq)] = words[i].substr(eq + 1);
          }
        }
      }
      continue;
    }
    // Inside a block: a closing fence is the same character, at least as long.
    if (lead != std::string::npos && lead <= 3) {
      std::size_t len = 0;
      while (lead + len < line.size() && line[lead + len] == fence_char) ++len;
      if (len >= fence_len && line.find_first_not_of(' ', lead + len) == std::string::npos) {
        open = false;
        blocks.push_back(std::move(cur));
        continue;
      }
    }
    // Drop the fence's indentation from content lines (list items).
    std::size_t strip = 0;
    while (strip < indent && strip < line.size() && line[strip] == ' ') ++strip;
    cur.body += line.substr(strip) + "\n";
  }
  if (open) blocks.push_back(std::move(cur));  // unterminated: up to the end, like CommonMark
  return blocks;
}

namespace {

// Splits a shell line into simple commands and those into words (quotes
// removed; no expansion). Good enough for documentation commands.
std::vector<std::vector<std::string>> simple_commands(std::string_view line) {
  std::vector<std::vector<std::string>> cmds(1);
  std::string word;
  bool have_word = false;
  char quote = 0;
  auto end_word = [&] {
    if (have_word) cmds.back().push_back(word);
    word.clear();
    have_word = false;
  };
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        word += c;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      have_word = true;
    } else if (c == '#' && !have_word) {
      break;  // comment
    } else if (c == ' ' || c == '\t') {
      end_word();
    } else if (c == '|' || c == '&' || c == ';' || c == '(' || c == ')' || c == '`') {
      end_word();
      if (c == '&' && i + 1 < line.size() && line[i + 1] == '>') {  // &> redirect
        ++i;
        continue;
      }
      if (!cmds.back().empty()) cmds.emplace_back();
    } else if (c == '$' && i + 1 < line.size() && line[i + 1] == '(') {
      end_word();
      if (!cmds.back().empty()) cmds.emplace_back();
      ++i;
    } else {
      word += c;
      have_word = true;
    }
  }
  end_word();
  return cmds;
}

bool is_wslab_program(const std::string& w) {
  return w == "wslab" || (w.size() > 6 && w.compare(w.size() - 6, 6, "/wslab") == 0);
}

}  // namespace

std::vector<WslabCommand> wslab_commands(const CodeBlock& block) {
  std::vector<WslabCommand> out;
  const bool console = block.lang == "console";
  if (!console && block.lang != "sh" && block.lang != "bash" && block.lang != "shell") return out;
  std::istringstream in(block.body);
  std::string raw;
  int n = block.line;
  std::string pending;
  int pending_line = 0;
  while (std::getline(in, raw)) {
    ++n;
    std::string line = raw;
    if (console) {
      if (pending.empty()) {
        if (line.rfind("$ ", 0) != 0) continue;  // program output
        line = line.substr(2);
      }
    }
    if (pending.empty()) pending_line = n;
    if (!line.empty() && line.back() == '\\') {
      pending += line.substr(0, line.size() - 1) + " ";
      continue;
    }
    pending += line;
    for (auto& words : simple_commands(pending)) {
      std::size_t i = 0;
      while (i < words.size() && words[i].find('=') != std::string::npos &&
             words[i].front() != '-') {
        ++i;  // VAR=value prefixes
      }
      if (i < words.size() && (words[i] == "timeout" || words[i] == "exec")) {
        ++i;
        while (i < words.size() && !words[i].empty() &&
               (words[i].front() == '-' ||
                std::isdigit(static_cast<unsigned char>(words[i].front())) != 0)) {
          ++i;
        }
      }
      if (i >= words.size() || !is_wslab_program(words[i])) continue;
      WslabCommand cmd;
      cmd.file = block.file;
      cmd.line = pending_line;
      cmd.text = pending;
      cmd.words.assign(words.begin() + static_cast<std::ptrdiff_t>(i) + 1, words.end());
      out.push_back(std::move(cmd));
    }
    pending.clear();
  }
  return out;
}

}  // namespace wslab::quiz
