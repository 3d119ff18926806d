// The JSON report, schema "wslab.conform/1" (documented in
// docs/report-schema.md): run metadata, totals, per-group counts, server
// events, and every case with its verdict and (for non-passing cases) its
// wire log, bytes in base64.
#include <ctime>
#include <nlohmann/json.hpp>

#include "report_json.hpp"
#include "wslab/crypto.hpp"
#include "wslab/harness/report.hpp"

namespace wslab::harness {

using nlohmann::json;

std::string iso8601(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

json counts_json(const Counts& c) {
  return json{{"total", c.total}, {"pass", c.pass},     {"non_strict", c.non_strict},
              {"info", c.info},   {"fail", c.fail},     {"timeout", c.timeout},
              {"error", c.error}, {"points", c.points}, {"max_points", c.max_points},
              {"passed", c.ok()}};
}

json wire_json(const std::vector<WireRecord>& records) {
  json arr = json::array();
  for (const auto& r : records) {
    json j{{"at_us", r.at.count()}, {"conn", r.connection}};
    switch (r.direction) {
      case Direction::kSent:
        j["dir"] = "sent";
        break;
      case Direction::kReceived:
        j["dir"] = "received";
        break;
      case Direction::kNote:
        j["dir"] = "note";
        break;
    }
    if (r.direction == Direction::kNote) {
      j["note"] = r.note;
      if (r.event != WireEvent::kNone) j["event"] = std::string(wire_event_name(r.event));
    } else {
      j["size"] = r.bytes.size() + r.elided;
      j["data_b64"] = base64_encode(r.bytes);
      if (r.elided > 0) j["elided"] = r.elided;
    }
    arr.push_back(std::move(j));
  }
  return arr;
}

json case_info_json(const CaseInfo& i) {
  return json{{"id", i.id},
              {"group", i.group},
              {"lab", i.lab},
              {"rfc_section", i.rfc_section},
              {"rfc_text", i.rfc_text},
              {"autobahn", i.autobahn},
              {"points", i.points},
              {"description", i.description},
              {"hint", i.hint},
              {"lesson", i.lesson},
              {"timeout_ms", i.timeout.count()},
              {"exclusive", i.exclusive},
              {"bulk", i.bulk},
              {"tags", i.tags}};
}

std::string render_json(const RunReport& report, const ReportOptions& options) {
  json j;
  j["schema"] = std::string(kReportSchema);
  j["tool"] = json{{"name", "wslab"}, {"version", options.tool_version}};
  j["target"] =
      json{{"url", report.target_url},
           {"spawn", report.spawn_command.empty() ? json(nullptr) : json(report.spawn_command)}};
  j["run"] = json{{"started", iso8601(report.started)},
                  {"duration_ms", report.duration.count()},
                  {"selection", report.selection},
                  {"strict", report.strict},
                  {"quick", report.quick},
                  {"timeout_scale", report.timeout_scale},
                  {"jobs", report.jobs},
                  {"seed", report.seed}};
  if (!report.preflight_error.empty()) j["run"]["preflight_error"] = report.preflight_error;
  j["summary"] = counts_json(report.totals());
  json groups = json::array();
  for (const auto& g : report.groups()) {
    json gj = counts_json(g.counts);
    gj["group"] = g.group;
    groups.push_back(std::move(gj));
  }
  j["groups"] = std::move(groups);
  json events = json::array();
  for (const auto& e : report.server_events) {
    events.push_back(json{{"at_ms", e.at.count()},
                          {"what", e.what},
                          {"case", e.case_id.empty() ? json(nullptr) : json(e.case_id)}});
  }
  j["server_events"] = std::move(events);
  if (!report.server_output_tail.empty()) j["server_output_tail"] = report.server_output_tail;
  json cases = json::array();
  for (const auto& o : report.outcomes) {
    json c = case_info_json(o.info);
    c["verdict"] = std::string(verdict_name(o.result.verdict));
    c["case_verdict"] = std::string(verdict_name(o.original));
    c["score"] = o.score;
    c["expected"] = o.result.expected;
    c["observed"] = o.result.observed;
    c["detail"] = o.result.detail;
    c["runner_note"] = o.runner_note;
    c["duration_ms"] = static_cast<double>(o.duration.count()) / 1000.0;
    c["bytes_sent"] = o.bytes_sent;
    c["bytes_received"] = o.bytes_received;
    if (o.result.verdict != Verdict::kPass || options.wire_for_passing) {
      c["wire"] = wire_json(o.wire);
    }
    cases.push_back(std::move(c));
  }
  j["cases"] = std::move(cases);
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace wslab::harness
