// RoomsApp: wslab.rooms.v1 on net (docs/rooms-protocol.md §1, §2, §8, §11).
#include "wslab/rooms/rooms_app.hpp"

#include <chrono>

#include "wslab/net/connection.hpp"
#include "wslab/net/event_loop.hpp"
#include "wslab/rooms/token_config.hpp"

namespace wslab::rooms {
namespace {

Now clocks() {
  const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return Now{net::steady_now(), static_cast<std::int64_t>(wall.count())};
}

}  // namespace

RoomsApp::RoomsApp(RoomsAppOptions options)
    : limits_(options.limits),
      tokens_(std::move(options.tokens)),
      engine_(options.limits, std::move(options.registry)) {}

net::UpgradeDecision RoomsApp::on_upgrade(const net::UpgradeRequest& request) {
  UpgradeVerdict v = check_upgrade(request.path, request.client_subprotocols, tokens_);
  if (v.status == 101) return net::UpgradeDecision::accept(std::string(kSubprotocol));
  auto d = net::UpgradeDecision::reject(v.status, std::move(v.reason));
  d.headers = std::move(v.headers);
  return d;
}

void RoomsApp::on_open(net::Connection& c) {
  open_[c.id()] = &c;
  engine_.on_open(c.id(), net::steady_now());
}

void RoomsApp::on_text(net::Connection& c, std::string_view text) {
  if (!open_.contains(c.id())) return;  // dropped: the rest of its input is ignored
  Deliveries out;
  engine_.on_text(c.id(), text, clocks(), out);
  deliver(out);
}

void RoomsApp::on_binary(net::Connection& c, std::string_view /*data*/) {
  if (!open_.contains(c.id())) return;
  // §2: no binary form in this protocol; RFC 6455 §7.4.1 1003 is the code for it.
  Deliveries out;
  drop(c.id(), kCloseUnsupportedData, kReasonBinary, out);
  deliver(out);
}

void RoomsApp::on_close(net::Connection& c, const net::CloseInfo& /*info*/) {
  if (open_.erase(c.id()) == 0) return;  // already dropped
  Deliveries out;
  engine_.on_close(c.id(), out);
  deliver(out);
}

void RoomsApp::drop(ConnId id, std::uint16_t code, std::string_view reason, Deliveries& out) {
  auto it = open_.find(id);
  if (it == open_.end()) return;
  net::Connection* c = it->second;
  open_.erase(it);
  engine_.on_close(id, out);
  c->close(code, reason);
}

void RoomsApp::deliver(Deliveries& out) {
  // Dropping a member adds presence events to `out`; index, not iterators.
  for (std::size_t i = 0; i < out.size(); ++i) {
    const ConnId to = out[i].to;
    auto it = open_.find(to);
    if (it == open_.end()) continue;
    net::Connection* c = it->second;
    if (!c->is_open()) continue;  // closing: on_close follows
    // §8/§11: a member that does not read is dropped, never waited for. A
    // failed send means net's own bound dropped it already.
    if (c->buffered_bytes() > limits_.max_buffered_bytes || !c->send_text(*out[i].text)) {
      ++slow_dropped_;
      net::log_line("rooms: connection " + std::to_string(to) + " dropped: slow consumer (" +
                    std::to_string(c->buffered_bytes()) + " bytes waiting)");
      drop(to, kClosePolicyViolation, kReasonSlowConsumer, out);
    }
  }
}

void configure_rooms_server(net::ServerOptions& options, const Limits& limits) {
  options.session.max_message_bytes = limits.max_message_bytes;
  options.session.max_frame_bytes = limits.max_message_bytes;
  options.session.server.subprotocols = {std::string(kSubprotocol)};
  // The net bound must stay above ours so that ours (close 1008) acts first.
  if (options.max_write_buffer < 2 * limits.max_buffered_bytes) {
    options.max_write_buffer = 2 * limits.max_buffered_bytes;
  }
  if (options.session.heartbeat.ping_interval == Millis{0}) {
    options.session.heartbeat.ping_interval = Millis{30000};
    options.session.heartbeat.pong_timeout = Millis{30000};
  }
}

Result<std::unique_ptr<net::App>> make_rooms_app(const std::vector<std::string>& tokens,
                                                 const std::string& token_file) {
  RoomsAppOptions options;
  auto loaded = load_tokens(tokens, token_file);
  if (!loaded) return Error{loaded.error()};
  options.tokens = std::move(*loaded);
  return std::unique_ptr<net::App>(std::make_unique<RoomsApp>(std::move(options)));
}

}  // namespace wslab::rooms
