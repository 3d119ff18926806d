// FollowApp: `wslab serve --follow FILE`, an App (app.hpp) that pushes every
// line appended to FILE to every connected client, in the wslab.follow.v1
// format (follow_protocol.hpp). A client that connects first gets the last
// `backlog` lines. The file is watched with inotify(7) on the server's event
// loop: an inotify descriptor in the epoll set, one watch on the file's
// directory (creations, renames, removals, writes at that name) and one on
// the file itself; nothing polls in a loop. The server's once-a-second tick
// re-checks too (a lost event, a file system without inotify).
// Reading is bounded per round (`read_budget`): a burst of megabytes is read
// over several loop rounds so other connections are still served.
// RFC 6455 side: text messages only (§5.6); what clients send is ignored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "wslab/net/app.hpp"
#include "wslab/net/event_loop.hpp"
#include "wslab/net/follow_file.hpp"
#include "wslab/net/follow_lines.hpp"
#include "wslab/net/log.hpp"
#include "wslab/net/server.hpp"
#include "wslab/net/socket.hpp"
#include "wslab/result.hpp"

namespace wslab::net {

struct FollowOptions {
  std::string path;
  std::size_t backlog = 50;           // lines a new subscriber gets first
  FollowFileOptions file;             // line bound, how much of a big file to read at start
  std::size_t read_budget = 1 << 20;  // bytes read per loop round
  LogLevel log = LogLevel::kNormal;   // kQuiet: no line on rotation/truncation/removal
};

class FollowApp final : public App, public IoHandler, public TimerHandler, public Deferred {
 public:
  // Opens the file (or waits for it if it does not exist yet; its directory
  // must exist), reads its last lines into the backlog, and starts watching.
  static Result<std::unique_ptr<FollowApp>> create(EventLoop& loop, FollowOptions options);
  ~FollowApp();
  FollowApp(const FollowApp&) = delete;
  FollowApp& operator=(const FollowApp&) = delete;

  void on_open(Connection& c) override;
  void on_close(Connection& c, const CloseInfo& info) override;
  void on_tick(Millis now) override;

  void on_io(std::uint32_t events) override;              // the inotify descriptor
  void run_deferred() override;                           // the rest of a burst
  void on_timer(std::uint64_t key, Millis now) override;  // the end of a missing grace

  [[nodiscard]] std::size_t subscriber_count() const { return subscribers_.size(); }
  [[nodiscard]] const FollowBacklog& backlog() const { return backlog_; }
  [[nodiscard]] std::uint64_t lines_seen() const { return next_n_ - 1; }

 private:
  FollowApp(EventLoop& loop, FollowOptions options);
  Status start_watching();
  void watch_file();  // (re)adds the watch on the file now at the path
  // Reads what is new, sends it, and queues itself again if the budget ran out.
  void pump();
  void broadcast(const std::string& text);

  EventLoop& loop_;
  FollowOptions options_;
  FollowedFile file_;
  FollowBacklog backlog_;
  std::string display_name_;  // the file's base name, for the hello
  std::uint64_t epoch_ = 0;
  std::uint64_t next_n_ = 1;
  Fd inotify_;
  int dir_watch_ = -1;
  int file_watch_ = -1;
  std::string base_name_;
  bool pump_queued_ = false;
  bool grace_timer_ = false;
  std::unordered_map<std::uint64_t, Connection*> subscribers_;
};

// Offers wslab.follow.v1 (clients that offer no subprotocol are served too).
void configure_follow_server(ServerOptions& options);

}  // namespace wslab::net
