// The GitHub Classroom runner result, as autograding-grading-reporter reads it
// from a step output (base64): {"version":1,"status","max_score","tests":[...]}.
// The reporter sums tests[].score against max_score, so every test carries
// its own score and a status consistent with it.
#include <nlohmann/json.hpp>

#include "wslab/harness/report.hpp"

namespace wslab::harness {

using nlohmann::json;

std::string render_classroom(const RunReport& report, const ReportOptions& options) {
  ReportOptions plain = options;
  plain.color = false;
  plain.wire_records = 12;
  auto totals = report.totals();
  json tests = json::array();
  bool any_error = false;
  for (const auto& o : report.outcomes) {
    std::string status = "pass";
    if (o.result.verdict == Verdict::kFail || o.result.verdict == Verdict::kTimeout)
      status = "fail";
    if (o.result.verdict == Verdict::kError) {
      status = "error";
      any_error = true;
    }
    tests.push_back(json{{"name", o.info.id},
                         {"status", status},
                         {"score", o.score},
                         {"message", o.failed() ? render_failure(report, o, plain)
                                                : std::string(verdict_name(o.result.verdict))},
                         {"test_code", reproduce_command(report, o)},
                         {"filename", ""},
                         {"line_no", 0},
                         {"duration", o.duration.count() / 1000}});
  }
  std::string status = totals.ok() ? "pass" : (any_error && totals.fail == 0 ? "error" : "fail");
  json j{{"version", 1},
         {"status", status},
         {"max_score", totals.max_points},
         {"tests", std::move(tests)}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace wslab::harness
