// STARTER ONLY: the record of functions called before they were written (see wslab/todo.hpp).
#include "wslab/todo.hpp"

#include <algorithm>
#include <cstdio>
#include <mutex>

namespace wslab::todo {
namespace {

struct Record {
  std::mutex mu;
  std::vector<std::string> pending;  // since the last take()
  std::vector<std::string> printed;  // already shown on stderr
};

Record& record() {
  static Record r;
  return r;
}

constexpr std::size_t kMaxKept = 64;  // bounded: a loop over a stub cannot grow memory

}  // namespace

std::string note(std::string_view function, std::string_view where) {
  std::string message =
      "not implemented: " + std::string(function) + " (see " + std::string(where) + ")";
  Record& r = record();
  std::lock_guard<std::mutex> lock(r.mu);
  if (std::find(r.pending.begin(), r.pending.end(), message) == r.pending.end() &&
      r.pending.size() < kMaxKept) {
    r.pending.push_back(message);
  }
  if (std::find(r.printed.begin(), r.printed.end(), message) == r.printed.end() &&
      r.printed.size() < kMaxKept) {
    r.printed.push_back(message);
    std::fprintf(stderr, "wslab starter: %s\n", message.c_str());
  }
  return message;
}

std::vector<std::string> take() {
  Record& r = record();
  std::lock_guard<std::mutex> lock(r.mu);
  std::vector<std::string> out;
  out.swap(r.pending);
  return out;
}

}  // namespace wslab::todo
