// Helpers for the lab tests that drive a wslab::Session by hand (labs 1-4):
// drain its events, describe them in failure messages, feed it a handshake.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wslab/session.hpp"

namespace wslab::labtest {

// Every event queued so far, in order.
std::vector<Event> drain(Session& s);
// "Open(subprotocol=\"\")", "Text(\"hi\")", "Closed(1000, clean)" ...
std::string describe(const Event& e);
// "Open, Text(\"hi\"), Closed(1006)" or "no events".
std::string describe(const std::vector<Event>& events);
// The first event of type T, or nullptr.
template <typename T>
const T* find(const std::vector<Event>& events) {
  for (const auto& e : events) {
    if (const T* p = std::get_if<T>(&e)) return p;
  }
  return nullptr;
}
// Everything the session wants to write, consumed.
std::string take_output(Session& s);

// A server session (manual_accept off) that has completed the handshake with
// the sample key: its 101 and Open event are already taken.
Session open_server(SessionConfig config = {});
// A client session opened against a sample 101 (key fixed to the RFC's sample).
Session open_client(SessionConfig config = {});

}  // namespace wslab::labtest
