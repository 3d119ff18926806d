// Synthesising a pcapng capture from a wire log (see pcapng.hpp).
// Layout (little-endian, every block padded to 32 bits): Section Header Block,
// one Interface Description Block (LINKTYPE_ETHERNET, microsecond stamps),
// then one Enhanced Packet Block per segment. Each segment is Ethernet II +
// IPv4 (RFC 791, header checksum) + TCP (RFC 9293, checksum over the
// pseudo-header) with sequence and acknowledgement numbers that follow the
// bytes each side sent.
#include "wslab/harness/pcapng.hpp"

#include <algorithm>
#include <chrono>
#include <map>

namespace wslab::harness {
namespace {

constexpr std::uint16_t kLinkEthernet = 1;
constexpr std::size_t kMaxSegment = 16000;  // keeps each IPv4 packet well under 64 KiB

constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10;

void le16(std::string& out, std::uint16_t v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>(v >> 8);
}
void le32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
void be16(std::string& out, std::uint16_t v) {
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v & 0xff);
}
void be32(std::string& out, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
void pad4(std::string& out) {
  while (out.size() % 4 != 0) out += '\0';
}

// A pcapng option: code, length, value padded to 32 bits.
void option(std::string& out, std::uint16_t code, std::string_view value) {
  le16(out, code);
  le16(out, static_cast<std::uint16_t>(value.size()));
  out.append(value);
  pad4(out);
}

// Wraps a block body: type, total length, body, total length.
std::string block(std::uint32_t type, std::string body) {
  pad4(body);
  std::string out;
  auto total = static_cast<std::uint32_t>(body.size() + 12);
  le32(out, type);
  le32(out, total);
  out += body;
  le32(out, total);
  return out;
}

// RFC 1071 ones'-complement sum.
std::uint32_t sum16(std::string_view data, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i + 1 < data.size(); i += 2) {
    sum += (static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << 8) |
           static_cast<unsigned char>(data[i + 1]);
  }
  if (data.size() % 2 != 0)
    sum += static_cast<std::uint32_t>(static_cast<unsigned char>(data.back())) << 8;
  return sum;
}
std::uint16_t fold(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

struct Endpoint {
  std::uint32_t ip;  // host order
  std::uint16_t port;
  std::string mac;
};

std::string tcp_packet(const Endpoint& src, const Endpoint& dst, std::uint32_t seq,
                       std::uint32_t ack, std::uint8_t flags, std::string_view payload,
                       std::uint16_t ip_id) {
  std::string tcp;
  be16(tcp, src.port);
  be16(tcp, dst.port);
  be32(tcp, seq);
  be32(tcp, (flags & kAck) ? ack : 0);
  tcp += static_cast<char>(5 << 4);  // data offset: 5 words, no options
  tcp += static_cast<char>(flags);
  be16(tcp, 65535);  // window
  be16(tcp, 0);      // checksum, filled below
  be16(tcp, 0);      // urgent pointer
  tcp.append(payload);
  std::string pseudo;
  be32(pseudo, src.ip);
  be32(pseudo, dst.ip);
  pseudo += '\0';
  pseudo += static_cast<char>(6);
  be16(pseudo, static_cast<std::uint16_t>(tcp.size()));
  std::uint16_t tsum = fold(sum16(tcp, sum16(pseudo)));
  tcp[16] = static_cast<char>(tsum >> 8);
  tcp[17] = static_cast<char>(tsum & 0xff);

  std::string ip;
  ip += static_cast<char>(0x45);
  ip += '\0';
  be16(ip, static_cast<std::uint16_t>(20 + tcp.size()));
  be16(ip, ip_id);
  be16(ip, 0x4000);  // don't fragment
  ip += static_cast<char>(64);
  ip += static_cast<char>(6);
  be16(ip, 0);
  be32(ip, src.ip);
  be32(ip, dst.ip);
  std::uint16_t isum = fold(sum16(ip));
  ip[10] = static_cast<char>(isum >> 8);
  ip[11] = static_cast<char>(isum & 0xff);

  std::string frame = dst.mac + src.mac;
  be16(frame, 0x0800);
  return frame + ip + tcp;
}

struct Connection {
  Endpoint client, server;
  std::uint32_t cseq = 0, sseq = 0;
  bool open = false;
  bool client_fin = false, server_fin = false, reset = false;
};

class Writer {
 public:
  explicit Writer(const PcapOptions& o) : options_(o) {
    base_us_ = o.base_unix_us != 0 ? o.base_unix_us
                                   : std::chrono::duration_cast<std::chrono::microseconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count();
    std::string shb;
    le32(shb, 0x1A2B3C4D);
    le16(shb, 1);
    le16(shb, 0);
    le32(shb, 0xFFFFFFFF);  // section length unknown (-1, 64 bits)
    le32(shb, 0xFFFFFFFF);
    option(shb, 4, o.application);  // shb_userappl
    le32(shb, 0);                   // opt_endofopt
    out_ += block(0x0A0D0D0A, shb);
    std::string idb;
    le16(idb, kLinkEthernet);
    le16(idb, 0);
    le32(idb, 262144);                                              // snaplen
    option(idb, 2, "wslab probe (synthesised from the wire log)");  // if_name
    option(idb, 9, std::string(1, '\x06'));                         // if_tsresol: microseconds
    le32(idb, 0);
    out_ += block(1, idb);
  }

  void packet(std::int64_t at_us, const std::string& data) {
    std::string epb;
    auto ts = static_cast<std::uint64_t>(base_us_ + at_us);
    le32(epb, 0);  // interface 0
    le32(epb, static_cast<std::uint32_t>(ts >> 32));
    le32(epb, static_cast<std::uint32_t>(ts & 0xffffffffu));
    le32(epb, static_cast<std::uint32_t>(data.size()));
    le32(epb, static_cast<std::uint32_t>(data.size()));
    epb += data;
    pad4(epb);
    if (!commented_ && !options_.comment.empty()) {
      option(epb, 1, options_.comment);  // opt_comment
      le32(epb, 0);
    }
    commented_ = true;
    out_ += block(6, epb);
  }

  void segment(std::int64_t at, Connection& c, bool from_client, std::uint8_t flags,
               std::string_view payload = {}) {
    const auto& src = from_client ? c.client : c.server;
    const auto& dst = from_client ? c.server : c.client;
    auto& seq = from_client ? c.cseq : c.sseq;
    auto ack = from_client ? c.sseq : c.cseq;
    packet(at, tcp_packet(src, dst, seq, ack, flags, payload, ip_id_++));
    seq += static_cast<std::uint32_t>(payload.size());
    if (flags & (kSyn | kFin)) seq += 1;
  }

  std::string take() { return std::move(out_); }

 private:
  const PcapOptions& options_;
  std::string out_;
  std::int64_t base_us_ = 0;
  bool commented_ = false;
  std::uint16_t ip_id_ = 1;
};

}  // namespace

std::string build_pcapng(const std::vector<WireRecord>& records, const PcapOptions& options) {
  Writer w(options);
  std::map<std::uint32_t, Connection> conns;
  const std::uint32_t loopback = 0x7F000001;
  auto open = [&](std::uint32_t id, std::int64_t at) -> Connection& {
    auto& c = conns[id];
    if (c.open) return c;
    c.open = true;
    c.client = Endpoint{loopback, static_cast<std::uint16_t>(40000 + (id % 20000)),
                        std::string("\x02\x00\x00\x00\x00\x01", 6)};
    c.server = Endpoint{loopback, options.server_port, std::string("\x02\x00\x00\x00\x00\x02", 6)};
    c.cseq = 0x10000000u + id * 0x01000000u;
    c.sseq = 0x80000000u + id * 0x01000000u;
    at = std::max<std::int64_t>(at - 3, 0);
    w.segment(at, c, true, kSyn);
    w.segment(at + 1, c, false, kSyn | kAck);
    w.segment(at + 2, c, true, kAck);
    return c;
  };
  std::int64_t last = 0;
  for (const auto& r : records) {
    std::int64_t at = r.at.count();
    last = std::max(last, at);
    if (r.direction == Direction::kNote) {
      auto it = conns.find(r.connection);
      switch (r.event) {
        case WireEvent::kConnected:
          open(r.connection, at);
          break;
        case WireEvent::kHalfClose:
        case WireEvent::kClose:
          if (it != conns.end() && !it->second.client_fin && !it->second.reset) {
            w.segment(at, it->second, true, kFin | kAck);
            it->second.client_fin = true;
            if (it->second.server_fin) w.segment(at + 1, it->second, false, kAck);
          }
          break;
        case WireEvent::kReset:
          if (it != conns.end() && !it->second.reset) {
            w.segment(at, it->second, true, kRst | kAck);
            it->second.reset = true;
          }
          break;
        case WireEvent::kPeerFin:
          if (it != conns.end() && !it->second.server_fin && !it->second.reset) {
            w.segment(at, it->second, false, kFin | kAck);
            it->second.server_fin = true;
            w.segment(at + 1, it->second, true, kAck);
          }
          break;
        case WireEvent::kPeerReset:
          if (it != conns.end() && !it->second.reset) {
            w.segment(at, it->second, false, kRst | kAck);
            it->second.reset = true;
          }
          break;
        case WireEvent::kNone:
          break;
      }
      continue;
    }
    auto& c = open(r.connection, at);
    if (c.reset) continue;
    bool from_client = r.direction == Direction::kSent;
    std::string_view bytes = r.bytes;
    for (std::size_t off = 0; off < bytes.size(); off += kMaxSegment) {
      w.segment(at, c, from_client, kPsh | kAck, bytes.substr(off, kMaxSegment));
    }
    // Bytes that crossed but were not kept: a gap in the sequence space
    // (Wireshark shows "previous segment not captured" there, which is true).
    (from_client ? c.cseq : c.sseq) += static_cast<std::uint32_t>(r.elided);
  }
  // Whatever the log did not close, the probe closed when the case ended.
  for (auto& [id, c] : conns) {
    if (!c.client_fin && !c.reset) {
      w.segment(last + 1, c, true, kFin | kAck);
      c.client_fin = true;
    }
  }
  return w.take();
}

}  // namespace wslab::harness
