// How GoogleTest prints wslab's enums in failure messages ("kComplete", not
// "4-byte object <01-00 00-00>"). Found by argument-dependent lookup.
#pragma once

#include <ostream>

#include "wslab/frame.hpp"
#include "wslab/handshake.hpp"
#include "wslab/heartbeat.hpp"
#include "wslab/http.hpp"
#include "wslab/message.hpp"
#include "wslab/session.hpp"

namespace wslab {
void PrintTo(ParseState v, std::ostream* os);
void PrintTo(HandshakeError v, std::ostream* os);
void PrintTo(FrameError v, std::ostream* os);
void PrintTo(MessageError v, std::ostream* os);
void PrintTo(SessionState v, std::ostream* os);
void PrintTo(Heartbeat::Action v, std::ostream* os);
void PrintTo(FrameDecoder::Kind v, std::ostream* os);
}  // namespace wslab
