// The case model's small pieces: verdict names, the catalog container, and
// the context a case runs in.
#include "wslab/harness/case.hpp"

#include <cmath>
#include <stdexcept>

namespace wslab::harness {

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "PASS";
    case Verdict::kNonStrict:
      return "NON-STRICT";
    case Verdict::kInfo:
      return "INFO";
    case Verdict::kFail:
      return "FAIL";
    case Verdict::kTimeout:
      return "TIMEOUT";
    case Verdict::kError:
      return "ERROR";
  }
  return "ERROR";
}

void Catalog::add(CaseInfo info, CaseFn run) {
  cases_.push_back(Case{std::move(info), std::move(run)});
}

const Case* Catalog::find(std::string_view id) const {
  for (const auto& c : cases_) {
    if (c.info.id == id) return &c;
  }
  return nullptr;
}

std::unique_ptr<Probe> CaseContext::probe() {
  return probe_at(target);
}

std::unique_ptr<Probe> CaseContext::probe_at(const Target& where) {
  if (log == nullptr) throw std::logic_error("CaseContext::probe(): the context has no WireLog");
  ProbeOptions options;
  options.timeout_scale = timeout_scale;
  options.cancel = cancel;
  return std::make_unique<Probe>(where, *log, options, next_connection++);
}

std::string rule_reference(const CaseInfo& info) {
  const auto& s = info.rfc_section;
  if (s.empty()) return {};
  if (s.front() >= '0' && s.front() <= '9') return "RFC 6455 §" + s;
  if (s.rfind("rooms §", 0) == 0) return "wslab.rooms.v1 (docs/rooms-protocol.md) " + s.substr(6);
  return s;
}

std::string_view target_kind_name(TargetKind k) {
  switch (k) {
    case TargetKind::kEcho:
      return "echo";
    case TargetKind::kRooms:
      return "rooms";
    case TargetKind::kHeartbeat:
      return "heartbeat";
  }
  return "?";
}

Millis CaseContext::scaled(Millis t) const {
  return Millis{
      static_cast<Millis::rep>(std::llround(static_cast<double>(t.count()) * timeout_scale))};
}

}  // namespace wslab::harness
