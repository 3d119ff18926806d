// Issue 9's acceptance check, as CI runs it (docs/rooms-protocol.md §11, lab 6):
// one real redis-server (Debian's, on a free loopback port, nothing on disk),
// THREE `wslab serve --rooms --port 0 --redis URL` processes (the built binary),
// and `wslab conform --group rooms,scale URL1 URL2 URL3 --report DIR`, whose
// cases put member k on instance k % 3. Every selected case must PASS.
// Label "redis;slow": it spawns five processes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "wslab/harness/server_process.hpp"

namespace wslab::rooms {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using harness::ServerProcess;
using harness::ServerSpec;

std::string quoted(const std::string& s) {
  return "'" + s + "'";
}

std::string url_of(const ServerProcess& s) {
  return "ws://127.0.0.1:" + std::to_string(s.port()) + "/";
}

std::unique_ptr<ServerProcess> start_redis() {
  ServerSpec spec;
  spec.shell_command = std::string("exec ") + WSLAB_REDIS_SERVER +
                       " --port {port} --bind 127.0.0.1 --save '' --appendonly no"
                       " --loglevel warning";
  spec.start_timeout = Millis{5000};
  auto s = ServerProcess::start(spec);
  return s ? std::move(*s) : nullptr;
}

std::unique_ptr<ServerProcess> start_instance(const std::vector<std::string>& extra) {
  // A shell command with {port}, not argv: ServerProcess reads the port from the first line of
  // stdout and stderr together, and with --redis the first line is the link's "redis ... is up".
  ServerSpec spec;
  spec.shell_command = "exec " + quoted(WSLAB_BIN) + " serve --rooms --port {port} --quiet";
  for (const auto& e : extra) spec.shell_command += " " + quoted(e);
  spec.start_timeout = Millis{5000};
  auto s = ServerProcess::start(spec);
  if (!s) {
    ADD_FAILURE() << "wslab serve: " << s.error();
    return nullptr;
  }
  return std::move(*s);
}

struct ConformRun {
  int exit_code = -1;
  std::string output;
  json report;
};

// `wslab conform ARGS --report DIR`, bounded by timeout(1).
ConformRun conform(const std::string& args, const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("wslab-scale-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string out = (dir / "stdout.txt").string();
  const std::string cmd = "timeout 120 " + quoted(WSLAB_BIN) + " conform --no-color " + args +
                          " --report " + quoted((dir / "report").string()) + " > " + quoted(out) +
                          " 2>&1";
  ConformRun run;
  const int status = std::system(cmd.c_str());
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream o(out);
  std::stringstream ss;
  ss << o.rdbuf();
  run.output = ss.str();
  std::ifstream r(dir / "report" / "report.json");
  if (r) run.report = json::parse(r, nullptr, false);
  fs::remove_all(dir);
  return run;
}

// Every case PASS; returns the ids per group for the caller's counts.
std::map<std::string, int> expect_all_pass(const ConformRun& run) {
  std::map<std::string, int> groups;
  EXPECT_TRUE(run.report.is_object()) << "no report.json; conform said:\n" << run.output;
  if (!run.report.is_object()) return groups;
  for (const auto& c : run.report["cases"]) {
    ++groups[c.value("group", "")];
    EXPECT_EQ(c.value("verdict", ""), "PASS")
        << c.value("id", "") << ": expected " << c.value("expected", "") << "\n  observed "
        << c.value("observed", "") << "\n  " << c.value("detail", "");
  }
  EXPECT_EQ(run.exit_code, 0) << run.output;
  return groups;
}

// The cross-instance cases against three processes sharing one Redis.
TEST(RoomsScaleOut, ConformRoomsAndScaleCasesPassOnThreeInstances) {
  auto redis = start_redis();
  ASSERT_NE(redis, nullptr) << "redis-server did not start";
  const std::string redis_url = "redis://127.0.0.1:" + std::to_string(redis->port());
  std::vector<std::unique_ptr<ServerProcess>> instances;
  std::string urls;
  for (int i = 0; i < 3; ++i) {
    instances.push_back(start_instance({"--redis", redis_url}));
    ASSERT_NE(instances.back(), nullptr) << "wslab serve --rooms --redis did not start";
    urls += " " + url_of(*instances.back());
  }
  auto run = conform("--group rooms,scale -j 2" + urls, "three");
  auto groups = expect_all_pass(run);
  EXPECT_EQ(groups["scale"], 5) << run.output;
  std::printf("rooms cases: %d, scale cases: %d, all on 3 instances\n", groups["rooms"],
              groups["scale"]);
  for (const auto& s : instances) EXPECT_TRUE(s->alive()) << s->output_tail();
}

// The same cases stay valid with one target: every member on one plain server.
TEST(RoomsScaleOut, ScaleCasesPassOnOneServerWithoutRedis) {
  auto server = start_instance({});
  ASSERT_NE(server, nullptr) << "wslab serve --rooms did not start";
  auto run = conform("--group scale -j 2 " + url_of(*server), "one");
  auto groups = expect_all_pass(run);
  EXPECT_EQ(groups["scale"], 5) << run.output;
}

}  // namespace
}  // namespace wslab::rooms
