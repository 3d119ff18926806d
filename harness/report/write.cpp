// Writing report files: each one atomically (a temporary file in the same
// directory, then rename), so a reader never sees half a report.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "wslab/harness/pcapng.hpp"
#include "wslab/harness/report.hpp"

namespace wslab::harness {
namespace {

std::atomic<unsigned> g_tmp_counter{0};

// Case ids are dotted lower-case words; keep file names to a safe alphabet anyway.
std::string file_name_for(const std::string& id) {
  std::string out;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_';
    out += ok ? c : '_';
  }
  if (out.empty() || out[0] == '.') out = "_" + out;
  return out;
}

}  // namespace

Status write_file_atomic(const std::string& path, std::string_view content) {
  std::string tmp = path + ".tmp-" + std::to_string(::getpid()) + "-" +
                    std::to_string(g_tmp_counter.fetch_add(1));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::fail("cannot write " + path + ": " + std::strerror(errno));
  std::size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::fail("cannot write " + path + ": " + std::strerror(e));
    }
    off += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return Status::fail("cannot write " + path + ": " + std::strerror(e));
  }
  return Status::ok();
}

Result<std::vector<std::string>> write_reports(const std::string& dir, const RunReport& report,
                                               const ReportOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error{"cannot create report directory " + dir + ": " + ec.message()};
  std::vector<std::string> written;
  ReportOptions plain = options;
  plain.color = false;
  auto put = [&](const std::string& name, const std::string& content) -> Status {
    std::string path = (fs::path(dir) / name).string();
    auto st = write_file_atomic(path, content);
    if (st) written.push_back(path);
    return st;
  };
  for (auto [name, content] : std::initializer_list<std::pair<const char*, std::string>>{
           {"report.json", render_json(report, options)},
           {"junit.xml", render_junit(report, options)},
           {"results.json", render_gradescope(report, options)},
           {"classroom.json", render_classroom(report, options)},
           {"report.html", render_html(report, options)},
           {"report.txt", render_text(report, plain)}}) {
    auto st = put(name, content);
    if (!st) return Error{st.message()};
  }
  // One capture per failing case, with the verdict as the first packet's comment.
  fs::path pcap_dir = fs::path(dir) / "pcap";
  bool any = false;
  for (const auto& o : report.outcomes) {
    if (!o.failed() || o.wire.empty()) continue;
    if (!any) {
      fs::create_directories(pcap_dir, ec);
      if (ec) return Error{"cannot create " + pcap_dir.string() + ": " + ec.message()};
      any = true;
    }
    PcapOptions po;
    po.server_port = 80;
    auto colon = report.target_url.rfind(':');
    if (colon != std::string::npos) {
      try {
        po.server_port = static_cast<std::uint16_t>(std::stoi(report.target_url.substr(colon + 1)));
      } catch (...) {
        po.server_port = 80;
      }
    }
    po.comment = "wslab " + std::string(verdict_name(o.result.verdict)) + " " + o.info.id +
                 "\nexpected: " + o.result.expected + "\nobserved: " + o.result.observed;
    if (!o.info.rfc_section.empty()) po.comment += "\n" + rule_reference(o.info);
    po.base_unix_us =
        std::chrono::duration_cast<std::chrono::microseconds>(o.started.time_since_epoch()).count();
    auto st = put("pcap/" + file_name_for(o.info.id) + ".pcapng", build_pcapng(o.wire, po));
    if (!st) return Error{st.message()};
  }
  return written;
}

}  // namespace wslab::harness
