// IP addresses and CIDR prefixes, parsed strictly (no surrounding spaces, canonical prefix).
#pragma once

#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace orchd {

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // v4 uses the first 4
  std::string ToString() const;
};

struct IpNet {
  IpAddress address;  // the network address (host bits zero)
  int prefix_len = 0;
  std::string ToString() const;
};

// "10.0.0.1", "fd00::1". kInvalid otherwise.
Result<IpAddress> ParseIp(std::string_view text);
// "10.42.0.0/16". Host bits must be zero ("10.42.0.1/16" is kInvalid, as upstream rejects it).
Result<IpNet> ParseCidr(std::string_view text);

}  // namespace orchd
