// wslab_dissector_captures: writes the dissector's test captures, deterministically.
//   rooms-session.pcapng       clients talking wslab.rooms.v1 (docs/rooms-protocol.md §10), with
//                              bad JSON, a missing type, an unknown type and other mistakes; the
//                              third connection's handshake is missing (a capture started late)
//   rfc6455-violations.pcapng  one frame per RFC 6455 rule broken, each with a packet comment;
//                              stream 0 has the opening handshake, stream 1 starts mid-connection
// Handshakes come from core's handshake code and frames from core's FrameBuilder.
// Usage: wslab_dissector_captures <output-directory>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "pcapng_file.hpp"
#include "tcp_flow.hpp"
#include "wslab/close.hpp"
#include "wslab/frame.hpp"
#include "wslab/handshake.hpp"

namespace wslab::dissector_test {
namespace {

using Side = TcpFlow::Side;
constexpr std::uint64_t kStartUs = 1732320000000000ull;  // 2024-11-23 00:00:00 UTC
constexpr std::string_view kSubprotocol = "wslab.rooms.v1";

// One WebSocket connection over a synthesised TCP flow.
class WsConnection {
 public:
  WsConnection(PcapngFile& out, Clock& clock, std::uint16_t client_port, std::uint16_t server_port,
               std::uint32_t seed)
      : flow_(out, clock, client_port, server_port, seed * 1000003u, seed * 7919u + 1u),
        seed_(seed),
        server_port_(server_port) {}

  // TCP open plus the RFC 6455 §4 opening handshake, offering/selecting `subprotocol` if not empty.
  void open(std::string_view key, std::string_view subprotocol, std::string_view path = "/rooms") {
    flow_.open();
    ClientHandshakeRequest req;
    req.host = "127.0.0.1:" + std::to_string(server_port_);
    req.path = std::string(path);
    req.key = std::string(key);
    if (!subprotocol.empty()) req.subprotocols.emplace_back(subprotocol);
    flow_.send(Side::kClient, build_request(req));
    flow_.send(Side::kServer, build_accept_response(key, subprotocol, "wslab"));
  }
  // TCP open only: a capture that starts after the handshake.
  void open_without_handshake() { flow_.open(); }

  MaskKey next_mask() {
    ++masks_;
    const std::uint32_t v = (seed_ * 0x9E3779B1u) ^ (masks_ * 0x85EBCA6Bu);
    return MaskKey{static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                   static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v | 1u)};
  }
  // A valid masked client frame / unmasked server frame.
  std::string client_frame(Opcode op, std::string_view payload, bool fin = true) {
    return FrameBuilder().opcode(op).fin(fin).mask(next_mask()).payload(payload).build();
  }
  static std::string server_frame(Opcode op, std::string_view payload, bool fin = true) {
    return FrameBuilder().opcode(op).fin(fin).unmasked().payload(payload).build();
  }

  void client_says(std::string_view json, std::string_view comment = {}) {
    flow_.send(Side::kClient, client_frame(Opcode::kText, json), comment);
  }
  void server_says(std::string_view json, std::string_view comment = {}) {
    flow_.send(Side::kServer, server_frame(Opcode::kText, json), comment);
  }
  void send(Side from, std::string_view bytes, std::string_view comment = {},
            const std::vector<std::size_t>& cuts = {}) {
    flow_.send(from, bytes, comment, cuts);
  }
  // RFC 6455 §7: Close from the client, Close back, then the server ends TCP first (§7.1.1).
  void close_normally() {
    flow_.send(Side::kClient, client_frame(Opcode::kClose, encode_close_payload(1000, "bye")));
    flow_.send(Side::kServer, server_frame(Opcode::kClose, encode_close_payload(1000, "bye")));
    flow_.close(Side::kServer);
  }

 private:
  TcpFlow flow_;
  std::uint32_t seed_;
  std::uint32_t masks_ = 0;
  std::uint16_t server_port_;
};

constexpr std::string_view kLimits =
    R"({"max_message_bytes":16384,"max_text_bytes":4096,"max_name_length":32,)"
    R"("max_room_length":64,"max_rooms_per_client":16,"history_size":100,)"
    R"("rate_burst":200,"rate_per_second":100})";

std::string welcome(std::string_view name, std::string_view ref_member) {
  return std::string(R"({"type":"welcome","name":")") + std::string(name) +
         R"(","protocol":"wslab.rooms.v1","limits":)" + std::string(kLimits) +
         std::string(ref_member) + "}";
}

// docs/rooms-protocol.md §10.1 and §10.2, two clients on one server (port 8765).
bool write_rooms_session(const std::string& path) {
  PcapngFile out(path, "wslab dissector test generator");
  Clock clock{kStartUs, 1000};
  WsConnection c1(out, clock, 50001, 8765, 1);
  WsConnection c2(out, clock, 50002, 8765, 2);

  c1.open("dGhlIHNhbXBsZSBub25jZQ==", kSubprotocol);
  c1.client_says(R"({"type":"hello","name":"alice","ref":1})");
  c1.server_says(welcome("alice", R"(,"ref":1)"));
  c1.client_says(R"({"type":"join","room":"lobby","ref":2})");
  c1.server_says(
      R"({"type":"joined","room":"lobby","seq":0,"members":["alice"],"history":0,"truncated":false,"reset":false,"ref":2})");

  c2.open("AQIDBAUGBwgJCgsMDQ4PEA==", kSubprotocol);
  c2.client_says(R"({"type":"hello","name":"alice"})");
  c2.server_says(welcome("alice-2", ""));
  c2.client_says(R"({"type":"join","room":"lobby"})");
  c2.server_says(
      R"({"type":"joined","room":"lobby","seq":0,"members":["alice","alice-2"],"history":0,"truncated":false,"reset":false})");
  c1.server_says(R"({"type":"presence","room":"lobby","name":"alice-2","action":"join"})");
  c2.client_says(R"({"type":"typing","room":"lobby","active":true})");
  c1.server_says(R"({"type":"typing","room":"lobby","from":"alice-2","active":true})");

  // A message in two fragments (RFC 6455 §5.4); the final fragment is not empty, which Wireshark
  // 4.0 needs to reassemble it. The client's "from" is ignored by the server (§3).
  const std::string say = R"({"type":"say","room":"lobby","text":"I am alice","from":"alice"})";
  c2.send(Side::kClient, c2.client_frame(Opcode::kText, say.substr(0, 20), false));
  c2.send(Side::kClient, c2.client_frame(Opcode::kContinuation, say.substr(20), true));
  const std::string m1 =
      R"({"type":"message","room":"lobby","seq":1,"from":"alice-2","text":"I am alice","ts":1732320000123})";
  c1.server_says(m1);
  c2.server_says(m1);

  // One frame cut across two TCP segments (Wireshark reassembles it).
  c1.send(Side::kClient,
          c1.client_frame(Opcode::kText,
                          R"({"type":"say","room":"lobby","text":"no, you are alice-2"})"),
          {}, {9});
  const std::string m2 =
      R"({"type":"message","room":"lobby","seq":2,"from":"alice","text":"no, you are alice-2","ts":1732320000456})";
  c1.server_says(m2);
  c2.server_says(m2);

  c1.client_says(R"({"type":"private","to":"alice-2","text":"sorry"})");
  const std::string priv =
      R"({"type":"private","from":"alice","to":"alice-2","text":"sorry","ts":1732320001000})";
  c1.server_says(priv);
  c2.server_says(priv);
  c1.client_says(R"({"type":"private","to":"nobody","text":"?"})");
  c1.server_says(
      R"({"type":"error","code":"no_such_user","message":"no user named \"nobody\" is connected","request":"private"})");
  c1.client_says(R"({"type":"say","room":"kitchen","text":"hello?","ref":5})");
  c1.server_says(
      R"({"type":"error","code":"not_member","message":"you are not in room \"kitchen\"","request":"say","ref":5})");

  // Mistakes the dissector flags (and the server answers with errors).
  c1.client_says(R"({"type":"shout"})");  // an unknown type
  c1.server_says(
      R"({"type":"error","code":"unknown_type","message":"unknown message type \"shout\"","request":"shout"})");
  c1.client_says(R"({not json)");  // bad JSON
  c1.server_says(R"({"type":"error","code":"bad_json","message":"not valid JSON: ..."})");
  c1.client_says(R"({"room":"lobby","text":"where is my type?"})");  // no type
  c1.server_says(R"({"type":"error","code":"bad_message","message":"missing \"type\""})");
  // Bad JSON that jsmn alone would accept.
  c1.client_says(R"({"type":"say","room":"lobby","text":"trailing comma",})");
  c1.server_says(R"({"type":"error","code":"bad_json","message":"not valid JSON: ..."})");
  c1.client_says(R"(["say","lobby"])");  // JSON, but not an object
  c1.server_says(R"({"type":"error","code":"bad_json","message":"not an object"})");
  c1.client_says(R"({"type":"say","room":"lobby"})");  // a required member missing
  c1.server_says(R"({"type":"error","code":"bad_message","message":"missing \"text\""})");
  // A member of the wrong JSON type.
  c1.client_says(R"({"type":"join","room":"lobby","since":"yesterday"})");
  c1.server_says(
      R"({"type":"error","code":"bad_message","message":"\"since\" must be an integer"})");
  c1.client_says(R"({"type":"welcome","name":"mallory"})");  // a server event from a client
  c1.server_says(
      R"({"type":"error","code":"unknown_type","message":"unknown message type \"welcome\""})");

  // Application ping (§4.7) and, in the same TCP segment as its pong, a WebSocket Ping (§5.5.2).
  c1.client_says(R"({"type":"ping","ref":9})");
  c1.send(Side::kServer, WsConnection::server_frame(Opcode::kText, R"({"type":"pong","ref":9})") +
                             WsConnection::server_frame(Opcode::kPing, "hb-1"));
  c1.send(Side::kClient, c1.client_frame(Opcode::kPong, "hb-1"));

  c2.client_says(R"({"type":"leave","room":"lobby","ref":"x"})");
  c2.server_says(R"({"type":"left","room":"lobby","ref":"x"})");
  c1.server_says(
      R"({"type":"presence","room":"lobby","name":"alice-2","action":"leave","reason":"left"})");
  c2.close_normally();

  // §10.3: carol reconnects and asks for what she missed. This connection's handshake is not in
  // the capture (capture started late): Wireshark needs --enable-heuristic websocket_tcp (or
  // Decode As) to see WebSocket, and then our "ws" heuristic recognises the rooms messages.
  WsConnection c3(out, clock, 50003, 8765, 3);
  c3.open_without_handshake();
  c3.client_says(R"({"type":"hello","name":"carol"})");
  c3.server_says(welcome("carol", ""));
  c3.client_says(R"({"type":"join","room":"lobby","since":1})");
  c3.server_says(
      R"({"type":"joined","room":"lobby","seq":2,"members":["alice","carol"],"history":1,"truncated":false,"reset":false})");
  c3.server_says(
      R"({"type":"message","room":"lobby","seq":2,"from":"alice","text":"no, you are alice-2","ts":1732320000456,"history":true})");
  c1.server_says(R"({"type":"presence","room":"lobby","name":"carol","action":"join"})");
  c3.close_normally();
  c1.close_normally();
  return out.ok();
}

// One frame per RFC 6455 rule broken, on an echo-like connection without a subprotocol.
void violations(WsConnection& c) {
  c.send(Side::kClient, c.client_frame(Opcode::kText, "hello"), "valid: masked client text");
  c.send(Side::kServer, WsConnection::server_frame(Opcode::kText, "hello"),
         "valid: unmasked server text");
  c.send(Side::kClient,
         FrameBuilder()
             .opcode(Opcode::kText)
             .rsv(true, false, false)
             .mask(c.next_mask())
             .payload("rsv1")
             .build(),
         "violation: RSV1 set, no extension negotiated (§5.2)");
  c.send(Side::kServer,
         FrameBuilder().opcode(Opcode::kText).rsv(false, true, true).payload("rsv23").build(),
         "violation: RSV2 and RSV3 set (§5.2)");
  c.send(Side::kClient, FrameBuilder().opcode(0x3).mask(c.next_mask()).payload("op3").build(),
         "violation: reserved data opcode 0x3 (§5.2)");
  c.send(Side::kServer, FrameBuilder().opcode(0xB).payload("opB").build(),
         "violation: reserved control opcode 0xB (§5.2)");
  c.send(
      Side::kClient,
      FrameBuilder().opcode(Opcode::kPing).fin(false).mask(c.next_mask()).payload("frag").build(),
      "violation: fragmented ping, FIN=0 (§5.5)");
  c.send(Side::kClient,
         FrameBuilder()
             .opcode(Opcode::kPing)
             .mask(c.next_mask())
             .payload(std::string(126, 'p'))
             .build(),
         "violation: 126-byte ping (§5.5)");
  c.send(Side::kServer,
         FrameBuilder().opcode(Opcode::kText).mask(c.next_mask()).payload("masked").build(),
         "violation: masked server frame (§5.1)");
  c.send(Side::kClient, FrameBuilder().opcode(Opcode::kText).unmasked().payload("unmasked").build(),
         "violation: unmasked client frame (§5.1)");
  c.send(Side::kClient,
         FrameBuilder()
             .opcode(Opcode::kText)
             .mask(c.next_mask())
             .length_form(LengthForm::k16)
             .payload("hi")
             .build(),
         "violation: length 2 in the 16-bit form (§5.2)");
  c.send(Side::kServer,
         FrameBuilder().opcode(Opcode::kText).length_form(LengthForm::k64).payload("hey").build(),
         "violation: length 3 in the 64-bit form (§5.2)");
  c.send(Side::kClient,
         FrameBuilder()
             .opcode(Opcode::kClose)
             .mask(c.next_mask())
             .payload(encode_close_payload(1005))
             .build(),
         "violation: close code 1005 on the wire (§7.4.1)");
  c.send(Side::kServer,
         FrameBuilder().opcode(Opcode::kClose).payload(std::string(1, '\x03')).build(),
         "violation: 1-byte close payload (§5.5.1)");
  c.send(Side::kServer,
         WsConnection::server_frame(Opcode::kClose, encode_close_payload(1002, "protocol error")),
         "valid: close 1002");
}

bool write_rfc6455_violations(const std::string& path) {
  PcapngFile out(path, "wslab dissector test generator");
  Clock clock{kStartUs, 1000};
  WsConnection with_handshake(out, clock, 50011, 9001, 11);
  with_handshake.open("c2FtcGxlIGtleSAjMTEhIQ==", "", "/echo");
  violations(with_handshake);
  WsConnection midstream(out, clock, 50012, 9002, 12);
  midstream.open_without_handshake();
  violations(midstream);
  return out.ok();
}

}  // namespace
}  // namespace wslab::dissector_test

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <output-directory>\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  using namespace wslab::dissector_test;
  const bool ok = write_rooms_session(dir + "/rooms-session.pcapng") &&
                  write_rfc6455_violations(dir + "/rfc6455-violations.pcapng");
  if (!ok) {
    std::fprintf(stderr, "cannot write the captures into %s\n", dir.c_str());
    return 1;
  }
  return 0;
}
