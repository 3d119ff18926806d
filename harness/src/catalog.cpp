// The case catalog: every group's cases, registered once, in a stable order
// (the order of `wslab conform --list` and of every report). Group files live
// in harness/cases/<group>.cpp and each defines register_<group>_cases.
#include "../cases/drive.hpp"
#include "../cases/rooms_client.hpp"
#include "wslab/harness/case.hpp"

namespace wslab::harness {

void register_scale_cases(Catalog& catalog);      // harness/cases/scale.cpp (lab 6)
void register_heartbeat_cases(Catalog& catalog);  // harness/cases/heartbeat.cpp (lab 4)

namespace {
Catalog build_catalog() {
  Catalog c;
  register_handshake_cases(c);
  register_framing_cases(c);
  register_ping_cases(c);
  register_rsv_cases(c);
  register_opcode_cases(c);
  register_fragmentation_cases(c);
  register_utf8_cases(c);
  register_close_cases(c);
  register_limits_cases(c);
  register_misc_cases(c);
  register_robustness_cases(c);
  register_rooms_cases(c);
  register_heartbeat_cases(c);
  register_scale_cases(c);
  return c;
}
}  // namespace

const Catalog& catalog() {
  static const Catalog c = build_catalog();
  return c;
}

}  // namespace wslab::harness
