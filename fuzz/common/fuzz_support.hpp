// Shared helpers for wslab's in-process fuzz targets (libFuzzer entry point
// LLVMFuzzerTestOneInput). Not an RFC rule holder: the rules live in core;
// these helpers only cut the fuzzer's input into pieces and stop loudly when
// an invariant breaks (a trap the fuzzer reports as a crash, with a message).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace wslab::fuzz {

// Prints what broke and aborts: libFuzzer and the corpus replayer both report it.
[[noreturn]] inline void invariant_failed(const char* condition, const char* file, int line,
                                          const std::string& message) {
  std::fprintf(stderr, "\nwslab fuzz: invariant broken at %s:%d\n  check: %s\n  %s\n", file, line,
               condition, message.c_str());
  std::fflush(stderr);
  std::abort();
}

#define WSLAB_FUZZ_CHECK(cond, message)                                                 \
  do {                                                                                  \
    if (!(cond)) ::wslab::fuzz::invariant_failed(#cond, __FILE__, __LINE__, (message)); \
  } while (0)

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Short printable rendering of bytes for invariant messages.
inline std::string printable(std::string_view bytes, std::size_t max = 80) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  if (bytes.size() > max) out += "...";
  return out;
}

// The input layout shared by the targets that split a stream:
//   byte 0: low nibble = how many chop sizes follow (0-15); high nibble = target flags
//   then that many chop-size bytes (size = byte + 1, used cyclically)
//   then the stream itself.
// With no chop sizes the stream arrives in one piece. Seed files start with 0x00.
struct ChoppedInput {
  std::uint8_t flags = 0;  // the high nibble of byte 0, shifted down (0-15)
  std::vector<std::size_t> chops;
  std::string_view stream;

  static ChoppedInput parse(const std::uint8_t* data, std::size_t size) {
    ChoppedInput in;
    if (size == 0) return in;
    const std::size_t count = data[0] & 0x0F;
    in.flags = static_cast<std::uint8_t>(data[0] >> 4);
    std::size_t pos = 1;
    for (std::size_t i = 0; i < count && pos < size; ++i, ++pos) in.chops.push_back(data[pos] + 1u);
    in.stream = as_text(data + pos, size - pos);
    return in;
  }

  // The stream cut into the pieces the chop sizes describe.
  [[nodiscard]] std::vector<std::string_view> pieces() const {
    std::vector<std::string_view> out;
    if (chops.empty()) {
      if (!stream.empty()) out.push_back(stream);
      return out;
    }
    std::size_t pos = 0;
    for (std::size_t i = 0; pos < stream.size(); ++i) {
      const std::size_t n = std::min(chops[i % chops.size()], stream.size() - pos);
      out.push_back(stream.substr(pos, n));
      pos += n;
    }
    return out;
  }
};

}  // namespace wslab::fuzz
