// The protocol engine of wslab.rooms.v1 (docs/rooms-protocol.md §4-§9).
#include "wslab/rooms/server.hpp"

#include "wslab/rooms/codec.hpp"
#include "wslab/rooms/memory_registry.hpp"

namespace wslab::rooms {
namespace {

std::shared_ptr<const std::string> encoded(const ServerEvent& event) {
  return std::make_shared<const std::string>(encode(event));
}

std::string quote(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

constexpr Millis kRateErrorInterval{1000};  // §9: at most one rate_limited error per second

}  // namespace

Server::Server(Limits limits, std::unique_ptr<RoomRegistry> registry)
    : limits_(limits),
      registry_(registry ? std::move(registry) : std::make_unique<MemoryRegistry>(limits)) {}

Server::Connection& Server::connection(ConnId conn, Millis now) {
  auto it = conns_.find(conn);
  if (it == conns_.end()) {
    Connection fresh{TokenBucket(limits_.rate_burst, limits_.rate_per_second, now), false,
                     std::nullopt};
    it = conns_.emplace(conn, std::move(fresh)).first;
  }
  return it->second;
}

void Server::on_open(ConnId conn, Millis now) {
  connection(conn, now);
}

const std::string& Server::name(ConnId conn) const {
  static const std::string kNobody;
  const std::string* n = registry_->name_of(conn);
  return n != nullptr ? *n : kNobody;
}

void Server::fail(ConnId conn, ErrorCode code, std::string message, std::string_view request,
                  const std::optional<Ref>& ref, Deliveries& out) {
  event::Error e{code, std::move(message), std::string(request), ref};
  out.push_back({conn, encoded(e)});
}

void Server::fan_out(std::string_view room, const ServerEvent& event, Deliveries& out,
                     std::optional<ConnId> except) {
  const auto members = registry_->members(room);
  if (members.empty()) return;
  auto text = encoded(event);
  for (ConnId member : members) {
    if (except && member == *except) continue;
    out.push_back({member, text});
  }
}

void Server::on_text(ConnId conn, std::string_view text, const Now& now, Deliveries& out) {
  Connection& c = connection(conn, now.monotonic);
  // §8 order of checks: rate limit first, so a flood costs no parsing.
  if (!c.bucket.take(now.monotonic)) {
    if (!c.last_rate_error || now.monotonic - *c.last_rate_error >= kRateErrorInterval) {
      c.last_rate_error = now.monotonic;
      out.push_back(
          {conn, encoded(event::Error{ErrorCode::kRateLimited,
                                      "more than " + std::to_string(limits_.rate_per_second) +
                                          " messages per second (burst " +
                                          std::to_string(limits_.rate_burst) +
                                          "); messages are dropped until the rate falls",
                                      std::nullopt, std::nullopt})});
    }
    return;
  }
  auto envelope = parse_envelope(text, limits_);
  if (auto* error = std::get_if<event::Error>(&envelope)) {
    out.push_back({conn, encoded(*error)});
    return;
  }
  const Envelope& env = std::get<Envelope>(envelope);
  const auto type = type_name(env.type);
  // §4: only hello and ping before hello; hello only once.
  if (!c.said_hello && env.type != MessageType::kHello && env.type != MessageType::kPing) {
    fail(conn, ErrorCode::kHelloRequired, "say hello first", type, env.ref, out);
    return;
  }
  if (c.said_hello && env.type == MessageType::kHello) {
    fail(conn, ErrorCode::kDuplicateHello, "you already said hello as " + quote(name(conn)), type,
         env.ref, out);
    return;
  }
  auto message = decode_body(env, limits_);
  if (auto* error = std::get_if<event::Error>(&message)) {
    out.push_back({conn, encoded(*error)});
    return;
  }
  handle(conn, std::get<ClientMessage>(message), now, out);
}

void Server::handle(ConnId conn, const ClientMessage& message, const Now& now, Deliveries& out) {
  const auto& ref = message.ref;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, client::Hello>) {
          hello(conn, m, ref, out);
        } else if constexpr (std::is_same_v<T, client::Join>) {
          join(conn, m, ref, out);
        } else if constexpr (std::is_same_v<T, client::Leave>) {
          leave(conn, m, ref, out);
        } else if constexpr (std::is_same_v<T, client::Say>) {
          say(conn, m, ref, now, out);
        } else if constexpr (std::is_same_v<T, client::Private>) {
          send_private(conn, m, ref, now, out);
        } else if constexpr (std::is_same_v<T, client::Typing>) {
          typing(conn, m, ref, out);
        } else {
          out.push_back({conn, encoded(event::Pong{ref})});
        }
      },
      message.body);
}

void Server::hello(ConnId conn, const client::Hello& m, const std::optional<Ref>& ref,
                   Deliveries& out) {
  std::optional<std::string_view> proposal;
  if (m.name) proposal = *m.name;
  std::string assigned = registry_->add_user(conn, proposal);
  conns_.at(conn).said_hello = true;
  out.push_back({conn, encoded(event::Welcome{std::move(assigned), limits_, ref})});
}

void Server::join(ConnId conn, const client::Join& m, const std::optional<Ref>& ref,
                  Deliveries& out) {
  JoinOutcome outcome = registry_->join(conn, m.room, m.since);
  switch (outcome.status) {
    case JoinStatus::kTooManyRooms:
      fail(conn, ErrorCode::kTooManyRooms,
           "you are in " + std::to_string(limits_.max_rooms_per_client) +
               " rooms, the most one connection may join",
           "join", ref, out);
      return;
    case JoinStatus::kServerFull:
      fail(conn, ErrorCode::kServerFull,
           "the server holds " + std::to_string(limits_.max_rooms) +
               " rooms and none is empty; cannot create " + quote(m.room),
           "join", ref, out);
      return;
    case JoinStatus::kJoined:
    case JoinStatus::kAlreadyMember:
      break;
  }
  // §6 rule 4: joined, then exactly `history` replayed messages, then live events.
  event::Joined joined{m.room,
                       outcome.seq,
                       registry_->member_names(m.room),
                       outcome.history.size(),
                       outcome.truncated,
                       outcome.reset,
                       ref};
  out.push_back({conn, encoded(joined)});
  for (auto& stored : outcome.history) {
    out.push_back({conn, encoded(event::Message{m.room, stored.seq, std::move(stored.from),
                                                std::move(stored.text), stored.ts, true})});
  }
  if (outcome.status == JoinStatus::kJoined) {
    fan_out(m.room, event::Presence{m.room, name(conn), event::PresenceAction::kJoin, {}}, out,
            conn);
  }
}

void Server::leave(ConnId conn, const client::Leave& m, const std::optional<Ref>& ref,
                   Deliveries& out) {
  if (!registry_->leave(conn, m.room)) {
    fail(conn, ErrorCode::kNotMember, "you are not in room " + quote(m.room), "leave", ref, out);
    return;
  }
  out.push_back({conn, encoded(event::Left{m.room, ref})});
  fan_out(
      m.room,
      event::Presence{m.room, name(conn), event::PresenceAction::kLeave, event::LeaveReason::kLeft},
      out);
}

void Server::say(ConnId conn, const client::Say& m, const std::optional<Ref>& ref, const Now& now,
                 Deliveries& out) {
  if (!registry_->is_member(conn, m.room)) {
    fail(conn, ErrorCode::kNotMember, "you are not in room " + quote(m.room), "say", ref, out);
    return;
  }
  // §3: the sender is the server-held name, whatever the client wrote.
  std::optional<StoredMessage> stored = registry_->append(m.room, name(conn), m.text, now.unix_ms);
  if (!stored) return;  // the registry delivers it after messages still on their way (§6)
  fan_out(m.room,
          event::Message{m.room, stored->seq, std::move(stored->from), std::move(stored->text),
                         stored->ts, false},
          out);
}

void Server::send_private(ConnId conn, const client::Private& m, const std::optional<Ref>& ref,
                          const Now& now, Deliveries& out) {
  const auto target = registry_->find_user(m.to);
  auto text = encoded(event::Private{name(conn), m.to, m.text, now.unix_ms});
  if (!target) {
    // Maybe connected to another instance (lab 6); then only the confirmation is ours to send.
    if (registry_->send_elsewhere(m.to, text)) {
      out.push_back({conn, text});
      return;
    }
    fail(conn, ErrorCode::kNoSuchUser, "no user named " + quote(m.to) + " is connected", "private",
         ref, out);
    return;
  }
  out.push_back({*target, text});
  if (*target != conn) out.push_back({conn, text});
}

void Server::typing(ConnId conn, const client::Typing& m, const std::optional<Ref>& ref,
                    Deliveries& out) {
  if (!registry_->is_member(conn, m.room)) {
    fail(conn, ErrorCode::kNotMember, "you are not in room " + quote(m.room), "typing", ref, out);
    return;
  }
  fan_out(m.room, event::Typing{m.room, name(conn), m.active}, out, conn);
}

void Server::on_close(ConnId conn, Deliveries& out) {
  auto it = conns_.find(conn);
  if (it == conns_.end()) return;
  if (it->second.said_hello) {
    const std::string who = name(conn);
    for (const auto& room : registry_->remove_user(conn)) {
      fan_out(room,
              event::Presence{room, who, event::PresenceAction::kLeave,
                              event::LeaveReason::kDisconnected},
              out);
    }
  }
  conns_.erase(it);
}

}  // namespace wslab::rooms
