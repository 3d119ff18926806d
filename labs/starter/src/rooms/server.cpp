// Lab 5, step 5: the server side of wslab.rooms.v1 as a sans-I/O engine
// (docs/rooms-protocol.md §4-§9): text messages in, deliveries out.
// Handout: labs/05-rooms/README.md. Contract: wslab/rooms/server.hpp.
#include "wslab/rooms/server.hpp"

#include "wslab/rooms/memory_registry.hpp"
#include "wslab/todo.hpp"

namespace wslab::rooms {
namespace {
constexpr std::string_view kStep5 = "labs/05-rooms/README.md step 5";
}  // namespace

Server::Server(Limits limits, std::unique_ptr<RoomRegistry> registry) : limits_(limits) {
  // Without a registry given, the in-memory one (yours, step 4).
  registry_ = registry != nullptr ? std::move(registry) : std::make_unique<MemoryRegistry>(limits_);
}

void Server::on_open([[maybe_unused]] ConnId conn, [[maybe_unused]] Millis now) {
  // TODO(lab 5, step 5): remember the connection (its rate limiter starts full).
  todo::note("rooms::Server::on_open", kStep5);
}

void Server::on_text([[maybe_unused]] ConnId conn, [[maybe_unused]] std::string_view text,
                     [[maybe_unused]] const Now& now, [[maybe_unused]] Deliveries& out) {
  // TODO(lab 5, step 5): §8's order of checks, then the message's effect (§4).
  todo::note("rooms::Server::on_text", kStep5);
}

void Server::on_close([[maybe_unused]] ConnId conn, [[maybe_unused]] Deliveries& out) {
  // TODO(lab 5, step 5): presence leave "disconnected" to the rooms it was in; forget it.
  todo::note("rooms::Server::on_close", kStep5);
}

}  // namespace wslab::rooms
