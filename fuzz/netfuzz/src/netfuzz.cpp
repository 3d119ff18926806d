// The network fuzzer's driver: target and reference setup, the run loop,
// crash/hang detection, confirmation, minimisation and the report.
#include "wslab/netfuzz/netfuzz.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <sstream>
#include <thread>

#include "wslab/harness/server_process.hpp"
#include "wslab/netfuzz/mutator.hpp"
#include "wslab/refpeer/server.hpp"
#include "wslab/refpeer/ws_url.hpp"

namespace wslab::netfuzz {

std::string_view kind_name(Finding::Kind k) {
  switch (k) {
    case Finding::Kind::kDifference:
      return "difference";
    case Finding::Kind::kViolation:
      return "violation";
    case Finding::Kind::kCrash:
      return "crash";
    case Finding::Kind::kHang:
      return "hang";
  }
  return "finding";
}

std::size_t FuzzSummary::count(Finding::Kind k) const {
  return static_cast<std::size_t>(std::count_if(findings.begin(), findings.end(),
                                                [&](const Finding& f) { return f.kind == k; }));
}

bool is_loopback_host(std::string_view host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

namespace {

using Clock = std::chrono::steady_clock;

struct Evaluation {
  Oracle oracle;
  Normalized target;
  Normalized reference;
  Comparison comparison;
  bool reference_ok = true;
};

class Fuzzer {
 public:
  Fuzzer(const FuzzOptions& options, std::ostream& out) : opt_(options), out_(out) {}

  Result<FuzzSummary> run() {
    if (auto s = setup(); !s) return Error{s.message()};
    const auto start = Clock::now();
    if (!opt_.replay_file.empty()) {
      replay();
    } else {
      loop(start);
    }
    summary_.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    print_summary();
    return summary_;
  }

 private:
  // ------------------------------------------------------------------ setup
  Status setup() {
    if (opt_.url.empty() && opt_.spawn.empty())
      return Status::fail("give the target's URL (ws://127.0.0.1:PORT/) or --spawn CMD");
    if (!opt_.url.empty()) {
      std::string err;
      auto url = refpeer::parse_ws_url(opt_.url, &err);
      if (!url) return Status::fail("bad target URL \"" + opt_.url + "\": " + err);
      if (!opt_.allow_remote && !is_loopback_host(url->host)) {
        return Status::fail("target " + url->host +
                            " is not a loopback address: the fuzzer sends hostile traffic, so only "
                            "127.0.0.1/::1/localhost unless --allow-remote");
      }
      target_.host = url->host == "localhost" ? "127.0.0.1" : url->host;
      target_.port = url->port;
      target_.path = url->resource;
    }
    if (!opt_.spawn.empty()) {
      harness::ServerSpec spec;
      if (opt_.spawn.find("{port}") != std::string::npos) {
        spec.shell_command = opt_.spawn;
      } else {
        std::istringstream words(opt_.spawn);
        spec.argv.assign(std::istream_iterator<std::string>(words),
                         std::istream_iterator<std::string>());
      }
      auto proc = harness::ServerProcess::start(spec);
      if (!proc) return Status::fail("--spawn: " + proc.error());
      process_ = std::move(*proc);
      target_.host = "127.0.0.1";
      target_.port = process_->port();
    }
    if (opt_.reference_url.empty()) {
      // lws warns about every bad frame it gets; the fuzzer sends little else.
      if (!opt_.verbose) ::setenv("WSLAB_LWS_LOG", "1", 0);
      reference_server_ = std::make_unique<refpeer::RefServer>();
      std::string err;
      if (!reference_server_->start(&err))
        return Status::fail("the libwebsockets reference server did not start: " + err);
      reference_.port = reference_server_->port();
    } else {
      std::string err;
      auto url = refpeer::parse_ws_url(opt_.reference_url, &err);
      if (!url) return Status::fail("bad --reference URL: " + err);
      reference_.host = url->host == "localhost" ? "127.0.0.1" : url->host;
      reference_.port = url->port;
      reference_.path = url->resource;
    }
    std::string detail;
    if (check_alive(target_, Millis{3000}, &detail) != Liveness::kAlive)
      return Status::fail("the target " + target_.url() +
                          " does not answer a valid handshake: " + detail);
    if (check_alive(reference_, Millis{3000}, &detail) != Liveness::kAlive)
      return Status::fail("the reference " + reference_.url() + " does not answer: " + detail);
    out_ << "wslab fuzz: target " << target_.url() << (process_ ? " (spawned)" : "")
         << ", reference " << reference_.url()
         << (reference_server_ ? " (libwebsockets, in-process)" : "") << ", seed " << opt_.seed
         << "\n";
    return Status::ok();
  }

  std::string reproduce_prefix() const {
    if (process_) return "wslab fuzz --spawn '" + opt_.spawn + "'";
    return "wslab fuzz " + opt_.url;
  }

  // ------------------------------------------------------------ evaluation
  Evaluation evaluate(const Conversation& c) {
    Evaluation e;
    e.oracle = compute_oracle(c);
    Outcome t;
    Outcome r;
    std::thread ref_thread([&] { r = run_conversation(reference_, c, opt_.run); });
    t = run_conversation(target_, c, opt_.run);
    ref_thread.join();
    e.target = normalize(t, e.oracle);
    e.reference = normalize(r, e.oracle);
    e.reference_ok = r.connected;
    if (!e.oracle.reference_unreliable.empty()) {
      e.comparison = compare(e.target, normalize_oracle(e.oracle), e.oracle);
      e.comparison.rules.push_back(e.oracle.reference_unreliable);
    } else {
      e.comparison = compare(e.target, e.reference, e.oracle);
    }
    return e;
  }

  // Is the target still up? Sets *kind for a crash or a hang.
  bool target_alive(Finding::Kind* kind, std::string* detail) {
    if (process_) {
      if (process_->wait_for_death(Millis{30})) {
        *kind = Finding::Kind::kCrash;
        *detail = process_->death_text();
        return false;
      }
    }
    std::string why;
    switch (check_alive(target_, Millis{2000}, &why)) {
      case Liveness::kAlive:
        return true;
      case Liveness::kRefused:
        *kind = Finding::Kind::kCrash;
        *detail = "connection refused after the run (" + why + ")";
        if (process_ && process_->wait_for_death(Millis{500})) *detail = process_->death_text();
        return false;
      case Liveness::kNoAnswer:
        *kind = Finding::Kind::kHang;
        *detail = "a fresh connection gets no handshake answer (" + why + ")";
        return false;
    }
    return true;
  }

  bool restart_target() {
    if (!process_) return false;
    if (Status s = process_->restart(); !s) {
      out_ << "  could not restart the target: " << s.message() << "\n";
      return false;
    }
    target_.port = process_->port();
    return true;
  }

  // ------------------------------------------------------------------ loop
  void loop(Clock::time_point start) {
    std::uint64_t first = 0;
    std::uint64_t last = opt_.runs.value_or(opt_.seconds ? UINT64_MAX : 100);
    if (opt_.only_run) {
      first = *opt_.only_run;
      last = first + 1;
    }
    for (std::uint64_t run = first; run < last; ++run) {
      if (opt_.seconds &&
          std::chrono::duration<double>(Clock::now() - start).count() >= *opt_.seconds)
        break;
      if (summary_.findings.size() >= opt_.max_findings) {
        out_ << "stopping: " << opt_.max_findings << " distinct findings\n";
        break;
      }
      Mutated m = make_run(opt_.seed, run);
      ++summary_.runs;
      if (!one_run(run, m.conversation, m.mutations)) break;
    }
  }

  void replay() {
    std::ifstream in(opt_.replay_file, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto conv = Conversation::from_text(text);
    if (!conv) {
      out_ << "cannot read " << opt_.replay_file << ": " << conv.error() << "\n";
      Finding f;
      f.kind = Finding::Kind::kDifference;
      f.what = "replay file unreadable";
      summary_.findings.push_back(f);
      return;
    }
    ++summary_.runs;
    Evaluation e = evaluate(*conv);
    out_ << "replaying " << opt_.replay_file << ":\n" << conv->describe();
    out_ << "  target:    " << describe(e.target) << "\n  reference: " << describe(e.reference)
         << "\n";
    if (!e.oracle.reference_unreliable.empty())
      out_ << "  oracle:    " << describe(normalize_oracle(e.oracle)) << "\n";
    for (const auto& r : e.comparison.rules) out_ << "  rule: " << r << "\n";
    (void)one_run(0, *conv, {"replay of " + opt_.replay_file}, &e);
  }

  // One conversation; false when fuzzing must stop (target down for good).
  bool one_run(std::uint64_t run, const Conversation& c, const std::vector<std::string>& mutations,
               Evaluation* given = nullptr) {
    Evaluation e = given ? *given : evaluate(c);
    if (!e.reference_ok) {
      // The reference refused a handshake (overload?): try once more.
      e = evaluate(c);
      if (!e.reference_ok) {
        out_ << "run " << run << ": the reference did not accept a connection ("
             << e.reference.detail << "); stopping\n";
        return false;
      }
    }
    if (opt_.verbose) {
      out_ << "run " << run << " [";
      for (std::size_t i = 0; i < mutations.size(); ++i) out_ << (i ? ", " : "") << mutations[i];
      out_ << "]: target " << describe(e.target) << " | reference " << describe(e.reference)
           << (e.comparison.same ? "" : "  <-- DIFFERENT") << "\n";
    }
    Finding::Kind down_kind{};
    std::string down_detail;
    if (!target_alive(&down_kind, &down_detail)) {
      Finding f = make_finding(down_kind, run, down_detail, c, mutations, e);
      if (seen(f.signature)) {  // the same death again: counted, not reported twice
        if (process_ && restart_target()) return true;
        return false;
      }
      if (process_ && opt_.minimize) {
        // Delta debugging on "the target dies", restarting it after every death.
        restart_target();
        f.conversation = minimize(
            c,
            [&](const Conversation& cand) {
              (void)run_conversation(target_, cand, opt_.run);
              Finding::Kind k{};
              std::string d;
              const bool dead = !target_alive(&k, &d);
              if (dead) restart_target();
              return dead && k == down_kind;
            },
            &f.minimize_runs);
      }
      report(f);
      if (process_ && restart_target()) return true;
      out_ << "the target is down: stopping (start it again, or use --spawn so the fuzzer can "
              "restart it)\n";
      return false;
    }
    if (!e.target.violations.empty()) {
      const std::string first = e.target.violations.front();
      Finding f = make_finding(Finding::Kind::kViolation, run, "target: " + first, c, mutations, e);
      f.signature = "violation|" + first.substr(0, first.find(':'));
      if (!seen(f.signature)) {
        if (opt_.minimize) {
          f.conversation = minimize(
              c,
              [&](const Conversation& cand) {
                const Evaluation x = evaluate(cand);
                return !x.target.violations.empty() &&
                       x.target.violations.front().substr(0, first.find(':')) ==
                           first.substr(0, first.find(':'));
              },
              &f.minimize_runs);
        }
        report(f);
      }
      return true;
    }
    if (e.comparison.same) {
      ++summary_.same;
      if (!e.comparison.rules.empty()) ++summary_.rules_applied;
      if (!e.oracle.reference_unreliable.empty()) ++summary_.oracle_compared;
      return true;
    }
    // Confirm: timing can make one run differ by accident.
    const Evaluation again = evaluate(c);
    if (again.comparison.same) {
      ++summary_.unstable;
      if (opt_.verbose) out_ << "run " << run << ": difference did not repeat (unstable)\n";
      return true;
    }
    Finding f = make_finding(Finding::Kind::kDifference, run, e.comparison.why, c, mutations, e);
    f.signature = "difference|" + e.target.terminal + "|" + e.reference.terminal + "|" +
                  e.comparison.why.substr(0, e.comparison.why.find(':'));
    if (seen(f.signature)) return true;
    if (opt_.minimize) {
      const std::string target_terminal = e.target.terminal;
      const std::string reference_terminal = e.reference.terminal;
      f.conversation = minimize(
          c,
          [&](const Conversation& cand) {
            const Evaluation x = evaluate(cand);
            return !x.comparison.same && x.target.terminal == target_terminal &&
                   x.reference.terminal == reference_terminal;
          },
          &f.minimize_runs);
      const Evaluation final_eval = evaluate(f.conversation);
      f.target = final_eval.target;
      f.reference = final_eval.reference;
      if (!final_eval.comparison.same) f.what = final_eval.comparison.why;
    }
    report(f);
    return true;
  }

  Finding make_finding(Finding::Kind kind, std::uint64_t run, std::string what,
                       const Conversation& c, const std::vector<std::string>& mutations,
                       const Evaluation& e) {
    Finding f;
    f.kind = kind;
    f.run = run;
    f.what = std::move(what);
    f.mutations = mutations;
    f.conversation = c;
    f.original_frames = c.frames.size();
    f.target = e.target;
    f.reference = e.reference;
    f.rules = e.comparison.rules;
    f.signature = std::string(kind_name(kind)) + "|" + f.what;
    return f;
  }

  bool seen(const std::string& signature) {
    for (auto& f : summary_.findings) {
      if (f.signature == signature) {
        ++f.repeats;
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------- minimisation
  // Delta debugging (Zeller's ddmin) over frames, then simpler writes, flips,
  // payloads and header fields; keeps every step that still shows the finding.
  Conversation minimize(Conversation c, const std::function<bool(const Conversation&)>& still,
                        std::size_t* runs) {
    constexpr std::size_t kBudget = 60;
    std::size_t used = 0;
    auto test = [&](const Conversation& cand) {
      if (used >= kBudget) return false;
      ++used;
      return still(cand);
    };
    // 1. frames
    std::size_t n = 2;
    while (c.frames.size() >= 2 && used < kBudget) {
      const std::size_t size = c.frames.size();
      const std::size_t chunk = (size + n - 1) / n;
      bool removed = false;
      for (std::size_t begin = 0; begin < size; begin += chunk) {
        Conversation cand = c;
        const auto first = cand.frames.begin() + static_cast<std::ptrdiff_t>(begin);
        cand.frames.erase(first,
                          first + static_cast<std::ptrdiff_t>(std::min(chunk, size - begin)));
        if (!cand.frames.empty() && test(cand)) {
          c = std::move(cand);
          n = std::max<std::size_t>(n - 1, 2);
          removed = true;
          break;
        }
      }
      if (!removed) {
        if (n >= size) break;
        n = std::min(size, n * 2);
      }
    }
    // 2. writes: none at all, else one cut at a time
    if (!c.cuts.empty()) {
      Conversation cand = c;
      cand.cuts.clear();
      if (test(cand)) {
        c = std::move(cand);
      } else {
        for (std::size_t i = 0; i < c.cuts.size() && used < kBudget;) {
          cand = c;
          cand.cuts.erase(cand.cuts.begin() + static_cast<std::ptrdiff_t>(i));
          if (test(cand)) {
            c = std::move(cand);
          } else {
            ++i;
          }
        }
      }
    }
    // 3. per frame: flips, payload, lying length, length form, masking mode
    for (std::size_t fi = 0; fi < c.frames.size() && used < kBudget; ++fi) {
      for (std::size_t k = 0; k < c.frames[fi].flips.size() && used < kBudget;) {
        Conversation cand = c;
        cand.frames[fi].flips.erase(cand.frames[fi].flips.begin() + static_cast<std::ptrdiff_t>(k));
        if (test(cand)) {
          c = std::move(cand);
        } else {
          ++k;
        }
      }
      const std::string& p = c.frames[fi].payload;
      if (p.size() > 8) {
        for (std::size_t keep : {std::size_t{0}, p.size() / 2}) {
          Conversation cand = c;
          cand.frames[fi].payload.resize(keep);
          if (test(cand)) {
            c = std::move(cand);
            break;
          }
        }
      }
      auto simplify = [&](auto&& change) {
        Conversation cand = c;
        if (!change(cand.frames[fi])) return;
        if (test(cand)) c = std::move(cand);
      };
      simplify([](FrameSpec& f) {
        return f.declared_length ? (f.declared_length.reset(), true) : false;
      });
      simplify([](FrameSpec& f) {
        return f.form != LengthForm::kMinimal ? (f.form = LengthForm::kMinimal, true) : false;
      });
      simplify([](FrameSpec& f) {
        return f.mask != MaskMode::kMasked ? (f.mask = MaskMode::kMasked, true) : false;
      });
    }
    if (runs) *runs = used;
    return c;
  }

  // ---------------------------------------------------------------- report
  void report(Finding& f) {
    if (!opt_.save_dir.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(opt_.save_dir, ec);
      const std::string path = opt_.save_dir + "/finding-" +
                               std::to_string(summary_.findings.size() + 1) + "-" +
                               std::string(kind_name(f.kind)) + ".conv";
      std::ofstream file(path, std::ios::binary);
      file << "# " << kind_name(f.kind) << " (run " << f.run << ", seed " << opt_.seed
           << "): " << f.what << "\n"
           << f.conversation.to_text();
      if (file) f.saved_as = path;
    }
    out_ << "\n[" << kind_name(f.kind) << "] run " << f.run << ": " << f.what << "\n";
    if (!f.mutations.empty()) {
      out_ << "  mutations: ";
      for (std::size_t i = 0; i < f.mutations.size(); ++i)
        out_ << (i ? ", " : "") << f.mutations[i];
      out_ << "\n";
    }
    if (f.kind == Finding::Kind::kDifference || f.kind == Finding::Kind::kViolation) {
      out_ << "  target:    " << describe(f.target) << "\n  reference: " << describe(f.reference)
           << "\n";
    }
    for (const auto& r : f.rules) out_ << "  rule applied: " << r << "\n";
    out_ << "  conversation";
    if (f.minimize_runs > 0) {
      out_ << " (minimised from " << f.original_frames << " to " << f.conversation.frames.size()
           << " frame(s) in " << f.minimize_runs << " runs)";
    }
    out_ << ", sent after a valid opening handshake:\n" << f.conversation.describe();
    out_ << "  reproduce: " << reproduce_prefix() << " --seed " << opt_.seed << " --only-run "
         << f.run << " --no-minimize\n";
    if (!f.saved_as.empty())
      out_ << "             " << reproduce_prefix() << " --replay " << f.saved_as << "\n";
    if (process_ && (f.kind == Finding::Kind::kCrash || f.kind == Finding::Kind::kHang)) {
      const std::string tail = process_->last_output_tail();
      if (!tail.empty()) {
        out_ << "  target output (tail):\n";
        std::istringstream lines(tail.substr(tail.size() > 2000 ? tail.size() - 2000 : 0));
        std::string line;
        while (std::getline(lines, line)) out_ << "    | " << line << "\n";
      }
    }
    out_.flush();
    summary_.findings.push_back(std::move(f));
  }

  void print_summary() {
    out_ << "\nwslab fuzz: " << summary_.runs << " run(s) in "
         << static_cast<int>(summary_.seconds * 10) / 10.0 << " s (seed " << opt_.seed
         << "): " << summary_.same << " same after normalisation (" << summary_.rules_applied
         << " by a rule, " << summary_.oracle_compared << " against core's oracle), "
         << summary_.unstable << " unstable\n";
    out_ << "findings: " << summary_.count(Finding::Kind::kDifference) << " difference(s), "
         << summary_.count(Finding::Kind::kViolation) << " violation(s), "
         << summary_.count(Finding::Kind::kCrash) << " crash(es), "
         << summary_.count(Finding::Kind::kHang) << " hang(s)";
    std::uint64_t repeats = 0;
    for (const auto& f : summary_.findings) repeats += f.repeats - 1;
    if (repeats > 0) out_ << " (+" << repeats << " repeat(s) of the same)";
    out_ << "\n";
  }

  const FuzzOptions& opt_;
  std::ostream& out_;
  Endpoint target_;
  Endpoint reference_;
  std::unique_ptr<harness::ServerProcess> process_;
  std::unique_ptr<refpeer::RefServer> reference_server_;
  FuzzSummary summary_;
};

}  // namespace

Result<FuzzSummary> run_network_fuzzer(const FuzzOptions& options, std::ostream& out) {
  Fuzzer fuzzer(options, out);
  return fuzzer.run();
}

}  // namespace wslab::netfuzz
