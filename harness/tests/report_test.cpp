// Report writers: the JSON schema, JUnit XML, Gradescope results.json, the
// GitHub Classroom runner result, the HTML page, the terminal report, atomic
// file writing, and the synthesised pcapng (checked byte by byte here; with
// tshark in tshark_test.cpp).
#include "wslab/harness/report.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "report_fixture.hpp"
#include "wslab/frame.hpp"
#include "wslab/harness/catalog_list.hpp"
#include "wslab/harness/pcapng.hpp"

namespace wslab::harness {
namespace {

using nlohmann::json;

TEST(HarnessReportJson, HasTheSchemaAndEveryCase) {
  auto r = testing::sample_report();
  auto j = json::parse(render_json(r, ReportOptions{}));
  EXPECT_EQ(j["schema"], "wslab.conform/1");
  EXPECT_EQ(j["cases"].size(), r.outcomes.size());
  EXPECT_EQ(j["summary"]["fail"], 1);
  EXPECT_EQ(j["summary"]["passed"], false);
  const auto& fail = j["cases"][1];
  EXPECT_EQ(fail["verdict"], "FAIL");
  EXPECT_EQ(fail["rfc_section"], "7.4.1");
  ASSERT_TRUE(fail.contains("wire"));
  EXPECT_EQ(fail["wire"][0]["dir"], "note");
  EXPECT_FALSE(j["cases"][0].contains("wire"));  // PASS: no wire log by default
  EXPECT_EQ(j["groups"].size(), 2u);
}

TEST(HarnessReportJson, SurvivesBytesThatAreNotUtf8) {
  auto r = testing::sample_report();
  r.outcomes[1].result.observed = std::string("bad \xff\xfe bytes");
  EXPECT_NO_THROW({
    auto j = json::parse(render_json(r, ReportOptions{}));
    (void)j;
  });
}

// A small well-formedness check: tags balance and nest.
bool balanced_xml(const std::string& xml, std::string& why) {
  std::vector<std::string> stack;
  std::size_t i = 0;
  while ((i = xml.find('<', i)) != std::string::npos) {
    auto end = xml.find('>', i);
    if (end == std::string::npos) {
      why = "unterminated tag";
      return false;
    }
    std::string tag = xml.substr(i + 1, end - i - 1);
    i = end + 1;
    if (tag.empty() || tag[0] == '?' || tag[0] == '!') continue;
    if (tag.back() == '/') continue;
    std::string name = tag.substr(tag[0] == '/' ? 1 : 0);
    name = name.substr(0, name.find_first_of(" \t\n"));
    if (tag[0] == '/') {
      if (stack.empty() || stack.back() != name) {
        why = "unexpected </" + name + ">";
        return false;
      }
      stack.pop_back();
    } else {
      stack.push_back(name);
    }
  }
  if (!stack.empty()) why = "unclosed <" + stack.back() + ">";
  return stack.empty();
}

TEST(HarnessReportJunit, IsWellFormedWithFailuresAndErrors) {
  auto r = testing::sample_report();
  r.outcomes[1].result.observed = "close 1000 <&> \x01 \xff";
  auto xml = render_junit(r, ReportOptions{});
  std::string why;
  EXPECT_TRUE(balanced_xml(xml, why)) << why;
  EXPECT_NE(xml.find("<testsuites"), std::string::npos);
  EXPECT_NE(xml.find("<failure type=\"FAIL\""), std::string::npos);
  EXPECT_NE(xml.find("<error type=\"TIMEOUT\""), std::string::npos);
  EXPECT_NE(xml.find("&lt;&amp;&gt;"), std::string::npos);
  EXPECT_EQ(xml.find('\x01'), std::string::npos);  // not allowed in XML 1.0
  EXPECT_NE(xml.find("tests=\"4\""), std::string::npos);
}

TEST(HarnessReportGradescope, HasPointsTagsAndVisibility) {
  auto r = testing::sample_report();
  ReportOptions o;
  o.gradescope_visibility = "after_published";
  auto j = json::parse(render_gradescope(r, o));
  EXPECT_EQ(j["score"], 3);  // pass (2) + non-strict (1); fail and timeout score 0
  ASSERT_EQ(j["tests"].size(), 4u);
  const auto& fail = j["tests"][1];
  EXPECT_EQ(fail["status"], "failed");
  EXPECT_EQ(fail["score"], 0);
  EXPECT_EQ(fail["max_score"], 1);
  EXPECT_EQ(fail["visibility"], "after_published");
  EXPECT_EQ(fail["tags"][0], "lab3");
  EXPECT_NE(fail["output"].get<std::string>().find("wire log"), std::string::npos);
  EXPECT_EQ(j["tests"][0]["status"], "passed");
  EXPECT_EQ(j["visibility"], "after_published");
}

// autograding-grading-reporter sums tests[].score against max_score.
TEST(HarnessReportClassroom, HasTheRunnerResultShape) {
  auto r = testing::sample_report();
  auto j = json::parse(render_classroom(r, ReportOptions{}));
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["status"], "fail");
  EXPECT_EQ(j["max_score"], 5);
  int sum = 0;
  for (const auto& t : j["tests"]) {
    for (auto key :
         {"name", "status", "score", "message", "test_code", "filename", "line_no", "duration"}) {
      EXPECT_TRUE(t.contains(key)) << key;
    }
    sum += t["score"].get<int>();
  }
  EXPECT_EQ(sum, 3);
  EXPECT_EQ(j["tests"][1]["status"], "fail");
  EXPECT_EQ(j["tests"][0]["status"], "pass");
}

TEST(HarnessReportHtml, IsSelfContainedWithFilters) {
  auto r = testing::sample_report();
  r.outcomes[1].result.observed = "<script>alert(1)</script>";
  auto html = render_html(r, ReportOptions{});
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_NE(html.find("id=\"filters\""), std::string::npos);
  EXPECT_NE(html.find("data-verdict=\"FAIL\""), std::string::npos);
  EXPECT_NE(html.find("<option>close</option>"), std::string::npos);
  EXPECT_EQ(html.find("<script>alert(1)"), std::string::npos);  // escaped
  EXPECT_NE(html.find("frame close"), std::string::npos);       // the decoded wire log
}

TEST(HarnessReportText, ShowsWhatAStudentNeedsForAFailure) {
  auto r = testing::sample_report();
  auto text = render_text(r, ReportOptions{});
  for (auto want :
       {"close.code.invalid.1005", "RFC 6455 §7.4.1", "MUST NOT be set", "expected: close 1002",
        "observed: close 1000", "hint:", "reread:", "lessons/04-lifecycle.md",
        "frame close fin=1 len=2 mask=", "code=1005", "HTTP/1.1 101",
        "reproduce: wslab conform --case close.code.invalid.1005", "FAILED", "NON-STRICT"}) {
    EXPECT_NE(text.find(want), std::string::npos) << "missing: " << want << "\n" << text;
  }
  EXPECT_EQ(text.find("\x1b["), std::string::npos);  // no colour unless asked
}

TEST(HarnessReportText, PassingRunSaysPassed) {
  auto r = testing::sample_report();
  r.outcomes.resize(1);
  auto text = render_text(r, ReportOptions{});
  EXPECT_NE(text.find("PASSED"), std::string::npos);
  EXPECT_EQ(text.find("Failures"), std::string::npos);
}

TEST(HarnessReportWrite, WritesEveryFileAtomically) {
  auto dir =
      std::filesystem::temp_directory_path() / ("wslab-report-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto r = testing::sample_report();
  auto written = write_reports(dir.string(), r, ReportOptions{});
  ASSERT_TRUE(written.is_ok()) << written.error();
  for (auto name :
       {"report.json", "junit.xml", "results.json", "classroom.json", "report.html", "report.txt",
        "pcap/close.code.invalid.1005.pcapng", "pcap/ping.flood.pcapng"}) {
    EXPECT_TRUE(std::filesystem::exists(dir / name)) << name;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "pcap/handshake.ok.pcapng"));  // only failures
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << e.path();
  }
  std::filesystem::remove_all(dir);
}

// ---------------------------------------------------------------- pcapng

std::uint32_t le32(const std::string& s, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3])) << 24);
}

std::uint16_t checksum(std::string_view data) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < data.size(); i += 2) {
    sum += (static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << 8) |
           static_cast<unsigned char>(data[i + 1]);
  }
  if (data.size() % 2)
    sum += static_cast<std::uint32_t>(static_cast<unsigned char>(data.back())) << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

// pcapng blocks chain by their lengths; every IPv4 header and TCP segment
// checksums to zero (RFC 1071); SYN, SYN-ACK, ACK open each connection.
TEST(HarnessPcapng, BlocksChainAndChecksumsVerify) {
  auto r = testing::sample_report();
  PcapOptions po;
  po.server_port = 9001;
  po.comment = "FAIL close.code.invalid.1005";
  auto cap = build_pcapng(r.outcomes[1].wire, po);
  ASSERT_GE(cap.size(), 28u);
  EXPECT_EQ(le32(cap, 0), 0x0A0D0D0Au);
  EXPECT_EQ(le32(cap, 8), 0x1A2B3C4Du);
  std::size_t at = 0, packets = 0;
  std::vector<std::uint8_t> flags;
  bool comment_seen = false;
  while (at < cap.size()) {
    auto type = le32(cap, at);
    auto len = le32(cap, at + 4);
    ASSERT_EQ(len % 4, 0u);
    ASSERT_LE(at + len, cap.size());
    ASSERT_EQ(le32(cap, at + len - 4), len);
    if (type == 6) {
      ++packets;
      auto caplen = le32(cap, at + 20);
      std::string pkt = cap.substr(at + 28, caplen);
      ASSERT_GE(pkt.size(), 54u);
      EXPECT_EQ(pkt.substr(12, 2), std::string("\x08\x00", 2));
      std::string ip = pkt.substr(14, 20);
      EXPECT_EQ(checksum(ip), 0);
      std::string tcp = pkt.substr(34);
      std::string pseudo = ip.substr(12, 8) + std::string("\x00\x06", 2);
      pseudo += static_cast<char>(tcp.size() >> 8);
      pseudo += static_cast<char>(tcp.size() & 0xff);
      EXPECT_EQ(checksum(pseudo + tcp), 0);
      flags.push_back(static_cast<std::uint8_t>(tcp[13]));
      if (cap.find("FAIL close.code.invalid.1005", at) < at + len) comment_seen = true;
    }
    at += len;
  }
  EXPECT_TRUE(comment_seen);
  ASSERT_GE(flags.size(), 3u);
  EXPECT_EQ(flags[0], 0x02);  // SYN
  EXPECT_EQ(flags[1], 0x12);  // SYN-ACK
  EXPECT_EQ(flags[2], 0x10);  // ACK
  EXPECT_EQ(packets, flags.size());
}

// ---------------------------------------------------------------- listing

TEST(HarnessCatalogList, MarkdownHasAGroupTableAndEveryCase) {
  std::vector<Case> cs;
  for (const auto& o : testing::sample_report().outcomes) cs.push_back(Case{o.info, {}});
  std::vector<const Case*> ptrs;
  for (const auto& c : cs) ptrs.push_back(&c);
  auto md = render_catalog(ptrs, ListFormat::kMarkdown);
  EXPECT_NE(md.find("# Conformance case catalog"), std::string::npos);
  EXPECT_NE(md.find("| `close.code.invalid.1005` | 3 | §7.4.1 | 7.9.4 |"), std::string::npos) << md;
  EXPECT_NE(md.find("## handshake"), std::string::npos);
  auto j = json::parse(render_catalog(ptrs, ListFormat::kJson));
  EXPECT_EQ(j["schema"], "wslab.catalog/1");
  EXPECT_EQ(j["count"], 4);
  EXPECT_NE(render_catalog(ptrs, ListFormat::kText).find("4 cases"), std::string::npos);
}

}  // namespace
}  // namespace wslab::harness
