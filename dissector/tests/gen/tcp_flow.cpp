// Ethernet/IPv4/TCP synthesis (see tcp_flow.hpp).
#include "tcp_flow.hpp"

namespace wslab::dissector_test {
namespace {

constexpr std::uint8_t kFin = 0x01;
constexpr std::uint8_t kSyn = 0x02;
constexpr std::uint8_t kPsh = 0x08;
constexpr std::uint8_t kAck = 0x10;
constexpr std::uint32_t kLoopback = 0x7F000001;  // 127.0.0.1

void put8(std::string& s, std::uint32_t v) {
  s.push_back(static_cast<char>(v & 0xFF));
}
void put16be(std::string& s, std::uint32_t v) {
  put8(s, v >> 8);
  put8(s, v);
}
void put32be(std::string& s, std::uint32_t v) {
  put16be(s, v >> 16);
  put16be(s, v & 0xFFFF);
}

// RFC 1071 Internet checksum over `data`, starting from a partial sum.
std::uint16_t internet_checksum(std::string_view data, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i + 1 < data.size(); i += 2) {
    sum += (static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << 8) |
           static_cast<unsigned char>(data[i + 1]);
  }
  if (data.size() % 2 != 0)
    sum += static_cast<std::uint32_t>(static_cast<unsigned char>(data.back())) << 8;
  while ((sum >> 16) != 0) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xFFFF);
}

void set16be(std::string& s, std::size_t at, std::uint16_t v) {
  s[at] = static_cast<char>(v >> 8);
  s[at + 1] = static_cast<char>(v & 0xFF);
}

}  // namespace

TcpFlow::TcpFlow(PcapngFile& out, Clock& clock, std::uint16_t client_port,
                 std::uint16_t server_port, std::uint32_t client_isn, std::uint32_t server_isn)
    : out_(out),
      clock_(clock),
      client_{kLoopback, client_port, client_isn, 1},
      server_{kLoopback, server_port, server_isn, 1} {}

void TcpFlow::segment(Side from, std::uint8_t flags, std::string_view payload,
                      std::string_view comment) {
  End& src = from == Side::kClient ? client_ : server_;
  End& dst = from == Side::kClient ? server_ : client_;

  std::string tcp;
  put16be(tcp, src.port);
  put16be(tcp, dst.port);
  put32be(tcp, src.next_seq);
  put32be(tcp, (flags & kAck) != 0 ? dst.next_seq : 0);
  put8(tcp, 5 << 4);  // data offset: 5 words, no options
  put8(tcp, flags);
  put16be(tcp, 65535);  // window
  put16be(tcp, 0);      // checksum, below
  put16be(tcp, 0);      // urgent pointer
  tcp.append(payload);
  // Pseudo-header: source, destination, zero, protocol 6, TCP length.
  std::uint32_t pseudo = (src.ip >> 16) + (src.ip & 0xFFFF) + (dst.ip >> 16) + (dst.ip & 0xFFFF) +
                         6 + static_cast<std::uint32_t>(tcp.size());
  set16be(tcp, 16, internet_checksum(tcp, pseudo));

  std::string ip;
  put8(ip, 0x45);  // IPv4, 20-byte header
  put8(ip, 0);
  put16be(ip, static_cast<std::uint32_t>(20 + tcp.size()));
  put16be(ip, src.ip_id++);
  put16be(ip, 0x4000);  // don't fragment
  put8(ip, 64);         // TTL
  put8(ip, 6);          // TCP
  put16be(ip, 0);       // checksum, below
  put32be(ip, src.ip);
  put32be(ip, dst.ip);
  set16be(ip, 10, internet_checksum(ip));

  std::string frame(12, '\0');  // loopback "Ethernet": zero MAC addresses, as on Linux lo
  put16be(frame, 0x0800);
  frame += ip;
  frame += tcp;

  clock_.now_us += clock_.step_us;
  out_.write_packet(clock_.now_us, frame, comment);

  src.next_seq += static_cast<std::uint32_t>(payload.size());
  if ((flags & (kSyn | kFin)) != 0) src.next_seq += 1;
}

void TcpFlow::open() {
  segment(Side::kClient, kSyn, {}, {});
  segment(Side::kServer, kSyn | kAck, {}, {});
  segment(Side::kClient, kAck, {}, {});
}

void TcpFlow::send(Side from, std::string_view bytes, std::string_view comment,
                   const std::vector<std::size_t>& cuts) {
  std::size_t at = 0;
  for (const std::size_t cut : cuts) {
    if (cut <= at || cut >= bytes.size()) continue;
    segment(from, kPsh | kAck, bytes.substr(at, cut - at), at == 0 ? comment : std::string_view{});
    at = cut;
  }
  segment(from, kPsh | kAck, bytes.substr(at), at == 0 ? comment : std::string_view{});
}

void TcpFlow::close(Side first) {
  const Side second = first == Side::kClient ? Side::kServer : Side::kClient;
  segment(first, kFin | kAck, {}, {});
  segment(second, kFin | kAck, {}, {});
  segment(first, kAck, {}, {});
}

}  // namespace wslab::dissector_test
