// wslab client URL: a line-oriented WebSocket client (RFC 6455 client role)
// on the net event loop. Each stdin line is sent as one text (or --binary)
// message; what arrives is printed one line per frame:
//   < hello                    a text message
//   < [binary 3 bytes] 61 62 63
//   < ping 1 / < pong 1        control frames
//   closed: 1000 Normal Closure bye
// After the end of input the client waits until nothing has been sent or
// received for --wait ms (echoes may still be on their way: data arriving after
// our Close is not delivered), then closes with 1000.
// Exit status: 0 clean close; 1 connection dropped or failed (1006, 1002 ...);
// 2 bad usage/URL; 3 cannot connect; 4 handshake rejected; 5 timeout.
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "wslab/close.hpp"
#include "wslab/net/client.hpp"
#include "wslab/net/connection.hpp"
#include "wslab/net/event_loop.hpp"

namespace wslab::cli {
namespace {

enum ExitCode : int {
  kExitClean = 0,
  kExitUnclean = 1,
  kExitUsage = 2,
  kExitConnect = 3,
  kExitHandshake = 4,
  kExitTimeout = 5,
};

struct ClientFlags {
  std::string url;
  std::vector<std::string> subprotocols;
  std::string origin;
  bool binary = false;
  double timeout_s = 5.0;
  std::int64_t ping_ms = 0;
  std::int64_t wait_ms = 200;
  std::uint64_t max_message = 16ull << 20;
};

void print_line(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

std::string hex_preview(std::string_view data) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  std::size_t n = data.size() < 32 ? data.size() : 32;
  for (std::size_t i = 0; i < n; ++i) {
    auto b = static_cast<unsigned char>(data[i]);
    if (i > 0) out.push_back(' ');
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  if (data.size() > n) out += " ...";
  return out;
}

// Reads stdin, sends lines, prints what arrives.
class Terminal final : public net::App, public net::IoHandler, public net::TimerHandler {
 public:
  Terminal(net::EventLoop& loop, const ClientFlags& flags)
      : loop_(loop), flags_(flags), echo_sent_(::isatty(STDIN_FILENO) == 0) {}

  void attach(net::Client& client) { client_ = &client; }

  // Watch stdin; a regular file or /dev/null cannot be polled, so read it now.
  void watch_stdin() {
    if (loop_.add(STDIN_FILENO, EPOLLIN, this)) {
      stdin_watched_ = true;
      return;
    }
    char buf[65536];
    while (true) {
      ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
      if (n <= 0) break;
      take_input(std::string_view(buf, static_cast<std::size_t>(n)));
    }
    stdin_eof_ = true;
  }

  void on_open(net::Connection& c) override {
    conn_ = &c;
    std::string line = "connected: " + flags_.url;
    if (!c.subprotocol().empty()) line += " (subprotocol " + c.subprotocol() + ")";
    print_line(line);
    while (!queued_.empty()) {
      send_line(queued_.front());
      queued_.pop_front();
    }
    last_activity_ = net::steady_now();
    if (flags_.ping_ms > 0)
      loop_.schedule(last_activity_ + Millis{flags_.ping_ms}, this, kPingTimer);
    maybe_close();
  }
  void on_text(net::Connection& /*c*/, std::string_view text) override {
    last_activity_ = net::steady_now();
    print_line("< " + std::string(text));
  }
  void on_binary(net::Connection& /*c*/, std::string_view data) override {
    last_activity_ = net::steady_now();
    print_line("< [binary " + std::to_string(data.size()) + " bytes] " + hex_preview(data));
  }
  void on_ping(net::Connection& /*c*/, std::string_view payload) override {
    print_line("< ping " + net::printable(payload));
  }
  void on_pong(net::Connection& /*c*/, std::string_view payload) override {
    print_line("< pong " + net::printable(payload));
  }
  void on_close(net::Connection& /*c*/, const net::CloseInfo& info) override {
    conn_ = nullptr;
    std::string line =
        "closed: " + std::to_string(info.code) + " " + std::string(close_code_name(info.code));
    if (!info.reason.empty()) line += " " + net::printable(info.reason, 200);
    print_line(line);
  }

  void on_io(std::uint32_t /*events*/) override {
    char buf[65536];
    // One read per wake-up never blocks on a readable descriptor.
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n > 0) {
      take_input(std::string_view(buf, static_cast<std::size_t>(n)));
      return;
    }
    loop_.remove(STDIN_FILENO);
    stdin_watched_ = false;
    if (!partial_.empty()) {
      enqueue(partial_);
      partial_.clear();
    }
    stdin_eof_ = true;
    maybe_close();
  }

  void on_timer(std::uint64_t key, Millis now) override {
    if (conn_ == nullptr) return;
    if (key == kPingTimer) {
      std::string payload = std::to_string(++pings_);
      if (conn_->ping(payload)) print_line("> ping " + payload);
      loop_.schedule(now + Millis{flags_.ping_ms}, this, kPingTimer);
    } else if (key == kQuietTimer) {
      close_scheduled_ = false;
      maybe_close();
    }
  }

  // SIGINT/SIGTERM: close politely; a second one stops at once.
  void on_signal() {
    if (conn_ != nullptr && !closing_) {
      closing_ = true;
      conn_->close(1000, "client interrupted");
      return;
    }
    loop_.stop();
  }

  ~Terminal() {
    if (stdin_watched_) loop_.remove(STDIN_FILENO);
  }
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

 private:
  static constexpr std::uint64_t kPingTimer = 1;
  static constexpr std::uint64_t kQuietTimer = 2;

  void take_input(std::string_view data) {
    partial_.append(data);
    std::size_t start = 0;
    while (true) {
      std::size_t nl = partial_.find('\n', start);
      if (nl == std::string::npos) break;
      std::string line = partial_.substr(start, nl - start);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      enqueue(line);
      start = nl + 1;
    }
    partial_.erase(0, start);
  }

  void enqueue(const std::string& line) {
    if (conn_ != nullptr) {
      send_line(line);
    } else {
      queued_.push_back(line);
    }
  }

  void send_line(const std::string& line) {
    if (conn_ == nullptr) return;
    bool ok = flags_.binary ? conn_->send_binary(line) : conn_->send_text(line);
    if (!ok) {
      std::fprintf(stderr, "wslab client: could not send %s\n",
                   flags_.binary ? "binary message" : "line (is it valid UTF-8?)");
      return;
    }
    last_activity_ = net::steady_now();  // its answer may take a moment: --wait counts from here
    if (echo_sent_) print_line((flags_.binary ? "> [binary] " : "> ") + line);
  }

  // End of input: close once the server has been quiet for --wait ms.
  void maybe_close() {
    if (!stdin_eof_ || conn_ == nullptr || closing_ || close_scheduled_) return;
    Millis now = net::steady_now();
    Millis due = last_activity_ + Millis{flags_.wait_ms};
    if (now >= due) {
      closing_ = true;
      conn_->close(1000);
      return;
    }
    close_scheduled_ = true;
    loop_.schedule(due, this, kQuietTimer);
  }

  net::EventLoop& loop_;
  const ClientFlags& flags_;
  net::Client* client_ = nullptr;
  net::Connection* conn_ = nullptr;
  bool echo_sent_;
  bool stdin_watched_ = false;
  bool stdin_eof_ = false;
  bool closing_ = false;
  bool close_scheduled_ = false;
  std::string partial_;
  std::deque<std::string> queued_;
  Millis last_activity_{0};
  std::uint64_t pings_ = 0;
};

int run_client(const ClientFlags& flags) {
  // A closed stdout/stderr pipe must not kill us; writes then just fail.
  std::signal(SIGPIPE, SIG_IGN);
  net::EventLoop loop;
  Terminal terminal(loop, flags);
  net::ClientOptions options;
  options.url = flags.url;
  options.origin = flags.origin;
  options.subprotocols = flags.subprotocols;
  options.connect_timeout = Millis{static_cast<std::int64_t>(flags.timeout_s * 1000.0)};
  options.session.max_message_bytes = flags.max_message;
  options.session.max_frame_bytes = flags.max_message;
  net::Client client(loop, terminal, options);
  terminal.attach(client);
  if (Status st = loop.watch_signals({SIGINT, SIGTERM}, [&](int) { terminal.on_signal(); }); !st) {
    std::fprintf(stderr, "wslab client: %s\n", st.message().c_str());
    return kExitUnclean;
  }
  if (Status st = client.start(); !st) {
    std::fprintf(stderr, "wslab client: %s\n", st.message().c_str());
    return kExitUsage;
  }
  terminal.watch_stdin();
  loop.run();
  switch (client.outcome()) {
    case net::ClientOutcome::kClosed:
      return client.close_info() && client.close_info()->clean ? kExitClean : kExitUnclean;
    case net::ClientOutcome::kConnectFailed:
      std::fprintf(stderr, "wslab client: %s\n", client.failure().c_str());
      return kExitConnect;
    case net::ClientOutcome::kHandshakeRejected:
      std::fprintf(stderr, "wslab client: %s\n", client.failure().c_str());
      return kExitHandshake;
    case net::ClientOutcome::kTimeout:
      std::fprintf(stderr, "wslab client: %s\n", client.failure().c_str());
      return kExitTimeout;
    case net::ClientOutcome::kRunning:
      std::fprintf(stderr, "wslab client: interrupted\n");
      return kExitUnclean;
  }
  return kExitUnclean;
}

}  // namespace

void register_client(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "client",
      "Connect to a ws:// URL, send each stdin line as a message, print what arrives.\n"
      "Exit status: 0 clean close, 1 abnormal close, 2 bad URL, 3 cannot connect,\n"
      "4 handshake rejected, 5 timeout.");
  auto flags = std::make_shared<ClientFlags>();
  cmd->add_option("url", flags->url, "ws://host[:port]/path (port defaults to 80)")->required();
  cmd->add_option("--subprotocol", flags->subprotocols,
                  "Subprotocol to offer, in preference order (repeatable)");
  cmd->add_option("--origin", flags->origin, "Origin header to send");
  cmd->add_flag("--binary", flags->binary, "Send each line as a binary message");
  cmd->add_option("--timeout", flags->timeout_s, "Connect + handshake timeout in seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--ping", flags->ping_ms, "Send a Ping every N milliseconds (0 = never)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--wait", flags->wait_ms,
                  "After the end of input, close once nothing has arrived for this many ms")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-message", flags->max_message, "Largest message accepted, in bytes")
      ->capture_default_str();
  cmd->callback([flags] { set_exit_code(run_client(*flags)); });
}

}  // namespace wslab::cli
