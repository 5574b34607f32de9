#include "api/validation.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <utility>

namespace orchd::api {

namespace {

// ---- Upstream message pieces (k8s.io/apimachinery/pkg/util/validation, v1.32) ----------------

constexpr std::string_view kDns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
constexpr std::string_view kDns1123LabelErrMsg =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character";
constexpr std::string_view kDns1123SubdomainFmt =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
constexpr std::string_view kDns1123SubdomainErrMsg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character";
constexpr std::string_view kQualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
constexpr std::string_view kQualifiedNameErrMsg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character";
constexpr std::string_view kLabelValueFmt = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
constexpr std::string_view kLabelValueErrMsg =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character";

std::string EmptyError() { return "must be non-empty"; }
std::string MaxLenError(size_t length) {
  return fmt::format("must be no more than {} characters", length);
}

// upstream RegexError: "<msg> (e.g. 'a',  or 'b', regex used for validation is '<re>')". The
// doubled space before "or" is upstream's.
std::string RegexError(std::string_view msg, std::string_view re,
                       std::initializer_list<std::string_view> examples) {
  std::string out(msg);
  if (examples.size() == 0) return fmt::format("{} (regex used for validation is '{}')", msg, re);
  out += " (e.g. ";
  bool first = true;
  for (std::string_view e : examples) {
    if (!first) out += " or ";
    first = false;
    out += fmt::format("'{}', ", e);
  }
  out += fmt::format("regex used for validation is '{}')", re);
  return out;
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$
bool MatchesDns1123Label(std::string_view s) {
  if (s.empty() || !IsLowerAlnum(s.front()) || !IsLowerAlnum(s.back())) return false;
  for (char c : s) {
    if (!IsLowerAlnum(c) && c != '-') return false;
  }
  return true;
}

// ^label(\.label)*$ (no per-label length limit in the pattern)
bool MatchesDns1123Subdomain(std::string_view s) {
  while (true) {
    size_t dot = s.find('.');
    if (!MatchesDns1123Label(s.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    s.remove_prefix(dot + 1);
  }
}

// ^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$
bool MatchesQualifiedNamePart(std::string_view s) {
  if (s.empty() || !IsAlnum(s.front()) || !IsAlnum(s.back())) return false;
  for (char c : s) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

// upstream maskTrailingDash: a prefix may end in '-' since random characters follow. Upstream
// replaces the last *two* bytes by "a" (name[:len-2] + "a"); kept as is, quirk included.
std::string MaskTrailingDash(std::string_view name) {
  if (name.size() > 1 && name.back() == '-') {
    return std::string(name.substr(0, name.size() - 2)) + "a";
  }
  return std::string(name);
}

std::vector<std::string> PathSegmentProblems(std::string_view name, bool prefix) {
  std::vector<std::string> errs;
  if (!prefix) {
    for (std::string_view bad : {".", ".."}) {
      if (name == bad) return {fmt::format("may not be '{}'", bad)};
    }
  }
  for (std::string_view bad : {"/", "%"}) {
    if (name.find(bad) != std::string_view::npos) {
      errs.push_back(fmt::format("may not contain '{}'", bad));
    }
  }
  return errs;
}

std::string JoinPath(std::string_view path, std::string_view child) {
  return fmt::format("{}.{}", path, child);
}

std::string TypeName(const JsonValue& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "boolean";
    case rapidjson::kObjectType:
      return "object";
    case rapidjson::kArrayType:
      return "array";
    case rapidjson::kStringType:
      return "string";
    case rapidjson::kNumberType:
      return "number";
  }
  return "value";
}

// A JSON value of the wrong type for a field. Upstream rejects these while decoding (400); here
// they become a field error so that the caller still gets a 422 naming the field.
FieldError WrongType(std::string field, const JsonValue& v, std::string_view want) {
  return FieldInvalidRendered(std::move(field), ToJson(v),
                              fmt::format("must be {}, not {}", want, TypeName(v)));
}

// Calls fn(key, value) for each member of a map[string]string field; reports non-object maps and
// non-string values. Returns false when the map itself is unusable.
template <typename Fn>
bool ForEachStringMember(const JsonValue& map, const std::string& path, FieldErrors& errs,
                         Fn&& fn) {
  if (map.IsNull()) return true;
  if (!map.IsObject()) {
    errs.push_back(WrongType(path, map, "an object of strings"));
    return false;
  }
  for (const auto& m : map.GetObject()) {
    if (!m.value.IsString()) {
      errs.push_back(WrongType(fmt::format("{}[{}]", path, AsView(m.name)), m.value, "a string"));
      continue;
    }
    fn(AsView(m.name), AsView(m.value));
  }
  return true;
}

// A []string field: fills `out`; reports a non-array and non-string items.
void StringList(const JsonValue* v, const std::string& path, FieldErrors& errs,
                std::vector<std::string>& out) {
  if (v == nullptr || v->IsNull()) return;
  if (!v->IsArray()) {
    errs.push_back(WrongType(path, *v, "an array of strings"));
    return;
  }
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    const JsonValue& item = (*v)[i];
    if (!item.IsString()) {
      errs.push_back(WrongType(fmt::format("{}[{}]", path, i), item, "a string"));
      continue;
    }
    out.emplace_back(AsView(item));
  }
}

void ValidateAnnotations(const JsonValue& annotations, const std::string& path, FieldErrors& errs) {
  size_t total = 0;
  bool usable =
      ForEachStringMember(annotations, path, errs, [&](std::string_view k, std::string_view v) {
        // The rule is a qualified name, case-insensitively.
        std::string lower(k);
        for (char& c : lower) {
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        for (const std::string& msg : IsQualifiedName(lower))
          errs.push_back(FieldInvalid(path, k, msg));
        total += k.size() + v.size();
      });
  if (usable && total > kTotalAnnotationSizeLimit) {
    errs.push_back(FieldTooLong(path, static_cast<int64_t>(kTotalAnnotationSizeLimit)));
  }
}

// An owner reference as Go's %#v prints a metav1.OwnerReference. Pointers cannot be printed as
// Go does (it prints the address); a set pointer shows its value instead.
std::string GoOwnerReference(const JsonValue& ref) {
  auto ptr = [&](std::string_view key) -> std::string {
    const JsonValue* v = Member(ref, key);
    if (v == nullptr || !v->IsBool()) return "(*bool)(nil)";
    return v->GetBool() ? "(*bool)(true)" : "(*bool)(false)";
  };
  return fmt::format(
      "v1.OwnerReference{{APIVersion:{}, Kind:{}, Name:{}, UID:{}, Controller:{}, "
      "BlockOwnerDeletion:{}}}",
      GoQuote(GetString(ref, "apiVersion")), GoQuote(GetString(ref, "kind")),
      GoQuote(GetString(ref, "name")), GoQuote(GetString(ref, "uid")), ptr("controller"),
      ptr("blockOwnerDeletion"));
}

void ValidateOwnerReferences(const JsonValue* refs, const std::string& path, FieldErrors& errs) {
  if (refs == nullptr || refs->IsNull()) return;
  if (!refs->IsArray()) {
    errs.push_back(WrongType(path, *refs, "an array of objects"));
    return;
  }
  std::string first_controller;
  for (rapidjson::SizeType i = 0; i < refs->Size(); ++i) {
    const JsonValue& ref = (*refs)[i];
    if (!ref.IsObject()) {
      errs.push_back(WrongType(fmt::format("{}[{}]", path, i), ref, "an object"));
      continue;
    }
    // Upstream reports these on the list's path without an index.
    std::string_view api_version = GetString(ref, "apiVersion");
    std::string_view kind = GetString(ref, "kind");
    std::string_view name = GetString(ref, "name");
    std::string_view uid = GetString(ref, "uid");
    // schema.ParseGroupVersion: "" and "/" are empty, "v" is a core version, "g/v" a group
    // version, more slashes an error (then the version is empty too).
    std::string_view group;
    std::string_view version;
    if (!api_version.empty() && api_version != "/") {
      size_t slashes = std::count(api_version.begin(), api_version.end(), '/');
      if (slashes == 0) {
        version = api_version;
      } else if (slashes == 1) {
        size_t slash = api_version.find('/');
        group = api_version.substr(0, slash);
        version = api_version.substr(slash + 1);
      }
    }
    if (version.empty()) {
      errs.push_back(
          FieldInvalid(JoinPath(path, "apiVersion"), api_version, "version must not be empty"));
    }
    if (kind.empty()) {
      errs.push_back(FieldInvalid(JoinPath(path, "kind"), kind, "kind must not be empty"));
    }
    if (name.empty()) {
      errs.push_back(FieldInvalid(JoinPath(path, "name"), name, "name must not be empty"));
    }
    if (uid.empty()) {
      errs.push_back(FieldInvalid(JoinPath(path, "uid"), uid, "uid must not be empty"));
    }
    if (group.empty() && version == "v1" && kind == "Event") {
      errs.push_back(FieldInvalidRendered(path, GoOwnerReference(ref),
                                          "/v1, Kind=Event is disallowed from being an owner"));
    }
    if (GetBool(ref, "controller")) {
      std::string current = fmt::format("{}/{}", kind, name);
      if (first_controller.empty()) {
        first_controller = std::move(current);
      } else {
        std::string all = "[]v1.OwnerReference{";
        for (rapidjson::SizeType j = 0; j < refs->Size(); ++j) {
          if (j > 0) all += ", ";
          all += GoOwnerReference((*refs)[j]);
        }
        all += "}";
        errs.push_back(FieldInvalidRendered(
            path, all,
            fmt::format("Only one reference can have Controller set to true. Found \"true\" in "
                        "references for {} and {}",
                        first_controller, current)));
      }
    }
  }
}

void ValidateFinalizers(const JsonValue* finalizers, const std::string& path, FieldErrors& errs) {
  std::vector<std::string> list;
  StringList(finalizers, path, errs, list);
  bool orphan = false;
  bool foreground = false;
  for (const std::string& f : list) {
    for (const std::string& msg : IsQualifiedName(f)) errs.push_back(FieldInvalid(path, f, msg));
    orphan = orphan || f == "orphan";
    foreground = foreground || f == "foregroundDeletion";
  }
  if (orphan && foreground) {
    errs.push_back(FieldInvalidRendered(path, GoStringSlice(list, false),
                                        "finalizer orphan and foregroundDeletion cannot be both "
                                        "set"));
  }
}

bool IsPrintableRune(char32_t r) {
  if (r < 0x80) return r >= 0x20 && r != 0x7f;
  if (r <= 0xa0 || r == 0xad) return false;  // C1 controls, no-break space, soft hyphen
  if (r == 0x1680 || (r >= 0x2000 && r <= 0x200f) || (r >= 0x2028 && r <= 0x202f) ||
      (r >= 0x205f && r <= 0x206f) || r == 0x3000 || r == 0xfeff || (r >= 0xfff9 && r <= 0xfffb)) {
    return false;  // Unicode spaces and format characters
  }
  if ((r >= 0xe000 && r <= 0xf8ff) || r >= 0xf0000) return false;            // private use
  if ((r & 0xfffe) == 0xfffe || (r >= 0xfdd0 && r <= 0xfdef)) return false;  // noncharacters
  return true;
}

}  // namespace

// ---- Single strings --------------------------------------------------------------------------

std::vector<std::string> IsDNS1123Label(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kDns1123LabelMaxLength) errs.push_back(MaxLenError(kDns1123LabelMaxLength));
  if (!MatchesDns1123Label(value)) {
    if (MatchesDns1123Subdomain(value)) {
      errs.emplace_back("must not contain dots");
    } else {
      errs.push_back(RegexError(kDns1123LabelErrMsg, kDns1123LabelFmt, {"my-name", "123-abc"}));
    }
  }
  return errs;
}

std::vector<std::string> IsDNS1123Subdomain(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kDns1123SubdomainMaxLength) {
    errs.push_back(MaxLenError(kDns1123SubdomainMaxLength));
  }
  if (!MatchesDns1123Subdomain(value)) {
    errs.push_back(RegexError(kDns1123SubdomainErrMsg, kDns1123SubdomainFmt, {"example.com"}));
  }
  return errs;
}

std::vector<std::string> IsQualifiedName(std::string_view value) {
  std::vector<std::string> errs;
  std::string_view name = value;
  size_t slashes = std::count(value.begin(), value.end(), '/');
  if (slashes == 1) {
    size_t slash = value.find('/');
    std::string_view prefix = value.substr(0, slash);
    name = value.substr(slash + 1);
    if (prefix.empty()) {
      errs.push_back("prefix part " + EmptyError());
    } else {
      for (std::string& msg : IsDNS1123Subdomain(prefix)) errs.push_back("prefix part " + msg);
    }
  } else if (slashes > 1) {
    errs.push_back(
        "a qualified name " +
        RegexError(kQualifiedNameErrMsg, kQualifiedNameFmt, {"MyName", "my.name", "123-abc"}) +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
    return errs;
  }
  if (name.empty()) {
    errs.push_back("name part " + EmptyError());
  } else if (name.size() > kQualifiedNameMaxLength) {
    errs.push_back("name part " + MaxLenError(kQualifiedNameMaxLength));
  }
  if (!MatchesQualifiedNamePart(name)) {
    errs.push_back("name part " + RegexError(kQualifiedNameErrMsg, kQualifiedNameFmt,
                                             {"MyName", "my.name", "123-abc"}));
  }
  return errs;
}

std::vector<std::string> IsValidLabelValue(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kLabelValueMaxLength) errs.push_back(MaxLenError(kLabelValueMaxLength));
  if (!value.empty() && !MatchesQualifiedNamePart(value)) {
    errs.push_back(RegexError(kLabelValueErrMsg, kLabelValueFmt, {"MyValue", "my_value", "12345"}));
  }
  return errs;
}

std::vector<std::string> ValidateName(std::string_view name, NameRule rule, bool prefix) {
  switch (rule) {
    case NameRule::kDnsSubdomain:
      return IsDNS1123Subdomain(prefix ? MaskTrailingDash(name) : std::string(name));
    case NameRule::kDnsLabel:
      return IsDNS1123Label(prefix ? MaskTrailingDash(name) : std::string(name));
    case NameRule::kPath:
      return PathSegmentProblems(name, prefix);
  }
  return {};
}

// ---- Field errors ----------------------------------------------------------------------------

FieldError FieldInvalid(std::string field, std::string_view value, std::string_view detail) {
  return FieldInvalidRendered(std::move(field), GoQuote(value), detail);
}

FieldError FieldInvalidRendered(std::string field, std::string_view rendered,
                                std::string_view detail) {
  std::string msg = fmt::format("Invalid value: {}", rendered);
  if (!detail.empty()) msg += fmt::format(": {}", detail);
  return {FieldErrorType::kInvalid, std::move(field), std::move(msg)};
}

FieldError FieldRequired(std::string field, std::string_view detail) {
  std::string msg = "Required value";
  if (!detail.empty()) msg += fmt::format(": {}", detail);
  return {FieldErrorType::kRequired, std::move(field), std::move(msg)};
}

FieldError FieldForbidden(std::string field, std::string_view detail) {
  std::string msg = "Forbidden";
  if (!detail.empty()) msg += fmt::format(": {}", detail);
  return {FieldErrorType::kForbidden, std::move(field), std::move(msg)};
}

FieldError FieldTooLong(std::string field, int64_t max_bytes) {
  return {FieldErrorType::kTooLong, std::move(field),
          fmt::format("Too long: must have at most {} bytes", max_bytes)};
}

FieldError FieldNotSupported(std::string field, std::string_view value,
                             const std::vector<std::string_view>& supported) {
  std::string msg = fmt::format("Unsupported value: {}", GoQuote(value));
  if (!supported.empty()) {
    msg += ": supported values: ";
    for (size_t i = 0; i < supported.size(); ++i) {
      if (i > 0) msg += ", ";
      msg += GoQuote(supported[i]);
    }
  }
  return {FieldErrorType::kNotSupported, std::move(field), std::move(msg)};
}

FieldError FieldDuplicate(std::string field, std::string_view value) {
  return {FieldErrorType::kDuplicate, std::move(field),
          fmt::format("Duplicate value: {}", GoQuote(value))};
}

// ---- Object fields ---------------------------------------------------------------------------

FieldErrors ValidateObjectMeta(const JsonValue& meta_in, bool namespaced, NameRule rule) {
  static const JsonValue kEmpty(rapidjson::kObjectType);
  const JsonValue& meta = meta_in.IsObject() ? meta_in : kEmpty;
  FieldErrors errs;

  std::string_view generate = GetString(meta, "generateName");
  if (!generate.empty()) {
    for (const std::string& msg : ValidateName(generate, rule, /*prefix=*/true)) {
      errs.push_back(FieldInvalid("metadata.generateName", generate, msg));
    }
  }
  std::string_view name = GetString(meta, "name");
  if (name.empty()) {
    errs.push_back(FieldRequired("metadata.name", "name or generateName is required"));
  } else {
    for (const std::string& msg : ValidateName(name, rule, /*prefix=*/false)) {
      errs.push_back(FieldInvalid("metadata.name", name, msg));
    }
  }

  std::string_view ns = GetString(meta, "namespace");
  if (namespaced) {
    if (ns.empty()) {
      errs.push_back(FieldRequired("metadata.namespace", ""));
    } else {
      for (const std::string& msg : ValidateName(ns, NameRule::kDnsLabel, /*prefix=*/false)) {
        errs.push_back(FieldInvalid("metadata.namespace", ns, msg));
      }
    }
  } else if (!ns.empty()) {
    errs.push_back(FieldForbidden("metadata.namespace", "not allowed on this type"));
  }

  if (auto gen = IntAt(meta, {"generation"}); gen && *gen < 0) {
    errs.push_back(FieldInvalidRendered("metadata.generation", std::to_string(*gen),
                                        "must be greater than or equal to 0"));
  }

  if (const JsonValue* labels = Member(meta, "labels")) {
    FieldErrors l = ValidateLabels(*labels, "metadata.labels");
    errs.insert(errs.end(), l.begin(), l.end());
  }
  if (const JsonValue* annotations = Member(meta, "annotations")) {
    ValidateAnnotations(*annotations, "metadata.annotations", errs);
  }
  ValidateOwnerReferences(Member(meta, "ownerReferences"), "metadata.ownerReferences", errs);
  ValidateFinalizers(Member(meta, "finalizers"), "metadata.finalizers", errs);
  return errs;
}

FieldErrors ValidateLabels(const JsonValue& labels, std::string_view path_in) {
  FieldErrors errs;
  std::string path(path_in);
  ForEachStringMember(labels, path, errs, [&](std::string_view k, std::string_view v) {
    for (const std::string& msg : IsQualifiedName(k)) errs.push_back(FieldInvalid(path, k, msg));
    for (const std::string& msg : IsValidLabelValue(v)) errs.push_back(FieldInvalid(path, v, msg));
  });
  return errs;
}

FieldErrors ValidateLabelSelector(const JsonValue& selector, std::string_view path) {
  FieldErrors errs;
  if (selector.IsNull()) return errs;
  if (!selector.IsObject()) {
    errs.push_back(WrongType(std::string(path), selector, "an object"));
    return errs;
  }
  if (const JsonValue* ml = Member(selector, "matchLabels")) {
    FieldErrors l = ValidateLabels(*ml, JoinPath(path, "matchLabels"));
    errs.insert(errs.end(), l.begin(), l.end());
  }
  const JsonValue* exprs = Member(selector, "matchExpressions");
  if (exprs == nullptr || exprs->IsNull()) return errs;
  std::string exprs_path = JoinPath(path, "matchExpressions");
  if (!exprs->IsArray()) {
    errs.push_back(WrongType(exprs_path, *exprs, "an array of objects"));
    return errs;
  }
  for (rapidjson::SizeType i = 0; i < exprs->Size(); ++i) {
    const JsonValue& e = (*exprs)[i];
    std::string at = fmt::format("{}[{}]", exprs_path, i);
    if (!e.IsObject()) {
      errs.push_back(WrongType(at, e, "an object"));
      continue;
    }
    std::vector<std::string> values;
    StringList(Member(e, "values"), JoinPath(at, "values"), errs, values);
    std::string_view op = GetString(e, "operator");
    if (op == "In" || op == "NotIn") {
      if (values.empty()) {
        errs.push_back(FieldRequired(JoinPath(at, "values"),
                                     "must be specified when `operator` is 'In' or 'NotIn'"));
      }
    } else if (op == "Exists" || op == "DoesNotExist") {
      if (!values.empty()) {
        errs.push_back(
            FieldForbidden(JoinPath(at, "values"),
                           "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
    } else {
      errs.push_back(FieldInvalid(JoinPath(at, "operator"), op, "not a valid selector operator"));
    }
    std::string_view key = GetString(e, "key");
    for (const std::string& msg : IsQualifiedName(key)) {
      errs.push_back(FieldInvalid(JoinPath(at, "key"), key, msg));
    }
    for (size_t j = 0; j < values.size(); ++j) {
      for (const std::string& msg : IsValidLabelValue(values[j])) {
        errs.push_back(FieldInvalid(fmt::format("{}.values[{}]", at, j), values[j], msg));
      }
    }
  }
  return errs;
}

// ---- Messages --------------------------------------------------------------------------------

std::string AggregateFieldErrors(const FieldErrors& errs) {
  std::set<std::string, std::less<>> seen;
  std::string joined;
  for (const FieldError& e : errs) {
    std::string one = fmt::format("{}: {}", e.field, e.message);
    if (!seen.insert(one).second) continue;
    if (seen.size() > 1) joined += ", ";
    joined += one;
  }
  if (seen.size() <= 1) return joined;
  return "[" + joined + "]";
}

std::string FormatInvalid(const FieldErrors& errs, std::string_view kind, std::string_view name) {
  std::string msg = fmt::format("{} {} is invalid", kind, GoQuote(name));
  if (!errs.empty()) msg += ": " + AggregateFieldErrors(errs);
  return msg;
}

// ---- Go-compatible text helpers --------------------------------------------------------------

DecodedRune DecodeRune(std::string_view s) {
  constexpr DecodedRune kError{0xfffd, 1};
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  auto cont = [&](size_t i) { return i < s.size() && (b(i) & 0xc0) == 0x80; };
  unsigned char c0 = b(0);
  if (c0 < 0x80) return {c0, 1};
  if (c0 >= 0xc2 && c0 <= 0xdf) {
    if (!cont(1)) return kError;
    return {static_cast<char32_t>(((c0 & 0x1f) << 6) | (b(1) & 0x3f)), 2};
  }
  if (c0 >= 0xe0 && c0 <= 0xef) {
    if (!cont(1) || !cont(2)) return kError;
    char32_t r = ((c0 & 0x0f) << 12) | ((b(1) & 0x3f) << 6) | (b(2) & 0x3f);
    if (r < 0x800 || (r >= 0xd800 && r <= 0xdfff)) return kError;  // overlong, surrogate
    return {r, 3};
  }
  if (c0 >= 0xf0 && c0 <= 0xf4) {
    if (!cont(1) || !cont(2) || !cont(3)) return kError;
    char32_t r = ((c0 & 0x07) << 18) | ((b(1) & 0x3f) << 12) | ((b(2) & 0x3f) << 6) | (b(3) & 0x3f);
    if (r < 0x10000 || r > 0x10ffff) return kError;
    return {r, 4};
  }
  return kError;
}

void AppendRune(std::string& out, char32_t r) {
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xc0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3f));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xe0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (r & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (r & 0x3f));
  }
}

std::string GoQuote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  while (!s.empty()) {
    DecodedRune d = DecodeRune(s);
    char32_t r = d.rune;
    if (r == 0xfffd && d.size == 1) {  // invalid UTF-8: the byte itself
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[0]));
    } else if (r == '"' || r == '\\') {
      out += '\\';
      out += static_cast<char>(r);
    } else if (IsPrintableRune(r)) {
      out.append(s.substr(0, d.size));
    } else {
      switch (r) {
        case '\a':
          out += "\\a";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\v':
          out += "\\v";
          break;
        default:
          if (r < 0x20 || r == 0x7f) {
            out += fmt::format("\\x{:02x}", static_cast<unsigned>(r));
          } else if (r < 0x10000) {
            out += fmt::format("\\u{:04x}", static_cast<unsigned>(r));
          } else {
            out += fmt::format("\\U{:08x}", static_cast<unsigned>(r));
          }
      }
    }
    s.remove_prefix(d.size);
  }
  out += '"';
  return out;
}

std::string GoStringSlice(const std::vector<std::string>& values, bool is_nil) {
  if (is_nil && values.empty()) return "[]string(nil)";
  std::string out = "[]string{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += GoQuote(values[i]);
  }
  out += "}";
  return out;
}

}  // namespace orchd::api
