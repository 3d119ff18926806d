// Lab 5, steps 6-7: authentication and the subprotocol on connect
// (docs/rooms-protocol.md §1), then the whole thing over TCP: net's server,
// YOUR Session and YOUR rooms engine behind the provided adapter.
#include <nlohmann/json.hpp>
#include <string>

#include "bytes.hpp"
#include "lab_rooms_app.hpp"
#include "lab_test.hpp"
#include "loopback.hpp"
#include "server_thread.hpp"
#include "wslab/rooms/auth.hpp"

namespace wslab::rooms {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using labtest::escaped;

WSLAB_LAB_SUITE(Lab5Auth);
WSLAB_LAB_SUITE(Lab5Network);

TEST_F(Lab5Auth, QueryParameterIsPercentDecoded) {
  EXPECT_EQ(query_parameter("/rooms?token=s3cret", "token").value_or("(none)"), "s3cret");
  EXPECT_EQ(query_parameter("/rooms?a=1&token=a%2Fb+c&token=second", "token").value_or("(none)"),
            "a/b+c")
      << "the first token parameter, %XX decoded, '+' not special";
  EXPECT_FALSE(query_parameter("/rooms", "token").has_value());
  EXPECT_FALSE(query_parameter("/rooms?tokenx=1", "token").has_value())
      << "a whole key, not a prefix";
}

TEST_F(Lab5Auth, TokenFileSkipsCommentsAndBlankLines) {
  auto r = parse_token_file("# tokens\n\n  alpha \r\nbeta\n");
  ASSERT_TRUE(r.is_ok()) << r.error();
  EXPECT_EQ(r->size(), 2u);
  EXPECT_TRUE(r->accepts("alpha"));
  EXPECT_FALSE(r->accepts("gamma"));
  EXPECT_FALSE(parse_token_file("# nothing here\n").is_ok())
      << "a file without tokens must not silently turn authentication off";
}

// §1's order: token (401 missing, 403 refused), then the subprotocol (400).
TEST_F(Lab5Auth, UpgradeChecksTokenThenSubprotocol) {
  TokenSet tokens;
  tokens.add("s3cret");
  const std::vector<std::string> offered = {"wslab.rooms.v1"};
  EXPECT_EQ(check_upgrade("/rooms", offered, tokens).status, 401) << "no token";
  EXPECT_EQ(check_upgrade("/rooms?token=wrong", offered, tokens).status, 403) << "a wrong token";
  EXPECT_EQ(check_upgrade("/rooms?token=s3cret", {"chat"}, tokens).status, 400)
      << "no wslab.rooms.v1 offered";
  EXPECT_EQ(check_upgrade("/rooms?token=s3cret", offered, tokens).status, 101);
  EXPECT_EQ(check_upgrade("/rooms", offered, TokenSet{}).status, 101)
      << "no tokens configured: none needed";
  const auto v = check_upgrade("/rooms", offered, tokens);
  bool www = false;
  for (const auto& h : v.headers) www = www || h.name == "WWW-Authenticate";
  EXPECT_TRUE(www) << "a 401 names the scheme: WWW-Authenticate (§1)";
}

// ---- step 7: over TCP -------------------------------------------------------------

struct RoomsServer {
  net::ServerOptions options;
  std::unique_ptr<net::App> app = labs::make_lab_rooms_app(options);
  labtest::ServerThread thread{*app, options};
};

bool open_rooms(labtest::RawClient& c, std::uint16_t port, std::string& head) {
  if (!c.connect(port)) {
    head = c.error();
    return false;
  }
  c.send(labtest::upgrade_request("/rooms", {}, "Sec-WebSocket-Protocol: wslab.rooms.v1\r\n"));
  c.read_until(labtest::has_http_head, 3000ms);
  const auto end = c.received().find("\r\n\r\n");
  head = c.received().substr(0, end == std::string::npos ? c.received().size() : end + 4);
  c.received().erase(0, head.size());
  return head.rfind("HTTP/1.1 101", 0) == 0;
}

// Reads frames until one text message arrives; returns it parsed (or null).
json next_text(labtest::RawClient& c) {
  json out;
  c.read_until(
      [&](std::string_view bytes) {
        std::string rest;
        for (const auto& f : labtest::parse_frames(bytes, &rest)) {
          if (f.opcode == 0x1) {
            out = json::parse(f.payload, nullptr, false);
            return true;
          }
        }
        return false;
      },
      3000ms);
  std::string rest;
  labtest::parse_frames(c.received(), &rest);
  c.received() = rest;
  return out;
}

TEST_F(Lab5Network, HandshakeSelectsTheSubprotocolAndHelloWorks) {
  RoomsServer s;
  ASSERT_TRUE(s.thread.ok()) << s.thread.error();
  labtest::RawClient c;
  std::string head;
  ASSERT_TRUE(open_rooms(c, s.thread.port(), head))
      << "did: an upgrade offering wslab.rooms.v1\nexpected: 101\nactual: " << escaped(head);
  EXPECT_NE(head.find("Sec-WebSocket-Protocol: wslab.rooms.v1\r\n"), std::string::npos)
      << "the 101 must select wslab.rooms.v1 (§1)\nactual: " << escaped(head);
  c.send(labtest::client_frame(0x1, R"({"type":"hello","name":"alice"})"));
  const json w = next_text(c);
  EXPECT_EQ(w.value("type", ""), "welcome") << "did: hello\nreceived: " << w.dump();
  EXPECT_EQ(w.value("name", ""), "alice");
}

TEST_F(Lab5Network, UpgradeWithoutTheSubprotocolIsRefused) {
  RoomsServer s;
  ASSERT_TRUE(s.thread.ok()) << s.thread.error();
  labtest::RawClient c;
  ASSERT_TRUE(c.connect(s.thread.port())) << c.error();
  c.send(labtest::upgrade_request("/rooms"));
  c.read_until(labtest::has_http_head, 3000ms);
  EXPECT_EQ(c.received().rfind("HTTP/1.1 400", 0), 0u)
      << "did: an upgrade without Sec-WebSocket-Protocol\nexpected: 400 (§1)\nactual: "
      << escaped(c.received());
}

TEST_F(Lab5Network, BinaryMessageClosesWith1003) {
  RoomsServer s;
  ASSERT_TRUE(s.thread.ok()) << s.thread.error();
  labtest::RawClient c;
  std::string head;
  ASSERT_TRUE(open_rooms(c, s.thread.port(), head)) << escaped(head);
  c.send(labtest::client_frame(0x2, "binary"));
  bool closed = c.read_until(
      [](std::string_view bytes) {
        for (const auto& f : labtest::parse_frames(bytes)) {
          if (f.opcode == 0x8) return true;
        }
        return false;
      },
      3000ms);
  ASSERT_TRUE(closed) << "did: send a binary message\nexpected: a Close 1003 (§2)\nreceived: "
                      << labtest::describe(labtest::parse_frames(c.received()));
  for (const auto& f : labtest::parse_frames(c.received())) {
    if (f.opcode != 0x8) continue;
    ASSERT_GE(f.payload.size(), 2u);
    EXPECT_EQ(
        (static_cast<unsigned char>(f.payload[0]) << 8) | static_cast<unsigned char>(f.payload[1]),
        1003);
  }
}

}  // namespace
}  // namespace wslab::rooms
