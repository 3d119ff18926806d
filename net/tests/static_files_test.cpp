// Plain HTTP on the WebSocket port: static files from --web-root, with a safe
// mapping from request-target to file (RFC 9110 GET; the traversal rules are
// ours). Without a web root a plain GET gets 426 (RFC 6455 §4.2.2 / RFC 9110 §15.5.22).
#include "wslab/net/static_files.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "support.hpp"
#include "wslab/net/echo_app.hpp"

namespace wslab::net::test {
namespace {

class NetStaticFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/wslab-net-static-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base = tmpl;
    root = base + "/root";
    ::mkdir(root.c_str(), 0755);
    ::mkdir((root + "/css").c_str(), 0755);
    write(root + "/index.html", "<h1>rooms</h1>");
    write(root + "/css/site.css", "body{}");
    write(base + "/secret.txt", "top secret");
    ASSERT_EQ(::symlink("../secret.txt", (root + "/link.txt").c_str()), 0);
    ServerOptions o;
    o.log = LogLevel::kQuiet;
    o.web_root = root;
    server = std::make_unique<ServerThread>(app, o);
  }
  void TearDown() override {
    server.reset();
    std::string cmd = "rm -rf '" + base + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  static void write(const std::string& path, const std::string& content) {
    std::ofstream(path) << content;
  }
  std::string get(const std::string& target) {
    RawClient c;
    EXPECT_TRUE(c.connect(server->port()));
    return c.http_get(target);
  }

  EchoApp app;
  std::string base;
  std::string root;
  std::unique_ptr<ServerThread> server;
};

TEST_F(NetStaticFiles, ServesIndexForRootWithHtmlType) {
  std::string r = get("/");
  EXPECT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << r;
  EXPECT_NE(r.find("Content-Type: text/html; charset=utf-8"), std::string::npos) << r;
  EXPECT_NE(r.find("<h1>rooms</h1>"), std::string::npos);
}

TEST_F(NetStaticFiles, ServesCssWithCssType) {
  std::string r = get("/css/site.css?v=2");
  EXPECT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << r;
  EXPECT_NE(r.find("Content-Type: text/css"), std::string::npos) << r;
}

TEST_F(NetStaticFiles, MissingFileIs404) {
  EXPECT_EQ(get("/nope.js").rfind("HTTP/1.1 404", 0), 0u);
}

TEST_F(NetStaticFiles, RefusesDotDotTraversal) {
  for (const char* target : {"/../secret.txt", "/css/../../secret.txt", "/%2e%2e/secret.txt",
                             "/%2E%2E%2Fsecret.txt", "/css/..%2f..%2fsecret.txt"}) {
    std::string r = get(target);
    EXPECT_EQ(r.rfind("HTTP/1.1 403", 0), 0u) << target << "\n" << r;
    EXPECT_EQ(r.find("top secret"), std::string::npos) << target;
  }
}

TEST_F(NetStaticFiles, RefusesSymlinkLeavingRoot) {
  std::string r = get("/link.txt");
  EXPECT_EQ(r.rfind("HTTP/1.1 403", 0), 0u) << r;
  EXPECT_EQ(r.find("top secret"), std::string::npos);
}

TEST_F(NetStaticFiles, WebSocketUpgradeStillWorksNextToFiles) {
  RawClient c;
  ASSERT_TRUE(c.connect(server->port()));
  ASSERT_TRUE(c.handshake("/"));
  ASSERT_TRUE(c.send_frame(Opcode::kText, "hi"));
  Frame f;
  ASSERT_EQ(c.read_frame(f), ReadEnd::kFrame);
  EXPECT_EQ(f.payload, "hi");
}

TEST(NetStaticPaths, MapsTargetsToRelativePaths) {
  EXPECT_EQ(*safe_relative_path("/"), "index.html");
  EXPECT_EQ(*safe_relative_path("/a/b.js?x=1"), "a/b.js");
  EXPECT_EQ(*safe_relative_path("/a/"), "a/index.html");
  EXPECT_EQ(*safe_relative_path("/./a//b.css"), "a/b.css");
  EXPECT_EQ(*safe_relative_path("/hello%20world.txt"), "hello world.txt");
  EXPECT_FALSE(safe_relative_path("/a/../../b").is_ok());
  EXPECT_FALSE(safe_relative_path("/%00").is_ok());
  EXPECT_FALSE(safe_relative_path("/%zz").is_ok());
  EXPECT_FALSE(safe_relative_path("/%2").is_ok());
  EXPECT_FALSE(safe_relative_path("relative").is_ok());
  EXPECT_FALSE(safe_relative_path("/a\\..\\b").is_ok());
}

TEST(NetStaticPaths, ContentTypesByExtension) {
  EXPECT_EQ(content_type_for("a.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("a.json"), "application/json");
  EXPECT_EQ(content_type_for("a.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("a.bin"), "application/octet-stream");
}

// Without a web root (and an app that does not serve HTTP), a plain GET is
// told to upgrade.
TEST(NetPlainHttp, WithoutWebRootGetIs426) {
  EchoApp app;
  ServerOptions o;
  o.log = LogLevel::kQuiet;
  ServerThread server(app, o);
  RawClient c;
  ASSERT_TRUE(c.connect(server.port()));
  std::string r = c.http_get("/");
  EXPECT_EQ(r.rfind("HTTP/1.1 426", 0), 0u) << r;
}

}  // namespace
}  // namespace wslab::net::test
