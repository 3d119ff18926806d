// PROVIDED (lab 4): reconnecting with Backoff (exponential, full jitter).
#include "reconnect.hpp"

#include <thread>

#include "wslab/net/client.hpp"
#include "wslab/net/event_loop.hpp"

namespace wslab::labs {

ReconnectingClient::ReconnectingClient(net::App& app, ReconnectOptions options)
    : app_(app),
      options_(std::move(options)),
      rng_(options_.seed != 0 ? options_.seed : std::random_device{}()) {
  if (!options_.sleep) options_.sleep = [](Millis d) { std::this_thread::sleep_for(d); };
}

Status ReconnectingClient::run() {
  std::uint32_t failures = 0;  // attempts in a row that did not open
  std::uint32_t sessions = 0;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  while (true) {
    net::EventLoop loop;
    net::ClientOptions copts;
    copts.url = options_.url;
    copts.connect_timeout = options_.connect_timeout;
    net::Client client(loop, app_, copts);
    if (Status st = client.start(); !st) return st;
    loop.run();  // returns when the connection is over (stop_loop_when_done)

    ReconnectAttempt a;
    a.opened = client.opened();
    switch (client.outcome()) {
      case net::ClientOutcome::kClosed:
        a.outcome =
            "closed " + std::to_string(client.close_info() ? client.close_info()->code : 1006);
        break;
      case net::ClientOutcome::kHandshakeRejected:
        a.outcome = "handshake rejected " + std::to_string(client.handshake_status());
        break;
      default:
        a.outcome = client.failure();
        break;
    }
    if (a.opened) {
      ++sessions;
      failures = 0;  // a connection that opened resets the backoff
    } else {
      ++failures;
    }
    a.attempt = failures == 0 ? 0 : failures - 1;
    const bool done = (options_.max_sessions != 0 && sessions >= options_.max_sessions) ||
                      failures >= options_.max_failures;
    if (!done) a.waited = options_.backoff.delay(a.attempt, unit(rng_));
    history_.push_back(a);
    if (done) return Status::ok();
    options_.sleep(a.waited);
  }
}

}  // namespace wslab::labs
