// wslab.rooms.v1 on the libwebsockets reference server: the transport rules of
// docs/rooms-protocol.md §2 and §8 (binary -> close 1003, over 16 KiB -> close
// 1009, slow consumer -> close 1008, shutdown -> 1001) around the sans-I/O
// rooms engine (rooms/include/wslab/rooms/server.hpp), which does everything
// inside the JSON. Token authentication (§1) happens before the upgrade, in
// server.cpp + upgrade_auth.*.
#pragma once

#include <unordered_map>

#include "protocol.hpp"
#include "wslab/rooms/server.hpp"

namespace wslab::refpeer::detail {

class RoomsProtocol final : public ProtocolHandler {
 public:
  RoomsProtocol();
  [[nodiscard]] std::size_t max_message() const override;
  void on_open(Connection& connection) override;
  void on_message(Connection& connection, Message message) override;
  void on_close(Connection& connection) override;

 private:
  void deliver(const rooms::Deliveries& out);
  rooms::ConnId id_of(const Connection& connection) const;

  rooms::Limits limits_;
  rooms::Server engine_;
  rooms::ConnId next_id_ = 1;
  std::unordered_map<rooms::ConnId, Connection*> connections_;
};

}  // namespace wslab::refpeer::detail
