// A minimal pcapng writer (see pcapng_file.hpp).
#include "pcapng_file.hpp"

namespace wslab::dissector_test {
namespace {

void put16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>(v >> 8));
}
void put32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void pad4(std::string& out) {
  while (out.size() % 4 != 0) out.push_back('\0');
}
// An option: code, length, value padded to 4 bytes.
void put_option(std::string& out, std::uint16_t code, std::string_view value) {
  put16(out, code);
  put16(out, static_cast<std::uint16_t>(value.size()));
  out.append(value);
  pad4(out);
}
void end_options(std::string& out) {
  put32(out, 0);
}

constexpr std::uint32_t kSectionHeader = 0x0A0D0D0A;
constexpr std::uint32_t kInterfaceDescription = 1;
constexpr std::uint32_t kEnhancedPacket = 6;
constexpr std::uint16_t kLinktypeEthernet = 1;

}  // namespace

PcapngFile::PcapngFile(const std::string& path, std::string_view application)
    : file_(std::fopen(path.c_str(), "wb")) {
  if (file_ == nullptr) return;
  std::string shb;
  put32(shb, 0x1A2B3C4D);  // byte-order magic
  put16(shb, 1);           // version 1.0
  put16(shb, 0);
  put32(shb, 0xFFFFFFFF);  // section length: unknown
  put32(shb, 0xFFFFFFFF);
  put_option(shb, 4, application);  // shb_userappl
  end_options(shb);
  write_block(kSectionHeader, shb);

  std::string idb;
  put16(idb, kLinktypeEthernet);
  put16(idb, 0);
  put32(idb, 262144);        // snaplen
  put_option(idb, 2, "lo");  // if_name
  end_options(idb);
  write_block(kInterfaceDescription, idb);
}

PcapngFile::~PcapngFile() {
  if (file_ != nullptr) std::fclose(file_);
}

void PcapngFile::write_packet(std::uint64_t ts_us, std::string_view frame,
                              std::string_view comment) {
  std::string epb;
  put32(epb, 0);  // interface 0
  put32(epb, static_cast<std::uint32_t>(ts_us >> 32));
  put32(epb, static_cast<std::uint32_t>(ts_us & 0xFFFFFFFF));
  put32(epb, static_cast<std::uint32_t>(frame.size()));  // captured
  put32(epb, static_cast<std::uint32_t>(frame.size()));  // original
  epb.append(frame);
  pad4(epb);
  if (!comment.empty()) {
    put_option(epb, 1, comment);  // opt_comment
    end_options(epb);
  }
  write_block(kEnhancedPacket, epb);
}

void PcapngFile::write_block(std::uint32_t type, const std::string& body) {
  if (file_ == nullptr) return;
  std::string block;
  const auto total = static_cast<std::uint32_t>(12 + body.size());
  put32(block, type);
  put32(block, total);
  block.append(body);
  put32(block, total);
  ok_ = ok_ && std::fwrite(block.data(), 1, block.size(), file_) == block.size();
}

}  // namespace wslab::dissector_test
