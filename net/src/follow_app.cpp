// FollowApp (follow_app.hpp): inotify on the event loop -> FollowedFile ->
// wslab.follow.v1 messages to every subscriber.
#include "wslab/net/follow_app.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include "wslab/net/connection.hpp"
#include "wslab/net/follow_protocol.hpp"
#include "wslab/net/log.hpp"

namespace wslab::net {
namespace {

constexpr std::uint32_t kDirEvents =
    IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB;
constexpr std::uint32_t kFileEvents =
    IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF;

std::uint64_t unix_ms() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

// "logs/app.log" -> {"logs", "app.log"}; "app.log" -> {".", "app.log"}.
std::pair<std::string, std::string> split_path(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

}  // namespace

FollowApp::FollowApp(EventLoop& loop, FollowOptions options)
    : loop_(loop),
      options_(std::move(options)),
      file_(options_.path, options_.file),
      backlog_(options_.backlog),
      epoch_(unix_ms()) {}

Result<std::unique_ptr<FollowApp>> FollowApp::create(EventLoop& loop, FollowOptions options) {
  if (options.path.empty()) return Error{"--follow: no file given"};
  if (options.path.back() == '/') return Error{"--follow " + options.path + ": not a file"};
  if (options.file.max_line_bytes == 0 || options.read_budget == 0) {
    return Error{"--follow: the line bound and the read budget must be positive"};
  }
  std::unique_ptr<FollowApp> app(new FollowApp(loop, std::move(options)));
  if (Status st = app->file_.start(); !st) return Error{st.message()};
  if (Status st = app->start_watching(); !st) return Error{st.message()};
  app->pump();  // what the file already holds becomes the backlog
  return app;
}

FollowApp::~FollowApp() {
  if (inotify_.valid()) loop_.remove(inotify_.get());
}

Status FollowApp::start_watching() {
  auto [dir, base] = split_path(options_.path);
  base_name_ = base;
  display_name_ = base;
  Fd fd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!fd.valid()) return Status::fail("inotify_init1: " + errno_text(errno));
  dir_watch_ = ::inotify_add_watch(fd.get(), dir.c_str(), kDirEvents);
  if (dir_watch_ < 0) {
    return Status::fail("cannot watch the directory " + dir + " of " + options_.path + ": " +
                        errno_text(errno));
  }
  inotify_ = std::move(fd);
  watch_file();
  return loop_.add(inotify_.get(), EPOLLIN, this);
}

void FollowApp::watch_file() {
  if (file_watch_ >= 0) ::inotify_rm_watch(inotify_.get(), file_watch_);
  // -1 while there is no file: the directory watch sees it appear.
  file_watch_ = ::inotify_add_watch(inotify_.get(), options_.path.c_str(), kFileEvents);
}

void FollowApp::on_io(std::uint32_t /*events*/) {
  alignas(inotify_event) char buf[4096];
  bool relevant = false;
  for (;;) {
    const ssize_t n = ::read(inotify_.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EAGAIN: all read
    for (ssize_t at = 0; at < n;) {
      inotify_event ev{};
      std::memcpy(&ev, buf + at, sizeof ev);
      const std::string_view name(buf + at + sizeof ev, ev.len);
      at += static_cast<ssize_t>(sizeof ev + ev.len);
      if ((ev.mask & IN_Q_OVERFLOW) != 0 || ev.wd == file_watch_) {
        relevant = true;
      } else if (ev.wd == dir_watch_ && ev.len > 0) {
        // The name is NUL-padded to ev.len.
        if (name.substr(0, name.find('\0')) == base_name_) relevant = true;
      }
    }
  }
  if (relevant) pump();
}

void FollowApp::run_deferred() {
  pump_queued_ = false;
  pump();
}

void FollowApp::on_tick(Millis /*now*/) {
  pump();
}

void FollowApp::pump() {
  std::vector<FollowEvent> events;
  const Millis now = steady_now();
  const bool more = file_.poll(options_.read_budget, now, events);
  bool rewatch = false;
  const auto note = [this](const char* what) {
    if (options_.log != LogLevel::kQuiet) log_line("follow: " + options_.path + what);
  };
  for (auto& e : events) {
    switch (e.kind) {
      case FollowEvent::Kind::kLine: {
        NumberedLine line{next_n_++, std::move(e.line)};
        if (!subscribers_.empty()) broadcast(encode_follow_line(line, false));
        backlog_.push(std::move(line));
        break;
      }
      case FollowEvent::Kind::kRotated:
        rewatch = true;
        note(" is a new file: reading it from the start");
        broadcast(encode_follow_reset("rotated"));
        break;
      case FollowEvent::Kind::kTruncated:
        note(" was truncated: reading it from the start");
        broadcast(encode_follow_reset("truncated"));
        break;
      case FollowEvent::Kind::kRemoved:
        rewatch = true;
        note(" was removed: waiting for a new one");
        broadcast(encode_follow_reset("removed"));
        break;
    }
  }
  if (rewatch) watch_file();
  if (more && !pump_queued_) {
    pump_queued_ = true;
    loop_.defer(this);
  }
  if (file_.waiting_for_grace() && !grace_timer_) {
    // The path is empty: if no new file appears, "removed" is due after the grace.
    grace_timer_ = true;
    loop_.schedule(now + options_.file.missing_grace + Millis{1}, this, 0);
  }
}

void FollowApp::on_timer(std::uint64_t /*key*/, Millis /*now*/) {
  grace_timer_ = false;
  pump();
}

void FollowApp::broadcast(const std::string& text) {
  for (auto& [id, c] : subscribers_) {
    // A subscriber that does not read is dropped by net (max_write_buffer);
    // on_close then forgets it.
    if (c->is_open()) c->send_text(text);
  }
}

void FollowApp::on_open(Connection& c) {
  subscribers_[c.id()] = &c;
  const auto& lines = backlog_.lines();
  c.send_text(encode_follow_hello(display_name_, epoch_, file_.present(), lines.size()));
  for (const auto& line : lines) c.send_text(encode_follow_line(line, true));
}

void FollowApp::on_close(Connection& c, const CloseInfo& /*info*/) {
  subscribers_.erase(c.id());
}

void configure_follow_server(ServerOptions& options) {
  auto& offered = options.session.server.subprotocols;
  for (const auto& p : offered) {
    if (p == kFollowSubprotocol) return;
  }
  offered.emplace_back(kFollowSubprotocol);
}

}  // namespace wslab::net
