#include "api/labels.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace orchd::api {
namespace {

// Upstream's detail texts, as kubectl prints them.
const std::string kNamePartMsg =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const std::string kLabelValueMsg =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

TEST_CASE("LabelSelector::Parse accepts the upstream grammar and prints it canonically",
          "[selectors]") {
  struct Case {
    std::string in;
    std::string canonical;
  };
  const std::vector<Case> cases = {
      {"", ""},
      {" \t\r\n", ""},
      {"x=a", "x=a"},
      {"x==a", "x==a"},
      {"x!=a", "x!=a"},
      {"x", "x"},
      {"!x", "!x"},
      {"! x", "!x"},
      {"x in (b,a)", "x in (a,b)"},
      {"x in (a,a,b)", "x in (a,b)"},
      {"x notin (a)", "x notin (a)"},
      {"x>1", "x>1"},
      {"x<10", "x<10"},
      {"x>007", "x>007"},
      {"z=a,y=b,x", "x,y=b,z=a"},
      {"x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()"},
      {"x in (,a)", "x in (,a)"},
      {"x in (a,)", "x in (,a)"},
      {"x in ()", "x in ()"},
      {"x=", "x="},
      {"x=,y=b", "x=,y=b"},
      {"x==,y!=", "x==,y!="},
      {" x = a , y in ( b , c ) ", "x=a,y in (b,c)"},
      {"x\tin\n(a)", "x in (a)"},
      {"x in(a)", "x in (a)"},
      {"in=in", "in=in"},
      {"notin notin (in,notin)", "notin notin (in,notin)"},
      {"x in (in)", "x in (in)"},
      {"example.com/app=web", "example.com/app=web"},
      {"x=a,x!=b", "x=a,x!=b"},  // same key: kept in input order
      {"x!=b,x=a", "x!=b,x=a"},
      {"a.b-c_d=E.f-G_h", "a.b-c_d=E.f-G_h"},
      {"x=" + std::string(63, 'v'), "x=" + std::string(63, 'v')},
      {std::string(63, 'k'), std::string(63, 'k')},
      {std::string(253, 'p') + "/n", std::string(253, 'p') + "/n"},
      // Upstream's lexer reads a NUL byte as the end of the input.
      {std::string("x=a\0", 4), "x=a"},
      {std::string("\0y=b", 4), ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    auto s = LabelSelector::Parse(c.in);
    REQUIRE(s.has_value());
    CHECK(s->ToString() == c.canonical);
    // The canonical form parses back to itself.
    auto again = LabelSelector::Parse(s->ToString());
    REQUIRE(again.has_value());
    CHECK(again->ToString() == c.canonical);
  }
}

TEST_CASE("LabelSelector::Parse rejects bad input with upstream messages", "[selectors]") {
  struct Case {
    std::string in;
    std::string message;
  };
  const std::string kReq = "unable to parse requirement: ";
  const std::vector<Case> cases = {
      {",", "found ',', expected: !, identifier, or 'end of string'"},
      {"=a", "found '=', expected: !, identifier, or 'end of string'"},
      {"(x)", "found '(', expected: !, identifier, or 'end of string'"},
      {"x,", "found '', expected: identifier after ','"},
      {"x,,y", "found ',', expected: identifier after ','"},
      {"x=a b", "found 'b', expected: ',' or 'end of string'"},
      {"x=a)", "found ')', expected: ',' or 'end of string'"},
      {std::string("x=a\0b", 5), "found 'b', expected: ',' or 'end of string'"},
      {"!x=a", "found '=', expected: ',' or 'end of string'"},
      {"!x in (a)", "found 'in', expected: ',' or 'end of string'"},
      {"!", kReq + "found '', expected: identifier"},
      {"!!x", kReq + "found '!', expected: identifier"},
      {"!=x", "found '!=', expected: !, identifier, or 'end of string'"},
      {"x foo", kReq + "found 'foo', expected: in, notin, =, ==, !=, gt, lt"},
      {"x !x", kReq + "found '!', expected: in, notin, =, ==, !=, gt, lt"},
      {"x (a)", kReq + "found '(', expected: in, notin, =, ==, !=, gt, lt"},
      {"x in", kReq + "found '' expected: '('"},
      {"x notin a", kReq + "found 'a' expected: '('"},
      {"x in (", kReq + "found '', expected: ',', ')' or identifier"},
      {"x in (=)", kReq + "found '=', expected: ',', ')' or identifier"},
      {"x in (a", kReq + "found '', expected: ',' or ')'"},
      {"x in (a b)", kReq + "found 'b', expected: ',' or ')'"},
      {"x in (a,", kReq + "found '', expected: ',', or identifier"},
      {"x in (a,=)", kReq + "found '=', expected: ',', or identifier"},
      {"x==(", kReq + "found '(', expected: identifier"},
      {"x=!", kReq + "found '!', expected: identifier"},
      {"x>a", kReq + "values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must "
                     "be an integer"},
      {"x<", kReq + "values[0]: Invalid value: \"\": for 'Gt', 'Lt' operators, the value must "
                    "be an integer"},
      {"x>9223372036854775808",
       kReq + "values[0]: Invalid value: \"9223372036854775808\": for 'Gt', 'Lt' operators, the "
              "value must be an integer"},
      {"x>-1", kReq + "values[0][x]: Invalid value: \"-1\": " + kLabelValueMsg},
      {"x>a_", kReq +
                   "[values[0]: Invalid value: \"a_\": for 'Gt', 'Lt' operators, the value "
                   "must be an integer, values[0][x]: Invalid value: \"a_\": " +
                   kLabelValueMsg + "]"},
      {"x=a_", kReq + "values[0][x]: Invalid value: \"a_\": " + kLabelValueMsg},
      {"x in (a,-b)", kReq + "values[0][x]: Invalid value: \"-b\": " + kLabelValueMsg},
      {"x=" + std::string(64, 'v'), kReq + "values[0][x]: Invalid value: \"" +
                                        std::string(64, 'v') +
                                        "\": must be no more than 63 characters"},
      {"a_=b", kReq + "<nil>: Invalid value: \"a_\": " + kNamePartMsg},
      {"app:web", kReq + "<nil>: Invalid value: \"app:web\": " + kNamePartMsg},
      {"x\"y", kReq + "<nil>: Invalid value: \"x\\\"y\": " + kNamePartMsg},
      {std::string(64, 'k'), kReq + "<nil>: Invalid value: \"" + std::string(64, 'k') +
                                 "\": name part must be no more than 63 characters"},
      {"/a", kReq + "<nil>: Invalid value: \"/a\": prefix part must be non-empty"},
      {"a/", kReq + "<nil>: Invalid value: \"a/\": name part must be non-empty; " + kNamePartMsg},
      {"a/b/c",
       kReq + "<nil>: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric "
              "characters, '-', '_' or '.', and must start and end with an alphanumeric "
              "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation "
              "is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain "
              "prefix and '/' (e.g. 'example.com/MyName')"},
      {"Example.com/a=b",
       kReq + "<nil>: Invalid value: \"Example.com/a\": prefix part a lowercase RFC 1123 "
              "subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
              "must start and end with an alphanumeric character (e.g. 'example.com', regex used "
              "for validation is "
              "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"},
      {std::string(254, 'p') + "/n=v", kReq + "<nil>: Invalid value: \"" + std::string(254, 'p') +
                                           "/n\": prefix part must be no more than 253 characters"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    auto s = LabelSelector::Parse(c.in);
    REQUIRE_FALSE(s.has_value());
    CHECK(s.error().code() == Code::kBadRequest);
    CHECK(s.error().message() == c.message);
  }
}

TEST_CASE("LabelSelector::Matches follows upstream semantics for every operator", "[selectors]") {
  struct Case {
    std::string selector;
    Labels labels;
    bool want;
  };
  const std::vector<Case> cases = {
      {"", {}, true},
      {"", {{"a", "b"}}, true},
      {"x=a", {{"x", "a"}}, true},
      {"x=a", {{"x", "b"}}, false},
      {"x=a", {}, false},
      {"x==a", {{"x", "a"}, {"y", "b"}}, true},
      {"x==a", {{"y", "a"}}, false},
      {"x!=a", {}, true},  // absent keys satisfy !=
      {"x!=a", {{"x", "a"}}, false},
      {"x!=a", {{"x", "b"}}, true},
      {"x=", {{"x", ""}}, true},
      {"x=", {}, false},
      {"x!=", {}, true},
      {"x!=", {{"x", ""}}, false},
      {"x in (a,b)", {{"x", "b"}}, true},
      {"x in (a,b)", {{"x", "c"}}, false},
      {"x in (a,b)", {}, false},
      {"x in ()", {{"x", ""}}, true},
      {"x in (,a)", {{"x", ""}}, true},
      {"x notin (a,b)", {}, true},  // absent keys satisfy notin
      {"x notin (a,b)", {{"x", "a"}}, false},
      {"x notin (a,b)", {{"x", "c"}}, true},
      {"x notin ()", {{"x", ""}}, false},
      {"x", {{"x", ""}}, true},
      {"x", {{"y", "x"}}, false},
      {"!x", {}, true},
      {"!x", {{"x", "a"}}, false},
      {"x>1", {{"x", "2"}}, true},
      {"x>1", {{"x", "1"}}, false},
      {"x>1", {{"x", "a"}}, false},
      {"x>1", {}, false},
      {"x<1", {{"x", "0"}}, true},
      {"x<1", {{"x", "-5"}}, true},
      {"x<1", {{"x", "+0"}}, true},
      {"x<1", {{"x", "1"}}, false},
      {"x>1", {{"x", "9223372036854775807"}}, true},
      {"x>1", {{"x", "9223372036854775808"}}, false},  // overflow: not an integer
      {"x<1", {{"x", "-9223372036854775808"}}, true},
      {"x>0", {{"x", ""}}, false},
      {"x>0", {{"x", "007"}}, true},
      {"x=a,y!=b", {{"x", "a"}}, true},
      {"x=a,y!=b", {{"x", "a"}, {"y", "b"}}, false},
      {"x=a,y", {{"x", "a"}}, false},
      {"x=a,x!=a", {{"x", "a"}}, false},
      {"example.com/app=web", {{"example.com/app", "web"}}, true},
  };
  for (const Case& c : cases) {
    CAPTURE(c.selector, c.labels);
    auto s = LabelSelector::Parse(c.selector);
    REQUIRE(s.has_value());
    CHECK(s->Matches(c.labels) == c.want);
  }
}

TEST_CASE("LabelSelector Empty, Everything and Nothing", "[selectors]") {
  CHECK(LabelSelector().Empty());
  CHECK(LabelSelector::Everything().Empty());
  CHECK(LabelSelector::Everything().Matches({}));
  CHECK(LabelSelector::Parse("")->Empty());
  CHECK(LabelSelector::Parse("  ")->Empty());
  CHECK_FALSE(LabelSelector::Parse("x")->Empty());

  LabelSelector nothing = LabelSelector::Nothing();
  CHECK_FALSE(nothing.Empty());
  CHECK(nothing.MatchesNothing());
  CHECK_FALSE(nothing.Matches({}));
  CHECK_FALSE(nothing.Matches({{"a", "b"}}));
  CHECK(nothing.ToString().empty());
  CHECK_FALSE(LabelSelector().MatchesNothing());
}

TEST_CASE("LabelSelector requirements are sorted by key with sorted, distinct values",
          "[selectors]") {
  auto s = LabelSelector::Parse("b in (z,y,z),a!=1,!c");
  REQUIRE(s.has_value());
  const auto& reqs = s->requirements();
  REQUIRE(reqs.size() == 3);
  CHECK(reqs[0].key == "a");
  CHECK(reqs[0].op == LabelOp::kNotEquals);
  CHECK(reqs[0].values == std::vector<std::string>{"1"});
  CHECK(reqs[1].key == "b");
  CHECK(reqs[1].op == LabelOp::kIn);
  CHECK(reqs[1].values == std::vector<std::string>{"y", "z"});
  CHECK(reqs[2].key == "c");
  CHECK(reqs[2].op == LabelOp::kDoesNotExist);
  CHECK(reqs[2].values.empty());
}

TEST_CASE("LabelSelector::RequiresExactMatch", "[selectors]") {
  struct Case {
    std::string selector;
    std::string label;
    std::optional<std::string> want;
  };
  const std::vector<Case> cases = {
      {"x=a", "x", "a"},       {"x==a", "x", "a"},    {"x in (a)", "x", "a"},
      {"x in (a,b)", "x", {}}, {"x!=a", "x", {}},     {"x", "x", {}},
      {"y=a", "x", {}},        {"x=a,y=b", "y", "b"}, {"", "x", {}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.selector, c.label);
    auto s = LabelSelector::Parse(c.selector);
    REQUIRE(s.has_value());
    CHECK(s->RequiresExactMatch(c.label) == c.want);
  }
}

TEST_CASE("LabelSelector::FromSet is one equality per entry", "[selectors]") {
  LabelSelector s = LabelSelector::FromSet({{"b", "2"}, {"a", "1"}});
  CHECK(s.ToString() == "a=1,b=2");
  CHECK(s.Matches({{"a", "1"}, {"b", "2"}, {"c", "3"}}));
  CHECK_FALSE(s.Matches({{"a", "1"}}));
  CHECK(LabelSelector::FromSet({}).Empty());
}

TEST_CASE("LabelSelector::FromLabelSelectorJson accepts the metav1 object form", "[selectors]") {
  struct Case {
    std::string json;
    std::string canonical;
  };
  const std::vector<Case> cases = {
      {R"({})", ""},
      {R"({"matchLabels":{},"matchExpressions":[]})", ""},
      {R"({"matchLabels":null,"matchExpressions":null})", ""},
      {R"({"matchLabels":{"b":"2","a":"1"}})", "a=1,b=2"},
      {R"({"matchLabels":{"a":""}})", "a="},
      {R"({"matchLabels":{"a":"1","a":"2"}})", "a=2"},  // like a Go map: the last one wins
      {R"({"matchExpressions":[{"key":"x","operator":"In","values":["b","a"]}]})", "x in (a,b)"},
      {R"({"matchExpressions":[{"key":"x","operator":"NotIn","values":["a"]}]})", "x notin (a)"},
      {R"({"matchExpressions":[{"key":"x","operator":"Exists"}]})", "x"},
      {R"({"matchExpressions":[{"key":"x","operator":"DoesNotExist","values":[]}]})", "!x"},
      {R"({"matchLabels":{"z":"1"},"matchExpressions":[{"key":"a","operator":"Exists"}]})",
       "a,z=1"},
      {R"({"matchLabels":{"app":"web"},"matchExpressions":[{"key":"app","operator":"NotIn",)"
       R"("values":["db"]}]})",
       "app=web,app notin (db)"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.json);
    auto doc = ParseJson(c.json);
    REQUIRE(doc.has_value());
    auto s = LabelSelector::FromLabelSelectorJson(*doc);
    REQUIRE(s.has_value());
    CHECK(s->ToString() == c.canonical);
    CHECK_FALSE(s->MatchesNothing());
  }

  auto null_doc = ParseJson("null");
  REQUIRE(null_doc.has_value());
  auto nothing = LabelSelector::FromLabelSelectorJson(*null_doc);
  REQUIRE(nothing.has_value());
  CHECK(nothing->MatchesNothing());
  CHECK_FALSE(nothing->Matches({}));
}

TEST_CASE("LabelSelector::FromLabelSelectorJson matches like the string form", "[selectors]") {
  auto doc = ParseJson(R"({"matchLabels":{"app":"web"},"matchExpressions":[)"
                       R"({"key":"tier","operator":"In","values":["fe","be"]},)"
                       R"({"key":"canary","operator":"DoesNotExist"},)"
                       R"({"key":"env","operator":"NotIn","values":["prod"]}]})");
  REQUIRE(doc.has_value());
  auto s = LabelSelector::FromLabelSelectorJson(*doc);
  REQUIRE(s.has_value());
  struct Case {
    Labels labels;
    bool want;
  };
  const std::vector<Case> cases = {
      {{{"app", "web"}, {"tier", "fe"}}, true},
      {{{"app", "web"}, {"tier", "be"}, {"env", "dev"}}, true},
      {{{"app", "web"}, {"tier", "be"}, {"env", "prod"}}, false},
      {{{"app", "web"}, {"tier", "fe"}, {"canary", ""}}, false},
      {{{"app", "web"}}, false},
      {{{"app", "db"}, {"tier", "fe"}}, false},
      {{}, false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.labels);
    CHECK(s->Matches(c.labels) == c.want);
  }
}

TEST_CASE("LabelSelector::FromLabelSelectorJson rejects bad selectors as Invalid", "[selectors]") {
  struct Case {
    std::string json;
    std::string message;  // "" = only the code is checked
  };
  const std::vector<Case> cases = {
      {R"({"matchExpressions":[{"key":"x","operator":"Gt","values":["1"]}]})",
       "\"Gt\" is not a valid label selector operator"},
      {R"({"matchExpressions":[{"key":"x","operator":"in","values":["1"]}]})",
       "\"in\" is not a valid label selector operator"},
      {R"({"matchExpressions":[{"key":"x"}]})", "\"\" is not a valid label selector operator"},
      {R"({"matchExpressions":[{"key":"x","operator":"In"}]})",
       "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be "
       "empty"},
      {R"({"matchExpressions":[{"key":"x","operator":"NotIn","values":[]}]})",
       "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be "
       "empty"},
      {R"({"matchExpressions":[{"key":"x","operator":"Exists","values":["a","b"]}]})",
       "values: Invalid value: []string{\"a\", \"b\"}: values set must be empty for exists and "
       "does not exist"},
      {R"({"matchExpressions":[{"key":"a_","operator":"Exists"}]})",
       "key: Invalid value: \"a_\": " + kNamePartMsg},
      {R"({"matchExpressions":[{"operator":"Exists"}]})",
       "key: Invalid value: \"\": name part must be non-empty; " + kNamePartMsg},
      {R"({"matchExpressions":[{"key":"x","operator":"In","values":["ok","no way"]}]})",
       "values[1][x]: Invalid value: \"no way\": " + kLabelValueMsg},
      {R"({"matchLabels":{"k":"a b"}})", "values[0][k]: Invalid value: \"a b\": " + kLabelValueMsg},
      {R"({"matchLabels":{"k_":"-"}})",
       "[key: Invalid value: \"k_\": " + kNamePartMsg +
           ", values[0][k_]: Invalid value: \"-\": " + kLabelValueMsg + "]"},
      {R"([])", ""},
      {R"("app=web")", ""},
      {R"({"matchLabels":[]})", ""},
      {R"({"matchLabels":{"a":1}})", ""},
      {R"({"matchExpressions":{}})", ""},
      {R"({"matchExpressions":[1]})", ""},
      {R"({"matchExpressions":[{"key":"x","operator":"In","values":"a"}]})", ""},
      {R"({"matchExpressions":[{"key":"x","operator":"In","values":[1]}]})", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.json);
    auto doc = ParseJson(c.json);
    REQUIRE(doc.has_value());
    auto s = LabelSelector::FromLabelSelectorJson(*doc);
    REQUIRE_FALSE(s.has_value());
    CHECK(s.error().code() == Code::kInvalid);
    if (!c.message.empty()) CHECK(s.error().message() == c.message);
  }
}

TEST_CASE("LabelsFromObject reads metadata.labels with string values", "[selectors]") {
  struct Case {
    std::string json;
    Labels want;
  };
  const std::vector<Case> cases = {
      {R"({})", {}},
      {R"({"metadata":{}})", {}},
      {R"({"metadata":{"labels":null}})", {}},
      {R"({"metadata":{"labels":["a"]}})", {}},
      {R"({"metadata":{"labels":{"a":"1","b":"","c":2,"d":null}}})", {{"a", "1"}, {"b", ""}}},
      {R"({"metadata":{"labels":{"a":"1","a":"2"}}})", {{"a", "2"}}},
      {R"({"labels":{"a":"1"}})", {}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.json);
    auto doc = ParseJson(c.json);
    REQUIRE(doc.has_value());
    CHECK(LabelsFromObject(*doc) == c.want);
  }
}

}  // namespace
}  // namespace orchd::api
