// Some conformance cases tagged for an early lab also exercise a later lab's
// feature: a lab-1 handshake case sends a message after the 101 and expects
// it echoed (frames: lab 2); a lab-2 UTF-8 case sends its text in fragments
// (fragment assembly: lab 3). `wslab check N` runs them all, but a case that
// failed for a feature of a lab after N is shown as "waits for lab M", not
// as a failure of labs 1..N. Decided from what the case SENT (its wire log),
// so no list of case ids has to be kept in step with the catalog.
#pragma once

#include "wslab/harness/runner.hpp"

namespace wslab::labs {

// The later lab a failed case needs, judged from its wire log, or 0:
//  3 when the probe sent a fragmented data message (a data frame with FIN=0,
//    or a continuation frame);
//  2 when the server answered the opening handshake with a correct 101 and
//    the probe then sent frames (the handshake part passed).
int later_lab_needed(const harness::CaseOutcome& outcome);

}  // namespace wslab::labs
