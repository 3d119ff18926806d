// A pcapng capture synthesised from a case's wire log (no root, no libpcap):
// Ethernet / IPv4 / TCP with correct checksums and sequence numbers, a
// SYN, SYN-ACK, ACK per connection, one segment per recorded read or write,
// FIN or RST where the log says the connection ended, and the verdict as a
// comment on the first packet. Wireshark dissects the HTTP upgrade and the
// WebSocket frames that follow it (pcapng: IETF draft-ietf-opsawg-pcapng).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wslab/harness/wire_log.hpp"

namespace wslab::harness {

struct PcapOptions {
  std::uint16_t server_port = 80;  // the target's port (80 if unknown)
  std::string comment;             // opt_comment on the first packet
  std::string application = "wslab conform";
  std::int64_t base_unix_us = 0;  // wall-clock time of the case start; 0: now
};

// The whole capture file as bytes.
std::string build_pcapng(const std::vector<WireRecord>& records, const PcapOptions& options);

}  // namespace wslab::harness
