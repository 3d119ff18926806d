// Lab 1, steps 7-8: the Session's opening handshake, server and client
// (RFC 6455 §4.1, §4.2). The session is driven by hand: bytes in, events and
// bytes out, no sockets.
#include <string>

#include "bytes.hpp"
#include "lab_test.hpp"
#include "session_util.hpp"
#include "wslab/session.hpp"

namespace wslab {
namespace {

using labtest::describe;
using labtest::drain;
using labtest::escaped;
using labtest::find;
using labtest::take_output;
using labtest::upgrade_request;

WSLAB_LAB_SUITE(Lab1SessionServer);
WSLAB_LAB_SUITE(Lab1SessionClient);

SessionConfig server_config() {
  SessionConfig c;
  c.role = Role::kServer;
  return c;
}

// ---- step 7: server ---------------------------------------------------------

TEST_F(Lab1SessionServer, ValidRequestIsAnswered101AndOpens) {
  Session s(server_config());
  s.start(Millis{0});
  const std::string req = upgrade_request("/chat?x=1");
  s.on_bytes(req, Millis{1});
  const std::string out = take_output(s);
  const auto events = drain(s);
  EXPECT_EQ(out.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0), 0u)
      << "fed: " << escaped(req) << "\nexpected output: a 101\nactual output: " << escaped(out);
  EXPECT_NE(out.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), std::string::npos)
      << "actual output: " << escaped(out);
  const auto* open = find<event::Open>(events);
  ASSERT_NE(open, nullptr) << "expected events: Open\nactual: " << describe(events);
  EXPECT_EQ(open->path, "/chat?x=1") << "Open.path is the request-target as sent";
  EXPECT_EQ(s.state(), SessionState::kOpen);
  EXPECT_FALSE(s.should_close_transport());
}

// The request may arrive in any number of pieces (TCP is a byte stream).
TEST_F(Lab1SessionServer, RequestSplitIntoSingleBytesStillOpens) {
  Session s(server_config());
  s.start(Millis{0});
  const std::string req = upgrade_request("/");
  for (std::size_t i = 0; i < req.size(); ++i) {
    s.on_bytes(req.substr(i, 1), Millis{1});
    if (i + 1 < req.size()) {
      ASSERT_TRUE(s.pending_output().empty())
          << "fed the request one byte at a time; after byte " << i + 1 << " of " << req.size()
          << " the session already wrote " << escaped(s.pending_output())
          << "\nexpected: nothing until the blank line";
    }
  }
  const std::string out = take_output(s);
  EXPECT_EQ(out.rfind("HTTP/1.1 101 ", 0), 0u) << "actual output: " << escaped(out);
  EXPECT_EQ(s.state(), SessionState::kOpen) << "events: " << describe(drain(s));
}

TEST_F(Lab1SessionServer, BadRequestGets400AndCloses) {
  Session s(server_config());
  s.start(Millis{0});
  const std::string req =
      "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Version: 13\r\n\r\n";
  s.on_bytes(req, Millis{1});
  const std::string out = take_output(s);
  const auto events = drain(s);
  EXPECT_EQ(out.rfind("HTTP/1.1 400 ", 0), 0u)
      << "fed: " << escaped(req)
      << " (no Sec-WebSocket-Key)\nexpected: 400\nactual output: " << escaped(out);
  const auto* failed = find<event::HandshakeFailed>(events);
  ASSERT_NE(failed, nullptr) << "expected events: HandshakeFailed(400), Closed(1006)\nactual: "
                             << describe(events);
  EXPECT_EQ(failed->status, 400);
  const auto* closed = find<event::Closed>(events);
  ASSERT_NE(closed, nullptr) << "actual events: " << describe(events);
  EXPECT_EQ(closed->code, 1006);
  EXPECT_TRUE(s.should_close_transport()) << "a refused handshake closes TCP";
  EXPECT_EQ(s.state(), SessionState::kClosed);
}

// Garbage is refused at the first line, not after a blank line that never comes.
TEST_F(Lab1SessionServer, GarbageRequestLineGets400AtOnce) {
  Session s(server_config());
  s.start(Millis{0});
  s.on_bytes("HELLO WEBSOCKET\r\n", Millis{1});
  const std::string out = take_output(s);
  EXPECT_EQ(out.rfind("HTTP/1.1 400 ", 0), 0u)
      << "fed: \"HELLO WEBSOCKET\\r\\n\" (no blank line)\nexpected: 400 at once\nactual output: "
      << escaped(out);
  EXPECT_TRUE(s.should_close_transport());
}

TEST_F(Lab1SessionServer, OversizedHeadGets431) {
  SessionConfig c = server_config();
  c.server.max_head_bytes = 512;
  Session s(c);
  s.start(Millis{0});
  s.on_bytes("GET / HTTP/1.1\r\nX-Big: " + std::string(600, 'a'), Millis{1});
  const std::string out = take_output(s);
  EXPECT_EQ(out.rfind("HTTP/1.1 431 ", 0), 0u)
      << "fed: a 620-byte head without its end, max_head_bytes 512\nexpected: 431\nactual output: "
      << escaped(out);
}

// manual_accept (net's server always sets it): the application decides.
TEST_F(Lab1SessionServer, ManualAcceptWaitsThenAcceptsWithASubprotocol) {
  SessionConfig c = server_config();
  c.manual_accept = true;
  Session s(c);
  s.start(Millis{0});
  s.on_bytes(upgrade_request("/", {}, "Sec-WebSocket-Protocol: chat, superchat\r\n"), Millis{1});
  auto events = drain(s);
  const auto* up = find<event::Upgrade>(events);
  ASSERT_NE(up, nullptr)
      << "fed: a valid request, manual_accept on\nexpected events: Upgrade\nactual: "
      << describe(events);
  EXPECT_EQ(up->offered_subprotocols, (std::vector<std::string>{"chat", "superchat"}));
  EXPECT_TRUE(s.pending_output().empty())
      << "expected: nothing written before accept()\nactual: " << escaped(s.pending_output());
  const Status st = s.accept("superchat");
  ASSERT_TRUE(st.is_ok()) << "accept(\"superchat\") failed: " << st.message();
  const std::string out = take_output(s);
  EXPECT_NE(out.find("\r\nSec-WebSocket-Protocol: superchat\r\n"), std::string::npos)
      << "actual output: " << escaped(out);
  events = drain(s);
  const auto* open = find<event::Open>(events);
  ASSERT_NE(open, nullptr) << "expected events after accept(): Open\nactual: " << describe(events);
  EXPECT_EQ(open->subprotocol, "superchat");
  EXPECT_EQ(s.state(), SessionState::kOpen);
}

// §4.2.2: the server may only select a subprotocol the client offered.
TEST_F(Lab1SessionServer, AcceptRefusesASubprotocolTheClientDidNotOffer) {
  SessionConfig c = server_config();
  c.manual_accept = true;
  Session s(c);
  s.start(Millis{0});
  s.on_bytes(upgrade_request("/", {}, "Sec-WebSocket-Protocol: chat\r\n"), Millis{1});
  drain(s);
  EXPECT_FALSE(s.accept("superchat").is_ok())
      << "offered: chat; accept(\"superchat\")\nexpected: a failed Status";
  EXPECT_TRUE(s.pending_output().empty()) << "nothing may be written";
}

TEST_F(Lab1SessionServer, RejectWritesTheStatusAndCloses) {
  SessionConfig c = server_config();
  c.manual_accept = true;
  Session s(c);
  s.start(Millis{0});
  s.on_bytes(upgrade_request("/"), Millis{1});
  drain(s);
  const Status st = s.reject(401, "token required");
  ASSERT_TRUE(st.is_ok()) << "reject(401) failed: " << st.message();
  const std::string out = take_output(s);
  EXPECT_EQ(out.rfind("HTTP/1.1 401 ", 0), 0u) << "actual output: " << escaped(out);
  EXPECT_NE(out.find("token required"), std::string::npos) << "the body is sent";
  EXPECT_TRUE(s.should_close_transport());
  const auto events = drain(s);
  EXPECT_NE(find<event::Closed>(events), nullptr) << "actual events: " << describe(events);
}

TEST_F(Lab1SessionServer, DecisionsWithNothingWaitingFail) {
  Session s(server_config());
  s.start(Millis{0});
  EXPECT_FALSE(s.accept().is_ok()) << "accept() before any request: expected a failed Status";
  EXPECT_FALSE(s.reject(400).is_ok()) << "reject() before any request: expected a failed Status";
  EXPECT_FALSE(s.respond_http(200, "text/plain", "x").is_ok())
      << "respond_http() before any request: expected a failed Status";
}

TEST_F(Lab1SessionServer, PlainGetIsHandedToTheApplicationWhenServed) {
  SessionConfig c = server_config();
  c.serve_plain_http = true;
  Session s(c);
  s.start(Millis{0});
  s.on_bytes("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n", Millis{1});
  const auto events = drain(s);
  const auto* plain = find<event::PlainHttp>(events);
  ASSERT_NE(plain, nullptr) << "fed: a GET without Upgrade, serve_plain_http on\n"
                               "expected events: PlainHttp\nactual: "
                            << describe(events);
  EXPECT_EQ(plain->request.target, "/index.html");
  ASSERT_TRUE(s.respond_http(200, "text/html", "<p>hi</p>").is_ok());
  const std::string out = take_output(s);
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << "actual output: " << escaped(out);
  EXPECT_TRUE(s.should_close_transport());
}

TEST_F(Lab1SessionServer, PlainGetGets426WhenNotServed) {
  Session s(server_config());
  s.start(Millis{0});
  s.on_bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n", Millis{1});
  const std::string out = take_output(s);
  EXPECT_EQ(out.rfind("HTTP/1.1 426 ", 0), 0u)
      << "fed: a GET without Upgrade, serve_plain_http off\nexpected: 426\nactual output: "
      << escaped(out);
}

// ---- step 8: client -----------------------------------------------------------

SessionConfig client_config() {
  SessionConfig c;
  c.role = Role::kClient;
  c.client.host = "127.0.0.1:9001";
  c.client.path = "/chat";
  c.client.key = std::string(labtest::kSampleKey);
  return c;
}

const std::string kGood101 =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

TEST_F(Lab1SessionClient, StartQueuesTheOpeningRequest) {
  Session s(client_config());
  s.start(Millis{0});
  const std::string out = take_output(s);
  EXPECT_EQ(out.rfind("GET /chat HTTP/1.1\r\n", 0), 0u)
      << "did: start() as a client\nexpected: the request\nactual output: " << escaped(out);
  EXPECT_NE(out.find("\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"), std::string::npos)
      << "actual output: " << escaped(out);
  EXPECT_EQ(s.state(), SessionState::kConnecting);
}

TEST_F(Lab1SessionClient, Valid101Opens) {
  Session s(client_config());
  s.start(Millis{0});
  take_output(s);
  s.on_bytes(kGood101, Millis{1});
  const auto events = drain(s);
  EXPECT_NE(find<event::Open>(events), nullptr)
      << "fed: " << escaped(kGood101) << "\nexpected events: Open\nactual: " << describe(events);
  EXPECT_EQ(s.state(), SessionState::kOpen);
}

TEST_F(Lab1SessionClient, WrongAcceptFailsTheHandshake) {
  Session s(client_config());
  s.start(Millis{0});
  take_output(s);
  const std::string bad =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n";
  s.on_bytes(bad, Millis{1});
  const auto events = drain(s);
  EXPECT_NE(find<event::HandshakeFailed>(events), nullptr)
      << "fed: " << escaped(bad)
      << "\nexpected events: HandshakeFailed, Closed(1006)\nactual: " << describe(events);
  EXPECT_NE(find<event::Closed>(events), nullptr) << "actual: " << describe(events);
  EXPECT_TRUE(s.should_close_transport()) << "§4.1: the client fails the connection";
}

TEST_F(Lab1SessionClient, ErrorStatusIsReported) {
  Session s(client_config());
  s.start(Millis{0});
  take_output(s);
  s.on_bytes("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", Millis{1});
  const auto events = drain(s);
  const auto* failed = find<event::HandshakeFailed>(events);
  ASSERT_NE(failed, nullptr) << "fed: a 403\nactual events: " << describe(events);
  EXPECT_EQ(failed->status, 403);
}

}  // namespace
}  // namespace wslab
