// UTF-8 test sequences after Markus Kuhn's "UTF-8 decoder capability and
// stress test" (the set Autobahn uses in cases 6.5-6.23), written out as C++
// tables for the utf8 group. Each entry: the id suffix, the Autobahn case id,
// whether the bytes are valid UTF-8 (RFC 3629), the bytes, and what they are.
#pragma once

#include <string>
#include <vector>

namespace wslab::harness::cases {

struct Utf8Sequence {
  std::string name;      // id suffix: "overlong-slash-2byte"
  std::string autobahn;  // "6.17.1"
  bool valid = false;
  std::string bytes;
  std::string what;  // "'/' (U+002F) encoded in 2 bytes (overlong)"
};

// The 132 sequences of Autobahn 6.5-6.23, in Autobahn's order.
const std::vector<Utf8Sequence>& kuhn_sequences();

// UTF-8 encoding of a code point (any value up to 0x7FFFFFFF, with the
// historic 5- and 6-byte forms; no validity check: tests build invalid input).
std::string utf8_encode(unsigned long code_point);

}  // namespace wslab::harness::cases
