#include "common/status.h"

#include <array>
#include <cerrno>
#include <cstring>

namespace orchd {
namespace {

struct CodeInfo {
  Code code;
  std::string_view reason;
  int http;
};

// The one table: code -> Kubernetes reason -> HTTP status. Index == enum value.
constexpr std::array<CodeInfo, kCodeCount> kCodes = {{
    {Code::kOk, "", 200},
    {Code::kBadRequest, "BadRequest", 400},
    {Code::kUnauthorized, "Unauthorized", 401},
    {Code::kForbidden, "Forbidden", 403},
    {Code::kNotFound, "NotFound", 404},
    {Code::kMethodNotAllowed, "MethodNotAllowed", 405},
    {Code::kNotAcceptable, "NotAcceptable", 406},
    {Code::kAlreadyExists, "AlreadyExists", 409},
    {Code::kConflict, "Conflict", 409},
    {Code::kGone, "Gone", 410},
    {Code::kExpired, "Expired", 410},
    {Code::kRequestEntityTooLarge, "RequestEntityTooLarge", 413},
    {Code::kUnsupportedMediaType, "UnsupportedMediaType", 415},
    {Code::kInvalid, "Invalid", 422},
    {Code::kTooManyRequests, "TooManyRequests", 429},
    {Code::kInternalError, "InternalError", 500},
    {Code::kServerTimeout, "ServerTimeout", 500},
    {Code::kServiceUnavailable, "ServiceUnavailable", 503},
    {Code::kTimeout, "Timeout", 504},
}};

constexpr bool TableIsIndexed() {
  for (size_t i = 0; i < kCodes.size(); ++i) {
    if (static_cast<size_t>(kCodes[i].code) != i) return false;
  }
  return true;
}
static_assert(TableIsIndexed(), "kCodes must be ordered by enum value");

const CodeInfo& Info(Code code) {
  auto i = static_cast<size_t>(code);
  return i < kCodes.size() ? kCodes[i] : kCodes[static_cast<size_t>(Code::kInternalError)];
}

}  // namespace

std::string_view CodeReason(Code code) { return Info(code).reason; }
int CodeHttpStatus(Code code) { return Info(code).http; }

std::string Status::ToString() const {
  if (ok()) return "OK";
  return fmt::format("{}: {}", reason(), message_);
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return Status(code_, fmt::format("{}: {}", context, message_));
}

Status ErrnoStatus(int err, std::string_view what) {
  Code code = Code::kInternalError;
  switch (err) {
    case ENOENT:
      code = Code::kNotFound;
      break;
    case EACCES:
    case EPERM:
    case EROFS:
      code = Code::kForbidden;
      break;
    case EEXIST:
      code = Code::kAlreadyExists;
      break;
    default:
      break;
  }
  return Status(code, fmt::format("{}: {}", what, std::strerror(err)));
}

}  // namespace orchd
