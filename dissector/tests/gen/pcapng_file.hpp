// A minimal pcapng writer (pcapng spec, draft-ietf-opsawg-pcapng: SHB, IDB, EPB blocks) for the
// dissector's test captures: one section, one Ethernet interface, microsecond timestamps,
// optional per-packet comments. Deterministic: same calls, same bytes.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace wslab::dissector_test {

class PcapngFile {
 public:
  // Opens `path` for writing and writes the section and interface headers.
  PcapngFile(const std::string& path, std::string_view application);
  ~PcapngFile();
  PcapngFile(const PcapngFile&) = delete;
  PcapngFile& operator=(const PcapngFile&) = delete;

  [[nodiscard]] bool ok() const { return file_ != nullptr && ok_; }
  // One Enhanced Packet Block; `frame` is an Ethernet frame; ts_us is µs since the Unix epoch.
  void write_packet(std::uint64_t ts_us, std::string_view frame, std::string_view comment = {});

 private:
  void write_block(std::uint32_t type, const std::string& body);

  std::FILE* file_ = nullptr;
  bool ok_ = true;
};

}  // namespace wslab::dissector_test
