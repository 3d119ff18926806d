// Fuzz target: the Close frame body (RFC 6455 §5.5.1, §7.4) against a
// reference written from the RFC for this test.
// Input: the body itself (no chop header: a Close body is never split).
// Invariants:
//  - parse_close_payload agrees with the reference: empty -> no code; one byte
//    -> 1002; a code the RFC forbids -> 1002; a reason that is not UTF-8 -> 1007;
//  - is_valid_close_code agrees with §7.4.1/§7.4.2 and the IANA registry
//    (1000-1003, 1007-1014, 3000-4999);
//  - encode_close_payload + parse is the identity on valid codes, the body
//    fits a control frame (<= 125 bytes) and the reason is cut on a
//    code-point boundary.
#include "wslab/close.hpp"

#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "wslab/utf8.hpp"

namespace {

bool rfc_sendable(std::uint16_t code) {
  if (code >= 1000 && code <= 1003) return true;  // §7.4.1
  if (code >= 1007 && code <= 1014) return true;  // §7.4.1 + IANA registry (1012-1014)
  return code >= 3000 && code <= 4999;            // §7.4.2: registered and private use
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wslab;
  using wslab::fuzz::printable;
  const std::string_view body = wslab::fuzz::as_text(data, size);

  const CloseParse got = parse_close_payload(body);
  if (body.empty()) {
    WSLAB_FUZZ_CHECK(got.ok && !got.payload.code && got.payload.reason.empty(),
                     "an empty Close body must parse as 'no code'");
  } else if (body.size() == 1) {
    WSLAB_FUZZ_CHECK(!got.ok && got.fail_code == 1002, "a 1-byte Close body must fail with 1002");
  } else {
    const auto code = static_cast<std::uint16_t>((static_cast<unsigned>(data[0]) << 8) | data[1]);
    const std::string_view reason = body.substr(2);
    const bool code_ok = rfc_sendable(code);
    WSLAB_FUZZ_CHECK(is_valid_close_code(code) == code_ok,
                     "is_valid_close_code(" + std::to_string(code) + ") is wrong");
    if (!code_ok) {
      WSLAB_FUZZ_CHECK(!got.ok && got.fail_code == 1002,
                       "code " + std::to_string(code) + " must fail with 1002");
    } else if (!is_valid_utf8(reason)) {
      WSLAB_FUZZ_CHECK(!got.ok && got.fail_code == 1007,
                       "a reason that is not UTF-8 must fail with 1007: " + printable(reason));
    } else {
      WSLAB_FUZZ_CHECK(got.ok && got.payload.code == code && got.payload.reason == reason,
                       "a valid Close body was refused or changed: " + got.error);
    }
  }
  if (!got.ok) {
    WSLAB_FUZZ_CHECK(!got.error.empty(), "a refusal without a message");
    WSLAB_FUZZ_CHECK(got.fail_code == 1002 || got.fail_code == 1007, "unexpected fail_code");
  }
  (void)close_code_name(size >= 2 ? static_cast<std::uint16_t>((data[0] << 8) | data[1]) : 0);

  // Encoding: any valid code with any text as reason.
  if (size >= 2) {
    const auto code = static_cast<std::uint16_t>((static_cast<unsigned>(data[0]) << 8) | data[1]);
    if (rfc_sendable(code)) {
      const std::string_view reason = body.substr(2);
      const std::string encoded = encode_close_payload(code, reason);
      WSLAB_FUZZ_CHECK(encoded.size() <= 125, "encoded Close body over 125 bytes (§5.5)");
      if (is_valid_utf8(reason)) {
        const CloseParse back = parse_close_payload(encoded);
        WSLAB_FUZZ_CHECK(back.ok && back.payload.code == code,
                         "encode + parse lost the code: " + back.error);
        WSLAB_FUZZ_CHECK(reason.substr(0, back.payload.reason.size()) == back.payload.reason,
                         "the encoded reason is not a prefix of the original");
        if (reason.size() <= 123) {
          WSLAB_FUZZ_CHECK(back.payload.reason == reason, "a short reason was cut");
        }
      }
    }
  }
  return 0;
}
