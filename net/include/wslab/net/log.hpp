// Logging for net: one line per event on stderr, "wslab: ..." prefixed.
// Three levels: quiet (errors and limits only), normal (+ each connection),
// verbose (+ each message and control frame).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace wslab::net {

enum class LogLevel : std::uint8_t { kQuiet, kNormal, kVerbose };

// Writes "wslab: <line>\n" to stderr in a single write.
void log_line(std::string_view line);

// Prints a payload for a log line: text as is (control characters escaped),
// cut after `max` bytes with "... (N bytes)".
std::string printable(std::string_view data, std::size_t max = 80);

}  // namespace wslab::net
