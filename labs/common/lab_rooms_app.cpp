// PROVIDED (lab 5): the adapter between net and the rooms engine.
#include "lab_rooms_app.hpp"

#include <chrono>

#include "wslab/net/connection.hpp"
#include "wslab/rooms/protocol.hpp"

namespace wslab::labs {
namespace {

rooms::Now clocks() {
  using namespace std::chrono;
  rooms::Now now;
  now.monotonic = duration_cast<Millis>(steady_clock::now().time_since_epoch());
  now.unix_ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  return now;
}

}  // namespace

LabRoomsApp::LabRoomsApp(rooms::Limits limits, rooms::TokenSet tokens)
    : tokens_(std::move(tokens)), engine_(limits) {}

net::UpgradeDecision LabRoomsApp::on_upgrade(const net::UpgradeRequest& request) {
  const rooms::UpgradeVerdict v =
      rooms::check_upgrade(request.path, request.client_subprotocols, tokens_);
  if (v.status != 101) {
    net::UpgradeDecision d = net::UpgradeDecision::reject(v.status, v.reason);
    d.headers = v.headers;
    return d;
  }
  return net::UpgradeDecision::accept(std::string(rooms::kSubprotocol));
}

void LabRoomsApp::on_open(net::Connection& c) {
  open_[c.id()] = &c;
  engine_.on_open(c.id(), clocks().monotonic);
}

void LabRoomsApp::on_text(net::Connection& c, std::string_view text) {
  rooms::Deliveries out;
  engine_.on_text(c.id(), text, clocks(), out);
  deliver(out);
}

void LabRoomsApp::on_binary(net::Connection& c, std::string_view /*data*/) {
  c.close(rooms::kCloseUnsupportedData, rooms::kReasonBinary);
}

void LabRoomsApp::on_close(net::Connection& c, const net::CloseInfo& /*info*/) {
  open_.erase(c.id());
  rooms::Deliveries out;
  engine_.on_close(c.id(), out);
  deliver(out);
}

void LabRoomsApp::deliver(const rooms::Deliveries& out) {
  for (const auto& d : out) {
    const auto it = open_.find(d.to);
    if (it != open_.end() && d.text) it->second->send_text(*d.text);
  }
}

void configure_lab_rooms_server(net::ServerOptions& options, const rooms::Limits& limits) {
  options.session.max_message_bytes = limits.max_message_bytes;
  options.session.max_frame_bytes = limits.max_message_bytes;
  options.session.server.subprotocols = {std::string(rooms::kSubprotocol)};
}

std::unique_ptr<net::App> make_lab_rooms_app(net::ServerOptions& options,
                                             const std::vector<std::string>& tokens) {
  const rooms::Limits limits;
  configure_lab_rooms_server(options, limits);
  rooms::TokenSet set;
  for (const auto& t : tokens) set.add(t);
  return std::make_unique<LabRoomsApp>(limits, std::move(set));
}

}  // namespace wslab::labs
