// RoomsClient and the rooms cases' shared helpers (see rooms_client.hpp).
#include "rooms_client.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <type_traits>
#include <utility>

#include "rooms_spec.hpp"
#include "wslab/rooms/codec.hpp"
#include "wslab/rooms/protocol.hpp"

namespace wslab::harness::rooms_cases {

namespace r = wslab::rooms;
using K = Observation::Kind;

void stop(Verdict verdict, std::string expected, std::string observed, std::string detail) {
  throw Stop{CaseResult{verdict, std::move(expected), std::move(observed), std::move(detail)}};
}

CaseResult pass(std::string expected, std::string observed, std::string detail) {
  return CaseResult{Verdict::kPass, std::move(expected), std::move(observed), std::move(detail)};
}

CaseResult run_rooms(CaseContext& ctx, const std::function<CaseResult(CaseContext&)>& body) {
  if (ctx.rooms_targets.empty()) {
    return CaseResult{Verdict::kError, "a wslab.rooms.v1 server", "no rooms server was given",
                      "run with `wslab conform --rooms URL`"};
  }
  try {
    return body(ctx);
  } catch (const Stop& s) {
    return s.result;
  }
}

// ---------------------------------------------------------------- Budget

Budget::Budget(const CaseContext& ctx, Millis budget)
    : ctx_(ctx), start_(std::chrono::steady_clock::now()), budget_(budget) {}

Millis Budget::left() const {
  auto real = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - start_);
  double scale = ctx_.timeout_scale > 0 ? ctx_.timeout_scale : 1.0;
  auto used = Millis{static_cast<Millis::rep>(static_cast<double>(real.count()) / scale)};
  // Keep a tenth (at most 300 ms) for closing and judging before the watchdog.
  Millis reserve = std::min(Millis{300}, budget_ / 10);
  return std::max(budget_ - reserve - used, Millis{1});
}

// ---------------------------------------------------------------- Names

Names::Names(const CaseContext& ctx) {
  static const std::uint64_t nonce = [] {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  }();
  static std::atomic<std::uint64_t> counter{0};
  std::uint64_t n = ctx.seed * 0x9E3779B97F4A7C15ull + nonce + (++counter) * 0xBF58476D1CE4E5B9ull;
  n ^= n >> 31;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%010llx",
                static_cast<unsigned long long>(n & 0xFFFFFFFFFFull));  // NOLINT
  stem_ = buf;
}

std::string Names::room(std::string_view label) const {
  return ("r" + stem_ + "-" + std::string(label)).substr(0, 64);
}

std::string Names::user(std::string_view label) const {
  return ("u" + stem_ + "-" + std::string(label)).substr(0, 26);  // room for "-2" etc.
}

// ---------------------------------------------------------------- describing

std::string shorten(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  return std::string(text.substr(0, max)) + "... (" + std::to_string(text.size()) + " bytes)";
}

std::string describe(const ServerEvent& e) {
  return shorten(r::encode(e));
}

std::optional<std::string> room_of(const ServerEvent& e) {
  return std::visit(
      [](const auto& x) -> std::optional<std::string> {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, ev::Joined> || std::is_same_v<T, ev::Left> ||
                      std::is_same_v<T, ev::Message> || std::is_same_v<T, ev::Presence> ||
                      std::is_same_v<T, ev::Typing>) {
          return x.room;
        } else {
          return std::nullopt;
        }
      },
      e);
}

// ---------------------------------------------------------------- RoomsClient

RoomsClient::RoomsClient(CaseContext& ctx, const Budget& budget, std::size_t member,
                         std::string label)
    : ctx_(ctx),
      budget_(budget),
      target_(ctx.rooms_targets.empty() ? Target{}
                                        : ctx.rooms_targets[member % ctx.rooms_targets.size()]),
      label_(std::move(label)),
      probe_(ctx.probe_at(target_)) {}

void RoomsClient::open() {
  auto res = probe_->handshake({std::string(r::kSubprotocol)});
  if (res) {
    auto proto = res->headers.get("Sec-WebSocket-Protocol");
    if (!proto || *proto != r::kSubprotocol) {
      stop(Verdict::kFail, "101 selecting Sec-WebSocket-Protocol: wslab.rooms.v1 (rooms §1)",
           !proto ? std::string("101 without Sec-WebSocket-Protocol")
                  : "101 selecting \"" + std::string(*proto) + "\"",
           shorten(probe_->last_response_head(), 400));
    }
    return;
  }
  const std::string& err = res.error();
  std::string expected = "101 Switching Protocols for " + label_ + " offering wslab.rooms.v1";
  if (err.rfind("connect:", 0) == 0) {
    stop(Verdict::kError, expected, err, "could not reach " + target_.url());
  }
  if (err.find("no response") != std::string::npos ||
      err.find("no complete response") != std::string::npos) {
    stop(Verdict::kTimeout, expected, err);
  }
  stop(Verdict::kFail, expected, err, shorten(probe_->last_response_head(), 400));
}

const std::string& RoomsClient::login(const std::string& proposed) {
  open();
  r::ClientMessage m{r::client::Hello{proposed}, std::nullopt};
  send(m);
  auto w = await<ev::Welcome>("welcome for " + label_ + "'s hello (rooms §4.1)",
                              [](const ev::Welcome&) { return true; });
  name_ = w.name;
  return name_;
}

ev::Joined RoomsClient::join(const std::string& room, std::optional<std::uint64_t> since) {
  send(r::ClientMessage{r::client::Join{room, since}, std::nullopt});
  std::string what = "joined for " + label_ + "'s join of " + room + " (rooms §4.2)";
  return await<ev::Joined>(what, [&](const ev::Joined& x) { return x.room == room; });
}

void RoomsClient::send(const r::ClientMessage& message) {
  send_raw(r::encode_client(message));
}

void RoomsClient::send_raw(std::string_view text) {
  Status st = probe_->send_text(text);
  if (!st) {
    stop(Verdict::kFail, label_ + " can send " + shorten(text, 60),
         "the write failed: " + st.message(), "last events " + label_ + " got: " + recent());
  }
}

void RoomsClient::say(const std::string& room, const std::string& text) {
  send(r::ClientMessage{r::client::Say{room, text}, std::nullopt});
}

RoomsClient::Next RoomsClient::next(Millis wait) {
  for (;;) {
    Observation o = probe_->next(wait);
    Next n;
    switch (o.kind) {
      case K::kPing:
        probe_->send_pong(o.payload);
        continue;
      case K::kPong:
        continue;
      case K::kTimeout:
        return n;
      case K::kText: {
        // `wslab serve --redis` tells its clients when Redis goes and comes back
        // ({"type":"status",...}): a notice about the instance, not a room event.
        if (o.payload.find("\"status\"") != std::string::npos) {
          const auto j = nlohmann::json::parse(o.payload, nullptr, false);
          if (j.is_object() && j.value("type", "") == "status") continue;
        }
        auto parsed = r::parse_server_event(o.payload);
        if (!parsed) {
          stop(Verdict::kFail, "every server text message is a wslab.rooms.v1 event (rooms §5)",
               label_ + " got " + shorten(o.payload, 100), parsed.error());
        }
        n.kind = Next::Kind::kEvent;
        n.event = std::move(*parsed);
        recent_.push_back(describe(n.event));
        if (recent_.size() > 6) recent_.erase(recent_.begin());
        if (guard) guard(n.event);
        return n;
      }
      case K::kBinary:
        stop(Verdict::kFail, "only text messages from the server (rooms §2)",
             label_ + " got a binary message of " + std::to_string(o.payload.size()) + " bytes");
      default:
        n.kind = Next::Kind::kEnded;
        n.end = std::move(o);
        return n;
    }
  }
}

void RoomsClient::ended(const Observation& o, std::string_view waiting_for) {
  stop(Verdict::kFail, std::string(waiting_for),
       "the connection of " + label_ + " ended first: " + harness::describe(o),
       "last events " + label_ + " got: " + recent());
}

std::string RoomsClient::recent() const {
  if (recent_.empty()) return "none";
  std::string s;
  for (const auto& e : recent_) s += (s.empty() ? "" : " | ") + e;
  return s;
}

ev::Error RoomsClient::await_error(std::string_view code, std::string_view after) {
  std::string what = "error \"" + std::string(code) + "\" after " + std::string(after);
  for (;;) {
    auto n = next(budget_.left());
    if (n.kind == Next::Kind::kEnded) ended(n.end, what + " (an error never closes, rooms §5.9)");
    if (n.kind == Next::Kind::kTimeout) {
      stop(Verdict::kTimeout, what, "no error event within the case's time",
           "last events " + label_ + " got: " + recent());
    }
    if (const auto* e = std::get_if<ev::Error>(&n.event)) {
      if (r::code_name(e->code) != code) {
        stop(Verdict::kFail, what, "error \"" + std::string(r::code_name(e->code)) + "\"",
             describe(n.event));
      }
      return *e;
    }
    if (std::holds_alternative<ev::Pong>(n.event) || std::holds_alternative<ev::Joined>(n.event) ||
        std::holds_alternative<ev::Left>(n.event) || std::holds_alternative<ev::Welcome>(n.event)) {
      stop(Verdict::kFail, what, "a reply that is not an error: " + describe(n.event));
    }
  }
}

void RoomsClient::ping_pong(std::int64_t ref, std::string_view after) {
  r::ClientMessage ping;
  ping.body = r::client::Ping{};
  ping.ref.emplace(std::in_place_type<std::int64_t>, ref);  // (a braced temporary trips g++ 12's
                                                            // -Wmaybe-uninitialized under ASan)
  send(ping);
  await<ev::Pong>("pong with ref " + std::to_string(ref) + " after " + std::string(after) +
                      " (the connection stays usable, rooms §5.9)",
                  [ref](const ev::Pong& p) {
                    const auto* v = p.ref ? std::get_if<std::int64_t>(&*p.ref) : nullptr;
                    return v != nullptr && *v == ref;
                  });
}

}  // namespace wslab::harness::rooms_cases

// ---------------------------------------------------------------- registration

namespace wslab::harness::rooms_cases {

void add_rooms_case(Catalog& catalog, RoomsSpec spec,
                    std::function<CaseResult(CaseContext&, const Budget&)> body) {
  CaseInfo info;
  info.id = std::move(spec.id);
  info.group = std::move(spec.group);
  info.lab = spec.lab;
  info.rfc_section = std::move(spec.section);
  info.rfc_text = std::move(spec.rule);
  info.points = spec.points;
  info.description = std::move(spec.description);
  info.hint = std::move(spec.hint);
  info.lesson = std::move(spec.lesson);
  info.timeout = spec.timeout;
  info.exclusive = spec.exclusive;
  info.bulk = spec.bulk;
  info.needs = TargetKind::kRooms;
  info.tags = std::move(spec.tags);
  Millis budget = spec.timeout;
  catalog.add(std::move(info), [body = std::move(body), budget](CaseContext& ctx) {
    return run_rooms(ctx, [&](CaseContext& c) {
      Budget b(c, budget);
      return body(c, b);
    });
  });
}

}  // namespace wslab::harness::rooms_cases

namespace wslab::harness {
void register_rooms_cases(Catalog& catalog) {
  rooms_cases::register_rooms_basic_cases(catalog);
  rooms_cases::register_rooms_guard_cases(catalog);
  rooms_cases::register_rooms_bulk_cases(catalog);
}
}  // namespace wslab::harness
