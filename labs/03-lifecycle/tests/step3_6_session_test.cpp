// Lab 3, steps 3-6: the Session's lifecycle: fragments with control frames
// between them (§5.4, §5.5), the full close handshake (§5.5.1, §7.1), end of
// stream (§7.1.5), and what the application sends (fragments, pings, pongs).
#include <string>

#include "bytes.hpp"
#include "lab_test.hpp"
#include "session_util.hpp"
#include "wslab/session.hpp"

namespace wslab {
namespace {

using labtest::client_frame;
using labtest::describe;
using labtest::drain;
using labtest::find;
using labtest::hex;
using labtest::parse_frames;
using labtest::server_frame;
using labtest::take_output;
using labtest::unhex;

WSLAB_LAB_SUITE(Lab3Fragments);
WSLAB_LAB_SUITE(Lab3CloseHandshake);
WSLAB_LAB_SUITE(Lab3EndOfStream);
WSLAB_LAB_SUITE(Lab3Sending);

std::string written(Session& s) {
  return labtest::describe(parse_frames(take_output(s)));
}

std::uint16_t failed_code(const std::vector<Event>& events) {
  const auto* e = find<event::ProtocolError>(events);
  return e == nullptr ? 0 : e->close_code;
}

// ---- step 3: fragments ------------------------------------------------------

TEST_F(Lab3Fragments, FragmentedTextIsDeliveredAsOneMessage) {
  Session s = labtest::open_server();
  const std::string in = client_frame(0x1, "frag", false) + client_frame(0x0, "men", false) +
                         client_frame(0x0, "ted", true);
  s.on_bytes(in, Millis{1});
  const auto events = drain(s);
  ASSERT_EQ(events.size(), 1u)
      << "fed: text \"frag\" (FIN=0), cont \"men\" (FIN=0), cont \"ted\" (FIN=1)\n"
         "expected events: Text(\"fragmented\")\nactual: "
      << describe(events);
  EXPECT_EQ(std::get<event::Text>(events[0]).data, "fragmented");
}

// §5.4: control frames MAY be injected in the middle of a fragmented message;
// §5.5.2: the Pong goes out as soon as practical -- before the message completes.
TEST_F(Lab3Fragments, PingBetweenFragmentsIsAnsweredAtOnce) {
  Session s = labtest::open_server();
  s.on_bytes(client_frame(0x1, "one ", false) + client_frame(0x9, "mid"), Millis{1});
  EXPECT_EQ(written(s), "pong \"mid\"")
      << "fed: text \"one \" (FIN=0), then Ping \"mid\"\nexpected output: the Pong, now";
  s.on_bytes(client_frame(0x0, "two", true), Millis{2});
  const auto events = drain(s);
  const auto* text = find<event::Text>(events);
  ASSERT_NE(text, nullptr) << "actual events: " << describe(events);
  EXPECT_EQ(text->data, "one two") << "the ping does not break the message";
}

TEST_F(Lab3Fragments, ControlPayloadSplitAcrossReadsIsReassembled) {
  Session s = labtest::open_server();
  const std::string ping = client_frame(0x9, "split ping payload");
  for (std::size_t i = 0; i < ping.size(); ++i) s.on_bytes(ping.substr(i, 1), Millis{1});
  EXPECT_EQ(written(s), "pong \"split ping payload\"")
      << "fed: a Ping one byte per on_bytes() call\nexpected output: one Pong with the whole "
         "payload";
}

TEST_F(Lab3Fragments, ContinuationWithoutAStartFailsWith1002) {
  Session s = labtest::open_server();
  s.on_bytes(client_frame(0x0, "orphan", true), Millis{1});
  EXPECT_EQ(failed_code(drain(s)), 1002) << "fed: a continuation frame with no message open (§5.4)";
  EXPECT_TRUE(s.should_close_transport());
}

TEST_F(Lab3Fragments, NewMessageInsideAFragmentedOneFailsWith1002) {
  Session s = labtest::open_server();
  s.on_bytes(client_frame(0x1, "a", false) + client_frame(0x1, "b", true), Millis{1});
  EXPECT_EQ(failed_code(drain(s)), 1002) << "fed: text (FIN=0) then text (FIN=1) (§5.4)";
}

TEST_F(Lab3Fragments, InvalidUtf8FailsBeforeTheLastFragmentArrives) {
  Session s = labtest::open_server();
  s.on_bytes(client_frame(0x1, "ok" + unhex("ed"), false), Millis{1});
  ASSERT_EQ(find<event::ProtocolError>(drain(s)), nullptr) << "ED alone may still be valid";
  s.on_bytes(client_frame(0x0, unhex("a0 80"), false), Millis{2});
  EXPECT_EQ(failed_code(drain(s)), 1007)
      << "fed: text 6f 6b ed (FIN=0), cont a0 80 (FIN=0)\nexpected: fail with 1007 now (§8.1, fail "
         "fast)";
}

TEST_F(Lab3Fragments, MessageOverTheLimitAcrossFragmentsFailsWith1009) {
  SessionConfig c;
  c.max_message_bytes = 10;
  Session s = labtest::open_server(c);
  s.on_bytes(client_frame(0x2, "123456", false) + client_frame(0x0, "78901", true), Millis{1});
  EXPECT_EQ(failed_code(drain(s)), 1009) << "fed: 6 + 5 bytes in two fragments, limit 10";
}

// ---- step 4: the close handshake ----------------------------------------------

TEST_F(Lab3CloseHandshake, InvalidCloseCodeFailsWith1002) {
  for (const char* code : {"03 ed", "03 ec", "00 00", "13 88"}) {
    Session s = labtest::open_server();
    s.on_bytes(client_frame(0x8, unhex(code)), Millis{1});
    const auto events = drain(s);
    EXPECT_EQ(failed_code(events), 1002)
        << "fed: Close with code bytes " << code
        << "\nexpected: fail with 1002 (§7.4)\nactual: " << describe(events);
  }
}

TEST_F(Lab3CloseHandshake, OneByteCloseBodyFailsWith1002) {
  Session s = labtest::open_server();
  s.on_bytes(client_frame(0x8, unhex("03")), Millis{1});
  EXPECT_EQ(failed_code(drain(s)), 1002) << "fed: a Close with a 1-byte body (§5.5.1)";
}

TEST_F(Lab3CloseHandshake, CloseReasonThatIsNotUtf8FailsWith1007) {
  Session s = labtest::open_server();
  s.on_bytes(client_frame(0x8, unhex("03 e8 ff")), Millis{1});
  EXPECT_EQ(failed_code(drain(s)), 1007) << "fed: Close 1000 with reason ff (§8.1)";
}

// §7.1.2: start the closing handshake; §7.1.1: after the peer's Close the server closes TCP.
TEST_F(Lab3CloseHandshake, ServerInitiatedCloseCompletesOnThePeersClose) {
  Session s = labtest::open_server();
  ASSERT_TRUE(s.close(1001, "going away").is_ok());
  EXPECT_EQ(written(s), "close 1001 \"going away\"");
  EXPECT_EQ(s.state(), SessionState::kClosing) << "after close(): CLOSING";
  EXPECT_FALSE(s.should_close_transport()) << "wait for the peer's Close first";
  s.on_bytes(client_frame(0x8, unhex("03 e9")), Millis{2});
  EXPECT_TRUE(s.pending_output().empty())
      << "our Close was already sent: the peer's Close is not answered again; actual: "
      << hex(s.pending_output());
  const auto events = drain(s);
  const auto* closed = find<event::Closed>(events);
  ASSERT_NE(closed, nullptr) << "actual events: " << describe(events);
  EXPECT_EQ(closed->code, 1001);
  EXPECT_TRUE(closed->clean);
  EXPECT_TRUE(s.should_close_transport());
}

// §5.5.1: after sending a Close, the endpoint sends no more data frames. (Data
// that still arrives may be delivered or dropped; it must not be answered.)
TEST_F(Lab3CloseHandshake, NothingIsSentAfterOurClose) {
  Session s = labtest::open_server();
  ASSERT_TRUE(s.close().is_ok());
  take_output(s);
  s.on_bytes(client_frame(0x1, "late") + client_frame(0x9, "ping after close"), Millis{1});
  drain(s);
  EXPECT_EQ(written(s), "no frames") << "fed after our Close: text \"late\", Ping\nexpected "
                                        "output: nothing (no Pong, no data after a Close)";
  EXPECT_FALSE(s.send_text("x").is_ok()) << "send_text() after our Close: expected a failed Status";
  EXPECT_FALSE(s.ping("x").is_ok()) << "ping() after our Close: expected a failed Status";
}

TEST_F(Lab3CloseHandshake, CloseArgumentsAreChecked) {
  Session s = labtest::open_server();
  EXPECT_FALSE(s.close(1005).is_ok()) << "close(1005): 1005 is never sent (§7.4.1)";
  EXPECT_FALSE(s.close(1000, std::string(124, 'r')).is_ok())
      << "a 124-byte reason does not fit (§5.5)";
  EXPECT_FALSE(s.close(1000, unhex("ff")).is_ok()) << "the reason is UTF-8 (§5.5.1)";
  EXPECT_TRUE(s.pending_output().empty()) << "nothing may be written";
  EXPECT_TRUE(s.close(4000, "custom").is_ok()) << "4000-4999 are for applications";
  EXPECT_FALSE(s.close(1000).is_ok()) << "a second close(): expected a failed Status";
}

// §7.1.1: the client waits for the server to close TCP.
TEST_F(Lab3CloseHandshake, ClientAnswersTheServersCloseThenWaitsForTcp) {
  Session s = labtest::open_client();
  s.on_bytes(server_frame(0x8, unhex("03 e8")), Millis{1});
  const auto frames = parse_frames(take_output(s));
  ASSERT_EQ(frames.size(), 1u) << "expected: the client's Close reply";
  EXPECT_EQ(frames[0].opcode, 0x8);
  EXPECT_TRUE(frames[0].masked) << "a client's Close is masked too (§5.3)";
  EXPECT_EQ(s.state(), SessionState::kClosing) << "the client waits for the server's TCP close";
  EXPECT_FALSE(s.should_close_transport());
  s.on_eof(Millis{2});
  const auto events = drain(s);
  const auto* closed = find<event::Closed>(events);
  ASSERT_NE(closed, nullptr) << "after on_eof(); actual events: " << describe(events);
  EXPECT_EQ(closed->code, 1000);
  EXPECT_TRUE(closed->clean);
}

TEST_F(Lab3CloseHandshake, ClientCloseIsMasked) {
  Session s = labtest::open_client();
  ASSERT_TRUE(s.close(1000).is_ok());
  const auto frames = parse_frames(take_output(s));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0].masked);
  EXPECT_EQ(hex(frames[0].payload), "03 e8");
}

// ---- step 5: end of stream ------------------------------------------------

// §7.1.5: TCP closed without a Close frame: 1006, not clean.
TEST_F(Lab3EndOfStream, EofWhileOpenIsAbnormal) {
  Session s = labtest::open_server();
  s.on_eof(Millis{1});
  const auto events = drain(s);
  const auto* closed = find<event::Closed>(events);
  ASSERT_NE(closed, nullptr) << "did: on_eof() while OPEN\nexpected events: Closed(1006)\nactual: "
                             << describe(events);
  EXPECT_EQ(closed->code, 1006);
  EXPECT_FALSE(closed->clean);
  EXPECT_EQ(s.state(), SessionState::kClosed);
  EXPECT_TRUE(s.should_close_transport());
}

TEST_F(Lab3EndOfStream, ClosedIsReportedOnlyOnce) {
  Session s = labtest::open_server();
  s.on_eof(Millis{1});
  s.on_eof(Millis{2});
  int n = 0;
  for (const auto& e : drain(s)) n += std::holds_alternative<event::Closed>(e) ? 1 : 0;
  EXPECT_EQ(n, 1) << "did: on_eof() twice\nexpected: one Closed event";
}

TEST_F(Lab3EndOfStream, ClientEofDuringTheHandshakeFailsIt) {
  SessionConfig c;
  c.role = Role::kClient;
  c.client.host = "h";
  Session s(c);
  s.start(Millis{0});
  take_output(s);
  s.on_eof(Millis{1});
  const auto events = drain(s);
  EXPECT_NE(find<event::HandshakeFailed>(events), nullptr) << "actual events: " << describe(events);
  EXPECT_NE(find<event::Closed>(events), nullptr) << "actual events: " << describe(events);
}

// ---- step 6: what the application sends -------------------------------------

TEST_F(Lab3Sending, FragmentsGoOutInOrder) {
  Session s = labtest::open_server();
  ASSERT_TRUE(s.send_fragment(Opcode::kText, "Hel", false).is_ok());
  ASSERT_TRUE(s.send_fragment(Opcode::kContinuation, "lo", true).is_ok());
  EXPECT_EQ(hex(take_output(s)), "01 03 48 65 6c 80 02 6c 6f") << "§5.7's fragmented example";
}

TEST_F(Lab3Sending, FragmentOrderIsEnforced) {
  Session s = labtest::open_server();
  EXPECT_FALSE(s.send_fragment(Opcode::kContinuation, "x", true).is_ok())
      << "a message cannot start with a continuation";
  ASSERT_TRUE(s.send_fragment(Opcode::kBinary, "a", false).is_ok());
  EXPECT_FALSE(s.send_fragment(Opcode::kText, "b", true).is_ok())
      << "inside a message, only continuations";
  EXPECT_FALSE(s.send_text("interleaved").is_ok())
      << "no other message while a fragmented one is open";
}

TEST_F(Lab3Sending, TextFragmentsMustStayValidUtf8) {
  Session s = labtest::open_server();
  const std::string smile = unhex("f0 9f 98 80");
  ASSERT_TRUE(s.send_fragment(Opcode::kText, smile.substr(0, 2), false).is_ok())
      << "a fragment may end inside a code point";
  ASSERT_TRUE(s.send_fragment(Opcode::kContinuation, smile.substr(2), true).is_ok());
  ASSERT_TRUE(s.send_fragment(Opcode::kText, "a", false).is_ok());
  EXPECT_FALSE(s.send_fragment(Opcode::kContinuation, unhex("ff"), true).is_ok())
      << "ff is never valid";
}

TEST_F(Lab3Sending, PingAndPongCarryAtMost125Bytes) {
  Session s = labtest::open_server();
  ASSERT_TRUE(s.ping("hb").is_ok());
  ASSERT_TRUE(s.pong("unsolicited").is_ok());
  EXPECT_EQ(written(s), "ping \"hb\"; pong \"unsolicited\"");
  EXPECT_FALSE(s.ping(std::string(126, 'p')).is_ok())
      << "126 bytes: over the control-frame limit (§5.5)";
  EXPECT_FALSE(s.pong(std::string(126, 'p')).is_ok());
}

}  // namespace
}  // namespace wslab
