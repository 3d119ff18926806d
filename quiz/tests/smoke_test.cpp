#include <gtest/gtest.h>
TEST(QuizSmoke, Builds) { SUCCEED(); }
