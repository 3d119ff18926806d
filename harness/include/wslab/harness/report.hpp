// Reports of a run: the terminal report people read, and the files
// `--report DIR` writes for machines and classrooms: JSON (schema
// "wslab.conform/1", docs/report-schema.md), JUnit XML, Gradescope
// results.json, the GitHub Classroom runner result, a self-contained HTML
// page, and one pcapng capture per failing case. Files are written
// atomically (temporary file + rename).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wslab/harness/runner.hpp"
#include "wslab/result.hpp"

namespace wslab::harness {

inline constexpr std::string_view kReportSchema = "wslab.conform/1";

struct ReportOptions {
  bool color = false;                             // ANSI colours in the terminal report
  std::size_t wire_records = 20;                  // the last N wire-log records shown per failure
  bool verbose = false;                           // terminal: also list every case with its verdict
  std::string gradescope_visibility = "visible";  // hidden|after_due_date|after_published|visible
  bool wire_for_passing = false;                  // JSON/HTML: keep wire logs of PASS cases too
  std::string tool_version = "0.1.0";
};

std::string render_text(const RunReport& report, const ReportOptions& options);
std::string render_json(const RunReport& report, const ReportOptions& options);
std::string render_junit(const RunReport& report, const ReportOptions& options);
std::string render_gradescope(const RunReport& report, const ReportOptions& options);
std::string render_classroom(const RunReport& report, const ReportOptions& options);
std::string render_html(const RunReport& report, const ReportOptions& options);

// One failing case's failure text (RFC sentence, expected/observed, wire log,
// hint, lesson): the block the terminal report prints, also used as the
// Gradescope/JUnit output.
std::string render_failure(const RunReport& report, const CaseOutcome& o,
                           const ReportOptions& options);
// The wire log as lines: time, connection, direction, size, hex or HTTP text,
// and the frames decoded from it. Only the last `last_n` records are shown
// (0: all), but frames are decoded from the start so boundaries are right.
std::string render_wire(const std::vector<WireRecord>& records, std::size_t last_n,
                        std::string_view indent = "    ");
// "wslab conform --case ID URL": the command that reruns one case.
std::string reproduce_command(const RunReport& report, const CaseOutcome& o);

// Writes `content` to `path` through a temporary file in the same directory and rename().
Status write_file_atomic(const std::string& path, std::string_view content);

// Writes every report file into `dir` (created if needed); returns the paths written.
Result<std::vector<std::string>> write_reports(const std::string& dir, const RunReport& report,
                                               const ReportOptions& options);

}  // namespace wslab::harness
