// Lab 4, step 3: the Session's timers: the handshake timeout, the heartbeat
// (a Ping after silence, give up without a Pong), the close timeout (§7.1.1).
// Time is passed in: on_tick(now) and next_deadline().
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
using labtest::parse_frames;
using labtest::take_output;

WSLAB_LAB_SUITE(Lab4SessionTimers);

SessionConfig with_heartbeat(Millis interval, Millis timeout) {
  SessionConfig c;
  c.heartbeat.ping_interval = interval;
  c.heartbeat.pong_timeout = timeout;
  return c;
}

TEST_F(Lab4SessionTimers, HandshakeTimeoutClosesASilentConnection) {
  SessionConfig c;
  c.handshake_timeout = Millis{3000};
  Session s(c);
  s.start(Millis{100});
  ASSERT_TRUE(s.next_deadline().has_value()) << "CONNECTING: the handshake timer runs from start()";
  EXPECT_EQ(s.next_deadline()->count(), 3100) << "started at 100, handshake_timeout 3000";
  s.on_tick(Millis{3099});
  EXPECT_FALSE(s.should_close_transport()) << "on_tick(3099): not yet";
  s.on_tick(Millis{3100});
  EXPECT_TRUE(s.should_close_transport())
      << "on_tick(3100): the client never sent a request: close";
  const auto events = drain(s);
  EXPECT_NE(find<event::Closed>(events), nullptr) << "actual events: " << describe(events);
  EXPECT_EQ(s.state(), SessionState::kClosed);
}

TEST_F(Lab4SessionTimers, IdleConnectionGetsAPingFromTheHeartbeat) {
  Session s = labtest::open_server(with_heartbeat(Millis{1000}, Millis{500}));
  ASSERT_TRUE(s.next_deadline().has_value()) << "OPEN with a heartbeat: a deadline";
  EXPECT_EQ(s.next_deadline()->count(), 1000) << "opened at 0, ping_interval 1000";
  s.on_tick(Millis{1000});
  const auto frames = parse_frames(take_output(s));
  ASSERT_EQ(frames.size(), 1u) << "on_tick(1000): expected one Ping; actual: "
                               << labtest::describe(frames);
  EXPECT_EQ(frames[0].opcode, 0x9);
  EXPECT_EQ(frames[0].payload, s.heartbeat().ping_payload())
      << "the Ping carries the heartbeat's payload";
}

TEST_F(Lab4SessionTimers, IncomingFramesCountAsTraffic) {
  Session s = labtest::open_server(with_heartbeat(Millis{1000}, Millis{500}));
  s.on_bytes(client_frame(0x1, "still here"), Millis{900});
  drain(s);
  s.on_tick(Millis{1000});
  EXPECT_TRUE(s.pending_output().empty())
      << "a text frame arrived at 900; on_tick(1000)\nexpected: no Ping (silent only 100 ms)";
  s.on_tick(Millis{1900});
  EXPECT_FALSE(s.pending_output().empty()) << "on_tick(1900): silent 1000 ms: a Ping";
}

TEST_F(Lab4SessionTimers, PongAnswersTheHeartbeat) {
  Session s = labtest::open_server(with_heartbeat(Millis{1000}, Millis{500}));
  s.on_tick(Millis{1000});
  take_output(s);
  s.on_bytes(client_frame(0xA, s.heartbeat().ping_payload()), Millis{1030});
  drain(s);
  ASSERT_TRUE(s.heartbeat().last_rtt().has_value())
      << "the Pong was not given to the heartbeat (on_pong)";
  EXPECT_EQ(s.heartbeat().last_rtt()->count(), 30);
  s.on_tick(Millis{1600});
  EXPECT_FALSE(s.should_close_transport()) << "the pong came: the connection lives";
}

TEST_F(Lab4SessionTimers, NoPongClosesTheConnection) {
  Session s = labtest::open_server(with_heartbeat(Millis{1000}, Millis{500}));
  s.on_tick(Millis{1000});
  take_output(s);
  s.on_tick(Millis{1499});
  EXPECT_FALSE(s.should_close_transport())
      << "ping at 1000, pong_timeout 500, tick at 1499: not yet";
  s.on_tick(Millis{1500});
  EXPECT_TRUE(s.should_close_transport())
      << "tick at 1500 without a pong: the peer is gone, close TCP";
  const auto events = drain(s);
  const auto* closed = find<event::Closed>(events);
  ASSERT_NE(closed, nullptr) << "actual events: " << describe(events);
  EXPECT_EQ(closed->code, 1006) << "no Close frame was exchanged: abnormal";
}

// §7.1.1: do not wait forever for the peer's Close.
TEST_F(Lab4SessionTimers, CloseTimeoutGivesUpOnAPeerThatNeverAnswers) {
  SessionConfig c;
  c.close_timeout = Millis{2000};
  Session s = labtest::open_server(c);
  s.on_tick(Millis{500});
  ASSERT_TRUE(s.close(1000).is_ok());
  take_output(s);
  ASSERT_TRUE(s.next_deadline().has_value()) << "CLOSING: the close timer runs";
  EXPECT_EQ(s.next_deadline()->count(), 2500) << "close() after a tick at 500, close_timeout 2000";
  s.on_tick(Millis{2499});
  EXPECT_FALSE(s.should_close_transport());
  s.on_tick(Millis{2500});
  EXPECT_TRUE(s.should_close_transport()) << "tick at 2500: give up waiting";
  const auto events = drain(s);
  const auto* closed = find<event::Closed>(events);
  ASSERT_NE(closed, nullptr) << "actual events: " << describe(events);
  EXPECT_EQ(closed->code, 1006);
  EXPECT_FALSE(closed->clean);
}

TEST_F(Lab4SessionTimers, NoTimerWithoutAHeartbeatWhileOpen) {
  Session s = labtest::open_server();
  EXPECT_FALSE(s.next_deadline().has_value()) << "OPEN, heartbeat off: nothing to wake up for";
}

}  // namespace
}  // namespace wslab
