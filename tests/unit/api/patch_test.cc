#include "api/patch.h"

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

// ---------------------------------------------------------------------------------------------
// Merge patch.

TEST_CASE("ApplyMergePatch follows RFC 7386", "[patch]") {
  struct Case {
    const char* target;
    const char* patch;
    const char* want;
  };
  // RFC 7386 appendix A, then Kubernetes-shaped cases.
  const Case cases[] = {
      {R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
      {R"({"a":"b"})", R"({"a":null})", R"({})"},
      {R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
      {R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
      {R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})", R"({"a":{"b":"d"}})"},
      {R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
      {R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
      {R"({"a":"b"})", R"(["c"])", R"(["c"])"},
      {R"({"a":"foo"})", "null", "null"},
      {R"({"a":"foo"})", R"("bar")", R"("bar")"},
      {R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
      {R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
      {R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"},
      // Arrays are replaced whole, nulls inside them kept.
      {R"({"a":[1,2,3]})", R"({"a":[null]})", R"({"a":[null]})"},
      // A scalar member becomes an object.
      {R"({"a":1})", R"({"a":{"b":null,"c":2}})", R"({"a":{"c":2}})"},
      // Deleting a missing member is a no-op; an empty patch changes nothing.
      {R"({"a":1})", R"({"zz":null})", R"({"a":1})"},
      {R"({"a":1})", R"({})", R"({"a":1})"},
      {R"({"metadata":{"name":"x","labels":{"app":"web","tier":"fe"}},"spec":{"replicas":1}})",
       R"({"metadata":{"labels":{"tier":null,"env":"prod"}},"spec":{"replicas":3}})",
       R"({"metadata":{"name":"x","labels":{"app":"web","env":"prod"}},"spec":{"replicas":3}})"},
  };
  for (const Case& c : cases) {
    INFO(c.target << " + " << c.patch);
    JsonDoc target = Json(c.target);
    JsonDoc patch = Json(c.patch);
    REQUIRE(ApplyMergePatch(target, patch, target.GetAllocator()).ok());
    JsonDoc want = Json(c.want);
    CHECK(ToJson(target) == ToJson(want));
    CHECK(JsonEqual(target, want));
  }
}

TEST_CASE("ApplyMergePatch keeps member order and copies out of the patch", "[patch]") {
  JsonDoc target = Json(R"({"x":1,"y":2,"z":3})");
  {
    JsonDoc patch = Json(R"({"y":{"deep":"value"},"w":"new"})");
    REQUIRE(ApplyMergePatch(target, patch, target.GetAllocator()).ok());
  }  // the patch document is gone: nothing may point into it
  CHECK(ToJson(target) == R"({"x":1,"y":{"deep":"value"},"z":3,"w":"new"})");
}

TEST_CASE("CreateMergePatch computes a two-way diff", "[patch]") {
  struct Case {
    const char* original;
    const char* modified;
    const char* want;
  };
  const Case cases[] = {
      {R"({"a":1})", R"({"a":1})", R"({})"},
      {R"({"a":1})", R"({"a":2})", R"({"a":2})"},
      {R"({"a":1,"b":2})", R"({"a":1})", R"({"b":null})"},
      {R"({"a":1})", R"({"a":1,"b":{"c":true}})", R"({"b":{"c":true}})"},
      {R"({"a":{"b":1,"c":2}})", R"({"a":{"b":1,"c":3}})", R"({"a":{"c":3}})"},
      {R"({"a":{"b":1}})", R"({"a":{"b":1}})", R"({})"},
      {R"({"a":{"b":1}})", R"({"a":{}})", R"({"a":{"b":null}})"},
      {R"({"a":[1,2]})", R"({"a":[1,2]})", R"({})"},
      {R"({"a":[1,2]})", R"({"a":[2,1]})", R"({"a":[2,1]})"},
      {R"({"a":{"b":1}})", R"({"a":"s"})", R"({"a":"s"})"},
      {R"({"a":"s"})", R"({"a":{"b":1}})", R"({"a":{"b":1}})"},
      {R"({"a":1})", R"(["x"])", R"(["x"])"},
      {R"([1])", R"({"a":1})", R"({"a":1})"},
      {R"({"a":1})", R"(null)", R"(null)"},
  };
  for (const Case& c : cases) {
    INFO(c.original << " -> " << c.modified);
    JsonDoc original = Json(c.original);
    JsonDoc modified = Json(c.modified);
    auto patch = CreateMergePatch(original, modified);
    REQUIRE(patch.has_value());
    CHECK(JsonEqual(*patch, Json(c.want)));
    // Applying the diff to the original gives the modified document back.
    REQUIRE(ApplyMergePatch(original, *patch, original.GetAllocator()).ok());
    CHECK(JsonEqual(original, modified));
  }
}

// ---------------------------------------------------------------------------------------------
// JSON patch.

TEST_CASE("ApplyJsonPatch applies RFC 6902 operations", "[patch]") {
  struct Case {
    const char* doc;
    const char* patch;
    const char* want;
  };
  // Mostly RFC 6902 appendix A.
  const Case cases[] = {
      {R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux"}])",
       R"({"foo":"bar","baz":"qux"})"},
      {R"({"foo":["bar","baz"]})", R"([{"op":"add","path":"/foo/1","value":"qux"}])",
       R"({"foo":["bar","qux","baz"]})"},
      {R"({"foo":["bar"]})", R"([{"op":"add","path":"/foo/0","value":"x"}])",
       R"({"foo":["x","bar"]})"},
      {R"({"foo":["bar"]})", R"([{"op":"add","path":"/foo/1","value":"x"}])",
       R"({"foo":["bar","x"]})"},
      {R"({"foo":["bar"]})", R"([{"op":"add","path":"/foo/-","value":["abc","def"]}])",
       R"({"foo":["bar",["abc","def"]]})"},
      {R"({"foo":"bar"})", R"([{"op":"add","path":"/foo","value":"replaced"}])",
       R"({"foo":"replaced"})"},
      {R"({"foo":"bar"})", R"([{"op":"add","path":"/child","value":{"grandchild":{}}}])",
       R"({"foo":"bar","child":{"grandchild":{}}})"},
      {R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux","xyz":123}])",
       R"({"foo":"bar","baz":"qux"})"},
      {R"({"foo":"bar"})", R"([{"op":"add","path":"","value":[1]}])", R"([1])"},
      {R"({"foo":"bar"})", R"([{"op":"add","path":"/n","value":null}])",
       R"({"foo":"bar","n":null})"},
      {R"({"baz":"qux","foo":"bar"})", R"([{"op":"remove","path":"/baz"}])", R"({"foo":"bar"})"},
      {R"({"foo":["bar","qux","baz"]})", R"([{"op":"remove","path":"/foo/1"}])",
       R"({"foo":["bar","baz"]})"},
      {R"({"baz":"qux","foo":"bar"})", R"([{"op":"replace","path":"/baz","value":"boo"}])",
       R"({"baz":"boo","foo":"bar"})"},
      {R"({"a":[1,2]})", R"([{"op":"replace","path":"/a/1","value":{"x":1}}])",
       R"({"a":[1,{"x":1}]})"},
      {R"({"a":1})", R"([{"op":"replace","path":"","value":"whole"}])", R"("whole")"},
      {R"({"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}})",
       R"([{"op":"move","from":"/foo/waldo","path":"/qux/thud"}])",
       R"({"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}})"},
      {R"({"foo":["all","grass","cows","eat"]})",
       R"([{"op":"move","from":"/foo/1","path":"/foo/3"}])",
       R"({"foo":["all","cows","eat","grass"]})"},
      {R"({"foo":["a","b"]})", R"([{"op":"move","from":"/foo/0","path":"/foo/-"}])",
       R"({"foo":["b","a"]})"},
      {R"({"a":1})", R"([{"op":"move","from":"/a","path":"/a"}])", R"({"a":1})"},
      {R"({"a":{"b":[1,2]}})", R"([{"op":"copy","from":"/a/b","path":"/c"}])",
       R"({"a":{"b":[1,2]},"c":[1,2]})"},
      {R"({"a":[1,2]})", R"([{"op":"copy","from":"/a/0","path":"/a/-"}])", R"({"a":[1,2,1]})"},
      {R"({"a":{"b":1}})", R"([{"op":"copy","from":"","path":"/a/self"}])",
       R"({"a":{"b":1,"self":{"a":{"b":1}}}})"},
      {R"({"baz":"qux","foo":["a",2,"c"]})",
       R"([{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}])",
       R"({"baz":"qux","foo":["a",2,"c"]})"},
      {R"({"a":1})", R"([{"op":"test","path":"/a","value":1.0}])", R"({"a":1})"},
      {R"({"a":{"x":[1,{"y":null}]}})",
       R"([{"op":"test","path":"","value":{"a":{"x":[1,{"y":null}]}}}])",
       R"({"a":{"x":[1,{"y":null}]}})"},
      {R"({"/":9,"~1":10})", R"([{"op":"test","path":"/~01","value":10},
                                 {"op":"replace","path":"/~1","value":0}])",
       R"({"/":0,"~1":10})"},
      {R"({"":1})", R"([{"op":"replace","path":"/","value":2}])", R"({"":2})"},
      {R"({"a":{"b":{"c":1}}})", R"([{"op":"add","path":"/a/b/d","value":2}])",
       R"({"a":{"b":{"c":1,"d":2}}})"},
      {R"({"items":[{"name":"a"},{"name":"b"}]})",
       R"([{"op":"replace","path":"/items/1/name","value":"c"}])",
       R"({"items":[{"name":"a"},{"name":"c"}]})"},
      {R"({"a":1})", R"([])", R"({"a":1})"},
      // Operations see the effect of the ones before them.
      {R"({})", R"([{"op":"add","path":"/a","value":{}},{"op":"add","path":"/a/b","value":1},
                    {"op":"test","path":"/a/b","value":1},{"op":"remove","path":"/a/b"}])",
       R"({"a":{}})"},
  };
  for (const Case& c : cases) {
    INFO(c.doc << " + " << c.patch);
    JsonDoc doc = Json(c.doc);
    JsonDoc patch = Json(c.patch);
    Status s = ApplyJsonPatch(doc, patch, doc.GetAllocator());
    INFO(s.ToString());
    REQUIRE(s.ok());
    JsonDoc want = Json(c.want);
    CHECK(ToJson(doc) == ToJson(want));
  }
}

TEST_CASE("ApplyJsonPatch reports errors with upstream codes and messages", "[patch]") {
  struct Case {
    const char* doc;
    const char* patch;
    Code code;
    const char* message;
  };
  const Case cases[] = {
      // Malformed patches: 400.
      {R"({})", R"({"op":"add"})", Code::kBadRequest,
       "json: cannot unmarshal object into Go value of type jsonpatch.Patch"},
      {R"({})", R"(null)", Code::kBadRequest,
       "json: cannot unmarshal null into Go value of type jsonpatch.Patch"},
      {R"({})", R"([1])", Code::kBadRequest,
       "json: cannot unmarshal number into Go value of type jsonpatch.Operation"},
      {R"({})", R"([{"op":"add","path":"/a","value":1},"x"])", Code::kBadRequest,
       "json: cannot unmarshal string into Go value of type jsonpatch.Operation"},
      {R"({})", R"([{"op":"frobnicate","path":"/a"}])", Code::kBadRequest,
       "Unexpected kind: frobnicate"},
      {R"({})", R"([{"path":"/a"}])", Code::kBadRequest, "Unexpected kind: unknown"},
      {R"({})", R"([{"op":1,"path":"/a"}])", Code::kBadRequest, "Unexpected kind: unknown"},
      {R"({})", R"([{"op":"add","value":1}])", Code::kBadRequest,
       "add operation failed to decode path: operation missing path field: missing value"},
      {R"({})", R"([{"op":"remove","path":null}])", Code::kBadRequest,
       "remove operation failed to decode path: operation missing path field: missing value"},
      {R"({})", R"([{"op":"remove","path":5}])", Code::kBadRequest,
       "remove operation failed to decode path: json: cannot unmarshal number into Go value of "
       "type string"},
      {R"({})", R"([{"op":"add","path":"/a"}])", Code::kBadRequest,
       "add operation failed to decode value: operation, missing value field: missing value"},
      {R"({"a":1})", R"([{"op":"replace","path":"/a"}])", Code::kBadRequest,
       "replace operation failed to decode value: operation, missing value field: missing "
       "value"},
      {R"({"a":1})", R"([{"op":"test","path":"/a"}])", Code::kBadRequest,
       "test operation failed to decode value: operation, missing value field: missing value"},
      {R"({"a":1})", R"([{"op":"move","path":"/b"}])", Code::kBadRequest,
       "move operation failed to decode from: operation, missing from field: missing value"},
      {R"({"a":1})", R"([{"op":"copy","path":"/b"}])", Code::kBadRequest,
       "copy operation failed to decode from: operation, missing from field: missing value"},
      {R"({"a":1})", R"([{"op":"add","path":"a","value":1}])", Code::kBadRequest,
       "add operation failed to decode path: invalid JSON pointer \"a\": it must be empty or "
       "start with '/'"},
      {R"({"a":1})", R"([{"op":"remove","path":"/a~2"}])", Code::kBadRequest,
       "remove operation failed to decode path: invalid JSON pointer \"/a~2\": '~' must be "
       "followed by '0' or '1'"},
      {R"({"a":1})", R"([{"op":"remove","path":"/a~"}])", Code::kBadRequest,
       "remove operation failed to decode path: invalid JSON pointer \"/a~\": '~' must be "
       "followed by '0' or '1'"},
      // Patches that do not apply to this document: 422.
      {R"({"a":1})", R"([{"op":"add","path":"/x/y","value":1}])", Code::kInvalid,
       "add operation does not apply: doc is missing path: \"/x/y\": missing value"},
      {R"({"a":1})", R"([{"op":"add","path":"/a/y","value":1}])", Code::kInvalid,
       "add operation does not apply: doc is missing path: \"/a/y\": missing value"},
      {R"({"a":[1]})", R"([{"op":"add","path":"/a/2","value":1}])", Code::kInvalid,
       "error in add for path: '/a/2': Unable to access invalid index: 2: invalid index "
       "referenced"},
      {R"({"a":[1]})", R"([{"op":"add","path":"/a/-1","value":1}])", Code::kInvalid,
       "error in add for path: '/a/-1': Unable to access invalid index: -1: invalid index "
       "referenced"},
      {R"({"a":[1]})", R"([{"op":"add","path":"/a/01","value":1}])", Code::kInvalid,
       "error in add for path: '/a/01': Unable to access invalid index: 01: invalid index "
       "referenced"},
      {R"({"a":[1]})", R"([{"op":"add","path":"/a/x","value":1}])", Code::kInvalid,
       "error in add for path: '/a/x': Unable to access invalid index: x: invalid index "
       "referenced"},
      {R"({"a":1})", R"([{"op":"remove","path":"/b"}])", Code::kInvalid,
       "error in remove for path: '/b': Unable to remove nonexistent key: b: missing value"},
      {R"({"a":1})", R"([{"op":"remove","path":"/b/c"}])", Code::kInvalid,
       "remove operation does not apply: doc is missing path: \"/b/c\": missing value"},
      {R"({"a":1})", R"([{"op":"remove","path":""}])", Code::kInvalid,
       "remove operation does not apply: doc is missing path: \"\": missing value"},
      {R"({"a":[1]})", R"([{"op":"remove","path":"/a/1"}])", Code::kInvalid,
       "error in remove for path: '/a/1': Unable to access invalid index: 1: invalid index "
       "referenced"},
      {R"({"a":[1]})", R"([{"op":"remove","path":"/a/-"}])", Code::kInvalid,
       "error in remove for path: '/a/-': Unable to access invalid index: -: invalid index "
       "referenced"},
      {R"({"spec":{}})", R"([{"op":"replace","path":"/spec/foo","value":1}])", Code::kInvalid,
       "replace operation does not apply: doc is missing key: /spec/foo: missing value"},
      {R"({"a":1})", R"([{"op":"replace","path":"/spec/foo","value":1}])", Code::kInvalid,
       "replace operation does not apply: doc is missing path: /spec/foo: missing value"},
      {R"({"a":[1]})", R"([{"op":"replace","path":"/a/1","value":1}])", Code::kInvalid,
       "replace operation does not apply: doc is missing key: /a/1: missing value"},
      {R"({"a":1})", R"([{"op":"test","path":"/a","value":2}])", Code::kInvalid,
       "testing value /a failed: test failed"},
      {R"({"a":1})", R"([{"op":"test","path":"/a","value":"1"}])", Code::kInvalid,
       "testing value /a failed: test failed"},
      {R"({"a":{"b":1}})", R"([{"op":"test","path":"/a","value":{"b":1,"c":null}}])",
       Code::kInvalid, "testing value /a failed: test failed"},
      {R"({"a":[1,2]})", R"([{"op":"test","path":"/a","value":[2,1]}])", Code::kInvalid,
       "testing value /a failed: test failed"},
      {R"({"a":1})", R"([{"op":"test","path":"","value":{}}])", Code::kInvalid,
       "testing value  failed: test failed"},
      {R"({"a":1})", R"([{"op":"test","path":"/b","value":null}])", Code::kInvalid,
       "test operation does not apply: is missing path: /b: missing value"},
      {R"({"a":1})", R"([{"op":"move","from":"/b","path":"/c"}])", Code::kInvalid,
       "move operation does not apply: doc is missing from path: /b: missing value"},
      {R"({"a":1})", R"([{"op":"move","from":"/a","path":"/x/y"}])", Code::kInvalid,
       "move operation does not apply: doc is missing destination path: /x/y: missing value"},
      {R"({"a":{"b":1}})", R"([{"op":"move","from":"/a","path":"/a/b/c"}])", Code::kInvalid,
       "move operation does not apply: from /a is a proper prefix of path /a/b/c"},
      {R"({"a":1})", R"([{"op":"copy","from":"/b","path":"/c"}])", Code::kInvalid,
       "copy operation does not apply: doc is missing from path: /b: missing value"},
      {R"({"a":[1]})", R"([{"op":"copy","from":"/a/0","path":"/a/5"}])", Code::kInvalid,
       "error in copy for path: '/a/5': Unable to access invalid index: 5: invalid index "
       "referenced"},
  };
  for (const Case& c : cases) {
    INFO(c.doc << " + " << c.patch);
    JsonDoc doc = Json(c.doc);
    const std::string before = ToJson(doc);
    JsonDoc patch = Json(c.patch);
    Status s = ApplyJsonPatch(doc, patch, doc.GetAllocator());
    CHECK(s.code() == c.code);
    CHECK(s.message() == c.message);
    CHECK(ToJson(doc) == before);
  }
}

TEST_CASE("ApplyJsonPatch is atomic", "[patch]") {
  JsonDoc doc = Json(R"({"metadata":{"name":"a","labels":{"x":"1"}},"list":[1,2,3]})");
  const std::string before = ToJson(doc);
  // The first operations succeed on the working copy; the last one fails.
  JsonDoc patch = Json(R"([
      {"op":"remove","path":"/metadata/labels"},
      {"op":"add","path":"/list/0","value":0},
      {"op":"replace","path":"","value":{"gone":true}},
      {"op":"test","path":"/gone","value":false}])");
  Status s = ApplyJsonPatch(doc, patch, doc.GetAllocator());
  CHECK(s.code() == Code::kInvalid);
  CHECK(s.message() == "testing value /gone failed: test failed");
  CHECK(ToJson(doc) == before);
}

TEST_CASE("ApplyJsonPatch enforces upstream limits", "[patch]") {
  SECTION("at most 10000 operations") {
    JsonDoc doc = Json(R"({"a":1})");
    JsonDoc patch;
    patch.SetArray();
    for (int i = 0; i < 10001; ++i) {
      JsonValue op(rapidjson::kObjectType);
      SetString(op, "op", "test", patch.GetAllocator());
      SetString(op, "path", "/a", patch.GetAllocator());
      SetInt(op, "value", 1, patch.GetAllocator());
      patch.PushBack(op, patch.GetAllocator());
    }
    Status s = ApplyJsonPatch(doc, patch, doc.GetAllocator());
    CHECK(s.code() == Code::kRequestEntityTooLarge);
    CHECK(s.message() == "The allowed maximum operations in a JSON patch is 10000, got: 10001");
    patch.PopBack();
    CHECK(ApplyJsonPatch(doc, patch, doc.GetAllocator()).ok());
  }
  SECTION("copies may not grow the document without bound") {
    // Each copy doubles the document: 1 KiB grows past 3 MiB within a dozen copies.
    JsonDoc doc = Json(R"({"a":")" + std::string(1024, 'x') + R"("})");
    std::string ops = "[";
    for (int i = 0; i < 20; ++i) {
      if (i > 0) ops += ",";
      ops += R"({"op":"copy","from":"","path":"/k)" + std::to_string(i) + R"("})";
    }
    ops += "]";
    JsonDoc patch = Json(ops);
    Status s = ApplyJsonPatch(doc, patch, doc.GetAllocator());
    CHECK(s.code() == Code::kInvalid);
    CHECK_THAT(s.message(), Catch::StartsWith("Unable to complete the copy, the accumulated size "
                                              "increase of copy is "));
    CHECK_THAT(s.message(), Catch::EndsWith(", exceeding the limit 3145728"));
  }
}

}  // namespace
}  // namespace orchd::api
