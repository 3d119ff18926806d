// Exchange and the shared case helpers (see drive.hpp).
#include "drive.hpp"

#include <algorithm>
#include <utility>

#include "wslab/close.hpp"

namespace wslab::harness::cases {

namespace lesson {
std::string at(const char* lesson, std::string_view anchor) {
  return std::string(lesson) + "#" + std::string(anchor);
}
}  // namespace lesson

std::string ascii_payload(std::size_t n, char seed) {
  static constexpr std::string_view kAlphabet =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 *";
  std::string s(n, ' ');
  auto start = static_cast<std::size_t>(static_cast<unsigned char>(seed));
  for (std::size_t i = 0; i < n; ++i) s[i] = kAlphabet[(start + i) % kAlphabet.size()];
  return s;
}

std::string binary_payload(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i)
    s[i] = static_cast<char>(static_cast<unsigned char>(i & 0xFF));
  return s;
}

Exchange::Exchange(CaseContext& ctx, Millis budget)
    : ctx_(ctx), probe_(ctx.probe()), start_(std::chrono::steady_clock::now()), budget_(budget) {}

Millis Exchange::left() const {
  auto real = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - start_);
  double scale = ctx_.timeout_scale > 0 ? ctx_.timeout_scale : 1.0;
  auto used = Millis{static_cast<Millis::rep>(static_cast<double>(real.count()) / scale)};
  Millis rest = budget_ - used;
  return std::max(rest, Millis{1});
}

Millis Exchange::bounded(Millis wait) const {
  return std::min(wait, left());
}

bool Exchange::connect() {
  auto st = probe_->connect();
  if (!st) {
    open_error_ = st.message();
    open_error_is_harness_ = true;
    return false;
  }
  return true;
}

bool Exchange::open(const std::vector<std::string>& subprotocols,
                    const std::vector<HttpHeader>& extra) {
  auto r = probe_->handshake(subprotocols, extra);
  if (!r) {
    open_error_ = r.error();
    open_error_is_harness_ = open_error_.rfind("connect:", 0) == 0;
    open_error_is_timeout_ = open_error_.find("no response") != std::string::npos ||
                             open_error_.find("no complete response") != std::string::npos;
    return false;
  }
  return true;
}

CaseResult Exchange::failure() const {
  CaseResult r;
  r.expected = "a completed opening handshake (101 Switching Protocols) for a valid request";
  r.observed = open_error_;
  if (open_error_is_harness_) {
    r.verdict = Verdict::kError;
    r.detail = "could not reach " + ctx_.target.url() + ": is the server running?";
  } else if (open_error_is_timeout_) {
    r.verdict = Verdict::kTimeout;
    r.detail = "the server never answered the opening handshake";
  } else {
    r.verdict = Verdict::kFail;
    r.detail =
        "the opening handshake failed, so nothing else could be tested (see the "
        "handshake.* cases for the precise rule)";
  }
  return r;
}

void Exchange::push(Observation o) {
  obs_.push_back(std::move(o));
}

bool Exchange::ended() const {
  return std::any_of(obs_.begin(), obs_.end(), [](const Observation& o) {
    return o.kind == Observation::Kind::kClose || o.kind == Observation::Kind::kTcpClosed ||
           o.kind == Observation::Kind::kBadFrame;
  });
}

bool Exchange::tcp_closed() const {
  return std::any_of(obs_.begin(), obs_.end(), [](const Observation& o) {
    return o.kind == Observation::Kind::kTcpClosed || o.kind == Observation::Kind::kBadFrame;
  });
}

std::size_t Exchange::await_answers(std::size_t n, Millis wait) {
  std::size_t got = 0;
  if (wait.count() <= 0) wait = std::max(Millis{1}, left() * 2 / 3);
  while (got < n && !ended()) {
    Observation o = probe_->next(bounded(wait));
    auto k = o.kind;
    push(std::move(o));
    if (k == Observation::Kind::kText || k == Observation::Kind::kBinary ||
        k == Observation::Kind::kPong) {
      ++got;
    } else if (k == Observation::Kind::kTimeout) {
      break;
    }
  }
  return got;
}

bool Exchange::await_end(Millis wait) {
  if (ended()) return true;
  auto more = probe_->collect(bounded(wait), /*answer_close=*/true);
  for (auto& o : more) push(std::move(o));
  return ended();
}

void Exchange::finish(Millis wait, Millis after_close) {
  auto close_seen = [&] {
    return std::any_of(obs_.begin(), obs_.end(),
                       [](const Observation& o) { return o.kind == Observation::Kind::kClose; });
  };
  while (!tcp_closed()) {
    bool handshake_done = close_seen() && probe_->close_sent();
    Observation o = probe_->next(bounded(handshake_done ? std::min(wait, after_close) : wait));
    auto kind = o.kind;
    std::optional<std::uint16_t> code = o.code;
    push(std::move(o));
    if (kind == Observation::Kind::kClose && !probe_->close_sent() && !probe_->peer_closed()) {
      // Answer the peer's Close as a well-behaved client (its code when sendable).
      probe_->send_close(code && is_valid_close_code(*code) ? code : std::nullopt);
    }
    if (kind == Observation::Kind::kTimeout || kind == Observation::Kind::kBadFrame) return;
  }
}

void Exchange::close(std::optional<std::uint16_t> code, std::string_view reason, Millis wait,
                     Millis after_close) {
  if (tcp_closed()) return;
  if (!probe_->close_sent()) {
    // When the peer's Close already arrived, ours answers it (echoing its
    // code when that code may be sent); otherwise ours starts the closing.
    bool peer_closed_first = false;
    std::optional<std::uint16_t> echo;
    for (const auto& o : obs_) {
      if (o.kind == Observation::Kind::kClose) {
        peer_closed_first = true;
        if (o.code && is_valid_close_code(*o.code)) echo = o.code;
      }
    }
    if (peer_closed_first) {
      probe_->send_close(echo);
    } else {
      probe_->send_close(code, reason);
    }
  }
  finish(wait, after_close);
}

void add(Catalog& catalog, Spec spec, CaseFn run) {
  CaseInfo info;
  info.id = std::move(spec.id);
  info.group = std::move(spec.group);
  info.lab = spec.lab;
  info.rfc_section = std::move(spec.rfc_section);
  info.rfc_text = std::move(spec.rfc_text);
  info.autobahn = std::move(spec.autobahn);
  info.points = spec.points;
  info.description = std::move(spec.description);
  info.hint = std::move(spec.hint);
  info.lesson = std::move(spec.lesson);
  info.timeout = spec.timeout;
  info.exclusive = spec.exclusive;
  info.bulk = spec.bulk;
  info.tags = std::move(spec.tags);
  info.needs = spec.needs;
  if (info.points == 0) info.tags.emplace_back(kInformationalTag);
  catalog.add(std::move(info), std::move(run));
}

CaseResult run_answers(CaseContext& ctx, Millis budget, const std::function<void(Probe&)>& send,
                       const Answers& expected, const Answers* non_strict) {
  Exchange x(ctx, budget);
  if (!x.open()) return x.failure();
  send(x.probe());
  std::size_t want = expected.size();
  if (non_strict != nullptr) want = std::max(want, non_strict->size());
  x.await_answers(want);
  x.close(1000);
  return expect_answers(x.observations(), expected, {}, non_strict);
}

CaseResult run_fail(CaseContext& ctx, Millis budget, const std::function<void(Probe&)>& send,
                    const std::vector<std::uint16_t>& codes, const Answers& before,
                    const Answers* non_strict_before) {
  Exchange x(ctx, budget);
  if (!x.open()) return x.failure();
  send(x.probe());
  x.finish(x.left());
  return expect_fail(x.observations(), codes, before, non_strict_before);
}

}  // namespace wslab::harness::cases
