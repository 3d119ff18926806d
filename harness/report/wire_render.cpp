// The wire log for people: one line per record (time, connection, direction,
// size) followed by the HTTP head as text or the bytes in hex, and the
// WebSocket frames that start in it, decoded (RFC 6455 §5.2 header layout).
// The frame view is display-only and lenient: it shows what a peer sent,
// including frames core's decoder would refuse; it never judges a case.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <string>
#include <utility>

#include "wslab/frame.hpp"
#include "wslab/harness/bytes_text.hpp"
#include "wslab/harness/report.hpp"

namespace wslab::harness {
namespace {

// Follows one direction of one connection, frame boundary by frame boundary.
class StreamTracer {
 public:
  explicit StreamTracer(bool from_client) : from_client_(from_client) {}

  // Frames whose header completes inside `bytes`, described. `http` tells
  // whether the record (or its start) was an HTTP head.
  std::vector<std::string> feed(std::string_view bytes, std::string* http) {
    std::vector<std::string> out;
    std::size_t i = 0;
    if (mode_ == Mode::kUnknown) {
      // A stream that starts like HTTP ("GET ", "HTTP/") carries a head first.
      // A stream that starts like HTTP carries a head first: a printable first
      // line that is a status line or mentions "HTTP/" (request lines, any method
      // spelling), or starts with a capital letter (a method).
      std::string_view first = bytes.substr(0, std::min<std::size_t>(bytes.size(), 512));
      first = first.substr(0, first.find('\n'));
      bool printable = !first.empty() && std::all_of(first.begin(), first.end(), [](char ch) {
        auto c = static_cast<unsigned char>(ch);
        return (c >= 0x20 && c < 0x7f) || c == '\r' || c == '\t';
      });
      bool looks_http = printable && (first.find("HTTP/") != std::string_view::npos ||
                                      std::isupper(static_cast<unsigned char>(first[0])));
      mode_ = looks_http ? Mode::kHead : Mode::kFrames;
    }
    if (mode_ == Mode::kHead) {
      std::size_t before = head_.size();
      head_.append(bytes.substr(0, 64 * 1024));
      auto end = head_.find("\r\n\r\n");
      if (end == std::string::npos) {
        if (http) *http = std::string(bytes);
        return out;
      }
      std::size_t head_len = end + 4;
      i = head_len > before ? head_len - before : 0;
      if (http) *http = std::string(bytes.substr(0, std::min(i, bytes.size())));
      bool switched = from_client_ || head_.rfind("HTTP/1.1 101", 0) == 0 ||
                      head_.rfind("HTTP/1.0 101", 0) == 0;
      mode_ = switched ? Mode::kFrames : Mode::kBody;
      head_.clear();
    }
    if (mode_ == Mode::kBody) return out;
    while (i < bytes.size()) {
      if (remaining_ > 0) {
        std::size_t take =
            static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size() - i));
        remaining_ -= take;
        i += take;
        continue;
      }
      hdr_ += bytes[i++];
      std::size_t need = header_size();
      if (hdr_.size() < need) continue;
      // Header complete.
      auto h = parse_header();
      std::string_view payload = bytes.substr(
          i, static_cast<std::size_t>(std::min<std::uint64_t>(h.payload_length, bytes.size() - i)));
      out.push_back(describe_frame(h, payload));
      remaining_ = h.payload_length;
      hdr_.clear();
    }
    return out;
  }

 private:
  enum class Mode { kUnknown, kHead, kFrames, kBody };

  [[nodiscard]] std::size_t header_size() const {
    if (hdr_.size() < 2) return 2;
    auto b1 = static_cast<unsigned char>(hdr_[1]);
    std::size_t n = 2;
    if ((b1 & 0x7f) == 126) n += 2;
    if ((b1 & 0x7f) == 127) n += 8;
    if (b1 & 0x80) n += 4;
    return n;
  }

  [[nodiscard]] FrameHeader parse_header() const {
    FrameHeader h;
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(hdr_[k]); };
    h.fin = (b(0) & 0x80) != 0;
    h.rsv1 = (b(0) & 0x40) != 0;
    h.rsv2 = (b(0) & 0x20) != 0;
    h.rsv3 = (b(0) & 0x10) != 0;
    h.opcode = b(0) & 0x0f;
    h.masked = (b(1) & 0x80) != 0;
    std::size_t k = 2;
    std::uint64_t len = b(1) & 0x7f;
    if (len == 126) {
      len = (std::uint64_t{b(2)} << 8) | b(3);
      k = 4;
    } else if (len == 127) {
      len = 0;
      for (std::size_t j = 2; j < 10; ++j) len = (len << 8) | b(j);
      k = 10;
    }
    h.payload_length = len;
    if (h.masked) {
      for (std::size_t j = 0; j < 4; ++j) h.mask[j] = b(k + j);
      k += 4;
    }
    h.header_length = static_cast<std::uint8_t>(k);
    return h;
  }

  [[nodiscard]] std::string describe_frame(const FrameHeader& h, std::string_view raw) const {
    std::string payload(raw.substr(0, 64));
    if (h.masked && !payload.empty()) {
      apply_mask(reinterpret_cast<std::uint8_t*>(payload.data()), payload.size(), h.mask, 0);
    }
    std::string name(opcode_name(h.opcode));
    std::string s = "frame " + name + " fin=" + (h.fin ? "1" : "0");
    if (h.rsv1 || h.rsv2 || h.rsv3) {
      s +=
          std::string(" rsv=") + (h.rsv1 ? "1" : "0") + (h.rsv2 ? "1" : "0") + (h.rsv3 ? "1" : "0");
    }
    s += " len=" + std::to_string(h.payload_length);
    if (h.masked) {
      char key[16];
      std::snprintf(key, sizeof key, "%02x%02x%02x%02x", h.mask[0], h.mask[1], h.mask[2],
                    h.mask[3]);
      s += std::string(" mask=") + key;
    }
    std::vector<std::string> flags;
    if (!is_defined_opcode(h.opcode)) flags.emplace_back("reserved opcode");
    if (h.rsv1 || h.rsv2 || h.rsv3) flags.emplace_back("RSV bit set");
    if (from_client_ && !h.masked) flags.emplace_back("unmasked client frame");
    if (!from_client_ && h.masked) flags.emplace_back("masked server frame");
    if (is_control_opcode(h.opcode) && !h.fin) flags.emplace_back("fragmented control frame");
    if (is_control_opcode(h.opcode) && h.payload_length > 125)
      flags.emplace_back("control frame over 125 bytes");
    if ((h.header_length - (h.masked ? 4 : 0) == 4 && h.payload_length < 126) ||
        (h.header_length - (h.masked ? 4 : 0) == 10 && h.payload_length < 65536)) {
      flags.emplace_back("non-minimal length");
    }
    if (h.opcode == 0x8 && payload.size() >= 2) {
      unsigned code =
          (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
      s += " code=" + std::to_string(code);
      if (payload.size() > 2) s += " reason=" + quote_bytes(payload.substr(2), 40);
    } else if (h.payload_length > 0) {
      bool text = h.opcode == 0x1 || (h.opcode == 0x0 && looks_textual(payload)) ||
                  ((h.opcode == 0x9 || h.opcode == 0xA) && looks_textual(payload));
      std::string shown = text ? quote_bytes(payload, 40) : hex_bytes(payload, 16);
      if (raw.size() < h.payload_length) shown += " (" + std::to_string(raw.size()) + " B here)";
      s += " " + shown;
    }
    for (const auto& f : flags) s += "  [" + f + "]";
    return s;
  }

  bool from_client_;
  Mode mode_ = Mode::kUnknown;
  std::string head_;
  std::string hdr_;
  std::uint64_t remaining_ = 0;
};

std::string time_text(std::chrono::microseconds at) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "+%9.3f ms", static_cast<double>(at.count()) / 1000.0);
  return buf;
}

}  // namespace

std::string render_wire(const std::vector<WireRecord>& records, std::size_t last_n,
                        std::string_view indent) {
  std::map<std::pair<std::uint32_t, bool>, StreamTracer> tracers;
  std::size_t first = (last_n == 0 || records.size() <= last_n) ? 0 : records.size() - last_n;
  std::string out;
  if (first > 0) {
    out += std::string(indent) + "(" + std::to_string(first) + " earlier records not shown)\n";
  }
  std::string pad = std::string(indent) + std::string(31, ' ');
  for (std::size_t k = 0; k < records.size(); ++k) {
    const auto& r = records[k];
    bool show = k >= first;
    if (r.direction == Direction::kNote) {
      if (show) {
        out += std::string(indent) + time_text(r.at) + "  c" + std::to_string(r.connection) +
               " ·  " + r.note + "\n";
      }
      continue;
    }
    bool sent = r.direction == Direction::kSent;
    auto key = std::make_pair(r.connection, sent);
    auto it = tracers.find(key);
    if (it == tracers.end()) it = tracers.emplace(key, StreamTracer(sent)).first;
    std::string http;
    auto frames = it->second.feed(r.bytes, &http);
    if (!show) continue;
    char size[32];
    std::snprintf(size, sizeof size, "%7zu B", r.bytes.size() + r.elided);
    out += std::string(indent) + time_text(r.at) + "  c" + std::to_string(r.connection) +
           (sent ? " → " : " ← ") + size + "  ";
    if (!http.empty()) {
      // The HTTP head as text lines (the rest of the record, if any, as frames).
      std::size_t lines = 0, pos = 0;
      bool firstline = true;
      while (pos < http.size() && lines < 14) {
        auto nl = http.find("\r\n", pos);
        std::string line = http.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        if (line.empty() && nl != std::string::npos) break;
        out += (firstline ? std::string() : pad) +
               (looks_textual(line) && line.size() <= 120 ? line : quote_bytes(line, 100)) + "\n";
        firstline = false;
        ++lines;
        if (nl == std::string::npos) break;
        pos = nl + 2;
      }
      if (lines == 14) out += pad + "...\n";
      if (firstline) out += "\n";
    } else {
      out += hex_bytes(r.bytes, 24) + "\n";
    }
    std::size_t shown = 0;
    for (const auto& f : frames) {
      if (shown == 8) {
        out += pad + "... " + std::to_string(frames.size() - shown) + " more frames\n";
        break;
      }
      out += pad + f + "\n";
      ++shown;
    }
    if (r.elided > 0) {
      out += pad + "(" + std::to_string(r.elided) + " more bytes crossed but were not kept)\n";
    }
  }
  return out;
}

}  // namespace wslab::harness
