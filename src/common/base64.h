// Base64 (RFC 4648), standard and URL-safe alphabets.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace orchd {

enum class Base64Alphabet { kStandard, kUrl };

// Standard output is padded with '='; URL-safe output is not.
std::string Base64Encode(std::string_view data,
                         Base64Alphabet alphabet = Base64Alphabet::kStandard);
// Accepts input with or without padding; nullopt on any character outside the alphabet.
std::optional<std::string> Base64Decode(std::string_view text,
                                        Base64Alphabet alphabet = Base64Alphabet::kStandard);

}  // namespace orchd
