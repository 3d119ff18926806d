#include "wslab/net/log.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace wslab::net {

void log_line(std::string_view line) {
  std::string out = "wslab: ";
  out.append(line);
  out.push_back('\n');
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::write(STDERR_FILENO, out.data() + done, out.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

std::string printable(std::string_view data, std::size_t max) {
  std::string out;
  std::size_t n = data.size() < max ? data.size() : max;
  for (std::size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(data[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (data.size() > max) out += "... (" + std::to_string(data.size()) + " bytes)";
  return out;
}

}  // namespace wslab::net
