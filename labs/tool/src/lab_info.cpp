// The table of labs.
#include "wslab/labs/lab_info.hpp"

namespace wslab::labs {

const std::vector<LabInfo>& all_labs() {
  static const std::vector<LabInfo> labs = {
      {1, "01-handshake", "the opening handshake", "lessons/02-handshake.md"},
      {2, "02-framing", "frames, masking and UTF-8", "lessons/03-framing.md"},
      {3, "03-lifecycle", "fragments, control frames and the close handshake",
       "lessons/04-lifecycle.md"},
      {4, "04-heartbeat", "heartbeat, timeouts and reconnecting", "lessons/05-heartbeat.md"},
      {5, "05-rooms", "the wslab.rooms.v1 subprotocol", "lessons/06-rooms.md"},
      {6, "06-scale-out", "rooms across instances through Redis", "lessons/07-scale-out.md",
       "libhiredis-dev redis-server"},
  };
  return labs;
}

const LabInfo* find_lab(int number) {
  for (const auto& l : all_labs()) {
    if (l.number == number) return &l;
  }
  return nullptr;
}

}  // namespace wslab::labs
