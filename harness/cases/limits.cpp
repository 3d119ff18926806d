// Group "limits" (lab 2): large messages and many round trips, RFC 6455
// §5.2 (lengths), §5.4 (fragments) and §10.4 (implementation limits).
// Autobahn 9.1-9.8: messages up to 16 MiB, 4 MiB in fragments of 64 B to
// 4 MiB, 1 MiB in TCP chops of 64-2048 B, 1000 round trips. Unlike Autobahn,
// echoes are compared byte for byte. --quick divides every size (and the
// round-trip count) by 16. Beyond Autobahn: a message one byte over the
// reference servers' 16 MiB limit must get 1009, and a frame announcing
// 2^60 bytes must be refused at once.
#include <chrono>
#include <string>
#include <vector>

#include "drive.hpp"
#include "wslab/frame.hpp"
#include "wslab/harness/bytes_text.hpp"

namespace wslab::harness {

namespace {

using namespace cases;
using K = Observation::Kind;

constexpr const char* kGroup = "limits";
constexpr std::size_t kKiB = 1024;
constexpr std::size_t kMiB = 1024 * 1024;
constexpr std::size_t kQuickDivisor = 16;
constexpr std::size_t kServerLimit = 16 * kMiB;  // wslab serve / refpeer default max message

constexpr const char* kLengthRule =
    "The length of the \"Payload data\", in bytes: if 0-125, that is the payload length. If 126, "
    "the following 2 bytes ... If 127, the following 8 bytes interpreted as a 64-bit unsigned "
    "integer ... are the payload length.";
constexpr const char* kLimitRule =
    "Implementations that have implementation- and/or platform-specific limitations regarding the "
    "frame size or total message size after reassembly from multiple frames MUST protect "
    "themselves against exceeding those limits.";

std::string limits_lesson() {
  return lesson::at(lesson::kFraming, "large-messages");
}

std::size_t scaled_size(const CaseContext& ctx, std::size_t n) {
  return ctx.quick ? std::max<std::size_t>(1, n / kQuickDivisor) : n;
}

// Budget: 2 s plus 1 s per MiB (debug builds, loaded CI machines).
Millis budget_for(std::size_t bytes, std::size_t frames = 1) {
  return Millis{2000 + static_cast<Millis::rep>(bytes / kMiB) * 1000 +
                static_cast<Millis::rep>(frames / 10000) * 1000};
}

std::string size_id(std::size_t n) {
  if (n >= kMiB && n % kMiB == 0) return std::to_string(n / kMiB) + "mib";
  if (n >= kKiB && n % kKiB == 0) return std::to_string(n / kKiB) + "kib";
  return std::to_string(n) + "b";
}

std::string payload_for(bool text, std::size_t n) {
  return text ? ascii_payload(n, 'L') : binary_payload(n);
}

CaseResult echo_big(CaseContext& ctx, Millis budget, bool text, std::size_t size,
                    std::size_t fragment, std::size_t chop) {
  std::string payload = payload_for(text, size);
  Opcode op = text ? Opcode::kText : Opcode::kBinary;
  Exchange x(ctx, budget);
  if (!x.open()) return x.failure();
  std::string wire;
  if (fragment == 0 || fragment >= size) {
    wire = FrameBuilder().opcode(op).random_mask().payload(payload).build();
  } else {
    for (std::size_t off = 0; off < size; off += fragment) {
      std::size_t n = std::min(fragment, size - off);
      wire += FrameBuilder()
                  .fin(off + n >= size)
                  .opcode(off == 0 ? op : Opcode::kContinuation)
                  .random_mask()
                  .payload(std::string_view(payload).substr(off, n))
                  .build();
    }
  }
  if (chop == 0) {
    x.probe().send(wire);
  } else {
    x.probe().send_chopped(wire, chop);
  }
  x.await_answers(1);
  x.close(1000);
  return expect_echo(x.observations(), payload, text ? K::kText : K::kBinary);
}

void add_single(Catalog& cat, bool text, std::size_t size, const char* ab) {
  std::string kind = text ? "text" : "binary";
  add(cat,
      Spec{.id = "limits." + kind + "." + size_id(size),
           .group = kGroup,
           .lab = kLabFraming,
           .rfc_section = "5.2",
           .rfc_text = kLengthRule,
           .autobahn = ab,
           .description = "Send one " + kind + " message of " + size_text(size) +
                          " in a single frame; expect an identical echo (--quick: 1/16 of it).",
           .hint = size >= kServerLimit
                       ? "16 MiB is exactly the labs' limit: a message of that size must still "
                         "be accepted (compare with >, not >=)."
                       : "Read the 64-bit length, then loop on recv() until the whole payload is "
                         "in; unmask it in place instead of copying it around.",
           .lesson = limits_lesson(),
           .timeout = budget_for(size),
           .bulk = true},
      [text, size](CaseContext& ctx) {
        return echo_big(ctx, budget_for(size), text, scaled_size(ctx, size), 0, 0);
      });
}

void add_fragmented(Catalog& cat, bool text, std::size_t fragment, const char* ab) {
  std::string kind = text ? "text" : "binary";
  constexpr std::size_t size = 4 * kMiB;
  add(cat,
      Spec{.id = "limits." + kind + ".4mib.fragments-" + size_id(fragment),
           .group = kGroup,
           .lab = kLabLifecycle,  // fragments: lab 3
           .rfc_section = "5.4",
           .rfc_text = "A fragmented message consists of a single frame with the FIN bit clear and "
                       "an opcode other than 0, followed by zero or more frames with the FIN bit "
                       "clear and the opcode set to 0, and terminated by a single frame with the "
                       "FIN bit set and an opcode of 0.",
           .autobahn = ab,
           .description = "Send a 4 MiB " + kind + " message in fragments of " +
                          size_text(fragment) + "; expect one identical echo (--quick: 256 KiB).",
           .hint = "Append fragments to one growing buffer (reserve ahead) instead of "
                   "concatenating strings per frame; thousands of fragments must stay fast.",
           .lesson = limits_lesson(),
           .timeout = budget_for(size, size / fragment),
           .bulk = true},
      [text, fragment](CaseContext& ctx) {
        return echo_big(ctx, budget_for(size, size / fragment), text, scaled_size(ctx, size),
                        fragment, 0);
      });
}

void add_chopped(Catalog& cat, bool text, std::size_t chop, const char* ab) {
  std::string kind = text ? "text" : "binary";
  constexpr std::size_t size = kMiB;
  add(cat,
      Spec{.id = "limits." + kind + ".1mib.chops-" + size_id(chop),
           .group = kGroup,
           .lab = kLabFraming,
           .rfc_section = "5.2",
           .rfc_text = kLengthRule,
           .autobahn = ab,
           .description = "Send a 1 MiB " + kind +
                          " message as one frame written in TCP pieces of " + std::to_string(chop) +
                          " bytes; expect an identical echo (--quick: 64 KiB).",
           .hint = "Every recv() returns an arbitrary slice of the stream: keep the frame parser's "
                   "state between reads.",
           .lesson = limits_lesson(),
           .timeout = budget_for(size, size / chop),
           .bulk = true},
      [text, chop](CaseContext& ctx) {
        return echo_big(ctx, budget_for(size, size / chop), text, scaled_size(ctx, size), 0, chop);
      });
}

void add_round_trips(Catalog& cat, bool text, std::size_t size, const char* ab) {
  std::string kind = text ? "text" : "binary";
  constexpr std::size_t count = 1000;
  Millis budget{5000 + static_cast<Millis::rep>(size / kKiB) * 1000};
  add(cat,
      Spec{.id = "limits.round-trips." + kind + "-" + size_id(size),
           .group = kGroup,
           .lab = kLabFraming,
           .rfc_section = "5.6",
           .rfc_text = "Data frames (e.g., non-control frames) are identified by opcodes where the "
                       "most significant bit of the opcode is 0.",
           .autobahn = ab,
           .description = "Send 1000 " + kind + " messages of " + size_text(size) +
                          ", each after the previous echo; expect every echo (--quick: 62).",
           .hint = "Latency adds up: flush each echo at once (no waiting for more input, disable "
                   "Nagle with TCP_NODELAY).",
           .lesson = limits_lesson(),
           .timeout = budget,
           .bulk = true},
      [text, size, budget, kind](CaseContext& ctx) {
        std::size_t n = ctx.quick ? count / kQuickDivisor : count;
        std::string payload = payload_for(text, size);
        Exchange x(ctx, budget);
        if (!x.open()) return x.failure();
        auto start = std::chrono::steady_clock::now();
        std::size_t done = 0;
        Observation bad;
        bool failed = false;
        for (; done < n; ++done) {
          if (text) {
            x.probe().send_text(payload);
          } else {
            x.probe().send_binary(payload);
          }
          Observation o = x.probe().next(x.bounded(1000ms));
          if (o.kind != (text ? K::kText : K::kBinary) || o.payload != payload) {
            bad = std::move(o);
            failed = true;
            break;
          }
        }
        auto took = std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - start);
        if (failed) x.observations().push_back(bad);
        x.close(1000);
        Answers none;
        CaseResult r =
            expect_answers(x.observations(),
                           failed ? Answers{Answer{text ? K::kText : K::kBinary, payload}} : none);
        r.expected = std::to_string(n) + " echoes of " + size_text(size) + " " + kind +
                     " messages, then a clean close";
        std::string summary = std::to_string(done) + " of " + std::to_string(n) +
                              " round trips in " + std::to_string(took.count() / 1000) + " ms";
        if (done > 0)
          summary +=
              " (" + std::to_string(took.count() / static_cast<long long>(done)) + " us each)";
        r.observed = summary + "; then " + r.observed;
        if (failed && r.verdict == Verdict::kPass) r.verdict = Verdict::kFail;
        if (failed) {
          r.detail = "round trip " + std::to_string(done + 1) + " failed: got " + describe(bad) +
                     (r.detail.empty() ? "" : "; " + r.detail);
        } else {
          r.detail = summary + (r.detail.empty() ? "" : "; " + r.detail);
        }
        return r;
      });
}

// A message one byte over the limit: 1009 (§7.4.1 "Message Too Big").
CaseResult over_limit(CaseContext& ctx, bool fragmented) {
  Millis budget = budget_for(kServerLimit);
  if (ctx.quick) {
    CaseResult r;
    r.verdict = Verdict::kInfo;
    r.expected = "Close 1009 for a message of 16 MiB + 1 byte";
    r.observed = "not run: --quick does not send 16 MiB";
    return r;
  }
  Exchange x(ctx, budget);
  if (!x.open()) return x.failure();
  const std::size_t size = kServerLimit + 1;
  std::string payload = ascii_payload(size, 'O');
  std::vector<std::string> pieces;
  if (fragmented) {
    for (std::size_t off = 0; off < size; off += kMiB) {
      std::size_t n = std::min(kMiB, size - off);
      pieces.push_back(FrameBuilder()
                           .fin(off + n >= size)
                           .opcode(off == 0 ? Opcode::kText : Opcode::kContinuation)
                           .random_mask()
                           .payload(std::string_view(payload).substr(off, n))
                           .build());
    }
  } else {
    std::string wire = FrameBuilder().opcode(Opcode::kText).random_mask().payload(payload).build();
    for (std::size_t off = 0; off < wire.size(); off += kMiB)
      pieces.push_back(wire.substr(off, kMiB));
  }
  // Stop writing as soon as the server refuses: writing on would turn its
  // orderly close into a reset.
  for (const auto& piece : pieces) {
    if (!x.probe().send(piece)) break;
    Observation o = x.probe().next(Millis{1});
    if (o.kind != K::kTimeout) {
      x.observations().push_back(std::move(o));
      if (x.ended()) break;
    }
  }
  x.finish(x.bounded(budget / 2));
  bool echoed = false;
  for (const auto& o : x.observations()) echoed = echoed || o.kind == K::kText;
  if (echoed) {
    x.close(1000);
    return as_info(expect_fail(x.observations(), {1009}),
                   "the server accepted 16 MiB + 1 byte: fine if its limit is higher than the "
                   "labs' 16 MiB");
  }
  return expect_fail(x.observations(), {1009});
}

void add_over_limit(Catalog& cat) {
  for (bool fragmented : {false, true}) {
    add(cat,
        Spec{
            .id = fragmented ? "limits.message.over-16mib.fragmented" : "limits.message.over-16mib",
            .group = kGroup,
            .lab = kLabFraming,
            .rfc_section = "10.4",
            .rfc_text = kLimitRule,
            .description = std::string("Send a text message of 16 MiB + 1 byte") +
                           (fragmented ? " in 1 MiB fragments" : " in one frame") +
                           "; the server (limit 16 MiB) must fail with 1009. Skipped (INFO) with "
                           "--quick.",
            .hint = fragmented ? "Count the bytes of the message across fragments and fail with "
                                 "1009 as soon as the total passes your limit."
                               : "Check the announced length against your limit as soon as the "
                                 "header is in, before buffering the payload; answer 1009.",
            .lesson = lesson::at(lesson::kSecurity, "message-size-limits"),
            .timeout = budget_for(kServerLimit),
            .bulk = true},
        [fragmented](CaseContext& ctx) { return over_limit(ctx, fragmented); });
  }
  add(cat,
      Spec{.id = "limits.frame.length-2-pow-60",
           .group = kGroup,
           .lab = kLabFraming,
           .rfc_section = "10.4",
           .rfc_text = kLimitRule,
           .description = "Send a frame header announcing 2^60 payload bytes (and 5 bytes); the "
                          "server must refuse it at once (1009; 1002 or a drop also accepted).",
           .hint = "Never allocate or wait for what a header announces before checking it "
                   "against your limit.",
           .lesson = lesson::at(lesson::kSecurity, "message-size-limits")},
      [](CaseContext& ctx) {
        return run_fail(ctx, 1000ms,
                        [](Probe& p) {
                          p.send_frame(FrameBuilder()
                                           .opcode(Opcode::kBinary)
                                           .random_mask()
                                           .length_form(LengthForm::k64)
                                           .declared_length(1ull << 60)
                                           .payload("12345"));
                        },
                        {1009, 1002});
      });
}

}  // namespace

void register_limits_cases(Catalog& cat) {
  const std::pair<std::size_t, const char*> singles_text[] = {
      {64 * kKiB, "9.1.1"}, {256 * kKiB, "9.1.2"}, {kMiB, "9.1.3"},
      {4 * kMiB, "9.1.4"},  {8 * kMiB, "9.1.5"},   {16 * kMiB, "9.1.6"}};
  for (const auto& [size, ab] : singles_text) add_single(cat, true, size, ab);
  const std::pair<std::size_t, const char*> singles_binary[] = {
      {64 * kKiB, "9.2.1"}, {256 * kKiB, "9.2.2"}, {kMiB, "9.2.3"},
      {4 * kMiB, "9.2.4"},  {8 * kMiB, "9.2.5"},   {16 * kMiB, "9.2.6"}};
  for (const auto& [size, ab] : singles_binary) add_single(cat, false, size, ab);
  const std::size_t fragments[] = {64,        256,        kKiB, 4 * kKiB, 16 * kKiB,
                                   64 * kKiB, 256 * kKiB, kMiB, 4 * kMiB};
  for (int t = 0; t < 2; ++t) {
    for (std::size_t i = 0; i < std::size(fragments); ++i) {
      std::string ab = std::string(t == 0 ? "9.3." : "9.4.") + std::to_string(i + 1);
      add_fragmented(cat, t == 0, fragments[i], ab.c_str());
    }
  }
  const std::size_t chops[] = {64, 128, 256, 512, 1024, 2048};
  for (int t = 0; t < 2; ++t) {
    for (std::size_t i = 0; i < std::size(chops); ++i) {
      std::string ab = std::string(t == 0 ? "9.5." : "9.6.") + std::to_string(i + 1);
      add_chopped(cat, t == 0, chops[i], ab.c_str());
    }
  }
  const std::size_t trips[] = {0, 16, 64, 256, kKiB, 4 * kKiB};
  for (int t = 0; t < 2; ++t) {
    for (std::size_t i = 0; i < std::size(trips); ++i) {
      std::string ab = std::string(t == 0 ? "9.7." : "9.8.") + std::to_string(i + 1);
      add_round_trips(cat, t == 0, trips[i], ab.c_str());
    }
  }
  add_over_limit(cat);
}

}  // namespace wslab::harness
