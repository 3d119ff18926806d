// Lab 2, step 6: close codes and Close frame bodies (RFC 6455 §5.5.1, §7.4).
// Handout: labs/02-framing/README.md. Contract: wslab/close.hpp.
#include "wslab/close.hpp"

#include "wslab/todo.hpp"
#include "wslab/utf8.hpp"

namespace wslab {
namespace {
constexpr std::string_view kStep6 = "labs/02-framing/README.md step 6";
}  // namespace

bool is_valid_close_code([[maybe_unused]] std::uint16_t code) {
  // TODO(lab 2, step 6)
  todo::note("is_valid_close_code", kStep6);
  return false;
}

std::string_view close_code_name([[maybe_unused]] std::uint16_t code) {
  // TODO(lab 2, step 6)
  todo::note("close_code_name", kStep6);
  return "Unknown";
}

CloseParse parse_close_payload([[maybe_unused]] std::string_view body) {
  // TODO(lab 2, step 6): empty -> ok without a code; 1 byte -> 1002; bad code
  // -> 1002; reason not UTF-8 -> 1007.
  CloseParse r;
  r.fail_code = 1002;
  r.error = todo::note("parse_close_payload", kStep6);
  return r;
}

std::string encode_close_payload([[maybe_unused]] std::uint16_t code,
                                 [[maybe_unused]] std::string_view reason) {
  // TODO(lab 2, step 6)
  todo::note("encode_close_payload", kStep6);
  return {};
}

}  // namespace wslab
