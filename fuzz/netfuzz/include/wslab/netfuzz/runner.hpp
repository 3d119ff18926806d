// Sending one conversation to one server over TCP (loopback) with the
// harness's raw probe, and checking that a server is still alive.
// Every wait has a deadline.
#pragma once

#include <cstdint>
#include <string>

#include "wslab/netfuzz/conversation.hpp"
#include "wslab/netfuzz/outcome.hpp"
#include "wslab/time.hpp"

namespace wslab::netfuzz {

struct Endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path = "/";
  [[nodiscard]] std::string url() const;
};

struct RunOptions {
  Millis silence{400};      // no more bytes for this long: the server is silent
  Millis after_close{150};  // after the server's Close: how long to look for more
  Millis connect_timeout{2000};
};

// Valid opening handshake (§4.1), then the conversation's writes and pauses,
// then everything the server sends until it closes TCP or falls silent.
Outcome run_conversation(const Endpoint& server, const Conversation& c, const RunOptions& options);

enum class Liveness : std::uint8_t {
  kAlive,     // a fresh connection gets a 101
  kRefused,   // no TCP connection (a crash when it worked before)
  kNoAnswer,  // TCP accepted, no handshake answer within the timeout (a hang)
};
Liveness check_alive(const Endpoint& server, Millis timeout, std::string* detail = nullptr);

}  // namespace wslab::netfuzz
