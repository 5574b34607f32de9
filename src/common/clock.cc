#include "common/clock.h"

namespace orchd {

FakeClock::FakeClock()
    : wall_(std::chrono::sys_days{std::chrono::year{2026} / 1 / 1}),
      mono_(std::chrono::hours(1000)) {}

Clock::WallTime FakeClock::Now() const {
  std::lock_guard lock(mu_);
  return wall_;
}

Clock::MonoTime FakeClock::Monotonic() const {
  std::lock_guard lock(mu_);
  return mono_;
}

void FakeClock::Advance(std::chrono::nanoseconds d) {
  std::lock_guard lock(mu_);
  wall_ += std::chrono::duration_cast<WallTime::duration>(d);
  mono_ += std::chrono::duration_cast<MonoTime::duration>(d);
}

}  // namespace orchd
