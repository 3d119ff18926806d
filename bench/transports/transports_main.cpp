// Transport benchmark (issue 6): one event source on one net event loop,
// delivered by short polling (interval T), long polling, SSE and WebSocket,
// over real HTTP/TCP; on loopback and on a veth link with netem delay.
// Per transport and scenario: event-to-delivery latency (p50/p95/p99/max),
// HTTP requests and wire bytes per delivered event, server-thread CPU per
// event, and the model's prediction (performance.md §1.2):
//   short polling   mean ≈ T/2 + d
//   long polling    d when idle; bursts of B: d + (B-1)/B · 2d (blind window of one RTT)
//   SSE, WebSocket  d
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "client_fleet.hpp"
#include "delay_link.hpp"
#include "delay_relay.hpp"
#include "event_server.hpp"
#include "support/bench_support.hpp"

namespace wb = wslab::bench;

namespace {

struct Options {
  double scale = 1.0;
  double poll_ms = 100;
  int delay_ms = 20;
  int max_clients = 1000;
  std::string md;
  std::string plot_dir;
  bool smoke = false;
};
Options g_opt;

struct Scenario {
  std::string name;
  double rate = 0;  // events/s (steady); 0 with bursts
  int burst = 0;    // events per burst (10 within 1 ms)
  double burst_period_s = 0.25;
  int clients = 1;
  bool delayed = false;
  double seconds = 2;  // at scale 1
};

struct Row {
  std::string scenario, transport;
  double p50 = 0, p95 = 0, p99 = 0, max = 0, mean = 0, model = 0, model_eff = 0;
  double req_per_event = 0, bytes_per_event = 0, cpu_us_per_event = 0;
  std::size_t delivered = 0, expected = 0;
  std::vector<double> sorted;
};
std::vector<Row> g_rows;
std::unique_ptr<wb::DelayLink> g_link;
std::map<std::string, double> g_ws_mean;  // scenario -> WebSocket mean latency (ms)
std::string g_link_error;

// Steady rates are Poisson arrivals (exponential gaps, mean 1/rate) and
// bursts start at jittered times (period ± 50 %): events on an exact grid
// would be phase-locked to the short-polling clock and show a constant wait
// instead of the uniform U(0, T) the model assumes.
wb::EventSchedule make_schedule(const Scenario& s, double seconds) {
  wb::EventSchedule sched;
  const std::int64_t lead = 50'000'000;  // let every client park / poll first
  std::mt19937_64 rng(12345);
  if (s.burst > 0) {
    std::uniform_real_distribution<double> jitter(0.5, 1.5);
    for (double t = 0; t < seconds; t += s.burst_period_s * jitter(rng))
      for (int i = 0; i < s.burst; ++i)  // B events spread over 1 ms
        sched.at_ns.push_back(lead + static_cast<std::int64_t>(t * 1e9) + i * 1'000'000 / s.burst);
  } else {
    std::exponential_distribution<double> gap(s.rate);
    auto n = std::max<std::int64_t>(1, static_cast<std::int64_t>(seconds * s.rate));
    double t = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      sched.at_ns.push_back(lead + static_cast<std::int64_t>(t * 1e9));
      t += gap(rng);
    }
  }
  return sched;
}

// d: the one-way delay; nominal (the configured delay) or effective (the
// WebSocket mean of the same scenario: the delay plus this machine's wake-up
// and relay overheads, a same-run baseline).
double model_mean_ms(const Scenario& s, wb::Transport t, double d) {
  switch (t) {
    case wb::Transport::kShortPoll:
      return g_opt.poll_ms / 2 + d;
    case wb::Transport::kLongPoll:
      return s.burst > 1 ? d + (s.burst - 1.0) / s.burst * 2 * d : d;
    default:
      return d;
  }
}

void BM_Transport(benchmark::State& state, Scenario s, wb::Transport t) {
  double seconds = std::max(g_opt.smoke ? 0.02 : 0.3, s.seconds * g_opt.scale);
  int clients = std::min(s.clients, g_opt.max_clients);
  for (auto _ : state) {
    const bool via_link = s.delayed && g_link;
    const bool via_relay = s.delayed && !g_link;
    wb::EventServer server(via_link ? g_link->server_address() : "127.0.0.1");
    if (auto e = server.start(); !e.empty()) return state.SkipWithError(e.c_str());
    std::unique_ptr<wb::DelayRelay> http_relay, ws_relay;
    if (via_relay) {
      http_relay = std::make_unique<wb::DelayRelay>(server.http_port(), g_opt.delay_ms);
      ws_relay = std::make_unique<wb::DelayRelay>(server.ws_port(), g_opt.delay_ms);
      for (auto* r : {http_relay.get(), ws_relay.get()})
        if (auto e = r->start(); !e.empty()) return state.SkipWithError(e.c_str());
    }
    wb::FleetConfig fc;
    fc.transport = t;
    fc.host = via_link ? g_link->server_address() : "127.0.0.1";
    fc.http_port = via_relay ? http_relay->port() : server.http_port();
    fc.ws_port = via_relay ? ws_relay->port() : server.ws_port();
    fc.clients = clients;
    fc.poll_interval_ns = static_cast<std::int64_t>(g_opt.poll_ms * 1e6);
    fc.link = via_link ? g_link.get() : nullptr;
    wb::ClientFleet fleet(fc);
    auto sched = make_schedule(s, seconds);
    std::size_t expected = sched.at_ns.size() * static_cast<std::size_t>(clients);
    std::atomic<int> phase{0};  // 1 connected, 2 go, -1 failed
    std::atomic<std::int64_t> deadline{0};
    std::thread client([&] {
      if (!fleet.connect()) {
        phase = -1;
        return;
      }
      phase = 1;
      while (phase.load() != 2) std::this_thread::yield();
      fleet.run(deadline.load(), expected);
    });
    while (phase.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (phase.load() < 0) {
      client.join();
      return state.SkipWithError(fleet.stats().error.c_str());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    double cpu0 = server.cpu_seconds();
    std::int64_t drain = static_cast<std::int64_t>(
        (g_opt.poll_ms + 8.0 * (s.delayed ? g_opt.delay_ms : 0) + 500) * 1e6);
    std::int64_t t0 = wb::now_ns();
    deadline = t0 + sched.at_ns.back() + drain;
    phase = 2;
    server.publish_schedule(sched);
    client.join();
    double elapsed = static_cast<double>(wb::now_ns() - t0) / 1e9;
    double cpu = server.cpu_seconds() - cpu0;
    server.stop();
    state.SetIterationTime(elapsed);

    auto& st = fleet.stats();
    Row r;
    r.scenario = s.name;
    r.transport = wb::transport_name(t);
    r.delivered = st.latency_ms.size();
    r.expected = expected;
    auto lat = st.latency_ms;
    r.mean = lat.empty()
                 ? 0
                 : std::accumulate(lat.begin(), lat.end(), 0.0) / static_cast<double>(lat.size());
    r.p50 = wb::percentile(lat, 50);
    r.p95 = wb::percentile(lat, 95);
    r.p99 = wb::percentile(lat, 99);
    r.max = lat.empty() ? 0 : lat.back();
    r.sorted = lat;
    r.model = model_mean_ms(s, t, s.delayed ? g_opt.delay_ms : 0.0);
    if (t == wb::Transport::kWebSocket) g_ws_mean[s.name] = r.mean;
    double d_eff = g_ws_mean.count(s.name) ? g_ws_mean[s.name] : 0.0;
    r.model_eff = model_mean_ms(s, t, d_eff);
    double ev = std::max<double>(1, static_cast<double>(r.delivered));
    r.req_per_event = static_cast<double>(st.requests) / ev;
    r.bytes_per_event = static_cast<double>(st.bytes_in + st.bytes_out) / ev;
    r.cpu_us_per_event = cpu * 1e6 / ev;
    state.counters["p50_ms"] = r.p50;
    state.counters["p95_ms"] = r.p95;
    state.counters["p99_ms"] = r.p99;
    state.counters["max_ms"] = r.max;
    state.counters["mean_ms"] = r.mean;
    state.counters["model_mean_ms"] = r.model;
    if (r.model >= 1) state.counters["measured_over_model"] = r.mean / r.model;
    state.counters["model_mean_eff_ms"] = r.model_eff;
    if (r.model_eff >= 1) state.counters["measured_over_model_eff"] = r.mean / r.model_eff;
    state.counters["requests_per_event"] = r.req_per_event;
    state.counters["bytes_per_event"] = r.bytes_per_event;
    state.counters["server_cpu_us_per_event"] = r.cpu_us_per_event;
    state.counters["delivered"] = static_cast<double>(r.delivered);
    state.counters["expected"] = static_cast<double>(r.expected);
    if (!st.error.empty()) state.SetLabel(st.error);
    std::fprintf(stderr, "  [%s %s] delivered %zu/%zu, mean %.2f ms (model %.2f), load %s\n",
                 s.name.c_str(), r.transport.c_str(), r.delivered, r.expected, r.mean, r.model,
                 wb::load_average().c_str());
    g_rows.push_back(std::move(r));
  }
}

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

std::string file_safe(std::string s) {
  for (char& c : s)
    if (c == '/' || c == ' ') c = '-';
  return s;
}

void write_outputs(const std::string& machine) {
  if (!g_opt.md.empty()) {
    std::ofstream md(g_opt.md);
    md << "Machine: " << machine << ". Scale " << g_opt.scale
       << ", short-poll interval T = " << g_opt.poll_ms
       << " ms, delayed link: " << std::to_string(g_opt.delay_ms) + " ms one-way, "
       << (g_link ? std::string("netns + veth + netem")
                  : "delaying TCP relay (netem unavailable: " + g_link_error + ")")
       << ".\n\n"
          "| Scenario | Transport | p50 ms | p95 ms | p99 ms | max ms | mean ms | model ms | "
          "mean/model | model (d = WS mean) ms | mean/that | req/event | bytes/event | server CPU "
          "µs/event | delivered |\n"
          "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& r : g_rows) {
      md << "| " << r.scenario << " | " << r.transport << " | " << fmt("%.2f", r.p50) << " | "
         << fmt("%.2f", r.p95) << " | " << fmt("%.2f", r.p99) << " | " << fmt("%.2f", r.max)
         << " | " << fmt("%.2f", r.mean) << " | " << fmt("%.1f", r.model) << " | "
         << (r.model >= 1 ? fmt("%.2f", r.mean / r.model) : std::string("–")) << " | "
         << fmt("%.1f", r.model_eff) << " | "
         << (r.model_eff >= 1 ? fmt("%.2f", r.mean / r.model_eff) : std::string("–")) << " | "
         << fmt("%.3f", r.req_per_event) << " | " << fmt("%.1f", r.bytes_per_event) << " | "
         << fmt("%.1f", r.cpu_us_per_event) << " | " << r.delivered << "/" << r.expected << " |\n";
    }
  }
  if (g_opt.plot_dir.empty()) return;
  std::vector<std::string> scenarios;
  for (const auto& r : g_rows) {
    if (std::find(scenarios.begin(), scenarios.end(), r.scenario) == scenarios.end())
      scenarios.push_back(r.scenario);
    std::ofstream dat(g_opt.plot_dir + "/transports-" + file_safe(r.scenario) + "-" + r.transport +
                      ".dat");
    // At most ~500 points per curve (and always the last one): small SVGs.
    std::size_t step = std::max<std::size_t>(1, r.sorted.size() / 500);
    for (std::size_t i = 0; i < r.sorted.size(); ++i)
      if (i % step == 0 || i + 1 == r.sorted.size())
        dat << std::max(r.sorted[i], 0.001) << " "
            << static_cast<double>(i + 1) / static_cast<double>(r.sorted.size()) << "\n";
  }
  std::ofstream bytes(g_opt.plot_dir + "/transports-bytes.dat");
  for (const auto& r : g_rows)
    if (r.scenario == "loopback 10/s")
      bytes << r.transport << " " << r.bytes_per_event << " " << r.req_per_event << "\n";
  std::ofstream gp(g_opt.plot_dir + "/transports.gp");
  gp << "set terminal svg size 720,400 dynamic font 'sans,11'\n"
        "set logscale x\nset grid\nset key bottom right\nset yrange [0:1]\n"
        "set xlabel 'event-to-delivery latency (ms, log scale)'\n"
        "set ylabel 'fraction of deliveries'\n";
  for (const auto& sc : scenarios) {
    gp << "set title 'Latency distribution (CDF): " << sc << "'\n"
       << "set output 'transports-latency-" << file_safe(sc) << ".svg'\nplot ";
    bool first = true;
    for (const char* t : {"short-poll", "long-poll", "sse", "websocket"}) {
      gp << (first ? "" : ", ") << "'transports-" << file_safe(sc) << "-" << t
         << ".dat' using 1:2 with steps lw 2 title '" << t << "'";
      first = false;
    }
    gp << "\n";
  }
  gp << "unset logscale x\nset xlabel ''\nset yrange [0:*]\nunset key\n"
        "set style data histograms\nset style fill solid 0.8 border -1\n"
        "set title 'Wire bytes per delivered event (loopback, 10 events/s, 1 client)'\n"
        "set ylabel 'bytes (HTTP headers and framing included)'\n"
        "set output 'transports-bytes.svg'\n"
        "plot 'transports-bytes.dat' using 2:xtic(1)\n";
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
    if (auto v = val("--scale="))
      g_opt.scale = std::atof(v);
    else if (auto v2 = val("--md="))
      g_opt.md = v2;
    else if (auto v3 = val("--plot-dir="))
      g_opt.plot_dir = v3;
    else if (auto v4 = val("--poll-ms="))
      g_opt.poll_ms = std::atof(v4);
    else if (auto v5 = val("--delay-ms="))
      g_opt.delay_ms = std::atoi(v5);
    else if (auto v6 = val("--max-clients="))
      g_opt.max_clients = std::atoi(v6);
    else if (a == "--smoke")
      g_opt.smoke = true;
    else
      rest.push_back(argv[i]);
  }
  if (g_opt.smoke) {
    g_opt.scale = 0.01;
    g_opt.max_clients = 5;
    g_opt.poll_ms = 20;
    g_opt.delay_ms = 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  wb::raise_fd_limit(4 * static_cast<std::size_t>(g_opt.max_clients) + 1024);
  std::vector<Scenario> scenarios = {
      {"loopback 1/s", 1, 0, 0, 1, false, 8},
      {"loopback 10/s", 10, 0, 0, 1, false, 4},
      {"loopback 100/s", 100, 0, 0, 1, false, 2},
      {"loopback burst 10 in 1 ms", 0, 10, 0.25, 1, false, 3},
      {"loopback 10/s 100 clients", 10, 0, 0, 100, false, 3},
      {"loopback 10/s 1000 clients", 10, 0, 0, 1000, false, 3},
      {"delay 10/s", 10, 0, 0, 1, true, 4},
      {"delay burst 10 in 1 ms", 0, 10, 0.25, 1, true, 4},
  };
  bool need_link = false;
  for (const auto& s : scenarios) need_link |= s.delayed;
  if (need_link) {
    g_link = std::make_unique<wb::DelayLink>(g_opt.delay_ms);
    if (!g_link->ok()) {
      g_link_error = g_link->error();
      std::fprintf(stderr, "netem link unavailable (%s): using a delaying TCP relay\n",
                   g_link_error.c_str());
      g_link.reset();
    }
  }
  for (auto& s : scenarios) {
    if (s.delayed) s.name = "delay " + std::to_string(g_opt.delay_ms) + " ms" + s.name.substr(5);
    // WebSocket first: its mean is the same-run baseline d for the others' model.
    for (auto t : {wb::Transport::kWebSocket, wb::Transport::kSse, wb::Transport::kLongPoll,
                   wb::Transport::kShortPoll})
      benchmark::RegisterBenchmark((s.name + "/" + wb::transport_name(t)).c_str(), BM_Transport, s,
                                   t)
          ->UseManualTime()
          ->Iterations(1)
          ->Unit(benchmark::kMillisecond);
  }
  std::string machine = wb::machine_description();
  benchmark::AddCustomContext("machine", machine);
  int rargc = static_cast<int>(rest.size());
  benchmark::Initialize(&rargc, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  write_outputs(machine);
  g_link.reset();
  return 0;
}
