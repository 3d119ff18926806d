// The App decides on each valid upgrade (RFC 6455 §4.2.2: the server may
// refuse with any HTTP error, and picks at most one subprotocol the client
// offered, §4.2.2 item 5.4 /subprotocol/).
#include <gtest/gtest.h>

#include "support.hpp"
#include "wslab/net/echo_app.hpp"

namespace wslab::net::test {
namespace {

class TokenApp : public EchoApp {
 public:
  UpgradeDecision on_upgrade(const UpgradeRequest& r) override {
    if (r.path.find("token=") == std::string_view::npos)
      return UpgradeDecision::reject(401, "token required");
    if (r.path.find("token=good") == std::string_view::npos)
      return UpgradeDecision::reject(403, "bad token");
    return UpgradeDecision::accept(std::string(r.suggested_subprotocol));
  }
};

ServerOptions options() {
  ServerOptions o;
  o.log = LogLevel::kQuiet;
  o.session.server.subprotocols = {"chat.v2", "chat.v1"};
  return o;
}

TEST(NetUpgrade, AppRejectsMissingTokenWith401) {
  TokenApp app;
  ServerThread server(app, options());
  RawClient c;
  ASSERT_TRUE(c.connect(server.port()));
  EXPECT_FALSE(c.handshake("/room"));
  EXPECT_EQ(c.response_status(), 401);
}

TEST(NetUpgrade, AppRejectsBadTokenWith403) {
  TokenApp app;
  ServerThread server(app, options());
  RawClient c;
  ASSERT_TRUE(c.connect(server.port()));
  EXPECT_FALSE(c.handshake("/room?token=evil"));
  EXPECT_EQ(c.response_status(), 403);
}

TEST(NetUpgrade, AcceptedUpgradeCarriesPathToApp) {
  TokenApp app;
  ServerThread server(app, options());
  RawClient c;
  ASSERT_TRUE(c.connect(server.port()));
  ASSERT_TRUE(c.handshake("/room?token=good")) << c.response_head();
  ASSERT_TRUE(c.send_frame(Opcode::kText, "in"));
  Frame f;
  ASSERT_EQ(c.read_frame(f), ReadEnd::kFrame);
  EXPECT_EQ(f.payload, "in");
}

// The suggestion follows the server's preference order, not the client's.
TEST(NetUpgrade, SuggestedSubprotocolFollowsServerPreference) {
  TokenApp app;
  ServerThread server(app, options());
  RawClient c;
  ASSERT_TRUE(c.connect(server.port()));
  ASSERT_TRUE(c.handshake("/?token=good", {"Sec-WebSocket-Protocol: chat.v1, chat.v2"}));
  EXPECT_NE(c.response_head().find("Sec-WebSocket-Protocol: chat.v2"), std::string::npos)
      << c.response_head();
}

// Origin policy is core's (§4.2.2 item 4, §10.2): a disallowed Origin gets 403.
TEST(NetUpgrade, DisallowedOriginGets403) {
  EchoApp app;
  ServerOptions o = options();
  o.session.server.allowed_origins = {"http://good.example"};
  ServerThread server(app, o);
  RawClient c;
  ASSERT_TRUE(c.connect(server.port()));
  EXPECT_FALSE(c.handshake("/", {"Origin: http://evil.example"}));
  EXPECT_EQ(c.response_status(), 403);
}

}  // namespace
}  // namespace wslab::net::test
