// wslab fuzz: the network fuzzer (fuzz/netfuzz, docs/fuzzing.md). Sends
// mutated conversations (handshake + frames) to a WebSocket server and to the
// libwebsockets reference, compares what they do (RFC 6455 §5, §7), and
// reports differences (minimised), RFC violations, crashes and hangs.
// The in-process libFuzzer targets are run with scripts/run-fuzz.sh instead.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "commands.hpp"

#if __has_include("wslab/netfuzz/netfuzz.hpp")
#include "wslab/netfuzz/netfuzz.hpp"
#define WSLAB_HAVE_NETFUZZ 1
#endif

namespace wslab::cli {

#ifdef WSLAB_HAVE_NETFUZZ
namespace {

struct FuzzFlags {
  std::string url;
  std::string spawn;
  std::string reference;
  std::uint64_t seed = 1;
  std::uint64_t runs = 0;
  double seconds = 0;
  std::uint64_t only_run = 0;
  bool has_only_run = false;
  std::string replay;
  std::string save;
  bool allow_remote = false;
  bool no_minimize = false;
  std::size_t max_findings = 20;
  int silence_ms = 400;
  bool verbose = false;
};

int run_fuzz(const FuzzFlags& f) {
  std::signal(SIGPIPE, SIG_IGN);  // a target that drops the connection must not kill us
  netfuzz::FuzzOptions o;
  o.url = f.url;
  o.spawn = f.spawn;
  o.reference_url = f.reference;
  o.seed = f.seed;
  if (f.runs > 0) o.runs = f.runs;
  if (f.seconds > 0) o.seconds = f.seconds;
  if (f.has_only_run) o.only_run = f.only_run;
  o.replay_file = f.replay;
  o.save_dir = f.save;
  o.allow_remote = f.allow_remote;
  o.minimize = !f.no_minimize;
  o.max_findings = f.max_findings;
  o.run.silence = Millis{f.silence_ms};
  o.verbose = f.verbose;
  auto result = netfuzz::run_network_fuzzer(o, std::cout);
  if (!result) {
    std::fprintf(stderr, "wslab fuzz: %s\n", result.error().c_str());
    return 2;
  }
  return result->clean() ? 0 : 1;
}

}  // namespace

void register_fuzz(CLI::App& app) {
  auto flags = std::make_shared<FuzzFlags>();
  auto* cmd = app.add_subcommand(
      "fuzz", "Fuzz a WebSocket server over the network, comparing it with libwebsockets");
  cmd->footer(
      "Each run sends a valid handshake, then a mutated conversation (text, binary, ping,\n"
      "close, fragments; bit flips, lying lengths, reserved opcodes, RSV bits, masking,\n"
      "close codes, chop points and pauses) to the target and to the reference, and\n"
      "compares what they do after normalisation (docs/fuzzing.md). Exit status: 0 no\n"
      "finding, 1 a difference, violation, crash or hang, 2 usage error.\n"
      "Examples:\n"
      "  wslab fuzz ws://127.0.0.1:9001/ --seconds 60\n"
      "  wslab fuzz --spawn 'wslab serve --port 0' --runs 500 --seed 7\n"
      "  wslab fuzz ws://127.0.0.1:9001/ --replay findings/finding-1-difference.conv\n"
      "The in-process libFuzzer targets: scripts/run-fuzz.sh or `make fuzz TARGET=frame`.");
  cmd->add_option("url", flags->url, "Target, ws://127.0.0.1:PORT/path (loopback only by default)");
  cmd->add_option("--spawn", flags->spawn,
                  "Start the target as a child (its death is seen and it is restarted): a shell "
                  "command with {port}, or one printing 'listening on ws://HOST:PORT/'");
  cmd->add_option("--reference", flags->reference,
                  "Reference server URL (default: libwebsockets RefServer in-process)");
  cmd->add_option("--seed", flags->seed, "Seed: the same seed sends the same conversations")
      ->capture_default_str();
  cmd->add_option("--runs", flags->runs, "Stop after this many conversations (default 100)");
  cmd->add_option("--seconds", flags->seconds, "Stop after this long");
  auto* only_run =
      cmd->add_option("--only-run", flags->only_run, "Run conversation N of the seed alone");
  cmd->add_option("--replay", flags->replay, "Send one saved conversation (see --save)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--save", flags->save, "Write each finding's conversation to DIR");
  cmd->add_flag("--allow-remote", flags->allow_remote,
                "Allow a target that is not on this machine (hostile traffic: only your own)");
  cmd->add_flag("--no-minimize", flags->no_minimize, "Report findings as found, unminimised");
  cmd->add_option("--max-findings", flags->max_findings, "Stop after this many distinct findings")
      ->capture_default_str();
  cmd->add_option("--silence", flags->silence_ms,
                  "Milliseconds without bytes after which a server counts as silent")
      ->capture_default_str()
      ->check(CLI::Range(50, 60000));
  cmd->add_flag("--verbose,-v", flags->verbose, "Print every run's outcome");
  cmd->callback([flags, only_run] {
    flags->has_only_run = only_run->count() > 0;
    set_exit_code(run_fuzz(*flags));
  });
}

#else

void register_fuzz(CLI::App& app) {
  auto* cmd = app.add_subcommand("fuzz", "Network fuzzer (not in this build: needs fuzz/netfuzz)");
  cmd->allow_extras();
  cmd->callback([] {
    std::fprintf(stderr, "wslab fuzz: this build has no network fuzzer (wslab_netfuzz)\n");
    set_exit_code(2);
  });
}

#endif

}  // namespace wslab::cli
