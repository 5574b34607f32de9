#include "common/base64.h"

#include <array>
#include <cstdint>

namespace orchd {
namespace {
constexpr std::string_view kStd =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The unsigned value of a byte (char may be signed).
constexpr uint32_t Byte(char c) { return static_cast<uint8_t>(c); }
}  // namespace

std::string Base64Encode(std::string_view data, Base64Alphabet alphabet) {
  std::string_view table = alphabet == Base64Alphabet::kUrl ? kUrl : kStd;
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t v = (Byte(data[i]) << 16) | (Byte(data[i + 1]) << 8) | Byte(data[i + 2]);
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += table[v & 63];
  }
  size_t rest = data.size() - i;
  if (rest > 0) {
    uint32_t v = Byte(data[i]) << 16;
    if (rest == 2) v |= Byte(data[i + 1]) << 8;
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    if (rest == 2) out += table[(v >> 6) & 63];
    if (alphabet == Base64Alphabet::kStandard) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text, Base64Alphabet alphabet) {
  std::string_view table = alphabet == Base64Alphabet::kUrl ? kUrl : kStd;
  std::array<int, 256> rev{};
  rev.fill(-1);
  for (size_t i = 0; i < table.size(); ++i) rev[Byte(table[i])] = static_cast<int>(i);
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = rev[Byte(c)];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

}  // namespace orchd
