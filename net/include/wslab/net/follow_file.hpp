// A followed file (`wslab serve --follow FILE`), like `tail -F`: reads what is
// appended at a path, and notices when the path starts to name another file
// (rotation: the inode changed -> read the new one from its start), when the
// file shrank (truncation -> read again from its start) and when it went
// away (removed -> wait for a new one). A path that is missing only for a
// moment (rename, then create: logrotate's default) is one rotation: removal
// is reported once the path stayed empty for `missing_grace`; until then the
// old file is still read (a writer may not have reopened yet). It only reads when poll() is called:
// FollowApp calls it on inotify events (follow_app.hpp), so nothing here
// blocks or loops by itself. Not an RFC rule holder.
//
// Limits, as with every size-based follower: a truncation followed by
// appends past the old size before the next poll looks like an append.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wslab/net/follow_lines.hpp"
#include "wslab/net/socket.hpp"
#include "wslab/result.hpp"
#include "wslab/time.hpp"

namespace wslab::net {

struct FollowEvent {
  enum class Kind : std::uint8_t { kLine, kRotated, kTruncated, kRemoved };
  Kind kind = Kind::kLine;
  FollowLine line;  // kLine only
};

struct FollowFileOptions {
  std::size_t max_line_bytes = 16384;        // longer lines are cut (FollowLine::cut)
  std::size_t initial_tail_bytes = 1 << 20;  // on start, read at most this much of the end
  Millis missing_grace{500};                 // how long the path may be empty before "removed"
};

class FollowedFile {
 public:
  FollowedFile(std::string path, FollowFileOptions options);

  // Opens the file if it exists, positioned so that the first poll() reads
  // (at most initial_tail_bytes of) what it already holds. A missing file is
  // not an error (it is waited for); a path that is not a regular file is.
  Status start();

  // Reads at most `budget` bytes and reports lines and changes in order;
  // `now` (steady clock) times the missing grace. Returns true when it
  // stopped because of the budget (call again soon).
  bool poll(std::size_t budget, Millis now, std::vector<FollowEvent>& out);
  // While the path is empty but the old file is kept: poll again after this.
  [[nodiscard]] bool waiting_for_grace() const { return missing_since_.has_value(); }

  [[nodiscard]] bool present() const { return fd_.valid(); }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  enum class Read : std::uint8_t { kEof, kBudget };
  Read read_some(std::size_t& budget, std::vector<FollowEvent>& out);
  // The file at the path, opened from its start; false if there is none.
  bool open_from_start();
  void flush_partial(std::vector<FollowEvent>& out);

  std::string path_;
  FollowFileOptions options_;
  LineSplitter splitter_;
  Fd fd_;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  off_t offset_ = 0;
  std::optional<Millis> missing_since_;  // the path was first seen empty then
  std::vector<char> buffer_;
};

}  // namespace wslab::net
