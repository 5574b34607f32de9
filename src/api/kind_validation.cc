#include "api/kind_validation.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/kind_validation_internal.h"
#include "api/labels.h"
#include "api/validation.h"

// Shared helpers, pod spec validation and the kind table. The kinds themselves live in
// kind_validation_core.cc and kind_validation_apps.cc.

namespace orchd::api {
namespace kind_validation_internal {

const JsonValue& EmptyObject() {
  static const JsonValue kEmpty(rapidjson::kObjectType);
  return kEmpty;
}

const JsonValue& NullValue() {
  static const JsonValue kNull;
  return kNull;
}

// ---- Reading JSON ---------------------------------------------------------------------------

// Member `key` of `v` when it is an object, else {} (Go's zero struct).
const JsonValue& ObjectAt(const JsonValue& v, std::string_view key) {
  const JsonValue* m = Member(v, key);
  return m != nullptr && m->IsObject() ? *m : EmptyObject();
}

// Member `key` of `v` when it is an array, else nullptr.
const JsonValue* ArrayAt(const JsonValue& v, std::string_view key) {
  const JsonValue* m = Member(v, key);
  return m != nullptr && m->IsArray() ? m : nullptr;
}

bool Present(const JsonValue& v, std::string_view key) {
  const JsonValue* m = Member(v, key);
  return m != nullptr && !m->IsNull();
}

std::optional<int64_t> OptInt(const JsonValue& v, std::string_view key) {
  const JsonValue* m = Member(v, key);
  if (m == nullptr || !m->IsInt64()) return std::nullopt;
  return m->GetInt64();
}

size_t ArraySize(const JsonValue& v, std::string_view key) {
  const JsonValue* a = ArrayAt(v, key);
  return a == nullptr ? 0 : a->Size();
}

std::string Child(std::string_view path, std::string_view child) {
  return path.empty() ? std::string(child) : fmt::format("{}.{}", path, child);
}

std::string Index(std::string_view path, size_t i) { return fmt::format("{}[{}]", path, i); }

void Append(FieldErrors& errs, FieldErrors more) {
  errs.insert(errs.end(), std::make_move_iterator(more.begin()),
              std::make_move_iterator(more.end()));
}

bool OneOf(std::string_view v, std::initializer_list<std::string_view> values) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

void NonNegative(FieldErrors& errs, const JsonValue& v, std::string_view key,
                 std::string_view path) {
  if (auto n = OptInt(v, key); n && *n < 0) {
    errs.push_back(FieldInvalidRendered(Child(path, key), std::to_string(*n), kNonNegative));
  }
}

// An enumerated string field: "" is Required, anything outside `supported` NotSupported.
void Enum(FieldErrors& errs, std::string_view value, const std::string& path,
          const std::vector<std::string_view>& supported) {
  if (value.empty()) {
    errs.push_back(FieldRequired(path, ""));
  } else if (std::find(supported.begin(), supported.end(), value) == supported.end()) {
    errs.push_back(FieldNotSupported(path, value, supported));
  }
}

// Unsupported value: <rendered>: supported values: "a", "b"   (for values that are not strings)
FieldError FieldNotSupportedRendered(std::string path, std::string_view rendered,
                                     std::initializer_list<std::string_view> supported) {
  std::vector<std::string> quoted;
  for (std::string_view v : supported) quoted.push_back(GoQuote(v));
  return {FieldErrorType::kNotSupported, std::move(path),
          fmt::format("Unsupported value: {}: supported values: {}", rendered,
                      fmt::join(quoted, ", "))};
}

FieldError FieldDuplicateRendered(std::string path, std::string_view rendered) {
  return {FieldErrorType::kDuplicate, std::move(path),
          fmt::format("Duplicate value: {}", rendered)};
}

// ---- Go renderings --------------------------------------------------------------------------

// map[string]string as %#v prints it: map[string]string{"a":"1", "b":"2"} (keys sorted), or
// map[string]string(nil) for a missing map.
std::string GoStringMap(const JsonValue* map) {
  if (map == nullptr || !map->IsObject()) return "map[string]string(nil)";
  std::map<std::string, std::string, std::less<>> sorted;
  for (const auto& m : map->GetObject()) {
    if (m.value.IsString()) sorted.insert_or_assign(std::string(AsView(m.name)), AsView(m.value));
  }
  std::string out = "map[string]string{";
  bool first = true;
  for (const auto& [k, v] : sorted) {
    if (!first) out += ", ";
    first = false;
    out += fmt::format("{}:{}", GoQuote(k), GoQuote(v));
  }
  return out + "}";
}

// ---- Single values --------------------------------------------------------------------------

std::vector<std::string> PortNumErrors(int64_t port) {
  if (port >= 1 && port <= 65535) return {};
  return {"must be between 1 and 65535, inclusive"};
}

// IANA_SVC_NAME: at most 15 of [-a-z0-9], a letter, no "--", no '-' at either end.
std::vector<std::string> PortNameErrors(std::string_view port) {
  std::vector<std::string> errs;
  constexpr size_t kMaxPortNameLength = 15;
  if (port.size() > kMaxPortNameLength) errs.emplace_back("must be no more than 15 characters");
  bool charset = !port.empty() && std::all_of(port.begin(), port.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (!charset) {
    errs.emplace_back("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  }
  if (std::none_of(port.begin(), port.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    errs.emplace_back("must contain at least one letter (a-z)");
  }
  if (port.find("--") != std::string_view::npos) {
    errs.emplace_back("must not contain consecutive hyphens");
  }
  if (!port.empty() && (port.front() == '-' || port.back() == '-')) {
    errs.emplace_back("must not begin or end with a hyphen");
  }
  return errs;
}

void Dns1123Label(FieldErrors& errs, std::string_view value, const std::string& path) {
  for (const std::string& msg : IsDNS1123Label(value)) {
    errs.push_back(FieldInvalid(path, value, msg));
  }
}

// ---- Pod specs ------------------------------------------------------------------------------

namespace {

void ValidateContainerPorts(const JsonValue& c, const std::string& path, FieldErrors& errs) {
  Names names;
  std::string ports_path = Child(path, "ports");
  ForEachObject(c, "ports", [&](size_t i, const JsonValue& p) {
    std::string at = Index(ports_path, i);
    std::string_view name = GetString(p, "name");
    if (!name.empty()) {
      std::vector<std::string> msgs = PortNameErrors(name);
      for (const std::string& msg : msgs) {
        errs.push_back(FieldInvalid(Child(at, "name"), name, msg));
      }
      if (msgs.empty() && !names.emplace(name).second) {
        errs.push_back(FieldDuplicate(Child(at, "name"), name));
      }
    }
    if (int64_t container_port = GetInt(p, "containerPort"); container_port == 0) {
      errs.push_back(FieldRequired(Child(at, "containerPort"), ""));
    } else {
      for (const std::string& msg : PortNumErrors(container_port)) {
        errs.push_back(
            FieldInvalidRendered(Child(at, "containerPort"), std::to_string(container_port), msg));
      }
    }
    if (int64_t host_port = GetInt(p, "hostPort"); host_port != 0) {
      for (const std::string& msg : PortNumErrors(host_port)) {
        errs.push_back(FieldInvalidRendered(Child(at, "hostPort"), std::to_string(host_port), msg));
      }
    }
    Enum(errs, GetString(p, "protocol"), Child(at, "protocol"), {"SCTP", "TCP", "UDP"});
  });
}

// validateContainerCommon: what every kind of container must satisfy.
void ValidateContainerCommon(const JsonValue& c, const std::string& path, FieldErrors& errs) {
  std::string_view name = GetString(c, "name");
  if (name.empty()) {
    errs.push_back(FieldRequired(Child(path, "name"), ""));
  } else {
    Dns1123Label(errs, name, Child(path, "name"));
  }
  if (GetString(c, "image").empty()) errs.push_back(FieldRequired(Child(path, "image"), ""));
  Enum(errs, GetString(c, "terminationMessagePolicy"), Child(path, "terminationMessagePolicy"),
       {"File", "FallbackToLogsOnError"});
  ValidateContainerPorts(c, path, errs);
  Enum(errs, GetString(c, "imagePullPolicy"), Child(path, "imagePullPolicy"),
       {"Always", "IfNotPresent", "Never"});
}

void ValidateContainers(const JsonValue& spec, const std::string& spec_path, FieldErrors& errs) {
  std::string path = Child(spec_path, "containers");
  if (ArraySize(spec, "containers") == 0) {
    errs.push_back(FieldRequired(path, ""));
    return;
  }
  Names names;
  ForEachObject(spec, "containers", [&](size_t i, const JsonValue& c) {
    std::string at = Index(path, i);
    ValidateContainerCommon(c, at, errs);
    std::string_view name = GetString(c, "name");
    if (!names.emplace(name).second) errs.push_back(FieldDuplicate(Child(at, "name"), name));
    if (Present(c, "restartPolicy")) {
      errs.push_back(
          FieldForbidden(Child(at, "restartPolicy"), "may not be set for non-init containers"));
    }
  });
}

void ValidateInitContainers(const JsonValue& spec, const std::string& spec_path,
                            FieldErrors& errs) {
  Names names;
  ForEachObject(spec, "containers",
                [&](size_t, const JsonValue& c) { names.emplace(GetString(c, "name")); });
  std::string path = Child(spec_path, "initContainers");
  ForEachObject(spec, "initContainers", [&](size_t i, const JsonValue& c) {
    std::string at = Index(path, i);
    ValidateContainerCommon(c, at, errs);
    bool restart_always = false;
    if (Present(c, "restartPolicy")) {
      std::string_view policy = GetString(c, "restartPolicy");
      if (policy != "Always") {
        errs.push_back(FieldNotSupported(Child(at, "restartPolicy"), policy, {"Always"}));
      }
      restart_always = policy == "Always";
    }
    std::string_view name = GetString(c, "name");
    if (names.contains(name)) {
      errs.push_back(FieldDuplicate(Child(at, "name"), name));
    } else if (!name.empty()) {
      names.emplace(name);
    }
    if (!restart_always) {
      for (std::string_view f : {"lifecycle", "livenessProbe", "readinessProbe", "startupProbe"}) {
        if (Present(c, f)) {
          errs.push_back(FieldForbidden(
              Child(at, f), "may not be set for init containers without restartPolicy=Always"));
        }
      }
    }
  });
}

void ValidateVolumeNames(const JsonValue& spec, const std::string& spec_path, FieldErrors& errs) {
  Names names;
  std::string path = Child(spec_path, "volumes");
  ForEachObject(spec, "volumes", [&](size_t i, const JsonValue& v) {
    std::string name_path = Child(Index(path, i), "name");
    std::string_view name = GetString(v, "name");
    size_t before = errs.size();
    if (name.empty()) {
      errs.push_back(FieldRequired(name_path, ""));
    } else {
      Dns1123Label(errs, name, name_path);
    }
    if (names.contains(name)) errs.push_back(FieldDuplicate(name_path, name));
    if (errs.size() == before) names.emplace(name);
  });
}

// validatePodHostNetworkDeps: with host networking a port is a host port.
void ValidateHostNetworkPorts(const JsonValue& spec, const std::string& spec_path, SpecOwner owner,
                              FieldErrors& errs) {
  if (!GetBool(spec, "hostNetwork")) return;
  std::string path = Child(spec_path, "containers");
  ForEachObject(spec, "containers", [&](size_t i, const JsonValue& c) {
    std::string ports_path = Child(Index(path, i), "ports");
    ForEachObject(c, "ports", [&](size_t j, const JsonValue& p) {
      int64_t host_port = GetInt(p, "hostPort");
      // A template may leave the host port to defaulting.
      bool unset_ok = owner == SpecOwner::kTemplate && host_port == 0;
      if (!unset_ok && host_port != GetInt(p, "containerPort")) {
        errs.push_back(
            FieldInvalidRendered(Child(Index(ports_path, j), "hostPort"), std::to_string(host_port),
                                 "must match `containerPort` when `hostNetwork` is true"));
      }
    });
  });
}

}  // namespace

// ValidatePodSpec, the part orchd checks.
void ValidatePodSpec(const JsonValue& spec, const std::string& path, SpecOwner owner,
                     FieldErrors& errs) {
  ValidateVolumeNames(spec, path, errs);
  ValidateContainers(spec, path, errs);
  ValidateInitContainers(spec, path, errs);
  ValidateHostNetworkPorts(spec, path, owner, errs);
  Enum(errs, GetString(spec, "restartPolicy"), Child(path, "restartPolicy"),
       {"Always", "OnFailure", "Never"});
  std::string_view dns_policy = GetString(spec, "dnsPolicy");
  Enum(errs, dns_policy, Child(path, "dnsPolicy"),
       {"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"});
  if (dns_policy == "None") {
    const JsonValue* config = Member(spec, "dnsConfig");
    if (config == nullptr || !config->IsObject()) {
      errs.push_back(FieldRequired(Child(path, "dnsConfig"),
                                   "must provide `dnsConfig` when `dnsPolicy` is None"));
    } else if (ArraySize(*config, "nameservers") == 0) {
      errs.push_back(
          FieldRequired(Child(path, "dnsConfig.nameservers"),
                        "must provide at least one DNS nameserver when `dnsPolicy` is None"));
    }
  }
  if (auto deadline = OptInt(spec, "activeDeadlineSeconds");
      deadline && (*deadline < 1 || *deadline > kMaxInt32)) {
    errs.push_back(FieldInvalidRendered(Child(path, "activeDeadlineSeconds"),
                                        std::to_string(*deadline),
                                        "must be between 1 and 2147483647, inclusive"));
  }
}

// ValidatePodTemplateSpec at `path` ("spec.template").
void ValidatePodTemplateSpec(const JsonValue& tmpl, const std::string& path, FieldErrors& errs) {
  if (const JsonValue* labels = Path(tmpl, {"metadata", "labels"})) {
    Append(errs, ValidateLabels(*labels, Child(path, "labels")));
  }
  const JsonValue& spec = ObjectAt(tmpl, "spec");
  ValidatePodSpec(spec, Child(path, "spec"), SpecOwner::kTemplate, errs);
  if (ArraySize(spec, "ephemeralContainers") > 0) {
    errs.push_back(FieldForbidden(Child(path, "spec.ephemeralContainers"),
                                  "ephemeral containers not allowed in pod template"));
  }
}

// The template rules shared by ReplicaSets, Deployments, ReplicationControllers and
// DaemonSets: labels matching the selector, a valid pod template, restartPolicy Always and no
// activeDeadlineSeconds.
void ValidateLongRunningTemplate(const JsonValue& tmpl, const LabelSelector* selector,
                                 std::string_view kind, const std::string& path,
                                 FieldErrors& errs) {
  if (selector != nullptr && !selector->Empty() && !selector->Matches(LabelsFromObject(tmpl))) {
    errs.push_back(FieldInvalidRendered(Child(path, "metadata.labels"),
                                        GoStringMap(Path(tmpl, {"metadata", "labels"})),
                                        kSelectorMismatch));
  }
  ValidatePodTemplateSpec(tmpl, path, errs);
  const JsonValue& spec = ObjectAt(tmpl, "spec");
  if (std::string_view policy = GetString(spec, "restartPolicy"); policy != "Always") {
    errs.push_back(FieldNotSupported(Child(path, "spec.restartPolicy"), policy, {"Always"}));
  }
  if (Present(spec, "activeDeadlineSeconds")) {
    errs.push_back(
        FieldForbidden(Child(path, "spec.activeDeadlineSeconds"),
                       fmt::format("activeDeadlineSeconds in {} is not Supported", kind)));
  }
}

}  // namespace kind_validation_internal

namespace {

namespace kvi = kind_validation_internal;

struct KindValidator {
  std::string_view group;
  std::string_view kind;
  void (*validate)(const JsonValue&, FieldErrors&);
};

constexpr std::array kValidators = {
    KindValidator{"", "Pod", kvi::ValidatePod},
    KindValidator{"", "PodTemplate", kvi::ValidatePodTemplate},
    KindValidator{"", "ReplicationController", kvi::ValidateReplicationController},
    KindValidator{"", "Service", kvi::ValidateService},
    KindValidator{"", "ConfigMap", kvi::ValidateConfigMap},
    KindValidator{"", "Secret", kvi::ValidateSecret},
    KindValidator{"apps", "Deployment", kvi::ValidateDeployment},
    KindValidator{"apps", "ReplicaSet", kvi::ValidateReplicaSet},
    KindValidator{"apps", "StatefulSet", kvi::ValidateStatefulSet},
    KindValidator{"apps", "DaemonSet", kvi::ValidateDaemonSet},
    KindValidator{"batch", "Job", kvi::ValidateJob},
    KindValidator{"batch", "CronJob", kvi::ValidateCronJob},
};

}  // namespace

FieldErrors ValidateKind(std::string_view group, std::string_view kind, const JsonValue& obj) {
  FieldErrors errs;
  if (!obj.IsObject()) return errs;
  for (const KindValidator& v : kValidators) {
    if (v.group == group && v.kind == kind) {
      v.validate(obj, errs);
      break;
    }
  }
  return errs;
}

}  // namespace orchd::api
