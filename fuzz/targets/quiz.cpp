// Fuzz target: the quiz loader (quiz/include/wslab/quiz/load.hpp,
// load_quiz_text): TOML (toml++) checked against the mdbook-quiz schema.
// Quiz files are written by instructors, but `wslab quiz` also loads files a
// student hands in, so bad TOML must become diagnostics, never a crash.
// Input: the TOML text.
// Invariants: no crash, no exception; every diagnostic has a message; a quiz
// that loads without errors has a non-negative maximum score and find() sees
// every question id (duplicate ids are lint's business, not the loader's).
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "wslab/quiz/load.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wslab::quiz;
  const std::string_view text = wslab::fuzz::as_text(data, size);
  const LoadResult result = load_quiz_text(text, "fuzz.toml");
  for (const Diagnostic& d : result.diagnostics) {
    WSLAB_FUZZ_CHECK(!d.message.empty(), "a diagnostic without a message");
    (void)format(d);
  }
  if (!result.quiz) {
    WSLAB_FUZZ_CHECK(has_errors(result.diagnostics), "no quiz and no error");
    return 0;
  }
  if (result.ok()) {
    WSLAB_FUZZ_CHECK(result.quiz->max_score() >= 0, "negative maximum score");
    for (const auto& q : result.quiz->questions) {
      if (q.id.empty()) continue;
      WSLAB_FUZZ_CHECK(result.quiz->find(q.id) != nullptr, "find() misses a question: " + q.id);
    }
  }
  return 0;
}
