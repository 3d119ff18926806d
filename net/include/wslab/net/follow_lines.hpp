// Lines of a followed log file (`wslab serve --follow FILE`), sans-I/O:
// LineSplitter turns appended bytes into complete lines (LF-terminated, a CR
// before the LF dropped, a line longer than the bound cut there), and
// FollowBacklog keeps the last N lines for late subscribers.
// Not an RFC rule holder: the lines travel as RFC 6455 text messages
// (follow_protocol.hpp), which is where UTF-8 (RFC 3629) is repaired.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wslab::net {

struct FollowLine {
  std::string text;  // raw bytes of the line, without the line end
  bool cut = false;  // the line was longer than the bound: the rest was dropped
};

class LineSplitter {
 public:
  explicit LineSplitter(std::size_t max_line_bytes) : max_(max_line_bytes) {}

  // Appends every line completed by `bytes` to `out`; keeps the unfinished one.
  void feed(std::string_view bytes, std::vector<FollowLine>& out);
  // The unfinished line (no LF yet) as a line, if there is one; forgets it.
  std::optional<FollowLine> flush();
  // Forgets the unfinished line (the file was truncated or replaced).
  void reset();
  // Drops everything up to and including the next LF: used when reading
  // starts in the middle of a file, whose first line is then incomplete.
  void skip_to_next_line() {
    reset();
    skipping_ = true;
  }
  [[nodiscard]] std::size_t pending_bytes() const { return partial_.size(); }

 private:
  std::size_t max_;
  std::string partial_;
  bool cut_ = false;
  bool skipping_ = false;
};

struct NumberedLine {
  std::uint64_t n = 0;  // position in the stream since the server started (1, 2, ...)
  FollowLine line;
};

// The last `capacity` lines (0: none kept).
class FollowBacklog {
 public:
  explicit FollowBacklog(std::size_t capacity) : capacity_(capacity) {}
  void push(NumberedLine line);
  [[nodiscard]] const std::deque<NumberedLine>& lines() const { return lines_; }
  [[nodiscard]] std::size_t capacity() const { return capacity_; }

 private:
  std::size_t capacity_;
  std::deque<NumberedLine> lines_;
};

}  // namespace wslab::net
