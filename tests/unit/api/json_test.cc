#include "api/json.h"

#include <catch2/catch.hpp>

namespace orchd::api {
namespace {

TEST_CASE("ParseJson accepts a document and rejects garbage", "[api][json]") {
  auto doc = ParseJson(R"({"a":{"b":"c"},"n":3})");
  REQUIRE(doc.has_value());
  CHECK(StringAt(*doc, {"a", "b"}) == "c");
  CHECK(IntAt(*doc, {"n"}) == 3);
  CHECK_FALSE(IntAt(*doc, {"a"}).has_value());

  for (const char* bad : {"", "{", R"({"a":1} x)", "nul", R"({"a":})"}) {
    auto r = ParseJson(bad);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == Code::kBadRequest);
  }
}

TEST_CASE("Setters replace members and keep order", "[api][json]") {
  auto doc = ParseJson(R"({"x":1,"y":2})");
  REQUIRE(doc.has_value());
  SetString(*doc, "x", "one", doc->GetAllocator());
  SetInt(*doc, "z", 3, doc->GetAllocator());
  EnsureObject(*doc, "m", doc->GetAllocator());
  RemoveMember(*doc, "y");
  CHECK(ToJson(*doc) == R"({"x":"one","z":3,"m":{}})");
}

TEST_CASE("JsonEqual ignores member order", "[api][json]") {
  auto a = ParseJson(R"({"a":[1,{"b":true}],"c":null})");
  auto b = ParseJson(R"({"c":null,"a":[1,{"b":true}]})");
  auto c = ParseJson(R"({"c":null,"a":[{"b":true},1]})");
  REQUIRE((a && b && c));
  CHECK(JsonEqual(*a, *b));
  CHECK_FALSE(JsonEqual(*a, *c));
}

}  // namespace
}  // namespace orchd::api
