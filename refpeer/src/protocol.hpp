// The seam between the lws glue (server.cpp) and what a subprotocol does with
// messages. Echo is one implementation; the rooms subprotocol
// (wslab.rooms.v1) plugs in as another entry of the server's protocol table.
// All calls happen on the lws service thread.
#pragma once

#include <cstddef>
#include <cstdint>

#include "connection.hpp"

namespace wslab::refpeer::detail {

class ProtocolHandler {
 public:
  virtual ~ProtocolHandler() = default;
  // The largest message this protocol accepts (the server's max_message
  // still applies when smaller); bigger ones get close 1009.
  [[nodiscard]] virtual std::size_t max_message() const { return SIZE_MAX; }
  // After the opening handshake (LWS_CALLBACK_ESTABLISHED).
  virtual void on_open(Connection& /*connection*/) {}
  // One complete (reassembled, UTF-8-checked for text) message.
  virtual void on_message(Connection& connection, Message message) = 0;
  // The connection is gone (LWS_CALLBACK_CLOSED); don't keep the reference.
  virtual void on_close(Connection& /*connection*/) {}
};

}  // namespace wslab::refpeer::detail
