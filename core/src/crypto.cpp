// SHA-1, base64 and random bytes for RFC 6455 §4.1, §4.2.2 and §5.3.
#include "wslab/crypto.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <random>

namespace wslab {
namespace {

// OpenSSL 3's one-shot SHA1() fetches the algorithm on every call (~1.5 µs);
// fetching once and reusing one context per thread costs ~0.15 µs.
const EVP_MD* sha1_md() {
  static const EVP_MD* md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA1", nullptr);
    return fetched != nullptr ? fetched : EVP_sha1();
  }();
  return md;
}

struct DigestContext {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  DigestContext() = default;
  DigestContext(const DigestContext&) = delete;
  DigestContext& operator=(const DigestContext&) = delete;
  ~DigestContext() { EVP_MD_CTX_free(ctx); }
};

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// 0-63 for alphabet characters, 64 for '=', 255 for anything else.
constexpr std::array<std::uint8_t, 256> make_decode_table() {
  std::array<std::uint8_t, 256> t{};
  for (auto& v : t) v = 255;
  for (std::uint8_t i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = i;
  t['='] = 64;
  return t;
}
constexpr auto kDecode = make_decode_table();

}  // namespace

std::array<std::uint8_t, 20> sha1(std::string_view data) {
  thread_local DigestContext context;
  std::array<std::uint8_t, 20> out{};
  unsigned int len = 0;
  EVP_DigestInit_ex(context.ctx, sha1_md(), nullptr);
  EVP_DigestUpdate(context.ctx, data.data(), data.size());
  EVP_DigestFinal_ex(context.ctx, out.data(), &len);
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.resize((bytes.size() + 2) / 3 * 4);
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t i = 0;
  std::size_t o = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v =
        (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    out[o++] = kAlphabet[(v >> 18) & 63];
    out[o++] = kAlphabet[(v >> 12) & 63];
    out[o++] = kAlphabet[(v >> 6) & 63];
    out[o++] = kAlphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t v = std::uint32_t{in[i]} << 16;
    if (rest == 2) v |= std::uint32_t{in[i + 1]} << 8;
    out[o++] = kAlphabet[(v >> 18) & 63];
    out[o++] = kAlphabet[(v >> 12) & 63];
    out[o++] = rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out[o++] = '=';
  }
  return out;
}

// Strict RFC 4648 §4: length a multiple of 4, only alphabet characters, '='
// only as the last one or two characters, and the unused bits before the
// padding must be zero (so every byte string has exactly one encoding).
// No whitespace, no line breaks (EVP_DecodeBlock would skip them).
std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::uint8_t c[4];
    for (std::size_t k = 0; k < 4; ++k) c[k] = kDecode[static_cast<unsigned char>(text[i + k])];
    const bool last = i + 4 == text.size();
    if (c[0] > 63 || c[1] > 63) return std::nullopt;
    std::size_t pad = 0;
    if (c[3] == 64) {
      if (!last) return std::nullopt;
      pad = c[2] == 64 ? 2 : 1;
    } else if (c[2] == 64) {
      return std::nullopt;  // "xx=y"
    }
    if (c[2] == 255 || c[3] == 255) return std::nullopt;
    const std::uint32_t v = (std::uint32_t{c[0]} << 18) | (std::uint32_t{c[1]} << 12) |
                            (std::uint32_t{c[2] & 63u} << 6) | (c[3] & 63u);
    if (pad == 2 && (c[1] & 0x0F) != 0) return std::nullopt;  // non-zero unused bits
    if (pad == 1 && (c[2] & 0x03) != 0) return std::nullopt;
    out.push_back(static_cast<char>((v >> 16) & 0xFF));
    if (pad < 2) out.push_back(static_cast<char>((v >> 8) & 0xFF));
    if (pad < 1) out.push_back(static_cast<char>(v & 0xFF));
  }
  return out;
}

void random_bytes(std::uint8_t* out, std::size_t n) {
  if (n == 0) return;
  if (n <= static_cast<std::size_t>(INT32_MAX) && RAND_bytes(out, static_cast<int>(n)) == 1) return;
  // RAND_bytes only fails when the OS entropy source is broken; stay usable.
  static thread_local std::random_device device;
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(device());
}

}  // namespace wslab
