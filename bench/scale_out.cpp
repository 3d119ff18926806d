// Scale-out benchmark (issue 9, lab 6, lesson 7): fan-out of one
// wslab.rooms.v1 room served by 1, 2 and 4 `wslab serve --rooms --redis`
// processes sharing one redis-server (started here on a free loopback port,
// nothing on disk). N clients are spread round-robin over the instances and
// all join one room; S senders (also spread over every instance) say at a
// fixed rate below the per-connection rate limit (docs/rooms-protocol.md §9),
// so the offered load is the same for every instance count. Each message
// carries its send time; every member, the sender included, receives it.
// Printed per instance count: messages delivered per second (to members),
// latency say -> delivery p50/p99, and messages missing at the end.
//   wslab_bench_scale_out [--instances 1,2,4] [--clients 100] [--senders 8]
//                         [--rate 80] [--seconds 3] [--md FILE] [--smoke]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/bench_support.hpp"

namespace wb = wslab::bench;

namespace {

struct Options {
  std::vector<int> instances{1, 2, 4};
  std::size_t clients = 100;
  std::size_t senders = 8;
  double rate = 80;  // says per second per sender (the server allows 100, burst 200)
  double seconds = 3;
  std::string md;
  std::string wslab = WSLAB_BENCH_WSLAB;
  std::string redis = WSLAB_BENCH_REDIS;
  bool smoke = false;
};

std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// redis-server --port N --save '' --appendonly no, killed on destruction.
class Redis {
 public:
  bool start(const std::string& binary) {
    port_ = free_port();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      const int null = ::open("/dev/null", O_WRONLY);
      if (null >= 0) {
        ::dup2(null, 1);
        ::dup2(null, 2);
      }
      const std::string port = std::to_string(port_);
      ::execl(binary.c_str(), binary.c_str(), "--port", port.c_str(), "--bind", "127.0.0.1",
              "--save", "", "--appendonly", "no", "--loglevel", "warning",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 250 && pid_ > 0; ++i) {
      int fd = wb::connect_tcp("127.0.0.1", port_);
      if (fd >= 0) {
        ::close(fd);
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  ~Redis() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  [[nodiscard]] std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

// One rooms client: a blocking socket for writes, reads drained with MSG_DONTWAIT.
struct Client {
  int fd = -1;
  std::string in;
  std::size_t received = 0;  // bench messages delivered to this member

  bool send_json(const std::string& j) const { return wb::write_all(fd, wb::masked_frame(1, j)); }
  // Appends what is there (waiting up to timeout_ms for the first byte); false on EOF/error.
  bool pump(int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return true;
    char buf[65536];
    for (;;) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) {
        in.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0) return false;
      return errno == EAGAIN || errno == EWOULDBLOCK;
    }
  }
  // Pops complete text frames from `in`.
  template <typename Fn>
  void frames(Fn&& on_text) {
    std::size_t off = 0;
    while (auto f = wb::parse_server_frame(std::string_view(in).substr(off))) {
      if (f->opcode == 1) on_text(f->payload);
      off += f->size;
    }
    in.erase(0, off);
  }
  // Waits for a text containing `needle` (others dropped); false after timeout_ms.
  bool await(std::string_view needle, int timeout_ms) {
    const auto deadline = wb::Clock::now() + std::chrono::milliseconds(timeout_ms);
    bool found = false;
    while (!found && wb::Clock::now() < deadline) {
      if (!pump(50)) return false;
      frames(
          [&](std::string_view t) { found = found || t.find(needle) != std::string_view::npos; });
    }
    return found;
  }
};

bool open_client(Client& c, std::uint16_t port, const std::string& name, const std::string& room) {
  c.fd = wb::connect_tcp("127.0.0.1", port);
  if (c.fd < 0) return false;
  std::string head;
  if (!wb::write_all(c.fd, wb::upgrade_request("127.0.0.1", port, "/",
                                               "Sec-WebSocket-Protocol: wslab.rooms.v1\r\n")) ||
      !wb::read_http_head(c.fd, head, c.in) || head.compare(0, 12, "HTTP/1.1 101") != 0) {
    return false;
  }
  return c.send_json(R"({"type":"hello","name":")" + name + "\"}") &&
         c.await(R"("type":"welcome")", 5000) &&
         c.send_json(R"({"type":"join","room":")" + room + "\"}") &&
         c.await(R"("type":"joined")", 5000);
}

// The send time, from a message event's text "t<ns>".
std::optional<std::int64_t> sent_at(std::string_view event) {
  static constexpr std::string_view kKey = R"("text":"t)";
  const auto at = event.find(kKey);
  if (at == std::string_view::npos || event.find(R"("type":"message")") == std::string_view::npos) {
    return std::nullopt;
  }
  const char* p = event.data() + at + kKey.size();
  std::int64_t v = 0;
  auto r = std::from_chars(p, event.data() + event.size(), v);
  if (r.ec != std::errc()) return std::nullopt;
  return v;
}

struct Row {
  int instances = 0;
  std::size_t clients = 0, senders = 0;
  double offered = 0;    // says per second
  double delivered = 0;  // member deliveries per second
  double p50_ms = 0, p99_ms = 0;
  std::size_t sent = 0, expected = 0, got = 0;
  std::map<std::string, std::size_t> notices;  // error and status events, by kind
  std::size_t members_short = 0;               // members that got fewer than `sent`
  double drain_s = 0;                          // last delivery, seconds after the last say
  std::string error;
};

// "error <code>" for an error event, "redis <state>" for an instance's status
// notice (Redis went down / came back), "" for any other event.
std::string notice_of(std::string_view event) {
  auto field = [&](std::string_view key) -> std::string {
    const auto at = event.find(key);
    if (at == std::string_view::npos) return "?";
    const auto from = at + key.size();
    return std::string(event.substr(from, event.find('"', from) - from));
  };
  if (event.find(R"("type":"error")") != std::string_view::npos) {
    return "error " + field(R"("code":")");
  }
  if (event.find(R"("type":"status")") != std::string_view::npos) {
    return "redis " + field(R"("state":")");
  }
  return {};
}

Row run(const Options& o, int n, const std::string& redis_url, std::uint64_t tag) {
  Row row;
  row.instances = n;
  row.clients = o.clients;
  row.senders = std::min(o.senders, o.clients);
  std::vector<wb::SpawnedServer> servers;
  for (int i = 0; i < n; ++i) {
    std::string err;
    auto s = wb::SpawnedServer::start(
        {o.wslab, "serve", "--rooms", "--port", "0", "--quiet", "--redis", redis_url}, -1, err);
    if (!s) {
      row.error = "wslab serve --rooms --redis: " + err;
      return row;
    }
    servers.push_back(std::move(*s));
  }
  const std::string room = "bench-" + std::to_string(tag) + "-" + std::to_string(n);
  std::vector<Client> clients(o.clients);
  for (std::size_t k = 0; k < clients.size(); ++k) {
    const auto port = servers[k % servers.size()].port();
    if (!open_client(clients[k], port, "c" + std::to_string(k) + "-" + std::to_string(tag), room)) {
      row.error = "client " + std::to_string(k) +
                  " could not connect/hello/join (instance on port " + std::to_string(port) +
                  ", read: " + clients[k].in.substr(0, 120) + ")";
      return row;
    }
  }
  // Presence of the later joins is still arriving: read until 300 ms of silence.
  for (bool quiet = false; !quiet;) {
    quiet = true;
    for (auto& c : clients) {
      const std::size_t before = c.in.size();
      c.pump(0);
      if (c.in.size() != before) quiet = false;
      c.frames([](std::string_view) {});
    }
    if (quiet) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      for (auto& c : clients) {
        pollfd p{c.fd, POLLIN, 0};
        if (::poll(&p, 1, 0) > 0) quiet = false;
      }
    }
  }

  const int ep = ::epoll_create1(0);
  for (std::size_t k = 0; k < clients.size(); ++k) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = k;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, clients[k].fd, &ev);
  }
  // Senders 0..S-1: with round-robin placement they cover every instance.
  const auto interval_ns = static_cast<std::int64_t>(1e9 / o.rate);
  const std::int64_t start = wb::now_ns();
  const std::int64_t stop_sending = start + static_cast<std::int64_t>(o.seconds * 1e9);
  std::vector<std::int64_t> next(row.senders);
  for (std::size_t s = 0; s < next.size(); ++s) {
    next[s] = start + interval_ns * static_cast<std::int64_t>(s) /
                          static_cast<std::int64_t>(next.size());  // staggered
  }
  std::vector<double> lat_ms;
  lat_ms.reserve(static_cast<std::size_t>(o.rate * o.seconds) * row.senders * clients.size());
  std::int64_t last_delivery = start;
  std::int64_t quiet_until = stop_sending + 5'000'000'000;  // at most 5 s for stragglers
  std::vector<epoll_event> events(256);
  for (;;) {
    const std::int64_t now = wb::now_ns();
    if (now < stop_sending) {
      for (std::size_t s = 0; s < next.size(); ++s) {
        while (next[s] <= now && next[s] < stop_sending) {
          const std::string say = R"({"type":"say","room":")" + room + R"(","text":"t)" +
                                  std::to_string(wb::now_ns()) + "\"}";
          if (!clients[s].send_json(say)) row.error = "a sender's connection failed";
          ++row.sent;
          next[s] += interval_ns;
        }
      }
    }
    row.expected = row.sent * clients.size();
    if (now >= stop_sending && (row.got >= row.expected || now > quiet_until)) break;
    std::int64_t wake = now + 1'000'000;
    for (auto t : next) {
      if (t < stop_sending) wake = std::min(wake, t);
    }
    const int timeout_ms = static_cast<int>(std::max<std::int64_t>(0, (wake - now) / 1'000'000));
    const int k = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), timeout_ms);
    for (int i = 0; i < k; ++i) {
      Client& c = clients[events[static_cast<std::size_t>(i)].data.u64];
      if (!c.pump(0)) row.error = "a member's connection closed (slow consumer?)";
      c.frames([&](std::string_view t) {
        if (auto at = sent_at(t)) {
          const std::int64_t arrived = wb::now_ns();
          lat_ms.push_back(static_cast<double>(arrived - *at) / 1e6);
          last_delivery = std::max(last_delivery, arrived);
          ++c.received;
          ++row.got;
        } else if (auto notice = notice_of(t); !notice.empty()) {
          ++row.notices[notice];
        }
      });
    }
    if (!row.error.empty()) break;
  }
  ::close(ep);
  for (auto& c : clients) {
    if (c.received < row.sent) ++row.members_short;
    ::close(c.fd);
  }
  row.offered = static_cast<double>(row.sent) / o.seconds;
  row.drain_s = static_cast<double>(last_delivery - stop_sending) / 1e9;
  const double span = static_cast<double>(last_delivery - start) / 1e9;
  row.delivered = span > 0 ? static_cast<double>(row.got) / span : 0;
  row.p50_ms = wb::percentile(lat_ms, 50);
  row.p99_ms = wb::percentile(lat_ms, 99);
  return row;
}

std::vector<int> parse_list(const std::string& s) {
  std::vector<int> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, ',')) out.push_back(std::stoi(part));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--instances")
      o.instances = parse_list(value());
    else if (a == "--clients")
      o.clients = std::stoul(value());
    else if (a == "--senders")
      o.senders = std::stoul(value());
    else if (a == "--rate")
      o.rate = std::stod(value());
    else if (a == "--seconds")
      o.seconds = std::stod(value());
    else if (a == "--md")
      o.md = value();
    else if (a == "--wslab")
      o.wslab = value();
    else if (a == "--redis-server")
      o.redis = value();
    else if (a == "--smoke")
      o.smoke = true;
    else if (a.rfind("--benchmark_", 0) == 0)
      continue;  // like the other bench binaries
    else {
      std::fprintf(stderr,
                   "usage: %s [--instances 1,2,4] [--clients N] [--senders S] [--rate SAYS/S] "
                   "[--seconds T] [--md FILE] [--smoke]\n",
                   argv[0]);
      return 2;
    }
  }
  if (o.smoke) {
    o.instances = {1, 2};
    o.clients = 6;
    o.senders = 2;
    o.rate = 20;
    o.seconds = 0.3;
  }
  if (o.clients == 0 || o.senders == 0 || o.rate <= 0 || o.seconds <= 0 || o.instances.empty()) {
    std::fprintf(stderr, "clients, senders, rate, seconds and instances must be positive\n");
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);
  wb::raise_fd_limit(o.clients + 256);
  Redis redis;
  if (!redis.start(o.redis)) {
    std::fprintf(stderr, "could not start %s\n", o.redis.c_str());
    return 1;
  }
  const std::uint64_t tag = std::random_device{}() % 100000;
  std::vector<Row> rows;
  for (int n : o.instances) rows.push_back(run(o, n, redis.url(), tag));

  std::ostringstream t;
  t << "Machine: " << wb::machine_description() << "\n\n";
  t << "| instances | clients | senders | says/s offered | deliveries/s | latency p50 | latency "
       "p99 "
       "| missing |\n|---|---|---|---|---|---|---|---|\n";
  bool ok = true;
  for (const auto& r : rows) {
    char line[512];
    if (!r.error.empty()) {
      std::snprintf(line, sizeof line, "| %d | %zu | %zu | error: %s |||||\n", r.instances,
                    r.clients, r.senders, r.error.c_str());
      ok = false;
    } else {
      std::snprintf(line, sizeof line,
                    "| %d | %zu | %zu | %.0f | %.0f | %.2f ms | %.2f ms | %zu |\n", r.instances,
                    r.clients, r.senders, r.offered, r.delivered, r.p50_ms, r.p99_ms,
                    r.expected - std::min(r.expected, r.got));
      ok = ok && r.got == r.expected && r.sent > 0;
    }
    t << line;
  }
  // Where missing deliveries went: a refused say (an error event to its sender)
  // misses every member; an instance that lost Redis told its members (status).
  for (const auto& r : rows) {
    if (!r.error.empty() || (r.notices.empty() && r.members_short == 0)) continue;
    t << "\n"
      << r.instances << " instance(s): " << r.members_short << " of " << r.clients
      << " members got fewer than the " << r.sent << " messages said (last delivery " << r.drain_s
      << " s after the last say)";
    for (const auto& [kind, n] : r.notices) t << "; " << n << " \"" << kind << "\" event(s)";
    t << "\n";
  }
  std::fputs(t.str().c_str(), stdout);
  if (!o.md.empty()) {
    std::ofstream f(o.md, std::ios::app);
    f << t.str();
  }
  return ok ? 0 : 1;
}
