// Rooms cases under load (docs/rooms-protocol.md §6, §11): one order for all
// members while several speak at once, a big fan-out with nothing lost, and a
// member that never reads without stalling the others.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rooms_client.hpp"
#include "rooms_spec.hpp"

namespace wslab::harness::rooms_cases {

namespace {

using namespace std::chrono_literals;

using Clients = std::vector<std::unique_ptr<RoomsClient>>;

// Everyone logs in and joins `room` (each awaits its joined before the next).
Clients gather(CaseContext& ctx, const Budget& b, const Names& names, const std::string& room,
               std::size_t n, std::vector<ev::Joined>* joined = nullptr) {
  Clients cs;
  for (std::size_t k = 0; k < n; ++k) {
    auto c = std::make_unique<RoomsClient>(ctx, b, k, "member " + std::to_string(k));
    c->login(names.user("m" + std::to_string(k)));
    auto j = c->join(room);
    if (joined != nullptr) joined->push_back(j);
    cs.push_back(std::move(c));
  }
  return cs;
}

// What one member saw of the room: `want` messages, checked to be the
// joined.seq+1, +2 ... sequence (no gap, no duplicate, increasing).
std::vector<ev::Message> read_all(RoomsClient& c, const std::string& room, std::size_t want,
                                  std::uint64_t after) {
  std::vector<ev::Message> got;
  got.reserve(want);
  while (got.size() < want) {
    auto m = c.await<ev::Message>("message " + std::to_string(got.size() + 1) + " of " +
                                      std::to_string(want) + " at " + c.label(),
                                  [&](const ev::Message& x) { return x.room == room; });
    std::uint64_t expect = after + got.size() + 1;
    if (m.seq != expect) {
      stop(Verdict::kFail,
           c.label() + " gets seq " + std::to_string(expect) +
               " next (increasing, no gaps, rooms "
               "§6)",
           "seq " + std::to_string(m.seq) + " after " + std::to_string(got.size()) + " messages",
           describe(ServerEvent{m}));
    }
    got.push_back(std::move(m));
  }
  return got;
}

// Every member saw the same seq -> (from, text) and every text exactly once.
void same_conversation(const std::vector<std::vector<ev::Message>>& seen,
                       const std::map<std::string, std::string>& sent_by) {
  const auto& first = seen.front();
  std::map<std::string, int> count;
  for (const auto& m : first) {
    ++count[m.text];
    auto it = sent_by.find(m.text);
    if (it == sent_by.end() || it->second != m.from) {
      stop(Verdict::kFail, "every message is one that was said, from its speaker",
           describe(ServerEvent{m}));
    }
  }
  for (const auto& [text, n] : count) {
    if (n != 1) {
      stop(Verdict::kFail, "each message once", "\"" + text + "\" " + std::to_string(n) + " times");
    }
  }
  for (std::size_t k = 1; k < seen.size(); ++k) {
    for (std::size_t i = 0; i < first.size(); ++i) {
      if (seen[k][i].text != first[i].text || seen[k][i].from != first[i].from) {
        stop(Verdict::kFail, "member " + std::to_string(k) + " sees the same order as member 0",
             "seq " + std::to_string(first[i].seq) + " is " + describe(ServerEvent{seen[k][i]}) +
                 " there but " + describe(ServerEvent{first[i]}) + " at member 0");
      }
    }
  }
}

void add_order_case(Catalog& cat) {
  add_rooms_case(
      cat,
      {.id = "rooms.order.one-order-for-all",
       .section = "rooms §6",
       .rule = "One order for all. Every member receives the room's message events in increasing "
               "seq order, with no gaps for as long as it stays a member, the sender included.",
       .description = "4 members each say 10 messages at once; every member gets all 40 with seq "
                      "1..40 in the same order.",
       .hint = "Assign seq and fan out in one step per message (one lock, one thread, or one "
               "Redis INCR + publish in seq order); never send from several threads unordered.",
       .lesson = at(kRoomsLesson, "ordering"),
       .timeout = 3000ms,
       .points = 3},
      [](CaseContext& ctx, const Budget& b) {
        Names names(ctx);
        std::string room = names.room("order");
        constexpr std::size_t kMembers = 4;
        constexpr std::size_t kEach = 10;
        std::vector<ev::Joined> joined;
        Clients cs = gather(ctx, b, names, room, kMembers, &joined);
        std::map<std::string, std::string> sent_by;
        for (std::size_t i = 0; i < kEach; ++i) {
          for (std::size_t k = 0; k < kMembers; ++k) {
            std::string text = "m" + std::to_string(k) + "-" + std::to_string(i);
            sent_by[text] = cs[k]->name();
            cs[k]->say(room, text);
          }
        }
        std::vector<std::vector<ev::Message>> seen;
        for (std::size_t k = 0; k < kMembers; ++k) {
          seen.push_back(read_all(*cs[k], room, kMembers * kEach, joined[k].seq));
        }
        same_conversation(seen, sent_by);
        return pass("40 messages, seq 1..40, the same order at all 4 members", "as expected",
                    "joined.seq of the fresh room: " + std::to_string(joined[0].seq));
      });
}

void add_fanout_case(Catalog& cat) {
  add_rooms_case(
      cat,
      {.id = "rooms.fanout.100-clients-100-messages",
       .section = "rooms §6",
       .rule = "A member receives the message for every say accepted while it is a member.",
       .description = "100 members in one room (20 with --quick), 100 messages (20) said by them "
                      "in turn: every member gets every message, in order, nothing lost.",
       .hint = "Encode each event once and queue the same bytes to every member; a full socket "
               "buffer means queue and retry when writable, never drop or block.",
       .lesson = at(kScaleOutLesson, "many-connections"),
       .timeout = 20000ms,
       .points = 3,
       .bulk = true},
      [](CaseContext& ctx, const Budget& b) {
        Names names(ctx);
        std::string room = names.room("fanout");
        const std::size_t clients = ctx.quick ? 20 : 100;
        const std::size_t messages = ctx.quick ? 20 : 100;
        std::vector<ev::Joined> joined;
        Clients cs = gather(ctx, b, names, room, clients, &joined);
        std::map<std::string, std::string> sent_by;
        for (std::size_t i = 0; i < messages; ++i) {
          std::string text = "f" + std::to_string(i);
          auto& speaker = *cs[i % clients];
          sent_by[text] = speaker.name();
          speaker.say(room, text);
        }
        std::vector<std::vector<ev::Message>> seen;
        for (std::size_t k = 0; k < clients; ++k) {
          seen.push_back(read_all(*cs[k], room, messages, joined[k].seq));
        }
        same_conversation(seen, sent_by);
        std::string n =
            std::to_string(clients) + " members x " + std::to_string(messages) + " messages";
        return pass(n + ", nothing lost",
                    "all " + std::to_string(clients * messages) + " deliveries in order");
      });
}

void add_slow_consumer_case(Catalog& cat) {
  add_rooms_case(
      cat,
      {.id = "rooms.slow-consumer.others-keep-receiving",
       .section = "rooms §11",
       .rule = "Slow consumers. Fan-out must never wait for one receiver. A member over the bound "
               "is dropped (close 1008) and leaves its rooms with reason disconnected, while "
               "everybody else keeps receiving.",
       .description = "One member never reads while 4 others say 150 messages of 4000 bytes each "
                      "(about 2.5 MB to the sleeper); the 4 still get all 600 in order.",
       .hint = "Give each connection a bounded output queue and write without blocking; when a "
               "member's queue is over the bound, drop that member (close 1008), not the room.",
       .lesson = at(kScaleOutLesson, "one-slow-client"),
       .timeout = 20000ms,
       .points = 3,
       .exclusive = true},
      [](CaseContext& ctx, const Budget& b) {
        Names names(ctx);
        std::string room = names.room("slow");
        constexpr std::size_t kSenders = 4;
        constexpr std::size_t kEach = 150;  // within the default rate burst (200)
        RoomsClient sleeper(ctx, b, 0, "sleeper");
        sleeper.login(names.user("sleep"));
        sleeper.join(room);
        Clients cs;
        std::vector<ev::Joined> joined;
        for (std::size_t k = 0; k < kSenders; ++k) {
          auto c = std::make_unique<RoomsClient>(ctx, b, k + 1, "member " + std::to_string(k + 1));
          c->login(names.user("s" + std::to_string(k + 1)));
          joined.push_back(c->join(room));
          cs.push_back(std::move(c));
        }
        std::map<std::string, std::string> sent_by;
        std::vector<std::vector<ev::Message>> seen(kSenders);
        const std::string filler(3990, '.');
        // Lockstep rounds: each reader gets a round's messages before the next
        // round is said, so only the sleeper's backlog grows (a server that
        // waits for the sleeper stalls everyone here: TIMEOUT or FAIL).
        for (std::size_t i = 0; i < kEach; ++i) {
          for (std::size_t k = 0; k < kSenders; ++k) {
            std::string text = std::to_string(k) + ":" + std::to_string(i) + ":" + filler;
            sent_by[text] = cs[k]->name();
            cs[k]->say(room, text);
          }
          for (std::size_t k = 0; k < kSenders; ++k) {
            auto got = read_all(*cs[k], room, kSenders, joined[k].seq + seen[k].size());
            seen[k].insert(seen[k].end(), got.begin(), got.end());
          }
        }
        const std::size_t total = kSenders * kEach;
        same_conversation(seen, sent_by);
        // What became of the sleeper (informative only: the server may drop it).
        std::size_t slept = 0;
        std::string fate = "still connected";
        for (int i = 0; i < 2000; ++i) {
          auto n = sleeper.next(Millis{0});
          if (n.kind == RoomsClient::Next::Kind::kTimeout) break;
          if (n.kind == RoomsClient::Next::Kind::kEnded) {
            fate = "ended: " + harness::describe(n.end);
            break;
          }
          if (std::holds_alternative<ev::Message>(n.event)) ++slept;
        }
        return pass(
            "all " + std::to_string(total) + " messages at each of the 4 readers", "as expected",
            "the sleeper: " + fate + " (" + std::to_string(slept) + " messages readable at once)");
      });
}

}  // namespace

void register_rooms_bulk_cases(Catalog& catalog) {
  add_order_case(catalog);
  add_fanout_case(catalog);
  add_slow_consumer_case(catalog);
}

}  // namespace wslab::harness::rooms_cases
