// wslab-mutant-check: the test driver of the mutants suite (docs/mutants.md).
//
// A mutant is the reference server with one student bug patched in; the
// conformance harness must notice it. This tool reads mutants/catalog.txt and:
//
//   run      --catalog F --wslab W --server S --mutant NAME --report-dir D
//            start S on port 0, run `W conform URL --quick --jobs 2 --case ...` on the
//            mutant's cases, and require each of them to end FAIL or TIMEOUT;
//   control  --catalog F --wslab W --server S --report-dir D
//            the same against the unpatched server, on the cases of every mutant,
//            requiring each to PASS (so a caught mutant is caught because of its bug);
//   coverage --catalog F --wslab W [--patches DIR]
//            every case id exists, every catalog group catches a mutant, every mutant
//            has its patch, at least 25 mutants;
//   table    --catalog F --wslab W            print the markdown table of docs/mutants.md;
//   doc      --catalog F --wslab W --doc FILE the table in FILE is the one `table` prints.
//
// The cases need different servers (the harness' targets, docs/conformance.md):
// the cases of group "heartbeat" run against S started with --ping-interval 300
// --pong-timeout 600, given to conform as --heartbeat URL --ping-interval 300
// --pong-timeout 600; those of groups "rooms" and "scale" against S started with
// --rooms, given as --rooms URL (the scale cases pass against one rooms server);
// all others against S as it is (echo). One server and one conform run per kind,
// reports in D/echo, D/heartbeat and D/rooms.
//
// If the server dies during a run (a crashing mutant), the cases after the death
// could only report ERROR (nothing listens any more): the cases are run again
// with `wslab conform --spawn`, which restarts the server and marks the case that
// killed it FAIL ("server process died").
//
// Every wait is bounded: the server must print its URL within 10 s, a conform run
// is killed after --run-timeout seconds (default 120), and the server after the run.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

// ---------------------------------------------------------------- catalog

struct Mutant {
  std::string name;
  std::string file;
  std::vector<std::string> cases;
  std::string bug;
  int line = 0;
};

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto at = s.find(sep, start);
    out.push_back(trim(s.substr(start, at == std::string::npos ? std::string::npos : at - start)));
    if (at == std::string::npos) return out;
    start = at + sep.size();
  }
}

bool load_catalog(const std::string& path, std::vector<Mutant>& out, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read " + path;
    return false;
  }
  std::string line;
  int n = 0;
  std::set<std::string> names;
  while (std::getline(in, line)) {
    ++n;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    const auto fields = split(line, " | ");
    const std::string where = path + ":" + std::to_string(n) + ": ";
    if (fields.size() != 4) {
      error =
          where + "expected 4 fields separated by \" | \", got " + std::to_string(fields.size());
      return false;
    }
    Mutant m{fields[0], fields[1], {}, fields[3], n};
    for (const auto& c : split(fields[2], ",")) {
      if (!c.empty()) m.cases.push_back(c);
    }
    if (m.name.empty() || m.file.empty() || m.cases.empty() || m.bug.empty()) {
      error = where + "empty field";
      return false;
    }
    if (m.bug.find(';') != std::string::npos) {
      error = where + "the bug text may not contain ';' (CMake list separator)";
      return false;
    }
    if (!names.insert(m.name).second) {
      error = where + "mutant '" + m.name + "' is listed twice";
      return false;
    }
    out.push_back(std::move(m));
  }
  if (out.empty()) {
    error = path + ": no mutants";
    return false;
  }
  return true;
}

// ---------------------------------------------------------------- processes

struct Child {
  pid_t pid = -1;
  int out_fd = -1;  // its stdout, when captured
};

// fork + exec argv; stdout to a pipe (capture) or to a file (out_path), stderr inherited.
std::optional<Child> spawn(const std::vector<std::string>& argv, bool capture,
                           const std::string& out_path = {}, const std::string& err_path = {}) {
  int fds[2] = {-1, -1};
  if (capture && ::pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
  int file_fd = -1;
  if (!out_path.empty()) {
    file_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (file_fd < 0) return std::nullopt;
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return std::nullopt;
  if (pid == 0) {
    if (capture) ::dup2(fds[1], STDOUT_FILENO);
    if (file_fd >= 0) ::dup2(file_fd, STDOUT_FILENO);
    if (!err_path.empty()) {
      const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (err_fd >= 0) ::dup2(err_fd, STDERR_FILENO);
    }
    ::execv(args[0], args.data());
    std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  if (file_fd >= 0) ::close(file_fd);
  Child c;
  c.pid = pid;
  if (capture) {
    ::close(fds[1]);
    c.out_fd = fds[0];
  }
  return c;
}

// Waits up to `limit` for the child; returns its wait status, or nullopt on timeout.
std::optional<int> wait_for(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (true) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) return 0;
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// Stops a child: SIGTERM (the server shuts down gracefully), then SIGKILL.
// Returns how it ended if it had already ended on its own.
std::optional<int> stop(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) == pid) return status;
  ::kill(pid, SIGTERM);
  if (wait_for(pid, std::chrono::seconds(5))) return std::nullopt;
  ::kill(pid, SIGKILL);
  wait_for(pid, std::chrono::seconds(5));
  return std::nullopt;
}

// Reads the child's stdout until `limit` passes or it ends; returns everything read.
std::string read_all(int fd, std::chrono::milliseconds limit) {
  std::string out;
  const auto deadline = Clock::now() + limit;
  char buf[4096];
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{fd, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

// The first line the server prints: "listening on ws://127.0.0.1:PORT/".
std::optional<std::string> read_url(int fd, std::chrono::milliseconds limit, std::string& seen) {
  const auto deadline = Clock::now() + limit;
  char c = 0;
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return std::nullopt;
    pollfd p{fd, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return std::nullopt;
    const ssize_t n = ::read(fd, &c, 1);
    if (n <= 0) return std::nullopt;
    if (c == '\n') break;
    seen.push_back(c);
  }
  const std::string prefix = "listening on ";
  if (seen.rfind(prefix, 0) != 0) return std::nullopt;
  return seen.substr(prefix.size());
}

// mkdir -p
void make_dirs(const std::string& path) {
  for (std::size_t at = 1; at <= path.size(); ++at) {
    if (at == path.size() || path[at] == '/') ::mkdir(path.substr(0, at).c_str(), 0755);
  }
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// ---------------------------------------------------------------- options

struct Options {
  std::string command;
  std::string catalog;
  std::string wslab;
  std::string server;
  std::string mutant;
  std::string report_dir;
  std::string patches;
  std::string doc;
  std::string timeout_scale = "1";
  int run_timeout_s = 120;
};

int usage(const std::string& why) {
  std::fprintf(
      stderr,
      "wslab-mutant-check: %s\n"
      "usage: wslab-mutant-check run|control|coverage|table|doc --catalog FILE --wslab BIN\n"
      "         [--server BIN] [--mutant NAME] [--report-dir DIR] [--patches DIR]\n"
      "         [--doc FILE] [--timeout-scale X] [--run-timeout S]\n",
      why.c_str());
  return 2;
}

// ---------------------------------------------------------------- run / control

// The server a case needs, from its group.
enum class Kind { kEcho, kHeartbeat, kRooms };

constexpr const char* kHeartbeatPing = "300";  // ms, as the built-in heartbeat server of conform
constexpr const char* kHeartbeatPong = "600";

Kind kind_of_group(const std::string& group) {
  if (group == "heartbeat") return Kind::kHeartbeat;
  if (group == "rooms" || group == "scale") return Kind::kRooms;
  return Kind::kEcho;
}

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::kEcho:
      return "echo";
    case Kind::kHeartbeat:
      return "heartbeat";
    case Kind::kRooms:
      return "rooms";
  }
  return "?";
}

// How the server is started for cases of kind k.
std::vector<std::string> server_flags(Kind k) {
  if (k == Kind::kHeartbeat)
    return {"--ping-interval", kHeartbeatPing, "--pong-timeout", kHeartbeatPong};
  if (k == Kind::kRooms) return {"--rooms"};
  return {};
}

// How `wslab conform` is told that the server at url is the target of kind k
// (the URL itself is always given too, so conform never starts a built-in server).
std::vector<std::string> target_flags(Kind k, const std::string& url) {
  if (k == Kind::kHeartbeat) {
    return {"--heartbeat",    url,           "--ping-interval", kHeartbeatPing,
            "--pong-timeout", kHeartbeatPong};
  }
  if (k == Kind::kRooms) return {"--rooms", url};
  return {};
}

// `wslab conform --list --format json`: case id -> group, in catalog order.
bool harness_catalog(const std::string& wslab,
                     std::vector<std::pair<std::string, std::string>>& out, std::string& error) {
  auto child = spawn({wslab, "conform", "--list", "--format", "json"}, true);
  if (!child) {
    error = "cannot run " + wslab;
    return false;
  }
  const std::string text = read_all(child->out_fd, std::chrono::seconds(30));
  ::close(child->out_fd);
  const auto status = wait_for(child->pid, std::chrono::seconds(5));
  if (!status) stop(child->pid);
  Json j = Json::parse(text, nullptr, false);
  const Json* cases = nullptr;
  if (j.is_object() && j.contains("cases")) cases = &j["cases"];
  if (j.is_array()) cases = &j;
  if (cases == nullptr || !cases->is_array()) {
    error = wslab + " conform --list --format json did not print a case list";
    return false;
  }
  for (const auto& c : *cases) {
    out.emplace_back(c.value("id", std::string()), c.value("group", std::string()));
  }
  return true;
}

// Case id -> group, from the harness catalog.
std::map<std::string, std::string> case_groups(
    const std::vector<std::pair<std::string, std::string>>& cat) {
  std::map<std::string, std::string> g;
  for (const auto& [id, group] : cat) g[id] = group;
  return g;
}

// Outcome of one `wslab conform` run.
struct RunResult {
  std::map<std::string, Json> verdicts;  // case id -> its entry in report.json
  std::string report_text;               // the terminal report
  std::optional<int> server_died;        // URL mode: the server ended on its own (wait status)
};

// Waits for `wslab conform` (bounded) and reads its report.json.
bool finish_conform(const Options& o, pid_t conform, const std::string& text_path, RunResult& r,
                    std::string& error) {
  const auto status = wait_for(conform, std::chrono::seconds(o.run_timeout_s));
  if (!status) {
    stop(conform);
    error = "`wslab conform` did not finish within " + std::to_string(o.run_timeout_s) +
            " s: the run hangs";
    return false;
  }
  r.report_text = slurp(text_path);
  const std::string json_path = o.report_dir + "/report.json";
  Json report = Json::parse(slurp(json_path), nullptr, false);
  if (!report.is_object() || !report.contains("cases")) {
    error = "no readable " + json_path + " (conform ended with " + describe_status(*status) + ")";
    return false;
  }
  for (const auto& c : report["cases"]) r.verdicts[c.value("id", std::string())] = c;
  return true;
}

std::vector<std::string> conform_args(const Options& o, const std::vector<std::string>& cases) {
  std::vector<std::string> argv = {"--quick",         "--jobs",        "2",        "--no-color",
                                   "--timeout-scale", o.timeout_scale, "--report", o.report_dir};
  for (const auto& c : cases) {
    argv.push_back("--case");
    argv.push_back(c);
  }
  return argv;
}

// URL mode (the usual one): start the server on port 0, read its URL, run
// `wslab conform URL` on the cases, stop the server.
bool run_against_url(const Options& o, Kind kind, const std::vector<std::string>& cases,
                     RunResult& r, std::string& error) {
  make_dirs(o.report_dir);
  std::vector<std::string> server_argv = {o.server, "--port", "0"};
  for (auto& a : server_flags(kind)) server_argv.push_back(std::move(a));
  auto server = spawn(server_argv, true);
  if (!server) {
    error = "cannot start " + o.server;
    return false;
  }
  std::string first_line;
  const auto url = read_url(server->out_fd, std::chrono::seconds(10), first_line);
  if (!url) {
    stop(server->pid);
    ::close(server->out_fd);
    error = o.server + " did not print \"listening on ws://...\" within 10 s (got \"" + first_line +
            "\")";
    return false;
  }
  std::vector<std::string> argv = {o.wslab, "conform", *url};
  for (auto& a : target_flags(kind, *url)) argv.push_back(std::move(a));
  for (auto& a : conform_args(o, cases)) argv.push_back(std::move(a));
  const std::string text_path = o.report_dir + "/conform-output.txt";
  auto conform = spawn(argv, false, text_path, o.report_dir + "/conform-progress.txt");
  if (!conform) {
    stop(server->pid);
    ::close(server->out_fd);
    error = "cannot run " + o.wslab;
    return false;
  }
  const bool ok = finish_conform(o, conform->pid, text_path, r, error);
  r.server_died = stop(server->pid);
  ::close(server->out_fd);
  return ok;
}

// Spawn mode: `wslab conform --spawn` starts the server itself, notices when it
// dies, restarts it and names the case that killed it (FAIL "server process
// died"). Used to rerun a mutant whose server died in URL mode, where the
// cases after the death can only report ERROR (nothing listens any more).
bool run_with_spawn(const Options& o, const std::vector<std::string>& cases, RunResult& r,
                    std::string& error) {
  make_dirs(o.report_dir);
  std::vector<std::string> argv = {o.wslab, "conform", "--spawn",
                                   "'" + o.server + "' --port {port}"};
  for (auto& a : conform_args(o, cases)) argv.push_back(std::move(a));
  const std::string text_path = o.report_dir + "/conform-output.txt";
  auto conform = spawn(argv, false, text_path, o.report_dir + "/conform-progress.txt");
  if (!conform) {
    error = "cannot run " + o.wslab;
    return false;
  }
  return finish_conform(o, conform->pid, text_path, r, error);
}

std::string one_line(const Json& c, const char* field) {
  std::string s = c.value(field, std::string());
  std::replace(s.begin(), s.end(), '\n', ' ');
  if (s.size() > 200) s = s.substr(0, 197) + "...";
  return s;
}

int check(const Options& o, const std::vector<Mutant>& mutants, bool control) {
  std::vector<std::string> cases;
  std::string label;
  if (control) {
    label = "control (unpatched server)";
    std::set<std::string> seen;
    for (const auto& m : mutants) {
      for (const auto& c : m.cases) {
        if (seen.insert(c).second) cases.push_back(c);
      }
    }
  } else {
    auto it = std::find_if(mutants.begin(), mutants.end(),
                           [&](const Mutant& m) { return m.name == o.mutant; });
    if (it == mutants.end()) return usage("no mutant '" + o.mutant + "' in " + o.catalog);
    label = "mutant " + it->name + " (" + it->bug + ", " + it->file + ")";
    cases = it->cases;
  }
  // Which server each case needs, from its group in the harness catalog.
  std::vector<std::pair<std::string, std::string>> cat;
  std::string error;
  if (!harness_catalog(o.wslab, cat, error)) {
    std::printf("%s: %s\n", label.c_str(), error.c_str());
    return 1;
  }
  const auto groups_of = case_groups(cat);
  std::map<Kind, std::vector<std::string>> by_kind;
  for (const auto& id : cases) {
    auto it = groups_of.find(id);
    by_kind[it == groups_of.end() ? Kind::kEcho : kind_of_group(it->second)].push_back(id);
  }
  std::map<std::string, Json> verdicts;
  std::string report_text;
  const auto started = Clock::now();
  for (const auto& [kind, kind_cases] : by_kind) {
    Options ko = o;
    ko.report_dir = o.report_dir + "/" + kind_name(kind);
    RunResult run;
    if (!run_against_url(ko, kind, kind_cases, run, error)) {
      std::printf("%s: %s cases: %s\n", label.c_str(), kind_name(kind), error.c_str());
      return 1;
    }
    if (run.server_died && kind == Kind::kEcho) {
      std::printf(
          "note: the server died during the run (%s); running the cases again with `wslab "
          "conform --spawn`, which names the case that kills it\n",
          describe_status(*run.server_died).c_str());
      run = RunResult{};
      if (!run_with_spawn(ko, kind_cases, run, error)) {
        std::printf("%s: %s\n", label.c_str(), error.c_str());
        return 1;
      }
    } else if (run.server_died) {
      std::printf("note: the %s server died during the run (%s)\n", kind_name(kind),
                  describe_status(*run.server_died).c_str());
    }
    for (auto& [id, v] : run.verdicts) verdicts[id] = std::move(v);
    report_text += "---- " + std::string(kind_name(kind)) + " cases\n" + run.report_text;
  }
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  int bad = 0;
  for (const auto& id : cases) {
    auto it = verdicts.find(id);
    if (it == verdicts.end()) {
      std::printf("  %-70s MISSING: not in the report (renamed or removed case?)\n", id.c_str());
      ++bad;
      continue;
    }
    const std::string verdict = it->second.value("verdict", std::string());
    const bool ok = control ? verdict == "PASS" : (verdict == "FAIL" || verdict == "TIMEOUT");
    std::printf("  %-70s %-10s %s\n", id.c_str(), verdict.c_str(),
                ok ? (control ? "" : "caught") : (control ? "expected PASS" : "NOT CAUGHT"));
    if (!ok || !control)
      std::printf("      observed: %s\n", one_line(it->second, "observed").c_str());
    if (!ok) ++bad;
  }
  if (bad > 0) {
    std::printf("%s: %d of %zu case(s) %s (%lld ms). The conform report follows.\n%s\n",
                label.c_str(), bad, cases.size(),
                control ? "do not PASS against the unpatched server"
                        : "did not catch the bug (expected FAIL or TIMEOUT)",
                static_cast<long long>(ms), report_text.c_str());
    return 1;
  }
  std::printf("%s: %s by %zu case(s) (%lld ms)\n", label.c_str(),
              control ? "every case PASSES" : "caught", cases.size(), static_cast<long long>(ms));
  return 0;
}

// ---------------------------------------------------------------- coverage / table

int coverage(const Options& o, const std::vector<Mutant>& mutants) {
  std::vector<std::pair<std::string, std::string>> cat;
  std::string error;
  if (!harness_catalog(o.wslab, cat, error)) {
    std::printf("%s\n", error.c_str());
    return 1;
  }
  const auto groups_of = case_groups(cat);
  std::vector<std::string> groups;  // catalog order
  for (const auto& [id, group] : cat) {
    if (std::find(groups.begin(), groups.end(), group) == groups.end()) groups.push_back(group);
  }
  int bad = 0;
  std::map<std::string, std::vector<std::string>> caught_in;
  for (const auto& m : mutants) {
    for (const auto& c : m.cases) {
      auto it = groups_of.find(c);
      if (it == groups_of.end()) {
        std::printf("mutant %s (catalog line %d): unknown case id %s\n", m.name.c_str(), m.line,
                    c.c_str());
        ++bad;
        continue;
      }
      auto& names = caught_in[it->second];
      if (std::find(names.begin(), names.end(), m.name) == names.end()) names.push_back(m.name);
    }
    if (!o.patches.empty()) {
      const std::string patch = o.patches + "/" + m.name + ".patch";
      if (::access(patch.c_str(), R_OK) != 0) {
        std::printf("mutant %s: missing %s\n", m.name.c_str(), patch.c_str());
        ++bad;
      }
    }
  }
  for (const auto& g : groups) {
    const auto it = caught_in.find(g);
    if (it == caught_in.end()) {
      std::printf("group %-14s catches NO mutant: add one (docs/mutants.md)\n", g.c_str());
      ++bad;
    } else {
      std::printf("group %-14s catches %zu mutant(s)\n", g.c_str(), it->second.size());
    }
  }
  constexpr std::size_t kRequired = 25;
  if (mutants.size() < kRequired) {
    std::printf("only %zu mutants; the suite promises at least %zu\n", mutants.size(), kRequired);
    ++bad;
  }
  std::printf("%zu mutants, %zu groups: %s\n", mutants.size(), groups.size(),
              bad == 0 ? "every group catches at least one mutant" : "PROBLEMS above");
  return bad == 0 ? 0 : 1;
}

std::string table(const std::vector<Mutant>& mutants,
                  const std::map<std::string, std::string>& groups_of) {
  std::string t = "| mutant | the student bug | file | caught by | groups |\n";
  t += "|---|---|---|---|---|\n";
  for (const auto& m : mutants) {
    std::string cases;
    std::vector<std::string> groups;
    for (const auto& c : m.cases) {
      if (!cases.empty()) cases += "<br>";
      cases += "`" + c + "`";
      auto it = groups_of.find(c);
      const std::string g = it == groups_of.end() ? "?" : it->second;
      if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
    }
    std::string gs;
    for (const auto& g : groups) gs += (gs.empty() ? "" : ", ") + g;
    t += "| [`" + m.name + "`](../mutants/patches/" + m.name + ".patch) | " + m.bug + " | `" +
         m.file + "` | " + cases + " | " + gs + " |\n";
  }
  return t;
}

constexpr const char* kBegin =
    "<!-- mutants-table:begin (generated: wslab-mutant-check table) -->\n";
constexpr const char* kEnd = "<!-- mutants-table:end -->";

int table_or_doc(const Options& o, const std::vector<Mutant>& mutants, bool doc) {
  std::vector<std::pair<std::string, std::string>> cat;
  std::string error;
  if (!harness_catalog(o.wslab, cat, error)) {
    std::printf("%s\n", error.c_str());
    return 1;
  }
  const std::string t = table(mutants, case_groups(cat));
  if (!doc) {
    std::printf("%s%s%s\n", kBegin, t.c_str(), kEnd);
    return 0;
  }
  const std::string text = slurp(o.doc);
  const auto b = text.find(kBegin);
  const auto e = text.find(kEnd);
  if (b == std::string::npos || e == std::string::npos || e < b) {
    std::printf("%s: no generated table between the mutants-table markers\n", o.doc.c_str());
    return 1;
  }
  const std::string have = text.substr(b + std::strlen(kBegin), e - b - std::strlen(kBegin));
  if (have != t) {
    std::printf(
        "%s: the mutants table is stale. Regenerate it:\n"
        "  <build>/bin/wslab-mutant-check table --catalog mutants/catalog.txt --wslab "
        "<build>/bin/wslab\n"
        "and paste the output over the block between the markers.\n",
        o.doc.c_str());
    return 1;
  }
  std::printf("%s: the mutants table is up to date (%zu mutants)\n", o.doc.c_str(), mutants.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  Options o;
  if (argc < 2) return usage("missing command");
  o.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return usage("missing value for " + a);
    const std::string v = argv[++i];
    if (a == "--catalog") {
      o.catalog = v;
    } else if (a == "--wslab") {
      o.wslab = v;
    } else if (a == "--server") {
      o.server = v;
    } else if (a == "--mutant") {
      o.mutant = v;
    } else if (a == "--report-dir") {
      o.report_dir = v;
    } else if (a == "--patches") {
      o.patches = v;
    } else if (a == "--doc") {
      o.doc = v;
    } else if (a == "--timeout-scale") {
      o.timeout_scale = v;
    } else if (a == "--run-timeout") {
      o.run_timeout_s = std::atoi(v.c_str());
    } else {
      return usage("unknown option " + a);
    }
  }
  if (o.catalog.empty() || o.wslab.empty()) return usage("--catalog and --wslab are required");
  std::vector<Mutant> mutants;
  std::string error;
  if (!load_catalog(o.catalog, mutants, error)) {
    std::printf("%s\n", error.c_str());
    return 1;
  }
  if (o.command == "run" || o.command == "control") {
    if (o.server.empty() || o.report_dir.empty())
      return usage("--server and --report-dir are required");
    if (o.command == "run" && o.mutant.empty()) return usage("--mutant is required");
    return check(o, mutants, o.command == "control");
  }
  if (o.command == "coverage") return coverage(o, mutants);
  if (o.command == "table") return table_or_doc(o, mutants, false);
  if (o.command == "doc") {
    if (o.doc.empty()) return usage("--doc is required");
    return table_or_doc(o, mutants, true);
  }
  return usage("unknown command " + o.command);
}
