// ORCHD_CHECK: aborts on a broken programmer invariant. Never for user input or I/O errors;
// those are a Status.
#pragma once

namespace orchd::internal {
[[noreturn]] void CheckFailed(const char* file, int line, const char* expr);
}  // namespace orchd::internal

#define ORCHD_CHECK(cond)                                                   \
  do {                                                                      \
    if (!(cond)) ::orchd::internal::CheckFailed(__FILE__, __LINE__, #cond); \
  } while (0)
