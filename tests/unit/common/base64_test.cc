#include "common/base64.h"

#include <catch2/catch.hpp>

namespace orchd {
namespace {

TEST_CASE("base64 matches RFC 4648 test vectors", "[base64]") {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    CHECK(Base64Encode(plain) == encoded);
    CHECK(Base64Decode(encoded) == plain);
  }
}

TEST_CASE("URL-safe base64 round-trips binary data without padding", "[base64]") {
  std::string data;
  for (int i = 0; i < 256; ++i) data += static_cast<char>(i);
  std::string enc = Base64Encode(data, Base64Alphabet::kUrl);
  CHECK(enc.find_first_of("+/=") == std::string::npos);
  CHECK(Base64Decode(enc, Base64Alphabet::kUrl) == data);
}

TEST_CASE("base64 rejects characters outside the alphabet", "[base64]") {
  CHECK_FALSE(Base64Decode("Zm9v!").has_value());
  CHECK_FALSE(Base64Decode("Zm-v").has_value());  // '-' is URL-safe only
  CHECK_FALSE(Base64Decode("Z").has_value());
}

}  // namespace
}  // namespace orchd
