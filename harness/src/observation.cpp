// Target addresses and human descriptions of what the probe observed.
#include <string>

#include "wslab/close.hpp"
#include "wslab/harness/bytes_text.hpp"
#include "wslab/harness/probe.hpp"

namespace wslab::harness {

std::string Target::host_header() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string Target::url() const {
  return "ws://" + host_header() + (path.empty() ? "/" : path);
}

std::string_view kind_name(Observation::Kind k) {
  using K = Observation::Kind;
  switch (k) {
    case K::kText:
      return "text";
    case K::kBinary:
      return "binary";
    case K::kPing:
      return "ping";
    case K::kPong:
      return "pong";
    case K::kClose:
      return "close";
    case K::kTcpClosed:
      return "tcp-closed";
    case K::kTimeout:
      return "timeout";
    case K::kBadFrame:
      return "bad-frame";
  }
  return "?";
}

namespace {
std::string payload_text(const std::string& p, bool text) {
  std::string out = "(" + size_text(p.size());
  if (p.empty()) return out + ")";
  if (text || looks_textual(p)) return out + ": " + quote_bytes(p, 48) + ")";
  return out + ": " + hex_bytes(p, 16) + ")";
}
}  // namespace

std::string describe(const Observation& o) {
  using K = Observation::Kind;
  switch (o.kind) {
    case K::kText: {
      std::string s = "text " + payload_text(o.payload, true);
      if (o.frames > 1) s += " in " + std::to_string(o.frames) + " frames";
      return s;
    }
    case K::kBinary: {
      std::string s = "binary " + payload_text(o.payload, false);
      if (o.frames > 1) s += " in " + std::to_string(o.frames) + " frames";
      return s;
    }
    case K::kPing:
      return "ping " + payload_text(o.payload, false);
    case K::kPong:
      return "pong " + payload_text(o.payload, false);
    case K::kClose: {
      std::string s = "close";
      if (o.code) {
        s += " " + std::to_string(*o.code) + " (" + std::string(close_code_name(*o.code)) + ")";
      } else {
        s += " (no status code)";
      }
      if (!o.payload.empty()) s += " reason " + quote_bytes(o.payload, 48);
      if (!o.detail.empty()) s += " [malformed: " + o.detail + "]";
      return s;
    }
    case K::kTcpClosed:
      return o.reset ? "TCP connection reset by peer (RST)" : "TCP connection closed by peer (FIN)";
    case K::kTimeout:
      return "nothing (timeout)";
    case K::kBadFrame:
      return "invalid frame: " + o.detail;
  }
  return "?";
}

}  // namespace wslab::harness
