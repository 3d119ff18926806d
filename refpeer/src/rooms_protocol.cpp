#include "rooms_protocol.hpp"

#include <chrono>
#include <cstdint>

#include "wslab/rooms/protocol.hpp"

namespace wslab::refpeer::detail {
namespace {

Millis monotonic_now() {
  return std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now().time_since_epoch());
}

rooms::Now clocks() {
  const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return rooms::Now{monotonic_now(), static_cast<std::int64_t>(wall.count())};
}

}  // namespace

RoomsProtocol::RoomsProtocol() : engine_(limits_) {}

std::size_t RoomsProtocol::max_message() const {
  return limits_.max_message_bytes;
}

// The connection id lives in Connection::protocol_state (a pointer-sized slot).
rooms::ConnId RoomsProtocol::id_of(const Connection& connection) const {
  return static_cast<rooms::ConnId>(reinterpret_cast<std::uintptr_t>(connection.protocol_state));
}

void RoomsProtocol::on_open(Connection& connection) {
  const rooms::ConnId id = next_id_++;
  connection.protocol_state = reinterpret_cast<void*>(static_cast<std::uintptr_t>(id));
  connections_[id] = &connection;
  engine_.on_open(id, monotonic_now());
}

void RoomsProtocol::on_message(Connection& connection, Message message) {
  if (message.binary()) {  // §2: no binary form
    connection.close(rooms::kCloseUnsupportedData, rooms::kReasonBinary);
    return;
  }
  rooms::Deliveries out;
  engine_.on_text(id_of(connection), message.payload(), clocks(), out);
  deliver(out);
}

void RoomsProtocol::on_close(Connection& connection) {
  const rooms::ConnId id = id_of(connection);
  connections_.erase(id);
  rooms::Deliveries out;
  engine_.on_close(id, out);  // presence leave "disconnected" to the others
  deliver(out);
}

// In order, so every member sees one order (§6). A member whose queue is over
// the bound is closed with 1008 "slow consumer"; its on_close follows when lws
// reports the connection gone, and until then sends to it are dropped.
void RoomsProtocol::deliver(const rooms::Deliveries& out) {
  for (const rooms::Delivery& d : out) {
    const auto it = connections_.find(d.to);
    if (it == connections_.end() || it->second->closing()) continue;
    Connection& c = *it->second;
    if (c.queued_bytes() > limits_.max_buffered_bytes) {
      c.close(rooms::kClosePolicyViolation, rooms::kReasonSlowConsumer, Connection::Queued::kDrop);
      continue;
    }
    c.send(Message::Kind::kText, *d.text);
  }
}

}  // namespace wslab::refpeer::detail
