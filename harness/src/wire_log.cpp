// WireLog: a thread-safe, memory-bounded record of a case's traffic.
#include "wslab/harness/wire_log.hpp"

#include <algorithm>

namespace wslab::harness {
namespace {
// Past this many records, new bytes are merged into the last record of the
// same direction (a peer trickling one byte per read cannot grow the log
// without bound).
constexpr std::size_t kMaxRecords = 50000;
}  // namespace

WireLog::WireLog() : start_(std::chrono::steady_clock::now()) {}

std::chrono::microseconds WireLog::since_start() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               start_);
}

void WireLog::add_bytes(Direction d, std::uint32_t connection, std::string_view bytes) {
  std::lock_guard lock(mu_);
  (d == Direction::kSent ? sent_ : received_) += bytes.size();
  WireRecord* target = nullptr;
  if (records_.size() >= kMaxRecords) {
    for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
      if (it->direction == d && it->connection == connection) {
        target = &*it;
        break;
      }
    }
  }
  if (target == nullptr) {
    records_.push_back(WireRecord{d, since_start(), connection, {}, {}, WireEvent::kNone, 0});
    target = &records_.back();
  }
  std::size_t room = std::min(cap_ > target->bytes.size() ? cap_ - target->bytes.size() : 0,
                              total_cap_ > stored_ ? total_cap_ - stored_ : 0);
  std::size_t keep = std::min(room, bytes.size());
  target->bytes.append(bytes.substr(0, keep));
  target->elided += bytes.size() - keep;
  stored_ += keep;
}

void WireLog::sent(std::uint32_t connection, std::string_view bytes) {
  add_bytes(Direction::kSent, connection, bytes);
}

void WireLog::received(std::uint32_t connection, std::string_view bytes) {
  add_bytes(Direction::kReceived, connection, bytes);
}

void WireLog::note(std::uint32_t connection, std::string text) {
  event(connection, WireEvent::kNone, std::move(text));
}

void WireLog::event(std::uint32_t connection, WireEvent what, std::string text) {
  std::lock_guard lock(mu_);
  if (records_.size() >= kMaxRecords && what == WireEvent::kNone) return;
  records_.push_back(
      WireRecord{Direction::kNote, since_start(), connection, {}, std::move(text), what, 0});
}

std::vector<WireRecord> WireLog::records() const {
  std::lock_guard lock(mu_);
  return records_;
}

std::size_t WireLog::bytes_sent() const {
  std::lock_guard lock(mu_);
  return sent_;
}

std::size_t WireLog::bytes_received() const {
  std::lock_guard lock(mu_);
  return received_;
}

void WireLog::set_record_cap(std::size_t cap) {
  std::lock_guard lock(mu_);
  cap_ = cap;
}

void WireLog::set_total_cap(std::size_t cap) {
  std::lock_guard lock(mu_);
  total_cap_ = cap;
}

std::string_view wire_event_name(WireEvent e) {
  switch (e) {
    case WireEvent::kNone:
      return "note";
    case WireEvent::kConnected:
      return "TCP connected";
    case WireEvent::kHalfClose:
      return "TCP FIN sent (half-close)";
    case WireEvent::kClose:
      return "TCP closed by probe";
    case WireEvent::kReset:
      return "TCP RST sent by probe";
    case WireEvent::kPeerFin:
      return "TCP FIN from peer";
    case WireEvent::kPeerReset:
      return "TCP RST from peer";
  }
  return "note";
}

}  // namespace wslab::harness
