// The base of every lab test (labs/NN-topic/tests/*.cpp). Lab tests are
// written like a specification: one test per rule, named after the rule, and
// every failure message says what was fed, what was expected and what came
// back. They build against the solution (core) or the starter (yours): with
// the starter, every "not implemented" note recorded while a test ran (see
// wslab/todo.hpp) becomes a failure of that test, so an unwritten function
// fails with "not implemented: X (see labs/NN-topic/README.md step K)".
#pragma once

#include <gtest/gtest.h>

#include "printers.hpp"

namespace wslab::labtest {

class Fixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
};

}  // namespace wslab::labtest

// One test suite (a fixture class) per rule group: WSLAB_LAB_SUITE(Lab1Accept);
// then TEST_F(Lab1Accept, RejectsPost) { ... }.
#define WSLAB_LAB_SUITE(name) \
  class name : public ::wslab::labtest::Fixture {}
