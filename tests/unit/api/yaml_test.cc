#include "api/yaml.h"

#include <catch2/catch.hpp>
#include <string>
#include <utility>

#include "api/json.h"

namespace orchd::api {
namespace {

JsonDoc Json(const std::string& text) {
  auto doc = ParseJson(text);
  INFO(text);
  REQUIRE(doc.has_value());
  return std::move(*doc);
}

// ParseYaml(text) as compact JSON, or "ERR <message>".
std::string YamlToJson(const std::string& text) {
  auto doc = ParseYaml(text);
  if (!doc.has_value()) {
    CHECK(doc.error().code() == Code::kBadRequest);
    return "ERR " + doc.error().message();
  }
  return ToJson(*doc);
}

TEST_CASE("ParseYaml resolves plain scalars as go-yaml v2 does", "[yaml]") {
  struct Case {
    const char* scalar;
    const char* json;
  };
  const Case cases[] = {
      // null
      {"", "null"},
      {"~", "null"},
      {"null", "null"},
      {"Null", "null"},
      {"NULL", "null"},
      {"nULL", R"("nULL")"},
      // YAML 1.1 booleans
      {"true", "true"},
      {"True", "true"},
      {"TRUE", "true"},
      {"yes", "true"},
      {"Yes", "true"},
      {"YES", "true"},
      {"y", "true"},
      {"Y", "true"},
      {"on", "true"},
      {"On", "true"},
      {"ON", "true"},
      {"false", "false"},
      {"False", "false"},
      {"no", "false"},
      {"NO", "false"},
      {"n", "false"},
      {"N", "false"},
      {"off", "false"},
      {"Off", "false"},
      {"OFF", "false"},
      {"yES", R"("yES")"},
      {"tRUE", R"("tRUE")"},
      {"ok", R"("ok")"},
      // integers
      {"0", "0"},
      {"42", "42"},
      {"-17", "-17"},
      {"+12", "12"},
      {"1_000", "1000"},
      {"0x1F", "31"},
      {"0X1f", "31"},
      {"-0x10", "-16"},
      {"0o17", "15"},
      {"017", "15"},
      {"0b101", "5"},
      {"-0b101", "-5"},
      {"9223372036854775807", "9223372036854775807"},
      {"-9223372036854775808", "-9223372036854775808"},
      {"9223372036854775808", "9223372036854775808"},
      {"18446744073709551615", "18446744073709551615"},
      // floats; integral values come out as integers, as after upstream's trip through JSON
      {"1.5", "1.5"},
      {"-0.25", "-0.25"},
      {".5", "0.5"},
      {"+.5", "0.5"},
      {"1e3", "1000"},
      {"1.5e-7", "1.5e-7"},
      {"3.0", "3"},
      {"1.", "1"},
      {"08", "8"},
      {"09.5", "9.5"},
      {"1_000.5", "1000.5"},
      {"1e300", "1e300"},
      {"18446744073709551616", "18446744073709553000.0"},
      // strings
      {"abc", R"("abc")"},
      {"0x", R"("0x")"},
      {"0b2", R"("0b2")"},
      {"1e", R"("1e")"},
      {"1.2.3", R"("1.2.3")"},
      {"1:20", R"("1:20")"},
      {"-x", R"("-x")"},
      {"+", R"("+")"},
      {"_1", R"("_1")"},
      {".", R"(".")"},
      {"NaN", R"("NaN")"},
      {"Infinity", R"("Infinity")"},
      {"<<", R"("<<")"},
      {"1e400", R"("1e400")"},
      {"0x1.8p1", R"("0x1.8p1")"},
      // timestamps stay strings
      {"2001-12-14", R"("2001-12-14")"},
      {"2001-12-14t21:59:43.10-05:00", R"("2001-12-14t21:59:43.10-05:00")"},
      {"2024-01-02T03:04:05Z", R"("2024-01-02T03:04:05Z")"},
      // quoted scalars are always strings
      {R"("true")", R"("true")"},
      {"'123'", R"("123")"},
      {R"("")", R"("")"},
      {"'~'", R"("~")"},
      {R"("null")", R"("null")"},
      {R"("a\tb\u00e9")", R"("a\tbé")"},
      // tags
      {"!!str 12", R"("12")"},
      {"!!str true", R"("true")"},
      {"!!int \"12\"", "12"},
      {"!!float 3", "3"},
      {"!!bool \"yes\"", "true"},
      {"!!null \"\"", "null"},
      {"!!timestamp 2001-12-14", R"("2001-12-14")"},
      {"!custom 12", R"("12")"},
      {"! 12", R"("12")"},
      {"!!binary aGVsbG8=", R"("hello")"},
      {"!!binary |\n    aGVs\n    bG8=", R"("hello")"},
  };
  for (const Case& c : cases) {
    const std::string yaml = std::string("v: ") + c.scalar;
    INFO(yaml);
    CHECK(YamlToJson(yaml) == std::string(R"({"v":)") + c.json + "}");
  }
}

TEST_CASE("ParseYaml turns map keys into strings as sigs.k8s.io/yaml does", "[yaml]") {
  struct Case {
    const char* yaml;
    const char* json;
  };
  const Case cases[] = {
      {"1: a", R"({"1":"a"})"},
      {"0x10: a", R"({"16":"a"})"},
      {"-3: a", R"({"-3":"a"})"},
      {"true: a", R"({"true":"a"})"},
      {"yes: a", R"({"true":"a"})"},
      {"n: a", R"({"false":"a"})"},
      {"1.5: a", R"({"1.5":"a"})"},
      {"1.0: a", R"({"1":"a"})"},
      {"1e7: a", R"({"1e+07":"a"})"},
      {"3.14159265358979: a", R"({"3.1415927":"a"})"},
      {".inf: a", R"({".inf":"a"})"},
      {"\"1\": a", R"({"1":"a"})"},
      {"2001-12-14: a", R"({"2001-12-14":"a"})"},
      {"? |\n  multi\n  line\n: a", R"({"multi\nline\n":"a"})"},
      {"&k key: 1\nother: *k", R"({"key":1,"other":"key"})"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    CHECK(YamlToJson(c.yaml) == c.json);
  }
}

TEST_CASE("ParseYaml handles structure, styles, anchors and merges", "[yaml]") {
  struct Case {
    const char* yaml;
    const char* json;
  };
  const Case cases[] = {
      // Block and flow collections.
      {"a:\n  b:\n  - 1\n  - x: u\n    z: [1, {w: v}]\n",
       R"({"a":{"b":[1,{"x":"u","z":[1,{"w":"v"}]}]}})"},
      {"- a\n- - b\n  - c\n-\n  d: e\n", R"(["a",["b","c"],{"d":"e"}])"},
      {"{a: 1, b: [x, y], c: {}}", R"({"a":1,"b":["x",true],"c":{}})"},  // y is a YAML 1.1 bool
      {"a: []\nb: {}\nc:\nd: ''", R"({"a":[],"b":{},"c":null,"d":""})"},
      // JSON is YAML.
      {R"({"a": [1, 2.5, "x", true, null], "b": {"c": "d"}})",
       R"({"a":[1,2.5,"x",true,null],"b":{"c":"d"}})"},
      // Multi-line strings.
      {"a: |\n  x\n  y\n", R"({"a":"x\ny\n"})"},
      {"a: |-\n  x\n  y\n", R"({"a":"x\ny"})"},
      {"a: |+\n  x\n\n", R"({"a":"x\n\n"})"},
      {"a: >\n  folded\n  text\n\n  para\n", R"({"a":"folded text\npara\n"})"},
      {"a: >-\n  x\n  y\n", R"({"a":"x y"})"},
      {"a: |2\n   lead\n  x\n", R"({"a":" lead\nx\n"})"},
      {"a: plain\n  continued\n  lines\n", R"({"a":"plain continued lines"})"},
      {"a: \"esc\\n\\u263A\"\nb: 'it''s'", R"({"a":"esc\n☺","b":"it's"})"},
      // Comments, document markers, unicode.
      {"# c\na: 1 # trailing\n# end\n", R"({"a":1})"},
      {"---\na: 1\n...\n", R"({"a":1})"},
      {"名前: 値\nemoji: 😀", R"({"名前":"値","emoji":"😀"})"},
      {"\xEF\xBB\xBF"
       "a: 1",
       R"({"a":1})"},
      // Anchors and aliases.
      {"a: &x {b: 1}\nc: *x", R"({"a":{"b":1},"c":{"b":1}})"},
      {"a: &x [1, 2]\nb: [*x, *x]", R"({"a":[1,2],"b":[[1,2],[1,2]]})"},
      {"a: &x 1\nb: &x 2\nc: *x", R"({"a":1,"b":2,"c":2})"},
      // Merge keys: explicit keys before `<<` are overridden, after it they win; in a list of
      // maps, earlier maps win.
      {"base: &b {x: 1, w: 2}\nm:\n  <<: *b\n  w: 3",
       R"({"base":{"x":1,"w":2},"m":{"x":1,"w":3}})"},
      {"b: &b {k: 1}\nm:\n  k: 0\n  <<: *b", R"({"b":{"k":1},"m":{"k":1}})"},
      {"a: &a {k: a, p: 1}\nb: &b {k: b, q: 2}\nm:\n  <<: [*a, *b]",
       R"({"a":{"k":"a","p":1},"b":{"k":"b","q":2},"m":{"k":"a","q":2,"p":1}})"},
      {"m:\n  <<: {x: 1}\n  z: 2", R"({"m":{"x":1,"z":2}})"},
      {"m:\n  !!merge <<: {x: 1}", R"({"m":{"x":1}})"},
      {"m:\n  '<<': {x: 1}", R"({"m":{"<<":{"x":1}}})"},
      // Duplicate keys: the last value wins, the first position stays.
      {"a: 1\nb: 2\na: 3", R"({"a":3,"b":2})"},
      {"1: a\n\"1\": b", R"({"1":"b"})"},
      // Tags on collections are ignored.
      {"a: !!map {b: 1}\nc: !!seq [1]", R"({"a":{"b":1},"c":[1]})"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    CHECK(YamlToJson(c.yaml) == c.json);
  }
}

TEST_CASE("ParseYaml takes the single non-empty document of a stream", "[yaml]") {
  struct Case {
    const char* yaml;
    const char* json;
  };
  const Case cases[] = {
      {"", "null"},
      {"\n\n", "null"},
      {"# nothing but a comment\n", "null"},
      {"---\n", "null"},
      {"null", "null"},
      {"~\n", "null"},
      {"---\n---\na: 1\n---\n", R"({"a":1})"},
      {"a: 1\n---\n", R"({"a":1})"},
      {"---\n# c\n---\n- x\n...\n", R"(["x"])"},
      {"plain scalar", R"("plain scalar")"},
      {"''", R"("")"},
      {"42", "42"},
      {"a: 1\n---\nb: 2\n", "ERR expected a single YAML document"},
      {"- 1\n---\n''\n", "ERR expected a single YAML document"},
      // A later document is still parsed: its errors count.
      {"a: 1\n---\nb: [\n",
       "ERR error converting YAML to JSON: yaml: line 3: did not find "
       "expected node content"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    CHECK(YamlToJson(c.yaml) == c.json);
  }
  auto none = ParseYaml(std::string_view());
  REQUIRE(none.has_value());
  CHECK(none->IsNull());
}

TEST_CASE("ParseYaml rejects malformed input with upstream messages", "[yaml]") {
  struct Case {
    const char* yaml;
    const char* error;
  };
  const Case cases[] = {
      // Scanner errors carry the 1-based line; parser errors go-yaml's 0-based one.
      {"a: b\nc: d: e", "yaml: line 2: mapping values are not allowed in this context"},
      {"a: 1\nb: 2\nc: d: e", "yaml: line 3: mapping values are not allowed in this context"},
      {"a: b\n  c: d", "yaml: line 2: mapping values are not allowed in this context"},
      {"a:\n  - b\n  c: d", "yaml: line 2: did not find expected '-' indicator"},
      {"- a\nb: c", "yaml: line 1: did not find expected '-' indicator"},
      {"a: [1, 2", "yaml: line 1: did not find expected ',' or ']'"},
      {"a: [1,\n2,\n3", "yaml: line 3: did not find expected ',' or ']'"},
      {"{a: 1", "yaml: line 1: did not find expected ',' or '}'"},
      {"a: \"unterminated", "yaml: found unexpected end of stream"},
      {"\ta: b", "yaml: found character that cannot start any token"},
      {"a: @b", "yaml: found character that cannot start any token"},
      {"a: !x!y 1", "yaml: found undefined tag handle"},
      {"%YAML 2.0\n---\na: 1", "yaml: found incompatible YAML document"},
      // Reader errors have no line.
      {"a: \xff", "yaml: invalid leading UTF-8 octet"},
      {"a: \"\x01\"", "yaml: control characters are not allowed"},
      // Decoding errors.
      {"a: *nope", "yaml: unknown anchor 'nope' referenced"},
      {"a: &x [1, *x]", "yaml: anchor 'x' value contains itself"},
      {"a: &x {b: *x}", "yaml: anchor 'x' value contains itself"},
      {"a: !!int abc", "yaml: cannot decode !!str `abc` as a !!int"},
      {"a: !!bool 1", "yaml: cannot decode !!int `1` as a !!bool"},
      {"a: !!null x", "yaml: cannot decode !!str `x` as a !!null"},
      {"a: !!float 18446744073709551615",
       "yaml: cannot decode !!int `18446744073709551615` as a "
       "!!float"},
      {"a: !!binary '%%%'", "yaml: !!binary value contains invalid base64 data"},
      {"m:\n  <<: 1", "yaml: map merge requires map or sequence of maps as the value"},
      {"a: &a [1]\nm:\n  <<: *a", "yaml: map merge requires map or sequence of maps as the value"},
      {"m:\n  <<: [{a: 1}, 2]", "yaml: map merge requires map or sequence of maps as the value"},
      {"[a, b]: c", "yaml: invalid map key: [\"a\",\"b\"]"},
      {"? {a: 1}\n: c", "yaml: invalid map key: {\"a\":1}"},
      // Conversion to JSON.
      {"~: a", "Unsupported map key of type: %!s(<nil>), key: <nil>, value: \"a\""},
      {"null: {b: 1}", "Unsupported map key of type: %!s(<nil>), key: <nil>, value: {\"b\":1}"},
      {"18446744073709551615: a",
       "Unsupported map key of type: uint64, key: 0xffffffffffffffff, value: \"a\""},
      {"a: .inf", "json: unsupported value: +Inf"},
      {"a: [-.inf]", "json: unsupported value: -Inf"},
      {"a: .NaN", "json: unsupported value: NaN"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    CHECK(YamlToJson(c.yaml) == std::string("ERR error converting YAML to JSON: ") + c.error);
  }
}

TEST_CASE("ParseYaml limits nesting depth", "[yaml]") {
  auto flow = [](int n) { return std::string(n, '[') + std::string(n, ']'); };
  auto block = [](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += std::string(static_cast<size_t>(2 * i), ' ') + "k:\n";
    return s + std::string(static_cast<size_t>(2 * n), ' ') + "leaf\n";
  };
  const std::string too_deep = "ERR error converting YAML to JSON: yaml: exceeded max depth of 100";
  CHECK(YamlToJson(flow(kMaxYamlDepth)).starts_with("[[[["));
  CHECK(YamlToJson(flow(kMaxYamlDepth + 1)) == too_deep);
  CHECK(YamlToJson(block(kMaxYamlDepth)).starts_with(R"({"k":{"k":)"));
  CHECK(YamlToJson(block(kMaxYamlDepth + 1)) == too_deep);
  // Far too deep fails fast, before libyaml has read it all.
  CHECK(YamlToJson(flow(1'000'000)) == too_deep);
  // Aliases can nest an anchored collection deeper than the text shows.
  const std::string inner = std::string(60, '[') + std::string(60, ']');
  CHECK(YamlToJson("a: &x " + inner + "\nb: " + std::string(50, '[') + "*x" +
                   std::string(50, ']')) == too_deep);
}

TEST_CASE("ParseYaml stops alias bombs", "[yaml]") {
  SECTION("billion laughs") {
    std::string yaml = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
    for (char c = 'b'; c <= 'i'; ++c) {
      const char prev = static_cast<char>(c - 1);
      yaml += std::string(1, c) + ": &" + c + " [";
      for (int i = 0; i < 9; ++i) yaml += std::string(i > 0 ? ", *" : "*") + prev;
      yaml += "]\n";
    }
    CHECK(YamlToJson(yaml) ==
          "ERR error converting YAML to JSON: yaml: document contains excessive aliasing");
  }
  SECTION("a large string repeated") {
    std::string yaml = "a: &a '" + std::string(1 << 20, 'x') + "'\nb: [";
    for (int i = 0; i < 40; ++i) yaml += i > 0 ? ", *a" : "*a";
    yaml += "]\n";
    CHECK(YamlToJson(yaml) ==
          "ERR error converting YAML to JSON: yaml: document contains excessive aliasing");
  }
  SECTION("a large key repeated") {
    std::string yaml = "a: &k '" + std::string(1 << 20, 'x') + "'\nm: {";
    for (int i = 0; i < 40; ++i) yaml += i > 0 ? ", *k : 1" : "*k : 1";
    yaml += "}\n";
    CHECK(YamlToJson(yaml) ==
          "ERR error converting YAML to JSON: yaml: document contains excessive aliasing");
  }
  SECTION("moderate alias use is fine") {
    std::string yaml = "a: &a {k: v}\nb: [";
    for (int i = 0; i < 1000; ++i) yaml += i > 0 ? ", *a" : "*a";
    yaml += "]\n";
    auto doc = ParseYaml(yaml);
    REQUIRE(doc.has_value());
    CHECK((*doc)["b"].Size() == 1000);
  }
}

TEST_CASE("ToYaml prints what kubectl -o yaml prints", "[yaml]") {
  JsonDoc pod = Json(R"({"apiVersion":"v1","kind":"Pod",
      "metadata":{"name":"web","labels":{"app":"web"},"annotations":{"note":"line1\nline2"},
                  "creationTimestamp":"2024-01-02T03:04:05Z"},
      "spec":{"containers":[{"name":"c","image":"nginx:1.25","args":["--port","8080"],
                             "ports":[{"containerPort":80}],"env":[]}],"nodeSelector":{}},
      "status":{"phase":"Pending","ready":false,"ratio":0.5,"restarts":0,"empty":"",
                "ver":"1.0","n":null}})");
  CHECK(ToYaml(pod) == R"(apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
  annotations:
    note: |-
      line1
      line2
  creationTimestamp: "2024-01-02T03:04:05Z"
spec:
  containers:
  - name: c
    image: nginx:1.25
    args:
    - --port
    - "8080"
    ports:
    - containerPort: 80
    env: []
  nodeSelector: {}
status:
  phase: Pending
  ready: false
  ratio: 0.5
  restarts: 0
  empty: ""
  ver: "1.0"
  "n": null
)");
}

TEST_CASE("ToYaml quotes only what needs quoting", "[yaml]") {
  struct Case {
    const char* json;  // a JSON value
    const char* yaml;  // ToYaml of {"k": value}, without the "k: " and the final newline
  };
  const Case cases[] = {
      // Plain when it reads back as the same string.
      {R"("hello world")", "hello world"},
      {R"("a#b")", "a#b"},
      {R"("x,y")", "x,y"},
      {R"("1.2.3")", "1.2.3"},
      {R"("yES")", "yES"},
      {R"("nginx:1.25")", "nginx:1.25"},
      {R"("2024-13-01")", "2024-13-01"},
      {R"("12:60")", "12:60"},
      {R"("héllo ☃")", "héllo ☃"},
      // Double-quoted when it would read back as another type.
      {R"("true")", R"("true")"},
      {R"("yes")", R"("yes")"},
      {R"("Off")", R"("Off")"},
      {R"("y")", R"("y")"},
      {R"("123")", R"("123")"},
      {R"("0x1F")", R"("0x1F")"},
      {R"("1e3")", R"("1e3")"},
      {R"(".5")", R"(".5")"},
      {R"("1_000")", R"("1_000")"},
      {R"("null")", R"("null")"},
      {R"("~")", R"("~")"},
      {R"("")", R"("")"},
      {R"(".nan")", R"(".nan")"},
      {R"("<<")", R"("<<")"},
      {R"("1:20")", R"("1:20")"},
      {R"("2024-02-29")", R"("2024-02-29")"},
      {R"("2001-12-14 21:59:43.10")", R"("2001-12-14 21:59:43.10")"},
      // Single-quoted when it holds YAML syntax.
      {R"("a: b")", "'a: b'"},
      {R"("- x")", "'- x'"},
      {R"("-")", "'-'"},
      {R"("a #b")", "'a #b'"},
      {R"("@x")", "'@x'"},
      {R"("*x")", "'*x'"},
      {R"("&x")", "'&x'"},
      {R"("!x")", "'!x'"},
      {R"("%x")", "'%x'"},
      {R"("[x")", "'[x'"},
      {R"("{x")", "'{x'"},
      {R"("x:")", "'x:'"},
      {R"(" lead")", "' lead'"},
      {R"("trail ")", "'trail '"},
      {R"("'x")", "'''x'"},
      {R"("\"x")", R"('"x')"},
      // Double-quoted with escapes for characters that cannot appear raw.
      {R"("a\tb")", R"("a\tb")"},
      {R"("a\u0000b")", R"("a\0b")"},
      {R"("\u007f")", R"("\x7F")"},
      {R"("😀")", R"("\U0001F600")"},
      {R"("x\r\ny")", R"("x\r\ny")"},
      // Literal block for multi-line text, with the chomping indicator it needs.
      {R"("l1\nl2")", "|-\n  l1\n  l2"},
      {R"("l1\nl2\n")", "|\n  l1\n  l2"},
      {R"("  indented\nx")", "|2-\n    indented\n  x"},
      {R"("\n")", "|2+\n"},
      // Non-strings.
      {"null", "null"},
      {"true", "true"},
      {"false", "false"},
      {"0", "0"},
      {"-12", "-12"},
      {"18446744073709551615", "18446744073709551615"},
      {"1.5", "1.5"},
      {"1.0", "1"},
      {"100000.0", "100000"},
      {"1234567.0", "1.234567e+06"},
      {"0.0001", "0.0001"},
      {"0.00001", "1e-05"},
      {"1e21", "1e+21"},
      {"-2.5e-10", "-2.5e-10"},
      {"[]", "[]"},
      {"{}", "{}"},
  };
  for (const Case& c : cases) {
    INFO(c.json);
    JsonDoc doc = Json(std::string(R"({"k":)") + c.json + "}");
    CHECK(ToYaml(doc) == std::string("k: ") + c.yaml + "\n");
  }
}

TEST_CASE("ToYaml handles keys, root scalars, long text and binary data", "[yaml]") {
  struct Case {
    const char* json;
    const char* yaml;
  };
  const Case cases[] = {
      {R"("abc")", "abc\n"},
      {R"("true")", "\"true\"\n"},
      {"null", "null\n"},
      {"7", "7\n"},
      {"{}", "{}\n"},
      {"[]", "[]\n"},
      {R"("a\nb")", "|-\n  a\n  b\n"},
      {R"([[1,2],[],{"a":[]}])", "- - 1\n  - 2\n- []\n- a: []\n"},
      {R"({"true":1,"123":2,"a: b":3,"":4})", "\"true\": 1\n\"123\": 2\n'a: b': 3\n\"\": 4\n"},
      {R"({"long":"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore."})",
       "long: Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor\n"
       "  incididunt ut labore.\n"},
      {R"({"multi\nline":1})", "? |-\n  multi\n  line\n: 1\n"},
  };
  for (const Case& c : cases) {
    INFO(c.json);
    CHECK(ToYaml(Json(c.json)) == c.yaml);
  }

  SECTION("strings that are not UTF-8 go out as !!binary") {
    JsonDoc doc;
    doc.SetObject();
    SetString(doc, "short", std::string_view("\xff\xfe", 2), doc.GetAllocator());
    SetString(doc, "long", std::string(60, '\xff'), doc.GetAllocator());
    const std::string yaml = ToYaml(doc);
    CHECK(yaml ==
          "short: !!binary //4=\n"
          "long: !!binary |\n"
          "  " +
              std::string(70, '/') + "\n  " + std::string(10, '/') + "\n");
    auto back = ParseYaml(yaml);
    REQUIRE(back.has_value());
    CHECK(JsonEqual(*back, doc));
  }
}

TEST_CASE("ToYaml output parses back to the same JSON", "[yaml]") {
  const char* docs[] = {
      R"({"s1":"true","s2":"123","s3":"","s4":"a: b","s5":"null","s6":"~","s7":"0o17"})",
      R"({"m1":"line1\nline2","m2":"trailing newline\n","m3":"\n\n","m4":"  lead\n","m5":"a\n b\n"})",
      R"({"m6":"tab\there\nnext","m7":"line\n  ","m8":"crlf\r\nline","m9":"a\u0000b\nc"})",
      R"({"u1":"日本語 テキスト","u2":"emoji 😀","u3":"e\u0301","u4":"\u2028sep\u2029","u5":"\u0085"})",
      R"({"u6":"\ufeffbom","u7":"שלום","u8":"\u00a0nbsp"})",
      R"({"n":[[1,[2,[3,[]]]],[{"a":[{"b":[]}]}],[[],[{}]]]})",
      R"({"k":[true,false,null,0,-1,1.5,1e-7,1e300,18446744073709551615,-9223372036854775808]})",
      R"({"true":"yes","123":"0x1F","null":"~","- x":"# y","a: b":"c: d","":"","<<":"merge"})",
      R"({"multi\nline key":{"a":[1,{"b":null}]},"? q":"?x","| p":"> f"})",
      R"({"quote":"it's \"quoted\"","backslash":"a\\b","colon":"a:b","hash":"a #b","dash":"-a"})",
      R"({"long":"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud"})",
      R"({"spaces":"a b  c   d    e     f      g       h        i         j          k           l            m"})",
      R"({"x":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})",
      R"({"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk":1})",
      R"({"ts":"2024-01-02T03:04:05Z","date":"2001-12-14","b60":"190:20:30","ver":"1.10"})",
      R"(["top","level",{"list":[]}])",
      R"("just a string")",
      R"("")",
      R"("yes")",
      R"(3.25)",
      R"(null)",
  };
  for (const char* text : docs) {
    INFO(text);
    JsonDoc doc = Json(text);
    const std::string yaml = ToYaml(doc);
    INFO(yaml);
    auto back = ParseYaml(yaml);
    REQUIRE(back.has_value());
    CHECK(JsonEqual(*back, doc));
  }
}

TEST_CASE("LooksLikeJson checks the first non-space byte", "[yaml]") {
  struct Case {
    const char* text;
    bool json;
  };
  const Case cases[] = {
      {"{}", true},   {"[1]", true},    {"  \n\t{\"a\":1}", true}, {"\r\n[", true},
      {"", false},    {"   ", false},   {"a: 1", false},           {"- x", false},
      {"# {", false}, {"\"{\"", false}, {"---\n{}", false},        {"x{", false},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(LooksLikeJson(c.text) == c.json);
  }
}

}  // namespace
}  // namespace orchd::api
