// Status: the one error model of orchd.
//
// A Status is a code from a closed set plus a human message. Each code maps one-to-one to a
// Kubernetes `Status` reason and to an HTTP code (the table lives in status.cc, nowhere else), so
// an error raised deep in the store reaches kubectl with the right reason unchanged.
//
// Messages name the object they are about ("create key /registry/pods/a/b: ..."). Lower layers
// turn errno, SQLite and library codes into a Status at the point where they occur.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>

namespace orchd {

// The closed set of codes. Keep in sync with the table in status.cc (a static_assert checks the
// count). Reasons and HTTP codes follow k8s.io/apimachinery/pkg/apis/meta/v1 StatusReason.
enum class Code : int {
  kOk = 0,
  kBadRequest,             // 400 BadRequest
  kUnauthorized,           // 401 Unauthorized
  kForbidden,              // 403 Forbidden
  kNotFound,               // 404 NotFound
  kMethodNotAllowed,       // 405 MethodNotAllowed
  kNotAcceptable,          // 406 NotAcceptable
  kAlreadyExists,          // 409 AlreadyExists
  kConflict,               // 409 Conflict
  kGone,                   // 410 Gone
  kExpired,                // 410 Expired (e.g. a compacted revision, a stale continue token)
  kRequestEntityTooLarge,  // 413 RequestEntityTooLarge
  kUnsupportedMediaType,   // 415 UnsupportedMediaType
  kInvalid,                // 422 Invalid
  kTooManyRequests,        // 429 TooManyRequests
  kInternalError,          // 500 InternalError
  kServerTimeout,          // 500 ServerTimeout
  kServiceUnavailable,     // 503 ServiceUnavailable
  kTimeout,                // 504 Timeout
};
inline constexpr int kCodeCount = 19;

// The Kubernetes StatusReason of a code ("" for kOk).
std::string_view CodeReason(Code code);
// The HTTP status code of a code (200 for kOk).
int CodeHttpStatus(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string_view reason() const { return CodeReason(code_); }
  int http_status() const { return CodeHttpStatus(code_); }

  // "NotFound: key /a not found", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>"; the code is kept.
  Status WithContext(std::string_view context) const;

  // Marks a deliberately ignored status at the call site.
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) = default;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// Error(Code::kNotFound, "key {} not found", key)
template <typename... Args>
Status Error(Code code, fmt::format_string<Args...> format, Args&&... args) {
  return Status(code, fmt::format(format, std::forward<Args>(args)...));
}

// A Status from an errno value: "<what>: <strerror>", with ENOENT -> kNotFound,
// EACCES/EPERM -> kForbidden, EEXIST -> kAlreadyExists, anything else -> kInternalError.
Status ErrnoStatus(int err, std::string_view what);

}  // namespace orchd

template <>
struct fmt::formatter<orchd::Status> : fmt::formatter<std::string> {
  auto format(const orchd::Status& s, fmt::format_context& ctx) const {
    return fmt::formatter<std::string>::format(s.ToString(), ctx);
  }
};
