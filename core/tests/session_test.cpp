// The connection lifecycle (RFC 6455 §4, §5, §7) as a sans-I/O state machine, both roles.
#include "wslab/session.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace wslab {
namespace {

using test::client_frame;
using test::drain_events;
using test::events_of;
using test::feed;
using test::for_each_delivery;
using test::frames_written;
using test::server_frame;
using test::take_output;

std::string close_body(std::uint16_t code, std::string_view reason = {}) {
  return encode_close_payload(code, reason);
}

// The close code of the single Close frame in `wire` (written by `writer`).
std::optional<std::uint16_t> close_code_in(std::string_view wire, Role writer) {
  const auto d = frames_written(wire, writer);
  for (const auto& f : d.frames) {
    if (f.header.opcode == 0x8) {
      if (f.payload.size() < 2) return 0;  // empty body
      return static_cast<std::uint16_t>((static_cast<unsigned char>(f.payload[0]) << 8) |
                                        static_cast<unsigned char>(f.payload[1]));
    }
  }
  return std::nullopt;
}

// ------------------------------------------------------------------ handshake

// §4.2.2: frames may follow the request in the same segment; they are processed.
TEST(CoreSession, FramesInTheSameSegmentAsTheRequestAreProcessed) {
  for_each_delivery(test::kUpgradeRequest + client_frame(Opcode::kText, "Hello"),
                    [](const auto& chunks) {
                      Session s(SessionConfig{});
                      s.start(Millis(0));
                      feed(s, chunks);
                      const auto events = drain_events(s);
                      ASSERT_EQ(events.size(), 2u);
                      const auto& open = std::get<event::Open>(events[0]);
                      EXPECT_EQ(open.path, "/chat");
                      EXPECT_EQ(open.request.headers.get("Host"), "server.example.com");
                      EXPECT_EQ(std::get<event::Text>(events[1]).data, "Hello");
                      EXPECT_EQ(s.state(), SessionState::kOpen);
                    });
}

// §4.2.1 via the session: each refusal is sent with its status, then TCP is closed.
TEST(CoreSession, RefusedHandshakeSendsTheStatusAndCloses) {
  struct Case {
    std::string request;
    int status;
  };
  const std::vector<Case> cases = {
      {"POST /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
       405},
      {"GET / HTTP/1.1\r\nHost: a\r\n\r\n", 426},
      {"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n",
       426},
      {"GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
       400},
      {"GARBAGE\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(9000, 'x') + "\r\n\r\n", 431},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.status);
    for_each_delivery(c.request, [&](const auto& chunks) {
      Session s(SessionConfig{});
      s.start(Millis(0));
      feed(s, chunks);
      const auto out = take_output(s);
      EXPECT_EQ(out.rfind("HTTP/1.1 " + std::to_string(c.status) + " ", 0), 0u)
          << out.substr(0, 80);
      EXPECT_TRUE(s.should_close_transport());
      EXPECT_EQ(s.state(), SessionState::kClosed);
      const auto events = drain_events(s);
      ASSERT_EQ(events.size(), 2u);
      EXPECT_EQ(std::get<event::HandshakeFailed>(events[0]).status, c.status);
      EXPECT_FALSE(std::get<event::Closed>(events[1]).clean);
    });
  }
}

// manual_accept: the application sees the request and picks a subprotocol the client offered.
TEST(CoreSession, ManualAcceptWaitsForTheApplication) {
  SessionConfig cfg;
  cfg.manual_accept = true;
  Session s(cfg);
  s.start(Millis(0));
  s.on_bytes(test::kUpgradeRequest + client_frame(Opcode::kText, "early"), Millis(1));
  EXPECT_TRUE(s.pending_output().empty());
  auto events = drain_events(s);
  ASSERT_EQ(events.size(), 1u);
  const auto& up = std::get<event::Upgrade>(events[0]);
  EXPECT_EQ(up.offered_subprotocols, (std::vector<std::string>{"chat", "superchat"}));
  EXPECT_FALSE(s.accept("soap").is_ok());  // §4.2.2: only one the client offered
  ASSERT_TRUE(s.accept("superchat", {{"X-Room", "7"}}).is_ok());
  const auto out = take_output(s);
  EXPECT_EQ(out.rfind("HTTP/1.1 101 ", 0), 0u);
  EXPECT_NE(out.find("Sec-WebSocket-Protocol: superchat\r\n"), std::string::npos);
  EXPECT_NE(out.find("X-Room: 7\r\n"), std::string::npos);
  EXPECT_NE(out.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), std::string::npos);
  events = drain_events(s);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(std::get<event::Open>(events[0]).subprotocol, "superchat");
  EXPECT_EQ(std::get<event::Text>(events[1]).data, "early");  // frames that waited are processed
  EXPECT_FALSE(s.accept().is_ok());                           // only once
}

TEST(CoreSession, ManualRejectSendsTheApplicationsStatus) {
  SessionConfig cfg;
  cfg.manual_accept = true;
  Session s(cfg);
  s.start(Millis(0));
  s.on_bytes(test::kUpgradeRequest, Millis(1));
  drain_events(s);
  EXPECT_FALSE(s.reject(101).is_ok());
  ASSERT_TRUE(s.reject(401, "bad token", {{"WWW-Authenticate", "Bearer"}}).is_ok());
  const auto out = take_output(s);
  EXPECT_EQ(out.rfind("HTTP/1.1 401 Unauthorized\r\n", 0), 0u);
  EXPECT_NE(out.find("WWW-Authenticate: Bearer\r\n"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 9), "bad token");
  EXPECT_TRUE(s.should_close_transport());
  EXPECT_TRUE(std::holds_alternative<event::Closed>(drain_events(s).back()));
}

// serve_plain_http: a GET without Upgrade goes to the application.
TEST(CoreSession, PlainHttpRequestIsHandedToTheApplication) {
  SessionConfig cfg;
  cfg.serve_plain_http = true;
  Session s(cfg);
  s.start(Millis(0));
  s.on_bytes("GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n", Millis(1));
  auto events = drain_events(s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<event::PlainHttp>(events[0]).request.target, "/index.html");
  ASSERT_TRUE(s.respond_http(200, "text/html", "<p>hi</p>").is_ok());
  const auto out = take_output(s);
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(out.find("Content-Type: text/html\r\n"), std::string::npos);
  EXPECT_NE(out.find("Content-Length: 9\r\n"), std::string::npos);
  EXPECT_TRUE(s.should_close_transport());
  EXPECT_FALSE(s.respond_http(200, "text/plain", "again").is_ok());
}

// No complete request within handshake_timeout: give up.
TEST(CoreSession, HandshakeTimesOut) {
  SessionConfig cfg;
  cfg.handshake_timeout = Millis(100);
  Session s(cfg);
  s.start(Millis(0));
  s.on_bytes("GET / HTTP/1.1\r\n", Millis(10));
  EXPECT_EQ(s.next_deadline(), Millis(100));
  s.on_tick(Millis(99));
  EXPECT_FALSE(s.should_close_transport());
  s.on_tick(Millis(100));
  EXPECT_TRUE(s.should_close_transport());
}

// §4.1: the client fails the connection when the 101 is wrong; nothing is sent back.
TEST(CoreSession, ClientFailsOnABadHandshakeResponse) {
  for (const std::string& response :
       {test::accept_response_for("AAAAAAAAAAAAAAAAAAAAAA=="),
        std::string("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"),
        test::accept_response_for("dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Protocol: soap\r\n"),
        std::string("SSH-2.0-OpenSSH_9.2\r\n")}) {
    for_each_delivery(response, [](const auto& chunks) {
      SessionConfig cfg;
      cfg.role = Role::kClient;
      cfg.client.host = "h";
      cfg.client.key = "dGhlIHNhbXBsZSBub25jZQ==";
      Session s(cfg);
      s.start(Millis(0));
      take_output(s);
      feed(s, chunks);
      EXPECT_TRUE(s.pending_output().empty());
      EXPECT_TRUE(s.should_close_transport());
      const auto events = drain_events(s);
      ASSERT_EQ(events.size(), 2u);
      EXPECT_FALSE(std::get<event::HandshakeFailed>(events[0]).reason.empty());
      EXPECT_TRUE(std::holds_alternative<event::Closed>(events[1]));
    });
  }
}

// §4.1: the server may send frames right behind its 101; the client reads them.
TEST(CoreSession, ClientReadsFramesThatFollowThe101) {
  for_each_delivery(test::accept_response_for("dGhlIHNhbXBsZSBub25jZQ==") +
                        server_frame(Opcode::kText, "welcome"),
                    [](const auto& chunks) {
                      SessionConfig cfg;
                      cfg.role = Role::kClient;
                      cfg.client.host = "h";
                      cfg.client.key = "dGhlIHNhbXBsZSBub25jZQ==";
                      Session s(cfg);
                      s.start(Millis(0));
                      const auto request = take_output(s);
                      EXPECT_EQ(request.rfind("GET / HTTP/1.1\r\n", 0), 0u);
                      feed(s, chunks);
                      const auto events = drain_events(s);
                      ASSERT_EQ(events.size(), 2u);
                      EXPECT_TRUE(std::holds_alternative<event::Open>(events[0]));
                      EXPECT_EQ(std::get<event::Text>(events[1]).data, "welcome");
                    });
}

// §5.1: a client fails the connection (1002) on a masked frame from the server.
TEST(CoreSession, ClientFailsOnAMaskedServerFrame) {
  Session s = test::open_client();
  s.on_bytes(client_frame(Opcode::kText, "masked"), Millis(5));
  EXPECT_EQ(close_code_in(take_output(s), Role::kClient), 1002);
  EXPECT_TRUE(s.should_close_transport());
}

// ------------------------------------------------------------------ data

// §5.6 + §5.4: text and binary, whole and fragmented, in order, under every delivery.
TEST(CoreSession, MessagesArriveInOrderUnderEveryDelivery) {
  const std::string wire =
      client_frame(Opcode::kText, "one") + client_frame(Opcode::kBinary, std::string(300, '\x02')) +
      client_frame(Opcode::kText, "tw", false) + client_frame(Opcode::kContinuation, "o", true) +
      client_frame(Opcode::kText, "") + client_frame(Opcode::kBinary, std::string(70000, 'b'));
  for_each_delivery(wire, [](const auto& chunks) {
    Session s = test::open_server();
    feed(s, chunks);
    const auto events = drain_events(s);
    ASSERT_EQ(events.size(), 5u);
    EXPECT_EQ(std::get<event::Text>(events[0]).data, "one");
    EXPECT_EQ(std::get<event::Binary>(events[1]).data, std::string(300, '\x02'));
    EXPECT_EQ(std::get<event::Text>(events[2]).data, "two");
    EXPECT_EQ(std::get<event::Text>(events[3]).data, "");
    EXPECT_EQ(std::get<event::Binary>(events[4]).data.size(), 70000u);
    EXPECT_TRUE(s.pending_output().empty());
  });
}

// §5.5.2: a Ping is answered with a Pong carrying the same payload.
TEST(CoreSession, PingIsAnsweredWithPongOfTheSamePayload) {
  for (const std::string& payload :
       {std::string(), std::string("Hello"), std::string(125, '\xfe')}) {
    for_each_delivery(client_frame(Opcode::kPing, payload), [&](const auto& chunks) {
      Session s = test::open_server();
      feed(s, chunks);
      EXPECT_EQ(take_output(s), server_frame(Opcode::kPong, payload));
      const auto events = drain_events(s);
      ASSERT_EQ(events.size(), 1u);
      EXPECT_EQ(std::get<event::Ping>(events[0]).payload, payload);
    });
  }
}

// §5.5.3: an unsolicited Pong needs no answer.
TEST(CoreSession, UnsolicitedPongIsNotAnswered) {
  Session s = test::open_server();
  s.on_bytes(client_frame(Opcode::kPong, "x"), Millis(5));
  EXPECT_TRUE(s.pending_output().empty());
  EXPECT_EQ(std::get<event::Pong>(drain_events(s).at(0)).payload, "x");
}

// §5.4 + §5.5: control frames may sit between fragments; the Pong goes out at once.
TEST(CoreSession, ControlFramesBetweenFragmentsAreHandledAtOnce) {
  for_each_delivery(
      client_frame(Opcode::kText, "frag", false) + client_frame(Opcode::kPing, "p1") +
          client_frame(Opcode::kContinuation, "men", false) + client_frame(Opcode::kPing, "p2") +
          client_frame(Opcode::kContinuation, "ted", true),
      [](const auto& chunks) {
        Session s = test::open_server();
        feed(s, chunks);
        EXPECT_EQ(take_output(s),
                  server_frame(Opcode::kPong, "p1") + server_frame(Opcode::kPong, "p2"));
        const auto events = drain_events(s);
        ASSERT_EQ(events.size(), 3u);
        EXPECT_EQ(std::get<event::Ping>(events[0]).payload, "p1");
        EXPECT_EQ(std::get<event::Ping>(events[1]).payload, "p2");
        EXPECT_EQ(std::get<event::Text>(events[2]).data, "fragmented");
      });
  // The Pong is queued before the rest of the message has even arrived.
  Session s = test::open_server();
  s.on_bytes(client_frame(Opcode::kText, "a", false) + client_frame(Opcode::kPing, "now"),
             Millis(5));
  EXPECT_EQ(take_output(s), server_frame(Opcode::kPong, "now"));
}

// §5.1: the server never masks; the client masks every frame with a fresh key.
TEST(CoreSession, OnlyTheClientMasksAndWithFreshKeys) {
  Session server = test::open_server();
  ASSERT_TRUE(server.send_text("hi").is_ok());
  EXPECT_EQ(take_output(server), server_frame(Opcode::kText, "hi"));
  Session client = test::open_client();
  ASSERT_TRUE(client.send_text("hi").is_ok());
  ASSERT_TRUE(client.send_binary("hi").is_ok());
  const auto d = frames_written(take_output(client), Role::kClient);
  ASSERT_EQ(d.error, FrameError::kNone);
  ASSERT_EQ(d.frames.size(), 2u);
  EXPECT_TRUE(d.frames[0].header.masked);
  EXPECT_EQ(d.frames[0].payload, "hi");
  EXPECT_NE(d.frames[0].header.mask, d.frames[1].header.mask);
}

// §5.4: the application sends a message in fragments; opcodes must follow the rule.
TEST(CoreSession, ApplicationFragmentsFollowTheContinuationRule) {
  Session s = test::open_server();
  EXPECT_FALSE(s.send_fragment(Opcode::kContinuation, "x", false).is_ok());
  ASSERT_TRUE(s.send_fragment(Opcode::kText, "Hel", false).is_ok());
  EXPECT_FALSE(s.send_text("interleaved").is_ok());
  EXPECT_FALSE(s.send_fragment(Opcode::kText, "again", false).is_ok());
  ASSERT_TRUE(s.ping("between").is_ok());  // control frames may interleave
  ASSERT_TRUE(s.send_fragment(Opcode::kContinuation, "lo", true).is_ok());
  EXPECT_EQ(take_output(s), test::bytes({0x01, 0x03, 'H', 'e', 'l'}) +
                                server_frame(Opcode::kPing, "between") +
                                test::bytes({0x80, 0x02, 'l', 'o'}));
  EXPECT_FALSE(s.send_text("\xff").is_ok());  // §5.6: text must be UTF-8
  EXPECT_FALSE(s.ping(std::string(126, 'p')).is_ok());
}

// ------------------------------------------------------------------ failures

// §7.1.7 + §7.4.1: protocol errors fail the connection with 1002, then TCP closes.
TEST(CoreSession, ProtocolErrorsFailWith1002) {
  const std::vector<std::string> bad = {
      FrameBuilder().opcode(std::uint8_t{3}).mask(test::kRfcMask).build(),
      FrameBuilder()
          .opcode(Opcode::kText)
          .rsv(true, false, false)
          .mask(test::kRfcMask)
          .payload("x")
          .build(),
      FrameBuilder().opcode(Opcode::kPing).fin(false).mask(test::kRfcMask).build(),
      FrameBuilder()
          .opcode(Opcode::kPing)
          .mask(test::kRfcMask)
          .payload(std::string(126, 'p'))
          .build(),
      encode_frame(Opcode::kText, "unmasked"),
      client_frame(Opcode::kContinuation, "stray"),
      client_frame(Opcode::kText, "a", false) + client_frame(Opcode::kText, "b"),
      client_frame(Opcode::kClose, "\x03"),
      client_frame(Opcode::kClose, close_body(1005)),
      client_frame(Opcode::kClose, close_body(999)),
  };
  for (const auto& wire : bad) {
    SCOPED_TRACE(testing::PrintToString(wire.substr(0, 8)));
    for_each_delivery(wire, [](const auto& chunks) {
      Session s = test::open_server();
      feed(s, chunks);
      EXPECT_EQ(close_code_in(take_output(s), Role::kServer), 1002);
      EXPECT_TRUE(s.should_close_transport());
      const auto events = drain_events(s);
      ASSERT_GE(events.size(), 2u);
      EXPECT_EQ(std::get<event::ProtocolError>(events[events.size() - 2]).close_code, 1002);
      EXPECT_FALSE(std::get<event::Closed>(events.back()).clean);
    });
  }
}

// §8.1: invalid UTF-8 fails with 1007 on the fragment carrying it (Autobahn 6.4 fail-fast).
TEST(CoreSession, InvalidUtf8FailsWith1007WithoutWaitingForTheEnd) {
  for_each_delivery(client_frame(Opcode::kText, "\xce\xba\xe1\xbd\xb9", false) +
                        client_frame(Opcode::kContinuation, "\xf4\x90\x80\x80", false),
                    [](const auto& chunks) {
                      Session s = test::open_server();
                      feed(s, chunks);
                      EXPECT_EQ(close_code_in(take_output(s), Role::kServer), 1007);
                      EXPECT_TRUE(s.should_close_transport());
                    });
  // Inside one frame: fail before the frame's payload is complete.
  Session s = test::open_server();
  const auto frame =
      client_frame(Opcode::kText, std::string("ok\xed\xa0\x80") + std::string(100, 'x'));
  s.on_bytes(frame.substr(0, 12), Millis(5));
  EXPECT_EQ(close_code_in(take_output(s), Role::kServer), 1007);
  // A Close with a bad UTF-8 reason, too.
  Session c = test::open_server();
  c.on_bytes(client_frame(Opcode::kClose, close_body(1000, "\xc0\xaf")), Millis(5));
  EXPECT_EQ(close_code_in(take_output(c), Role::kServer), 1007);
}

// §10.4 + §7.4.1: frames and messages over our limits fail with 1009.
TEST(CoreSession, TooBigFailsWith1009) {
  SessionConfig cfg;
  cfg.max_frame_bytes = 1000;
  cfg.max_message_bytes = 1500;
  for (const auto& wire : {client_frame(Opcode::kBinary, std::string(1001, 'x')),
                           client_frame(Opcode::kBinary, std::string(800, 'x'), false) +
                               client_frame(Opcode::kContinuation, std::string(800, 'x'))}) {
    for_each_delivery(wire, [&](const auto& chunks) {
      Session s = test::open_server(cfg);
      feed(s, chunks);
      EXPECT_EQ(close_code_in(take_output(s), Role::kServer), 1009);
      EXPECT_TRUE(s.should_close_transport());
    });
  }
}

// After failing, nothing more is read or sent.
TEST(CoreSession, NothingIsProcessedAfterFailing) {
  Session s = test::open_server();
  s.on_bytes(encode_frame(Opcode::kText, "unmasked") + client_frame(Opcode::kPing, "x"), Millis(5));
  take_output(s);
  s.on_bytes(client_frame(Opcode::kPing, "y"), Millis(6));
  EXPECT_TRUE(s.pending_output().empty());
  EXPECT_FALSE(s.send_text("late").is_ok());
}

// ------------------------------------------------------------------ closing

// §5.5.1: the Close is answered with a Close echoing the code; §7.1.1: the server then closes TCP.
TEST(CoreSession, PeerCloseIsEchoedWithTheSameCodeThenServerClosesTcp) {
  for (std::uint16_t code :
       std::initializer_list<std::uint16_t>{1000, 1001, 1003, 1007, 1011, 1012, 3000, 4999}) {
    for_each_delivery(client_frame(Opcode::kClose, close_body(code, "bye")),
                      [&](const auto& chunks) {
                        Session s = test::open_server();
                        feed(s, chunks);
                        EXPECT_EQ(take_output(s), server_frame(Opcode::kClose, close_body(code)));
                        EXPECT_TRUE(s.should_close_transport());
                        EXPECT_EQ(s.state(), SessionState::kClosed);
                        const auto events = drain_events(s);
                        ASSERT_EQ(events.size(), 2u);
                        EXPECT_EQ(std::get<event::CloseReceived>(events[0]).code, code);
                        EXPECT_EQ(std::get<event::CloseReceived>(events[0]).reason, "bye");
                        const auto& closed = std::get<event::Closed>(events[1]);
                        EXPECT_EQ(closed.code, code);
                        EXPECT_TRUE(closed.clean);
                      });
  }
}

// §5.5.1: a Close without a body is answered by one without a body; locally it is 1005.
TEST(CoreSession, EmptyCloseIsEchoedEmpty) {
  Session s = test::open_server();
  s.on_bytes(client_frame(Opcode::kClose, ""), Millis(5));
  EXPECT_EQ(take_output(s), server_frame(Opcode::kClose, ""));
  const auto events = drain_events(s);
  EXPECT_FALSE(std::get<event::CloseReceived>(events[0]).code.has_value());
  EXPECT_EQ(std::get<event::Closed>(events[1]).code, 1005);
}

// §5.5.1: after sending a Close, no more data frames (nor pongs) are sent; incoming
// data is still received (see CoreSessionOrdering.DataAfterOurCloseIsStillReceived),
// and the peer's Close completes the closing handshake.
TEST(CoreSession, NothingIsSentAfterOurClose) {
  Session s = test::open_server();
  ASSERT_TRUE(s.close(4000, "done").is_ok());
  EXPECT_EQ(take_output(s), server_frame(Opcode::kClose, close_body(4000, "done")));
  EXPECT_EQ(s.state(), SessionState::kClosing);
  EXPECT_FALSE(s.send_text("x").is_ok());
  EXPECT_FALSE(s.ping().is_ok());
  EXPECT_FALSE(s.close().is_ok());
  s.on_bytes(client_frame(Opcode::kText, "late") + client_frame(Opcode::kPing, "p"), Millis(5));
  EXPECT_TRUE(s.pending_output().empty());
  EXPECT_EQ(events_of<event::Text>(drain_events(s)).size(), 1u);
  EXPECT_FALSE(s.should_close_transport());
  s.on_bytes(client_frame(Opcode::kClose, close_body(4000)), Millis(6));
  EXPECT_TRUE(s.pending_output().empty());  // our Close was already sent
  EXPECT_TRUE(s.should_close_transport());  // §7.1.1: the server closes TCP
  const auto events = drain_events(s);
  EXPECT_TRUE(std::get<event::Closed>(events.back()).clean);
}

// Autobahn 7.1.5: fragment, Close, fragment -> a clean close; the rest is ignored.
TEST(CoreSession, CloseInsideAFragmentedMessageClosesCleanly) {
  Session s = test::open_server();
  s.on_bytes(client_frame(Opcode::kText, "frag", false) +
                 client_frame(Opcode::kClose, close_body(1000)) +
                 client_frame(Opcode::kContinuation, "ment"),
             Millis(5));
  EXPECT_EQ(close_code_in(take_output(s), Role::kServer), 1000);
  EXPECT_TRUE(std::get<event::Closed>(drain_events(s).back()).clean);
}

// §7.1.1: the client waits for the server to close TCP after the Close exchange.
TEST(CoreSession, ClientWaitsForTheServerToCloseTcp) {
  SessionConfig cfg;
  cfg.close_timeout = Millis(300);
  Session s = test::open_client(cfg);
  s.on_bytes(server_frame(Opcode::kClose, close_body(1001)), Millis(100));
  const auto d = frames_written(take_output(s), Role::kClient);
  ASSERT_EQ(d.frames.size(), 1u);
  EXPECT_EQ(d.frames[0].payload, close_body(1001));
  EXPECT_FALSE(s.should_close_transport());
  EXPECT_EQ(s.state(), SessionState::kClosing);
  s.on_eof(Millis(120));
  EXPECT_EQ(s.state(), SessionState::kClosed);
  const auto events = drain_events(s);
  const auto& closed = std::get<event::Closed>(events.back());
  EXPECT_EQ(closed.code, 1001);
  EXPECT_TRUE(closed.clean);
}

// §7.1.1: ... but not forever: after close_timeout the client closes TCP itself.
TEST(CoreSession, ClientClosesTcpItselfAfterCloseTimeout) {
  SessionConfig cfg;
  cfg.close_timeout = Millis(300);
  Session s = test::open_client(cfg);
  s.on_bytes(server_frame(Opcode::kClose, close_body(1000)), Millis(100));
  EXPECT_EQ(s.next_deadline(), Millis(400));
  s.on_tick(Millis(399));
  EXPECT_FALSE(s.should_close_transport());
  s.on_tick(Millis(400));
  EXPECT_TRUE(s.should_close_transport());
  EXPECT_EQ(std::get<event::Closed>(drain_events(s).back()).code, 1000);
}

// We start the close and the peer never answers: give up after close_timeout (1006).
TEST(CoreSession, UnansweredCloseTimesOut) {
  SessionConfig cfg;
  cfg.close_timeout = Millis(200);
  Session s = test::open_server(cfg);
  s.on_tick(Millis(50));
  ASSERT_TRUE(s.close().is_ok());
  s.on_tick(Millis(249));
  EXPECT_FALSE(s.should_close_transport());
  s.on_tick(Millis(250));
  EXPECT_TRUE(s.should_close_transport());
  const auto all_events = drain_events(s);
  const auto& closed = std::get<event::Closed>(all_events.back());
  EXPECT_EQ(closed.code, 1006);
  EXPECT_FALSE(closed.clean);
}

// Client-initiated close: the server's echo, then the server's FIN.
TEST(CoreSession, ClientInitiatedCloseCompletesOnServerEof) {
  Session s = test::open_client();
  ASSERT_TRUE(s.close(1000).is_ok());
  take_output(s);
  s.on_bytes(server_frame(Opcode::kClose, close_body(1000)), Millis(10));
  EXPECT_TRUE(s.pending_output().empty());
  EXPECT_FALSE(s.should_close_transport());
  s.on_eof(Millis(11));
  EXPECT_TRUE(std::get<event::Closed>(drain_events(s).back()).clean);
}

// §7.1.5: TCP closed without a Close frame is an abnormal closure (1006).
TEST(CoreSession, EofWithoutCloseIsAbnormal) {
  Session s = test::open_server();
  s.on_eof(Millis(5));
  const auto all_events = drain_events(s);
  const auto& closed = std::get<event::Closed>(all_events.back());
  EXPECT_EQ(closed.code, 1006);
  EXPECT_FALSE(closed.clean);
  EXPECT_TRUE(s.should_close_transport());
}

// ------------------------------------------------------------------ heartbeat

// Heartbeat through on_tick: ping after silence, pong keeps it alive, silence kills it.
TEST(CoreSession, HeartbeatPingsOnTickAndTimesOutWithoutPong) {
  SessionConfig cfg;
  cfg.heartbeat = HeartbeatConfig{Millis(1000), Millis(500)};
  Session s = test::open_server(cfg);  // opened at t=1
  EXPECT_EQ(s.next_deadline(), Millis(1001));
  s.on_tick(Millis(1000));
  EXPECT_TRUE(s.pending_output().empty());
  s.on_tick(Millis(1001));
  const auto d = frames_written(take_output(s), Role::kServer);
  ASSERT_EQ(d.frames.size(), 1u);
  EXPECT_EQ(d.frames[0].header.opcode, 0x9);
  s.on_bytes(client_frame(Opcode::kPong, d.frames[0].payload), Millis(1101));
  EXPECT_EQ(s.heartbeat().last_rtt(), Millis(100));
  s.on_tick(Millis(2101));
  EXPECT_EQ(frames_written(take_output(s), Role::kServer).frames.size(), 1u);  // the next ping
  s.on_tick(Millis(2600));
  EXPECT_FALSE(s.should_close_transport());
  s.on_tick(Millis(2601));
  EXPECT_TRUE(s.should_close_transport());
  EXPECT_EQ(std::get<event::Closed>(drain_events(s).back()).code, 1006);
}

// ------------------------------------------------------------------ memory

// The benchmark budget: ≤ 1 KiB of our own state per idle connection, even after
// a small echo and after a large message (big buffers are released).
TEST(CoreSession, IdleSessionStaysUnderOneKiB) {
  Session s = test::open_server();
  EXPECT_LE(s.memory_footprint(), 1024u) << "sizeof(Session) = " << sizeof(Session);
  s.on_bytes(client_frame(Opcode::kText, "hello there"), Millis(5));
  for (auto& e : drain_events(s)) ASSERT_TRUE(s.send_text(std::get<event::Text>(e).data).is_ok());
  take_output(s);
  EXPECT_LE(s.memory_footprint(), 1024u);
  s.on_bytes(client_frame(Opcode::kBinary, std::string(1 << 20, 'x')), Millis(6));
  for (auto& e : drain_events(s))
    ASSERT_TRUE(s.send_binary(std::get<event::Binary>(e).data).is_ok());
  take_output(s);
  EXPECT_LE(s.memory_footprint(), 1024u);
}

}  // namespace
}  // namespace wslab
