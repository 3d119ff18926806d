// The transport benchmark's server: ONE event source on ONE net event loop,
// delivered four ways over real HTTP/1.1 on TCP:
//   GET /poll?since=N   short polling: answered at once with the events after N
//   GET /lp?since=N     long polling: parked until an event after N exists
//   GET /sse            Server-Sent Events: one long response, "data: ...\n\n" per event
//   GET /ws             WebSocket (RFC 6455, via net::Server + core): one text frame per event
// Plain HTTP is served by a small handler of our own (net's App interface
// answers plain GETs synchronously, which cannot park a long poll or stream
// SSE); the WebSocket side is net::Server. Both share the loop, so only the
// transport differs. Each event's text is {"seq":N,"t":NANOSECONDS} with the
// steady-clock time it was published, so a client in the same process can
// compute event-to-delivery latency.
#pragma once

#include <pthread.h>

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace wslab::bench {

struct EventSchedule {
  // Publication times in ns after start().
  std::vector<std::int64_t> at_ns;
};

class EventServer {
 public:
  // host: the address both listeners bind (127.0.0.1 or the veth address).
  explicit EventServer(std::string host);
  ~EventServer();
  EventServer(const EventServer&) = delete;
  EventServer& operator=(const EventServer&) = delete;

  // Binds both listeners and starts the loop thread; empty string on success.
  std::string start();
  // Begins publishing the schedule (thread-safe).
  void publish_schedule(const EventSchedule& schedule);
  // Stops the loop and joins the thread.
  void stop();

  [[nodiscard]] std::uint16_t http_port() const;
  [[nodiscard]] std::uint16_t ws_port() const;
  // CPU time consumed by the loop thread so far (CLOCK_THREAD_CPUTIME_ID of that thread).
  [[nodiscard]] double cpu_seconds() const;
  [[nodiscard]] std::size_t published() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace wslab::bench
