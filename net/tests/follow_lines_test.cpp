// `wslab serve --follow`: bytes appended to a file become lines, and the last
// N lines are kept for late subscribers (follow_lines.hpp).
#include "wslab/net/follow_lines.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wslab::net {
namespace {

std::vector<std::string> texts(const std::vector<FollowLine>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) out.push_back(l.text);
  return out;
}

TEST(NetFollowLines, LineEndsAtLineFeed) {
  LineSplitter s(100);
  std::vector<FollowLine> out;
  s.feed("one\ntwo\n", out);
  EXPECT_EQ(texts(out), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(s.pending_bytes(), 0u);
}

TEST(NetFollowLines, UnfinishedLineWaitsForItsLineFeed) {
  LineSplitter s(100);
  std::vector<FollowLine> out;
  s.feed("hel", out);
  EXPECT_TRUE(out.empty());
  s.feed("lo\nwor", out);
  EXPECT_EQ(texts(out), (std::vector<std::string>{"hello"}));
  EXPECT_EQ(s.pending_bytes(), 3u);
}

TEST(NetFollowLines, EmptyLinesAreLines) {
  LineSplitter s(100);
  std::vector<FollowLine> out;
  s.feed("\n\nx\n", out);
  EXPECT_EQ(texts(out), (std::vector<std::string>{"", "", "x"}));
}

TEST(NetFollowLines, CarriageReturnBeforeLineFeedIsDropped) {
  LineSplitter s(100);
  std::vector<FollowLine> out;
  s.feed("dos\r\nsplit\r", out);
  s.feed("\nkeep\rthis\n", out);
  EXPECT_EQ(texts(out), (std::vector<std::string>{"dos", "split", "keep\rthis"}));
}

TEST(NetFollowLines, LongLineIsCutAtTheBound) {
  LineSplitter s(4);
  std::vector<FollowLine> out;
  s.feed("abcdefgh", out);
  s.feed("ij\nok\n", out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].text, "abcd");
  EXPECT_TRUE(out[0].cut);
  EXPECT_EQ(out[1].text, "ok");
  EXPECT_FALSE(out[1].cut);
  EXPECT_LE(s.pending_bytes(), 4u);
}

TEST(NetFollowLines, LineOfExactlyTheBoundWithCrLfIsNotCut) {
  LineSplitter s(4);
  std::vector<FollowLine> out;
  s.feed("abcd\r\n", out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].text, "abcd");
  EXPECT_FALSE(out[0].cut);
}

TEST(NetFollowLines, FlushGivesTheUnfinishedLineOnce) {
  LineSplitter s(100);
  std::vector<FollowLine> out;
  s.feed("last words", out);
  auto line = s.flush();
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->text, "last words");
  EXPECT_FALSE(s.flush().has_value());
}

TEST(NetFollowLines, SkipToNextLineDropsTheIncompleteFirstLine) {
  LineSplitter s(100);
  std::vector<FollowLine> out;
  s.skip_to_next_line();
  s.feed("ddle of a line", out);
  s.feed("\nwhole\n", out);
  EXPECT_EQ(texts(out), (std::vector<std::string>{"whole"}));
}

TEST(NetFollowLines, BacklogKeepsTheLastLines) {
  FollowBacklog b(3);
  for (std::uint64_t n = 1; n <= 5; ++n) b.push({n, {std::to_string(n), false}});
  ASSERT_EQ(b.lines().size(), 3u);
  EXPECT_EQ(b.lines().front().n, 3u);
  EXPECT_EQ(b.lines().back().line.text, "5");
}

TEST(NetFollowLines, BacklogOfZeroKeepsNothing) {
  FollowBacklog b(0);
  b.push({1, {"x", false}});
  EXPECT_TRUE(b.lines().empty());
}

}  // namespace
}  // namespace wslab::net
