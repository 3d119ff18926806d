// The cryptographic primitives RFC 6455 needs, all from OpenSSL:
// SHA-1 and base64 for Sec-WebSocket-Accept (§4.2.2), and random bytes
// for Sec-WebSocket-Key (§4.1) and frame masking keys (§5.3).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wslab {

std::array<std::uint8_t, 20> sha1(std::string_view data);
std::string base64_encode(std::string_view bytes);
// Strict RFC 4648 decoding with padding; nullopt on any invalid character or length.
std::optional<std::string> base64_decode(std::string_view text);
// Cryptographically strong random bytes (RAND_bytes).
void random_bytes(std::uint8_t* out, std::size_t n);

}  // namespace wslab
