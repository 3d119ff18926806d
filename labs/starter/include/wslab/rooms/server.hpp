// STARTER (lab 5, step 5): you write labs/starter/src/rooms/server.cpp (the private members
// below are a suggestion). Handout: labs/05-rooms/README.md.
// The server side of wslab.rooms.v1 as a sans-I/O engine
// (docs/rooms-protocol.md §4-§9). Text messages in, (connection, text)
// deliveries out; time is an input. The I/O layer (rooms_app.hpp over net)
// handles the handshake, closes 1003/1009 and slow consumers; this engine
// handles everything inside the JSON.
//
// Each event is encoded once and the same text is shared by every member it
// goes to. Deliveries come out in the order they must be written, so one
// thread calling in order gives every member one order (§6).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "wslab/rooms/messages.hpp"
#include "wslab/rooms/rate_limit.hpp"
#include "wslab/rooms/registry.hpp"
#include "wslab/time.hpp"

namespace wslab::rooms {

// The two clocks the engine needs: a monotonic one for rate limits and the
// wall clock for the `ts` members (Unix milliseconds).
struct Now {
  Millis monotonic{0};
  std::int64_t unix_ms = 0;
};

struct Delivery {
  ConnId to = 0;
  std::shared_ptr<const std::string> text;
};
using Deliveries = std::vector<Delivery>;

class Server {
 public:
  // Without a registry the in-memory one is used.
  explicit Server(Limits limits = {}, std::unique_ptr<RoomRegistry> registry = nullptr);

  // A WebSocket connection with the subprotocol is open.
  void on_open(ConnId conn, Millis now);
  // One text message from conn (the WebSocket layer checked size and UTF-8).
  void on_text(ConnId conn, std::string_view text, const Now& now, Deliveries& out);
  // The connection is gone (any reason): presence leave "disconnected".
  void on_close(ConnId conn, Deliveries& out);

  [[nodiscard]] const Limits& limits() const { return limits_; }
  [[nodiscard]] RoomRegistry& registry() { return *registry_; }
  [[nodiscard]] std::size_t connection_count() const { return conns_.size(); }

 private:
  struct Connection {
    TokenBucket bucket;
    bool said_hello = false;
    std::optional<Millis> last_rate_error;
  };

  Connection& connection(ConnId conn, Millis now);
  void handle(ConnId conn, const ClientMessage& message, const Now& now, Deliveries& out);
  void hello(ConnId conn, const client::Hello& m, const std::optional<Ref>& ref, Deliveries& out);
  void join(ConnId conn, const client::Join& m, const std::optional<Ref>& ref, Deliveries& out);
  void leave(ConnId conn, const client::Leave& m, const std::optional<Ref>& ref, Deliveries& out);
  void say(ConnId conn, const client::Say& m, const std::optional<Ref>& ref, const Now& now,
           Deliveries& out);
  void send_private(ConnId conn, const client::Private& m, const std::optional<Ref>& ref,
                    const Now& now, Deliveries& out);
  void typing(ConnId conn, const client::Typing& m, const std::optional<Ref>& ref, Deliveries& out);
  void fail(ConnId conn, ErrorCode code, std::string message, std::string_view request,
            const std::optional<Ref>& ref, Deliveries& out);
  // The event to every member of `room`, except `except` when given.
  void fan_out(std::string_view room, const ServerEvent& event, Deliveries& out,
               std::optional<ConnId> except = std::nullopt);
  const std::string& name(ConnId conn) const;

  Limits limits_;
  std::unique_ptr<RoomRegistry> registry_;
  std::unordered_map<ConnId, Connection> conns_;
};

}  // namespace wslab::rooms
