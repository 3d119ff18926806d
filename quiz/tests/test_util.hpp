// Helpers shared by the quiz tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "wslab/quiz/load.hpp"

namespace wslab::quiz::testing {

inline std::string fixture(const std::string& name) {
  return std::string(WSLAB_QUIZ_FIXTURES) + "/" + name;
}

// Loads TOML that must be valid.
inline Quiz must_load(const std::string& toml, const std::string& path = "t.toml") {
  LoadResult r = load_quiz_text(toml, path);
  std::string all;
  for (const auto& d : r.diagnostics) all += format(d) + "\n";
  EXPECT_TRUE(r.ok()) << all;
  return r.quiz ? *r.quiz : Quiz{};
}

// The diagnostics of TOML that must not load cleanly, as one string.
inline std::string errors_of(const std::string& toml, const std::string& path = "t.toml") {
  LoadResult r = load_quiz_text(toml, path);
  EXPECT_FALSE(r.ok()) << "expected schema errors";
  std::string all;
  for (const auto& d : r.diagnostics) all += format(d) + "\n";
  return all;
}

}  // namespace wslab::quiz::testing
