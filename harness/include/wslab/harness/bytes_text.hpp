// How the harness shows bytes to people: quoted strings with escapes, hex
// dumps and sizes. Used by Observation descriptions and every report.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace wslab::harness {

// "Hello\x00\n" style: printable ASCII as is, the rest as \xNN (\r \n \t named),
// at most `max` input bytes, then "..." and the count of bytes left out.
std::string quote_bytes(std::string_view bytes, std::size_t max = 60);
// "81 85 37 fa" (lower-case, space separated), at most `max` bytes, then " ...".
std::string hex_bytes(std::string_view bytes, std::size_t max = 32);
// Classic hex dump lines: "0000  81 85 37 fa ...  |..7.|", at most `max` bytes.
std::string hex_dump(std::string_view bytes, std::size_t max = 256, std::string_view indent = "");
// "5 B", "64 KiB", "16 MiB" (exact when not a round number: "65537 B").
std::string size_text(std::size_t n);
// True when `bytes` looks like text a person can read (printable ASCII + CR/LF/TAB, or valid
// UTF-8 without control characters).
bool looks_textual(std::string_view bytes);

}  // namespace wslab::harness
