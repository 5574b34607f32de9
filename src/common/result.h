// Result<T>: a value or a non-OK Status (std::expected underneath).
//
//   Result<KeyValue> Get(...);
//   ORCHD_ASSIGN_OR_RETURN(auto kv, store.Get(key));
//   ORCHD_RETURN_IF_ERROR(store.Compact(rev));
//
// A Status converts implicitly to a failed Result, so `return Error(...)` works in functions
// returning Result<T>. Constructing a Result from an OK Status is a programmer error.
#pragma once

#include <expected>
#include <utility>

#include "common/check.h"
#include "common/status.h"

namespace orchd {

template <typename T>
class [[nodiscard]] Result : public std::expected<T, Status> {
  using Base = std::expected<T, Status>;

 public:
  using Base::Base;
  Result(Status status) : Base(std::unexpect, std::move(status)) {  // NOLINT: implicit by design
    ORCHD_CHECK(!this->error().ok());
  }

  // The error, or OK when a value is held.
  Status status() const { return this->has_value() ? Status::Ok() : this->error(); }

  // Marks a deliberately ignored result at the call site.
  void IgnoreError() const {}
};

}  // namespace orchd

#define ORCHD_CONCAT_INNER(a, b) a##b
#define ORCHD_CONCAT(a, b) ORCHD_CONCAT_INNER(a, b)

// Evaluates a Status expression; returns it from the enclosing function when not OK.
#define ORCHD_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::orchd::Status orchd_status_ = (expr);        \
    if (!orchd_status_.ok()) return orchd_status_; \
  } while (0)

// Evaluates a Result expression; on error returns the Status, else moves the value into lhs.
#define ORCHD_ASSIGN_OR_RETURN(lhs, expr) \
  ORCHD_ASSIGN_OR_RETURN_IMPL(ORCHD_CONCAT(orchd_result_, __LINE__), lhs, expr)
// `tmp` and `lhs` cannot take parentheses: `lhs` may be a declaration (`auto x`).
// NOLINTBEGIN(bugprone-macro-parentheses)
#define ORCHD_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)    \
  auto tmp = (expr);                                   \
  if (!tmp.has_value()) return std::move(tmp).error(); \
  lhs = std::move(*tmp)
// NOLINTEND(bugprone-macro-parentheses)
