// Lab 1, steps 1-2: incremental HTTP/1.1 head parsing (RFC 9112 §2-§5) for the
// opening handshake. Handout: labs/01-handshake/README.md. Contract: wslab/http.hpp.
#include "wslab/http.hpp"

#include "wslab/todo.hpp"

namespace wslab {
namespace {
constexpr std::string_view kStep1 = "labs/01-handshake/README.md step 1";
constexpr std::string_view kStep2 = "labs/01-handshake/README.md step 2";
}  // namespace

// ---- step 1: the header helpers ----------------------------------------

void HttpHeaders::add([[maybe_unused]] std::string name, [[maybe_unused]] std::string value) {
  // TODO(lab 1, step 1): keep every field, duplicates included, in arrival order.
  todo::note("HttpHeaders::add", kStep1);
}

std::optional<std::string_view> HttpHeaders::get([[maybe_unused]] std::string_view name) const {
  // TODO(lab 1, step 1): the first value whose name matches case-insensitively.
  todo::note("HttpHeaders::get", kStep1);
  return std::nullopt;
}

std::size_t HttpHeaders::count([[maybe_unused]] std::string_view name) const {
  // TODO(lab 1, step 1)
  todo::note("HttpHeaders::count", kStep1);
  return 0;
}

std::string HttpHeaders::joined([[maybe_unused]] std::string_view name) const {
  // TODO(lab 1, step 1): every value of `name`, joined with ", ".
  todo::note("HttpHeaders::joined", kStep1);
  return {};
}

bool iequals([[maybe_unused]] std::string_view a, [[maybe_unused]] std::string_view b) {
  // TODO(lab 1, step 1): same length, and equal after lower-casing ASCII letters.
  todo::note("iequals", kStep1);
  return false;
}

bool header_has_token([[maybe_unused]] std::string_view comma_list,
                      [[maybe_unused]] std::string_view token) {
  // TODO(lab 1, step 1): split at ',', trim SP/HTAB, compare with iequals().
  todo::note("header_has_token", kStep1);
  return false;
}

// ---- step 2: the parsers -----------------------------------------------

ParseOutcome parse_request([[maybe_unused]] std::string_view buffer, HttpRequest& out,
                           [[maybe_unused]] std::size_t max_head_bytes) {
  // TODO(lab 1, step 2): find the end of the head ("\r\n\r\n"), check the
  // request line as soon as it is complete, parse the header lines.
  out = HttpRequest{};
  ParseOutcome outcome;
  outcome.state = ParseState::kError;
  outcome.error = todo::note("parse_request", kStep2);
  return outcome;
}

ParseOutcome parse_response([[maybe_unused]] std::string_view buffer, HttpResponse& out,
                            [[maybe_unused]] std::size_t max_head_bytes) {
  // TODO(lab 1, step 2): the same for a status line.
  out = HttpResponse{};
  ParseOutcome outcome;
  outcome.state = ParseState::kError;
  outcome.error = todo::note("parse_response", kStep2);
  return outcome;
}

}  // namespace wslab
