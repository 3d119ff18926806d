// Gradescope's results.json (Autograder Specifications): one test per case
// with its points, tags per lab and group, the failure text and wire log as
// output, and a settable visibility.
#include <nlohmann/json.hpp>

#include "report_json.hpp"
#include "wslab/harness/report.hpp"

namespace wslab::harness {

using nlohmann::json;

std::string render_gradescope(const RunReport& report, const ReportOptions& options) {
  ReportOptions plain = options;
  plain.color = false;
  auto totals = report.totals();
  json tests = json::array();
  for (const auto& o : report.outcomes) {
    bool passed = !o.failed();
    std::string output;
    if (o.failed()) {
      output = render_failure(report, o, plain);
    } else {
      output = std::string(verdict_name(o.result.verdict));
      if (o.result.verdict != Verdict::kPass) output += ": " + o.result.observed;
      if (!o.info.description.empty()) output += "\n" + o.info.description;
    }
    json t{{"name", o.info.id + (o.info.description.empty() ? "" : ": " + o.info.description)},
           {"score", o.score},
           {"max_score", o.info.points},
           {"status", passed ? "passed" : "failed"},
           {"output", output},
           {"output_format", "text"},
           {"tags", json::array({"lab" + std::to_string(o.info.lab), o.info.group})},
           {"visibility", options.gradescope_visibility}};
    for (const auto& tag : o.info.tags) t["tags"].push_back(tag);
    tests.push_back(std::move(t));
  }
  std::string summary =
      render_text(report, ReportOptions{false, 0, false, "", false, options.tool_version});
  // Keep Gradescope's top-level output short: the summary table, not every failure.
  auto cut = summary.find("\nFailures\n");
  if (cut != std::string::npos)
    summary = summary.substr(0, cut) + "\n(see each failing test for details)\n";
  json j{{"score", totals.points},
         {"execution_time", static_cast<double>(report.duration.count()) / 1000.0},
         {"output", summary},
         {"output_format", "text"},
         {"visibility", options.gradescope_visibility},
         {"stdout_visibility", "hidden"},
         {"extra_data", json{{"schema", std::string(kReportSchema)},
                             {"target", report.target_url},
                             {"max_score", totals.max_points},
                             {"strict", report.strict}}},
         {"tests", std::move(tests)}};
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace wslab::harness
