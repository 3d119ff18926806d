// Lab 2, step 5: UTF-8 validation (RFC 3629 §4; RFC 6455 §8.1, fail fast on text).
// Handout: labs/02-framing/README.md. Contract: wslab/utf8.hpp.
#include "wslab/utf8.hpp"

#include "wslab/todo.hpp"

namespace wslab {
namespace {
constexpr std::string_view kStep5 = "labs/02-framing/README.md step 5";
}  // namespace

bool Utf8Validator::feed([[maybe_unused]] std::string_view chunk) {
  // TODO(lab 2, step 5): walk the bytes; keep needed_/lower_/upper_ across chunks.
  todo::note("Utf8Validator::feed", kStep5);
  failed_ = true;
  return false;
}

void Utf8Validator::reset() {
  // TODO(lab 2, step 5)
  todo::note("Utf8Validator::reset", kStep5);
}

bool is_valid_utf8([[maybe_unused]] std::string_view text) {
  // TODO(lab 2, step 5): one validator, fed once, and complete().
  todo::note("is_valid_utf8", kStep5);
  return false;
}

bool is_valid_utf8_naive([[maybe_unused]] std::string_view text) {
  // TODO(lab 2, step 5): decode code points one by one.
  todo::note("is_valid_utf8_naive", kStep5);
  return false;
}

}  // namespace wslab
