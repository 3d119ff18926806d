// wslab classroom export: a student repository with the starter in place of
// the solution, checked for leaks of solution code.
#include "wslab/labs/classroom.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <set>
#include <sstream>

#include "wslab/labs/check.hpp"
#include "wslab/labs/lab_info.hpp"

namespace wslab::labs {
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string trim(const std::string& line) {
  const auto b = line.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  const auto e = line.find_last_not_of(" \t\r");
  return line.substr(b, e - b + 1);
}

bool is_source(const fs::path& p) {
  const auto ext = p.extension().string();
  return ext == ".cpp" || ext == ".hpp" || ext == ".h" || ext == ".cc";
}

// What the student repository contains, relative to the source tree. Directories
// are copied recursively; nothing of core/, harness/ or labs/tool/, and of rooms/ only
// scaleout/ (lab 6's Redis link and the app around the student's RedisRegistry, provided:
// labs/common/scaleout.cmake compiles them against the starter; the reference registry,
// rooms/src/redis, stays here).
struct Item {
  const char* path;
  bool required;
};
constexpr Item kItems[] = {
    {"labs/README.md", true},
    {"labs/CMakeLists.txt", true},
    {"labs/starter", true},
    {"labs/common", true},
    {"labs/01-handshake", true},
    {"labs/02-framing", true},
    {"labs/03-lifecycle", true},
    {"labs/04-heartbeat", true},
    {"labs/05-rooms", true},
    {"labs/06-scale-out", true},
    {"rooms/scaleout", true},
    {"net/include", true},
    {"net/src", true},
    {"net/README.md", false},
    {"lessons", false},
    {"docs/rooms-protocol.md", false},
    {"docs/conformance.md", false},
    {"docs/case-catalog.md", false},
    {".clang-format", false},
};

Status copy_item(const fs::path& from, const fs::path& to, ExportSummary& sum) {
  std::error_code ec;
  if (fs::is_directory(from)) {
    for (auto it = fs::recursive_directory_iterator(from, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      const fs::path rel = fs::relative(it->path(), from);
      const fs::path dst = to / rel;
      fs::create_directories(dst.parent_path(), ec);
      fs::copy_file(it->path(), dst, fs::copy_options::overwrite_existing, ec);
      if (ec) return Status::fail("copying " + it->path().string() + ": " + ec.message());
      ++sum.files;
      sum.bytes += static_cast<std::size_t>(it->file_size());
    }
    if (ec) return Status::fail("reading " + from.string() + ": " + ec.message());
    return Status::ok();
  }
  fs::create_directories(to.parent_path(), ec);
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) return Status::fail("copying " + from.string() + ": " + ec.message());
  ++sum.files;
  sum.bytes += static_cast<std::size_t>(fs::file_size(to, ec));
  return Status::ok();
}

Status write_text(const fs::path& p, const std::string& text, ExportSummary& sum) {
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  std::ofstream out(p, std::ios::binary);
  out << text;
  if (!out) return Status::fail("cannot write " + p.string());
  ++sum.files;
  sum.bytes += text.size();
  return Status::ok();
}

constexpr const char* kTopLevelCMake =
    R"cmake(# A wslab student repository (made by `wslab classroom export`): your RFC 6455
# implementation (labs/starter), the server it runs in (net/), the lab handouts
# and tests (labs/). Build: cmake -S . -B build -G Ninja && cmake --build build
cmake_minimum_required(VERSION 3.25)
project(wslab_student VERSION 0.1.0 LANGUAGES C CXX)

set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

option(WSLAB_WERROR "Treat warnings as errors" OFF)
option(WSLAB_SANITIZE "Build with ASan+UBSan (finds memory bugs in your code)" OFF)
set(WSLAB_LAB_IMPL "starter" CACHE STRING "Your code (labs/starter); the only choice here")

set(WSLAB_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Wimplicit-fallthrough)
if(WSLAB_WERROR)
  list(APPEND WSLAB_WARNINGS -Werror)
endif()
if(WSLAB_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

find_package(OpenSSL REQUIRED)
find_package(GTest REQUIRED)
find_package(Threads REQUIRED)
find_package(nlohmann_json REQUIRED)

function(wslab_warnings target)
  target_compile_options(${target} PRIVATE ${WSLAB_WARNINGS})
endfunction()

enable_testing()
include(GoogleTest)
add_subdirectory(labs)
)cmake";

// The Debian packages every lab needs (the grader in tools/bin/wslab needs more, see workflow()).
constexpr const char* kBasePackages =
    "cmake ninja-build g++ libssl-dev libgtest-dev nlohmann-json3-dev";

// "libhiredis-dev redis-server": what the labs that name packages need besides the base ones.
std::string lab_packages() {
  std::string s;
  for (const auto& l : all_labs()) {
    if (!l.packages.empty()) s += (s.empty() ? "" : " ") + std::string(l.packages);
  }
  return s;
}

std::string student_readme(bool with_binary) {
  const std::string wslab = with_binary ? "tools/bin/wslab" : "wslab";
  const int last = all_labs().back().number;
  std::string s;
  s += "# WebSocket labs\n\n";
  static constexpr std::array<const char*, 10> kCounts = {"zero", "one", "two",   "three", "four",
                                                          "five", "six", "seven", "eight", "nine"};
  const std::size_t n = all_labs().size();
  const std::string count = n < kCounts.size() ? kCounts[n] : std::to_string(n);
  s += "You are going to write a WebSocket (RFC 6455) implementation from scratch, in " + count +
       " labs,\n"
       "and finish with a chat server that runs as several instances sharing rooms through\n"
       "Redis. Start with [labs/README.md](labs/README.md), then the handout of lab 1,\n"
       "[labs/01-handshake/README.md](labs/01-handshake/README.md). The lessons the handouts\n"
       "refer to are in [lessons/](lessons/).\n\n";
  s += "## Build and check\n\n";
  s += "| for | Debian / Ubuntu packages (`sudo apt-get install ...`) |\n|---|---|\n";
  s += "| every lab | `" + std::string(kBasePackages) + "` |\n";
  for (const auto& l : all_labs()) {
    if (l.packages.empty()) continue;
    s += "| lab " + std::to_string(l.number) + " (" + std::string(l.title) + ") | `" +
         std::string(l.packages) + "` |\n";
  }
  s += "\nWithout a lab's own packages the other labs still build; `" + wslab + " check " +
       std::to_string(last) + "` says what is missing.\n\n";
  s += "```sh\n";
  s += "cmake -S . -B build -G Ninja           # once\n";
  s += "cmake --build build --target check1    # the unit tests of lab 1 (check2: labs 1-2 ...)\n";
  s += wslab +
       " check 1                   # unit tests + your server against the conformance "
       "harness\n```\n\n";
  if (with_binary) {
    s += "`tools/bin/wslab` is the grader your instructor provides (built from the reference\n"
         "implementation; it needs the same libraries as the course machines). `wslab check N`\n"
         "builds your code, runs the unit tests of labs 1..N, starts your server and runs the\n"
         "conformance cases of labs 1..N against it, then prints each failure with the bytes\n"
         "exchanged, the RFC section, a hint and the lesson to reread.\n\n";
  } else {
    s += "`wslab` is the grader your instructor provides; put it on your PATH. `wslab check N`\n"
         "builds your code, runs the unit tests of labs 1..N, starts your server and runs the\n"
         "conformance cases of labs 1..N against it, then prints each failure with the bytes\n"
         "exchanged, the RFC section, a hint and the lesson to reread.\n\n";
  }
  s += "## Where things are\n\n";
  s += "| path | what |\n|---|---|\n";
  s += "| `labs/starter/` | **your code**: `include/wslab/*.hpp` (the API, documented), "
       "`src/*.cpp` (the bodies to write) |\n";
  s += "| `labs/NN-topic/` | each lab's handout (`README.md`) and unit tests (`tests/`) |\n";
  s += "| `labs/common/` | the student server's `main`, the reconnecting client, test helpers "
       "(provided) |\n";
  s += "| `rooms/scaleout/` | lab 6: the Redis link and the rooms app around your "
       "`RedisRegistry` (provided) |\n";
  s += "| `net/` | sockets and the event loop your Session runs in (provided; read "
       "`net/README.md`) |\n";
  s += "| `lessons/` | the lessons |\n";
  s += "| `docs/` | the rooms protocol (labs 5 and 6) and the conformance harness |\n\n";
  s += "Commit often; push when `" + wslab + " check N` passes.\n";
  return s;
}

std::string workflow(bool with_binary) {
  const std::string wslab = with_binary ? "tools/bin/wslab" : "wslab";
  std::string s;
  s += "# GitHub Classroom autograding: `" + wslab + " check N` on every push. It builds the\n";
  s += "# student's code, runs the lab tests and the conformance cases, and writes\n";
  s += "# reports/classroom.json (the runner result: unit tests + cases) for the reporter.\n";
  s += "# Set N to the lab of the assignment (check 6 starts a redis-server: it is in the\n";
  s += "# packages below). The job runs in the image the grader was built for (see\n";
  s += "# docs/instructors.md in the course repository).\n";
  s += "name: Autograding Tests\n";
  s += "on: [push, workflow_dispatch, repository_dispatch]\n";
  s += "permissions:\n  checks: write\n  actions: read\n  contents: read\n";
  s += "jobs:\n  labs:\n    runs-on: ubuntu-latest\n    container: debian:bookworm\n";
  s += "    timeout-minutes: 30\n    if: github.actor != 'github-classroom[bot]'\n    steps:\n";
  s += "      - uses: actions/checkout@v4\n";
  s += "      - name: dependencies\n";
  // The labs' packages, and the libraries the grader binary links (libwebsockets, hiredis,
  // toml++; `ldd tools/bin/wslab`).
  std::string packages = std::string(kBasePackages) + " " + lab_packages();
  for (const char* p : {"libwebsockets-dev", "libhiredis-dev", "libtomlplusplus-dev"}) {
    if (packages.find(p) == std::string::npos) packages += " " + std::string(p);
  }
  s += "        run: apt-get update && apt-get install -y " + packages + "\n";
  s += "      - name: check\n        id: check\n        run: |\n";
  s += "          " + wslab + " check " + std::to_string(all_labs().back().number) +
       " --no-color --report reports || true\n";
  s += "          echo \"result=$(base64 -w0 reports/classroom.json)\" >> \"$GITHUB_OUTPUT\"\n";
  s += "      - name: Autograding Reporter\n";
  s += "        uses: classroom-resources/autograding-grading-reporter@v1\n";
  s += "        env:\n          CHECK_RESULTS: \"${{ steps.check.outputs.result }}\"\n";
  s += "        with:\n          runners: check\n";
  return s;
}

}  // namespace

namespace {

// Every trimmed line of the files under `dirs` (relative to source_dir) that pass `want`.
std::set<std::string> lines_under(const fs::path& source_dir,
                                  std::initializer_list<const char*> dirs, bool sources_only) {
  std::set<std::string> lines;
  for (const char* d : dirs) {
    std::error_code ec;
    if (!fs::exists(source_dir / d)) continue;
    for (auto it = fs::recursive_directory_iterator(source_dir / d, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (!it->is_regular_file() || (sources_only && !is_source(it->path()))) continue;
      std::istringstream in(read_file(it->path()));
      std::string line;
      while (std::getline(in, line)) lines.insert(trim(line));
    }
  }
  return lines;
}

}  // namespace

std::vector<std::string> solution_fingerprints(const fs::path& source_dir) {
  // Not fingerprints: declarations the public headers share with the sources,
  // and idioms that also appear in code that is not the solution (net/, the
  // lab tests and helpers), which the student repository ships anyway.
  const std::set<std::string> shared =
      lines_under(source_dir,
                  {"core/include", "rooms/include", "rooms/scaleout", "net", "harness",
                   "labs/common", "labs/01-handshake", "labs/02-framing", "labs/03-lifecycle",
                   "labs/04-heartbeat", "labs/05-rooms", "labs/06-scale-out", "refpeer"},
                  true);
  std::set<std::string> out;
  for (const std::string& t : lines_under(source_dir, {"core/src", "rooms/src"}, true)) {
    if (t.size() < 32) continue;
    if (t.rfind("//", 0) == 0 || t.rfind("#", 0) == 0 || t.rfind("namespace", 0) == 0 ||
        t.rfind("}", 0) == 0 || t.rfind("*", 0) == 0 || t.rfind("/*", 0) == 0 ||
        t.rfind(":", 0) == 0)
      continue;
    const char last = t.back();
    // Signatures and their continuations are declarations, not bodies.
    if (last == '{' || last == ',' || last == '(' || last == ')') continue;
    if (shared.count(t) != 0) continue;
    out.insert(t);
  }
  return {out.begin(), out.end()};
}

std::vector<std::string> find_leaks(const fs::path& dir,
                                    const std::vector<std::string>& fingerprints) {
  std::vector<std::string> leaks;
  std::set<std::string> prints(fingerprints.begin(), fingerprints.end());
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const auto rel = fs::relative(it->path(), dir).string();
    if (rel.rfind("tools/bin/", 0) == 0 || rel.rfind("build/", 0) == 0) continue;  // binaries
    std::istringstream in(read_file(it->path()));
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      const std::string t = trim(line);
      if (t.size() >= 32 && prints.count(t) != 0) {
        leaks.push_back(rel + ":" + std::to_string(n) + ": " + t);
        if (leaks.size() >= 50) return leaks;
      }
    }
  }
  return leaks;
}

Result<ExportSummary> export_classroom(const ExportOptions& o) {
  ExportSummary sum;
  const std::string source = find_source_dir(o.source_dir);
  if (source.empty()) {
    return Error{"no wslab repository found (labs/CMakeLists.txt) at or above " +
                 (o.source_dir.empty() ? std::string("the current directory") : o.source_dir)};
  }
  const fs::path src(source);
  if (!fs::exists(src / "core" / "src")) {
    return Error{source +
                 " has no core/src: export from the instructor's repository (with the solution)"};
  }
  if (o.out_dir.empty()) return Error{"no output directory given"};
  const fs::path out = fs::absolute(o.out_dir);
  std::error_code ec;
  if (fs::weakly_canonical(out, ec).string().rfind(fs::weakly_canonical(src, ec).string() + "/",
                                                   0) == 0 &&
      out.string().find("/build/") == std::string::npos) {
    return Error{"the export would land inside the source tree (" + out.string() +
                 "); choose a directory elsewhere (or under build/)"};
  }
  if (fs::exists(out) && !fs::is_empty(out, ec)) {
    if (!o.force)
      return Error{out.string() + " exists and is not empty (use --force to replace it)"};
    fs::remove_all(out, ec);
    if (ec) return Error{"cannot remove " + out.string() + ": " + ec.message()};
  }
  fs::create_directories(out, ec);
  if (ec) return Error{"cannot create " + out.string() + ": " + ec.message()};

  for (const Item& item : kItems) {
    const fs::path from = src / item.path;
    if (!fs::exists(from)) {
      if (item.required) return Error{"missing " + from.string()};
      continue;
    }
    if (Status st = copy_item(from, out / item.path, sum); !st) return Error{st.message()};
  }
  if (Status st = write_text(out / "CMakeLists.txt", kTopLevelCMake, sum); !st)
    return Error{st.message()};
  if (Status st = write_text(out / "README.md", student_readme(o.with_binary), sum); !st)
    return Error{st.message()};
  if (Status st = write_text(out / ".gitignore", "/build/\n/reports/\n", sum); !st)
    return Error{st.message()};
  if (Status st = write_text(out / ".github/workflows/classroom.yml", workflow(o.with_binary), sum);
      !st)
    return Error{st.message()};

  if (o.with_binary) {
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return Error{"cannot find the running wslab binary: " + ec.message()};
    fs::create_directories(out / "tools" / "bin", ec);
    fs::copy_file(self, out / "tools" / "bin" / "wslab", fs::copy_options::overwrite_existing, ec);
    if (ec) return Error{"cannot copy " + self.string() + ": " + ec.message()};
    ++sum.files;
    const auto size = fs::file_size(out / "tools" / "bin" / "wslab", ec);
    sum.bytes += static_cast<std::size_t>(size);
    sum.notes.push_back("tools/bin/wslab: the grader, copied from " + self.string() + " (" +
                        std::to_string(size >> 20) + " MiB; strip it with `strip` to save space)");
  }

  // The promise of the export: no solution code in it.
  const auto prints = solution_fingerprints(src);
  if (prints.empty()) return Error{"found no solution lines to check against in " + source};
  const auto leaks = find_leaks(out, prints);
  if (!leaks.empty()) {
    std::string msg = "the export contains solution code (removed nothing; fix the starter):\n";
    for (const auto& l : leaks) msg += "  " + l + "\n";
    return Error{msg};
  }
  sum.notes.push_back("checked: none of " + std::to_string(prints.size()) +
                      " distinctive solution lines (core/src, rooms/src) appears in the export");
  return sum;
}

}  // namespace wslab::labs
