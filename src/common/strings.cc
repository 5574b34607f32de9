#include "common/strings.h"

#include <charconv>

namespace orchd {

std::optional<int64_t> ParseInt64(std::string_view text) {
  const char* first = text.data();
  const char* last = first + text.size();
  int64_t value = 0;
  // from_chars takes a [first, last) range, so no terminator is needed.
  auto [ptr, ec] =
      std::from_chars(first, last, value);  // NOLINT(bugprone-suspicious-stringview-data-usage)
  if (text.empty() || ec != std::errc() || ptr != last) return std::nullopt;
  return value;
}

}  // namespace orchd
