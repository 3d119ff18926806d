// A small, fixed RunReport for the report-writer tests: a PASS, a FAIL with
// a realistic wire log (handshake, a masked Close 1005, the server's Close
// 1000, FIN), a TIMEOUT and a NON-STRICT.
#pragma once

#include "wslab/handshake.hpp"
#include "wslab/harness/runner.hpp"

namespace wslab::harness::testing {

inline std::vector<WireRecord> sample_wire() {
  using std::chrono::microseconds;
  ClientHandshakeRequest req;
  req.host = "127.0.0.1:9001";
  req.key = "dGhlIHNhbXBsZSBub25jZQ==";
  std::string request = build_request(req);
  std::string response =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: " +
      compute_accept(req.key) + "\r\n\r\n";
  std::string close_1005 = FrameBuilder()
                               .opcode(Opcode::kClose)
                               .mask(MaskKey{0x11, 0x22, 0x33, 0x44})
                               .payload(std::string("\x03\xed", 2))
                               .build();
  std::string close_1000 = encode_frame(Opcode::kClose, std::string("\x03\xe8", 2));
  std::vector<WireRecord> w;
  auto add = [&](Direction d, long us, std::string bytes, std::string note = {},
                 WireEvent e = WireEvent::kNone) {
    WireRecord r;
    r.direction = d;
    r.at = microseconds(us);
    r.bytes = std::move(bytes);
    r.note = std::move(note);
    r.event = e;
    w.push_back(std::move(r));
  };
  add(Direction::kNote, 100, "", "TCP connected to 127.0.0.1:9001 from port 40000",
      WireEvent::kConnected);
  add(Direction::kSent, 150, request);
  add(Direction::kReceived, 900, response);
  add(Direction::kSent, 1000, close_1005);
  add(Direction::kReceived, 1500, close_1000);
  add(Direction::kNote, 1600, "", "TCP FIN from peer", WireEvent::kPeerFin);
  return w;
}

inline RunReport sample_report() {
  RunReport r;
  r.target_url = "ws://127.0.0.1:9001/";
  r.selection = "all cases";
  r.jobs = 2;
  r.duration = std::chrono::milliseconds(1234);
  auto make = [](std::string id, std::string group, int lab, int points, Verdict v) {
    CaseOutcome o;
    o.info.id = std::move(id);
    o.info.group = std::move(group);
    o.info.lab = lab;
    o.info.points = points;
    o.info.description = "a sample case";
    o.result.verdict = v;
    o.original = v;
    o.score = (v == Verdict::kPass || v == Verdict::kNonStrict || v == Verdict::kInfo) ? points : 0;
    o.duration = std::chrono::microseconds(2500);
    return o;
  };
  auto pass = make("handshake.ok", "handshake", 1, 2, Verdict::kPass);
  pass.wire = sample_wire();
  auto fail = make("close.code.invalid.1005", "close", 3, 1, Verdict::kFail);
  fail.info.rfc_section = "7.4.1";
  fail.info.rfc_text =
      "\"1005 is a reserved value and MUST NOT be set as a status code in a Close "
      "control frame by an endpoint.\"";
  fail.info.autobahn = "7.9.4";
  fail.info.hint = "Check the code against the list of valid codes before echoing it.";
  fail.info.lesson = "lessons/04-lifecycle.md#close-codes";
  fail.result.expected = "close 1002 (Protocol error) or a TCP drop";
  fail.result.observed = "close 1000 (Normal Closure)";
  fail.wire = sample_wire();
  fail.bytes_sent = 200;
  fail.bytes_received = 150;
  auto timeout = make("ping.flood", "close", 4, 1, Verdict::kTimeout);
  timeout.result.expected = "a pong";
  timeout.result.observed = "nothing";
  timeout.wire = sample_wire();
  auto ns = make("close.echo.late", "close", 3, 1, Verdict::kNonStrict);
  ns.result.observed = "the echo came after the close";
  r.outcomes = {pass, fail, timeout, ns};
  return r;
}

}  // namespace wslab::harness::testing
