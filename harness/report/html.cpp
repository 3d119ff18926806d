// A self-contained HTML report: summary, per-group table, filters by verdict
// and group (and a text search), and every case with its wire log. Inline CSS
// and JS only; no network access; readable without JS (filters need it).
#include <cstdio>
#include <string>

#include "report_json.hpp"
#include "wslab/harness/report.hpp"

namespace wslab::harness {
namespace {

constexpr std::string_view kStyle = R"css(
:root{--pass:#1a7f37;--ns:#9a6700;--info:#0969da;--fail:#cf222e;--bg:#fff;--fg:#1f2328;--mut:#656d76;--line:#d0d7de}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--mut:#8d96a0;--line:#30363d}}
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 1.5rem;background:var(--bg);color:var(--fg)}
h1{font-size:1.4rem;margin:.2rem 0}.mut{color:var(--mut)}
table{border-collapse:collapse;margin:.8rem 0}td,th{padding:.25rem .7rem;border-bottom:1px solid var(--line);text-align:right}
td:first-child,th:first-child{text-align:left}
.badge{display:inline-block;min-width:6.5em;text-align:center;border-radius:4px;padding:0 .4em;color:#fff;font-weight:600;font-size:12px}
.PASS{background:var(--pass)}.NON-STRICT{background:var(--ns)}.INFO{background:var(--info)}
.FAIL,.TIMEOUT,.ERROR{background:var(--fail)}
.banner{padding:.6rem 1rem;border-radius:6px;color:#fff;font-weight:600;margin:.6rem 0}
#filters{position:sticky;top:0;background:var(--bg);padding:.5rem 0;border-bottom:1px solid var(--line);z-index:1}
#filters label{margin-right:.8rem;white-space:nowrap}
details.case{border-bottom:1px solid var(--line);padding:.25rem 0}
details.case>summary{cursor:pointer;list-style:none}details.case>summary::-webkit-details-marker{display:none}
.id{font-family:ui-monospace,monospace;font-weight:600}
.body{margin:.4rem 0 .6rem 1.2rem}.body dt{font-weight:600;margin-top:.3rem}.body dd{margin:0 0 0 1rem}
pre{background:rgba(127,127,127,.1);padding:.6rem;overflow:auto;font:12px/1.35 ui-monospace,monospace;border-radius:4px}
)css";

constexpr std::string_view kScript = R"js(
(function(){
  var boxes=[].slice.call(document.querySelectorAll('#filters input[type=checkbox]'));
  var group=document.getElementById('group'), q=document.getElementById('q');
  var count=document.getElementById('count');
  function apply(){
    var on={};boxes.forEach(function(b){on[b.value]=b.checked;});
    var g=group.value, text=q.value.toLowerCase(), n=0;
    document.querySelectorAll('details.case').forEach(function(d){
      var show=on[d.dataset.verdict]&&(!g||d.dataset.group===g)&&(!text||d.textContent.toLowerCase().indexOf(text)>=0);
      d.style.display=show?'':'none'; if(show)n++;
    });
    count.textContent=n+' shown';
  }
  boxes.forEach(function(b){b.addEventListener('change',apply);});
  group.addEventListener('change',apply); q.addEventListener('input',apply);
  document.getElementById('expand').addEventListener('click',function(){
    document.querySelectorAll('details.case').forEach(function(d){if(d.style.display!=='none')d.open=true;});});
  document.getElementById('collapse').addEventListener('click',function(){
    document.querySelectorAll('details.case').forEach(function(d){d.open=false;});});
  apply();
})();
)js";

std::string row(const std::string& name, const Counts& c) {
  std::string r = "<tr><td>" + xml_escape(name) + "</td>";
  for (int v : {c.pass, c.non_strict, c.info, c.fail, c.timeout, c.error}) {
    r += "<td>" + std::to_string(v) + "</td>";
  }
  return r + "<td>" + std::to_string(c.points) + "/" + std::to_string(c.max_points) +
         "</td></tr>\n";
}

void dd(std::string& out, std::string_view term, const std::string& value, bool pre = false) {
  if (value.empty()) return;
  out += "<dt>" + std::string(term) + "</dt><dd>";
  out += pre ? "<pre>" + xml_escape(value) + "</pre>" : xml_escape(value);
  out += "</dd>";
}

}  // namespace

std::string render_html(const RunReport& report, const ReportOptions& options) {
  auto totals = report.totals();
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n";
  out += "<title>wslab conform: " + xml_escape(report.target_url) + "</title>\n<style>";
  out += kStyle;
  out += "</style></head><body>\n";
  out += "<h1>wslab conform</h1>\n<div class=\"mut\">" + xml_escape(report.target_url);
  if (!report.spawn_command.empty())
    out += " &middot; spawned: <code>" + xml_escape(report.spawn_command) + "</code>";
  char scale[16];
  std::snprintf(scale, sizeof scale, "%g", report.timeout_scale);
  out += "<br>" + iso8601(report.started) + " &middot; " + std::to_string(totals.total) +
         " cases (" + xml_escape(report.selection) + ") &middot; " +
         std::to_string(report.duration.count()) + " ms &middot; " + std::to_string(report.jobs) +
         " jobs &middot; timeout scale " + scale + (report.strict ? " &middot; strict" : "") +
         (report.quick ? " &middot; quick" : "") + "</div>\n";
  std::string points =
      std::to_string(totals.points) + "/" + std::to_string(totals.max_points) + " points";
  if (totals.ok()) {
    out += "<div class=\"banner PASS\">PASSED &middot; " + points + "</div>\n";
  } else {
    out += "<div class=\"banner FAIL\">FAILED &middot; " + std::to_string(totals.fail) + " fail, " +
           std::to_string(totals.timeout) + " timeout, " + std::to_string(totals.error) +
           " error &middot; " + points + "</div>\n";
  }
  if (!report.preflight_error.empty()) {
    out += "<p><b>Could not reach the target:</b> " + xml_escape(report.preflight_error) + "</p>\n";
  }
  out +=
      "<table><tr><th>group</th><th>pass</th><th>non-strict</th><th>info</th><th>fail</th>"
      "<th>timeout</th><th>error</th><th>points</th></tr>\n";
  for (const auto& g : report.groups()) out += row(g.group, g.counts);
  out += "<tr><th>total</th>" + row("", totals).substr(std::string("<tr><td></td>").size());
  out += "</table>\n";
  if (!report.server_events.empty()) {
    out += "<h2>Server process events</h2><ul>\n";
    for (const auto& e : report.server_events) {
      out += "<li>+" + std::to_string(e.at.count()) + " ms: " + xml_escape(e.what) +
             (e.case_id.empty()
                  ? ""
                  : " (during <span class=\"id\">" + xml_escape(e.case_id) + "</span>)") +
             "</li>\n";
    }
    out += "</ul>\n";
    if (!report.server_output_tail.empty()) {
      out += "<details><summary>The server's last output</summary><pre>" +
             xml_escape(report.server_output_tail) + "</pre></details>\n";
    }
  }

  out += "<div id=\"filters\">";
  for (auto v : {Verdict::kPass, Verdict::kNonStrict, Verdict::kInfo, Verdict::kFail,
                 Verdict::kTimeout, Verdict::kError}) {
    std::string name(verdict_name(v));
    out += "<label><input type=\"checkbox\" value=\"" + name + "\" checked> <span class=\"badge " +
           name + "\">" + name + "</span></label>";
  }
  out += "<label>group <select id=\"group\"><option value=\"\">all</option>";
  for (const auto& g : report.groups()) {
    out += "<option>" + xml_escape(g.group) + "</option>";
  }
  out +=
      "</select></label><label><input id=\"q\" type=\"search\" placeholder=\"search\"></label>"
      "<button id=\"expand\">expand</button> <button id=\"collapse\">collapse</button> "
      "<span id=\"count\" class=\"mut\"></span></div>\n";

  ReportOptions plain = options;
  plain.color = false;
  for (const auto& o : report.outcomes) {
    std::string v(verdict_name(o.result.verdict));
    out += "<details class=\"case\" data-verdict=\"" + v + "\" data-group=\"" +
           xml_escape(o.info.group) + "\"" + (o.failed() ? " open" : "") +
           "><summary><span class=\"badge " + v + "\">" + v + "</span> <span class=\"id\">" +
           xml_escape(o.info.id) + "</span> " + xml_escape(o.info.description) +
           " <span class=\"mut\">" + std::to_string(o.duration.count() / 1000) +
           " ms</span></summary><dl class=\"body\">";
    std::string where = o.info.group + ", lab " + std::to_string(o.info.lab) + ", " +
                        std::to_string(o.score) + "/" + std::to_string(o.info.points) + " points";
    if (!o.info.autobahn.empty()) where += ", Autobahn " + o.info.autobahn;
    dd(out, "case", where);
    if (!o.info.rfc_section.empty()) {
      dd(out, "Rule",
         rule_reference(o.info) + (o.info.rfc_text.empty() ? "" : ": " + o.info.rfc_text));
    }
    dd(out, "expected", o.result.expected);
    dd(out, "observed", o.result.observed);
    dd(out, "detail", o.result.detail, true);
    dd(out, "note", o.runner_note);
    if (o.result.verdict != Verdict::kPass) {
      dd(out, "hint", o.info.hint);
      dd(out, "reread", o.info.lesson);
    }
    dd(out, "reproduce", reproduce_command(report, o));
    if (!o.wire.empty() && (o.result.verdict != Verdict::kPass || options.wire_for_passing)) {
      dd(out,
         "wire log (" + std::to_string(o.bytes_sent) + " B sent, " +
             std::to_string(o.bytes_received) + " B received)",
         render_wire(o.wire, 200, ""), true);
    }
    out += "</dl></details>\n";
  }
  out += "<p class=\"mut\">Generated by wslab " + xml_escape(options.tool_version) +
         " &middot; report schema " + std::string(kReportSchema) + "</p>\n<script>";
  out += kScript;
  out += "</script></body></html>\n";
  return out;
}

}  // namespace wslab::harness
