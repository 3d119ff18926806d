// wslab conform: run the conformance harness against a WebSocket server.
//   wslab conform                      grade the built-in reference server
//   wslab conform ws://127.0.0.1:9001/ grade a running server
//   wslab conform --spawn "./server --port {port}"  start it, restart it when it dies
//   wslab conform --list [--format text|json|markdown]
// See docs/conformance.md.
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "wslab/crypto.hpp"
#include "wslab/harness/case.hpp"
#include "wslab/harness/catalog_list.hpp"
#include "wslab/harness/report.hpp"
#include "wslab/harness/runner.hpp"
#include "wslab/harness/selection.hpp"
#include "wslab/harness/server_process.hpp"

namespace wslab::cli {
namespace {

using namespace wslab::harness;

struct ConformArgs {
  std::vector<std::string> urls;
  std::vector<std::string> rooms_urls;
  std::string heartbeat_url;
  long long ping_interval_ms = 0, pong_timeout_ms = 0;
  std::string origin;
  int lab = 0;
  std::vector<std::string> groups, cases, excludes;
  bool quick = false, strict = false, list = false;
  std::string format = "text";
  int jobs = 0;
  double timeout_scale = 1.0;
  std::string spawn;
  double spawn_timeout = 10.0;
  std::string report_dir;
  std::string visibility = "visible";
  bool github_output = false;
  bool allow_remote = false;
  bool verbose = false;
  bool no_color = false;
  int wire_records = 20;
  std::uint64_t seed = 0;
  bool wire_for_passing = false;
};

bool is_loopback(const sockaddr* sa) {
  if (sa->sa_family == AF_INET) {
    auto a = ntohl(reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr);
    return (a >> 24) == 127;
  }
  if (sa->sa_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(&a);
  }
  return false;
}

// ws://host[:port][/path] -> Target with a numeric host.
Result<Target> parse_target(const std::string& url, bool allow_remote) {
  std::string rest;
  if (url.rfind("ws://", 0) == 0) {
    rest = url.substr(5);
  } else if (url.rfind("wss://", 0) == 0) {
    return Error{"wss:// (TLS) is not supported: test the server over plain ws://"};
  } else {
    return Error{"not a ws:// URL: \"" + url + "\" (expected e.g. ws://127.0.0.1:9001/)"};
  }
  Target t;
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  t.path = slash == std::string::npos ? "/" : rest.substr(slash);
  std::string host, port = "80";
  if (!authority.empty() && authority[0] == '[') {
    auto close = authority.find(']');
    if (close == std::string::npos) return Error{"bad IPv6 address in \"" + url + "\""};
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':')
      port = authority.substr(close + 2);
  } else {
    auto colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (host.empty()) return Error{"no host in \"" + url + "\""};
  char* end = nullptr;
  long p = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || p <= 0 || p > 65535) {
    return Error{"bad port \"" + port + "\" in \"" + url + "\""};
  }
  t.port = static_cast<std::uint16_t>(p);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) return Error{"cannot resolve \"" + host + "\": " + gai_strerror(rc)};
  bool remote = false;
  char numeric[NI_MAXHOST] = {0};
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    if (!is_loopback(ai->ai_addr)) remote = true;
  }
  ::getnameinfo(res->ai_addr, res->ai_addrlen, numeric, sizeof numeric, nullptr, 0, NI_NUMERICHOST);
  ::freeaddrinfo(res);
  if (remote && !allow_remote) {
    return Error{"\"" + host +
                 "\" is not a loopback address; wslab only tests servers on this "
                 "machine unless you pass --allow-remote (and own the target)"};
  }
  t.host = numeric;
  return t;
}

std::string self_exe() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "/proc/self/exe";
  return std::string(buf, static_cast<std::size_t>(n));
}

// A built-in server started for one kind of case (rooms, heartbeat) when no URL was given.
Result<std::unique_ptr<ServerProcess>> start_builtin(std::vector<std::string> extra,
                                                     double spawn_timeout, double timeout_scale) {
  ServerSpec spec;
  spec.start_timeout = Millis{static_cast<Millis::rep>(spawn_timeout * 1000.0 * timeout_scale)};
  spec.argv = {self_exe(), "serve", "--port", "0", "--quiet"};
  spec.argv.insert(spec.argv.end(), extra.begin(), extra.end());
  return ServerProcess::start(spec);
}

std::size_t count_needing(const std::vector<const Case*>& cases, TargetKind k) {
  std::size_t n = 0;
  for (const auto* c : cases) n += c->info.needs == k ? 1 : 0;
  return n;
}

// Drops the cases of kind k (their server was not given) and says so.
void drop_cases(std::vector<const Case*>& cases, TargetKind k, const char* how) {
  const auto n = count_needing(cases, k);
  if (n == 0) return;
  std::erase_if(cases, [k](const Case* c) { return c->info.needs == k; });
  std::fprintf(stderr, "wslab conform: skipping %zu %s case(s): %s\n", n,
               std::string(target_kind_name(k)).c_str(), how);
}

int run_conform(const ConformArgs& a) {
  Selection sel;
  sel.lab = a.lab;
  for (const auto& g : a.groups) sel.groups.push_back(g);
  sel.include = a.cases;
  sel.exclude = a.excludes;
  const auto& all = catalog().cases();
  auto chosen = select_cases(all, sel);

  if (a.list) {
    ListFormat f = ListFormat::kText;
    if (a.format == "json")
      f = ListFormat::kJson;
    else if (a.format == "markdown" || a.format == "md")
      f = ListFormat::kMarkdown;
    else if (a.format != "text") {
      std::fprintf(stderr, "wslab conform: unknown --format \"%s\" (text, json, markdown)\n",
                   a.format.c_str());
      return 2;
    }
    std::string out = render_catalog(chosen, f);
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
  }
  if (chosen.empty()) {
    std::fprintf(stderr, "wslab conform: no case matches the selection (%s); see --list\n",
                 sel.describe().c_str());
    return 2;
  }
  if (!a.urls.empty() && !a.spawn.empty()) {
    std::fprintf(stderr, "wslab conform: give either a URL or --spawn, not both\n");
    return 2;
  }
  if (!a.heartbeat_url.empty() && (a.ping_interval_ms <= 0 || a.pong_timeout_ms <= 0)) {
    std::fprintf(stderr,
                 "wslab conform: --heartbeat needs --ping-interval MS and --pong-timeout MS: the "
                 "settings that server was started with\n");
    return 2;
  }
  if (a.timeout_scale <= 0) {
    std::fprintf(stderr, "wslab conform: --timeout-scale must be positive\n");
    return 2;
  }

  RunOptions opt;
  opt.jobs = a.jobs;
  opt.timeout_scale = a.timeout_scale;
  opt.quick = a.quick;
  opt.strict = a.strict;
  opt.selection = sel.describe();
  opt.keep_passing_wire = a.wire_for_passing;
  opt.seed = a.seed;
  opt.allowed_origin = a.origin;
  if (opt.seed == 0) random_bytes(reinterpret_cast<std::uint8_t*>(&opt.seed), sizeof opt.seed);

  // Which server each kind of case talks to (docs/conformance.md, "Targets").
  for (const auto& u : a.rooms_urls) {
    auto t = parse_target(u, a.allow_remote);
    if (!t) {
      std::fprintf(stderr, "wslab conform: --rooms: %s\n", t.error().c_str());
      return 2;
    }
    opt.rooms_targets.push_back(*t);
  }
  if (!a.heartbeat_url.empty()) {
    auto t = parse_target(a.heartbeat_url, a.allow_remote);
    if (!t) {
      std::fprintf(stderr, "wslab conform: --heartbeat: %s\n", t.error().c_str());
      return 2;
    }
    opt.heartbeat_target = *t;
    opt.heartbeat.ping_interval = Millis{a.ping_interval_ms};
    opt.heartbeat.pong_timeout = Millis{a.pong_timeout_ms};
  }
  const bool only_rooms = count_needing(chosen, TargetKind::kRooms) == chosen.size();
  bool echo_target = true;
  if (a.urls.size() > 1 || (a.urls.size() == 1 && only_rooms && a.rooms_urls.empty())) {
    // Several URLs are instances of one rooms service (lab 6); one URL with only rooms cases
    // selected is the rooms server.
    if (!a.rooms_urls.empty()) {
      std::fprintf(stderr,
                   "wslab conform: give the rooms servers either as URLs or with --rooms\n");
      return 2;
    }
    for (const auto& u : a.urls) {
      auto t = parse_target(u, a.allow_remote);
      if (!t) {
        std::fprintf(stderr, "wslab conform: %s\n", t.error().c_str());
        return 2;
      }
      opt.rooms_targets.push_back(*t);
    }
    opt.target = opt.rooms_targets.front();
    echo_target = false;
    if (a.urls.size() > 1) {
      const char* why = "several URLs are taken as instances of one rooms service";
      drop_cases(chosen, TargetKind::kEcho, why);
      drop_cases(chosen, TargetKind::kHeartbeat, why);
    }
  }

  // From the first server this run may start on: none outlives an interrupted run.
  const ServersDieWithUs servers_die_with_us;
  std::vector<std::unique_ptr<ServerProcess>> helpers;  // built-in rooms / heartbeat servers
  const bool builtin = a.urls.empty() && a.spawn.empty();
  if (opt.rooms_targets.empty() && count_needing(chosen, TargetKind::kRooms) > 0) {
    if (builtin) {
      auto s = start_builtin({"--rooms"}, a.spawn_timeout, a.timeout_scale);
      if (!s) {
        std::fprintf(stderr, "wslab conform: could not start wslab serve --rooms: %s\n",
                     s.error().c_str());
        return 2;
      }
      Target t;
      t.host = (*s)->host();
      t.port = (*s)->port();
      opt.rooms_targets.push_back(t);
      helpers.push_back(std::move(*s));
    } else {
      drop_cases(chosen, TargetKind::kRooms, "no rooms server (give --rooms ws://HOST:PORT/PATH)");
    }
  }
  if (!opt.heartbeat_target && count_needing(chosen, TargetKind::kHeartbeat) > 0) {
    if (builtin) {
      constexpr long long kPing = 300, kPong = 600;
      auto s = start_builtin(
          {"--ping-interval", std::to_string(kPing), "--pong-timeout", std::to_string(kPong)},
          a.spawn_timeout, a.timeout_scale);
      if (!s) {
        std::fprintf(stderr, "wslab conform: could not start the heartbeat server: %s\n",
                     s.error().c_str());
        return 2;
      }
      Target t;
      t.host = (*s)->host();
      t.port = (*s)->port();
      opt.heartbeat_target = t;
      opt.heartbeat.ping_interval = Millis{kPing};
      opt.heartbeat.pong_timeout = Millis{kPong};
      helpers.push_back(std::move(*s));
    } else {
      drop_cases(chosen, TargetKind::kHeartbeat,
                 "no heartbeat server (give --heartbeat URL --ping-interval MS --pong-timeout MS)");
    }
  }
  if (chosen.empty()) {
    std::fprintf(stderr, "wslab conform: nothing left to run\n");
    return 2;
  }

  std::unique_ptr<ServerProcess> server;
  if (!echo_target) {
    opt.preflight = false;
  } else if (a.urls.size() == 1) {
    auto t = parse_target(a.urls.front(), a.allow_remote);
    if (!t) {
      std::fprintf(stderr, "wslab conform: %s\n", t.error().c_str());
      return 2;
    }
    opt.target = *t;
  } else {
    ServerSpec spec;
    spec.start_timeout =
        Millis{static_cast<Millis::rep>(a.spawn_timeout * 1000.0 * a.timeout_scale)};
    if (!a.spawn.empty()) {
      if (a.spawn.find("{port}") == std::string::npos) {
        std::fprintf(stderr,
                     "wslab conform: --spawn needs \"{port}\" in the command, where the server's "
                     "port goes (e.g. --spawn \"./server --port {port}\")\n");
        return 2;
      }
      spec.shell_command = a.spawn;
      opt.spawn_command = a.spawn;
    } else {
      spec.argv = {self_exe(), "serve", "--port", "0"};
      opt.spawn_command = "wslab serve --port 0";
    }
    auto s = ServerProcess::start(spec);
    if (!s) {
      std::fprintf(stderr, "wslab conform: could not start the server under test (%s): %s\n",
                   opt.spawn_command.c_str(), s.error().c_str());
      return 2;
    }
    server = std::move(*s);
    opt.server = server.get();
    opt.target.host = server->host();
    opt.target.port = server->port();
  }

  bool tty = ::isatty(STDERR_FILENO) != 0;
  std::size_t width = 0;
  std::string last_started;
  opt.on_start = [&](const CaseInfo& info, std::size_t done, std::size_t total) {
    if (!tty) return;
    last_started = info.id;
    std::string line =
        "[" + std::to_string(done + 1) + "/" + std::to_string(total) + "] " + info.id + " ...";
    std::fprintf(stderr, "\r\x1b[K%s", line.c_str());
    width = line.size();
    std::fflush(stderr);
  };
  opt.on_finish = [&](const CaseOutcome& o, std::size_t done, std::size_t total) {
    if (tty) {
      if (o.failed()) {
        std::fprintf(stderr, "\r\x1b[K%s %s\n", std::string(verdict_name(o.result.verdict)).c_str(),
                     o.info.id.c_str());
      }
      return;
    }
    std::fprintf(stderr, "[%zu/%zu] %-10s %s (%lld ms)\n", done, total,
                 std::string(verdict_name(o.result.verdict)).c_str(), o.info.id.c_str(),
                 static_cast<long long>(o.duration.count() / 1000));
  };

  RunReport report = run_cases(chosen, opt);
  if (tty) std::fprintf(stderr, "\r\x1b[K");
  (void)width;
  if (server) server->stop();
  for (auto& h : helpers) h->stop();

  ReportOptions ro;
  const char* no_color = std::getenv("NO_COLOR");
  ro.color =
      !a.no_color && ::isatty(STDOUT_FILENO) != 0 && (no_color == nullptr || *no_color == '\0');
  ro.verbose = a.verbose;
  ro.wire_records = static_cast<std::size_t>(a.wire_records < 0 ? 0 : a.wire_records);
  ro.gradescope_visibility = a.visibility;
  ro.wire_for_passing = a.wire_for_passing;
  std::string text = render_text(report, ro);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);

  int rc = report.exit_code();
  if (!a.report_dir.empty()) {
    auto written = write_reports(a.report_dir, report, ro);
    if (!written) {
      std::fprintf(stderr, "wslab conform: %s\n", written.error().c_str());
      rc = 2;
    } else {
      std::fprintf(stderr, "reports written to %s (%zu files)\n", a.report_dir.c_str(),
                   written->size());
    }
  }
  if (a.github_output) {
    const char* path = std::getenv("GITHUB_OUTPUT");
    if (path == nullptr || *path == '\0') {
      std::fprintf(
          stderr,
          "wslab conform: --github-output: $GITHUB_OUTPUT is not set (not in GitHub Actions?)\n");
    } else {
      std::ofstream f(path, std::ios::app);
      f << "result=" << base64_encode(render_classroom(report, ro)) << "\n";
      if (!f) std::fprintf(stderr, "wslab conform: cannot append to %s\n", path);
    }
  }
  return rc;
}

}  // namespace

void register_conform(CLI::App& app) {
  auto args = std::make_shared<ConformArgs>();
  auto* cmd = app.add_subcommand(
      "conform",
      "Check a WebSocket server against RFC 6455 and grade it.\n"
      "With no URL, starts the built-in reference server (wslab serve) and checks it.");
  cmd->add_option(
      "url", args->urls,
      "ws://HOST:PORT/PATH of a running server (loopback only). Several URLs: instances "
      "of one rooms service, members spread over them (lab 6)");
  // Repeatable options take one value per occurrence (allow_extra_args(false)): in
  // `--group scale URL1 URL2` the URLs are targets, not more groups.
  cmd->add_option(
         "--rooms", args->rooms_urls,
         "wslab.rooms.v1 server(s) for the rooms cases (lab 5; repeat for instances of one "
         "service). Without a URL, wslab serve --rooms is started")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
  cmd->add_option("--heartbeat", args->heartbeat_url,
                  "echo server started with a ping interval and pong timeout, for the heartbeat "
                  "cases (lab 4); needs --ping-interval and --pong-timeout");
  cmd->add_option("--origin", args->origin,
                  "an Origin the server was started to allow: it has an allow-list, so "
                  "handshake.origin.foreign expects 403 instead of reporting INFO");
  cmd->add_option("--ping-interval", args->ping_interval_ms,
                  "with --heartbeat: ms without traffic after which that server pings")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--pong-timeout", args->pong_timeout_ms,
                  "with --heartbeat: ms after a Ping after which that server drops a silent peer")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--lab", args->lab, "only cases of labs 1..N (cumulative)")
      ->check(CLI::Range(1, 99));
  cmd->add_option("--group", args->groups, "only these groups (repeat or comma-separate)")
      ->delimiter(',')
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
  cmd->add_option(
         "--case", args->cases,
         "only cases whose id matches GLOB ('*', '?'; a plain id also selects ids below it)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
  cmd->add_option("--exclude", args->excludes, "skip cases whose id matches GLOB")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
  cmd->add_flag("--quick", args->quick, "scale bulk cases down (seconds, not minutes)");
  cmd->add_flag("--strict", args->strict, "count NON-STRICT as FAIL");
  cmd->add_flag("--list", args->list, "list the selected cases instead of running them");
  cmd->add_option("--format", args->format, "--list format: text, json or markdown");
  cmd->add_option("--jobs,-j", args->jobs, "cases run in parallel (default: one per CPU core)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--timeout-scale", args->timeout_scale,
                  "multiply every timeout (slow machines, debuggers)");
  cmd->add_option("--spawn", args->spawn,
                  "start the server with /bin/sh -c CMD; {port} is replaced by a free port");
  cmd->add_option("--spawn-timeout", args->spawn_timeout,
                  "seconds to wait for a spawned server to accept TCP (default 10)");
  cmd->add_option("--report", args->report_dir,
                  "write report.json, junit.xml, results.json (Gradescope), classroom.json, "
                  "report.html, report.txt and pcap/ into DIR");
  cmd->add_option("--gradescope-visibility", args->visibility, "visibility of Gradescope tests")
      ->check(CLI::IsMember({"hidden", "after_due_date", "after_published", "visible"}));
  cmd->add_flag("--github-output", args->github_output,
                "append result=<base64 runner JSON> to $GITHUB_OUTPUT (GitHub Classroom)");
  cmd->add_flag("--allow-remote", args->allow_remote, "allow a target that is not on this machine");
  cmd->add_flag("--verbose,-v", args->verbose, "list every case with its verdict");
  cmd->add_flag("--no-color", args->no_color, "no ANSI colours");
  cmd->add_option("--wire-records", args->wire_records,
                  "wire-log records shown per failure (default 20; 0: all)");
  cmd->add_option("--seed", args->seed,
                  "seed for randomised payloads (default: random, printed in reports)");
  cmd->add_flag("--wire-for-passing", args->wire_for_passing,
                "keep wire logs of passing cases in JSON/HTML reports");
  cmd->callback([args] { set_exit_code(run_conform(*args)); });
}

}  // namespace wslab::cli
