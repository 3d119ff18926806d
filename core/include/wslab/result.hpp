// Errors as values for the sans-I/O core: a small Status and Result<T>.
// The core never throws across its API; the CLI turns these into messages.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace wslab {

struct Error {
  std::string message;
};

class Status {
 public:
  Status() = default;  // OK
  static Status ok() { return Status(); }
  static Status fail(std::string message) { return Status(std::move(message)); }
  [[nodiscard]] bool is_ok() const { return !failed_; }
  explicit operator bool() const { return !failed_; }
  [[nodiscard]] const std::string& message() const { return message_; }

 private:
  explicit Status(std::string m) : failed_(true), message_(std::move(m)) {}
  bool failed_ = false;
  std::string message_;
};

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit on purpose
  Result(Error error) : v_(std::move(error)) {}  // NOLINT
  [[nodiscard]] bool is_ok() const { return v_.index() == 0; }
  explicit operator bool() const { return is_ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  [[nodiscard]] const std::string& error() const { return std::get<1>(v_).message; }

 private:
  std::variant<T, Error> v_;
};

}  // namespace wslab
