// One conversation over TCP with the harness probe (RFC 6455 §4.1 handshake,
// then raw bytes), and the liveness check that tells crashes and hangs.
#include "wslab/netfuzz/runner.hpp"

#include <chrono>

#include "wslab/harness/probe.hpp"
#include "wslab/harness/wire_log.hpp"

namespace wslab::netfuzz {

std::string Endpoint::url() const {
  const bool v6 = host.find(':') != std::string::npos;
  return "ws://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + path;
}

namespace {

harness::Target target_of(const Endpoint& e) {
  harness::Target t;
  t.host = e.host;
  t.port = e.port;
  t.path = e.path;
  return t;
}

}  // namespace

Outcome run_conversation(const Endpoint& server, const Conversation& c, const RunOptions& options) {
  harness::WireLog log;
  log.set_total_cap(256u << 10);  // the fuzzer keeps outcomes, not transcripts
  harness::ProbeOptions po;
  po.connect_timeout = options.connect_timeout;
  po.io_timeout = Millis{2000};
  harness::Probe probe(target_of(server), log, po);
  Outcome out;
  if (Status s = probe.connect(); !s) {
    out.handshake_error = "connect: " + s.message();
    return out;
  }
  if (auto hs = probe.handshake(); !hs) {
    out.handshake_error = hs.error();
    return out;
  }
  out.connected = true;
  for (const Piece& p : c.pieces()) {
    if (!probe.send(p.bytes).is_ok()) {
      out.send_failed = true;  // the server closed first: what it said is still read below
      break;
    }
    if (p.pause.count() > 0) probe.pause(p.pause);
  }
  const auto hard_deadline = std::chrono::steady_clock::now() + options.silence * 10;
  bool closed = false;
  for (;;) {
    harness::Observation o = probe.next(closed ? options.after_close : options.silence);
    const auto kind = o.kind;
    if (kind == harness::Observation::Kind::kClose) closed = true;
    out.observations.push_back(std::move(o));
    if (kind == harness::Observation::Kind::kTcpClosed ||
        kind == harness::Observation::Kind::kTimeout) {
      break;
    }
    if (std::chrono::steady_clock::now() >= hard_deadline || out.observations.size() >= 10000) {
      out.observations.push_back(harness::Observation{});  // as if it fell silent
      break;
    }
  }
  return out;
}

Liveness check_alive(const Endpoint& server, Millis timeout, std::string* detail) {
  harness::WireLog log;
  harness::ProbeOptions po;
  po.connect_timeout = timeout;
  po.io_timeout = timeout;
  harness::Probe probe(target_of(server), log, po);
  if (Status s = probe.connect(); !s) {
    if (detail) *detail = s.message();
    return Liveness::kRefused;
  }
  if (auto hs = probe.handshake(); !hs) {
    if (detail) *detail = hs.error();
    // A connection closed without an answer is a server going down, not a hang.
    return hs.error().find("no response") != std::string::npos ? Liveness::kNoAnswer
                                                               : Liveness::kRefused;
  }
  probe.close();
  return Liveness::kAlive;
}

}  // namespace wslab::netfuzz
