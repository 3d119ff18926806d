// JUnit XML (the Ant/Jenkins de-facto schema): <testsuites>, one <testsuite>
// per group, one <testcase> per case; FAIL is <failure>, TIMEOUT and ERROR are
// <error>; the failure text and wire log go into the element body.
#include <cstdio>
#include <string>

#include "report_json.hpp"
#include "wslab/harness/report.hpp"

namespace wslab::harness {
namespace {

std::string secs(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

}  // namespace

std::string render_junit(const RunReport& report, const ReportOptions& options) {
  ReportOptions plain = options;
  plain.color = false;
  auto totals = report.totals();
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"wslab conform\" tests=\"" + std::to_string(totals.total) +
         "\" failures=\"" + std::to_string(totals.fail) + "\" errors=\"" +
         std::to_string(totals.timeout + totals.error) + "\" time=\"" +
         secs(static_cast<double>(report.duration.count()) / 1000.0) + "\">\n";
  for (const auto& g : report.groups()) {
    double t = 0;
    for (const auto& o : report.outcomes) {
      if (o.info.group == g.group) t += static_cast<double>(o.duration.count()) / 1e6;
    }
    out += "  <testsuite name=\"" + xml_escape(g.group) + "\" tests=\"" +
           std::to_string(g.counts.total) + "\" failures=\"" + std::to_string(g.counts.fail) +
           "\" errors=\"" + std::to_string(g.counts.timeout + g.counts.error) +
           "\" skipped=\"0\" time=\"" + secs(t) + "\" timestamp=\"" +
           iso8601(report.started).substr(0, 19) + "\">\n";
    out += "    <properties>\n";
    out += "      <property name=\"target\" value=\"" + xml_escape(report.target_url) + "\"/>\n";
    out += "      <property name=\"strict\" value=\"" +
           std::string(report.strict ? "true" : "false") + "\"/>\n";
    out += "    </properties>\n";
    for (const auto& o : report.outcomes) {
      if (o.info.group != g.group) continue;
      out += "    <testcase classname=\"wslab." + xml_escape(o.info.group) + "\" name=\"" +
             xml_escape(o.info.id) + "\" time=\"" +
             secs(static_cast<double>(o.duration.count()) / 1e6) + "\"";
      auto v = o.result.verdict;
      if (v == Verdict::kPass) {
        out += "/>\n";
        continue;
      }
      out += ">\n";
      std::string msg = o.result.observed;
      if (msg.size() > 300) msg = msg.substr(0, 300) + "...";
      if (v == Verdict::kFail) {
        out += "      <failure type=\"FAIL\" message=\"" + xml_escape(msg) + "\">" +
               xml_escape(render_failure(report, o, plain)) + "</failure>\n";
      } else if (v == Verdict::kTimeout || v == Verdict::kError) {
        out += "      <error type=\"" + std::string(verdict_name(v)) + "\" message=\"" +
               xml_escape(msg) + "\">" + xml_escape(render_failure(report, o, plain)) +
               "</error>\n";
      } else {
        out += "      <system-out>" + std::string(verdict_name(v)) + ": " +
               xml_escape(o.result.observed) + "</system-out>\n";
      }
      out += "    </testcase>\n";
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace wslab::harness
