// Which cases a run includes: --lab N (labs 1..N, cumulative), --group,
// --case GLOB and --exclude GLOB. Case ids are dotted (RFC-section style
// groups, e.g. "utf8.invalid.6.12.3").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wslab/harness/case.hpp"

namespace wslab::harness {

struct Selection {
  int lab = 0;                                 // 0: every lab; N: labs 1..N
  std::vector<std::string> groups;             // empty: every group
  std::vector<std::string> include;            // --case: empty means every case
  std::vector<std::string> exclude;            // --exclude
  [[nodiscard]] std::string describe() const;  // "--lab 2 --case 'close.*'" (for reports)
};

// Shell-style glob over a case id: '*' matches any run of characters (dots
// included), '?' one character. A pattern without wildcards matches the id
// itself or any id below it ("close.code" matches "close.code.invalid.1005").
bool glob_match(std::string_view pattern, std::string_view id);

// The selected cases, in catalog order.
std::vector<const Case*> select_cases(const std::vector<Case>& all, const Selection& s);

}  // namespace wslab::harness
