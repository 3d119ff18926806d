// Invariants of the case catalog: size, ids, the data every case must carry,
// Autobahn coverage, and the UTF-8 tables checked against core's validator.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "../cases/utf8_sequences.hpp"
#include "wslab/harness/case.hpp"
#include "wslab/utf8.hpp"

namespace wslab::harness {
namespace {

const std::vector<Case>& all() {
  return catalog().cases();
}

bool has_tag(const CaseInfo& i, std::string_view tag) {
  return std::find(i.tags.begin(), i.tags.end(), tag) != i.tags.end();
}

// Plain matchers instead of std::regex: g++ 12 reports a false
// -Wmaybe-uninitialized inside <regex> at -O2 with sanitizers.
bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// [a-z0-9]+(\.[a-z0-9][a-z0-9-]*)+
bool is_dotted_id(std::string_view id) {
  std::size_t start = 0;
  int parts = 0;
  while (true) {
    std::size_t dot = id.find('.', start);
    std::string_view part = id.substr(start, dot == std::string_view::npos ? id.npos : dot - start);
    if (part.empty() || !is_lower_alnum(part[0])) return false;
    for (char c : part) {
      if (!is_lower_alnum(c) && !(parts > 0 && c == '-')) return false;
    }
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts >= 2;
}

// lessons/0[1-8]-[a-z0-9-]+\.md#[a-z0-9-]+
bool is_lesson_link(std::string_view s) {
  constexpr std::string_view kPrefix = "lessons/0";
  if (s.substr(0, kPrefix.size()) != kPrefix || s.size() < kPrefix.size() + 2) return false;
  char n = s[kPrefix.size()];
  if (n < '1' || n > '8' || s[kPrefix.size() + 1] != '-') return false;
  std::size_t md = s.find(".md#");
  if (md == std::string_view::npos || md <= kPrefix.size() + 2) return false;
  auto slug_ok = [](std::string_view x) {
    if (x.empty()) return false;
    for (char c : x) {
      if (!is_lower_alnum(c) && c != '-') return false;
    }
    return true;
  };
  return slug_ok(s.substr(kPrefix.size() + 2, md - kPrefix.size() - 2)) &&
         slug_ok(s.substr(md + 4));
}

TEST(HarnessCases, CatalogHasAtLeast380Cases) {
  EXPECT_GE(all().size(), 380u);
}

TEST(HarnessCases, IdsAreUniqueDottedLowerCaseAndStartWithTheGroup) {
  std::set<std::string> seen;
  for (const auto& c : all()) {
    EXPECT_TRUE(seen.insert(c.info.id).second) << "duplicate id " << c.info.id;
    EXPECT_TRUE(is_dotted_id(c.info.id)) << "badly formed id " << c.info.id;
    EXPECT_EQ(c.info.id.rfind(c.info.group + ".", 0), 0u)
        << c.info.id << " in group " << c.info.group;
  }
}

TEST(HarnessCases, EveryCaseStatesSectionQuoteHintLessonAndDescription) {
  for (const auto& c : all()) {
    const auto& i = c.info;
    EXPECT_FALSE(i.rfc_section.empty()) << i.id;
    EXPECT_GE(i.rfc_text.size(), 20u) << i.id << ": quote the sentence the case enforces";
    EXPECT_GE(i.hint.size(), 20u) << i.id;
    EXPECT_GE(i.description.size(), 20u) << i.id;
    EXPECT_TRUE(is_lesson_link(i.lesson)) << i.id << ": lesson link " << i.lesson;
    EXPECT_TRUE(static_cast<bool>(c.run)) << i.id;
  }
}

// Labs: handshake 1; framing, rsv, opcode, utf8, limits 2; fragmentation,
// close, ping (answering pings is lifecycle) 3; misc 2-3; robustness 1, 3, 6.
TEST(HarnessCases, EveryGroupHasItsLab) {
  // A group's cases sit in the first lab whose code they need (cumulative --lab N):
  // handshake-only cases in lab 1, cases that need an echo in lab 2, fragments and the
  // close handshake in lab 3.
  const std::map<std::string, std::set<int>> labs = {{"handshake", {1, 2}},
                                                     {"framing", {2}},
                                                     {"rsv", {2, 3}},
                                                     {"opcode", {2, 3}},
                                                     {"utf8", {2, 3}},
                                                     {"limits", {2, 3}},
                                                     {"ping", {3}},
                                                     {"fragmentation", {3}},
                                                     {"close", {3}},
                                                     {"misc", {2, 3}},
                                                     {"robustness", {1, 2, 3, 6}},
                                                     {"heartbeat", {4}},
                                                     {"rooms", {5}},
                                                     {"scale", {6}}};
  for (const auto& c : all()) {
    auto it = labs.find(c.info.group);
    ASSERT_NE(it, labs.end()) << "unknown group " << c.info.group;
    EXPECT_TRUE(it->second.count(c.info.lab)) << c.info.id << " has lab " << c.info.lab;
  }
}

TEST(HarnessCases, AtLeast25HandshakeCases) {
  auto n = std::count_if(all().begin(), all().end(),
                         [](const Case& c) { return c.info.group == "handshake"; });
  EXPECT_GE(n, 25);
}

// Autobahn groups 1-7, 9 and 10.1.1, each case mapped once.
TEST(HarnessCases, EveryAutobahnCoreCaseIsCovered) {
  std::map<std::string, int> per_group;
  std::set<std::string> ids;
  for (const auto& c : all()) {
    const auto& ab = c.info.autobahn;
    if (ab.empty()) continue;
    EXPECT_TRUE(ids.insert(ab).second) << "Autobahn " << ab << " mapped twice";
    per_group[ab.substr(0, ab.find('.'))]++;
  }
  EXPECT_EQ(per_group["1"], 16);
  EXPECT_EQ(per_group["2"], 11);
  EXPECT_EQ(per_group["3"], 7);
  EXPECT_EQ(per_group["4"], 10);
  EXPECT_EQ(per_group["5"], 20);
  EXPECT_EQ(per_group["6"], 145);
  EXPECT_EQ(per_group["7"], 37);
  EXPECT_EQ(per_group["9"], 54);
  EXPECT_EQ(per_group["10"], 1);
  EXPECT_TRUE(ids.count("10.1.1"));
}

TEST(HarnessCases, InformationalCasesAreTaggedAndWorthNoPoints) {
  int n = 0;
  for (const auto& c : all()) {
    EXPECT_EQ(c.info.points == 0, has_tag(c.info, "informational")) << c.info.id;
    n += c.info.points == 0 ? 1 : 0;
  }
  EXPECT_GE(n, 8);  // 7.1.6, 7.13.x, 1012-1014, non-minimal lengths, path, origin
}

// The suite must run in seconds against a good server: no case may plan long waits.
TEST(HarnessCases, TimeoutsAreTight) {
  for (const auto& c : all()) {
    Millis cap = c.info.bulk || c.info.exclusive ? Millis{20000} : Millis{3000};
    EXPECT_LE(c.info.timeout, cap) << c.info.id;
    EXPECT_GE(c.info.timeout, Millis{500}) << c.info.id;
  }
}

// RFC 3629 decides validity; the tables must agree with core's validator.
TEST(HarnessCases, KuhnTablesAgreeWithRfc3629) {
  const auto& seqs = cases::kuhn_sequences();
  EXPECT_EQ(seqs.size(), 132u);
  int valid = 0;
  for (const auto& s : seqs) {
    EXPECT_EQ(is_valid_utf8(s.bytes), s.valid) << s.autobahn << " " << s.name;
    valid += s.valid ? 1 : 0;
  }
  EXPECT_EQ(valid, 63);
}

TEST(HarnessCases, Utf8EncoderWritesRfc3629Forms) {
  EXPECT_EQ(cases::utf8_encode(0x2F), "/");
  EXPECT_EQ(cases::utf8_encode(0x7FF), "\xdf\xbf");
  EXPECT_EQ(cases::utf8_encode(0xFFFD), "\xef\xbf\xbd");
  EXPECT_EQ(cases::utf8_encode(0x10FFFF), "\xf4\x8f\xbf\xbf");
  EXPECT_EQ(cases::utf8_encode(0xD800), "\xed\xa0\x80");  // encodes surrogates on purpose
}

// GitHub's heading anchors: lower case, punctuation dropped (except '-'),
// spaces become '-'.
std::string slug(std::string_view heading) {
  std::string s;
  for (char c : heading) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0) {
      s += static_cast<char>(std::tolower(u));
    } else if (c == ' ' || c == '-') {
      s += '-';
    } else if (c == '_') {
      s += '_';
    }
  }
  return s;
}

// A lesson link must land on a heading of the lesson (when that lesson exists;
// lessons are written alongside the labs).
TEST(HarnessCases, LessonLinksLandOnHeadings) {
  std::map<std::string, std::set<std::string>> anchors;  // file -> slugs, empty set: missing
  for (const auto& c : all()) {
    std::string file = c.info.lesson.substr(0, c.info.lesson.find('#'));
    std::string anchor = c.info.lesson.substr(c.info.lesson.find('#') + 1);
    if (!anchors.count(file)) {
      std::set<std::string> slugs;
      std::ifstream f(std::string(WSLAB_SOURCE_DIR) + "/" + file);
      bool fence = false;
      for (std::string line; std::getline(f, line);) {
        if (line.rfind("```", 0) == 0) fence = !fence;
        if (fence || line.rfind("#", 0) != 0) continue;
        std::size_t text = line.find_first_not_of('#');
        if (text == std::string::npos || line[text] != ' ') continue;
        slugs.insert(slug(line.substr(text + 1)));
      }
      anchors[file] = slugs;
    }
    if (anchors[file].empty()) continue;  // lesson not written yet
    EXPECT_TRUE(anchors[file].count(anchor))
        << c.info.id << ": " << c.info.lesson << " has no heading with that anchor";
  }
}

}  // namespace
}  // namespace wslab::harness
