// Synthesises the Ethernet/IPv4/TCP packets of one TCP connection (RFC 9293: three-way
// handshake, data segments with consistent sequence and acknowledgment numbers, FIN exchange)
// into a PcapngFile, with correct IPv4 and TCP checksums. Time is a shared virtual clock, so the
// output is deterministic.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pcapng_file.hpp"

namespace wslab::dissector_test {

// A virtual clock in microseconds since the Unix epoch; every packet advances it.
struct Clock {
  std::uint64_t now_us = 0;
  std::uint64_t step_us = 1000;
};

class TcpFlow {
 public:
  enum class Side { kClient, kServer };

  TcpFlow(PcapngFile& out, Clock& clock, std::uint16_t client_port, std::uint16_t server_port,
          std::uint32_t client_isn, std::uint32_t server_isn);

  // SYN, SYN/ACK, ACK. Skipping it gives a capture that starts mid-connection.
  void open();
  // One segment carrying `bytes` (cut into several if `cuts` lists byte offsets to cut at).
  void send(Side from, std::string_view bytes, std::string_view comment = {},
            const std::vector<std::size_t>& cuts = {});
  // FIN from `first`, FIN/ACK back, final ACK.
  void close(Side first);

 private:
  struct End {
    std::uint32_t ip;
    std::uint16_t port;
    std::uint32_t next_seq;
    std::uint16_t ip_id;
  };
  void segment(Side from, std::uint8_t flags, std::string_view payload, std::string_view comment);

  PcapngFile& out_;
  Clock& clock_;
  End client_;
  End server_;
};

}  // namespace wslab::dissector_test
