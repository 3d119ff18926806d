// Declaring a rooms case (group "rooms", lab 5): the CaseInfo fields every
// rooms case states, with `needs = TargetKind::kRooms`. The section is one of
// docs/rooms-protocol.md, written "rooms §N".
#pragma once

#include <string>
#include <vector>

#include "drive.hpp"
#include "rooms_client.hpp"
#include "wslab/harness/case.hpp"

namespace wslab::harness::rooms_cases {

using cases::lesson::at;  // "lessons/x.md#anchor"
inline constexpr const char* kRoomsLesson = cases::lesson::kRooms;
inline constexpr const char* kScaleOutLesson = cases::lesson::kScaleOut;

struct RoomsSpec {
  std::string id;
  std::string section;  // "rooms §6"
  std::string rule;     // the sentence of docs/rooms-protocol.md the case enforces
  std::string description;
  std::string hint;
  std::string lesson;  // "lessons/06-rooms.md#ordering"
  Millis timeout{3000};
  int points = 2;
  bool exclusive = false;
  bool bulk = false;
  std::string group = "rooms";  // "scale": the cross-instance cases of lab 6
  int lab = 5;
  std::vector<std::string> tags{"rooms"};
};

// Registers the case; its body runs under run_rooms (Stop -> verdict).
void add_rooms_case(Catalog& catalog, RoomsSpec spec,
                    std::function<CaseResult(CaseContext&, const Budget&)> body);

// The groups of rooms cases, one per file.
void register_rooms_basic_cases(Catalog& catalog);  // rooms_basic.cpp
void register_rooms_guard_cases(Catalog& catalog);  // rooms_guard.cpp: isolation, names, errors
void register_rooms_bulk_cases(Catalog& catalog);   // rooms_bulk.cpp: order, fan-out, slow

}  // namespace wslab::harness::rooms_cases
