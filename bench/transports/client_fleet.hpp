// The transport benchmark's clients: N connections of one transport, driven
// by one thread with epoll. Each client parses what its transport delivers
// (an HTTP response with Content-Length, an SSE "data:" block, a WebSocket
// text frame, RFC 6455 §5.2) and records the latency of every event it gets
// (receive time minus the event's publication time, same steady clock).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "delay_link.hpp"

namespace wslab::bench {

enum class Transport { kShortPoll, kLongPoll, kSse, kWebSocket };
const char* transport_name(Transport t);

struct FleetConfig {
  Transport transport = Transport::kWebSocket;
  std::string host = "127.0.0.1";
  std::uint16_t http_port = 0;
  std::uint16_t ws_port = 0;
  int clients = 1;
  std::int64_t poll_interval_ns = 100'000'000;
  const DelayLink* link = nullptr;  // join its namespace before connecting
};

struct FleetStats {
  std::vector<double> latency_ms;  // one per delivered (client, event)
  std::uint64_t requests = 0;      // HTTP requests sent during the measured phase
  std::uint64_t bytes_in = 0;      // TCP payload bytes (HTTP headers and framing included)
  std::uint64_t bytes_out = 0;
  std::string error;
};

class ClientFleet {
 public:
  explicit ClientFleet(FleetConfig config) : config_(std::move(config)) {}
  ~ClientFleet();
  // Connects every client (and completes SSE/WebSocket setup). Call on the
  // thread that will run(); false + stats().error on failure.
  bool connect();
  // Drives the clients until deadline_ns, or until `expected` deliveries.
  void run(std::int64_t deadline_ns, std::size_t expected);
  FleetStats& stats() { return stats_; }

 private:
  struct Client {
    int fd = -1;
    std::string in;
    bool outstanding = false;
    std::int64_t next_poll = 0;
    std::uint64_t last_seq = 0;
  };
  void send_poll(Client& c, std::int64_t now);
  void on_readable(Client& c);
  void deliver(Client& c, std::string_view text, std::int64_t now);
  FleetConfig config_;
  std::vector<Client> clients_;
  FleetStats stats_;
};

}  // namespace wslab::bench
