// Case selection: labs (cumulative), groups and id globs.
#include "wslab/harness/selection.hpp"

#include <algorithm>

namespace wslab::harness {
namespace {

bool wildcard_match(std::string_view p, std::string_view s) {
  // Iterative '*' / '?' matcher with single backtrack point (linear in practice).
  std::size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == s[si])) {
      ++pi;
      ++si;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view id) {
  if (pattern.find_first_of("*?") != std::string_view::npos) return wildcard_match(pattern, id);
  if (id == pattern) return true;
  return id.size() > pattern.size() && id.substr(0, pattern.size()) == pattern &&
         id[pattern.size()] == '.';
}

std::vector<const Case*> select_cases(const std::vector<Case>& all, const Selection& s) {
  std::vector<const Case*> out;
  for (const auto& c : all) {
    if (s.lab > 0 && c.info.lab > s.lab) continue;
    if (!s.groups.empty() &&
        std::find(s.groups.begin(), s.groups.end(), c.info.group) == s.groups.end()) {
      continue;
    }
    if (!s.include.empty() && std::none_of(s.include.begin(), s.include.end(),
                                           [&](auto& g) { return glob_match(g, c.info.id); })) {
      continue;
    }
    if (std::any_of(s.exclude.begin(), s.exclude.end(),
                    [&](auto& g) { return glob_match(g, c.info.id); })) {
      continue;
    }
    out.push_back(&c);
  }
  return out;
}

std::string Selection::describe() const {
  std::string out;
  auto add = [&](const std::string& flag, const std::string& value) {
    if (!out.empty()) out += ' ';
    out += flag + " '" + value + "'";
  };
  if (lab > 0) {
    if (!out.empty()) out += ' ';
    out += "--lab " + std::to_string(lab);
  }
  for (const auto& g : groups) add("--group", g);
  for (const auto& g : include) add("--case", g);
  for (const auto& g : exclude) add("--exclude", g);
  return out.empty() ? "all cases" : out;
}

}  // namespace wslab::harness
