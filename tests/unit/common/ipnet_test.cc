#include "common/ipnet.h"

#include <catch2/catch.hpp>

namespace orchd {
namespace {

TEST_CASE("ParseCidr accepts network prefixes and prints them back", "[ipnet]") {
  for (std::string_view ok :
       {"10.42.0.0/16", "10.43.0.0/16", "0.0.0.0/0", "fd00::/8", "192.168.1.128/25"}) {
    auto r = ParseCidr(ok);
    REQUIRE(r.has_value());
    CHECK(r->ToString() == ok);
  }
}

TEST_CASE("ParseCidr rejects malformed input with a message naming it", "[ipnet]") {
  for (std::string_view bad : {"10.42.0.0", "10.42.0.0/33", "10.42.0.1/16", "10.42.0/16",
                               "banana/8", "10.42.0.0/", "10.42.0.0/1x", " 10.42.0.0/16"}) {
    auto r = ParseCidr(bad);
    CAPTURE(bad);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == Code::kInvalid);
    CHECK(r.error().message().find(std::string(bad)) != std::string::npos);
  }
}

TEST_CASE("ParseIp accepts v4 and v6 only", "[ipnet]") {
  CHECK(ParseIp("10.43.0.10").has_value());
  CHECK(ParseIp("::1")->v6);
  CHECK_FALSE(ParseIp("10.43.0").has_value());
  CHECK_FALSE(ParseIp("localhost").has_value());
}

}  // namespace
}  // namespace orchd
