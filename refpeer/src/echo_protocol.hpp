// The echo subprotocol: every complete message goes back unchanged, as one
// frame with the same opcode (RFC 6455 §5.6: text stays text, binary stays
// binary). Fragmented input is reassembled first (§5.4), as Autobahn's echo
// servers do, so the peer sees one frame per message.
#pragma once

#include "protocol.hpp"

namespace wslab::refpeer::detail {

class EchoProtocol final : public ProtocolHandler {
 public:
  // close_command: treat a text "!close <code> [reason]" as an order to close
  // with that code (a test hook, see ServerOptions::close_command).
  explicit EchoProtocol(bool close_command) : close_command_(close_command) {}
  void on_message(Connection& connection, Message message) override;

 private:
  bool close_command_;
};

}  // namespace wslab::refpeer::detail
