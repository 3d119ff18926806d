// Helpers for the lab tests that drive a wslab::Session by hand.
#include "session_util.hpp"

#include "bytes.hpp"

namespace wslab::labtest {

std::vector<Event> drain(Session& s) {
  std::vector<Event> out;
  for (int i = 0; i < 100000; ++i) {  // bounded: a broken session cannot loop us forever
    auto e = s.poll_event();
    if (!e) break;
    out.push_back(std::move(*e));
  }
  return out;
}

namespace {
struct Describer {
  std::string operator()(const event::Open& e) const {
    return "Open(subprotocol=" + escaped(e.subprotocol) + ", path=" + escaped(e.path) + ")";
  }
  std::string operator()(const event::Upgrade& e) const {
    return "Upgrade(" + escaped(e.request.target) + ")";
  }
  std::string operator()(const event::PlainHttp& e) const {
    return "PlainHttp(" + escaped(e.request.target) + ")";
  }
  std::string operator()(const event::HandshakeFailed& e) const {
    return "HandshakeFailed(" + std::to_string(e.status) + ", " + escaped(e.reason, 80) + ")";
  }
  std::string operator()(const event::Text& e) const { return "Text(" + escaped(e.data, 40) + ")"; }
  std::string operator()(const event::Binary& e) const { return "Binary(" + hex(e.data, 16) + ")"; }
  std::string operator()(const event::Ping& e) const { return "Ping(" + escaped(e.payload) + ")"; }
  std::string operator()(const event::Pong& e) const { return "Pong(" + escaped(e.payload) + ")"; }
  std::string operator()(const event::CloseReceived& e) const {
    return "CloseReceived(" + (e.code ? std::to_string(*e.code) : std::string("no code")) + ", " +
           escaped(e.reason) + ")";
  }
  std::string operator()(const event::ProtocolError& e) const {
    return "ProtocolError(" + std::to_string(e.close_code) + ", " + escaped(e.what, 80) + ")";
  }
  std::string operator()(const event::Closed& e) const {
    return "Closed(" + std::to_string(e.code) + (e.clean ? ", clean" : ", not clean") + ")";
  }
};
}  // namespace

std::string describe(const Event& e) {
  return std::visit(Describer{}, e);
}

std::string describe(const std::vector<Event>& events) {
  if (events.empty()) return "no events";
  std::string out;
  for (const auto& e : events) {
    if (!out.empty()) out += ", ";
    out += describe(e);
  }
  return out;
}

std::string take_output(Session& s) {
  std::string out(s.pending_output());
  s.consume_output(out.size());
  return out;
}

Session open_server(SessionConfig config) {
  config.role = Role::kServer;
  config.manual_accept = false;
  Session s(std::move(config));
  s.start(Millis{0});
  s.on_bytes(upgrade_request("/"), Millis{0});
  take_output(s);
  drain(s);
  return s;
}

Session open_client(SessionConfig config) {
  config.role = Role::kClient;
  config.client.host = "127.0.0.1:9001";
  config.client.key = std::string(kSampleKey);
  Session s(std::move(config));
  s.start(Millis{0});
  take_output(s);
  s.on_bytes(std::string("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                         "Connection: Upgrade\r\nSec-WebSocket-Accept: ") +
                 std::string(kSampleAccept) + "\r\n\r\n",
             Millis{0});
  drain(s);
  return s;
}

}  // namespace wslab::labtest
