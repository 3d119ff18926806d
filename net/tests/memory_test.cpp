// Idle connections must be cheap: net keeps at most 1 KiB of its own state
// per idle connection beyond the Session (no per-connection read buffer; the
// loop shares one). Not an RFC rule: the benchmark budget for scale.
#include <gtest/gtest.h>

#include "support.hpp"
#include "wslab/net/connection.hpp"
#include "wslab/net/echo_app.hpp"

namespace wslab::net::test {
namespace {

TEST(NetMemory, IdleConnectionOwnStateUnder1KiB) {
  EchoApp app;
  ServerOptions o;
  o.log = LogLevel::kQuiet;
  o.session.server.subprotocols = {"chat"};
  ServerThread server(app, o);
  constexpr int kClients = 20;
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<RawClient>());
    ASSERT_TRUE(clients.back()->connect(server.port()));
    ASSERT_TRUE(clients.back()->handshake("/some/longer/path/than/sso?x=1",
                                          {"Sec-WebSocket-Protocol: chat"}));
    // A message each, so buffers were used once and must have shrunk back.
    ASSERT_TRUE(clients.back()->send_frame(Opcode::kBinary, std::string(100000, 'm')));
    Frame f;
    ASSERT_EQ(clients.back()->read_frame(f), ReadEnd::kFrame);
  }
  std::size_t max_own = 0;
  std::size_t max_session = 0;
  int seen = 0;
  ASSERT_TRUE(server.call([&](Server& s) {
    for (std::uint64_t id = 1; id <= kClients; ++id) {
      if (Connection* c = s.find(id)) {
        ++seen;
        max_own = std::max(max_own, c->own_memory_footprint());
        max_session = std::max(max_session, c->session().memory_footprint());
      }
    }
  }));
  EXPECT_EQ(seen, kClients);
  EXPECT_LE(max_own, 1024u);
  RecordProperty("own_bytes_per_idle_connection", static_cast<int>(max_own));
  RecordProperty("session_bytes_per_idle_connection", static_cast<int>(max_session));
  std::printf("idle connection: %zu bytes of net state + %zu bytes of Session\n", max_own,
              max_session);
}

}  // namespace
}  // namespace wslab::net::test
