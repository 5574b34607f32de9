// Small string helpers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orchd {

// A whole string of decimal digits (optionally with a leading '-') as an int64; nullopt for
// anything else, including empty input, trailing characters and overflow.
std::optional<int64_t> ParseInt64(std::string_view text);

// `text` with every run of line breaks and tabs replaced by one space: for messages that must
// stay on one line (CLI errors, log lines) whatever a library put in them.
std::string OneLine(std::string_view text);

// The lines of `text` without their '\n', as views into it; a last line without a newline
// counts, an empty text has none.
std::vector<std::string_view> SplitLines(std::string_view text);

}  // namespace orchd
