// docs/rooms-protocol.md §3 (names), §6 (sequence numbers), §7 (history),
// §9 (room limits): the in-memory registry.
#include <gtest/gtest.h>

#include "wslab/rooms/memory_registry.hpp"

namespace wslab::rooms {
namespace {

Limits small_limits() {
  Limits l;
  l.max_rooms_per_client = 2;
  l.max_rooms = 3;
  l.history_size = 5;
  return l;
}

std::vector<std::uint64_t> seqs(const std::vector<StoredMessage>& v) {
  std::vector<std::uint64_t> out;
  for (const auto& m : v) out.push_back(m.seq);
  return out;
}

// §3: the proposal when it is free.
TEST(RoomsRegistry, NameIsTheProposalWhenFree) {
  MemoryRegistry r;
  EXPECT_EQ(r.add_user(1, "alice"), "alice");
  EXPECT_EQ(*r.name_of(1), "alice");
  EXPECT_EQ(r.find_user("alice"), ConnId{1});
}

// §3: a taken name gets the first free -2, -3, ...
TEST(RoomsRegistry, TakenNameGetsTheFirstFreeSuffix) {
  MemoryRegistry r;
  EXPECT_EQ(r.add_user(1, "alice"), "alice");
  EXPECT_EQ(r.add_user(2, "alice"), "alice-2");
  EXPECT_EQ(r.add_user(3, "alice"), "alice-3");
  r.remove_user(2);
  EXPECT_EQ(r.add_user(4, "alice"), "alice-2");
}

// §3: names are case-sensitive ("Alice" is another name).
TEST(RoomsRegistry, NamesAreCaseSensitive) {
  MemoryRegistry r;
  r.add_user(1, "alice");
  EXPECT_EQ(r.add_user(2, "Alice"), "Alice");
}

// §3: the suffixed name still fits in 32 characters.
TEST(RoomsRegistry, SuffixedNameStaysWithinTheLengthLimit) {
  MemoryRegistry r;
  const std::string longest(32, 'n');
  r.add_user(1, longest);
  const auto second = r.add_user(2, longest);
  EXPECT_EQ(second, std::string(30, 'n') + "-2");
  EXPECT_EQ(second.size(), 32u);
}

// §3: without a proposal the server picks guest-N.
TEST(RoomsRegistry, NoProposalGivesAGuestName) {
  MemoryRegistry r;
  r.add_user(1, "guest-1");
  EXPECT_EQ(r.add_user(2, std::nullopt), "guest-2");
  EXPECT_EQ(r.add_user(3, std::nullopt), "guest-3");
}

// §3: a name is unique among *connected* users: freed when its connection goes.
TEST(RoomsRegistry, NameIsFreedWhenTheUserIsRemoved) {
  MemoryRegistry r;
  r.add_user(1, "alice");
  r.remove_user(1);
  EXPECT_FALSE(r.find_user("alice"));
  EXPECT_EQ(r.name_of(1), nullptr);
  EXPECT_EQ(r.add_user(2, "alice"), "alice");
}

// §6 rule 1: the first message has seq 1 and each one adds exactly 1.
TEST(RoomsRegistry, SequenceStartsAtOneAndStepsByOne) {
  MemoryRegistry r;
  r.add_user(1, "a");
  r.join(1, "r", std::nullopt);
  EXPECT_EQ(r.append("r", "a", "x", 0)->seq, 1u);
  EXPECT_EQ(r.append("r", "a", "y", 0)->seq, 2u);
  EXPECT_EQ(r.append("r", "a", "z", 0)->seq, 3u);
  EXPECT_EQ(r.join(1, "r", std::nullopt).seq, 3u);
}

// §6 rule 1: every room has its own counter.
TEST(RoomsRegistry, SequenceIsPerRoom) {
  MemoryRegistry r;
  r.add_user(1, "a");
  r.join(1, "r1", std::nullopt);
  r.join(1, "r2", std::nullopt);
  r.append("r1", "a", "x", 0);
  r.append("r1", "a", "x", 0);
  EXPECT_EQ(r.append("r2", "a", "x", 0)->seq, 1u);
}

// §7: only the last history_size messages are kept (100 by default).
TEST(RoomsRegistry, HistoryKeepsTheLastHundred) {
  MemoryRegistry r;
  r.add_user(1, "a");
  r.join(1, "r", std::nullopt);
  for (int i = 0; i < 150; ++i) r.append("r", "a", "m" + std::to_string(i + 1), i);
  auto out = r.join(1, "r", 0);
  ASSERT_EQ(out.history.size(), 100u);
  EXPECT_EQ(out.history.front().seq, 51u);
  EXPECT_EQ(out.history.front().text, "m51");
  EXPECT_EQ(out.history.back().seq, 150u);
  EXPECT_TRUE(out.truncated);
}

// §7: since n returns the kept messages with seq > n, oldest first.
TEST(RoomsRegistry, HistorySinceReturnsOnlyNewerMessages) {
  MemoryRegistry r(small_limits());
  r.add_user(1, "a");
  r.join(1, "r", std::nullopt);
  for (int i = 0; i < 4; ++i) r.append("r", "a", "x", i);
  auto out = r.join(1, "r", 2);
  EXPECT_EQ(seqs(out.history), (std::vector<std::uint64_t>{3, 4}));
  EXPECT_FALSE(out.truncated);
  EXPECT_FALSE(out.reset);
  EXPECT_TRUE(r.join(1, "r", 4).history.empty());
}

// §4.2: no since, no history.
TEST(RoomsRegistry, NoSinceMeansNoHistory) {
  MemoryRegistry r(small_limits());
  r.add_user(1, "a");
  r.join(1, "r", std::nullopt);
  r.append("r", "a", "x", 0);
  auto out = r.join(1, "r", std::nullopt);
  EXPECT_TRUE(out.history.empty());
  EXPECT_FALSE(out.truncated);
}

// §7: truncated when messages after `since` were already dropped.
TEST(RoomsRegistry, SinceOlderThanTheRingIsTruncated) {
  MemoryRegistry r(small_limits());  // keeps 5
  r.add_user(1, "a");
  r.join(1, "r", std::nullopt);
  for (int i = 0; i < 10; ++i) r.append("r", "a", "x", i);  // keeps 6..10
  EXPECT_TRUE(r.join(1, "r", 4).truncated);                 // 5 is gone
  EXPECT_FALSE(r.join(1, "r", 5).truncated);                // 6.. all kept
  EXPECT_EQ(seqs(r.join(1, "r", 4).history), (std::vector<std::uint64_t>{6, 7, 8, 9, 10}));
}

// §5.2/§7: since > seq means the room restarted: reset, whole history.
TEST(RoomsRegistry, SinceAboveTheCounterIsAReset) {
  MemoryRegistry r(small_limits());
  r.add_user(1, "a");
  r.join(1, "r", std::nullopt);
  r.append("r", "a", "x", 0);
  r.append("r", "a", "y", 0);
  auto out = r.join(1, "r", 57);
  EXPECT_TRUE(out.reset);
  EXPECT_EQ(seqs(out.history), (std::vector<std::uint64_t>{1, 2}));
}

// §4.2: joining a room one is in changes nothing (one membership).
TEST(RoomsRegistry, JoiningTwiceIsAlreadyMember) {
  MemoryRegistry r;
  r.add_user(1, "a");
  EXPECT_EQ(r.join(1, "r", std::nullopt).status, JoinStatus::kJoined);
  EXPECT_EQ(r.join(1, "r", std::nullopt).status, JoinStatus::kAlreadyMember);
  EXPECT_EQ(r.members("r").size(), 1u);
}

// §9: at most max_rooms_per_client rooms per connection.
TEST(RoomsRegistry, RoomsPerClientAreLimited) {
  MemoryRegistry r(small_limits());  // 2 per client
  r.add_user(1, "a");
  EXPECT_EQ(r.join(1, "r1", std::nullopt).status, JoinStatus::kJoined);
  EXPECT_EQ(r.join(1, "r2", std::nullopt).status, JoinStatus::kJoined);
  EXPECT_EQ(r.join(1, "r3", std::nullopt).status, JoinStatus::kTooManyRooms);
  EXPECT_FALSE(r.is_member(1, "r3"));
  EXPECT_EQ(r.join(1, "r2", std::nullopt).status, JoinStatus::kAlreadyMember);
  r.leave(1, "r1");
  EXPECT_EQ(r.join(1, "r3", std::nullopt).status, JoinStatus::kJoined);
}

// §6 rule 7 / §9: at the room limit the least recently used empty room is forgotten.
TEST(RoomsRegistry, RoomLimitForgetsTheLeastRecentlyUsedEmptyRoom) {
  MemoryRegistry r(small_limits());  // 3 rooms
  r.add_user(1, "a");
  r.join(1, "old", std::nullopt);
  r.append("old", "a", "x", 0);
  r.leave(1, "old");
  r.join(1, "newer", std::nullopt);
  r.leave(1, "newer");
  r.join(1, "busy", std::nullopt);
  ASSERT_EQ(r.room_count(), 3u);
  EXPECT_EQ(r.join(1, "fresh", std::nullopt).status, JoinStatus::kJoined);
  EXPECT_FALSE(r.has_room("old"));
  EXPECT_TRUE(r.has_room("newer"));
  EXPECT_TRUE(r.has_room("busy"));
  // A forgotten room starts again at 0.
  r.leave(1, "fresh");
  EXPECT_EQ(r.join(1, "old", 1).seq, 0u);
}

// §9: with every room occupied, a new room is server_full.
TEST(RoomsRegistry, RoomLimitWithNoEmptyRoomIsServerFull) {
  Limits l = small_limits();
  l.max_rooms_per_client = 10;
  MemoryRegistry r(l);
  r.add_user(1, "a");
  for (auto room : {"r1", "r2", "r3"}) r.join(1, room, std::nullopt);
  EXPECT_EQ(r.join(1, "r4", std::nullopt).status, JoinStatus::kServerFull);
  EXPECT_FALSE(r.is_member(1, "r4"));
}

// §6 rule 7: an empty room keeps its counter and history.
TEST(RoomsRegistry, EmptyRoomKeepsCounterAndHistory) {
  MemoryRegistry r;
  r.add_user(1, "a");
  r.join(1, "r", std::nullopt);
  r.append("r", "a", "x", 0);
  r.remove_user(1);
  r.add_user(2, "b");
  auto out = r.join(2, "r", 0);
  EXPECT_EQ(out.seq, 1u);
  EXPECT_EQ(out.history.size(), 1u);
}

// §4.3: leaving a room one is not in fails.
TEST(RoomsRegistry, LeavingWithoutMembershipFails) {
  MemoryRegistry r;
  r.add_user(1, "a");
  EXPECT_FALSE(r.leave(1, "r"));
  r.join(1, "r", std::nullopt);
  EXPECT_TRUE(r.leave(1, "r"));
  EXPECT_FALSE(r.leave(1, "r"));
  EXPECT_FALSE(r.leave(99, "r"));
}

// §5.5: a user who goes leaves every room it was in.
TEST(RoomsRegistry, RemovedUserLeavesEveryRoom) {
  MemoryRegistry r;
  r.add_user(1, "a");
  r.add_user(2, "b");
  r.join(1, "r1", std::nullopt);
  r.join(1, "r2", std::nullopt);
  r.join(2, "r1", std::nullopt);
  auto rooms = r.remove_user(1);
  std::sort(rooms.begin(), rooms.end());
  EXPECT_EQ(rooms, (std::vector<std::string>{"r1", "r2"}));
  EXPECT_EQ(r.member_names("r1"), (std::vector<std::string>{"b"}));
  EXPECT_TRUE(r.members("r2").empty());
}

// §5.2: members are listed sorted by byte value; members() is in join order.
TEST(RoomsRegistry, MemberNamesAreSorted) {
  MemoryRegistry r;
  r.add_user(1, "zed");
  r.add_user(2, "Bob");
  r.add_user(3, "amy");
  for (ConnId c : {1, 2, 3}) r.join(c, "r", std::nullopt);
  EXPECT_EQ(r.member_names("r"), (std::vector<std::string>{"Bob", "amy", "zed"}));
  const auto m = r.members("r");
  EXPECT_EQ(std::vector<ConnId>(m.begin(), m.end()), (std::vector<ConnId>{1, 2, 3}));
}

}  // namespace
}  // namespace wslab::rooms
