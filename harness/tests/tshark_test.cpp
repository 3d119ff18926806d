// Wireshark reads the synthesised capture: tshark opens it, dissects the
// HTTP upgrade and then the WebSocket frames (RFC 6455 §5.2), and shows the
// verdict comment. Skipped when tshark is not installed. (ctest label "tshark")
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "report_fixture.hpp"
#include "wslab/harness/pcapng.hpp"
#include "wslab/harness/report.hpp"

namespace wslab::harness {
namespace {

std::string run(const std::string& cmd, int& status) {
  std::string out;
  FILE* f = ::popen(cmd.c_str(), "r");
  if (f == nullptr) {
    status = -1;
    return out;
  }
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  status = ::pclose(f);
  return out;
}

TEST(HarnessTshark, DissectsTheWebSocketFramesOfAGeneratedCapture) {
  int status = 0;
  run("command -v tshark >/dev/null 2>&1", status);
  if (status != 0) GTEST_SKIP() << "tshark is not installed";
  auto dir =
      std::filesystem::temp_directory_path() / ("wslab-tshark-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "case.pcapng").string();
  PcapOptions po;
  po.server_port = 9001;
  po.comment = "wslab FAIL close.code.invalid.1005";
  ASSERT_TRUE(write_file_atomic(path, build_pcapng(testing::sample_wire(), po)).is_ok());
  std::filesystem::permissions(dir, std::filesystem::perms::all);
  std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::group_read |
                                         std::filesystem::perms::others_read);
  // One tshark run: the WebSocket frames with opcode and close code, and the comment.
  std::string out = run("tshark -n -r '" + path +
                            "' -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -Y websocket "
                            "-T fields -E separator=/t -e websocket.opcode -e websocket.mask "
                            "-e websocket.payload.close.status_code -e frame.comment "
                            "-e ip.checksum.status -e tcp.checksum.status 2>/dev/null",
                        status);
  std::filesystem::remove_all(dir);
  ASSERT_EQ(status, 0) << out;
  // Two close frames: ours (masked, 1005) and the server's (1000).
  EXPECT_NE(out.find("8\t1\t1005"), std::string::npos) << out;
  EXPECT_NE(out.find("8\t0\t1000"), std::string::npos) << out;
  // ip.checksum.status and tcp.checksum.status: 1 = good (0 bad, 2 unverified).
  std::size_t pos = 0, lines = 0;
  while (pos < out.size()) {
    auto nl = out.find('\n', pos);
    std::string line = out.substr(pos, nl - pos);
    pos = nl == std::string::npos ? out.size() : nl + 1;
    ++lines;
    EXPECT_TRUE(line.size() >= 4 && line.substr(line.size() - 4) == "\t1\t1")
        << "checksums not verified good: " << line;
  }
  EXPECT_GE(lines, 2u);
}

}  // namespace
}  // namespace wslab::harness
