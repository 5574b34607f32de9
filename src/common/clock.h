// Clock: the source of time for everything that is not a raw socket deadline, so that tests can
// move time by hand. Components take a `Clock&` in their constructor; no code calls
// std::chrono::*::now() for logic (logging may).
#pragma once

#include <chrono>
#include <mutex>

namespace orchd {

class Clock {
 public:
  using WallTime = std::chrono::system_clock::time_point;
  using MonoTime = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;
  // Wall-clock time: timestamps that are stored or shown (expiry times, creationTimestamp).
  virtual WallTime Now() const = 0;
  // Monotonic time: intervals and timeouts.
  virtual MonoTime Monotonic() const = 0;

  int64_t NowUnixMillis() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Now().time_since_epoch()).count();
  }
};

// The system clocks. Thread-safe, stateless.
class RealClock final : public Clock {
 public:
  WallTime Now() const override { return std::chrono::system_clock::now(); }
  MonoTime Monotonic() const override { return std::chrono::steady_clock::now(); }
};

// A clock that moves only when told. Thread-safe. Starts at 2026-01-01T00:00:00Z.
class FakeClock final : public Clock {
 public:
  FakeClock();
  WallTime Now() const override;
  MonoTime Monotonic() const override;
  void Advance(std::chrono::nanoseconds d);

 private:
  mutable std::mutex mu_;
  WallTime wall_;
  MonoTime mono_;
};

}  // namespace orchd
