// Ordering between the application's answers and the session's own frames
// (RFC 6455 §5.5.1, §7.1.7): a message that arrived before a frame that fails
// the connection (or before the peer's Close) can still be answered first,
// whatever way the bytes were split into reads. Also: data arriving after our
// Close is still received (§5.5.1), and garbage that cannot start an HTTP
// request is refused at once (RFC 9112 §3, RFC 9110 §5.6.2).
#include <gtest/gtest.h>

#include "test_util.hpp"
#include "wslab/session.hpp"

namespace wslab {
namespace {

using test::client_frame;
using test::drain_events;
using test::events_of;
using test::for_each_delivery;
using test::frames_written;
using test::take_output;

// What an echo application does with a session: after every read, poll until
// nothing is left and answer each data message at once.
std::string run_echo(Session& s, const std::vector<std::string>& chunks) {
  std::string wire;
  for (const auto& chunk : chunks) {
    s.on_bytes(chunk, Millis(10));
    while (auto e = s.poll_event()) {
      if (const auto* t = std::get_if<event::Text>(&*e)) {
        [[maybe_unused]] Status st = s.send_text(t->data);
      } else if (const auto* b = std::get_if<event::Binary>(&*e)) {
        [[maybe_unused]] Status st = s.send_binary(b->data);
      }
    }
    wire += take_output(s);
  }
  return wire;
}

struct Written {
  std::uint8_t opcode;
  std::string payload;
};

std::vector<Written> written_frames(std::string_view wire) {
  std::vector<Written> out;
  for (const auto& f : frames_written(wire, Role::kServer).frames) {
    out.push_back({f.header.opcode, f.payload});
  }
  return out;
}

std::uint16_t close_code_of(const Written& w) {
  if (w.payload.size() < 2) return 0;
  return static_cast<std::uint16_t>((static_cast<unsigned char>(w.payload[0]) << 8) |
                                    static_cast<unsigned char>(w.payload[1]));
}

std::string masked(FrameBuilder b) {
  return b.mask(test::kRfcMask).build();
}

// §7.1.7 with §5.5.1: until our Close is sent we may still send data, so a valid message
// that precedes a connection-failing frame is answered before the failure Close
// (Autobahn 3.2-3.4, 4.1.3-4.1.5, 4.2.3-4.2.5, 5.15).
TEST(CoreSessionOrdering, MessageBeforeAFailingFrameIsAnsweredBeforeTheClose) {
  struct Case {
    const char* name;
    std::string bad;
  };
  const std::vector<Case> cases = {
      {"RSV2 set",
       masked(FrameBuilder().opcode(Opcode::kText).rsv(false, true, false).payload("x"))},
      {"reserved data opcode 3", masked(FrameBuilder().opcode(0x3))},
      {"reserved control opcode 11", masked(FrameBuilder().opcode(0xB).payload("p"))},
      {"continuation with no message", client_frame(Opcode::kContinuation, "fragment")},
      {"text that is not UTF-8", client_frame(Opcode::kText, "\xce\xba\xff")},
      {"unmasked frame", encode_frame(Opcode::kText, "naked")},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string wire = client_frame(Opcode::kText, "Hello") +
                             client_frame(Opcode::kBinary, "bin") + c.bad +
                             client_frame(Opcode::kText, "never read");
    for_each_delivery(wire, [&](const auto& chunks) {
      Session s = test::open_server();
      const auto out = written_frames(run_echo(s, chunks));
      ASSERT_EQ(out.size(), 3u);
      EXPECT_EQ(out[0].opcode, 0x1);
      EXPECT_EQ(out[0].payload, "Hello");
      EXPECT_EQ(out[1].opcode, 0x2);
      EXPECT_EQ(out[1].payload, "bin");
      EXPECT_EQ(out[2].opcode, 0x8);
      EXPECT_NE(close_code_of(out[2]), 1000);
      EXPECT_TRUE(s.should_close_transport());
    });
  }
}

// §5.5.1: the Close reply goes out after the answers to the messages that came before the
// peer's Close (Autobahn 7.1.1, 7.1.6).
TEST(CoreSessionOrdering, MessagesBeforeThePeersCloseAreAnsweredBeforeTheCloseReply) {
  const std::string wire = client_frame(Opcode::kText, "one") +
                           client_frame(Opcode::kText, std::string(70000, 't')) +
                           client_frame(Opcode::kText, "three") +
                           client_frame(Opcode::kClose, encode_close_payload(1000, "bye"));
  for_each_delivery(wire, [&](const auto& chunks) {
    Session s = test::open_server();
    const auto out = written_frames(run_echo(s, chunks));
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(out[0].payload, "one");
    EXPECT_EQ(out[1].payload.size(), 70000u);
    EXPECT_EQ(out[2].payload, "three");
    EXPECT_EQ(out[3].opcode, 0x8);
    EXPECT_EQ(close_code_of(out[3]), 1000);
    EXPECT_TRUE(s.should_close_transport());
    EXPECT_EQ(s.state(), SessionState::kClosed);
  });
}

// Input already received is never left undecoded: polling, a tick or the end of the stream
// each carry on where decoding paused, without new bytes.
TEST(CoreSessionOrdering, BufferedInputIsDecodedWithoutNewBytes) {
  const std::string two = client_frame(Opcode::kText, "a") + client_frame(Opcode::kText, "b");
  {
    SCOPED_TRACE("poll_event");
    Session s = test::open_server();
    s.on_bytes(two, Millis(5));
    const auto events = drain_events(s);
    ASSERT_EQ(events_of<event::Text>(events).size(), 2u);
    EXPECT_EQ(events_of<event::Text>(events)[1]->data, "b");
  }
  {
    SCOPED_TRACE("on_tick");
    Session s = test::open_server();
    s.on_bytes(client_frame(Opcode::kText, "a") + client_frame(Opcode::kPing, "p") +
                   client_frame(Opcode::kText, "b"),
               Millis(5));
    ASSERT_TRUE(s.poll_event().has_value());  // "a"; the application stops polling here
    s.on_tick(Millis(6));
    // The tick decoded what was buffered: "b" is queued, and so is the Pong (§5.5.2).
    EXPECT_EQ(take_output(s), test::server_frame(Opcode::kPong, "p"));
    s.on_bytes(client_frame(Opcode::kText, "c"), Millis(7));
    const auto events = drain_events(s);
    const auto texts = events_of<event::Text>(events);
    ASSERT_EQ(texts.size(), 2u);
    EXPECT_EQ(texts[0]->data, "b");
    EXPECT_EQ(texts[1]->data, "c");
  }
  {
    SCOPED_TRACE("on_eof");
    Session s = test::open_server();
    s.on_bytes(two + client_frame(Opcode::kClose, encode_close_payload(1001)), Millis(5));
    s.on_eof(Millis(6));
    const auto events = drain_events(s);
    ASSERT_EQ(events_of<event::Text>(events).size(), 2u);
    ASSERT_EQ(events_of<event::CloseReceived>(events).size(), 1u);
    EXPECT_EQ(std::get<event::Closed>(events.back()).code, 1001);
    EXPECT_TRUE(std::get<event::Closed>(events.back()).clean);
  }
}

// §5.5.1: after sending a Close an endpoint sends no more data, but it may go on receiving
// until the peer's Close: such messages are delivered, and cannot be answered.
TEST(CoreSessionOrdering, DataAfterOurCloseIsStillReceived) {
  for (Role role : {Role::kServer, Role::kClient}) {
    SCOPED_TRACE(role == Role::kServer ? "server" : "client");
    Session s = role == Role::kServer ? test::open_server() : test::open_client();
    ASSERT_TRUE(s.close(1000).is_ok());
    take_output(s);
    const auto frame = [&](Opcode op, std::string_view p, bool fin = true) {
      return role == Role::kServer ? client_frame(op, p, fin) : test::server_frame(op, p, fin);
    };
    s.on_bytes(frame(Opcode::kText, "late") + frame(Opcode::kBinary, "fr", false) +
                   frame(Opcode::kContinuation, "ag"),
               Millis(5));
    const auto events = drain_events(s);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(std::get<event::Text>(events[0]).data, "late");
    EXPECT_EQ(std::get<event::Binary>(events[1]).data, "frag");
    EXPECT_FALSE(s.send_text("answer").is_ok());
    EXPECT_TRUE(s.pending_output().empty());
    EXPECT_EQ(s.state(), SessionState::kClosing);
  }
}

// RFC 9112 §3 + RFC 9110 §5.6.2: a request-line starts with a method, a token. Bytes that
// cannot start one (a TLS ClientHello) are refused with 400 at once, not at the timeout.
TEST(CoreSessionHandshake, BytesThatCannotStartARequestAreRefusedAtOnce) {
  const std::string tls_hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
  for (const std::string& garbage :
       {tls_hello, std::string(" GET / HTTP/1.1"), std::string("GET\x01")}) {
    for_each_delivery(garbage, [&](const auto& chunks) {
      Session s(SessionConfig{});
      s.start(Millis(0));
      test::feed(s, chunks);
      EXPECT_EQ(take_output(s).rfind("HTTP/1.1 400 ", 0), 0u);
      EXPECT_TRUE(s.should_close_transport());
      const auto events = drain_events(s);
      ASSERT_FALSE(events.empty());
      EXPECT_EQ(std::get<event::HandshakeFailed>(events[0]).status, 400);
    });
  }
  Session s(SessionConfig{});
  s.start(Millis(0));
  s.on_bytes("GET /ch", Millis(1));  // a valid start waits for the rest
  EXPECT_TRUE(s.pending_output().empty());
  EXPECT_FALSE(s.should_close_transport());
}

// RFC 9112 §3: a request-line that cannot fit in the head limit is refused as soon as the
// limit is reached (431), without waiting for a line end.
TEST(CoreSessionHandshake, RequestLineOverTheHeadLimitIsRefusedAtOnce) {
  SessionConfig cfg;
  cfg.server.max_head_bytes = 1024;
  Session s(cfg);
  s.start(Millis(0));
  s.on_bytes("GET /" + std::string(600, 'a'), Millis(1));
  EXPECT_FALSE(s.should_close_transport());
  s.on_bytes(std::string(600, 'a'), Millis(2));
  EXPECT_EQ(take_output(s).rfind("HTTP/1.1 431 ", 0), 0u);
  EXPECT_TRUE(s.should_close_transport());
}

}  // namespace
}  // namespace wslab
