// RAII for C handles. Wrap a handle on the line that creates it:
//
//   UniquePtr<sqlite3, sqlite3_close_v2> db(raw);
//   UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
#pragma once

#include <unistd.h>

#include <memory>
#include <utility>

namespace orchd {

// A unique_ptr whose deleter is the C function `Free` (its return value is ignored).
template <auto Free>
struct CFunctionDeleter {
  template <typename T>
  void operator()(T* p) const {
    if (p) (void)Free(p);
  }
};
template <typename T, auto Free>
using UniquePtr = std::unique_ptr<T, CFunctionDeleter<Free>>;

// An owned file descriptor, closed on destruction. -1 means none.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) Reset(std::exchange(other.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release() { return std::exchange(fd_, -1); }
  void Reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace orchd
