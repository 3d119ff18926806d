// wslab_dissector_harness_capture: writes a capture the way the conformance harness does for a
// case (harness/report/pcapng.cpp: build_pcapng from a wire log), so the dissector is tested on
// the harness's own output. The wire log is that of a rooms-server case: the harness connects
// with the wslab.rooms.v1 subprotocol, says hello, then sends a Close with code 1005, which
// RFC 6455 §7.4.1 forbids on the wire; the server answers Close 1002 and ends the connection.
// Usage: wslab_dissector_harness_capture <file.pcapng>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "wslab/close.hpp"
#include "wslab/frame.hpp"
#include "wslab/handshake.hpp"
#include "wslab/harness/pcapng.hpp"
#include "wslab/harness/wire_log.hpp"

namespace {

using wslab::harness::Direction;
using wslab::harness::WireEvent;
using wslab::harness::WireRecord;

WireRecord record(Direction d, long at_us, std::string bytes, WireEvent e = WireEvent::kNone,
                  std::string note = {}) {
  WireRecord r;
  r.direction = d;
  r.at = std::chrono::microseconds(at_us);
  r.connection = 0;
  r.bytes = std::move(bytes);
  r.event = e;
  r.note = std::move(note);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <file.pcapng>\n", argv[0]);
    return 2;
  }
  const std::string key = "x3JJHMbDL1EzLkh9GBhXDw==";
  wslab::ClientHandshakeRequest req;
  req.host = "127.0.0.1:8765";
  req.path = "/rooms";
  req.key = key;
  req.subprotocols = {"wslab.rooms.v1"};
  const wslab::MaskKey m1{0x12, 0x34, 0x56, 0x78};
  const wslab::MaskKey m2{0x9a, 0xbc, 0xde, 0xf1};

  std::vector<WireRecord> wire;
  wire.push_back(record(Direction::kNote, 0, {}, WireEvent::kConnected, "TCP connected"));
  wire.push_back(record(Direction::kSent, 100, wslab::build_request(req)));
  wire.push_back(record(Direction::kReceived, 900,
                        wslab::build_accept_response(key, "wslab.rooms.v1", "wslab")));
  wire.push_back(record(
      Direction::kSent, 1000,
      wslab::encode_frame(wslab::Opcode::kText, R"({"type":"hello","name":"probe"})", true, &m1)));
  wire.push_back(
      record(Direction::kReceived, 1500,
             wslab::encode_frame(
                 wslab::Opcode::kText,
                 R"({"type":"welcome","name":"probe","protocol":"wslab.rooms.v1","limits":{}})")));
  wire.push_back(record(Direction::kSent, 2000,
                        wslab::FrameBuilder()
                            .opcode(wslab::Opcode::kClose)
                            .mask(m2)
                            .payload(wslab::encode_close_payload(1005))
                            .build()));
  wire.push_back(
      record(Direction::kReceived, 2600,
             wslab::encode_frame(wslab::Opcode::kClose,
                                 wslab::encode_close_payload(1002, "invalid close code"))));
  wire.push_back(record(Direction::kNote, 2700, {}, WireEvent::kPeerFin, "TCP FIN from peer"));
  wire.push_back(record(Direction::kNote, 2800, {}, WireEvent::kClose, "close"));

  wslab::harness::PcapOptions options;
  options.server_port = 8765;
  options.comment = "wslab PASS close.code.invalid.1005: the server answered Close 1002";
  options.base_unix_us = 1732320000000000;  // fixed: the file is the same on every run
  const std::string bytes = wslab::harness::build_pcapng(wire, options);

  std::FILE* f = std::fopen(argv[1], "wb");
  if (f == nullptr || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) {
    std::fprintf(stderr, "cannot write %s\n", argv[1]);
    if (f != nullptr) std::fclose(f);
    return 1;
  }
  return std::fclose(f) == 0 ? 0 : 1;
}
