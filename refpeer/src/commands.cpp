// `serve` and `client`: the reference peer on the command line.
#include "wslab/refpeer/commands.hpp"

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "wslab/refpeer/client.hpp"
#include "wslab/refpeer/server.hpp"

namespace wslab::refpeer {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct ServeArgs {
  std::uint16_t port = 0;
  unsigned ping_interval = 0;
  unsigned pong_timeout = 10;
  std::size_t max_message = std::size_t{16} << 20;
  unsigned fd_limit = 256;
  bool close_command = false;
  std::vector<std::string> tokens;
  std::string token_file;
};

struct ClientArgs {
  std::string url;
  std::string subprotocol;
  bool binary = false;
  unsigned connect_timeout_ms = 3000;
  unsigned wait_ms = 2000;
};

// Runs the server until SIGINT or SIGTERM. The signals are blocked before the
// service thread starts (it inherits the mask) and taken with sigwait here, so
// no handler runs inside lws.
int run_serve(const ServeArgs& args) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  ServerOptions options;
  options.port = args.port;
  options.ping_interval = seconds{args.ping_interval};
  options.pong_timeout = seconds{args.pong_timeout};
  options.max_message = args.max_message;
  options.fd_limit = args.fd_limit;
  options.close_command = args.close_command;
  options.tokens = args.tokens;
  options.token_file = args.token_file;
  RefServer server(options);
  std::string error;
  if (!server.start(&error)) {
    std::fprintf(stderr, "wslab refpeer serve: %s\n", error.c_str());
    return 1;
  }
  std::printf("listening on %s\n", server.url().c_str());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::fprintf(stderr, "wslab refpeer serve: %s, closing connections with 1001\n",
               signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  server.stop();
  return 0;
}

void print_message(const ReceivedMessage& m) {
  if (!m.binary) {
    std::printf("%s\n", m.payload.c_str());
  } else {
    std::printf("[binary %zu bytes]", m.payload.size());
    for (unsigned char c : m.payload) std::printf(" %02x", c);
    std::printf("\n");
  }
  std::fflush(stdout);
}

// stdin lines -> messages; replies are printed as they arrive. At end of input
// it waits (at most --wait ms) until as many replies as messages came back,
// then closes with 1000.
int run_client(const ClientArgs& args) {
  ClientOptions options;
  options.subprotocol = args.subprotocol;
  options.connect_timeout = milliseconds{args.connect_timeout_ms};
  RefClient client(options);
  std::string error;
  if (!client.connect(args.url, &error)) {
    std::fprintf(stderr, "wslab refpeer client: %s\n", error.c_str());
    return 1;
  }
  std::fprintf(stderr, "connected to %s%s%s\n", args.url.c_str(),
               client.subprotocol().empty() ? "" : ", subprotocol ", client.subprotocol().c_str());

  std::atomic<std::uint64_t> received{0};
  std::atomic<bool> done{false};
  std::thread printer([&] {
    while (!done.load()) {
      if (auto m = client.receive(milliseconds{100})) {
        print_message(*m);
        received.fetch_add(1);
      } else if (!client.is_open()) {
        break;
      }
    }
  });

  std::uint64_t sent = 0;
  std::string line;
  while (client.is_open() && std::getline(std::cin, line)) {
    const bool ok = args.binary ? client.send_binary(line) : client.send_text(line);
    if (!ok) break;
    ++sent;
  }
  const auto deadline = std::chrono::steady_clock::now() + milliseconds{args.wait_ms};
  while (client.is_open() && received.load() < sent &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds{10});
  }
  const bool closed_by_us = client.is_open();
  std::optional<CloseInfo> info = closed_by_us ? client.close(1000, "", milliseconds{2000})
                                               : client.wait_closed(milliseconds{0});
  done = true;
  printer.join();
  while (auto m = client.receive(milliseconds{0})) print_message(*m);
  if (!info) {
    std::fprintf(stderr, "closed: the peer did not finish the closing handshake in time\n");
    return 1;
  }
  std::fprintf(stderr, "closed: %u%s%s%s\n", info->code, info->reason.empty() ? "" : " '",
               info->reason.c_str(), info->reason.empty() ? "" : "'");
  return closed_by_us || info->code == 1000 || info->code == 1001 ? 0 : 1;
}

}  // namespace

void add_refpeer_commands(CLI::App& parent, std::function<void(int)> set_exit_code) {
  auto serve_args = std::make_shared<ServeArgs>();
  CLI::App* serve = parent.add_subcommand(
      "serve", "Run the libwebsockets echo server on 127.0.0.1 until SIGINT/SIGTERM");
  serve->add_option("--port", serve_args->port, "TCP port (0: the kernel chooses)")
      ->capture_default_str();
  serve
      ->add_option("--ping-interval", serve_args->ping_interval,
                   "Seconds without a pong before the server pings (0: lws default, 300)")
      ->capture_default_str();
  serve
      ->add_option("--pong-timeout", serve_args->pong_timeout,
                   "Seconds after that ping before an unanswered peer is dropped")
      ->capture_default_str();
  serve
      ->add_option("--max-message", serve_args->max_message,
                   "Largest message echoed, in bytes; larger ones get close 1009")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 31));
  serve
      ->add_option("--fd-limit", serve_args->fd_limit,
                   "lws fd table size (10 000 idle connections need ~11000 and ulimit -n)")
      ->capture_default_str()
      ->check(CLI::Range(16u, 1000000u));
  serve->add_flag("--close-command", serve_args->close_command,
                  "Test hook: a text message \"!close CODE [reason]\" closes with that code");
  serve->add_option("--token", serve_args->tokens,
                    "Accept this token for wslab.rooms.v1 (repeatable): clients must connect with "
                    "?token=T, else 401 (none) or 403 (wrong); echo is never checked");
  serve->add_option("--token-file", serve_args->token_file,
                    "Read accepted tokens from this file: one per line, # starts a comment");
  serve->callback([serve_args, set_exit_code] { set_exit_code(run_serve(*serve_args)); });

  auto client_args = std::make_shared<ClientArgs>();
  CLI::App* client = parent.add_subcommand(
      "client", "Connect with the libwebsockets client; stdin lines become messages");
  client->add_option("url", client_args->url, "ws://host:port/path")->required();
  client->add_option("--subprotocol", client_args->subprotocol,
                     "Offer this subprotocol (comma-separated list)");
  client->add_flag("--binary", client_args->binary, "Send each line as a binary message");
  client
      ->add_option("--connect-timeout", client_args->connect_timeout_ms,
                   "Milliseconds to wait for the opening handshake")
      ->capture_default_str();
  client
      ->add_option("--wait", client_args->wait_ms,
                   "At end of input, milliseconds to wait for outstanding replies")
      ->capture_default_str();
  client->callback([client_args, set_exit_code] { set_exit_code(run_client(*client_args)); });
}

}  // namespace wslab::refpeer
