// The wire log every verdict keeps: every byte both ways, with timestamps,
// plus notes (pauses, half-close, TCP events). Reports render it as hex and
// as decoded frames; the pcapng writer turns it back into TCP segments.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace wslab::harness {

enum class Direction : std::uint8_t { kSent, kReceived, kNote };

struct WireRecord {
  Direction direction = Direction::kNote;
  std::chrono::microseconds at{0};  // since the case started
  std::uint32_t connection = 0;     // which probe connection (cases may open several)
  std::string bytes;                // kSent/kReceived: exactly what crossed the socket
  std::string note;                 // kNote: "pause 1000 ms", "half-close", "TCP FIN from peer"
};

class WireLog {
 public:
  WireLog();
  void sent(std::uint32_t connection, std::string_view bytes);
  void received(std::uint32_t connection, std::string_view bytes);
  void note(std::uint32_t connection, std::string text);
  [[nodiscard]] std::vector<WireRecord> records() const;
  [[nodiscard]] std::size_t bytes_sent() const;
  [[nodiscard]] std::size_t bytes_received() const;
  // Keep at most this many payload bytes per record in memory (bulk cases
  // send megabytes; the log keeps the head and a "... N bytes elided" note).
  void set_record_cap(std::size_t cap) { cap_ = cap; }

 private:
  mutable std::mutex mu_;
  std::chrono::steady_clock::time_point start_;
  std::vector<WireRecord> records_;
  std::size_t cap_ = 64 * 1024;
  std::size_t sent_ = 0;
  std::size_t received_ = 0;
};

}  // namespace wslab::harness
