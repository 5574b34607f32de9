#include "api/validation.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace orchd::api {
namespace {

using Msgs = std::vector<std::string>;

// Upstream's texts (k8s.io/apimachinery/pkg/util/validation, v1.32).
const std::string kDnsLabelMsg =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const std::string kSubdomainMsg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const std::string kNamePartMsg =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const std::string kLabelValueMsg =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const std::string kMax63 = "must be no more than 63 characters";
const std::string kMax253 = "must be no more than 253 characters";

// "<field>: <message>" for each error, for comparing whole lists.
Msgs Render(const FieldErrors& errs) {
  Msgs out;
  for (const FieldError& e : errs) out.push_back(e.field + ": " + e.message);
  return out;
}

JsonDoc Doc(const std::string& json) {
  auto doc = ParseJson(json);
  REQUIRE(doc.has_value());
  return std::move(*doc);
}

TEST_CASE("IsDNS1123Label", "[validation]") {
  struct Case {
    std::string value;
    Msgs want;
  };
  const std::vector<Case> cases = {
      {"a", {}},
      {"ab", {}},
      {"a-b", {}},
      {"a--b", {}},
      {"1", {}},
      {"0-9", {}},
      {"123-abc", {}},
      {std::string(63, 'a'), {}},
      {"", {kDnsLabelMsg}},
      {"A", {kDnsLabelMsg}},
      {"-a", {kDnsLabelMsg}},
      {"a-", {kDnsLabelMsg}},
      {"a_b", {kDnsLabelMsg}},
      {"a b", {kDnsLabelMsg}},
      {"\xc3\xa9", {kDnsLabelMsg}},
      {"a.b", {"must not contain dots"}},
      {".a", {kDnsLabelMsg}},
      {std::string(64, 'a'), {kMax63}},
      {std::string(64, 'a') + "-", {kMax63, kDnsLabelMsg}},
      {std::string(40, 'a') + "." + std::string(40, 'a'), {kMax63, "must not contain dots"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.value);
    CHECK(IsDNS1123Label(c.value) == c.want);
  }
}

TEST_CASE("IsDNS1123Subdomain", "[validation]") {
  struct Case {
    std::string value;
    Msgs want;
  };
  const std::vector<Case> cases = {
      {"a", {}},
      {"a.b", {}},
      {"example.com", {}},
      {"1.2.3.4", {}},
      {"a-b.c-d", {}},
      {std::string(253, 'a'), {}},
      {std::string(100, 'a') + "." + std::string(100, 'b'), {}},  // no per-label limit
      {"", {kSubdomainMsg}},
      {"A.com", {kSubdomainMsg}},
      {".a", {kSubdomainMsg}},
      {"a.", {kSubdomainMsg}},
      {"a..b", {kSubdomainMsg}},
      {"a_b", {kSubdomainMsg}},
      {"-a.b", {kSubdomainMsg}},
      {"a.b-", {kSubdomainMsg}},
      {"a.-b", {kSubdomainMsg}},
      {std::string(254, 'a'), {kMax253}},
      {std::string(254, 'a') + ".", {kMax253, kSubdomainMsg}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.value);
    CHECK(IsDNS1123Subdomain(c.value) == c.want);
  }
}

TEST_CASE("IsQualifiedName", "[validation]") {
  const std::string kTooManySlashes =
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start "
      "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
      "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional "
      "DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
  struct Case {
    std::string value;
    Msgs want;
  };
  const std::vector<Case> cases = {
      {"a", {}},
      {"A", {}},
      {"a_b", {}},
      {"a.b", {}},
      {"a-b", {}},
      {"MyName", {}},
      {"my.name", {}},
      {"123-abc", {}},
      {"example.com/MyName", {}},
      {"kubernetes.io/pvc-protection", {}},
      {std::string(63, 'n'), {}},
      {std::string(253, 'p') + "/" + std::string(63, 'n'), {}},
      {"", {"name part must be non-empty", kNamePartMsg}},
      {"_a", {kNamePartMsg}},
      {"a_", {kNamePartMsg}},
      {"a b", {kNamePartMsg}},
      {"a:b", {kNamePartMsg}},
      {std::string(64, 'n'), {"name part " + kMax63}},
      {std::string(64, 'n') + "_", {"name part " + kMax63, kNamePartMsg}},
      {"/a", {"prefix part must be non-empty"}},
      {"a/", {"name part must be non-empty", kNamePartMsg}},
      {"/", {"prefix part must be non-empty", "name part must be non-empty", kNamePartMsg}},
      {"Example.com/a", {"prefix part " + kSubdomainMsg}},
      {"-/a", {"prefix part " + kSubdomainMsg}},
      {std::string(254, 'p') + "/a", {"prefix part " + kMax253}},
      {"a.com/_", {kNamePartMsg}},
      {"a/b/c", {kTooManySlashes}},
      {"//", {kTooManySlashes}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.value);
    CHECK(IsQualifiedName(c.value) == c.want);
  }
}

TEST_CASE("IsValidLabelValue", "[validation]") {
  struct Case {
    std::string value;
    Msgs want;
  };
  const std::vector<Case> cases = {
      {"", {}},
      {"a", {}},
      {"A_b.c-d", {}},
      {"12345", {}},
      {std::string(63, 'v'), {}},
      {"-", {kLabelValueMsg}},
      {"a_", {kLabelValueMsg}},
      {".a", {kLabelValueMsg}},
      {" a", {kLabelValueMsg}},
      {"a b", {kLabelValueMsg}},
      {"a/b", {kLabelValueMsg}},
      {std::string(64, 'v'), {kMax63}},
      {std::string(64, 'v') + "-", {kMax63, kLabelValueMsg}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.value);
    CHECK(IsValidLabelValue(c.value) == c.want);
  }
}

TEST_CASE("ValidateName applies each NameRule, with prefixes for generateName", "[validation]") {
  struct Case {
    std::string name;
    NameRule rule;
    bool prefix;
    Msgs want;
  };
  const std::vector<Case> cases = {
      {"my-app", NameRule::kDnsSubdomain, false, {}},
      {"my.app", NameRule::kDnsSubdomain, false, {}},
      {"my-app-", NameRule::kDnsSubdomain, false, {kSubdomainMsg}},
      {"my-app-", NameRule::kDnsSubdomain, true, {}},  // random characters will follow
      {"a-", NameRule::kDnsSubdomain, true, {}},
      {"-", NameRule::kDnsSubdomain, true, {kSubdomainMsg}},
      {"My-", NameRule::kDnsSubdomain, true, {kSubdomainMsg}},
      {"web-", NameRule::kDnsLabel, true, {}},
      {"web-", NameRule::kDnsLabel, false, {kDnsLabelMsg}},
      {"a.b", NameRule::kDnsLabel, false, {"must not contain dots"}},
      {"system:admin", NameRule::kPath, false, {}},
      {"Anything goes", NameRule::kPath, false, {}},
      {".", NameRule::kPath, false, {"may not be '.'"}},
      {"..", NameRule::kPath, false, {"may not be '..'"}},
      {".", NameRule::kPath, true, {}},
      {"...", NameRule::kPath, false, {}},
      {"a/b", NameRule::kPath, false, {"may not contain '/'"}},
      {"a%b", NameRule::kPath, false, {"may not contain '%'"}},
      {"%/", NameRule::kPath, false, {"may not contain '/'", "may not contain '%'"}},
      {"a/", NameRule::kPath, true, {"may not contain '/'"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name, static_cast<int>(c.rule), c.prefix);
    CHECK(ValidateName(c.name, c.rule, c.prefix) == c.want);
  }
}

TEST_CASE("ValidateObjectMeta checks name, namespace, labels, annotations, owners, finalizers",
          "[validation]") {
  struct Case {
    std::string meta;
    bool namespaced;
    NameRule rule;
    Msgs want;
  };
  const std::string kRequiredName =
      "metadata.name: Required value: name or generateName is required";
  const std::vector<Case> cases = {
      {R"({"name":"ok","namespace":"default"})", true, NameRule::kDnsSubdomain, {}},
      {R"({"name":"ok"})", false, NameRule::kDnsSubdomain, {}},
      {R"({"name":"Foo_bar","namespace":"default"})",
       true,
       NameRule::kDnsSubdomain,
       {"metadata.name: Invalid value: \"Foo_bar\": " + kSubdomainMsg}},
      {R"({})",
       true,
       NameRule::kDnsSubdomain,
       {kRequiredName, "metadata.namespace: Required value"}},
      {R"({"name":""})", false, NameRule::kDnsSubdomain, {kRequiredName}},
      {R"({"name":5})", false, NameRule::kDnsSubdomain, {kRequiredName}},
      {R"({"name":"a","namespace":"x"})",
       false,
       NameRule::kDnsSubdomain,
       {"metadata.namespace: Forbidden: not allowed on this type"}},
      {R"({"name":"a","namespace":"Bad_ns"})",
       true,
       NameRule::kDnsSubdomain,
       {"metadata.namespace: Invalid value: \"Bad_ns\": " + kDnsLabelMsg}},
      {R"({"name":"a","namespace":"a.b"})",
       true,
       NameRule::kDnsSubdomain,
       {"metadata.namespace: Invalid value: \"a.b\": must not contain dots"}},
      {R"({"generateName":"web-","name":"web-x7k2p"})", false, NameRule::kDnsSubdomain, {}},
      {R"({"generateName":"Web-","name":"Web-x7k2p"})",
       false,
       NameRule::kDnsSubdomain,
       {"metadata.generateName: Invalid value: \"Web-\": " + kSubdomainMsg,
        "metadata.name: Invalid value: \"Web-x7k2p\": " + kSubdomainMsg}},
      {R"({"name":"a.b"})",
       false,
       NameRule::kDnsLabel,
       {"metadata.name: Invalid value: \"a.b\": must not contain dots"}},
      {R"({"name":"system:admin"})", false, NameRule::kPath, {}},
      {R"({"name":".."})",
       false,
       NameRule::kPath,
       {"metadata.name: Invalid value: \"..\": may not be '..'"}},
      {R"({"name":"a","generation":0})", false, NameRule::kDnsSubdomain, {}},
      {R"({"name":"a","generation":-1})",
       false,
       NameRule::kDnsSubdomain,
       {"metadata.generation: Invalid value: -1: must be greater than or equal to 0"}},
      {R"({"name":"a","labels":{"app":"web","example.com/tier":"","A_b.c":"X_y.z"}})",
       false,
       NameRule::kDnsSubdomain,
       {}},
      {R"({"name":"a","labels":{"a_":"b","ok":"-x"}})",
       false,
       NameRule::kDnsSubdomain,
       {"metadata.labels: Invalid value: \"a_\": " + kNamePartMsg,
        "metadata.labels: Invalid value: \"-x\": " + kLabelValueMsg}},
      {R"({"name":"a","labels":{"k":")" + std::string(64, 'v') + R"("}})",
       false,
       NameRule::kDnsSubdomain,
       {"metadata.labels: Invalid value: \"" + std::string(64, 'v') + "\": " + kMax63}},
      {R"({"name":"a","labels":{")" + std::string(64, 'k') + R"(":"v"}})",
       false,
       NameRule::kDnsSubdomain,
       {"metadata.labels: Invalid value: \"" + std::string(64, 'k') + "\": name part " + kMax63}},
      {R"({"name":"a","labels":null,"annotations":null})", false, NameRule::kDnsSubdomain, {}},
      {R"({"name":"a","labels":["x"]})",
       false,
       NameRule::kDnsSubdomain,
       {"metadata.labels: Invalid value: [\"x\"]: must be an object of strings, not array"}},
      {R"({"name":"a","labels":{"a":1}})",
       false,
       NameRule::kDnsSubdomain,
       {"metadata.labels[a]: Invalid value: 1: must be a string, not number"}},
      {R"({"name":"a","annotations":{"Example.com/Some_Key":"anything at all: {}"}})",
       false,
       NameRule::kDnsSubdomain,
       {}},
      {R"({"name":"a","annotations":{"a b":"v","A_":"v"}})",
       false,
       NameRule::kDnsSubdomain,
       {"metadata.annotations: Invalid value: \"a b\": " + kNamePartMsg,
        "metadata.annotations: Invalid value: \"A_\": " + kNamePartMsg}},
      {R"({"name":"a","ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet",)"
       R"("name":"rs","uid":"u1","controller":true,"blockOwnerDeletion":true}]})",
       false,
       NameRule::kDnsSubdomain,
       {}},
      {R"({"name":"a","ownerReferences":[{}]})",
       false,
       NameRule::kDnsSubdomain,
       {"metadata.ownerReferences.apiVersion: Invalid value: \"\": version must not be empty",
        "metadata.ownerReferences.kind: Invalid value: \"\": kind must not be empty",
        "metadata.ownerReferences.name: Invalid value: \"\": name must not be empty",
        "metadata.ownerReferences.uid: Invalid value: \"\": uid must not be empty"}},
      {R"({"name":"a","ownerReferences":[{"apiVersion":"apps/","kind":"K","name":"n","uid":"u"},)"
       R"({"apiVersion":"a/b/c","kind":"K","name":"n","uid":"u"}]})",
       false,
       NameRule::kDnsSubdomain,
       {"metadata.ownerReferences.apiVersion: Invalid value: \"apps/\": version must not be empty",
        "metadata.ownerReferences.apiVersion: Invalid value: \"a/b/c\": version must not be "
        "empty"}},
      {R"({"name":"a","ownerReferences":[{"apiVersion":"v1","kind":"Event","name":"e",)"
       R"("uid":"u"}]})",
       false,
       NameRule::kDnsSubdomain,
       {"metadata.ownerReferences: Invalid value: v1.OwnerReference{APIVersion:\"v1\", "
        "Kind:\"Event\", Name:\"e\", UID:\"u\", Controller:(*bool)(nil), "
        "BlockOwnerDeletion:(*bool)(nil)}: /v1, Kind=Event is disallowed from being an owner"}},
      {R"({"name":"a","ownerReferences":[{"apiVersion":"events.k8s.io/v1","kind":"Event",)"
       R"("name":"e","uid":"u"}]})",
       false,
       NameRule::kDnsSubdomain,
       {}},
      {R"({"name":"a","ownerReferences":"x"})",
       false,
       NameRule::kDnsSubdomain,
       {"metadata.ownerReferences: Invalid value: \"x\": must be an array of objects, not string"}},
      {R"({"name":"a","finalizers":["kubernetes.io/pvc-protection","foregroundDeletion"]})",
       false,
       NameRule::kDnsSubdomain,
       {}},
      {R"({"name":"a","finalizers":["a b"]})",
       false,
       NameRule::kDnsSubdomain,
       {"metadata.finalizers: Invalid value: \"a b\": " + kNamePartMsg}},
      {R"({"name":"a","finalizers":["orphan","foregroundDeletion"]})",
       false,
       NameRule::kDnsSubdomain,
       {"metadata.finalizers: Invalid value: []string{\"orphan\", \"foregroundDeletion\"}: "
        "finalizer orphan and foregroundDeletion cannot be both set"}},
      {R"({"name":"a","finalizers":[1]})",
       false,
       NameRule::kDnsSubdomain,
       {"metadata.finalizers[0]: Invalid value: 1: must be a string, not number"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.meta, c.namespaced);
    JsonDoc meta = Doc(c.meta);
    CHECK(Render(ValidateObjectMeta(meta, c.namespaced, c.rule)) == c.want);
  }
}

TEST_CASE("ValidateObjectMeta: metadata that is not an object counts as empty", "[validation]") {
  JsonDoc meta = Doc("[]");
  CHECK(Render(ValidateObjectMeta(meta, false, NameRule::kDnsSubdomain)) ==
        Msgs{"metadata.name: Required value: name or generateName is required"});
}

TEST_CASE("ValidateObjectMeta: name length limits per rule", "[validation]") {
  struct Case {
    std::string name;
    NameRule rule;
    Msgs want;
  };
  const std::vector<Case> cases = {
      {std::string(63, 'a'), NameRule::kDnsLabel, {}},
      {std::string(64, 'a'), NameRule::kDnsLabel, {kMax63}},
      {std::string(253, 'a'), NameRule::kDnsSubdomain, {}},
      {std::string(254, 'a'), NameRule::kDnsSubdomain, {kMax253}},
      {std::string(1000, 'a'), NameRule::kPath, {}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name.size(), static_cast<int>(c.rule));
    JsonDoc meta(rapidjson::kObjectType);
    SetString(meta, "name", c.name, meta.GetAllocator());
    Msgs want;
    for (const std::string& m : c.want) {
      want.push_back("metadata.name: Invalid value: \"" + c.name + "\": " + m);
    }
    CHECK(Render(ValidateObjectMeta(meta, false, c.rule)) == want);
  }
}

TEST_CASE("ValidateObjectMeta: annotations may total 256 KiB of keys and values", "[validation]") {
  struct Case {
    size_t value_size;
    bool ok;
  };
  // Two keys of one byte each: the values may have 262142 bytes together.
  const std::vector<Case> cases = {{262142, true}, {262143, false}, {1 << 20, false}};
  for (const Case& c : cases) {
    CAPTURE(c.value_size);
    JsonDoc meta(rapidjson::kObjectType);
    auto& a = meta.GetAllocator();
    SetString(meta, "name", "a", a);
    JsonValue& ann = EnsureObject(meta, "annotations", a);
    SetString(ann, "x", std::string(c.value_size - 1, 'v'), a);
    SetString(ann, "y", "v", a);
    Msgs want;
    if (!c.ok) want.emplace_back("metadata.annotations: Too long: must have at most 262144 bytes");
    CHECK(Render(ValidateObjectMeta(meta, false, NameRule::kDnsSubdomain)) == want);
  }
}

TEST_CASE("ValidateObjectMeta: only one owner reference may be the controller", "[validation]") {
  JsonDoc meta = Doc(
      R"({"name":"p","ownerReferences":[)"
      R"({"apiVersion":"apps/v1","kind":"ReplicaSet","name":"a","uid":"1","controller":true},)"
      R"({"apiVersion":"apps/v1","kind":"ReplicaSet","name":"b","uid":"2","controller":false},)"
      R"({"apiVersion":"apps/v1","kind":"ReplicaSet","name":"c","uid":"3","controller":true}]})");
  FieldErrors errs = ValidateObjectMeta(meta, false, NameRule::kDnsSubdomain);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].type == FieldErrorType::kInvalid);
  CHECK(errs[0].field == "metadata.ownerReferences");
  CHECK(errs[0].message.starts_with(
      "Invalid value: []v1.OwnerReference{v1.OwnerReference{APIVersion:\"apps/v1\", "
      "Kind:\"ReplicaSet\", Name:\"a\", UID:\"1\", Controller:(*bool)(true), "
      "BlockOwnerDeletion:(*bool)(nil)}, v1.OwnerReference{"));
  CHECK(errs[0].message.ends_with(
      ": Only one reference can have Controller set to true. Found \"true\" in references for "
      "ReplicaSet/a and ReplicaSet/c"));
}

TEST_CASE("ValidateLabelSelector reports fields under the selector's path", "[validation]") {
  struct Case {
    std::string selector;
    Msgs want;
  };
  const std::string p = "spec.selector";
  const std::vector<Case> cases = {
      {"null", {}},
      {"{}", {}},
      {R"({"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In",)"
       R"("values":["fe"]},{"key":"x","operator":"DoesNotExist"}]})",
       {}},
      {R"({"matchLabels":{"a_":"b"}})",
       {p + ".matchLabels: Invalid value: \"a_\": " + kNamePartMsg}},
      {R"({"matchExpressions":[{"key":"x","operator":"In"}]})",
       {p + ".matchExpressions[0].values: Required value: must be specified when `operator` is "
            "'In' or 'NotIn'"}},
      {R"({"matchExpressions":[{"key":"x","operator":"NotIn","values":[]}]})",
       {p + ".matchExpressions[0].values: Required value: must be specified when `operator` is "
            "'In' or 'NotIn'"}},
      {R"({"matchExpressions":[{"key":"x","operator":"Exists"},)"
       R"({"key":"y","operator":"DoesNotExist","values":["a"]}]})",
       {p + ".matchExpressions[1].values: Forbidden: may not be specified when `operator` is "
            "'Exists' or 'DoesNotExist'"}},
      {R"({"matchExpressions":[{"key":"x","operator":"Foo"}]})",
       {p + ".matchExpressions[0].operator: Invalid value: \"Foo\": not a valid selector "
            "operator"}},
      {R"({"matchExpressions":[{"operator":"Exists"}]})",
       {p + ".matchExpressions[0].key: Invalid value: \"\": name part must be non-empty",
        p + ".matchExpressions[0].key: Invalid value: \"\": " + kNamePartMsg}},
      {R"({"matchExpressions":[{"key":"x","operator":"In","values":["ok","a b"]}]})",
       {p + ".matchExpressions[0].values[1]: Invalid value: \"a b\": " + kLabelValueMsg}},
      {R"("x")", {p + ": Invalid value: \"x\": must be an object, not string"}},
      {R"({"matchExpressions":{}})",
       {p + ".matchExpressions: Invalid value: {}: must be an array of objects, not object"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.selector);
    JsonDoc sel = Doc(c.selector);
    CHECK(Render(ValidateLabelSelector(sel, p)) == c.want);
  }
}

TEST_CASE("Field error builders use upstream wording", "[validation]") {
  struct Case {
    FieldError err;
    FieldErrorType type;
    std::string reason;
    std::string message;
  };
  const std::vector<Case> cases = {
      {FieldInvalid("f", "v", "bad"), FieldErrorType::kInvalid, "FieldValueInvalid",
       "Invalid value: \"v\": bad"},
      {FieldInvalidRendered("f", "3", "too big"), FieldErrorType::kInvalid, "FieldValueInvalid",
       "Invalid value: 3: too big"},
      {FieldRequired("f", ""), FieldErrorType::kRequired, "FieldValueRequired", "Required value"},
      {FieldRequired("f", "why"), FieldErrorType::kRequired, "FieldValueRequired",
       "Required value: why"},
      {FieldForbidden("f", "no"), FieldErrorType::kForbidden, "FieldValueForbidden",
       "Forbidden: no"},
      {FieldTooLong("f", 10), FieldErrorType::kTooLong, "FieldValueTooLong",
       "Too long: must have at most 10 bytes"},
      {FieldNotSupported("f", "Sometimes", {"Always", "Never"}), FieldErrorType::kNotSupported,
       "FieldValueNotSupported",
       "Unsupported value: \"Sometimes\": supported values: \"Always\", \"Never\""},
      {FieldNotSupported("f", "x", {}), FieldErrorType::kNotSupported, "FieldValueNotSupported",
       "Unsupported value: \"x\""},
      {FieldDuplicate("f", "a"), FieldErrorType::kDuplicate, "FieldValueDuplicate",
       "Duplicate value: \"a\""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.message);
    CHECK(c.err.field == "f");
    CHECK(c.err.type == c.type);
    CHECK(std::string(c.err.reason()) == c.reason);
    CHECK(c.err.message == c.message);
  }
}

TEST_CASE("FormatInvalid prints the upstream 422 message", "[validation]") {
  const FieldError a = FieldInvalid("metadata.name", "Foo_bar", "bad name");
  const FieldError b = FieldRequired("spec.containers", "");
  struct Case {
    FieldErrors errs;
    std::string kind;
    std::string name;
    std::string want;
  };
  const std::vector<Case> cases = {
      {{a},
       "Pod",
       "Foo_bar",
       R"(Pod "Foo_bar" is invalid: metadata.name: Invalid value: "Foo_bar": bad name)"},
      {{a, b},
       "Deployment.apps",
       "web",
       R"(Deployment.apps "web" is invalid: [metadata.name: Invalid value: "Foo_bar": bad name, )"
       R"(spec.containers: Required value])"},
      {{a, a},
       "Pod",
       "p",
       R"(Pod "p" is invalid: metadata.name: Invalid value: "Foo_bar": bad name)"},
      {{a, b, a},
       "Pod",
       "p",
       R"(Pod "p" is invalid: [metadata.name: Invalid value: "Foo_bar": bad name, )"
       R"(spec.containers: Required value])"},
      {{}, "Pod", "p", R"(Pod "p" is invalid)"},
      {{b}, "ConfigMap", "a\"b", R"(ConfigMap "a\"b" is invalid: spec.containers: Required value)"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.want);
    CHECK(FormatInvalid(c.errs, c.kind, c.name) == c.want);
  }
  CHECK(AggregateFieldErrors({}).empty());
  CHECK(AggregateFieldErrors({b}) == "spec.containers: Required value");
}

TEST_CASE("GoQuote quotes like Go's %q", "[validation]") {
  struct Case {
    std::string in;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"", R"("")"},
      {"abc", R"("abc")"},
      {"a\"b", R"("a\"b")"},
      {"a\\b", R"("a\\b")"},
      {"\a\b\f\n\r\t\v", R"("\a\b\f\n\r\t\v")"},
      {std::string("\0", 1), R"("\x00")"},
      {"\x01\x1f", R"("\x01\x1f")"},
      {"\x7f", R"("\x7f")"},
      {"caf\xc3\xa9", "\"caf\xc3\xa9\""},
      {"\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""},  // U+1F600 is printable
      {"\xff", R"("\xff")"},
      {"a\xc3", R"("a\xc3")"},                  // truncated sequence
      {"\xc0\x80", R"("\xc0\x80")"},            // overlong NUL
      {"\xed\xa0\x80", R"("\xed\xa0\x80")"},    // surrogate
      {"\xc2\x85", R"("\u0085")"},              // C1 control
      {"\xc2\xa0", R"("\u00a0")"},              // no-break space
      {"\xef\xbb\xbf", R"("\ufeff")"},          // BOM
      {"\xe2\x80\xa8", R"("\u2028")"},          // line separator
      {"\xf3\xb0\x80\x80", R"("\U000f0000")"},  // private use plane
  };
  for (const Case& c : cases) {
    CAPTURE(c.want);
    CHECK(GoQuote(c.in) == c.want);
  }
}

TEST_CASE("GoStringSlice prints like Go's %#v", "[validation]") {
  CHECK(GoStringSlice({}, true) == "[]string(nil)");
  CHECK(GoStringSlice({}, false) == "[]string{}");
  CHECK(GoStringSlice({"a"}, false) == R"([]string{"a"})");
  CHECK(GoStringSlice({"a", "b\"c"}, true) == R"([]string{"a", "b\"c"})");
}

}  // namespace
}  // namespace orchd::api
