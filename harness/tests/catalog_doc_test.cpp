// docs/case-catalog.md is generated from the code, never written by hand:
// this test fails when it no longer matches the catalog.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "wslab/harness/case.hpp"
#include "wslab/harness/catalog_list.hpp"

namespace wslab::harness {
namespace {

TEST(HarnessCatalogDoc, CaseCatalogMarkdownIsFresh) {
  std::vector<const Case*> all;
  for (const auto& c : catalog().cases()) all.push_back(&c);
  std::string want = render_catalog(all, ListFormat::kMarkdown);
  std::ifstream f(std::string(WSLAB_SOURCE_DIR) + "/docs/case-catalog.md", std::ios::binary);
  std::stringstream have;
  have << f.rdbuf();
  EXPECT_TRUE(have.str() == want)
      << "docs/case-catalog.md is stale (or missing). Regenerate it with:\n"
         "  wslab conform --list --format markdown > docs/case-catalog.md";
}

TEST(HarnessCatalogDoc, CaseIdsAreUnique) {
  std::set<std::string> seen;
  for (const auto& c : catalog().cases()) {
    EXPECT_TRUE(seen.insert(c.info.id).second) << "duplicate case id " << c.info.id;
  }
}

}  // namespace
}  // namespace wslab::harness
