// PROVIDED (lab 4): a WebSocket client that reconnects with exponential
// backoff and full jitter, the policy you write in Backoff::delay
// (wslab/heartbeat.hpp; lessons/05-heartbeat.md, "Reconnecting with
// exponential backoff and jitter"). One connection at a time on net's Client
// (so your Session runs it); when a connection ends or cannot be made, wait
// backoff.delay(attempt, random) and try again. The attempt counter goes back
// to 0 after a connection opened, so one bad night does not slow tomorrow's
// reconnects. Randomness and sleeping are injected, so the lab tests check
// the schedule without sleeping.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "wslab/heartbeat.hpp"
#include "wslab/net/app.hpp"
#include "wslab/result.hpp"

namespace wslab::labs {

struct ReconnectOptions {
  std::string url;                  // ws://127.0.0.1:PORT/path
  Backoff backoff;                  // base, max_delay, factor
  std::uint32_t max_failures = 10;  // give up after this many attempts in a row that did not open
  std::uint32_t max_sessions = 0;   // stop after this many opened connections (0: never)
  Millis connect_timeout{2000};
  std::uint64_t seed = 0;  // jitter source; 0: random
  // Waits between attempts; default std::this_thread::sleep_for. Tests record instead.
  std::function<void(Millis)> sleep;
};

struct ReconnectAttempt {
  std::uint32_t attempt = 0;  // the backoff attempt number used for the wait after it
  bool opened = false;        // the handshake completed
  std::string outcome;        // "closed 1001", "connection refused ...", "handshake rejected 403"
  Millis waited{0};           // the wait that followed (0 for the last one)
};

class ReconnectingClient {
 public:
  // `app` receives every connection's events, like a net::Client's App.
  ReconnectingClient(net::App& app, ReconnectOptions options);

  // Connects, reconnects ... until max_failures attempts in a row failed or
  // max_sessions connections opened. Returns an error for a bad URL only.
  Status run();

  [[nodiscard]] const std::vector<ReconnectAttempt>& history() const { return history_; }

 private:
  net::App& app_;
  ReconnectOptions options_;
  std::mt19937_64 rng_;
  std::vector<ReconnectAttempt> history_;
};

}  // namespace wslab::labs
