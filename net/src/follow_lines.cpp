// LineSplitter and FollowBacklog (follow_lines.hpp).
#include "wslab/net/follow_lines.hpp"

#include <utility>

namespace wslab::net {

void LineSplitter::feed(std::string_view bytes, std::vector<FollowLine>& out) {
  while (!bytes.empty()) {
    const std::size_t lf = bytes.find('\n');
    std::string_view piece = bytes.substr(0, lf);
    // A CR just before the LF belongs to the line end (CRLF files).
    if (lf != std::string_view::npos && !piece.empty() && piece.back() == '\r') {
      piece.remove_suffix(1);
    }
    if (skipping_) {
      if (lf == std::string_view::npos) return;
      skipping_ = false;
      bytes.remove_prefix(lf + 1);
      continue;
    }
    if (!cut_) {
      const std::size_t room = max_ - partial_.size();
      if (piece.size() > room) {
        partial_.append(piece.substr(0, room));
        cut_ = true;
      } else {
        partial_.append(piece);
      }
    }
    if (lf == std::string_view::npos) return;
    // The CR of a CRLF split across two reads is already in partial_.
    if (piece.empty() && !cut_ && !partial_.empty() && partial_.back() == '\r') {
      partial_.pop_back();
    }
    out.push_back(FollowLine{std::move(partial_), cut_});
    partial_.clear();
    cut_ = false;
    bytes.remove_prefix(lf + 1);
  }
}

std::optional<FollowLine> LineSplitter::flush() {
  if (partial_.empty() && !cut_) return std::nullopt;
  FollowLine line{std::move(partial_), cut_};
  reset();
  return line;
}

void LineSplitter::reset() {
  partial_.clear();
  cut_ = false;
  skipping_ = false;
}

void FollowBacklog::push(NumberedLine line) {
  if (capacity_ == 0) return;
  if (lines_.size() == capacity_) lines_.pop_front();
  lines_.push_back(std::move(line));
}

}  // namespace wslab::net
