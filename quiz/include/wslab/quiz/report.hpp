// Grade reports: the class CSV (one row per student, one column per question),
// Gradescope's results.json (one per student; each question is one test) and
// a native JSON. None of them contains an answer key: only what the student
// gave, whether it was right, and the points. Files are written atomically
// (temporary file + rename), and all of a report is rendered before any of it
// is written.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "wslab/quiz/grade.hpp"
#include "wslab/quiz/quiz.hpp"
#include "wslab/result.hpp"

namespace wslab::quiz {

std::string class_csv(const Quiz& quiz, const ClassResult& r);
std::string gradescope_json(const Quiz& quiz, const StudentResult& s);
std::string class_json(const Quiz& quiz, const ClassResult& r);

// One CSV field, quoted when needed (RFC 4180).
std::string csv_field(const std::string& s);

// A set of files to write under one directory: (relative path, content).
using ReportFiles = std::vector<std::pair<std::string, std::string>>;

enum class ReportFormat { kCsv, kGradescope, kJson };
Result<ReportFormat> parse_report_format(const std::string& name);

// Gradescope: DIR/results.json for a single student, else DIR/gradescope/<student>/results.json.
ReportFiles render_reports(const Quiz& quiz, const ClassResult& r,
                           const std::vector<ReportFormat>& formats);

// Writes `content` to `path` through a temporary file in the same directory
// and rename(2), so readers see the old file or the complete new one.
Status write_file_atomically(const std::string& path, const std::string& content);
Status write_reports(const std::string& dir, const ReportFiles& files);

}  // namespace wslab::quiz
