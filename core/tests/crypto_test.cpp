// SHA-1, base64 and randomness used by the handshake (RFC 6455 §4.1, §4.2.2, §5.3).
#include "wslab/crypto.hpp"

#include <gtest/gtest.h>

namespace wslab {
namespace {

std::string hex(const std::array<std::uint8_t, 20>& d) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (auto b : d) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

// FIPS 180 test vectors.
TEST(CoreCrypto, Sha1MatchesKnownVectors) {
  EXPECT_EQ(hex(sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex(sha1("")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(hex(sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

// RFC 4648 §10 test vectors.
TEST(CoreCrypto, Base64MatchesRfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    const auto back = base64_decode(encoded);
    ASSERT_TRUE(back.has_value()) << encoded;
    EXPECT_EQ(*back, plain);
  }
}

// RFC 4648 §3.3: reject characters outside the alphabet; §3.5: canonical padding.
// A lax decoder (EVP_DecodeBlock skips whitespace) would accept keys the RFC refuses.
TEST(CoreCrypto, Base64DecodeIsStrict) {
  for (const char* bad : {"Zg=", "Zg", "Z===", "Zm9v\n", " Zm9v", "Zm 9v", "Zm9v====", "Z=g=",
                          "Zh==", "Zm9=", "Zm=v", "Zm9!", "=Zm9", "Zg==Zg==", "Zm9vYg=\n"}) {
    EXPECT_FALSE(base64_decode(bad).has_value()) << bad;
  }
}

TEST(CoreCrypto, Base64RoundTripsEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t n = 0; n <= all.size(); n += 17) {
    const auto enc = base64_encode(all.substr(0, n));
    EXPECT_EQ(base64_decode(enc), all.substr(0, n));
  }
}

// §5.3 / §10.3: masking keys must be unpredictable; two draws differ.
TEST(CoreCrypto, RandomBytesAreNotRepeated) {
  std::array<std::uint8_t, 16> a{};
  std::array<std::uint8_t, 16> b{};
  random_bytes(a.data(), a.size());
  random_bytes(b.data(), b.size());
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace wslab
