// PROVIDED: SHA-1, base64 and random bytes on top of OpenSSL (RFC 6455 §4.1,
// §4.2.2, §5.3). You do not need to change this file.
#include "wslab/crypto.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <string_view>

namespace wslab {
namespace {

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The 6-bit value of a base64 character, or -1.
int sextet(char c) {
  const auto pos = kBase64Alphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

}  // namespace

std::array<std::uint8_t, 20> sha1(std::string_view data) {
  std::array<std::uint8_t, 20> digest{};
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha1(), nullptr);
  return digest;
}

std::string base64_encode(std::string_view bytes) {
  if (bytes.empty()) return {};
  // EVP_EncodeBlock writes 4 characters per 3 input bytes plus a NUL.
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if ((text.size() & 3u) != 0) return std::nullopt;  // whole groups of 4 only
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=')
    padding = text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : 1;
  std::string out;
  std::uint32_t bits = 0;
  int nbits = 0;
  for (std::size_t i = 0; i < text.size() - padding; ++i) {
    const int v = sextet(text[i]);
    if (v < 0) return std::nullopt;  // includes '=' in the middle and whitespace
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out.push_back(static_cast<char>((bits >> nbits) & 0xFF));
    }
  }
  // The bits left over must be zero, so every byte string has one encoding.
  if (nbits > 0 && (bits & ((1u << nbits) - 1)) != 0) return std::nullopt;
  return out;
}

void random_bytes(std::uint8_t* out, std::size_t n) {
  if (n > 0) RAND_bytes(out, static_cast<int>(n));
}

}  // namespace wslab
