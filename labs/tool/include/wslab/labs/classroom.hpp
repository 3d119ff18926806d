// wslab classroom export DIR: a student repository made from this one. The
// starter takes the solution's place (labs/starter), so no reference code is
// in it; the handouts, the lab tests, the lessons, net/ (the server the
// student's code runs on), rooms/scaleout/ (lab 6's Redis link and rooms app,
// provided) and a top-level CMakeLists.txt of its own are; and,
// unless told otherwise, the grader itself (this wslab binary) in tools/bin/.
// The export is checked for leaks before it is declared done: no distinctive
// line of the solution's sources (core/src, rooms/src) may appear in it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "wslab/result.hpp"

namespace wslab::labs {

struct ExportOptions {
  std::string source_dir;   // this repository (empty: found from the current directory)
  std::string out_dir;      // the student repository to create
  bool with_binary = true;  // copy the running wslab into tools/bin/wslab
  bool force = false;       // replace out_dir if it exists and is not empty
};

struct ExportSummary {
  std::size_t files = 0;
  std::size_t bytes = 0;
  std::vector<std::string> notes;  // "tools/bin/wslab: copied from /path (47 MB)" ...
};

Result<ExportSummary> export_classroom(const ExportOptions& options);

// Lines of the solution's sources that must never appear in a student
// repository: trimmed lines of core/src/*.cpp and rooms/src/**/*.cpp that are
// long enough to be distinctive and are not declarations shared with the
// public headers (signatures, includes, comments, braces).
std::vector<std::string> solution_fingerprints(const std::filesystem::path& source_dir);
// "path:line: <the line>" for every fingerprint found in a file under dir.
std::vector<std::string> find_leaks(const std::filesystem::path& dir,
                                    const std::vector<std::string>& fingerprints);

}  // namespace wslab::labs
