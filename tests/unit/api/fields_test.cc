#include "api/fields.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

namespace orchd::api {
namespace {

using Op = FieldSelector::Op;

struct Req {
  std::string field;
  Op op;
  std::string value;
  bool operator==(const Req&) const = default;
};

std::vector<Req> Reqs(const FieldSelector& s) {
  std::vector<Req> out;
  for (const auto& r : s.requirements()) out.push_back({r.field, r.op, r.value});
  return out;
}

TEST_CASE("FieldSelector::Parse splits, sorts and unescapes terms", "[selectors]") {
  struct Case {
    std::string in;
    std::vector<Req> want;
    std::string canonical;
  };
  const std::vector<Case> cases = {
      {"", {}, ""},
      {",", {}, ""},
      {",,", {}, ""},
      {"a=b", {{"a", Op::kEquals, "b"}}, "a=b"},
      {"a==b", {{"a", Op::kEquals, "b"}}, "a=b"},  // "==" is recorded as "="
      {"a!=b", {{"a", Op::kNotEquals, "b"}}, "a!=b"},
      {"a=", {{"a", Op::kEquals, ""}}, "a="},
      {"a!=", {{"a", Op::kNotEquals, ""}}, "a!="},
      {"=a", {{"", Op::kEquals, "a"}}, "=a"},
      {"b=2,a=1", {{"a", Op::kEquals, "1"}, {"b", Op::kEquals, "2"}}, "a=1,b=2"},
      {"a=b,,c=d", {{"a", Op::kEquals, "b"}, {"c", Op::kEquals, "d"}}, "a=b,c=d"},
      {"a = b", {{"a ", Op::kEquals, " b"}}, "a = b"},  // nothing is trimmed
      {"metadata.name=foo,status.phase!=Running",
       {{"metadata.name", Op::kEquals, "foo"}, {"status.phase", Op::kNotEquals, "Running"}},
       "metadata.name=foo,status.phase!=Running"},
      {"a=b\\,c", {{"a", Op::kEquals, "b,c"}}, "a=b\\,c"},
      {"a=b\\=c", {{"a", Op::kEquals, "b=c"}}, "a=b\\=c"},
      {"a=b\\\\c", {{"a", Op::kEquals, "b\\c"}}, "a=b\\\\c"},
      {"a=b\\,", {{"a", Op::kEquals, "b,"}}, "a=b\\,"},
      {"a=\\\\,b=c", {{"a", Op::kEquals, "\\"}, {"b", Op::kEquals, "c"}}, "a=\\\\,b=c"},
      {"x=a\\,b,y=c", {{"x", Op::kEquals, "a,b"}, {"y", Op::kEquals, "c"}}, "x=a\\,b,y=c"},
      {"spec.nodeName=n\xc3\xa9",
       {{"spec.nodeName", Op::kEquals, "n\xc3\xa9"}},
       "spec.nodeName=n\xc3\xa9"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    auto s = FieldSelector::Parse(c.in);
    REQUIRE(s.has_value());
    CHECK(Reqs(*s) == c.want);
    CHECK(s->Empty() == c.want.empty());
    CHECK(s->ToString() == c.canonical);
  }
}

TEST_CASE("FieldSelector::Parse sorts terms by their raw text", "[selectors]") {
  // '!' sorts before '=', so "b!=2" comes before "b=1"; upstream sorts raw terms the same way.
  auto s = FieldSelector::Parse("b=1,b!=2,a=3");
  REQUIRE(s.has_value());
  CHECK(Reqs(*s) == std::vector<Req>{{"a", Op::kEquals, "3"},
                                     {"b", Op::kNotEquals, "2"},
                                     {"b", Op::kEquals, "1"}});
  CHECK(s->ToString() == "a=3,b!=2,b=1");
}

TEST_CASE("FieldSelector::Parse rejects bad input with upstream messages", "[selectors]") {
  struct Case {
    std::string in;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"a", "invalid selector: 'a'; can't understand 'a'"},
      {"a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"},
      {"a<b", "invalid selector: 'a<b'; can't understand 'a<b'"},
      {"a=b=c", "invalid field selector: unescaped character in value: 61"},
      {"a===b", "invalid field selector: unescaped character in value: 61"},
      {"a!==b", "invalid field selector: unescaped character in value: 61"},
      {"a\\=b=c", "invalid field selector: unescaped character in value: 61"},
      {"a=\\x", "invalid field selector: invalid escape sequence: \\x"},
      {"a=\\\xc3\xa9", "invalid field selector: invalid escape sequence: \\\xc3\xa9"},
      {"a=b\\", "invalid field selector: invalid escape sequence: \\"},
      {"a=\\", "invalid field selector: invalid escape sequence: \\"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    auto s = FieldSelector::Parse(c.in);
    REQUIRE_FALSE(s.has_value());
    CHECK(s.error().code() == Code::kBadRequest);
    CHECK(s.error().message() == c.message);
  }
}

TEST_CASE("FieldSelector::Matches compares a missing field as empty", "[selectors]") {
  using Fields = std::map<std::string, std::string, std::less<>>;
  struct Case {
    std::string selector;
    Fields fields;
    bool want;
  };
  const std::vector<Case> cases = {
      {"", {}, true},
      {"a=b", {{"a", "b"}}, true},
      {"a==b", {{"a", "b"}}, true},
      {"a=b", {{"a", "c"}}, false},
      {"a=b", {}, false},
      {"a!=b", {}, true},
      {"a!=b", {{"a", "b"}}, false},
      {"a!=b", {{"a", "c"}}, true},
      {"a=", {}, true},
      {"a=", {{"a", ""}}, true},
      {"a=", {{"a", "x"}}, false},
      {"a!=", {}, false},
      {"a!=", {{"a", "x"}}, true},
      {"a=b\\,c", {{"a", "b,c"}}, true},
      {"a=1,b!=2", {{"a", "1"}}, true},
      {"a=1,b!=2", {{"a", "1"}, {"b", "2"}}, false},
      {"a=1,b!=2", {{"b", "3"}}, false},
      {"metadata.name=x,metadata.namespace=default",
       {{"metadata.name", "x"}, {"metadata.namespace", "default"}},
       true},
  };
  for (const Case& c : cases) {
    CAPTURE(c.selector);
    auto s = FieldSelector::Parse(c.selector);
    REQUIRE(s.has_value());
    bool got = s->Matches([&](std::string_view f) -> std::optional<std::string> {
      auto it = c.fields.find(f);
      if (it == c.fields.end()) return std::nullopt;
      return it->second;
    });
    CHECK(got == c.want);
  }
}

TEST_CASE("FieldSelector::CheckSupported names the first unsupported field", "[selectors]") {
  const std::vector<std::string_view> supported = {"metadata.name", "metadata.namespace",
                                                   "spec.nodeName"};
  struct Case {
    std::string selector;
    std::string error;  // "" = supported
  };
  const std::vector<Case> cases = {
      {"", ""},
      {"metadata.name=a", ""},
      {"metadata.name=a,spec.nodeName!=", ""},
      {"status.phase=Running", "field label not supported: status.phase"},
      {"metadata.name=a,status.phase=Running", "field label not supported: status.phase"},
      {"=a", "field label not supported: "},
      {"metadata.name =a", "field label not supported: metadata.name "},
      {"metadata.labels.app=web", "field label not supported: metadata.labels.app"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.selector);
    auto s = FieldSelector::Parse(c.selector);
    REQUIRE(s.has_value());
    Status st = s->CheckSupported(supported);
    if (c.error.empty()) {
      CHECK(st.ok());
    } else {
      CHECK(st.code() == Code::kBadRequest);
      CHECK(st.message() == c.error);
    }
  }
}

TEST_CASE("FieldSelector::RequiresExactMatch", "[selectors]") {
  struct Case {
    std::string selector;
    std::string field;
    std::optional<std::string> want;
  };
  const std::vector<Case> cases = {
      {"a=b", "a", "b"},      {"a==b", "a", "b"},         {"a!=b", "a", std::nullopt},
      {"a!=c,a=b", "a", "b"}, {"b=1", "a", std::nullopt}, {"", "a", std::nullopt},
      {"a=", "a", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.selector, c.field);
    auto s = FieldSelector::Parse(c.selector);
    REQUIRE(s.has_value());
    CHECK(s->RequiresExactMatch(c.field) == c.want);
  }
}

TEST_CASE("EscapeFieldValue and UnescapeFieldValue round-trip", "[selectors]") {
  struct Case {
    std::string raw;
    std::string escaped;
  };
  const std::vector<Case> cases = {
      {"", ""},           {"plain", "plain"},     {"a,b", "a\\,b"},           {"a=b", "a\\=b"},
      {"a\\b", "a\\\\b"}, {",=\\", "\\,\\=\\\\"}, {"n\xc3\xa9", "n\xc3\xa9"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.raw);
    CHECK(EscapeFieldValue(c.raw) == c.escaped);
    auto back = UnescapeFieldValue(c.escaped);
    REQUIRE(back.has_value());
    CHECK(*back == c.raw);
  }
  // Upstream re-encodes runes once it has to unescape: invalid UTF-8 becomes U+FFFD there, and
  // is kept as is when nothing needs unescaping.
  CHECK(UnescapeFieldValue("\xff") == std::string("\xff"));
  CHECK(UnescapeFieldValue("\xff\\,") == std::string("\xef\xbf\xbd,"));
  CHECK(UnescapeFieldValue("a,b").error().message() ==
        "invalid field selector: unescaped character in value: 44");
}

}  // namespace
}  // namespace orchd::api
