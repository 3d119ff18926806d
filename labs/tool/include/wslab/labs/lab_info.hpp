// The labs wslab check knows: number, directory, title, the lesson to read
// first and the test binary. One table, used by the CLI, the reports and the
// classroom export.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wslab::labs {

struct LabInfo {
  int number = 0;
  std::string_view topic;   // "01-handshake": labs/<topic>/README.md, labs/<topic>/tests/
  std::string_view title;   // "the opening handshake"
  std::string_view lesson;  // "lessons/02-handshake.md"
  // Debian packages the lab needs besides the base toolchain (cmake, g++, OpenSSL, GoogleTest,
  // nlohmann-json), space-separated: lab 6 builds against hiredis and its tests start a real
  // redis-server. Empty for the others.
  std::string_view packages = {};
  [[nodiscard]] std::string handout() const { return "labs/" + std::string(topic) + "/README.md"; }
  [[nodiscard]] std::string test_target() const {
    return "wslab_lab" + std::to_string(number) + "_tests";
  }
};

const std::vector<LabInfo>& all_labs();
// nullptr when there is no such lab.
const LabInfo* find_lab(int number);

inline constexpr std::string_view kStudentServerTarget = "wslab-student-server";

}  // namespace wslab::labs
