// `wslab conform --list`: the selected cases as a text table, JSON
// (schema "wslab.catalog/1") or Markdown (docs/case-catalog.md is exactly
// the Markdown of the whole catalog, generated, never edited by hand).
#pragma once

#include <string>
#include <vector>

#include "wslab/harness/case.hpp"

namespace wslab::harness {

enum class ListFormat { kText, kJson, kMarkdown };

std::string render_catalog(const std::vector<const Case*>& cases, ListFormat format);

}  // namespace wslab::harness
