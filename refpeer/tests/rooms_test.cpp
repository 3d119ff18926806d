// wslab.rooms.v1 on the libwebsockets reference server (docs/rooms-protocol.md),
// driven by RefClient: the transport rules (§1 subprotocol, §2 framing and
// closes) and one conversation through the rooms engine (§10.1).
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "raw_ws.hpp"
#include "wslab/refpeer/client.hpp"
#include "wslab/refpeer/server.hpp"

namespace wslab::refpeer {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kRooms = "wslab.rooms.v1";

class RefpeerRooms : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.start()); }
  void connect(RefClient& c) {
    std::string error;
    ASSERT_TRUE(c.connect(server_.url("/rooms"), &error)) << error;
    ASSERT_EQ(c.subprotocol(), kRooms);
  }
  // The next event as JSON (a null json on timeout).
  static json next(RefClient& c) {
    const auto m = c.receive(2s);
    if (!m) return json();
    EXPECT_FALSE(m->binary);
    return json::parse(m->payload, nullptr, false);
  }
  static ClientOptions rooms_client() {
    ClientOptions o;
    o.subprotocol = kRooms;
    return o;
  }
  RefServer server_;
};

// §1: the server selects exactly wslab.rooms.v1 when it is offered, also
// behind an unknown name.
TEST_F(RefpeerRooms, SelectsRoomsSubprotocol) {
  test::RawClient raw;
  ASSERT_TRUE(raw.connect(server_.port()));
  ASSERT_TRUE(raw.send(test::upgrade_request(
      server_.port(), "Sec-WebSocket-Protocol: chat.v9, wslab.rooms.v1\r\n")));
  const std::string head = raw.read_head();
  ASSERT_EQ(test::status_code(head), 101) << head;
  EXPECT_EQ(test::header_value(head, "Sec-WebSocket-Protocol"), kRooms);
}

// §4.1, §5.1, §4.2, §4.4, §5.5, §10.1: hello/welcome, join/joined, presence,
// and a `say` delivered to every member, the sender included, with seq 1.
TEST_F(RefpeerRooms, HelloJoinSayReachesEveryMember) {
  RefClient alice(rooms_client()), bob(rooms_client());
  connect(alice);
  connect(bob);
  ASSERT_TRUE(alice.send_text(R"({"type":"hello","name":"alice","ref":1})"));
  json e = next(alice);
  EXPECT_EQ(e["type"], "welcome");
  EXPECT_EQ(e["name"], "alice");
  EXPECT_EQ(e["ref"], 1);
  ASSERT_TRUE(alice.send_text(R"({"type":"join","room":"lobby"})"));
  EXPECT_EQ(next(alice)["type"], "joined");

  ASSERT_TRUE(bob.send_text(R"({"type":"hello","name":"alice"})"));
  EXPECT_EQ(next(bob)["name"], "alice-2");  // §3: the server assigns names
  ASSERT_TRUE(bob.send_text(R"({"type":"join","room":"lobby"})"));
  EXPECT_EQ(next(bob)["members"], json::array({"alice", "alice-2"}));
  e = next(alice);
  EXPECT_EQ(e["type"], "presence");
  EXPECT_EQ(e["action"], "join");

  ASSERT_TRUE(bob.send_text(R"({"type":"say","room":"lobby","text":"hi"})"));
  for (RefClient* c : {&alice, &bob}) {
    e = next(*c);
    EXPECT_EQ(e["type"], "message");
    EXPECT_EQ(e["seq"], 1);
    EXPECT_EQ(e["from"], "alice-2");
    EXPECT_EQ(e["text"], "hi");
  }
}

// §5.5: a member whose connection ends leaves with reason "disconnected".
TEST_F(RefpeerRooms, DisconnectIsPresenceLeave) {
  RefClient alice(rooms_client());
  connect(alice);
  ASSERT_TRUE(alice.send_text(R"({"type":"hello","name":"alice"})"));
  ASSERT_TRUE(alice.send_text(R"({"type":"join","room":"r"})"));
  {
    RefClient bob(rooms_client());
    connect(bob);
    ASSERT_TRUE(bob.send_text(R"({"type":"hello","name":"bob"})"));
    ASSERT_TRUE(bob.send_text(R"({"type":"join","room":"r"})"));
    EXPECT_EQ(next(bob)["type"], "welcome");
    EXPECT_EQ(next(bob)["type"], "joined");
    ASSERT_TRUE(bob.close(1000, "", 2s).has_value());
  }
  EXPECT_EQ(next(alice)["type"], "welcome");
  EXPECT_EQ(next(alice)["type"], "joined");
  EXPECT_EQ(next(alice)["action"], "join");
  const json e = next(alice);
  EXPECT_EQ(e["action"], "leave");
  EXPECT_EQ(e["reason"], "disconnected");
}

// §8: errors are events and the connection stays open.
TEST_F(RefpeerRooms, ErrorKeepsConnectionOpen) {
  RefClient c(rooms_client());
  connect(c);
  ASSERT_TRUE(c.send_text(R"({"type":"say","room":"x","text":"early"})"));
  const json e = next(c);
  EXPECT_EQ(e["type"], "error");
  EXPECT_EQ(e["code"], "hello_required");
  EXPECT_TRUE(c.is_open());
}

// §2: a binary message is refused with close 1003.
TEST_F(RefpeerRooms, BinaryMessageCloses1003) {
  RefClient c(rooms_client());
  connect(c);
  ASSERT_TRUE(c.send_binary("\x01\x02"));
  const auto info = c.wait_closed(3s);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->code, 1003);
}

// §2, §9: a client message over 16 KiB is refused with close 1009.
TEST_F(RefpeerRooms, MessageOver16KiBCloses1009) {
  RefClient c(rooms_client());
  connect(c);
  ASSERT_TRUE(c.send_text(std::string(16385, ' ')));
  const auto info = c.wait_closed(3s);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->code, 1009);
}

}  // namespace
}  // namespace wslab::refpeer
