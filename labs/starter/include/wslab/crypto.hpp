// PROVIDED (you do not write these): the cryptographic primitives RFC 6455
// needs, on top of OpenSSL. SHA-1 and base64 compute Sec-WebSocket-Accept
// (§4.2.2); random bytes make Sec-WebSocket-Key (§4.1) and the masking keys
// of client frames (§5.3). Source: labs/starter/src/crypto.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wslab {

// The 20-byte SHA-1 digest of `data` (raw bytes, not hex).
std::array<std::uint8_t, 20> sha1(std::string_view data);
// Standard base64 (RFC 4648 §4) with '=' padding, no line breaks.
std::string base64_encode(std::string_view bytes);
// Strict decoding: length a multiple of 4, alphabet characters only, '=' only
// at the end, unused bits zero. nullopt on anything else (no whitespace allowed).
std::optional<std::string> base64_decode(std::string_view text);
// Cryptographically strong random bytes.
void random_bytes(std::uint8_t* out, std::size_t n);

}  // namespace wslab
