// STARTER ONLY (not part of the solution's API): how a function you have not
// written yet says so. Every stub in labs/starter/src calls todo::note() with
// its name and the handout step that asks for it, then returns an error or a
// default value. The lab tests print every note recorded during a test, so an
// unwritten function fails its tests with a message like
//   not implemented: compute_accept (see labs/01-handshake/README.md step 3)
// and never crashes or hangs. Delete the todo::note() call when you write the body.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wslab::todo {

// Records the call (and prints it once on stderr, so your server's log shows
// it too). Returns the message, ready for Status::fail() or Error{}.
std::string note(std::string_view function, std::string_view where);
// The messages recorded since the last take(), oldest first, without repeats.
std::vector<std::string> take();

}  // namespace wslab::todo
