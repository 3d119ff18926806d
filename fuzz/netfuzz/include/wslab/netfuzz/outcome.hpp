// What a server did with a conversation, and how two servers' answers are
// compared. The raw outcome is the harness probe's observation list; it is
// normalised into classes (echo items, "a pong came", and one terminal class:
// "close 1000", "rejected", "too-big", "silence", ...) so that the allowed
// variation of RFC 6455 and the known deviations of the libwebsockets
// reference (/work/shared/notes/libwebsockets.md §3, harness/calibration/
// lws-allowlist.json) do not show up as differences. docs/fuzzing.md lists
// the classes and the rules.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wslab/harness/probe.hpp"
#include "wslab/netfuzz/conversation.hpp"

namespace wslab::netfuzz {

// One server's raw answer to one conversation.
struct Outcome {
  bool connected = false;
  std::string handshake_error;  // set when no 101 came
  bool send_failed = false;     // the server closed before we wrote everything
  std::vector<harness::Observation> observations;
};

// What core's own Session (server role, echo application) does with the same
// bytes, fed in bursts (writes separated by a pause of at least kBurstGap).
// Used to know which echoes may be lost when the connection ends in the same
// read, and as the expectation where the reference is known to be wrong.
struct Oracle {
  struct Item {
    std::string item;  // as in Normalized::items
    std::size_t burst = 0;
    std::size_t bytes = 0;
  };
  std::vector<Item> echoes;
  std::vector<std::string> ping_payloads;  // pings core answered
  std::vector<std::size_t> ping_bursts;    // the burst of each answered ping
  std::vector<bool> burst_ends_at_frame;   // does burst b end on a frame boundary?
  std::optional<std::size_t> end_burst;    // burst in which the connection ended, if it did
  std::string terminal = "silence";        // core's terminal class
  bool incomplete_frame = false;           // the stream stops inside a frame
  bool ended_by_our_close = false;         // our Close frame ended the connection
  bool bytes_after_close_in_read = false;  // ... and more bytes came in that read
  // Set when the reference (libwebsockets) is known to mishandle this
  // conversation: the target is then compared with the oracle instead.
  std::string reference_unreliable;
};

inline constexpr Millis kBurstGap{30};

Oracle compute_oracle(const Conversation& c);

struct Normalized {
  std::vector<std::string> items;  // "text 5 B #1a2b3c4d", "binary 0 B #..." in order
  bool pong = false;               // at least one Pong came
  std::string terminal;            // the class the connection ended in
  std::string detail;              // the raw ending ("close 1002 'reserved opcode'", "TCP FIN")
  // RFC breaks seen in this server's output (data after its Close, a masked
  // frame, a malformed Close body, a Pong for no Ping).
  std::vector<std::string> violations;
};

// `oracle` supplies the Ping payloads a Pong may echo.
Normalized normalize(const Outcome& o, const Oracle& oracle);
// The oracle's own outcome, in the same classes.
Normalized normalize_oracle(const Oracle& oracle);

struct Comparison {
  bool same = true;
  std::string why;                 // when !same: what differs
  std::vector<std::string> rules;  // normalisation rules that made things equal
};

// Target against reference (or the oracle when the reference is unreliable).
Comparison compare(const Normalized& target, const Normalized& reference, const Oracle& oracle);

std::string describe(const Normalized& n);

}  // namespace wslab::netfuzz
