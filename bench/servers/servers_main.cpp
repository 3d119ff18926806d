// Server benchmark (issue 6): `wslab serve`, the libwebsockets reference
// server (`wslab-refpeer serve`) and a raw TCP echo (the physical floor), each
// spawned as its own process and driven over loopback by this one:
//   EchoRtt      one connection, 64-byte messages, round trip p50/p99 (manual time)
//   Throughput   100 connections x 64 B / 16 KiB, one message in flight per connection
//   IdleMemory   RSS growth of the server process per idle connection, from
//                N/40 warm-up connections (code pages, first allocations) to N
//                (N = 10 000): the marginal cost of one more idle connection
// Targets (docs/results.md): echo p50 <= 1.5x raw; throughput >= lws;
// idle memory per connection <= 1 KiB and <= lws.
#include <benchmark/benchmark.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "raw_echo_server.hpp"
#include "support/bench_support.hpp"

namespace wb = wslab::bench;

namespace {

struct Options {
  double scale = 1.0;
  std::string md;
  std::string plot_dir;
  std::string wslab = WSLAB_BENCH_WSLAB;
  std::string refpeer = WSLAB_BENCH_REFPEER;
  std::size_t idle_conns = 10000;
  std::size_t conns = 100;
  bool smoke = false;
};
Options g_opt;

struct ServerKind {
  std::string name;  // raw, wslab, lws
  bool websocket;
};
const std::vector<ServerKind> kServers = {{"raw-tcp", false}, {"wslab", true}, {"lws", true}};

std::string self_path() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

std::vector<std::string> server_argv(const ServerKind& s) {
  if (s.name == "raw-tcp") return {self_path(), "--raw-echo-server"};
  if (s.name == "wslab") return {g_opt.wslab, "serve", "--port", "0", "--quiet"};
  return {g_opt.refpeer, "serve",      "--port",
          "0",           "--fd-limit", std::to_string(g_opt.idle_conns + 1024)};
}

// Results kept for the markdown table and the plots.
struct Row {
  double p50_us = 0, p99_us = 0, tput64 = 0, tput16k = 0, idle_bytes = 0;
};
std::map<std::string, Row> g_rows;

int open_conn(const ServerKind& s, std::uint16_t port) {
  return s.websocket ? wb::ws_connect("127.0.0.1", port) : wb::connect_tcp("127.0.0.1", port);
}

void BM_EchoRtt(benchmark::State& state, ServerKind s) {
  std::string err;
  auto server = wb::SpawnedServer::start(server_argv(s), 0, err);
  if (!server) return state.SkipWithError(err.c_str());
  wb::pin_thread(0);  // client and server on one CPU: no cross-core wake-up noise
  int fd = open_conn(s, server->port());
  if (fd < 0) return state.SkipWithError("connect/handshake failed");
  std::string payload(64, 'x');
  std::string request = s.websocket ? wb::masked_frame(2, payload) : payload;
  std::size_t reply = s.websocket ? wb::server_frame_size(64) : 64;
  std::vector<char> in(reply);
  std::vector<double> us;
  for (int i = 0; i < 50; ++i) {  // warm-up
    wb::write_all(fd, request);
    wb::read_exact(fd, in.data(), reply);
  }
  for (auto _ : state) {
    auto t0 = wb::Clock::now();
    if (!wb::write_all(fd, request) || !wb::read_exact(fd, in.data(), reply)) {
      state.SkipWithError("echo failed");
      break;
    }
    std::chrono::duration<double> d = wb::Clock::now() - t0;
    state.SetIterationTime(d.count());
    us.push_back(d.count() * 1e6);
  }
  close(fd);
  cpu_set_t all;
  CPU_ZERO(&all);
  for (unsigned c = 0; c < std::thread::hardware_concurrency(); ++c) CPU_SET(c, &all);
  pthread_setaffinity_np(pthread_self(), sizeof all, &all);
  auto& row = g_rows[s.name];
  row.p50_us = wb::percentile(us, 50);
  row.p99_us = wb::percentile(us, 99);
  state.counters["p50_us"] = row.p50_us;
  state.counters["p99_us"] = row.p99_us;
  state.counters["max_us"] = us.empty() ? 0 : us.back();
}

void BM_Throughput(benchmark::State& state, ServerKind s, std::size_t size) {
  std::string err;
  auto server = wb::SpawnedServer::start(server_argv(s), -1, err);
  if (!server) return state.SkipWithError(err.c_str());
  std::string payload(size, 'y');
  std::string request = s.websocket ? wb::masked_frame(2, payload) : payload;
  std::size_t reply = s.websocket ? wb::server_frame_size(size) : size;
  std::vector<int> fds;
  for (std::size_t i = 0; i < g_opt.conns; ++i) {
    int fd = open_conn(s, server->port());
    if (fd < 0) return state.SkipWithError("connect/handshake failed");
    fds.push_back(fd);
  }
  int ep = epoll_create1(EPOLL_CLOEXEC);
  std::vector<std::size_t> pending(fds.size(), 0);
  for (std::size_t i = 0; i < fds.size(); ++i) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
  }
  double seconds = std::max(0.1, 2.0 * g_opt.scale);
  std::vector<char> buf(256 * 1024);
  std::uint64_t done = 0;
  for (auto _ : state) {
    for (int fd : fds) wb::write_all(fd, request);
    auto t0 = wb::Clock::now();
    auto end = t0 + std::chrono::duration<double>(seconds);
    done = 0;
    while (wb::Clock::now() < end) {
      epoll_event events[128];
      int n = epoll_wait(ep, events, 128, 100);
      for (int k = 0; k < n; ++k) {
        auto i = events[k].data.u64;
        ssize_t r = read(fds[i], buf.data(), buf.size());
        if (r <= 0) continue;
        pending[i] += static_cast<std::size_t>(r);
        while (pending[i] >= reply) {
          pending[i] -= reply;
          ++done;
          wb::write_all(fds[i], request);
        }
      }
    }
    std::chrono::duration<double> d = wb::Clock::now() - t0;
    state.SetIterationTime(d.count());
    double rate = static_cast<double>(done) / d.count();
    state.counters["msgs_per_s"] = rate;
    state.counters["MiB_per_s"] = rate * static_cast<double>(size) / (1024.0 * 1024.0);
    (size <= 64 ? g_rows[s.name].tput64 : g_rows[s.name].tput16k) = rate;
  }
  close(ep);
  for (int fd : fds) close(fd);
}

void BM_IdleMemory(benchmark::State& state, ServerKind s) {
  std::string err;
  auto server = wb::SpawnedServer::start(server_argv(s), -1, err);
  if (!server) return state.SkipWithError(err.c_str());
  for (auto _ : state) {
    std::size_t before = 0;
    // The first connections fault in the server's handshake code and the
    // shared libraries' pages (OpenSSL's SHA-1 ...) and size its tables: about
    // 250 B per connection when divided by 10 000, but a one-time cost. RSS is
    // read after these warm-up connections and the growth divided by the rest.
    const std::size_t warm = std::max<std::size_t>(1, g_opt.idle_conns / 40);
    auto t0 = wb::Clock::now();
    std::vector<int> fds;
    fds.reserve(g_opt.idle_conns);
    // Batches of 250: connect and send every opening handshake (or one raw
    // byte) of a batch first, then read the answers, so a server whose cost
    // per wake-up grows with its connection count (poll()) is not charged a
    // full round trip per connection.
    const std::string upgrade = wb::upgrade_request("127.0.0.1", server->port(), "/");
    for (std::size_t base = 0; base < g_opt.idle_conns;) {
      std::size_t end = std::min(g_opt.idle_conns, base == 0 ? warm : base + 250);
      std::size_t first = fds.size();
      bool ok = true;
      for (std::size_t i = base; i < end && ok; ++i) {
        int fd = wb::connect_tcp("127.0.0.1", server->port());
        ok = fd >= 0 && wb::write_all(fd, s.websocket ? std::string_view(upgrade) : "z");
        if (fd >= 0) fds.push_back(fd);
      }
      for (std::size_t k = first; k < fds.size() && ok; ++k) {
        std::string head, rest;
        char byte = 0;
        ok = s.websocket ? wb::read_http_head(fds[k], head, rest, 20000) &&
                               head.compare(0, 12, "HTTP/1.1 101") == 0
                         : wb::read_exact(fds[k], &byte, 1, 20000);
      }
      if (!ok) {
        for (int f : fds) close(f);
        return state.SkipWithError(("connection batch at " + std::to_string(base) +
                                    " failed (connect, handshake or 20 s timeout)")
                                       .c_str());
      }
      if (g_opt.idle_conns >= 2000 && end % 2000 == 0)
        std::fprintf(stderr, "  [%s] %zu idle connections\n", s.name.c_str(), end);
      if (base == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        before = wb::rss_bytes(server->pid());
      }
      base = end;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    std::size_t after = wb::rss_bytes(server->pid());
    std::chrono::duration<double> d = wb::Clock::now() - t0;
    state.SetIterationTime(d.count());
    const std::size_t counted = std::max<std::size_t>(1, g_opt.idle_conns - warm);
    double per =
        (static_cast<double>(after) - static_cast<double>(before)) / static_cast<double>(counted);
    g_rows[s.name].idle_bytes = per;
    state.counters["idle_conns"] = static_cast<double>(g_opt.idle_conns);
    state.counters["warmup_conns"] = static_cast<double>(warm);
    state.counters["rss_before_KiB"] = static_cast<double>(before) / 1024.0;
    state.counters["rss_after_KiB"] = static_cast<double>(after) / 1024.0;
    state.counters["bytes_per_conn"] = per;
    for (int f : fds) close(f);
  }
}

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

void write_outputs(const std::string& machine) {
  const Row& raw = g_rows["raw-tcp"];
  const Row& ws = g_rows["wslab"];
  const Row& lws = g_rows["lws"];
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  if (!g_opt.md.empty()) {
    std::ofstream md(g_opt.md);
    md << "Machine: " << machine << ". Scale " << g_opt.scale << ", " << g_opt.conns
       << " connections for throughput, " << g_opt.idle_conns
       << " idle connections (RSS read after the first "
       << std::max<std::size_t>(1, g_opt.idle_conns / 40) << ").\n\n";
    md << "| Server | echo p50 (µs) | echo p99 (µs) | msg/s 64 B | msg/s 16 KiB | idle B/conn "
          "(RSS growth) |\n|---|---:|---:|---:|---:|---:|\n";
    for (const auto& s : kServers) {
      const Row& r = g_rows[s.name];
      md << "| " << s.name << " | " << fmt("%.1f", r.p50_us) << " | " << fmt("%.1f", r.p99_us)
         << " | " << fmt("%.0f", r.tput64) << " | " << fmt("%.0f", r.tput16k) << " | "
         << fmt("%.0f", r.idle_bytes) << " |\n";
    }
    md << "\n| Target | Measured | Verdict |\n|---|---|---|\n";
    double r1 = ratio(ws.p50_us, raw.p50_us);
    md << "| echo p50 ≤ 1.5× raw TCP | " << fmt("%.2f×", r1) << " | "
       << (r1 <= 1.5 ? "met" : "missed") << " |\n";
    double r2 = ratio(ws.tput64, lws.tput64);
    double r3 = ratio(ws.tput16k, lws.tput16k);
    md << "| throughput 64 B ≥ lws | " << fmt("%.2f×", r2) << " | " << (r2 >= 1 ? "met" : "missed")
       << " |\n";
    md << "| throughput 16 KiB ≥ lws | " << fmt("%.2f×", r3) << " | "
       << (r3 >= 1 ? "met" : "missed") << " |\n";
    md << "| idle memory ≤ 1 KiB/conn | " << fmt("%.0f B", ws.idle_bytes) << " | "
       << (ws.idle_bytes <= 1024 ? "met" : "missed") << " |\n";
    md << "| idle memory ≤ lws | " << fmt("%.0f B", ws.idle_bytes) << " vs "
       << fmt("%.0f B", lws.idle_bytes) << fmt(" (%.2f×)", ratio(ws.idle_bytes, lws.idle_bytes))
       << " | " << (ws.idle_bytes <= lws.idle_bytes ? "met" : "missed") << " |\n";
  }
  if (!g_opt.plot_dir.empty()) {
    std::ofstream dat(g_opt.plot_dir + "/servers.dat");
    dat << "# server p50_us p99_us msgs64 msgs16k idle_bytes\n";
    for (const auto& s : kServers) {
      const Row& r = g_rows[s.name];
      dat << s.name << " " << r.p50_us << " " << r.p99_us << " " << r.tput64 << " " << r.tput16k
          << " " << r.idle_bytes << "\n";
    }
    std::ofstream gp(g_opt.plot_dir + "/servers.gp");
    gp << "set terminal svg size 640,360 dynamic font 'sans,11'\n"
          "set style data histograms\nset style histogram clustered gap 1\n"
          "set style fill solid 0.8 border -1\nset grid ytics\nset key top left\n"
          "set yrange [0:*]\n"
          "set title 'Echo throughput, "
       << g_opt.conns
       << " connections, 1 message in flight each'\n"
          "set ylabel 'messages / s'\n"
          "set output 'servers-throughput.svg'\n"
          "plot 'servers.dat' using 4:xtic(1) title '64 B', '' using 5 title '16 KiB'\n"
          "set title 'Server RSS per idle connection ("
       << g_opt.idle_conns
       << " connections)'\n"
          "set ylabel 'bytes / connection'\nunset key\n"
          "set output 'servers-memory.svg'\n"
          "plot 'servers.dat' using 6:xtic(1) title 'RSS growth'\n"
          "set title 'Echo round trip, 64 B, one connection'\nset key top left\n"
          "set ylabel 'µs'\n"
          "set output 'servers-rtt.svg'\n"
          "plot 'servers.dat' using 2:xtic(1) title 'p50', '' using 3 title 'p99'\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&](const char* k) -> const char* {
      std::size_t n = std::strlen(k);
      return a.compare(0, n, k) == 0 ? argv[i] + n : nullptr;
    };
    if (a == "--raw-echo-server") return wb::run_raw_echo_server();
    if (auto v = val("--scale="))
      g_opt.scale = std::atof(v);
    else if (auto v2 = val("--md="))
      g_opt.md = v2;
    else if (auto v3 = val("--plot-dir="))
      g_opt.plot_dir = v3;
    else if (auto v4 = val("--wslab="))
      g_opt.wslab = v4;
    else if (auto v5 = val("--refpeer="))
      g_opt.refpeer = v5;
    else if (auto v6 = val("--idle-conns="))
      g_opt.idle_conns = std::strtoul(v6, nullptr, 10);
    else if (auto v7 = val("--conns="))
      g_opt.conns = std::strtoul(v7, nullptr, 10);
    else if (a == "--smoke")
      g_opt.smoke = true;
    else
      rest.push_back(argv[i]);
  }
  if (g_opt.smoke) {
    g_opt.scale = 0.05;
    g_opt.idle_conns = 20;
    g_opt.conns = 4;
  }
  wb::raise_fd_limit(2 * g_opt.idle_conns + 4096);
  std::signal(SIGPIPE, SIG_IGN);
  auto rtt_iters = static_cast<benchmark::IterationCount>(std::max(20.0, 3000.0 * g_opt.scale));
  for (const auto& s : kServers)
    benchmark::RegisterBenchmark(("EchoRtt64B/" + s.name).c_str(), BM_EchoRtt, s)
        ->UseManualTime()
        ->Iterations(rtt_iters)
        ->Unit(benchmark::kMicrosecond);
  for (std::size_t size : {std::size_t{64}, std::size_t{16384}})
    for (const auto& s : kServers)
      benchmark::RegisterBenchmark(("Throughput/" + std::to_string(size) + "B/" + s.name).c_str(),
                                   BM_Throughput, s, size)
          ->UseManualTime()
          ->Iterations(1)
          ->Unit(benchmark::kMillisecond);
  for (const auto& s : kServers)
    benchmark::RegisterBenchmark(("IdleMemory/" + s.name).c_str(), BM_IdleMemory, s)
        ->UseManualTime()
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond);
  std::string machine = wb::machine_description();
  benchmark::AddCustomContext("machine", machine);
  int rargc = static_cast<int>(rest.size());
  benchmark::Initialize(&rargc, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  write_outputs(machine);
  return 0;
}
