// What the lab 6 tests run on: a real redis-server (Debian's, on a free
// loopback port, nothing on disk, so a restart comes back empty), instances of
// YOUR rooms server sharing it (net's server + your Session + your lab 5
// engine + YOUR RedisRegistry, in the provided RedisRoomsApp, each on its own
// event loop thread), and chat members speaking wslab.rooms.v1 over TCP.
// Every wait has a timeout; nothing here can hang.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bytes.hpp"
#include "lab_test.hpp"
#include "loopback.hpp"
#include "wslab/net/event_loop.hpp"
#include "wslab/net/server.hpp"
#include "wslab/rooms/redis_rooms_app.hpp"

namespace wslab::labtest {

using json = nlohmann::json;

// A redis-server child process. stop() kills it (SIGKILL: what a crash looks
// like); start() again brings it back empty on the same port.
class RedisProcess {
 public:
  RedisProcess();
  ~RedisProcess();
  RedisProcess(const RedisProcess&) = delete;
  RedisProcess& operator=(const RedisProcess&) = delete;

  // Starts it and waits (at most 5 s) until it accepts connections.
  bool start();
  void stop();
  [[nodiscard]] std::string url() const;
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  std::string error_;
};

// One instance: RedisRoomsApp (with your RedisRegistry) on its own event loop thread.
class Instance {
 public:
  explicit Instance(const std::string& redis_url);
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] std::uint16_t port() const { return port_; }

 private:
  net::EventLoop loop_;
  std::unique_ptr<rooms::RedisRoomsApp> app_;
  std::unique_ptr<net::Server> server_;
  std::thread thread_;
  std::uint16_t port_ = 0;
  bool ok_ = false;
  std::string error_;
};

// A chat member connected to one instance.
class Member {
 public:
  // Upgrade with wslab.rooms.v1, then hello; false (with error()) when either fails.
  bool open(std::uint16_t port, const std::string& name);
  void send(const json& message);
  // The next text message parsed (a JSON object); an EMPTY object after `timeout` or when
  // the server closed, so .value("type", "") is always safe.
  // Status events ({"type":"status"}) are skipped unless `type` asks for them.
  json next(std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));
  // The next event of `type` (others are skipped and kept in skipped()).
  json next_of(const std::string& type,
               std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));
  // join (with `since`) and the joined event (empty if none came).
  json join(const std::string& room, std::optional<std::uint64_t> since = std::nullopt);
  // say, and the message event that acknowledges it (empty if none came).
  json say(const std::string& room, const std::string& text);
  // Anything but status/typing within `window`? Returns it (empty: nothing came).
  json anything_within(std::chrono::milliseconds window);
  void close() { client_.close(); }

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] const std::vector<json>& skipped() const { return skipped_; }
  // What this member received, for failure messages.
  [[nodiscard]] std::string transcript() const;

 private:
  json read_one(std::chrono::milliseconds timeout, bool keep_status);

  RawClient client_;
  std::deque<ParsedFrame> inbox_;  // frames received, not read yet
  std::string name_;
  std::string error_;
  std::vector<json> skipped_;
  std::vector<std::string> seen_;
};

// The fixture of the cluster tests: Redis and three instances of your server,
// fresh for every test (class Lab6Presence : public labtest::Cluster {};).
class Cluster : public Fixture {
 protected:
  void SetUp() override;
  [[nodiscard]] std::uint16_t port(std::size_t i) const { return instances.at(i)->port(); }

  RedisProcess redis;
  std::vector<std::unique_ptr<Instance>> instances;
};

// Waits until pred() is true, polling every 20 ms, at most `timeout`.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace wslab::labtest
