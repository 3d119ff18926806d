// Lab 3, step 1: fragment assembly (RFC 6455 §5.4) with fail-fast UTF-8 checks
// (§5.6, §8.1). Handout: labs/03-lifecycle/README.md. Contract: wslab/message.hpp.
#include "wslab/message.hpp"

#include "wslab/todo.hpp"

namespace wslab {
namespace {
constexpr std::string_view kStep1 = "labs/03-lifecycle/README.md step 1";
}  // namespace

std::uint16_t close_code_for([[maybe_unused]] MessageError e) {
  // TODO(lab 3, step 1)
  todo::note("close_code_for(MessageError)", kStep1);
  return 0;
}

std::string_view describe([[maybe_unused]] MessageError e) {
  // TODO(lab 3, step 1)
  todo::note("describe(MessageError)", kStep1);
  return "not implemented";
}

MessageError MessageAssembler::on_frame_header([[maybe_unused]] const FrameHeader& h) {
  // TODO(lab 3, step 1): continuation rules, then the size limit.
  todo::note("MessageAssembler::on_frame_header", kStep1);
  return MessageError::kUnexpectedContinuation;
}

MessageError MessageAssembler::on_payload([[maybe_unused]] std::span<const std::uint8_t> chunk,
                                          [[maybe_unused]] bool frame_complete) {
  // TODO(lab 3, step 1): UTF-8 first (text), append, and at the end of the FIN
  // frame mark the message ready.
  todo::note("MessageAssembler::on_payload", kStep1);
  return MessageError::kUnexpectedContinuation;
}

std::string MessageAssembler::take_message() {
  // TODO(lab 3, step 1)
  todo::note("MessageAssembler::take_message", kStep1);
  return {};
}

}  // namespace wslab
