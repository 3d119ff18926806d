// wslab bench: runs the server benchmark (wslab serve vs the libwebsockets
// reference server vs a raw TCP echo) and the transport benchmark (short
// polling, long polling, SSE, WebSocket), writes Google Benchmark JSON, and,
// with --docs, renders the tables into docs/results.md and the gnuplot plots
// into docs/results/. The benchmark binaries (wslab_bench_servers,
// wslab_bench_transports) are looked up next to this executable.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"

namespace wslab::cli {
namespace {

namespace fs = std::filesystem;

struct BenchFlags {
  double scale = 1.0;
  std::string only;  // "", "servers", "transports"
  std::string out;
  std::string docs;
  std::string filter;
  bool smoke = false;
};

fs::path exe_dir() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : p.parent_path();
}

int run_child(const std::vector<std::string>& argv, const fs::path& cwd = {}) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    std::fprintf(stderr, "wslab bench: cannot run %s\n", argv[0].c_str());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Replaces the text between <!-- wslab-bench:NAME:begin --> and its end marker.
bool splice(std::string& doc, const std::string& name, const std::string& body) {
  std::string begin = "<!-- wslab-bench:" + name + ":begin -->";
  std::string end = "<!-- wslab-bench:" + name + ":end -->";
  auto b = doc.find(begin);
  auto e = doc.find(end);
  if (b == std::string::npos || e == std::string::npos || e < b) return false;
  doc.replace(b + begin.size(), e - b - begin.size(), "\n" + body + "\n");
  return true;
}

int run_bench(const BenchFlags& f) {
  fs::path dir = exe_dir();
  fs::path out = f.out.empty() ? dir.parent_path() / "bench-results" : fs::path(f.out);
  fs::create_directories(out);
  struct Part {
    std::string name;
    std::string binary;
  };
  std::vector<Part> parts;
  if (f.only.empty() || f.only == "servers") parts.push_back({"servers", "wslab_bench_servers"});
  if (f.only.empty() || f.only == "transports")
    parts.push_back({"transports", "wslab_bench_transports"});
  std::size_t i = 0;
  for (const auto& p : parts) {
    ++i;
    fs::path bin = dir / p.binary;
    if (!fs::exists(bin)) {
      std::fprintf(
          stderr,
          "wslab bench: %s not found next to wslab; build it first:\n"
          "  cmake --build <build dir> --target wslab_bench_servers wslab_bench_transports\n",
          bin.c_str());
      return 1;
    }
    std::fprintf(stderr, "==> [%zu/%zu] %s benchmark (scale %.2f), JSON -> %s\n", i, parts.size(),
                 p.name.c_str(), f.scale, (out / (p.name + ".json")).c_str());
    auto t0 = std::chrono::steady_clock::now();
    std::vector<std::string> argv = {bin.string(),
                                     "--scale=" + std::to_string(f.scale),
                                     "--md=" + (out / (p.name + ".md")).string(),
                                     "--plot-dir=" + out.string(),
                                     "--benchmark_out=" + (out / (p.name + ".json")).string(),
                                     "--benchmark_out_format=json",
                                     "--benchmark_counters_tabular=true"};
    if (f.smoke) argv.push_back("--smoke");
    if (!f.filter.empty()) argv.push_back("--benchmark_filter=" + f.filter);
    if (int rc = run_child(argv); rc != 0) {
      std::fprintf(stderr, "wslab bench: %s exited with %d\n", p.binary.c_str(), rc);
      return 1;
    }
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - t0;
    std::fprintf(stderr, "==> %s done in %.0f s\n", p.name.c_str(), took.count());
  }
  // Plots: gnuplot writes the SVGs into the output directory.
  for (const auto& p : parts)
    if (fs::exists(out / (p.name + ".gp")) && run_child({"gnuplot", p.name + ".gp"}, out) != 0)
      std::fprintf(stderr, "wslab bench: gnuplot failed on %s.gp (is gnuplot installed?)\n",
                   p.name.c_str());
  if (f.docs.empty()) {
    std::fprintf(stderr, "==> results in %s (pass --docs DIR to update DIR/results.md)\n",
                 out.c_str());
    return 0;
  }
  fs::path docs(f.docs);
  fs::path md = docs / "results.md";
  std::string doc = read_file(md);
  fs::create_directories(docs / "results");
  for (const auto& p : parts) {
    if (!splice(doc, p.name, read_file(out / (p.name + ".md"))))
      std::fprintf(stderr, "wslab bench: no <!-- wslab-bench:%s:begin/end --> markers in %s\n",
                   p.name.c_str(), md.c_str());
    for (const auto& e : fs::directory_iterator(out))
      if (e.path().extension() == ".svg" && e.path().filename().string().rfind(p.name, 0) == 0)
        fs::copy_file(e.path(), docs / "results" / e.path().filename(),
                      fs::copy_options::overwrite_existing);
  }
  std::ofstream(md) << doc;
  std::fprintf(stderr, "==> updated %s and %s/results/*.svg\n", md.c_str(), docs.c_str());
  return 0;
}

}  // namespace

void register_bench(CLI::App& app) {
  auto flags = std::make_shared<BenchFlags>();
  auto* cmd = app.add_subcommand(
      "bench", "Benchmark transports (polling, long polling, SSE, WebSocket) and servers");
  cmd->add_option("--scale", flags->scale, "Multiply every duration by this (1: a few minutes)")
      ->capture_default_str();
  cmd->add_option("--only", flags->only, "Run one part: servers or transports")
      ->check(CLI::IsMember({"servers", "transports"}));
  cmd->add_option("--out", flags->out,
                  "Directory for JSON, tables and plots (default: <build>/bench-results)");
  cmd->add_option("--docs", flags->docs,
                  "Docs directory whose results.md and results/ are updated");
  cmd->add_option("--filter", flags->filter, "Google Benchmark filter (regex) for both binaries");
  cmd->add_flag("--smoke", flags->smoke, "Tiny parameters: check that everything runs");
  cmd->callback([flags] { set_exit_code(run_bench(*flags)); });
}

}  // namespace wslab::cli
