// N clients of one transport on one epoll thread (see client_fleet.hpp).
#include "client_fleet.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "support/bench_support.hpp"

namespace wslab::bench {

const char* transport_name(Transport t) {
  switch (t) {
    case Transport::kShortPoll:
      return "short-poll";
    case Transport::kLongPoll:
      return "long-poll";
    case Transport::kSse:
      return "sse";
    case Transport::kWebSocket:
      return "websocket";
  }
  return "?";
}

ClientFleet::~ClientFleet() {
  for (auto& c : clients_)
    if (c.fd >= 0) close(c.fd);
}

bool ClientFleet::connect() {
  if (config_.link && !config_.link->enter_client_namespace()) {
    stats_.error = "cannot join the delay namespace";
    return false;
  }
  clients_.resize(static_cast<std::size_t>(config_.clients));
  for (auto& c : clients_) {
    if (config_.transport == Transport::kWebSocket) {
      c.fd = ws_connect(config_.host, config_.ws_port, "/ws");
    } else {
      c.fd = connect_tcp(config_.host, config_.http_port);
      if (c.fd >= 0 && config_.transport == Transport::kSse) {
        std::string head, rest;
        std::string req =
            "GET /sse HTTP/1.1\r\nHost: " + config_.host + "\r\nAccept: text/event-stream\r\n\r\n";
        if (!write_all(c.fd, req) || !read_http_head(c.fd, head, rest) || !rest.empty()) {
          close(c.fd);
          c.fd = -1;
        }
      }
    }
    if (c.fd < 0) {
      stats_.error =
          std::string("cannot connect a ") + transport_name(config_.transport) + " client";
      return false;
    }
    fcntl(c.fd, F_SETFL, fcntl(c.fd, F_GETFL) | O_NONBLOCK);
  }
  return true;
}

void ClientFleet::send_poll(Client& c, std::int64_t now) {
  const char* path = config_.transport == Transport::kShortPoll ? "/poll" : "/lp";
  std::string req = std::string("GET ") + path + "?since=" + std::to_string(c.last_seq) +
                    " HTTP/1.1\r\nHost: " + config_.host +
                    "\r\nAccept: application/x-ndjson\r\n\r\n";
  write_all(c.fd, req);
  stats_.bytes_out += req.size();
  ++stats_.requests;
  c.outstanding = true;
  (void)now;
}

void ClientFleet::deliver(Client& c, std::string_view text, std::int64_t now) {
  std::uint64_t seq = 0;
  std::int64_t t = 0;
  std::string s(text);
  if (std::sscanf(s.c_str(), "{\"seq\":%" SCNu64 ",\"t\":%" SCNd64 "}", &seq, &t) != 2) return;
  if (seq <= c.last_seq) return;
  c.last_seq = seq;
  stats_.latency_ms.push_back(static_cast<double>(now - t) / 1e6);
}

void ClientFleet::on_readable(Client& c) {
  char buf[65536];
  for (;;) {
    ssize_t n = recv(c.fd, buf, sizeof buf, 0);
    if (n > 0) {
      c.in.append(buf, static_cast<std::size_t>(n));
      stats_.bytes_in += static_cast<std::uint64_t>(n);
      continue;
    }
    if (n == 0) {
      stats_.error = "server closed a connection";
    }
    break;
  }
  std::int64_t now = now_ns();
  switch (config_.transport) {
    case Transport::kShortPoll:
    case Transport::kLongPoll:
      for (;;) {
        auto end = c.in.find("\r\n\r\n");
        if (end == std::string::npos) break;
        auto cl = c.in.find("Content-Length: ");
        std::size_t len = cl < end ? std::strtoul(c.in.c_str() + cl + 16, nullptr, 10) : 0;
        if (c.in.size() < end + 4 + len) break;
        std::string_view body(c.in.data() + end + 4, len);
        while (!body.empty()) {
          auto nl = body.find('\n');
          deliver(c, body.substr(0, nl), now);
          body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
        }
        c.in.erase(0, end + 4 + len);
        c.outstanding = false;
        if (config_.transport == Transport::kLongPoll) send_poll(c, now);
      }
      break;
    case Transport::kSse:
      for (;;) {
        auto end = c.in.find("\n\n");
        if (end == std::string::npos) break;
        std::string_view block(c.in.data(), end);
        if (block.rfind("data: ", 0) == 0) deliver(c, block.substr(6), now);
        c.in.erase(0, end + 2);
      }
      break;
    case Transport::kWebSocket:
      for (;;) {
        auto f = parse_server_frame(c.in);
        if (!f) break;
        if (f->opcode == 1) deliver(c, f->payload, now);
        c.in.erase(0, f->size);
      }
      break;
  }
}

void ClientFleet::run(std::int64_t deadline_ns, std::size_t expected) {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  for (std::size_t i = 0; i < clients_.size(); ++i) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    epoll_ctl(ep, EPOLL_CTL_ADD, clients_[i].fd, &ev);
  }
  std::int64_t start = now_ns();
  std::mt19937_64 rng(42);
  bool polling = config_.transport == Transport::kShortPoll;
  for (auto& c : clients_) {
    if (polling)  // spread the clients' poll phases over one interval
      c.next_poll = start + static_cast<std::int64_t>(
                                rng() % static_cast<std::uint64_t>(config_.poll_interval_ns));
    if (config_.transport == Transport::kLongPoll) send_poll(c, start);
  }
  epoll_event events[256];
  for (;;) {
    std::int64_t now = now_ns();
    if (now >= deadline_ns || (expected > 0 && stats_.latency_ms.size() >= expected)) break;
    std::int64_t wake = deadline_ns;
    if (polling) {
      for (auto& c : clients_) {
        if (c.next_poll <= now) {
          if (!c.outstanding) send_poll(c, now);
          c.next_poll += config_.poll_interval_ns;
          if (c.next_poll <= now) c.next_poll = now + config_.poll_interval_ns;
        }
        wake = std::min(wake, c.next_poll);
      }
    }
    auto timeout_ms =
        static_cast<int>(std::max<std::int64_t>(0, (wake - now + 999'999) / 1'000'000));
    int n = epoll_wait(ep, events, 256, std::min(timeout_ms, 100));
    for (int k = 0; k < n; ++k) on_readable(clients_[events[k].data.u64]);
  }
  close(ep);
}

}  // namespace wslab::bench
