#include "common/log.h"

#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "common/check.h"

namespace orchd {
namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};

char LevelLetter(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return 'D';
    case LogLevel::kInfo:
      return 'I';
    case LogLevel::kWarn:
      return 'W';
    case LogLevel::kError:
      return 'E';
  }
  return '?';
}
}  // namespace

void SetLogLevel(LogLevel level) { g_level.store(static_cast<int>(level)); }
LogLevel GetLogLevel() { return static_cast<LogLevel>(g_level.load(std::memory_order_relaxed)); }
bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "debug" || name == "trace") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn" || name == "warning") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return std::nullopt;
}

void LogLine(LogLevel level, const char* file, int line, std::string_view message) {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  tm t{};
  gmtime_r(&tv.tv_sec, &t);
  const char* base = std::strrchr(file, '/');
  base = base ? base + 1 : file;
  std::string out = fmt::format("{}{:02}{:02} {:02}:{:02}:{:02}.{:06} {}:{}] {}\n",
                                LevelLetter(level), t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min,
                                t.tm_sec, tv.tv_usec, base, line, message);
  // One write per line keeps concurrent lines whole. A short write to stderr is not retried.
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, out.data(), out.size());
}

namespace internal {
void CheckFailed(const char* file, int line, const char* expr) {
  std::string out = fmt::format("F {}:{}] CHECK failed: {}\n", file, line, expr);
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, out.data(), out.size());
  std::abort();
}
}  // namespace internal

}  // namespace orchd
