// The runner (see runner.hpp). One thread per running case; the runner's own
// thread launches cases up to --jobs, enforces each case's watchdog, records
// outcomes, and, for a spawned server, notices its death, restarts it and
// re-runs the cases that were in flight one at a time to find the culprit.
#include "wslab/harness/runner.hpp"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace wslab::harness {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxRestarts = 25;
// After a case ends, how long a death of the server is still blamed on it
// (the kernel closes the server's sockets a moment before waitpid sees it).
constexpr Millis kDeathWindow{200};
// How long the runner waits, after the last case, for a server death to show.
constexpr Millis kFinalDeathWait{100};

// Completion signalling shared with case threads; it outlives the runner if a
// case thread has to be abandoned.
struct Notifier {
  std::mutex mu;
  std::condition_variable cv;
};

struct CaseState {
  const Case* c = nullptr;
  WireLog log;
  CaseContext ctx;
  std::shared_ptr<CancelToken> cancel = std::make_shared<CancelToken>();
  std::shared_ptr<Notifier> notifier;
  // Guarded by notifier->mu:
  bool done = false;
  CaseResult result;
  std::string exception;
  bool cancelled_exception = false;
  Clock::time_point end{};
};

struct Running {
  std::size_t index = 0;
  std::shared_ptr<CaseState> st;
  std::thread thread;
  Clock::time_point start{};
  Clock::time_point hard_deadline{};
  bool watchdog_fired = false;
  Clock::time_point abandon_at{};
};

// Why the case cannot run (its kind of server was not given), or "".
std::string missing_target(const CaseInfo& info, const CaseContext& ctx) {
  switch (info.needs) {
    case TargetKind::kEcho:
      return {};
    case TargetKind::kRooms:
      return ctx.rooms_targets.empty() ? "no rooms server was given (wslab conform --rooms URL)"
                                       : std::string();
    case TargetKind::kHeartbeat:
      return ctx.heartbeat_target.port == 0 || ctx.heartbeat.ping_interval.count() <= 0
                 ? "no heartbeat server was given (wslab conform --heartbeat URL "
                   "--ping-interval MS --pong-timeout MS)"
                 : std::string();
  }
  return {};
}

Millis scale(Millis t, double s) {
  return Millis{static_cast<Millis::rep>(std::llround(static_cast<double>(t.count()) * s))};
}

int points_for(const CaseOutcome& o) {
  switch (o.result.verdict) {
    case Verdict::kPass:
    case Verdict::kNonStrict:
    case Verdict::kInfo:
      return o.info.points;
    default:
      return 0;
  }
}

class Runner {
 public:
  Runner(const std::vector<const Case*>& cases, const RunOptions& options)
      : cases_(cases), options_(options) {
    jobs_ = options.jobs > 0 ? options.jobs
                             : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    report_.outcomes.resize(cases.size());
    done_flags_.assign(cases.size(), false);
    case_start_.assign(cases.size(), Clock::time_point{});
    case_end_.assign(cases.size(), Clock::time_point{});
  }

  RunReport run() {
    run_start_ = Clock::now();
    report_.started = std::chrono::system_clock::now();
    report_.target_url = target().url();
    for (const auto& t : options_.rooms_targets) report_.rooms_urls.push_back(t.url());
    if (options_.heartbeat_target) report_.heartbeat_url = options_.heartbeat_target->url();
    report_.heartbeat = options_.heartbeat;
    report_.spawn_command = options_.spawn_command;
    report_.selection = options_.selection;
    report_.strict = options_.strict;
    report_.quick = options_.quick;
    report_.timeout_scale = options_.timeout_scale;
    report_.jobs = jobs_;
    report_.seed = options_.seed;

    if (options_.preflight && options_.server == nullptr && !cases_.empty()) {
      auto why = preflight();
      if (!why.empty()) {
        report_.preflight_error = why;
        for (std::size_t i = 0; i < cases_.size(); ++i) {
          CaseResult r;
          r.verdict = Verdict::kError;
          r.expected = "a WebSocket server listening on " + target().url();
          r.observed = "could not connect: " + why;
          record(i, r, Verdict::kError, {}, nullptr, Millis{0});
        }
        finish();
        return std::move(report_);
      }
    }

    std::deque<std::size_t> parallel, exclusive;
    for (std::size_t i = 0; i < cases_.size(); ++i) {
      (cases_[i]->info.exclusive ? exclusive : parallel).push_back(i);
    }
    run_queue(parallel, jobs_);
    run_queue(exclusive, 1);
    finish();
    return std::move(report_);
  }

 private:
  [[nodiscard]] Target target() const {
    if (options_.server != nullptr) {
      Target t = options_.target;
      t.host = options_.server->host();
      t.port = options_.server->port();
      return t;
    }
    return options_.target;
  }

  std::string preflight() {
    WireLog log;
    ProbeOptions po;
    po.timeout_scale = options_.timeout_scale;
    Probe p(target(), log, po, 0);
    auto st = p.connect();
    return st ? std::string() : st.message();
  }

  void finish() {
    report_.duration = std::chrono::duration_cast<Millis>(Clock::now() - run_start_);
  }

  // ------------------------------------------------------------ scheduling

  void run_queue(std::deque<std::size_t>& queue, int jobs) {
    while (!queue.empty() || !running_.empty()) {
      bool server_down = options_.server != nullptr && !options_.server->alive();
      while (!server_down && static_cast<int>(running_.size()) < jobs && !queue.empty() &&
             !aborted_) {
        launch(queue.front());
        queue.pop_front();
      }
      if (aborted_ && running_.empty()) {
        for (auto i : queue) abort_case(i);
        queue.clear();
        break;
      }
      wait_and_reap();
      if (options_.server != nullptr && running_.empty()) {
        // At the end of the queue, give a dying server a moment to be noticed:
        // the last case may have killed it.
        bool dead = !options_.server->alive() ||
                    (queue.empty() && options_.server->wait_for_death(kFinalDeathWait));
        if (dead && !aborted_) handle_death(queue);
      }
    }
  }

  void launch(std::size_t i) {
    const Case* c = cases_[i];
    auto st = std::make_shared<CaseState>();
    st->c = c;
    st->notifier = notifier_;
    st->ctx.target = target();
    st->ctx.timeout_scale = options_.timeout_scale;
    st->ctx.quick = options_.quick;
    st->ctx.log = &st->log;
    st->ctx.cancel = st->cancel;
    st->ctx.seed = options_.seed;
    st->ctx.rooms_targets = options_.rooms_targets;
    if (options_.heartbeat_target) st->ctx.heartbeat_target = *options_.heartbeat_target;
    st->ctx.heartbeat = options_.heartbeat;
    st->ctx.allowed_origin = options_.allowed_origin;
    Running r;
    r.index = i;
    r.st = st;
    r.start = Clock::now();
    auto t = scale(c->info.timeout, options_.timeout_scale);
    r.hard_deadline = r.start + t + watchdog_grace(t);
    case_start_[i] = r.start;
    if (options_.on_start) options_.on_start(c->info, done_count_, cases_.size());
    r.thread = std::thread([st] {
      CaseResult result;
      std::string exception;
      bool cancelled = false;
      try {
        if (!st->c->run) throw std::runtime_error("the case has no run function");
        if (const auto missing = missing_target(st->c->info, st->ctx); !missing.empty()) {
          throw std::runtime_error(missing);
        }
        result = st->c->run(st->ctx);
      } catch (const CaseCancelled&) {
        cancelled = true;
      } catch (const std::exception& e) {
        exception = e.what();
        if (exception.empty()) exception = "unknown exception";
      } catch (...) {
        exception = "unknown exception (not derived from std::exception)";
      }
      std::lock_guard lock(st->notifier->mu);
      st->result = std::move(result);
      st->exception = std::move(exception);
      st->cancelled_exception = cancelled;
      st->end = Clock::now();
      st->done = true;
      st->notifier->cv.notify_all();
    });
    running_.push_back(std::move(r));
  }

  void wait_and_reap() {
    auto now = Clock::now();
    auto wake = now + Millis{50};  // also the cadence for noticing a dead server
    for (auto& r : running_) {
      wake = std::min(wake, r.watchdog_fired ? r.abandon_at : r.hard_deadline);
    }
    {
      std::unique_lock lock(notifier_->mu);
      notifier_->cv.wait_until(lock, wake, [&] {
        return std::any_of(running_.begin(), running_.end(), [](auto& r) { return r.st->done; });
      });
    }
    now = Clock::now();
    for (auto it = running_.begin(); it != running_.end();) {
      bool done;
      {
        std::lock_guard lock(notifier_->mu);
        done = it->st->done;
      }
      if (done) {
        it->thread.join();
        complete(*it, false);
        it = running_.erase(it);
        continue;
      }
      if (!it->watchdog_fired && now >= it->hard_deadline) {
        // The case overran: cancel its probes so its thread unwinds.
        it->watchdog_fired = true;
        it->st->cancel->cancel();
        it->abandon_at = now + Millis{1000};
      } else if (it->watchdog_fired && now >= it->abandon_at) {
        // It ignored the cancellation (a loop without probe calls): leave it behind.
        it->thread.detach();
        complete(*it, true);
        it = running_.erase(it);
        continue;
      }
      ++it;
    }
  }

  void complete(Running& r, bool abandoned) {
    const Case* c = cases_[r.index];
    auto end = abandoned ? Clock::now() : r.st->end;
    case_end_[r.index] = end;
    auto scaled_timeout = scale(c->info.timeout, options_.timeout_scale);
    CaseResult result;
    std::string note;
    if (abandoned || r.watchdog_fired || r.st->cancelled_exception) {
      result.verdict = Verdict::kTimeout;
      result.expected = "the case to finish within its timeout of " +
                        std::to_string(scaled_timeout.count()) + " ms";
      result.observed =
          "the case was still waiting for the target after " +
          std::to_string(scaled_timeout.count() + watchdog_grace(scaled_timeout).count()) +
          " ms; the runner's watchdog stopped it";
      if (abandoned) note = "the case thread did not stop when cancelled; it was abandoned";
      // Keep what the case concluded if it returned anyway.
      if (!abandoned && !r.st->cancelled_exception && r.st->exception.empty()) {
        result.detail = "its own verdict would have been " +
                        std::string(verdict_name(r.st->result.verdict)) + ": " +
                        r.st->result.observed;
      }
    } else if (!r.st->exception.empty()) {
      result.verdict = Verdict::kError;
      result.expected = "the case to run to a verdict";
      result.observed = "the case threw an exception: " + r.st->exception;
    } else {
      result = r.st->result;
    }
    Verdict original = result.verdict;
    auto duration = std::chrono::duration_cast<std::chrono::microseconds>(end - r.start);
    // A server that died while this case ran: judged later (handle_death).
    if (options_.server != nullptr && !options_.server->alive()) {
      suspects_.push_back(Suspect{r.index, std::move(result), original, note, r.st, duration});
      return;
    }
    record(r.index, std::move(result), original, note, &r.st->log, duration);
  }

  void record(std::size_t i, CaseResult result, Verdict original, const std::string& note,
              const WireLog* log, std::chrono::microseconds duration) {
    CaseOutcome o;
    o.info = cases_[i]->info;
    o.original = original;
    o.runner_note = note;
    if (options_.strict && result.verdict == Verdict::kNonStrict) {
      result.verdict = Verdict::kFail;
      o.runner_note += std::string(o.runner_note.empty() ? "" : "; ") +
                       "NON-STRICT counted as FAIL under --strict";
    }
    o.result = std::move(result);
    if (log != nullptr) {
      if (o.result.verdict != Verdict::kPass || options_.keep_passing_wire) o.wire = log->records();
      o.bytes_sent = log->bytes_sent();
      o.bytes_received = log->bytes_received();
    }
    o.duration = duration;
    o.started =
        report_.started +
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            (case_start_[i] == Clock::time_point{} ? run_start_ : case_start_[i]) - run_start_);
    o.score = points_for(o);
    report_.outcomes[i] = std::move(o);
    if (!done_flags_[i]) {
      done_flags_[i] = true;
      ++done_count_;
    }
    if (options_.on_finish) options_.on_finish(report_.outcomes[i], done_count_, cases_.size());
  }

  void abort_case(std::size_t i) {
    CaseResult r;
    r.verdict = Verdict::kError;
    r.expected = "a running server";
    r.observed = "not run: " + abort_reason_;
    record(i, r, Verdict::kError, {}, nullptr, Millis{0});
  }

  // ------------------------------------------------------------ server death

  struct Suspect {
    std::size_t index;
    CaseResult result;
    Verdict original;
    std::string note;
    std::shared_ptr<CaseState> st;
    std::chrono::microseconds duration;
  };

  Millis since_start(Clock::time_point t) const {
    return std::chrono::duration_cast<Millis>(t - run_start_);
  }

  bool restart_server() {
    if (restarts_ >= kMaxRestarts) {
      aborted_ = true;
      abort_reason_ = "the server died " + std::to_string(restarts_) + " times; giving up";
      return false;
    }
    ++restarts_;
    auto st = options_.server->restart();
    if (!st) {
      aborted_ = true;
      abort_reason_ = "the server could not be restarted: " + st.message();
      report_.server_events.push_back(ServerEvent{since_start(Clock::now()), abort_reason_, {}});
      return false;
    }
    return true;
  }

  // The server died; nothing is running. Decide who killed it, restart it,
  // and re-run the cases whose results are not trustworthy.
  void handle_death(std::deque<std::size_t>& queue) {
    auto died = options_.server->died_at();
    std::string what = options_.server->death_text();
    // Cases that ended shortly before the death was noticed, or overlapped it, are suspects.
    std::vector<std::size_t> recent;
    for (std::size_t i = 0; i < cases_.size(); ++i) {
      if (!done_flags_[i] || case_start_[i] > died) continue;
      if (case_end_[i] + kDeathWindow >= died && !attributed_.count(i)) recent.push_back(i);
    }
    std::vector<Suspect> suspects = std::move(suspects_);
    suspects_.clear();
    bool restarted = restart_server();
    report_.server_output_tail = options_.server->last_output_tail();
    if (!restarted) {
      for (auto& s : suspects) {
        CaseResult r = s.result;
        if (r.verdict == Verdict::kPass) r.verdict = Verdict::kError;
        record(s.index, std::move(r), s.original, s.note + "; " + what, &s.st->log, s.duration);
      }
      return;
    }
    // Suspects that started after the death only saw a dead server: plain re-runs.
    std::vector<std::size_t> culprits, reruns;
    for (auto& s : suspects) {
      (case_start_[s.index] <= died ? culprits : reruns).push_back(s.index);
    }
    for (auto i : recent) culprits.push_back(i);
    std::sort(culprits.begin(), culprits.end());
    culprits.erase(std::unique(culprits.begin(), culprits.end()), culprits.end());

    if (culprits.size() == 1 && std::any_of(suspects.begin(), suspects.end(),
                                            [&](auto& s) { return s.index == culprits[0]; })) {
      // One case was running when the server died: it is the culprit.
      auto& s = *std::find_if(suspects.begin(), suspects.end(),
                              [&](auto& x) { return x.index == culprits[0]; });
      blame(s.index, what, s.st.get(), s.duration, "");
      report_.server_events.push_back(
          ServerEvent{since_start(died), what, cases_[s.index]->info.id});
    } else if (!culprits.empty()) {
      // Several candidates: re-run each alone until one kills the server again.
      std::string found;
      for (auto i : culprits) {
        if (aborted_) {
          abort_case(i);
          continue;
        }
        if (!found.empty()) {
          reruns.push_back(i);
          continue;
        }
        auto outcome = run_alone(i);
        if (!options_.server->alive() || options_.server->wait_for_death(kDeathWindow)) {
          std::string again = options_.server->death_text();
          restart_server();
          report_.server_output_tail = options_.server->last_output_tail();
          blame(
              i, again, outcome.get(),
              std::chrono::duration_cast<std::chrono::microseconds>(outcome->end - case_start_[i]),
              "identified by re-running the cases that were in flight one at a time");
          report_.server_events.push_back(ServerEvent{since_start(died), what, cases_[i]->info.id});
          found = cases_[i]->info.id;
        }
      }
      if (found.empty()) {
        report_.server_events.push_back(
            ServerEvent{since_start(died),
                        what + " while other cases ran; re-running each alone did not reproduce it",
                        {}});
      }
    } else {
      report_.server_events.push_back(ServerEvent{since_start(died), what + " between cases", {}});
    }
    for (auto i : reruns) queue.push_front(i);
  }

  // Runs one case by itself (used to identify the case that kills the server).
  std::shared_ptr<CaseState> run_alone(std::size_t i) {
    launch(i);
    std::shared_ptr<CaseState> st = running_.back().st;
    while (!running_.empty()) {
      // complete() records the outcome unless the server died (then it is a suspect).
      wait_and_reap();
    }
    std::vector<Suspect> s = std::move(suspects_);
    suspects_.clear();
    if (options_.server->alive() && !s.empty()) {
      // Died and came back? Not possible here; record what we have.
      for (auto& x : s) record(x.index, x.result, x.original, x.note, &x.st->log, x.duration);
    }
    std::lock_guard lock(notifier_->mu);
    if (!st->done) st->end = Clock::now();
    return st;
  }

  void blame(std::size_t i, const std::string& what, CaseState* st,
             std::chrono::microseconds duration, const std::string& how) {
    attributed_.insert({i, true});
    CaseResult r;
    r.verdict = Verdict::kFail;
    r.expected =
        "the server to survive this case (a bad frame is answered with a Close, not a crash)";
    r.observed = what + " during this case";
    r.detail = "The runner restarted it for the remaining cases.";
    if (!how.empty()) r.detail += " The culprit was " + how + ".";
    std::string tail = options_.server->last_output_tail();
    if (!tail.empty()) {
      if (tail.size() > 2000) tail = "..." + tail.substr(tail.size() - 2000);
      r.detail += "\n--- the server's last output ---\n" + tail;
    }
    record(i, std::move(r), Verdict::kFail, "", st != nullptr ? &st->log : nullptr, duration);
  }

  const std::vector<const Case*>& cases_;
  const RunOptions& options_;
  int jobs_ = 1;
  RunReport report_;
  std::vector<bool> done_flags_;
  std::vector<Clock::time_point> case_start_, case_end_;
  std::size_t done_count_ = 0;
  std::shared_ptr<Notifier> notifier_ = std::make_shared<Notifier>();
  std::vector<Running> running_;
  std::vector<Suspect> suspects_;
  std::map<std::size_t, bool> attributed_;
  Clock::time_point run_start_{};
  int restarts_ = 0;
  bool aborted_ = false;
  std::string abort_reason_;
};

}  // namespace

Millis watchdog_grace(Millis scaled_timeout) {
  return std::max(Millis{500}, scaled_timeout / 4);
}

bool CaseOutcome::failed() const {
  return result.verdict == Verdict::kFail || result.verdict == Verdict::kTimeout ||
         result.verdict == Verdict::kError;
}

void Counts::add(const CaseOutcome& o) {
  ++total;
  switch (o.result.verdict) {
    case Verdict::kPass:
      ++pass;
      break;
    case Verdict::kNonStrict:
      ++non_strict;
      break;
    case Verdict::kInfo:
      ++info;
      break;
    case Verdict::kFail:
      ++fail;
      break;
    case Verdict::kTimeout:
      ++timeout;
      break;
    case Verdict::kError:
      ++error;
      break;
  }
  points += o.score;
  max_points += o.info.points;
}

Counts RunReport::totals() const {
  Counts c;
  for (const auto& o : outcomes) c.add(o);
  return c;
}

std::vector<GroupCounts> RunReport::groups() const {
  std::vector<GroupCounts> out;
  for (const auto& o : outcomes) {
    auto it =
        std::find_if(out.begin(), out.end(), [&](auto& g) { return g.group == o.info.group; });
    if (it == out.end()) {
      out.push_back(GroupCounts{o.info.group, {}});
      it = out.end() - 1;
    }
    it->counts.add(o);
  }
  return out;
}

int RunReport::exit_code() const {
  return totals().ok() ? 0 : 1;
}

RunReport run_cases(const std::vector<const Case*>& cases, const RunOptions& options) {
  Runner r(cases, options);
  return r.run();
}

}  // namespace wslab::harness
