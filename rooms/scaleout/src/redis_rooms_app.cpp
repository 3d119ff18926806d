// RedisRoomsApp: rooms across instances (see redis_rooms_app.hpp).
#include "wslab/rooms/redis_rooms_app.hpp"

#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>

#include "wslab/net/connection.hpp"
#include "wslab/net/log.hpp"
#include "wslab/rooms/codec.hpp"

namespace wslab::rooms {
namespace {

Now clocks() {
  const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return Now{net::steady_now(), static_cast<std::int64_t>(wall.count())};
}

std::string default_instance() {
  std::random_device rd;
  return std::to_string(::getpid()) + "-" + std::to_string(rd() % 1000000);
}

std::unique_ptr<RedisRegistry> make_registry(const RedisRoomsOptions& o) {
  return std::make_unique<RedisRegistry>(o.limits,
                                         o.instance.empty() ? default_instance() : o.instance);
}

std::shared_ptr<const std::string> status_text(bool up, const std::string& why) {
  nlohmann::json j{{"type", "status"}, {"component", "redis"}, {"state", up ? "up" : "down"}};
  j["message"] = up ? "shared rooms are back; held messages are being sent"
                    : "redis is unreachable (" + why +
                          "): local members are still served; joins and messages are held "
                          "until it returns";
  return std::make_shared<const std::string>(j.dump());
}

}  // namespace

RedisRoomsApp::RedisRoomsApp(net::EventLoop& loop, RedisRoomsOptions options)
    : limits_(options.limits),
      tokens_(std::move(options.tokens)),
      registry_(nullptr),
      engine_(options.limits, [&] {
        auto r = make_registry(options);
        registry_ = r.get();
        return r;
      }()) {
  RedisHooks hooks;
  hooks.on_up = [this] {
    registry_->resync();
    redis_up_ = true;
    status(true, {});
    replay_held();
  };
  hooks.on_down = [this](const std::string& why) {
    redis_up_ = false;
    status(false, why);
  };
  hooks.on_message = [this](std::string_view ch, std::string_view payload) {
    registry_->on_message(ch, payload);
  };
  link_ = std::make_unique<RedisLink>(loop, options.redis, std::move(hooks));
  registry_->attach(link_.get());
  registry_->on_pending([this] {
    Deliveries out = registry_->take_pending();
    deliver(out);
  });
  link_->start();
}

net::UpgradeDecision RedisRoomsApp::on_upgrade(const net::UpgradeRequest& request) {
  UpgradeVerdict v = check_upgrade(request.path, request.client_subprotocols, tokens_);
  if (v.status == 101) return net::UpgradeDecision::accept(std::string(kSubprotocol));
  auto d = net::UpgradeDecision::reject(v.status, std::move(v.reason));
  d.headers = std::move(v.headers);
  return d;
}

void RedisRoomsApp::on_open(net::Connection& c) {
  open_[c.id()] = &c;
  engine_.on_open(c.id(), net::steady_now());
  if (!redis_up_) c.send_text(*status_text(false, "not connected yet"));
}

void RedisRoomsApp::status(bool up, const std::string& why) {
  auto text = status_text(up, why);
  Deliveries out;
  for (const auto& [id, c] : open_) out.push_back({id, text});
  deliver(out);
}

void RedisRoomsApp::run(ConnId id, std::string_view text) {
  Deliveries out;
  try {
    engine_.on_text(id, text, clocks(), out);
  } catch (const RedisUnavailable&) {
    // Nothing changed yet (the registry throws first): run it again later.
    held_.emplace_back(id, std::string(text));
    Deliveries pre = registry_->take_pending();
    deliver(pre);
    return;
  }
  Deliveries all = registry_->take_pending();
  all.insert(all.end(), out.begin(), out.end());
  // Typing to the members on other instances (the engine sends no reply on success).
  auto env = parse_envelope(text, limits_);
  if (auto* e = std::get_if<Envelope>(&env);
      e != nullptr && e->type == MessageType::kTyping && out.empty()) {
    auto body = decode_body(*e, limits_);
    if (auto* m = std::get_if<ClientMessage>(&body)) {
      if (auto* t = std::get_if<client::Typing>(&m->body);
          t != nullptr && registry_->is_member(id, t->room)) {
        if (const std::string* who = registry_->name_of(id)) {
          registry_->publish_typing(t->room, encode(event::Typing{t->room, *who, t->active}));
        }
      }
    }
  }
  deliver(all);
}

void RedisRoomsApp::on_text(net::Connection& c, std::string_view text) {
  if (!open_.contains(c.id())) return;
  bool hold = false;
  for (const auto& [id, t] : held_) hold = hold || id == c.id();  // keep this client's order
  if (!hold && !redis_up_) {
    auto env = parse_envelope(text, limits_);
    if (auto* e = std::get_if<Envelope>(&env)) {
      hold = e->type == MessageType::kJoin || e->type == MessageType::kSay;
    }
  }
  if (hold) {
    held_.emplace_back(c.id(), std::string(text));
    return;
  }
  run(c.id(), text);
}

void RedisRoomsApp::replay_held() {
  while (!held_.empty() && link_->up()) {
    auto [id, text] = std::move(held_.front());
    held_.pop_front();
    if (!open_.contains(id)) continue;
    const std::size_t before = held_.size();
    run(id, text);
    if (held_.size() > before) {  // Redis failed again: back to the front, in order
      held_.push_front(std::move(held_.back()));
      held_.pop_back();
      return;
    }
  }
}

void RedisRoomsApp::on_binary(net::Connection& c, std::string_view /*data*/) {
  if (!open_.contains(c.id())) return;
  Deliveries out;
  drop(c.id(), kCloseUnsupportedData, kReasonBinary, out);
  deliver(out);
}

void RedisRoomsApp::on_close(net::Connection& c, const net::CloseInfo& /*info*/) {
  if (open_.erase(c.id()) == 0) return;
  std::erase_if(held_, [&](const auto& h) { return h.first == c.id(); });
  Deliveries out;
  engine_.on_close(c.id(), out);
  deliver(out);
}

void RedisRoomsApp::drop(ConnId id, std::uint16_t code, std::string_view reason, Deliveries& out) {
  auto it = open_.find(id);
  if (it == open_.end()) return;
  net::Connection* c = it->second;
  open_.erase(it);
  std::erase_if(held_, [&](const auto& h) { return h.first == id; });
  engine_.on_close(id, out);
  c->close(code, reason);
}

void RedisRoomsApp::deliver(Deliveries& out) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    const ConnId to = out[i].to;
    auto it = open_.find(to);
    if (it == open_.end()) continue;
    net::Connection* c = it->second;
    if (!c->is_open()) continue;
    if (c->buffered_bytes() > limits_.max_buffered_bytes || !c->send_text(*out[i].text)) {
      net::log_line("rooms: connection " + std::to_string(to) + " dropped: slow consumer");
      drop(to, kClosePolicyViolation, kReasonSlowConsumer, out);
    }
  }
}

}  // namespace wslab::rooms
