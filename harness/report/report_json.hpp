// Helpers the report writers share (private to harness/report).
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "wslab/harness/runner.hpp"

namespace wslab::harness {

std::string iso8601(std::chrono::system_clock::time_point t);
nlohmann::json counts_json(const Counts& c);
nlohmann::json wire_json(const std::vector<WireRecord>& records);
nlohmann::json case_info_json(const CaseInfo& info);
// Escapes &, <, >, " and ' for XML and HTML text and attributes; bytes that
// are not valid UTF-8 or are control characters (other than tab/newline) become U+FFFD / dropped.
std::string xml_escape(std::string_view s);

}  // namespace wslab::harness
