// The wire log every verdict keeps: every byte both ways, with timestamps,
// plus notes (pauses, half-close, TCP events). Reports render it as hex and
// as decoded frames; the pcapng writer turns it back into TCP segments
// (RFC 793 / RFC 9293 connection events are kept as WireEvent so the
// capture can show SYN, FIN and RST where they happened).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace wslab::harness {

enum class Direction : std::uint8_t { kSent, kReceived, kNote };

// TCP-level events a note may stand for (kNone for free-text notes).
enum class WireEvent : std::uint8_t {
  kNone,
  kConnected,  // our SYN was answered: the connection is open
  kHalfClose,  // we sent FIN (shutdown(SHUT_WR))
  kClose,      // we closed the socket (FIN, or RST if unread data was pending)
  kReset,      // we reset the connection (SO_LINGER 0)
  kPeerFin,    // the peer sent FIN (read() returned 0)
  kPeerReset,  // the peer reset the connection (ECONNRESET / EPIPE)
};

struct WireRecord {
  Direction direction = Direction::kNote;
  std::chrono::microseconds at{0};     // since the case started
  std::uint32_t connection = 0;        // which probe connection (cases may open several)
  std::string bytes;                   // kSent/kReceived: exactly what crossed the socket
  std::string note;                    // kNote: "pause 1000 ms", "half-close", "TCP FIN from peer"
  WireEvent event = WireEvent::kNone;  // kNote: the TCP event this note records, if any
  std::size_t elided = 0;  // kSent/kReceived: bytes that crossed but were not kept (record cap)
};

class WireLog {
 public:
  WireLog();
  void sent(std::uint32_t connection, std::string_view bytes);
  void received(std::uint32_t connection, std::string_view bytes);
  void note(std::uint32_t connection, std::string text);
  // A TCP event with its human text ("TCP FIN from peer").
  void event(std::uint32_t connection, WireEvent what, std::string text);
  [[nodiscard]] std::vector<WireRecord> records() const;
  [[nodiscard]] std::size_t bytes_sent() const;
  [[nodiscard]] std::size_t bytes_received() const;
  // Keep at most this many payload bytes per record in memory (bulk cases
  // send megabytes; the log keeps the head and a "... N bytes elided" note).
  void set_record_cap(std::size_t cap);
  // Keep at most this many payload bytes in the whole log; later bytes are
  // counted (elided) but not stored. Bounds memory for hostile or bulk cases.
  void set_total_cap(std::size_t cap);
  [[nodiscard]] std::chrono::steady_clock::time_point start() const { return start_; }

 private:
  void add_bytes(Direction d, std::uint32_t connection, std::string_view bytes);
  [[nodiscard]] std::chrono::microseconds since_start() const;

  mutable std::mutex mu_;
  std::chrono::steady_clock::time_point start_;
  std::vector<WireRecord> records_;
  std::size_t cap_ = 64 * 1024;
  std::size_t total_cap_ = 4u << 20;
  std::size_t stored_ = 0;
  std::size_t sent_ = 0;
  std::size_t received_ = 0;
};

// "pause 1000 ms", "TCP FIN from peer": the text a report shows for an event.
std::string_view wire_event_name(WireEvent e);

}  // namespace wslab::harness
