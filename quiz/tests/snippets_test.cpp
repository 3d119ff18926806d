// The lessons' code blocks (CommonMark fences) and the `wslab` commands in them.
#include "wslab/quiz/snippets.hpp"

#include <gtest/gtest.h>

namespace wslab::quiz {
namespace {

TEST(QuizSnippets, FencedBlocksKeepTheirInfoString) {
  const auto blocks = extract_code_blocks(
      "text\n```cpp title=accept.cpp runnable\nint main() {}\n```\n\n"
      "```text output\nhello\n```\n~~~~mermaid\nA-->B\n```\n~~~~\n",
      "l.md");
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[0].lang, "cpp");
  EXPECT_EQ(blocks[0].attr("title"), "accept.cpp");
  EXPECT_TRUE(blocks[0].has_flag("runnable"));
  EXPECT_EQ(blocks[0].line, 2);
  EXPECT_EQ(blocks[0].body, "int main() {}\n");
  EXPECT_TRUE(blocks[1].has_flag("output"));
  EXPECT_EQ(blocks[2].body, "A-->B\n```\n");  // a shorter or other fence does not close
}

TEST(QuizSnippets, ConsoleBlocksOnlyRunDollarLines) {
  const auto blocks = extract_code_blocks(
      "```console\n$ wslab serve --port 0 &\nlistening on ws://127.0.0.1:40123/\n"
      "$ echo hi | wslab client ws://127.0.0.1:40123/\nhi\n```\n",
      "l.md");
  const auto cmds = wslab_commands(blocks.at(0));
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[0].words, (std::vector<std::string>{"serve", "--port", "0"}));
  EXPECT_EQ(cmds[0].line, 2);
  EXPECT_EQ(cmds[1].words, (std::vector<std::string>{"client", "ws://127.0.0.1:40123/"}));
}

TEST(QuizSnippets, ShellBlocksHandleContinuationsPrefixesAndPaths) {
  const auto blocks = extract_code_blocks(
      "```sh\n# a comment\nPORT=9 ./build/dev/bin/wslab conform \\\n  --lab 1 'ws://h/'\n"
      "timeout 5 wslab quiz lint quizzes/*.toml && echo ok\n```\n",
      "l.md");
  const auto cmds = wslab_commands(blocks.at(0));
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[0].words, (std::vector<std::string>{"conform", "--lab", "1", "ws://h/"}));
  EXPECT_EQ(cmds[1].words, (std::vector<std::string>{"quiz", "lint", "quizzes/*.toml"}));
}

}  // namespace
}  // namespace wslab::quiz
