#include "echo_protocol.hpp"

#include <charconv>
#include <cstdint>
#include <string_view>
#include <utility>

namespace wslab::refpeer::detail {
namespace {

constexpr std::string_view kCloseCommand = "!close ";

// "!close 4001 some reason" -> code 4001, reason "some reason".
bool parse_close_command(std::string_view text, std::uint16_t& code, std::string_view& reason) {
  if (!text.starts_with(kCloseCommand)) return false;
  text.remove_prefix(kCloseCommand.size());
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || value > 0xFFFF) return false;
  code = static_cast<std::uint16_t>(value);
  reason = text.substr(static_cast<std::size_t>(end - text.data()));
  if (reason.starts_with(' ')) reason.remove_prefix(1);
  return true;
}

}  // namespace

void EchoProtocol::on_message(Connection& connection, Message message) {
  if (close_command_ && message.kind() == Message::Kind::kText) {
    std::uint16_t code = 0;
    std::string_view reason;
    if (parse_close_command(message.payload(), code, reason)) {
      connection.close(code, reason);
      return;
    }
  }
  connection.send(std::move(message));
}

}  // namespace wslab::refpeer::detail
