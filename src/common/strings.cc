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

std::string OneLine(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_break = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') {
      if (!in_break) out += ' ';
      in_break = true;
      continue;
    }
    in_break = false;
    out += c;
  }
  return out;
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    out.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

}  // namespace orchd
