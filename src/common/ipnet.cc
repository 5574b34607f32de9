#include "common/ipnet.h"

#include <arpa/inet.h>

#include <charconv>

namespace orchd {

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return buf;
}

std::string IpNet::ToString() const { return fmt::format("{}/{}", address.ToString(), prefix_len); }

Result<IpAddress> ParseIp(std::string_view text) {
  std::string s(text);
  IpAddress ip;
  if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) return ip;
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) {
    ip.v6 = true;
    return ip;
  }
  return Error(Code::kInvalid, "invalid IP address \"{}\"", text);
}

Result<IpNet> ParseCidr(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return Error(Code::kInvalid, "invalid CIDR \"{}\": missing /prefix", text);
  }
  auto ip = ParseIp(text.substr(0, slash));
  if (!ip) return Error(Code::kInvalid, "invalid CIDR \"{}\": bad address", text);
  std::string_view len_text = text.substr(slash + 1);
  int len = -1;
  auto [ptr, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
  int max = ip->v6 ? 128 : 32;
  if (ec != std::errc() || ptr != len_text.data() + len_text.size() || len < 0 || len > max) {
    return Error(Code::kInvalid, "invalid CIDR \"{}\": bad prefix length", text);
  }
  int nbytes = ip->v6 ? 16 : 4;
  for (int bit = len; bit < nbytes * 8; ++bit) {
    if (ip->bytes[bit / 8] & (0x80 >> (bit % 8))) {
      return Error(Code::kInvalid, "invalid CIDR \"{}\": host bits set", text);
    }
  }
  return IpNet{*ip, len};
}

}  // namespace orchd
