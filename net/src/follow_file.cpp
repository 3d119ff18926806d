// FollowedFile (follow_file.hpp): read what is appended, notice rotation,
// truncation and removal by comparing the path's inode and size with ours.
#include "wslab/net/follow_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

namespace wslab::net {
namespace {
constexpr std::size_t kReadChunk = 64 * 1024;
}  // namespace

FollowedFile::FollowedFile(std::string path, FollowFileOptions options)
    : path_(std::move(path)), options_(options), splitter_(options.max_line_bytes) {}

Status FollowedFile::start() {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::ok();  // waited for: poll() opens it when it appears
    return Status::fail("cannot follow " + path_ + ": " + errno_text(errno));
  }
  if (!S_ISREG(st.st_mode)) return Status::fail("cannot follow " + path_ + ": not a regular file");
  if (!open_from_start()) {
    return Status::fail("cannot follow " + path_ + ": " + errno_text(errno));
  }
  const auto tail = static_cast<off_t>(options_.initial_tail_bytes);
  struct stat now {};
  if (::fstat(fd_.get(), &now) == 0 && now.st_size > tail) {
    offset_ = ::lseek(fd_.get(), now.st_size - tail, SEEK_SET);
    splitter_.skip_to_next_line();  // we start in the middle of a line
  }
  return Status::ok();
}

bool FollowedFile::open_from_start() {
  Fd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) return false;
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return false;
  if (!S_ISREG(st.st_mode)) {
    errno = EINVAL;
    return false;
  }
  fd_ = std::move(fd);
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  offset_ = 0;
  splitter_.reset();
  return true;
}

void FollowedFile::flush_partial(std::vector<FollowEvent>& out) {
  if (auto line = splitter_.flush()) {
    out.push_back(FollowEvent{FollowEvent::Kind::kLine, std::move(*line)});
  }
}

FollowedFile::Read FollowedFile::read_some(std::size_t& budget, std::vector<FollowEvent>& out) {
  if (buffer_.size() != kReadChunk) buffer_.resize(kReadChunk);
  std::vector<FollowLine> lines;
  while (budget > 0) {
    const std::size_t want = std::min(buffer_.size(), budget);
    const ssize_t n = ::read(fd_.get(), buffer_.data(), want);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Read::kEof;  // end of file (or an I/O error: try again next poll)
    const auto got = static_cast<std::size_t>(n);
    offset_ += static_cast<off_t>(got);
    budget -= got;
    lines.clear();
    splitter_.feed(std::string_view(buffer_.data(), got), lines);
    for (auto& line : lines) out.push_back(FollowEvent{FollowEvent::Kind::kLine, std::move(line)});
  }
  return Read::kBudget;
}

bool FollowedFile::poll(std::size_t budget, Millis now, std::vector<FollowEvent>& out) {
  if (!fd_.valid()) {
    if (!open_from_start()) return false;  // still missing
    // A file appeared at the path: for a subscriber this is a new file.
    out.push_back(FollowEvent{FollowEvent::Kind::kRotated, {}});
  }
  if (read_some(budget, out) == Read::kBudget) return true;

  // At the end of what we have open. Is it still the file at the path?
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    if (!missing_since_) missing_since_ = now;
    if (now - *missing_since_ < options_.missing_grace) return false;  // maybe a rotation
    missing_since_.reset();
    flush_partial(out);
    fd_.reset();
    out.push_back(FollowEvent{FollowEvent::Kind::kRemoved, {}});
    return false;
  }
  missing_since_.reset();
  if (st.st_dev != dev_ || st.st_ino != ino_) {
    flush_partial(out);  // the old file is finished: its last line may lack the LF
    fd_.reset();
    if (!open_from_start()) {  // gone again in between
      out.push_back(FollowEvent{FollowEvent::Kind::kRemoved, {}});
      return false;
    }
    out.push_back(FollowEvent{FollowEvent::Kind::kRotated, {}});
    return read_some(budget, out) == Read::kBudget;
  }
  if (st.st_size < offset_) {
    splitter_.reset();  // an unfinished line of the old contents is dropped
    offset_ = ::lseek(fd_.get(), 0, SEEK_SET);
    out.push_back(FollowEvent{FollowEvent::Kind::kTruncated, {}});
    return read_some(budget, out) == Read::kBudget;
  }
  return false;
}

}  // namespace wslab::net
