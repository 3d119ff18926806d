// Group "utf8" (lab 2): text messages must be valid UTF-8, RFC 6455 §5.6 and
// §8.1 (RFC 3629). Autobahn 6.1-6.23: empty and fragmented text, sequences
// split at and inside code points, fail-fast detection (6.4, with Autobahn's
// 1 s pauses scaled to 150 ms) and the 132 sequences of Markus Kuhn's stress
// test (utf8_sequences.cpp). Plus: binary is never validated, and code
// points split across fragments.
#include <string>
#include <vector>

#include "drive.hpp"
#include "utf8_sequences.hpp"
#include "wslab/frame.hpp"

namespace wslab::harness {

namespace {

using namespace cases;

constexpr const char* kGroup = "utf8";
constexpr const char* kUtf8Rule =
    "When an endpoint is to interpret a byte stream as UTF-8 but finds that the byte stream is "
    "not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail the WebSocket Connection_.";
constexpr const char* kTextRule =
    "Text: The \"Payload data\" is text data encoded as UTF-8. Note that a particular text frame "
    "might include a partial UTF-8 sequence; however, the whole message MUST contain valid UTF-8.";
constexpr Millis kPause = 150ms;

std::string utf8_lesson() {
  return lesson::at(lesson::kFraming, "utf-8-validation");
}

const std::string kKosme = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5";
const std::string kHello =
    "Hello-\xc2\xb5@\xc3\x9f\xc3\xb6\xc3\xa4\xc3\xbc\xc3\xa0\xc3\xa1-UTF-8!!";

std::string frame(Opcode op, std::string_view payload, bool fin) {
  return FrameBuilder().fin(fin).opcode(op).random_mask().payload(payload).build();
}

// A text message as fragments (first: text, rest: continuation).
std::string fragments(const std::vector<std::string>& parts) {
  std::string all;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    all += frame(i == 0 ? Opcode::kText : Opcode::kContinuation, parts[i], i + 1 == parts.size());
  }
  return all;
}

std::vector<std::string> bytes_of(const std::string& s) {
  std::vector<std::string> v;
  for (char c : s) v.emplace_back(1, c);
  return v;
}

void add_echo(Catalog& cat, std::string id, const char* ab, std::string description,
              std::string hint, std::vector<std::string> parts, const char* rule = kTextRule) {
  std::string whole;
  for (const auto& p : parts) whole += p;
  const int lab = parts.size() > 1 ? kLabLifecycle : kLabFraming;  // fragments: lab 3
  add(cat,
      Spec{.id = std::move(id),
           .group = kGroup,
           .lab = lab,
           .rfc_section = "5.6",
           .rfc_text = rule,
           .autobahn = ab,
           .description = std::move(description),
           .hint = std::move(hint),
           .lesson = utf8_lesson()},
      [parts = std::move(parts), whole](CaseContext& ctx) {
        return run_answers(ctx, 1000ms, [&](Probe& p) { p.send(fragments(parts)); },
                           {Answer::text(whole)});
      });
}

void add_invalid(Catalog& cat, std::string id, const char* ab, std::string description,
                 std::string hint, std::vector<std::string> parts, bool bytewise = false) {
  const int lab = parts.size() > 1 ? kLabLifecycle : kLabFraming;  // fragments: lab 3
  add(cat,
      Spec{.id = std::move(id),
           .group = kGroup,
           .lab = lab,
           .rfc_section = "8.1",
           .rfc_text = kUtf8Rule,
           .autobahn = ab,
           .description = std::move(description),
           .hint = std::move(hint),
           .lesson = utf8_lesson()},
      [parts = std::move(parts), bytewise](CaseContext& ctx) {
        return run_fail(ctx, 1000ms,
                        [&](Probe& p) {
                          if (bytewise) {
                            p.send_chopped(fragments(parts), 1);
                          } else {
                            p.send(fragments(parts));
                          }
                        },
                        {1007});
      });
}

// Autobahn 6.4: three parts; the second makes the text invalid. OK = the
// server fails right after part 2; NON-STRICT = only after part 3 (at the
// end of the message).
void add_fail_fast(Catalog& cat, std::string id, const char* ab, std::vector<std::string> parts,
                   bool as_frames, std::string what) {
  add(cat,
      Spec{.id = std::move(id),
           .group = kGroup,
           .lab = as_frames ? kLabLifecycle : kLabFraming,  // fragments: lab 3
           .rfc_section = "8.1",
           .rfc_text = kUtf8Rule,
           .autobahn = ab,
           .description = "Send a text message in 3 " +
                          std::string(as_frames ? "frames" : "TCP pieces of one frame") +
                          " with pauses; " + what +
                          ". Expect the failure (1007) right after part 2. NON-STRICT: only at "
                          "the end of the message.",
           .hint = as_frames ? "Validate UTF-8 incrementally as fragments arrive (keep the decoder "
                               "state across frames) and fail as soon as a byte cannot be valid."
                             : "Validate payload bytes as they arrive, even before the frame is "
                               "complete, so invalid text fails the connection at once.",
           .lesson = lesson::at(lesson::kFraming, "utf-8-validation"),
           .timeout = 2000ms},
      [parts = std::move(parts), as_frames](CaseContext& ctx) {
        Exchange x(ctx, 2000ms);
        if (!x.open()) return x.failure();
        Probe& p = x.probe();
        std::vector<std::string> chunks;
        if (as_frames) {
          chunks = {frame(Opcode::kText, parts[0], false),
                    frame(Opcode::kContinuation, parts[1], false),
                    frame(Opcode::kContinuation, parts[2], true)};
        } else {
          std::string whole = frame(Opcode::kText, parts[0] + parts[1] + parts[2], true);
          std::size_t header = whole.size() - parts[0].size() - parts[1].size() - parts[2].size();
          std::size_t cut1 = header + parts[0].size();
          std::size_t cut2 = cut1 + parts[1].size();
          chunks = {whole.substr(0, cut1), whole.substr(cut1, cut2 - cut1), whole.substr(cut2)};
        }
        p.send(chunks[0]);
        p.pause(kPause);
        p.send(chunks[1]);
        bool fast = x.await_end(300ms);
        if (!fast) {
          p.send(chunks[2]);
          x.finish(x.left());
        }
        CaseResult r = expect_fail(x.observations(), {1007});
        if (!fast && r.verdict == Verdict::kPass) {
          r.verdict = Verdict::kNonStrict;
          r.detail =
              "the server failed the connection only after the rest of the message came; "
              "the invalid bytes were known one part earlier (fail fast)" +
              (r.detail.empty() ? std::string() : "; " + r.detail);
        }
        return r;
      });
}

void add_kuhn(Catalog& cat) {
  for (const auto& s : kuhn_sequences()) {
    std::string id = std::string("utf8.") + (s.valid ? "valid." : "invalid.") + s.name;
    if (s.valid) {
      add(cat,
          Spec{.id = id,
               .group = kGroup,
               .lab = kLabFraming,
               .rfc_section = "5.6",
               .rfc_text = kTextRule,
               .autobahn = s.autobahn,
               .description = "Send a text message holding " + s.what + "; expect it echoed.",
               .hint = "This is valid UTF-8 (RFC 3629): a validator that refuses it is too "
                       "strict. Check your ranges for each lead byte.",
               .lesson = utf8_lesson()},
          [bytes = s.bytes](CaseContext& ctx) {
            return run_answers(ctx, 1000ms, [&](Probe& p) { p.send_text(bytes); },
                               {Answer::text(bytes)});
          });
    } else {
      add(cat,
          Spec{.id = id,
               .group = kGroup,
               .lab = kLabFraming,
               .rfc_section = "8.1",
               .rfc_text = kUtf8Rule,
               .autobahn = s.autobahn,
               .description = "Send a text message holding " + s.what +
                              "; the server must fail the connection with 1007.",
               .hint = "Not valid UTF-8: reject overlongs, surrogates (U+D800-DFFF), code points "
                       "above U+10FFFF, 0xC0/0xC1/0xF5-0xFF and stray or missing continuation "
                       "bytes; close with 1007, never echo.",
               .lesson = utf8_lesson()},
          [bytes = s.bytes](CaseContext& ctx) {
            return run_fail(ctx, 1000ms, [&](Probe& p) { p.send_text(bytes); }, {1007});
          });
    }
  }
}

}  // namespace

void register_utf8_cases(Catalog& cat) {
  // 6.1 Empty text.
  add_echo(cat, "utf8.text.empty", "6.1.1", "Send an empty text message; expect an empty echo.",
           "An empty payload is valid UTF-8; echo an empty text message.", {""});
  add_echo(cat, "utf8.text.three-empty-fragments", "6.1.2",
           "Send an empty text message as 3 empty fragments; expect one empty echo.",
           "Empty fragments are legal; the message ends with the frame that has FIN=1.",
           {"", "", ""});
  add_echo(cat, "utf8.text.empty-middle-empty-fragments", "6.1.3",
           "Send fragments: empty, \"middle frame payload\", empty; expect the middle text echoed.",
           "Empty first and last fragments must not end or corrupt the message.",
           {"", "middle frame payload", ""});

  // 6.2 Valid UTF-8, whole and split.
  add_echo(cat, "utf8.valid.hello-one-frame", "6.2.1",
           "Send a valid UTF-8 text (2-byte sequences) in one frame; expect it echoed.",
           "Multi-byte UTF-8 is valid text; echo the bytes unchanged.", {kHello});
  add_echo(cat, "utf8.valid.split-at-code-point-boundary", "6.2.2",
           "Send a valid UTF-8 text in 2 fragments split between code points; expect one echo.",
           "Validate the message as a whole, fragment after fragment.",
           {kHello.substr(0, 11), kHello.substr(11)});
  add_echo(cat, "utf8.valid.one-byte-fragments.hello", "6.2.3",
           "Send a valid UTF-8 text one byte per fragment (fragments end inside code points); "
           "expect one echo.",
           "A fragment may end in the middle of a code point: keep the UTF-8 decoder state "
           "between fragments instead of validating each fragment alone.",
           bytes_of(kHello));
  add_echo(cat, "utf8.valid.one-byte-fragments.kosme", "6.2.4",
           "Send 'kosme' (Greek, 2- and 3-byte sequences) one byte per fragment; expect one echo.",
           "A fragment may end in the middle of a code point: keep the UTF-8 decoder state "
           "between fragments.",
           bytes_of(kKosme));

  // 6.3 Invalid UTF-8.
  std::string edited = kKosme + "\xed\xa0\x80" + "edited";
  add_invalid(cat, "utf8.invalid.surrogate-in-text", "6.3.1",
              "Send text containing an encoded surrogate (ED A0 80); the server must fail with "
              "1007.",
              "Surrogates U+D800-U+DFFF are not valid in UTF-8 (lead byte 0xED allows only "
              "0x80-0x9F next).",
              {edited});
  add_invalid(cat, "utf8.invalid.surrogate-in-text.byte-by-byte", "6.3.2",
              "Send the same invalid text one byte per TCP write; the server must fail with 1007.",
              "Validation must not depend on how TCP splits the bytes.", {edited}, true);

  // 6.4 Fail fast.
  add_fail_fast(cat, "utf8.fail-fast.frames.above-max-code-point", "6.4.1",
                {kKosme, "\xf4\x90\x80\x80", "edited"}, true,
                "fragment 2 holds F4 90 80 80 (U+110000)");
  add_fail_fast(cat, "utf8.fail-fast.frames.split-code-point", "6.4.2",
                {kKosme + "\xf4", "\x90",
                 "\x80\x80"
                 "edited"},
                true, "fragment 1 ends with F4 and fragment 2 is 90 (F4 90 is above U+10FFFF)");
  add_fail_fast(cat, "utf8.fail-fast.chops.above-max-code-point", "6.4.3",
                {kKosme, "\xf4\x90\x80\x80", "edited"}, false,
                "piece 2 holds F4 90 80 80 (U+110000)");
  add_fail_fast(cat, "utf8.fail-fast.chops.split-code-point", "6.4.4",
                {kKosme + "\xf4", "\x90",
                 "\x80\x80"
                 "edited"},
                false, "piece 1 ends with F4 and piece 2 is 90");

  // 6.5-6.23 Kuhn's sequences.
  add_kuhn(cat);

  // Beyond Autobahn.
  add(cat,
      Spec{.id = "utf8.binary.not-validated",
           .group = kGroup,
           .lab = kLabFraming,
           .rfc_section = "5.6",
           .rfc_text = "Binary: The \"Payload data\" is arbitrary binary data whose interpretation "
                       "is solely up to the application layer.",
           .description = "Send a binary message with bytes that are invalid UTF-8 (FF FE C0 AF); "
                          "expect it echoed.",
           .hint = "Validate text (opcode 1) only; binary messages are never UTF-8 checked.",
           .lesson = utf8_lesson()},
      [](CaseContext& ctx) {
        std::string bytes("\xff\xfe\xc0\xaf\xed\xa0\x80", 7);
        return run_answers(ctx, 1000ms, [&](Probe& p) { p.send_binary(bytes); },
                           {Answer::binary(bytes)});
      });
  add_echo(cat, "utf8.valid.4byte-split-across-3-fragments", "",
           "Send U+1F600 (F0 9F 98 80) split over 3 fragments (F0 9F | 98 | 80); expect one echo.",
           "Keep the decoder's expected-continuation count across fragment boundaries.",
           {"\xf0\x9f", "\x98", "\x80"});
  add_invalid(cat, "utf8.invalid.surrogate-split-across-fragments", "",
              "Send \"a\" ED | A0 80 \"b\" in 2 fragments (a surrogate split across them); the "
              "server must fail with 1007.",
              "Checking each fragment alone misses this: the invalid sequence spans two frames.",
              {"a\xed",
               "\xa0\x80"
               "b"});
  add_invalid(cat, "utf8.invalid.truncated-at-end-of-fragmented-message", "",
              "Send a fragmented text whose final fragment ends with E2 82 (a cut 3-byte "
              "sequence); the server must fail with 1007.",
              "At FIN=1 the decoder must be between code points; a pending partial sequence "
              "makes the message invalid.",
              {"abc", "def\xe2\x82"});
}

}  // namespace wslab::harness
