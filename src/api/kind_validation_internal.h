// Internals of ValidateKind shared by its source files (kind_validation.cc: helpers, pod specs
// and dispatch; kind_validation_core.cc: core kinds; kind_validation_apps.cc: apps and batch).
// Not an API: include kind_validation.h instead.
//
// Conventions: `path` arguments are upstream field paths ("spec.template.spec"); validators
// append to `errs` in upstream's order; JSON of an unexpected type counts as unset (Go's zero
// value). Values inside messages are printed the way upstream's field.Error prints them: strings
// Go-quoted, integers plainly, maps and structs as Go's %#v, label selectors and int-or-strings
// through their String() methods. Where upstream prints a struct holding a set pointer (an
// address), the pointee is shown as JSON instead.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/field_error.h"
#include "api/json.h"
#include "api/labels.h"

namespace orchd::api::kind_validation_internal {

using Names = std::set<std::string, std::less<>>;

inline constexpr std::string_view kNonNegative = "must be greater than or equal to 0";
inline constexpr std::string_view kSelectorMismatch = "`selector` does not match template `labels`";
inline constexpr int64_t kMaxInt32 = 2147483647;

// ---- Reading JSON ---------------------------------------------------------------------------

const JsonValue& EmptyObject();
const JsonValue& NullValue();
// Member `key` of `v` when it is an object, else {} (Go's zero struct).
const JsonValue& ObjectAt(const JsonValue& v, std::string_view key);
// Member `key` of `v` when it is an array, else nullptr.
const JsonValue* ArrayAt(const JsonValue& v, std::string_view key);
// Member `key` is there and not null (a set pointer field).
bool Present(const JsonValue& v, std::string_view key);
std::optional<int64_t> OptInt(const JsonValue& v, std::string_view key);
size_t ArraySize(const JsonValue& v, std::string_view key);

// Calls fn(index, element) for each object element of the array member `key`.
template <typename Fn>
void ForEachObject(const JsonValue& v, std::string_view key, Fn&& fn) {
  const JsonValue* list = ArrayAt(v, key);
  if (list == nullptr) return;
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    if ((*list)[i].IsObject()) fn(size_t{i}, (*list)[i]);
  }
}

// ---- Paths and errors -----------------------------------------------------------------------

std::string Child(std::string_view path, std::string_view child);
std::string Index(std::string_view path, size_t i);
void Append(FieldErrors& errs, FieldErrors more);
bool OneOf(std::string_view v, std::initializer_list<std::string_view> values);
// Invalid "must be greater than or equal to 0" on member `key` of `v` when it is negative.
void NonNegative(FieldErrors& errs, const JsonValue& v, std::string_view key,
                 std::string_view path);
// An enumerated string field: "" is Required, anything outside `supported` NotSupported.
void Enum(FieldErrors& errs, std::string_view value, const std::string& path,
          const std::vector<std::string_view>& supported);
// Unsupported value: <rendered>: supported values: "a", "b"   (for values that are not strings)
FieldError FieldNotSupportedRendered(std::string path, std::string_view rendered,
                                     std::initializer_list<std::string_view> supported);
// Duplicate value: <rendered>
FieldError FieldDuplicateRendered(std::string path, std::string_view rendered);
// map[string]string as %#v prints it: map[string]string{"a":"1", "b":"2"} (keys sorted), or
// map[string]string(nil) for a missing map.
std::string GoStringMap(const JsonValue* map);

// ---- Single values --------------------------------------------------------------------------

// IsValidPortNum: 1-65535.
std::vector<std::string> PortNumErrors(int64_t port);
// IsValidPortName (IANA_SVC_NAME): at most 15 of [-a-z0-9], a letter, no "--", no '-' at an end.
std::vector<std::string> PortNameErrors(std::string_view port);
// Invalid on `path` for each problem of `value` as a DNS-1123 label.
void Dns1123Label(FieldErrors& errs, std::string_view value, const std::string& path);

// ---- Pod specs ------------------------------------------------------------------------------

enum class SpecOwner { kPod, kTemplate };

// ValidatePodSpec, the part orchd checks, at `path` ("spec", "spec.template.spec").
void ValidatePodSpec(const JsonValue& spec, const std::string& path, SpecOwner owner,
                     FieldErrors& errs);
// ValidatePodTemplateSpec at `path` ("spec.template").
void ValidatePodTemplateSpec(const JsonValue& tmpl, const std::string& path, FieldErrors& errs);
// The template rules of ReplicaSets, Deployments, ReplicationControllers and DaemonSets: labels
// matching `selector` (unless null or empty), a valid pod template, restartPolicy Always and no
// activeDeadlineSeconds ("activeDeadlineSeconds in <kind> is not Supported").
void ValidateLongRunningTemplate(const JsonValue& tmpl, const LabelSelector* selector,
                                 std::string_view kind, const std::string& path, FieldErrors& errs);

// ---- Kinds ----------------------------------------------------------------------------------

// kind_validation_core.cc
void ValidatePod(const JsonValue& pod, FieldErrors& errs);
void ValidatePodTemplate(const JsonValue& obj, FieldErrors& errs);
void ValidateReplicationController(const JsonValue& obj, FieldErrors& errs);
void ValidateService(const JsonValue& obj, FieldErrors& errs);
void ValidateConfigMap(const JsonValue& obj, FieldErrors& errs);
void ValidateSecret(const JsonValue& obj, FieldErrors& errs);
// kind_validation_apps.cc
void ValidateDeployment(const JsonValue& obj, FieldErrors& errs);
void ValidateReplicaSet(const JsonValue& obj, FieldErrors& errs);
void ValidateStatefulSet(const JsonValue& obj, FieldErrors& errs);
void ValidateDaemonSet(const JsonValue& obj, FieldErrors& errs);
void ValidateJob(const JsonValue& obj, FieldErrors& errs);
void ValidateCronJob(const JsonValue& obj, FieldErrors& errs);

}  // namespace orchd::api::kind_validation_internal
