// Normalising outcomes and comparing them. The rules, each tied to a note:
//  R1 rejected:        Close 1002, Close 1007 and a TCP drop (FIN or RST) without
//                      a Close are one class: libwebsockets ends some protocol
//                      errors with a drop (notes §3, "SHOULD send a close frame").
//  R2 disputed-code:   our Close carried 1012-1014 or >= 5000: lws calls
//                      1012-1014 invalid and echoes 5000+; "close <that code>" and
//                      "rejected" are then equal (notes §3, close codes).
//  R3 lost-echo:       echoes (and pongs) of messages that arrived in the same
//                      read as the frame that ended the connection may be missing,
//                      or (lws) sent after the Close: RFC 6455 §5.5.1 allows both
//                      orders (allowlist rsv.*.after-valid-message, close.normal.after-message).
//  R4 incomplete-huge: a frame over the 16 MiB limit, or one the stream stops
//                      inside: "too-big" (a server that refuses the announced
//                      length at once), "silence" (one that waits for the bytes)
//                      and, for the reference, "rejected" (lws judges the bytes it
//                      got, e.g. 1007 for bad UTF-8) are equal (allowlist
//                      limits.frame.length-2-pow-60).
//  R5 pongs:           only "at least one Pong" is compared: several Pings in one
//                      read may get one Pong (§5.5.3; lws answers the first).
//  R10 deferred write: lws answers a Ping, or echoes a message, only once the read
//                      it came in ends on a frame boundary (found by this fuzzer):
//                      if part of the next frame came along and that frame fails,
//                      no Pong, and the echo is written after its Close (or never).
//  R11 queued echoes:  our Close in the same read as two or more messages of 4 KiB
//                      or more in total: the reference (lws + RefServer) drops TCP
//                      without a Close (found by this fuzzer; §5.5.1 MUST answer).
//                      Excused for the reference only.
//                      The reference is excused; the target is not (§5.5.2 "as soon
//                      as is practical").
//  R6 unmasked:        lws accepts unmasked client frames (allowlist framing.mask.*):
//                      the target is compared with core's oracle instead.
//  R7 reference-only:  the reference's own RFC breaks (data after its Close, a
//                      1-byte Close echoed) are not differences; the target's are
//                      reported as violations.
//  R8 control UTF-8:   lws fails a Ping/Pong whose payload is not UTF-8 (found by
//                      this fuzzer; §5.5.2-§5.5.3 allow any bytes): the target is
//                      compared with core's oracle instead.
//  R9 past the Close:  bytes after our Close in the same read: lws parses them and,
//                      if they are bad, drops the connection without answering the
//                      Close (found by this fuzzer; §5.5.1 MUST answer). The
//                      reference's "rejected" then equals the target's Close echo.
#include "wslab/netfuzz/outcome.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "wslab/close.hpp"
#include "wslab/session.hpp"
#include "wslab/utf8.hpp"

namespace wslab::netfuzz {
namespace {

using harness::Observation;

std::string item_for(bool text, std::string_view data) {
  // FNV-1a: enough to tell payloads apart in a report.
  std::uint32_t h = 2166136261u;
  for (char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", h);
  return std::string(text ? "text " : "binary ") + std::to_string(data.size()) + " B #" + buf;
}

std::string close_class(std::optional<std::uint16_t> code) {
  if (!code) return "close (empty)";
  if (*code == 1002 || *code == 1007) return "rejected";
  if (*code == 1009) return "too-big";
  return "close " + std::to_string(*code);
}

// Does the stream stop inside a frame? Walks headers only (no validity checks).
bool stops_inside_frame(std::string_view s) {
  std::size_t pos = 0;
  while (pos < s.size()) {
    if (s.size() - pos < 2) return true;
    const auto b1 = static_cast<unsigned char>(s[pos + 1]);
    const std::size_t len7 = b1 & 0x7F;
    std::size_t header = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((b1 & 0x80) ? 4 : 0);
    if (s.size() - pos < header) return true;
    std::uint64_t len = len7;
    if (len7 == 126) {
      len = (static_cast<std::uint64_t>(static_cast<unsigned char>(s[pos + 2])) << 8) |
            static_cast<unsigned char>(s[pos + 3]);
    } else if (len7 == 127) {
      len = 0;
      for (std::size_t i = 0; i < 8; ++i)
        len = (len << 8) | static_cast<unsigned char>(s[pos + 2 + i]);
    }
    if (len > s.size() - pos - header) return true;
    pos += header + static_cast<std::size_t>(len);
  }
  return false;
}

bool disputed_code(std::uint16_t c) {
  return (c >= 1012 && c <= 1014) || c >= 5000;
}

constexpr const char* kR8 =
    "R8 control payload not UTF-8: libwebsockets fails a Ping/Pong whose payload is not UTF-8 "
    "(RFC 6455 §5.5.2-§5.5.3 allow any bytes), so the target is compared with core's oracle";

}  // namespace

namespace {

// Where each frame ends in the stream (walks headers only; the last one may be cut short).
std::vector<std::size_t> frame_ends(std::string_view s) {
  std::vector<std::size_t> ends;
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t end = s.size();
    if (s.size() - pos >= 2) {
      const auto b1 = static_cast<unsigned char>(s[pos + 1]);
      const std::size_t len7 = b1 & 0x7F;
      const std::size_t header = 2 +
                                 (len7 == 126   ? 2
                                  : len7 == 127 ? 8
                                                : 0) +
                                 ((b1 & 0x80) ? 4 : 0);
      if (s.size() - pos >= header) {
        std::uint64_t len = len7;
        if (len7 == 126) {
          len = (static_cast<std::uint64_t>(static_cast<unsigned char>(s[pos + 2])) << 8) |
                static_cast<unsigned char>(s[pos + 3]);
        } else if (len7 == 127) {
          len = 0;
          for (std::size_t i = 0; i < 8; ++i)
            len = (len << 8) | static_cast<unsigned char>(s[pos + 2 + i]);
        }
        if (len <= s.size() - pos - header) end = pos + header + static_cast<std::size_t>(len);
      }
    }
    ends.push_back(end);
    pos = end;
  }
  return ends;
}

}  // namespace

Oracle compute_oracle(const Conversation& c) {
  Oracle o;
  const std::string stream = c.stream();
  o.incomplete_frame = stops_inside_frame(stream);

  SessionConfig config;
  config.role = Role::kServer;
  config.max_frame_bytes = 16ull << 20;  // what `wslab serve` and the reference use
  config.max_message_bytes = 16ull << 20;
  Session s(config);
  Millis now{0};
  s.start(now);
  s.on_bytes(
      std::string_view(
          "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"),
      now);
  while (s.poll_event()) {
  }
  // Bursts: writes closer than kBurstGap may share a read. Each burst is fed to
  // core frame by frame, so we know which frame ended the connection.
  std::vector<std::size_t> burst_ends;
  std::size_t offset = 0;
  for (const Piece& p : c.pieces()) {
    offset += p.bytes.size();
    if (p.pause >= kBurstGap || offset == stream.size()) burst_ends.push_back(offset);
  }
  const std::vector<std::size_t> ends = frame_ends(stream);
  for (std::size_t end : burst_ends) {
    o.burst_ends_at_frame.push_back(end == stream.size() ||
                                    std::find(ends.begin(), ends.end(), end) != ends.end());
  }
  std::size_t pos = 0;
  std::size_t next_frame = 0;
  bool ended = false;
  for (std::size_t b = 0; b < burst_ends.size() && !ended; ++b) {
    while (pos < burst_ends[b] && !ended) {
      while (next_frame < ends.size() && ends[next_frame] <= pos) ++next_frame;
      const std::size_t frame_end = next_frame < ends.size() ? ends[next_frame] : stream.size();
      const std::size_t chunk_end = std::min(frame_end, burst_ends[b]);
      now += Millis{1};
      s.on_bytes(std::string_view(stream).substr(pos, chunk_end - pos), now);
      pos = chunk_end;
      while (auto ev = s.poll_event()) {
        // A message is an echo due even when core can no longer answer it because
        // the same read also ended the connection: R3 makes those optional.
        if (auto* t = std::get_if<event::Text>(&*ev)) {
          (void)s.send_text(t->data);
          o.echoes.push_back({item_for(true, t->data), b, t->data.size()});
        } else if (auto* bin = std::get_if<event::Binary>(&*ev)) {
          (void)s.send_binary(bin->data);
          o.echoes.push_back({item_for(false, bin->data), b, bin->data.size()});
        } else if (auto* p = std::get_if<event::Ping>(&*ev)) {
          o.ping_payloads.push_back(p->payload);
          o.ping_bursts.push_back(b);
          if (!is_valid_utf8(p->payload) && o.reference_unreliable.empty() && !ended) {
            o.reference_unreliable = kR8;
          }
        } else if (auto* pong = std::get_if<event::Pong>(&*ev)) {
          if (!is_valid_utf8(pong->payload) && o.reference_unreliable.empty() && !ended) {
            o.reference_unreliable = kR8;
          }
        } else if (auto* e = std::get_if<event::ProtocolError>(&*ev)) {
          if (!ended) {
            o.terminal = close_class(e->close_code);
            o.end_burst = b;
            if (e->what == describe(FrameError::kUnmaskedFromClient) &&
                o.reference_unreliable.empty()) {
              o.reference_unreliable =
                  "R6 unmasked: libwebsockets accepts unmasked client frames (RFC 6455 §5.1; "
                  "allowlist framing.mask.unmasked-*), so the target is compared with core's "
                  "oracle";
            }
          }
          ended = true;
        } else if (auto* cr = std::get_if<event::CloseReceived>(&*ev)) {
          if (!ended) {
            o.terminal = close_class(cr->code);
            o.end_burst = b;
            o.bytes_after_close_in_read = burst_ends[b] > pos;
            o.ended_by_our_close = true;
          }
          ended = true;
        }
      }
    }
  }
  return o;
}

Normalized normalize(const Outcome& out, const Oracle& oracle) {
  Normalized n;
  if (!out.connected) {
    n.terminal = "no-handshake";
    n.detail = out.handshake_error;
    return n;
  }
  bool closed = false;  // the server's Close came
  for (const Observation& obs : out.observations) {
    switch (obs.kind) {
      case Observation::Kind::kText:
      case Observation::Kind::kBinary:
        if (closed) {
          n.violations.push_back("a data message after its Close frame (RFC 6455 §5.5.1)");
        } else {
          n.items.push_back(item_for(obs.kind == Observation::Kind::kText, obs.payload));
        }
        break;
      case Observation::Kind::kPong:
        if (closed) {
          n.violations.push_back("a Pong after its Close frame (RFC 6455 §5.5.1)");
          break;
        }
        n.pong = true;
        if (std::find(oracle.ping_payloads.begin(), oracle.ping_payloads.end(), obs.payload) ==
            oracle.ping_payloads.end()) {
          n.violations.push_back("a Pong whose payload no Ping carried (RFC 6455 §5.5.3)");
        }
        break;
      case Observation::Kind::kPing:
        break;  // a server's own heartbeat
      case Observation::Kind::kClose:
        if (closed) {
          n.violations.push_back("a second Close frame (RFC 6455 §5.5.1)");
          break;
        }
        closed = true;
        if (!obs.detail.empty()) {
          n.violations.push_back("a malformed Close: " + obs.detail + " (RFC 6455 §5.5.1)");
          n.terminal = "malformed-close";
        } else {
          n.terminal = close_class(obs.code);
        }
        n.detail = describe(obs);
        break;
      case Observation::Kind::kBadFrame:
        n.violations.push_back("an invalid frame: " + obs.detail);
        if (n.terminal.empty()) {
          n.terminal = "bad-frame";
          n.detail = obs.detail;
        }
        break;
      case Observation::Kind::kTcpClosed:
        if (n.terminal.empty()) {
          n.terminal = "rejected";  // R1: a drop without a Close
          n.detail = obs.reset ? "TCP reset without a Close" : "TCP FIN without a Close";
        }
        break;
      case Observation::Kind::kTimeout:
        if (n.terminal.empty()) {
          n.terminal = "silence";
          n.detail = "nothing more within the silence timeout";
        }
        break;
    }
  }
  if (n.terminal.empty()) {
    n.terminal = "silence";
    n.detail = "no ending observed";
  }
  return n;
}

Normalized normalize_oracle(const Oracle& oracle) {
  Normalized n;
  for (const auto& e : oracle.echoes) n.items.push_back(e.item);
  n.pong = !oracle.ping_payloads.empty();
  n.terminal = oracle.terminal;
  n.detail = "core's Session (oracle)";
  return n;
}

Comparison compare(const Normalized& target, const Normalized& reference, const Oracle& oracle) {
  Comparison c;
  auto differ = [&](std::string why) {
    c.same = false;
    c.why = std::move(why);
    return c;
  };

  // Terminal classes.
  if (target.terminal != reference.terminal) {
    const auto pair_is = [&](std::string_view a, std::string_view b) {
      return (target.terminal == a && reference.terminal == b) ||
             (target.terminal == b && reference.terminal == a);
    };
    bool equal = false;
    // R2: a disputed close code -> "close <code>" vs "rejected".
    for (const Normalized* side : {&target, &reference}) {
      const Normalized* other = side == &target ? &reference : &target;
      if (side->terminal.rfind("close ", 0) == 0 && other->terminal == "rejected") {
        const int code = std::atoi(side->terminal.c_str() + 6);
        if (code > 0 && disputed_code(static_cast<std::uint16_t>(code))) {
          equal = true;
          c.rules.push_back("R2 disputed close code " + std::to_string(code));
        }
      }
    }
    // R4: a frame over the limit, or one the stream stops inside: refused at
    // once (1009), judged on the bytes that came (the reference: 1002/1007), or
    // waited for (silence).
    const bool huge = oracle.incomplete_frame || oracle.terminal == "too-big";
    if (!equal && huge &&
        (pair_is("too-big", "silence") ||
         (target.terminal == "too-big" && reference.terminal == "rejected"))) {
      equal = true;
      c.rules.push_back("R4 frame over the limit or incomplete: too-big = " + reference.terminal);
    }
    // R9: bytes after our Close in the same read: lws parses them and may drop
    // the connection without answering the Close (§5.5.1 MUST answer). Only the
    // reference is excused.
    if (!equal && oracle.bytes_after_close_in_read && reference.terminal == "rejected" &&
        target.terminal == oracle.terminal) {
      equal = true;
      c.rules.push_back("R9 reference read past our Close and dropped the connection (lws)");
    }
    // R11: our Close came in the same read as two or more messages totalling
    // 4 KiB or more: the reference drops TCP without answering (lws + RefServer;
    // §5.5.1 MUST answer). Excused for the reference only.
    if (!equal && oracle.ended_by_our_close && reference.terminal == "rejected" &&
        reference.detail.rfind("TCP", 0) == 0 && target.terminal == oracle.terminal) {
      std::size_t count = 0;
      std::size_t bytes = 0;
      for (const auto& e : oracle.echoes) {
        if (oracle.end_burst && e.burst == *oracle.end_burst) {
          ++count;
          bytes += e.bytes;
        }
      }
      if (count >= 2 && bytes >= 4096) {
        equal = true;
        c.rules.push_back("R11 reference drops TCP when our Close follows queued echoes (lws)");
      }
    }
    // R7: the reference answers a malformed Close with a malformed Close.
    if (!equal && reference.terminal == "malformed-close" && target.terminal == "rejected") {
      equal = true;
      c.rules.push_back("R7 reference echoes a malformed Close (lws)");
    }
    if (!equal) {
      return differ("the connection ends differently: target " + target.terminal + " (" +
                    target.detail + "), reference " + reference.terminal + " (" + reference.detail +
                    ")");
    }
  }

  // Echoes (R3): items the oracle saw before the ending burst are required on
  // both sides, in order; later ones may be missing. R10: the reference is held
  // only to the echoes before the first read that ended inside a frame (lws
  // defers its writes until that frame is complete, and loses them if it fails).
  std::size_t required = 0;
  std::size_t required_reference = 0;
  bool deferred = false;
  std::map<std::string, int> optional;
  std::map<std::string, int> optional_reference;
  for (const auto& e : oracle.echoes) {
    const bool due = !oracle.end_burst || e.burst < *oracle.end_burst;
    const bool at_frame =
        e.burst < oracle.burst_ends_at_frame.size() && oracle.burst_ends_at_frame[e.burst];
    if (due) {
      ++required;
    } else {
      ++optional[e.item];
    }
    deferred = deferred || !due || !at_frame;
    if (deferred) {
      ++optional_reference[e.item];
    } else {
      ++required_reference;
    }
  }
  if (target.items.size() < required) {
    return differ("target echoed " + std::to_string(target.items.size()) + " messages, " +
                  std::to_string(required) + " were due before the connection ended");
  }
  if (reference.items.size() < required_reference) {
    return differ("reference echoed " + std::to_string(reference.items.size()) + " messages, " +
                  std::to_string(required_reference) + " were due before the connection ended");
  }
  const std::size_t common = std::min(target.items.size(), reference.items.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (target.items[i] != reference.items[i]) {
      return differ("echo " + std::to_string(i) + " differs: target " + target.items[i] +
                    ", reference " + reference.items[i]);
    }
  }
  for (std::size_t i = required; i < target.items.size(); ++i) {
    if (--optional[target.items[i]] < 0) {
      return differ("target sent an unexpected message: " + target.items[i]);
    }
  }
  for (std::size_t i = required_reference; i < reference.items.size(); ++i) {
    if (--optional_reference[reference.items[i]] < 0) {
      return differ("reference sent an unexpected message: " + reference.items[i]);
    }
  }
  if (reference.items.size() < required) {
    c.rules.push_back("R10 reference defers an echo while a frame is half read (lws)");
  } else if (target.items.size() != reference.items.size()) {
    c.rules.push_back("R3 echo lost with the connection's last read");
  }

  // R5: pongs. A Ping is due an answer when it came in a read before the one
  // that ended the connection. R10: lws answers only once the read it came in
  // ends on a frame boundary, so the reference is held to that alone.
  bool ping_due = false;
  bool ping_due_reference = false;
  for (std::size_t b : oracle.ping_bursts) {
    if (oracle.end_burst && b >= *oracle.end_burst) continue;
    ping_due = true;
    if (b < oracle.burst_ends_at_frame.size() && oracle.burst_ends_at_frame[b])
      ping_due_reference = true;
  }
  if (ping_due && !target.pong) return differ("target never answered a Ping (RFC 6455 §5.5.2)");
  if (ping_due_reference && !reference.pong) return differ("reference never answered a Ping");
  if (ping_due && !reference.pong) {
    c.rules.push_back("R10 reference defers a Pong while a frame is half read (lws)");
  } else if (!ping_due && target.pong != reference.pong) {
    c.rules.push_back("R5 pong in the connection's last read");
  }
  return c;
}

std::string describe(const Normalized& n) {
  std::string out = n.terminal;
  if (!n.detail.empty()) out += " [" + n.detail + "]";
  out += ", " + std::to_string(n.items.size()) + " echo(es)";
  if (n.pong) out += ", pong";
  for (const auto& v : n.violations) out += "; VIOLATION: " + v;
  return out;
}

}  // namespace wslab::netfuzz
