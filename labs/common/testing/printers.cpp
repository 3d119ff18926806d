// Names of wslab's enums for GoogleTest failure messages (written here, not
// taken from the code under test, so a broken name function cannot hide a failure).
#include "printers.hpp"

namespace wslab {
namespace {
template <typename E>
void print(E v, std::ostream* os, std::initializer_list<const char*> names) {
  const auto i = static_cast<std::size_t>(v);
  *os << (i < names.size() ? *(names.begin() + i) : "(out of range)");
}
}  // namespace

void PrintTo(ParseState v, std::ostream* os) {
  print(v, os, {"kNeedMore", "kComplete", "kError", "kTooLarge"});
}
void PrintTo(HandshakeError v, std::ostream* os) {
  print(v, os,
        {"kNone", "kBadRequest", "kMethodNotAllowed", "kUpgradeRequired", "kHeadersTooLarge",
         "kNotFound", "kForbidden"});
}
void PrintTo(FrameError v, std::ostream* os) {
  print(v, os,
        {"kNone", "kReservedBits", "kReservedOpcode", "kFragmentedControl", "kControlTooLong",
         "kUnmaskedFromClient", "kMaskedFromServer", "kLengthMsbSet", "kNonMinimalLength",
         "kFrameTooBig"});
}
void PrintTo(MessageError v, std::ostream* os) {
  print(v, os,
        {"kNone", "kUnexpectedContinuation", "kExpectedContinuation", "kInvalidUtf8",
         "kMessageTooBig"});
}
void PrintTo(SessionState v, std::ostream* os) {
  print(v, os, {"kConnecting", "kOpen", "kClosing", "kClosed"});
}
void PrintTo(Heartbeat::Action v, std::ostream* os) {
  print(v, os, {"kNone", "kSendPing", "kTimedOut"});
}
void PrintTo(FrameDecoder::Kind v, std::ostream* os) {
  print(v, os, {"kNeedMore", "kHeader", "kPayload", "kError"});
}
}  // namespace wslab
