// A net::Server (compiled against the lab implementation) running an App on
// its own thread, on 127.0.0.1 and a port the kernel picks. For the lab tests
// that talk TCP (labs 4-5). Stops gracefully in the destructor.
#pragma once

#include <memory>
#include <thread>

#include "wslab/net/event_loop.hpp"
#include "wslab/net/server.hpp"

namespace wslab::labtest {

class ServerThread {
 public:
  ServerThread(net::App& app, net::ServerOptions options) {
    options.host = "127.0.0.1";
    options.port = 0;
    options.log = net::LogLevel::kQuiet;
    server_ = std::make_unique<net::Server>(loop_, app, std::move(options));
    listen_status_ = server_->listen();
    if (listen_status_) thread_ = std::thread([this] { loop_.run(); });
  }
  ~ServerThread() {
    if (thread_.joinable()) {
      server_->request_shutdown();
      thread_.join();
    }
  }
  ServerThread(const ServerThread&) = delete;
  ServerThread& operator=(const ServerThread&) = delete;

  [[nodiscard]] bool ok() const { return listen_status_.is_ok(); }
  [[nodiscard]] const std::string& error() const { return listen_status_.message(); }
  [[nodiscard]] std::uint16_t port() const { return server_->port(); }

 private:
  net::EventLoop loop_;
  std::unique_ptr<net::Server> server_;
  Status listen_status_;
  std::thread thread_;
};

}  // namespace wslab::labtest
