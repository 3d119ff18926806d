// The rooms cases (harness/cases/rooms*.cpp, docs/rooms-protocol.md):
//  - calibration: every rooms case passes against `wslab serve --rooms` and the
//    libwebsockets refpeer (except the allow-listed deviations of
//    harness/calibration/lws-allowlist.json), spawned from the build tree;
//  - teeth: each case under test FAILS against an in-process rooms server
//    with one deliberate flaw (leaks to non-members, trusts a client's
//    "from", loses messages, echoes typing, forgets history), while the same
//    server without the flaw passes it.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "wslab/harness/case.hpp"
#include "wslab/harness/runner.hpp"
#include "wslab/harness/server_process.hpp"
#include "wslab/net/connection.hpp"
#include "wslab/net/event_loop.hpp"
#include "wslab/net/server.hpp"
#include "wslab/rooms/codec.hpp"
#include "wslab/rooms/rooms_app.hpp"
#include "wslab/rooms/server.hpp"

namespace wslab::harness {
namespace {

namespace fs = std::filesystem;
namespace r = wslab::rooms;
using json = nlohmann::json;

std::string wslab_binary() {
  if (const char* e = std::getenv("WSLAB_BIN")) return e;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  return (exe.parent_path().parent_path().parent_path() / "bin" / "wslab").string();
}

std::vector<const Case*> rooms_cases() {
  std::vector<const Case*> out;
  for (const auto& c : catalog().cases()) {
    if (c.info.group == "rooms") out.push_back(&c);
  }
  return out;
}

RunReport run_against(const std::vector<const Case*>& cases, std::vector<Target> targets,
                      bool quick) {
  RunOptions options;
  options.target = targets.front();
  options.rooms_targets = std::move(targets);
  options.jobs = 2;
  options.timeout_scale = 1.5;  // ctest may run other tests alongside
  options.seed = 6455;
  options.quick = quick;
  options.preflight = false;
  return run_cases(cases, options);
}

std::string problems_of(const RunReport& report, const std::set<std::string>& expect_fail) {
  std::string problems;
  for (const auto& o : report.outcomes) {
    std::string got(verdict_name(o.result.verdict));
    std::string want = expect_fail.count(o.info.id) ? "FAIL" : "PASS";
    if (got == want) continue;
    problems += "\n  " + o.info.id + ": " + got + " (calibrated: " + want +
                ")\n    expected: " + o.result.expected + "\n    observed: " + o.result.observed +
                (o.result.detail.empty() ? "" : "\n    detail:   " + o.result.detail);
  }
  return problems;
}

// The allow-listed rooms cases (where the lws refpeer deviates): id -> verdicts.
std::set<std::string> allowlisted_rooms_failures() {
  std::ifstream f(std::string(WSLAB_SOURCE_DIR) + "/harness/calibration/lws-allowlist.json");
  std::stringstream s;
  s << f.rdbuf();
  std::set<std::string> out;
  const json list = json::parse(s.str());
  for (const auto& e : list["entries"]) {
    for (const auto& c : e["cases"]) {
      auto id = c.get<std::string>();
      if (id.rfind("rooms.", 0) == 0) out.insert(id);
    }
  }
  return out;
}

std::string calibrate(const std::vector<std::string>& argv, const std::set<std::string>& fails) {
  ServerSpec spec;
  spec.argv = argv;
  auto server = ServerProcess::start(spec);
  if (!server) return "SKIP: could not start " + argv[0] + ": " + server.error();
  Target t{"127.0.0.1", (*server)->port(), "/rooms"};
  RunReport report = run_against(rooms_cases(), {t}, /*quick=*/true);
  std::string problems = problems_of(report, fails);
  if (!(*server)->alive()) {
    problems += "\n  the server died during the run: " + (*server)->death_text() +
                "\n  its last output:\n" + (*server)->output_tail();
  }
  (*server)->stop();
  if (report.outcomes.size() != rooms_cases().size()) problems += "\n  not every case ran";
  return problems;
}

// rooms §1-§11 as implemented by `wslab serve --rooms`: every rooms case passes.
TEST(HarnessRoomsCalibration, EveryRoomsCasePassesAgainstWslabServeRooms) {
  std::string bin = wslab_binary();
  if (bin.empty() || !fs::exists(bin)) GTEST_SKIP() << "wslab binary not built (" << bin << ")";
  ASSERT_GE(rooms_cases().size(), 20u);
  std::string problems = calibrate({bin, "serve", "--rooms", "--port", "0"}, {});
  if (problems.rfind("SKIP:", 0) == 0) GTEST_SKIP() << problems;
  EXPECT_TRUE(problems.empty()) << "wslab serve --rooms does not pass the rooms cases:" << problems;
}

// The libwebsockets refpeer serves wslab.rooms.v1 too; it deviates only where allow-listed.
TEST(HarnessRoomsCalibration, RefpeerPassesAllButAllowlistedRoomsCases) {
  std::string bin = wslab_binary();
  if (bin.empty() || !fs::exists(bin)) GTEST_SKIP() << "wslab binary not built (" << bin << ")";
  std::string problems =
      calibrate({bin, "refpeer", "serve", "--port", "0"}, allowlisted_rooms_failures());
  if (problems.rfind("SKIP:", 0) == 0) GTEST_SKIP() << problems;
  EXPECT_TRUE(problems.empty()) << "the refpeer differs on rooms cases:" << problems;
}

// --- teeth: rooms servers with one flaw each ---------------------------------

enum class Flaw { kNone, kLeaksToAll, kTrustsFrom, kDropsMessages, kEchoesTyping, kNoHistory };

// The rooms engine on net, like RoomsApp, with a flaw applied to its input or output.
class FlawedRoomsApp final : public net::App {
 public:
  explicit FlawedRoomsApp(Flaw flaw) : flaw_(flaw) {}

  net::UpgradeDecision on_upgrade(const net::UpgradeRequest& request) override {
    for (const auto& p : request.client_subprotocols) {
      if (p == r::kSubprotocol) return net::UpgradeDecision::accept(std::string(r::kSubprotocol));
    }
    return net::UpgradeDecision::reject(400, "offer wslab.rooms.v1\n");
  }
  void on_open(net::Connection& c) override {
    open_[c.id()] = &c;
    engine_.on_open(c.id(), net::steady_now());
  }
  void on_close(net::Connection& c, const net::CloseInfo& /*info*/) override {
    open_.erase(c.id());
    r::Deliveries out;
    engine_.on_close(c.id(), out);
    deliver(c.id(), out, std::nullopt);
  }
  void on_binary(net::Connection& c, std::string_view /*data*/) override {
    c.close(r::kCloseUnsupportedData, r::kReasonBinary);
  }
  void on_text(net::Connection& c, std::string_view text) override {
    std::string in(text);
    std::optional<std::string> claimed;
    json j = json::parse(in, nullptr, false);
    if (j.is_object()) {
      if (flaw_ == Flaw::kTrustsFrom && j.contains("from") && j["from"].is_string()) {
        claimed = j["from"].get<std::string>();
      }
      if (flaw_ == Flaw::kNoHistory && j.value("type", "") == "join") {
        j.erase("since");
        in = j.dump();
      }
    }
    r::Deliveries out;
    auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    engine_.on_text(c.id(), in, r::Now{net::steady_now(), wall.count()}, out);
    deliver(c.id(), out, claimed);
  }

 private:
  void send(r::ConnId to, const std::string& text) {
    auto it = open_.find(to);
    if (it != open_.end() && it->second->is_open()) it->second->send_text(text);
  }
  void deliver(r::ConnId from, r::Deliveries& out, const std::optional<std::string>& claimed) {
    std::set<const std::string*> leaked;
    for (const auto& d : out) {
      auto ev = r::parse_server_event(*d.text);
      std::string text = *d.text;
      if (ev) {
        if (auto* w = std::get_if<r::event::Welcome>(&*ev)) names_[d.to] = w->name;
        if (auto* m = std::get_if<r::event::Message>(&*ev)) {
          if (claimed && m->from == names_[from]) {
            m->from = *claimed;
            text = r::encode(*ev);
          }
          if (flaw_ == Flaw::kDropsMessages && m->seq % 7 == 0 && d.to != from) continue;
          if (flaw_ == Flaw::kLeaksToAll) {
            if (leaked.insert(d.text.get()).second) {
              for (const auto& [id, conn] : open_) send(id, text);
            }
            continue;
          }
        }
        if (flaw_ == Flaw::kEchoesTyping && std::holds_alternative<r::event::Typing>(*ev) &&
            leaked.insert(d.text.get()).second) {
          send(from, text);
        }
      }
      send(d.to, text);
    }
  }

  Flaw flaw_;
  r::Server engine_;
  std::unordered_map<r::ConnId, net::Connection*> open_;
  std::unordered_map<r::ConnId, std::string> names_;
};

// A FlawedRoomsApp on its own loop thread, on an ephemeral loopback port.
class FlawedServer {
 public:
  explicit FlawedServer(Flaw flaw) : app_(flaw) {
    net::ServerOptions o;
    o.log = net::LogLevel::kQuiet;
    o.shutdown_timeout = Millis{500};
    r::configure_rooms_server(o);
    server_ = std::make_unique<net::Server>(loop_, app_, o);
    Status st = server_->listen();
    ok_ = static_cast<bool>(st);
    if (ok_) thread_ = std::thread([this] { loop_.run(); });
  }
  ~FlawedServer() {
    if (thread_.joinable()) {
      server_->request_shutdown();
      thread_.join();
    }
  }
  FlawedServer(const FlawedServer&) = delete;
  FlawedServer& operator=(const FlawedServer&) = delete;
  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] Target target() const { return Target{"127.0.0.1", server_->port(), "/rooms"}; }

 private:
  FlawedRoomsApp app_;
  net::EventLoop loop_;
  std::unique_ptr<net::Server> server_;
  std::thread thread_;
  bool ok_ = false;
};

Verdict run_one(const std::string& id, Flaw flaw, std::string* why) {
  const Case* c = catalog().find(id);
  if (c == nullptr) {
    *why = "no case " + id;
    return Verdict::kError;
  }
  FlawedServer s(flaw);
  if (!s.ok()) {
    *why = "could not listen";
    return Verdict::kError;
  }
  RunReport report = run_against({c}, {s.target(), s.target()}, /*quick=*/true);
  const auto& res = report.outcomes.at(0).result;
  *why = res.expected + " / " + res.observed + " / " + res.detail;
  return res.verdict;
}

struct Tooth {
  const char* case_id;
  Flaw flaw;
};

class HarnessRoomsTeeth : public ::testing::TestWithParam<Tooth> {};

// The case passes against the flawless in-process server...
TEST_P(HarnessRoomsTeeth, PassesWithoutTheFlaw) {
  std::string why;
  EXPECT_EQ(run_one(GetParam().case_id, Flaw::kNone, &why), Verdict::kPass) << why;
}

// ... and fails once the flaw is in.
TEST_P(HarnessRoomsTeeth, FailsWithTheFlaw) {
  std::string why;
  EXPECT_EQ(run_one(GetParam().case_id, GetParam().flaw, &why), Verdict::kFail) << why;
}

// rooms §6.5 isolation, §3 server-held names, §6.2 no gaps, §4.6 typing to others, §7 history.
INSTANTIATE_TEST_SUITE_P(
    Flaws, HarnessRoomsTeeth,
    ::testing::Values(Tooth{"rooms.isolation.messages", Flaw::kLeaksToAll},
                      Tooth{"rooms.from.client-from-ignored", Flaw::kTrustsFrom},
                      Tooth{"rooms.order.one-order-for-all", Flaw::kDropsMessages},
                      Tooth{"rooms.typing.to-others-only", Flaw::kEchoesTyping},
                      Tooth{"rooms.history.since-after-reconnect", Flaw::kNoHistory}),
    [](const ::testing::TestParamInfo<Tooth>& p) {
      std::string n;
      for (char ch : std::string(p.param.case_id).substr(6)) {
        n += std::isalnum(static_cast<unsigned char>(ch)) != 0 ? ch : '_';
      }
      return n;
    });

}  // namespace
}  // namespace wslab::harness
