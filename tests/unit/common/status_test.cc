#include "common/status.h"

#include <catch2/catch.hpp>
#include <cerrno>
#include <set>

#include "common/result.h"

namespace orchd {
namespace {

TEST_CASE("every code has its own Kubernetes reason and the upstream HTTP status", "[status]") {
  struct Row {
    Code code;
    std::string_view reason;
    int http;
  };
  const Row rows[] = {
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
  };
  std::set<std::string_view> reasons;
  for (const auto& r : rows) {
    CAPTURE(r.reason);
    CHECK(CodeReason(r.code) == r.reason);
    CHECK(CodeHttpStatus(r.code) == r.http);
    reasons.insert(CodeReason(r.code));
  }
  CHECK(reasons.size() == static_cast<size_t>(kCodeCount - 1));  // one-to-one, OK excluded
  CHECK(CodeHttpStatus(Code::kOk) == 200);
}

TEST_CASE("Status formats code and message, and adds context", "[status]") {
  Status s = Error(Code::kNotFound, "key {} not found", "/a");
  CHECK_FALSE(s.ok());
  CHECK(s.ToString() == "NotFound: key /a not found");
  CHECK(s.WithContext("get").message() == "get: key /a not found");
  CHECK(s.WithContext("get").code() == Code::kNotFound);
  CHECK(Status::Ok().ToString() == "OK");
}

TEST_CASE("ErrnoStatus maps errno to codes and names the object", "[status]") {
  CHECK(ErrnoStatus(ENOENT, "open /x").code() == Code::kNotFound);
  CHECK(ErrnoStatus(EACCES, "open /x").code() == Code::kForbidden);
  CHECK(ErrnoStatus(EEXIST, "mkdir /x").code() == Code::kAlreadyExists);
  CHECK(ErrnoStatus(EIO, "read /x").code() == Code::kInternalError);
  CHECK(ErrnoStatus(EACCES, "open /x").message() == "open /x: Permission denied");
}

Result<int> Half(int x) {
  if (x % 2) return Error(Code::kInvalid, "{} is odd", x);
  return x / 2;
}

Result<int> Quarter(int x) {
  ORCHD_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST_CASE("Result carries a value or a Status through ORCHD_ASSIGN_OR_RETURN", "[status]") {
  REQUIRE(Quarter(8).has_value());
  CHECK(*Quarter(8) == 2);
  auto r = Quarter(6);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message() == "3 is odd");
  CHECK(r.status().code() == Code::kInvalid);
}

}  // namespace
}  // namespace orchd
