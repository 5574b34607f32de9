// Logging through fmt, klog-style lines on stderr:
//   I1123 10:14:03.123456 store.cc:88] store ready at /var/lib/orchd/server/db/state.db
//
// The level is process-wide and set once at start-up (--log-level); it is the one deliberate
// global in orchd, read with a relaxed atomic load. Lines are written with one write(2) each, so
// lines from different threads never interleave.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>

namespace orchd {

enum class LogLevel : int { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
bool LogEnabled(LogLevel level);
// "debug", "info", "warn"/"warning", "error"; nullopt for anything else.
std::optional<LogLevel> ParseLogLevel(std::string_view name);

void LogLine(LogLevel level, const char* file, int line, std::string_view message);

}  // namespace orchd

#define ORCHD_LOG(level, ...)                                                  \
  do {                                                                         \
    if (::orchd::LogEnabled(level))                                            \
      ::orchd::LogLine(level, __FILE__, __LINE__, ::fmt::format(__VA_ARGS__)); \
  } while (0)
#define LOG_DEBUG(...) ORCHD_LOG(::orchd::LogLevel::kDebug, __VA_ARGS__)
#define LOG_INFO(...) ORCHD_LOG(::orchd::LogLevel::kInfo, __VA_ARGS__)
#define LOG_WARN(...) ORCHD_LOG(::orchd::LogLevel::kWarn, __VA_ARGS__)
#define LOG_ERROR(...) ORCHD_LOG(::orchd::LogLevel::kError, __VA_ARGS__)
