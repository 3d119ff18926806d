// The terminal report: a summary table per group, then every failure with
// the RFC sentence, expected vs observed, the bytes that mattered, the hint
// and the lesson to reread; NON-STRICT and INFO cases are listed briefly.
#include <cstdio>
#include <string>

#include "wslab/harness/report.hpp"
#include "wslab/harness/server_process.hpp"

namespace wslab::harness {
namespace {

struct Palette {
  bool on;
  [[nodiscard]] std::string paint(std::string_view code, std::string_view s) const {
    if (!on) return std::string(s);
    return "\x1b[" + std::string(code) + "m" + std::string(s) + "\x1b[0m";
  }
  [[nodiscard]] std::string verdict(Verdict v) const {
    switch (v) {
      case Verdict::kPass:
        return paint("32", verdict_name(v));
      case Verdict::kNonStrict:
        return paint("33", verdict_name(v));
      case Verdict::kInfo:
        return paint("36", verdict_name(v));
      default:
        return paint("1;31", verdict_name(v));
    }
  }
  [[nodiscard]] std::string bold(std::string_view s) const { return paint("1", s); }
  [[nodiscard]] std::string dim(std::string_view s) const { return paint("2", s); }
};

std::string pad_right(std::string s, std::size_t n) {
  if (s.size() < n) s.append(n - s.size(), ' ');
  return s;
}

std::string pad_left(const std::string& s, std::size_t n) {
  return s.size() < n ? std::string(n - s.size(), ' ') + s : s;
}

std::string counts_row(const std::string& name, const Counts& c) {
  std::string row = pad_right(name, 16);
  for (int v : {c.pass, c.non_strict, c.info, c.fail, c.timeout, c.error}) {
    row += pad_left(std::to_string(v), 8);
  }
  row += pad_left(std::to_string(c.points) + "/" + std::to_string(c.max_points), 12);
  return row;
}

std::string indent_block(const std::string& text, std::string_view indent) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    out += std::string(indent) +
           text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos) + "\n";
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return out;
}

std::string seconds(std::chrono::milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

}  // namespace

std::string reproduce_command(const RunReport& report, const CaseOutcome& o) {
  std::string cmd = "wslab conform --case " + o.info.id;
  if (report.strict) cmd += " --strict";
  if (report.quick) cmd += " --quick";
  // Rooms and heartbeat cases talk to their own servers: name those (with the built-in
  // server, conform starts them again by itself).
  const bool builtin = report.spawn_command.rfind("wslab serve --port 0", 0) == 0;
  if (o.info.needs == TargetKind::kRooms) {
    if (builtin) return cmd;
    for (const auto& u : report.rooms_urls) cmd += " --rooms " + u;
    return cmd;
  }
  if (o.info.needs == TargetKind::kHeartbeat) {
    if (builtin) return cmd;
    return cmd + " --heartbeat " + report.heartbeat_url + " --ping-interval " +
           std::to_string(report.heartbeat.ping_interval.count()) + " --pong-timeout " +
           std::to_string(report.heartbeat.pong_timeout.count());
  }
  if (!report.spawn_command.empty()) {
    if (report.spawn_command == "wslab serve --port 0") return cmd;
    return cmd + " --spawn " + shell_quote(report.spawn_command);
  }
  return cmd + " " + report.target_url;
}

std::string render_failure(const RunReport& report, const CaseOutcome& o,
                           const ReportOptions& options) {
  Palette p{options.color};
  const auto& i = o.info;
  std::string out;
  out += p.verdict(o.result.verdict) + "  " + p.bold(i.id) + "  (" + i.group + ", lab " +
         std::to_string(i.lab) + ", " + std::to_string(i.points) +
         (i.points == 1 ? " point" : " points") +
         (i.autobahn.empty() ? "" : ", Autobahn " + i.autobahn) + ")\n";
  if (!i.description.empty()) out += "  " + i.description + "\n";
  if (!i.rfc_section.empty() || !i.rfc_text.empty()) {
    out += "  " + rule_reference(i) + (i.rfc_text.empty() ? "" : ": " + i.rfc_text) + "\n";
  }
  out += "  expected: " + o.result.expected + "\n";
  out += "  observed: " + o.result.observed + "\n";
  if (!o.result.detail.empty()) out += indent_block(o.result.detail, "  ");
  if (!o.runner_note.empty()) out += "  note: " + o.runner_note + "\n";
  if (!o.wire.empty()) {
    out += "  wire log (" + std::to_string(o.bytes_sent) + " B sent, " +
           std::to_string(o.bytes_received) +
           " B received; → probe to server, ← server to probe):\n";
    out += render_wire(o.wire, options.wire_records, "    ");
  }
  if (!i.hint.empty()) out += "  " + p.bold("hint:") + " " + i.hint + "\n";
  if (!i.lesson.empty()) out += "  " + p.bold("reread:") + " " + i.lesson + "\n";
  out += "  " + p.dim("reproduce: " + reproduce_command(report, o)) + "\n";
  return out;
}

std::string render_text(const RunReport& report, const ReportOptions& options) {
  Palette p{options.color};
  std::string out;
  auto totals = report.totals();
  out += p.bold("wslab conform") + " " + report.target_url;
  if (!report.spawn_command.empty()) out += "  (spawned: " + report.spawn_command + ")";
  out += "\n";
  out += std::to_string(totals.total) + " cases (" + report.selection + "), " +
         std::to_string(report.jobs) + (report.jobs == 1 ? " job" : " jobs") + ", timeout scale " +
         [&] {
           char b[16];
           std::snprintf(b, sizeof b, "%g", report.timeout_scale);
           return std::string(b);
         }() +
         (report.strict ? ", strict" : "") + (report.quick ? ", quick" : "") + ", seed " +
         std::to_string(report.seed) + ", " + seconds(report.duration) + "\n\n";

  if (!report.preflight_error.empty()) {
    out += p.paint("1;31", "Could not reach the target: " + report.preflight_error) + "\n";
    out +=
        "Is the server running? Start it first, or let wslab start it: --spawn \"./server --port "
        "{port}\".\n\n";
  }

  out += p.bold(pad_right("group", 16) + pad_left("pass", 8) + pad_left("non-str", 8) +
                pad_left("info", 8) + pad_left("fail", 8) + pad_left("timeout", 8) +
                pad_left("error", 8) + pad_left("points", 12)) +
         "\n";
  for (const auto& g : report.groups()) out += counts_row(g.group, g.counts) + "\n";
  out += p.bold(counts_row("total", totals)) + "\n";

  if (!report.server_events.empty()) {
    out += "\n" + p.bold("Server process events:") + "\n";
    for (const auto& e : report.server_events) {
      out += "  +" + std::to_string(e.at.count()) + " ms  " + e.what;
      if (!e.case_id.empty()) out += "  (during " + e.case_id + ")";
      out += "\n";
    }
  }

  if (options.verbose) {
    out += "\n";
    for (const auto& o : report.outcomes) {
      out += "  " + pad_right(std::string(verdict_name(o.result.verdict)), 11) + o.info.id + "  " +
             p.dim(std::to_string(o.duration.count() / 1000) + " ms") + "\n";
    }
  }

  bool any_soft = false;
  for (const auto& o : report.outcomes) {
    if (o.result.verdict != Verdict::kNonStrict && o.result.verdict != Verdict::kInfo) continue;
    if (!any_soft) out += "\n" + p.bold("Allowed, but worth knowing (NON-STRICT / INFO):") + "\n";
    any_soft = true;
    out += "  " + p.verdict(o.result.verdict) + "  " + o.info.id + ": " + o.result.observed + "\n";
  }

  std::size_t failures = 0;
  for (const auto& o : report.outcomes) {
    if (!o.failed() || !report.preflight_error.empty()) continue;
    if (failures == 0) out += "\n" + p.bold("Failures") + "\n";
    ++failures;
    out += "\n" + render_failure(report, o, options);
  }
  if (totals.timeout > 0 && report.jobs > 1) {
    out += "\n" + p.bold("tip:") + " cases ran " + std::to_string(report.jobs) +
           " at a time on separate connections. If your server serves one connection at a "
           "time, rerun with --jobs 1; if it is just slow (or under a debugger), try "
           "--timeout-scale 5.\n";
  }
  if (failures > 0 && !report.server_output_tail.empty()) {
    std::string tail = report.server_output_tail;
    if (tail.size() > 3000) tail = "..." + tail.substr(tail.size() - 3000);
    out += "\n" + p.bold("The server's last output:") + "\n" + indent_block(tail, "  ");
  }

  out += "\n";
  std::string points =
      std::to_string(totals.points) + "/" + std::to_string(totals.max_points) + " points";
  if (totals.ok()) {
    out += p.paint("1;32", "PASSED") + ": " + std::to_string(totals.pass) + " pass";
    if (totals.non_strict) out += ", " + std::to_string(totals.non_strict) + " non-strict";
    if (totals.info) out += ", " + std::to_string(totals.info) + " info";
    out += " (" + points + ")\n";
  } else {
    out += p.paint("1;31", "FAILED") + ": " + std::to_string(totals.fail) + " fail, " +
           std::to_string(totals.timeout) + " timeout, " + std::to_string(totals.error) +
           " error of " + std::to_string(totals.total) + " cases (" + points + ")\n";
  }
  return out;
}

}  // namespace wslab::harness
