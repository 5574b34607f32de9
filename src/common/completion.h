// Completion<T>: a one-shot hand-off of a result from one thread to a waiting thread.
//
//   Completion<Status> done;
//   worker.Post([&done] { done.Set(DoWork()); });
//   Status s = done.Wait();
//
// Set() signals while holding the mutex, so the waiter's frame (which owns the Completion)
// cannot be gone while Set() still touches it. Set() must be called exactly once.
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <utility>

#include "common/check.h"

namespace orchd {

template <typename T>
class Completion {
 public:
  void Set(T value) {
    std::lock_guard lock(mu_);
    ORCHD_CHECK(!value_.has_value());
    value_.emplace(std::move(value));
    cv_.notify_one();
  }

  T Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return value_.has_value(); });
    ORCHD_CHECK(value_.has_value());
    return std::move(*value_);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<T> value_;
};

}  // namespace orchd
