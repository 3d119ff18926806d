// Lab 2, steps 7-8: the Session in the OPEN state: frames become events,
// broken frames fail the connection with the right code (§7.1.7, §7.4.1),
// messages go out as frames (unmasked from a server, masked from a client),
// and the minimum of control frames: a Pong for a Ping (§5.5.2), a Close for
// a Close (§5.5.1).
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
using labtest::take_output;

WSLAB_LAB_SUITE(Lab2SessionFrames);
WSLAB_LAB_SUITE(Lab2SessionControl);

// What the server wrote, as frames.
std::string written(Session& s) {
  return labtest::describe(parse_frames(take_output(s)));
}

// ---- step 7 ---------------------------------------------------------------

TEST_F(Lab2SessionFrames, MaskedTextFrameBecomesATextEvent) {
  Session s = labtest::open_server();
  const std::string in = client_frame(0x1, "Hello");
  s.on_bytes(in, Millis{1});
  const auto events = drain(s);
  const auto* text = find<event::Text>(events);
  ASSERT_NE(text, nullptr) << "fed (after the handshake): " << hex(in)
                           << "\nexpected events: Text(\"Hello\")\nactual: " << describe(events);
  EXPECT_EQ(text->data, "Hello");
  EXPECT_EQ(s.state(), SessionState::kOpen);
}

TEST_F(Lab2SessionFrames, BinaryFrameBecomesABinaryEvent) {
  Session s = labtest::open_server();
  const std::string payload("\x00\xff\x10 binary", 10);
  s.on_bytes(client_frame(0x2, payload), Millis{1});
  const auto events = drain(s);
  const auto* bin = find<event::Binary>(events);
  ASSERT_NE(bin, nullptr) << "expected events: Binary\nactual: " << describe(events);
  EXPECT_EQ(bin->data, payload);
}

TEST_F(Lab2SessionFrames, FrameSplitAcrossReadsAndFramesSharingAReadBothWork) {
  Session s = labtest::open_server();
  const std::string two = client_frame(0x1, "first") + client_frame(0x1, std::string(200, 'b'));
  for (std::size_t i = 0; i < two.size(); i += 7) s.on_bytes(two.substr(i, 7), Millis{1});
  auto events = drain(s);
  ASSERT_EQ(events.size(), 2u) << "fed two text frames, 7 bytes per on_bytes() call\n"
                                  "expected events: Text(\"first\"), Text(bbb...)\nactual: "
                               << describe(events);
  EXPECT_EQ(std::get<event::Text>(events[0]).data, "first");
  EXPECT_EQ(std::get<event::Text>(events[1]).data, std::string(200, 'b'));
  s.on_bytes(two, Millis{2});
  events = drain(s);
  EXPECT_EQ(events.size(), 2u) << "fed the same two frames in ONE on_bytes() call\nactual: "
                               << describe(events);
}

// §4.2.2: the client may send frames right after its request, in the same segment.
TEST_F(Lab2SessionFrames, FrameArrivingWithTheRequestIsDelivered) {
  SessionConfig c;
  Session s(c);
  s.start(Millis{0});
  s.on_bytes(labtest::upgrade_request("/") + client_frame(0x1, "early"), Millis{1});
  const auto events = drain(s);
  ASSERT_NE(find<event::Open>(events), nullptr) << "actual events: " << describe(events);
  const auto* text = find<event::Text>(events);
  ASSERT_NE(text, nullptr) << "fed: the request + a text frame in one read\nexpected events: Open, "
                              "Text(\"early\")\nactual: "
                           << describe(events);
  EXPECT_EQ(text->data, "early");
}

// §7.1.7 + §7.4.1: failing sends a Close with the code, then closes TCP.
void expect_failed_with(Session& s, const std::string& fed, std::uint16_t code, const char* rule) {
  const auto events = drain(s);
  const auto* err = find<event::ProtocolError>(events);
  ASSERT_NE(err, nullptr) << "fed: " << hex(fed) << " (" << rule
                          << ")\nexpected events: ProtocolError(" << code
                          << "), Closed(1006)\nactual: " << describe(events);
  EXPECT_EQ(err->close_code, code) << "fed: " << hex(fed) << " (" << rule << ")";
  const auto frames = parse_frames(take_output(s));
  ASSERT_EQ(frames.size(), 1u) << "fed: " << hex(fed)
                               << "\nexpected output: one Close frame\nactual: "
                               << labtest::describe(frames);
  EXPECT_EQ(frames[0].opcode, 0x8)
      << "expected a Close frame; actual: " << labtest::describe(frames);
  ASSERT_GE(frames[0].payload.size(), 2u) << "the Close carries the code";
  const unsigned sent = (static_cast<unsigned char>(frames[0].payload[0]) << 8) |
                        static_cast<unsigned char>(frames[0].payload[1]);
  EXPECT_EQ(sent, code) << "fed: " << hex(fed) << " (" << rule << ")\nexpected Close code " << code;
  EXPECT_FALSE(frames[0].masked) << "a server never masks (§5.1)";
  EXPECT_TRUE(s.should_close_transport()) << "after failing, TCP is closed without waiting";
  EXPECT_EQ(s.state(), SessionState::kClosed);
  const auto* closed = find<event::Closed>(events);
  ASSERT_NE(closed, nullptr) << "actual events: " << describe(events);
  EXPECT_EQ(closed->code, 1006);
}

TEST_F(Lab2SessionFrames, UnmaskedFrameFromAClientFailsWith1002) {
  Session s = labtest::open_server();
  const std::string in = labtest::server_frame(0x1, "hi");
  s.on_bytes(in, Millis{1});
  expect_failed_with(s, in, 1002, "unmasked client frame, §5.1");
}

TEST_F(Lab2SessionFrames, ReservedBitsFailWith1002) {
  Session s = labtest::open_server();
  labtest::RawFrame f;
  f.masked = true;
  f.rsv = 0x40;
  f.payload = "x";
  const std::string in = labtest::frame_bytes(f);
  s.on_bytes(in, Millis{1});
  expect_failed_with(s, in, 1002, "RSV1 without an extension, §5.2");
}

TEST_F(Lab2SessionFrames, ReservedOpcodeFailsWith1002) {
  Session s = labtest::open_server();
  const std::string in = client_frame(0x3, "");
  s.on_bytes(in, Millis{1});
  expect_failed_with(s, in, 1002, "reserved opcode 3, §5.2");
}

// §8.1: invalid UTF-8 in a text message fails the connection with 1007.
TEST_F(Lab2SessionFrames, InvalidUtf8TextFailsWith1007) {
  Session s = labtest::open_server();
  const std::string in = client_frame(0x1, labtest::unhex("ce ba ed a0 80"));
  s.on_bytes(in, Millis{1});
  expect_failed_with(s, in, 1007, "a surrogate in a text message, §8.1");
}

TEST_F(Lab2SessionFrames, FrameOverTheLimitFailsWith1009) {
  SessionConfig c;
  c.max_frame_bytes = 100;
  c.max_message_bytes = 100;
  Session s = labtest::open_server(c);
  const std::string in = client_frame(0x2, std::string(101, 'x'));
  s.on_bytes(in, Millis{1});
  expect_failed_with(s, in, 1009, "a 101-byte frame, limit 100, §7.4.1");
}

TEST_F(Lab2SessionFrames, NothingIsDecodedAfterFailing) {
  Session s = labtest::open_server();
  const std::string in = client_frame(0x3, "") + client_frame(0x1, "after");
  s.on_bytes(in, Millis{1});
  const auto events = drain(s);
  EXPECT_EQ(find<event::Text>(events), nullptr)
      << "fed: a bad frame then a text frame in one read\nexpected: no Text after the "
         "failure\nactual: "
      << describe(events);
}

TEST_F(Lab2SessionFrames, ServerSendsUnmaskedFrames) {
  Session s = labtest::open_server();
  ASSERT_TRUE(s.send_text("Hello").is_ok());
  EXPECT_EQ(hex(take_output(s)), "81 05 48 65 6c 6c 6f")
      << "did: send_text(\"Hello\") as a server\nexpected: 81 05 48 65 6c 6c 6f (§5.7)";
  ASSERT_TRUE(s.send_binary(std::string("\x01\x02", 2)).is_ok());
  EXPECT_EQ(hex(take_output(s)), "82 02 01 02");
}

// §5.3: a client masks every frame with a fresh key.
TEST_F(Lab2SessionFrames, ClientSendsMaskedFramesWithFreshKeys) {
  Session s = labtest::open_client();
  ASSERT_TRUE(s.send_text("Hello").is_ok());
  ASSERT_TRUE(s.send_text("Hello").is_ok());
  const std::string out = take_output(s);
  const auto frames = parse_frames(out);
  ASSERT_EQ(frames.size(), 2u) << "actual output: " << hex(out);
  EXPECT_TRUE(frames[0].masked && frames[1].masked) << "actual: " << labtest::describe(frames);
  EXPECT_EQ(frames[0].payload, "Hello") << "the payload unmasks to the text";
  EXPECT_NE(out.substr(2, 4), out.substr(11 + 2, 4))
      << "two frames used the same masking key " << hex(out.substr(2, 4))
      << " (§5.3: fresh per frame)";
}

TEST_F(Lab2SessionFrames, SendTextRefusesInvalidUtf8) {
  Session s = labtest::open_server();
  EXPECT_FALSE(s.send_text(labtest::unhex("ff")).is_ok())
      << "send_text(ff): expected a failed Status (§5.6)";
  EXPECT_TRUE(s.pending_output().empty()) << "nothing may be written";
}

TEST_F(Lab2SessionFrames, NothingCanBeSentBeforeTheHandshake) {
  SessionConfig c;
  Session s(c);
  s.start(Millis{0});
  EXPECT_FALSE(s.send_text("early").is_ok())
      << "send_text() in CONNECTING: expected a failed Status";
  EXPECT_TRUE(s.pending_output().empty());
}

// ---- step 8 ---------------------------------------------------------------

// §5.5.2: a Pong with the Ping's payload, as soon as practical.
TEST_F(Lab2SessionControl, PingIsAnsweredWithAPongCarryingItsPayload) {
  Session s = labtest::open_server();
  s.on_bytes(client_frame(0x9, "are you there?"), Millis{1});
  EXPECT_EQ(written(s), "pong \"are you there?\"")
      << "fed: a Ping \"are you there?\"\nexpected output: a Pong with the same payload";
  const auto events = drain(s);
  EXPECT_NE(find<event::Ping>(events), nullptr) << "actual events: " << describe(events);
}

TEST_F(Lab2SessionControl, PongIsReportedAndNotAnswered) {
  Session s = labtest::open_server();
  s.on_bytes(client_frame(0xA, "unsolicited"), Millis{1});
  EXPECT_TRUE(s.pending_output().empty())
      << "a Pong needs no answer (§5.5.3); actual output: " << hex(s.pending_output());
  const auto events = drain(s);
  const auto* pong = find<event::Pong>(events);
  ASSERT_NE(pong, nullptr) << "actual events: " << describe(events);
  EXPECT_EQ(pong->payload, "unsolicited");
}

// §5.5.1: answer a Close with a Close (echoing the code); §7.1.1: the server then closes TCP.
TEST_F(Lab2SessionControl, CloseIsEchoedAndTheServerClosesTcp) {
  Session s = labtest::open_server();
  s.on_bytes(client_frame(0x8, labtest::unhex("03 e8") + "bye"), Millis{1});
  EXPECT_EQ(written(s), "close 1000 \"\"")
      << "fed: Close 1000 \"bye\"\nexpected output: a Close echoing the code 1000";
  const auto events = drain(s);
  const auto* got = find<event::CloseReceived>(events);
  ASSERT_NE(got, nullptr) << "actual events: " << describe(events);
  EXPECT_EQ(got->code.value_or(0), 1000);
  EXPECT_EQ(got->reason, "bye");
  const auto* closed = find<event::Closed>(events);
  ASSERT_NE(closed, nullptr) << "actual events: " << describe(events);
  EXPECT_EQ(closed->code, 1000);
  EXPECT_TRUE(closed->clean) << "both Close frames were exchanged: clean";
  EXPECT_TRUE(s.should_close_transport()) << "§7.1.1: the server closes TCP first";
}

TEST_F(Lab2SessionControl, EmptyCloseGetsAnEmptyClose) {
  Session s = labtest::open_server();
  s.on_bytes(client_frame(0x8, ""), Millis{1});
  EXPECT_EQ(written(s), "close \"\"")
      << "fed: a Close without a body\nexpected output: a Close without a body";
  const auto events = drain(s);
  const auto* closed = find<event::Closed>(events);
  ASSERT_NE(closed, nullptr) << "actual events: " << describe(events);
  EXPECT_EQ(closed->code, 1005) << "no code received: 1005 (§7.1.5)";
}

TEST_F(Lab2SessionControl, NothingIsSentAfterTheClose) {
  Session s = labtest::open_server();
  s.on_bytes(client_frame(0x8, labtest::unhex("03 e8")), Millis{1});
  take_output(s);
  EXPECT_FALSE(s.send_text("late").is_ok())
      << "send_text() after the close handshake: expected a failed Status";
  EXPECT_TRUE(s.pending_output().empty());
}

}  // namespace
}  // namespace wslab
