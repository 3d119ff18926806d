// The raw probe against scripted servers: the handshake, what it observes
// (RFC 6455 §5.2 header rules in the client role, §5.4 reassembly, §5.5
// control frames), its bounded memory and its deadlines.
#include "wslab/harness/probe.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "scripted_server.hpp"
#include "wslab/harness/server_process.hpp"

namespace wslab::harness {
namespace {

using namespace wslab::harness::testing;
using K = Observation::Kind;

Target target_of(const ScriptedServer& s) {
  Target t;
  t.port = s.port();
  return t;
}

// §4.1: the client checks the 101 and the accept value.
TEST(HarnessProbe, HandshakeAcceptsValid101) {
  ScriptedServer server([](int fd) {
    do_handshake(fd);
    read_until_quiet(fd, 200);
  });
  WireLog log;
  Probe p(target_of(server), log);
  auto r = p.handshake();
  ASSERT_TRUE(r.is_ok()) << r.error();
  EXPECT_EQ(r->status, 101);
  EXPECT_FALSE(p.last_key().empty());
  EXPECT_NE(p.last_response_head().find("101"), std::string::npos);
  EXPECT_GT(log.bytes_sent(), 0u);
}

// §4.1: "If the response lacks a |Sec-WebSocket-Accept| header field or the
// value does not match ... the client MUST _Fail the WebSocket Connection_".
TEST(HarnessProbe, HandshakeRejectsWrongAccept) {
  ScriptedServer server([](int fd) {
    read_head(fd);
    write_all(fd,
              "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n");
    read_until_quiet(fd, 200);
  });
  WireLog log;
  Probe p(target_of(server), log);
  auto r = p.handshake();
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.error().find("handshake"), std::string::npos);
}

TEST(HarnessProbe, HandshakeReportsSilentServer) {
  ScriptedServer server([](int fd) { read_until_quiet(fd, 600); });
  WireLog log;
  ProbeOptions o;
  o.io_timeout = Millis{150};
  Probe p(target_of(server), log, o);
  auto r = p.handshake();
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.error().find("no response within 150 ms"), std::string::npos) << r.error();
}

TEST(HarnessProbe, ConnectRefusedSaysNothingIsListening) {
  WireLog log;
  Target t;
  t.port = pick_free_port();
  Probe p(t, log);
  auto st = p.connect();
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("nothing is listening"), std::string::npos) << st.message();
}

// §5.4: fragments reassemble into one message; a control frame may be
// injected in the middle of a fragmented message and is reported first.
TEST(HarnessProbe, ReassemblesFragmentsAroundAPing) {
  ScriptedServer server([](int fd) {
    do_handshake(fd);
    write_all(fd, server_frame(0x01, "Hel") + server_frame(0x89, "hb") +
                      server_frame(0x00, "lo, ") + server_frame(0x80, "world"));
    read_until_quiet(fd, 200);
  });
  WireLog log;
  Probe p(target_of(server), log);
  ASSERT_TRUE(p.handshake().is_ok());
  auto a = p.next(Millis{1000});
  EXPECT_EQ(a.kind, K::kPing);
  EXPECT_EQ(a.payload, "hb");
  auto b = p.next(Millis{1000});
  ASSERT_EQ(b.kind, K::kText) << describe(b);
  EXPECT_EQ(b.payload, "Hello, world");
  EXPECT_EQ(b.frames, 3u);
}

// §5.1: "A client MUST close a connection if it detects a masked frame."
TEST(HarnessProbe, MaskedServerFrameIsBadFrame) {
  ScriptedServer server([](int fd) {
    do_handshake(fd);
    write_all(fd, std::string("\x81\x82\x01\x02\x03\x04\x49\x6b", 8));
    read_until_quiet(fd, 200);
  });
  WireLog log;
  Probe p(target_of(server), log);
  ASSERT_TRUE(p.handshake().is_ok());
  auto o = p.next(Millis{1000});
  EXPECT_EQ(o.kind, K::kBadFrame) << describe(o);
  EXPECT_FALSE(o.detail.empty());
  // The stream is not decoded further; the probe stays usable.
  EXPECT_NE(p.next(Millis{50}).kind, K::kBadFrame);
}

// §5.2: reserved opcodes 3-7 and 11-15 are refused.
TEST(HarnessProbe, ReservedOpcodeIsBadFrame) {
  ScriptedServer server([](int fd) {
    do_handshake(fd);
    write_all(fd, server_frame(0x83, "x"));
    read_until_quiet(fd, 200);
  });
  WireLog log;
  Probe p(target_of(server), log);
  ASSERT_TRUE(p.handshake().is_ok());
  EXPECT_EQ(p.next(Millis{1000}).kind, K::kBadFrame);
}

// §5.2: "RSV1, RSV2, RSV3 ... MUST be 0 unless an extension is negotiated".
TEST(HarnessProbe, RsvBitIsBadFrame) {
  ScriptedServer server([](int fd) {
    do_handshake(fd);
    write_all(fd, server_frame(0xC1, "x"));
    read_until_quiet(fd, 200);
  });
  WireLog log;
  Probe p(target_of(server), log);
  ASSERT_TRUE(p.handshake().is_ok());
  EXPECT_EQ(p.next(Millis{1000}).kind, K::kBadFrame);
}

long max_rss_kib() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// §10.4: "implementations ... MUST protect themselves against exceeding" limits.
// A hostile server announcing a 2^62-byte frame and trickling it must not make
// the probe allocate: it reports the frame at once.
TEST(HarnessProbe, HugeAnnouncedFrameIsBadFrameWithoutAllocating) {
  ScriptedServer server([](int fd) {
    do_handshake(fd);
    std::string h("\x82\x7f\x40\x00\x00\x00\x00\x00\x00\x00", 10);
    write_all(fd, h);
    for (int i = 0; i < 20; ++i) {
      if (!write_all(fd, std::string(1024, 'x'))) break;
      usleep(5000);
    }
  });
  long before = max_rss_kib();
  WireLog log;
  Probe p(target_of(server), log);
  ASSERT_TRUE(p.handshake().is_ok());
  auto o = p.next(Millis{2000});
  ASSERT_EQ(o.kind, K::kBadFrame) << describe(o);
  EXPECT_NE(o.detail.find("message exceeds probe limit"), std::string::npos) << o.detail;
  EXPECT_LT(max_rss_kib() - before, 64 * 1024);
}

// The same bound holds for a message split into many small fragments.
TEST(HarnessProbe, FragmentsBeyondTheLimitAreBadFrame) {
  ScriptedServer server([](int fd) {
    do_handshake(fd);
    std::string chunk(300, 'a');
    write_all(fd, server_frame(0x01, chunk));
    for (int i = 0; i < 10; ++i) {
      if (!write_all(fd, server_frame(0x00, chunk))) break;
    }
    read_until_quiet(fd, 200);
  });
  WireLog log;
  ProbeOptions o;
  o.max_message_bytes = 1000;
  Probe p(target_of(server), log, o);
  ASSERT_TRUE(p.handshake().is_ok());
  auto obs = p.next(Millis{1000});
  ASSERT_EQ(obs.kind, K::kBadFrame) << describe(obs);
  EXPECT_NE(obs.detail.find("message exceeds probe limit"), std::string::npos);
}

TEST(HarnessProbe, SilenceIsTimeout) {
  ScriptedServer server([](int fd) {
    do_handshake(fd);
    read_until_quiet(fd, 500);
  });
  WireLog log;
  Probe p(target_of(server), log);
  ASSERT_TRUE(p.handshake().is_ok());
  EXPECT_EQ(p.next(Millis{60}).kind, K::kTimeout);
}

TEST(HarnessProbe, PeerFinIsTcpClosed) {
  ScriptedServer server([](int fd) { do_handshake(fd); });
  WireLog log;
  Probe p(target_of(server), log);
  ASSERT_TRUE(p.handshake().is_ok());
  auto o = p.next(Millis{1000});
  EXPECT_EQ(o.kind, K::kTcpClosed);
  EXPECT_FALSE(o.reset);
  EXPECT_EQ(p.next(Millis{1000}).kind, K::kTcpClosed);  // stays closed, at once
}

TEST(HarnessProbe, PeerResetIsTcpClosedWithReset) {
  ScriptedServer server([](int fd) {
    do_handshake(fd);
    reset_close(fd);
  });
  WireLog log;
  Probe p(target_of(server), log);
  ASSERT_TRUE(p.handshake().is_ok());
  auto o = p.next(Millis{1000});
  EXPECT_EQ(o.kind, K::kTcpClosed);
  EXPECT_TRUE(o.reset);
}

// §5.5.1: a Close body of 1 byte is malformed; the probe still reports the
// Close, with what is wrong in `detail`.
TEST(HarnessProbe, MalformedCloseBodyIsCloseWithDetail) {
  ScriptedServer server([](int fd) {
    do_handshake(fd);
    write_all(fd, server_frame(0x88, std::string("\x03", 1)));
    read_until_quiet(fd, 200);
  });
  WireLog log;
  Probe p(target_of(server), log);
  ASSERT_TRUE(p.handshake().is_ok());
  auto o = p.next(Millis{1000});
  EXPECT_EQ(o.kind, K::kClose);
  EXPECT_FALSE(o.code.has_value());
  EXPECT_FALSE(o.detail.empty());
}

// §5.5.1: "the endpoint MUST send a Close frame in response" — collect() does,
// echoing the code, and ends with the peer's TCP close.
TEST(HarnessProbe, CollectAnswersCloseAndEndsWithTcpClosed) {
  std::string got;
  ScriptedServer server([&](int fd) {
    do_handshake(fd);
    write_all(fd, server_frame(0x81, "bye") + server_frame(0x88, std::string("\x03\xe8", 2)));
    got = read_exact(fd, 8, 1000);  // masked close with a 2-byte body: 2 + 4 + 2
  });
  WireLog log;
  Probe p(target_of(server), log);
  ASSERT_TRUE(p.handshake().is_ok());
  auto all = p.collect(Millis{1000});
  ASSERT_GE(all.size(), 3u);
  EXPECT_EQ(all[0].kind, K::kText);
  EXPECT_EQ(all[1].kind, K::kClose);
  EXPECT_EQ(all[1].code, std::optional<std::uint16_t>(1000));
  EXPECT_EQ(all.back().kind, K::kTcpClosed);
  std::uint8_t op = 0;
  std::string payload;
  std::size_t used = 0;
  ASSERT_TRUE(parse_client_frame(got, op, payload, used));
  EXPECT_EQ(op, 0x8);
  EXPECT_EQ(payload, std::string("\x03\xe8", 2));
}

// §5.3: every frame a client sends is masked; send_chopped splits the bytes
// into separate writes, each recorded.
TEST(HarnessProbe, SendChoppedWritesMaskedPiecesAndLogsEach) {
  std::string got;
  ScriptedServer server([&](int fd) {
    do_handshake(fd);
    got = read_exact(fd, 6 + 10, 1000);
  });
  WireLog log;
  Probe p(target_of(server), log);
  ASSERT_TRUE(p.handshake().is_ok());
  auto frame = FrameBuilder().opcode(Opcode::kText).random_mask().payload("0123456789").build();
  ASSERT_TRUE(p.send_chopped(frame, 3).is_ok());
  std::uint8_t op = 0;
  std::string payload;
  std::size_t used = 0;
  for (int i = 0; i < 100 && got.size() < 16; ++i) usleep(10000);
  ASSERT_TRUE(parse_client_frame(got, op, payload, used));
  EXPECT_EQ(payload, "0123456789");
  std::size_t sent_records = 0;
  for (const auto& r : log.records()) {
    if (r.direction == Direction::kSent) ++sent_records;
  }
  EXPECT_EQ(sent_records, 1u + 6u);  // the request, then 16 bytes in chops of 3
}

// A server that echoes while the probe is still writing must not deadlock it.
TEST(HarnessProbe, LargeWriteWhileServerEchoesDoesNotDeadlock) {
  ScriptedServer server([](int fd) {
    do_handshake(fd);
    char tmp[65536];
    std::size_t total = 0;
    // Echo raw bytes back as one unmasked binary frame stream: read everything first-in, write out.
    write_all(fd, std::string("\x82\x7f\x00\x00\x00\x00\x00\x80\x00\x00", 10));  // 8 MiB binary
    while (total < (8u << 20)) {
      ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
      if (n <= 0) break;
      total += static_cast<std::size_t>(n);
      write_all(fd, std::string(static_cast<std::size_t>(n), 'e'));
    }
    read_until_quiet(fd, 200);
  });
  WireLog log;
  Probe p(target_of(server), log);
  ASSERT_TRUE(p.handshake().is_ok());
  ASSERT_TRUE(p.send(std::string(8u << 20, 'x')).is_ok());
  // The server echoed (8 MiB) + frame overhead; the probe reassembles what it could.
  auto o = p.next(Millis{3000});
  EXPECT_EQ(o.kind, K::kBinary) << describe(o);
  EXPECT_EQ(o.payload.size(), 8u << 20);
}

// The runner's watchdog cancels a case: a blocked wait returns at once and
// the probe throws CaseCancelled so the case function unwinds.
TEST(HarnessProbe, CancelUnblocksAWaitAndThrows) {
  ScriptedServer server([](int fd) {
    do_handshake(fd);
    read_until_quiet(fd, 3000);
  });
  WireLog log;
  ProbeOptions o;
  o.cancel = std::make_shared<CancelToken>();
  Probe p(target_of(server), log, o);
  ASSERT_TRUE(p.handshake().is_ok());
  std::thread canceller([c = o.cancel] {
    usleep(50000);
    c->cancel();
  });
  EXPECT_THROW(p.next(Millis{60000}), CaseCancelled);
  canceller.join();
}

TEST(HarnessProbe, TimeoutScaleMultipliesWaits) {
  WireLog log;
  ProbeOptions o;
  o.timeout_scale = 2.5;
  Probe p(Target{}, log, o);
  EXPECT_EQ(p.scaled(Millis{100}).count(), 250);
}

}  // namespace
}  // namespace wslab::harness
