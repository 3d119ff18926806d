// FollowedFile (follow_file.hpp): `tail -F` semantics on a real file in a
// temporary directory. Rotation = a new inode at the path, truncation = the
// size shrank; both restart from the new contents' first byte.
#include "wslab/net/follow_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace wslab::net {
namespace {

using Kind = FollowEvent::Kind;

class NetFollowFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = ::testing::TempDir() + "wslab-follow-XXXXXX";
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir = templ;
    path = dir + "/app.log";
  }
  void TearDown() override {
    std::remove(path.c_str());
    std::remove((path + ".1").c_str());
    ::rmdir(dir.c_str());
  }
  void append(const std::string& text) {
    std::ofstream f(path, std::ios::app | std::ios::binary);
    f << text;
  }
  void overwrite(const std::string& text) {
    std::ofstream f(path, std::ios::trunc | std::ios::binary);
    f << text;
  }
  // "line" texts and markers ("<rotated>" ...) of one poll.
  std::vector<std::string> poll(FollowedFile& file, Millis now = Millis{0}) {
    std::vector<FollowEvent> events;
    file.poll(1 << 20, now, events);
    std::vector<std::string> out;
    for (const auto& e : events) {
      switch (e.kind) {
        case Kind::kLine:
          out.push_back(e.line.text);
          break;
        case Kind::kRotated:
          out.emplace_back("<rotated>");
          break;
        case Kind::kTruncated:
          out.emplace_back("<truncated>");
          break;
        case Kind::kRemoved:
          out.emplace_back("<removed>");
          break;
      }
    }
    return out;
  }
  using Lines = std::vector<std::string>;
  std::string dir;
  std::string path;
};

TEST_F(NetFollowFile, ExistingLinesAreReadFirstThenAppendedOnes) {
  append("a\nb\n");
  FollowedFile file(path, {});
  ASSERT_TRUE(file.start());
  EXPECT_EQ(poll(file), (Lines{"a", "b"}));
  EXPECT_EQ(poll(file), Lines{});
  append("c\n");
  EXPECT_EQ(poll(file), (Lines{"c"}));
}

TEST_F(NetFollowFile, BigFileIsReadFromItsTailOnly) {
  std::string big;
  for (int i = 0; i < 1000; ++i) big += "line " + std::to_string(i) + "\n";
  append(big);
  FollowedFile file(path, {.max_line_bytes = 100, .initial_tail_bytes = 100});
  ASSERT_TRUE(file.start());
  const Lines lines = poll(file);
  ASSERT_FALSE(lines.empty());
  EXPECT_LT(lines.size(), 15u);  // ~100 bytes of 9-byte lines, the first partial one dropped
  EXPECT_EQ(lines.back(), "line 999");
  EXPECT_EQ(lines.front().rfind("line ", 0), 0u);  // a whole line, not a piece
}

TEST_F(NetFollowFile, RotationByRenameReadsTheNewFileFromItsStart) {
  append("old 1\n");
  FollowedFile file(path, {});
  ASSERT_TRUE(file.start());
  EXPECT_EQ(poll(file), (Lines{"old 1"}));
  append("old 2\nold unfinished");
  ASSERT_EQ(std::rename(path.c_str(), (path + ".1").c_str()), 0);
  append("new 1\n");
  EXPECT_EQ(poll(file), (Lines{"old 2", "old unfinished", "<rotated>", "new 1"}));
  append("new 2\n");
  EXPECT_EQ(poll(file), (Lines{"new 2"}));
}

TEST_F(NetFollowFile, TruncationRereadsFromTheStart) {
  append("first\nsecond\n");
  FollowedFile file(path, {});
  ASSERT_TRUE(file.start());
  EXPECT_EQ(poll(file), (Lines{"first", "second"}));
  overwrite("again\n");
  EXPECT_EQ(poll(file), (Lines{"<truncated>", "again"}));
}

TEST_F(NetFollowFile, RemovedFileIsWaitedForAndItsSuccessorReadFromItsStart) {
  append("x\n");
  FollowedFile file(path, {});
  ASSERT_TRUE(file.start());
  EXPECT_EQ(poll(file), (Lines{"x"}));
  ASSERT_EQ(std::remove(path.c_str()), 0);
  EXPECT_EQ(poll(file, Millis{1000}), Lines{});  // within the grace: maybe a rotation
  EXPECT_TRUE(file.waiting_for_grace());
  EXPECT_EQ(poll(file, Millis{1499}), Lines{});
  EXPECT_EQ(poll(file, Millis{1500}), (Lines{"<removed>"}));
  EXPECT_FALSE(file.present());
  EXPECT_FALSE(file.waiting_for_grace());
  EXPECT_EQ(poll(file, Millis{5000}), Lines{});
  append("y\n");
  EXPECT_EQ(poll(file), (Lines{"<rotated>", "y"}));
  EXPECT_TRUE(file.present());
}

TEST_F(NetFollowFile, RenameNoticedBeforeTheNewFileExistsIsOneRotation) {
  append("old\n");
  FollowedFile file(path, {});
  ASSERT_TRUE(file.start());
  EXPECT_EQ(poll(file), (Lines{"old"}));
  ASSERT_EQ(std::rename(path.c_str(), (path + ".1").c_str()), 0);
  EXPECT_EQ(poll(file, Millis{10}), Lines{});  // nothing at the path yet
  {
    std::ofstream old(path + ".1", std::ios::app);
    old << "late write to the old file\n";
  }
  append("new\n");
  EXPECT_EQ(poll(file, Millis{20}), (Lines{"late write to the old file", "<rotated>", "new"}));
}

TEST_F(NetFollowFile, MissingFileAtStartIsWaitedFor) {
  FollowedFile file(path, {});
  ASSERT_TRUE(file.start());
  EXPECT_FALSE(file.present());
  EXPECT_EQ(poll(file), Lines{});
  append("hello\n");
  EXPECT_EQ(poll(file), (Lines{"<rotated>", "hello"}));
}

TEST_F(NetFollowFile, DirectoryIsRefusedWithAMessage) {
  FollowedFile file(dir, {});
  Status st = file.start();
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("not a regular file"), std::string::npos) << st.message();
}

TEST_F(NetFollowFile, BudgetBoundsOnePollAndTheRestComesNext) {
  append("0123456789\nabcdefghij\n");
  FollowedFile file(path, {});
  ASSERT_TRUE(file.start());
  std::vector<FollowEvent> events;
  EXPECT_TRUE(file.poll(11, Millis{0}, events));  // stopped by the budget
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].line.text, "0123456789");
  events.clear();
  EXPECT_FALSE(file.poll(1 << 20, Millis{0}, events));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].line.text, "abcdefghij");
}

}  // namespace
}  // namespace wslab::net
