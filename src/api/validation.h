// Validation of names, label keys and values, and object metadata, with the messages of
// k8s.io/apimachinery (pkg/util/validation, pkg/api/validation, pkg/apis/meta/v1/validation) as
// of Kubernetes v1.32, so that kubectl users see the text they know.
//
// The Is* functions return the list of problems with one string (empty = valid), exactly as
// upstream words them: "must be no more than 63 characters", "a lowercase RFC 1123 label must
// consist of ...". Validators of whole fields return FieldErrors (see field_error.h) whose
// `message` is upstream's ErrorBody: `Invalid value: "Foo_bar": a lowercase RFC 1123 ...`.
// Values inside messages are rendered the way Go's fmt does (%q for strings, %#v for slices),
// because that is what upstream prints.
//
// Thread safety: free functions, no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/field_error.h"
#include "api/json.h"

namespace orchd::api {

// ---- Single strings --------------------------------------------------------------------------

inline constexpr size_t kDns1123LabelMaxLength = 63;
inline constexpr size_t kDns1123SubdomainMaxLength = 253;
inline constexpr size_t kQualifiedNameMaxLength = 63;
inline constexpr size_t kLabelValueMaxLength = 63;
inline constexpr size_t kTotalAnnotationSizeLimit = size_t{256} * 1024;

// [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63 bytes ("must not contain dots" for a subdomain).
std::vector<std::string> IsDNS1123Label(std::string_view value);
// Dot-separated DNS-1123 labels, at most 253 bytes.
std::vector<std::string> IsDNS1123Subdomain(std::string_view value);
// [prefix/]name: prefix a DNS-1123 subdomain, name ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] of
// at most 63 bytes. Label keys, annotation keys (lower-cased first) and finalizers are these.
std::vector<std::string> IsQualifiedName(std::string_view value);
// Empty, or a qualified name's name part (at most 63 bytes).
std::vector<std::string> IsValidLabelValue(std::string_view value);

// How a kind's metadata.name is checked (upstream's ValidateNameFunc of the kind).
enum class NameRule {
  kDnsSubdomain,  // NameIsDNSSubdomain: most kinds
  kDnsLabel,      // NameIsDNSLabel: namespaces, services
  kPath,          // ValidatePathSegmentName: not "." or "..", no '/' or '%' (e.g. RBAC kinds)
};

// The problems with `name` under `rule`. With `prefix` true the value is a generateName prefix:
// a trailing '-' is tolerated for the DNS rules (upstream masks it), and "."/".." are allowed
// for kPath, since random characters will follow.
std::vector<std::string> ValidateName(std::string_view name, NameRule rule, bool prefix);

// ---- Building field errors with upstream wording ---------------------------------------------

// Invalid value: "<value>": <detail>        (value Go-quoted)
FieldError FieldInvalid(std::string field, std::string_view value, std::string_view detail);
// Invalid value: <rendered>: <detail>       (rendered already: an integer, a Go %#v literal)
FieldError FieldInvalidRendered(std::string field, std::string_view rendered,
                                std::string_view detail);
// Required value[: <detail>]
FieldError FieldRequired(std::string field, std::string_view detail);
// Forbidden: <detail>
FieldError FieldForbidden(std::string field, std::string_view detail);
// Too long: must have at most <max> bytes
FieldError FieldTooLong(std::string field, int64_t max_bytes);
// Unsupported value: "<value>": supported values: "a", "b"
FieldError FieldNotSupported(std::string field, std::string_view value,
                             const std::vector<std::string_view>& supported);
// Duplicate value: "<value>"
FieldError FieldDuplicate(std::string field, std::string_view value);

// ---- Object fields ---------------------------------------------------------------------------

// ObjectMeta on create or update (upstream ValidateObjectMetaAccessor), in upstream order:
// generateName (as a prefix) and name per `rule` ("metadata.name: Required value: name or
// generateName is required" when empty; name generation must already have happened); namespace
// required and a DNS label when `namespaced`, "Forbidden: not allowed on this type" otherwise;
// generation >= 0; labels; annotations (keys as qualified names, lower-cased; total size of keys
// and values at most 256 KiB); ownerReferences (apiVersion with a version, kind, name, uid; not
// an Event; at most one controller); finalizers (qualified names; not both orphan and
// foregroundDeletion). `meta` is the metadata object; anything else counts as {}.
// Fields of the wrong JSON type (a number for a label value, ...) are reported as Invalid on the
// field; upstream rejects them earlier while decoding.
FieldErrors ValidateObjectMeta(const JsonValue& meta, bool namespaced, NameRule rule);

// A map of labels (upstream v1validation.ValidateLabels): each key a qualified name, each value
// a label value, all reported on `path` itself (e.g. "metadata.labels"). A null/absent map is ok.
FieldErrors ValidateLabels(const JsonValue& labels, std::string_view path);

// A metav1.LabelSelector object (upstream v1validation.ValidateLabelSelector): matchLabels as
// labels; each matchExpressions[i] with operator In/NotIn (values required), Exists/DoesNotExist
// (values forbidden), a qualified-name key and label values. Null is valid (matches nothing).
FieldErrors ValidateLabelSelector(const JsonValue& selector, std::string_view path);

// ---- Messages --------------------------------------------------------------------------------

// "<field>: <message>" for one error, "[<e1>, <e2>]" for several, "" for none; duplicates
// dropped (upstream's ErrorList.ToAggregate().Error()).
std::string AggregateFieldErrors(const FieldErrors& errs);

// The message of a 422 Invalid status (upstream errors.NewInvalid):
//   <kind> "<name>" is invalid: <aggregate>      or    <kind> "<name>" is invalid  (no errors)
// `kind` is printed as given (upstream prints Kind.group for non-core groups).
std::string FormatInvalid(const FieldErrors& errs, std::string_view kind, std::string_view name);

// ---- Go-compatible text helpers --------------------------------------------------------------

// `s` quoted as Go's %q / strconv.Quote does: "\"", "\\", \n \t ..., \x00 for other control
// bytes and invalid UTF-8, \uXXXX for non-printable runes (approximated: C1 controls, Unicode
// spaces other than ' ', format characters, private use and noncharacters).
std::string GoQuote(std::string_view s);
// A []string as Go's %#v prints it: []string{"a", "b"}, or []string(nil) when `is_nil`.
std::string GoStringSlice(const std::vector<std::string>& values, bool is_nil);

// One rune decoded from the front of non-empty `s` as Go does: invalid UTF-8 (bad sequences,
// overlong forms, surrogates) yields {U+FFFD, 1}.
struct DecodedRune {
  char32_t rune = 0;
  size_t size = 0;
};
DecodedRune DecodeRune(std::string_view s);
// Appends the UTF-8 encoding of `r` (a valid code point) to `out`.
void AppendRune(std::string& out, char32_t r);

}  // namespace orchd::api
