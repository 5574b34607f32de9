#include "api/defaults.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

// Invariants of this file:
// * A rapidjson object reallocates its member storage when a member is added, so a pointer to a
//   member value is only used until the next member is added to the same object. Functions set
//   the scalar members of an object first and look its children up afterwards, one at a time.
// * Strings read from the document are copied (std::string) before the same object is written:
//   short strings live inside the Value and move with it.

namespace orchd::api {
namespace {

constexpr std::string_view kRbacGroup = "rbac.authorization.k8s.io";

// A pointer field left nil: missing or null.
bool Unset(const JsonValue* v) { return v == nullptr || v->IsNull(); }

// A Go string field left at its zero value: missing, null or "".
bool StringUnset(const JsonValue* v) {
  return Unset(v) || (v->IsString() && v->GetStringLength() == 0);
}

// A Go integer field (not a pointer) left at its zero value: missing, null or 0.
bool IntUnset(const JsonValue* v) { return Unset(v) || (v->IsInt64() && v->GetInt64() == 0); }

// A map or list field left empty: missing, null, {} or [].
bool EmptyCollection(const JsonValue* v) {
  if (Unset(v)) return true;
  if (v->IsObject()) return v->MemberCount() == 0;
  if (v->IsArray()) return v->Empty();
  return false;
}

// The member `key` of `v` when it is an object, else nullptr.
JsonValue* Obj(JsonValue& v, std::string_view key) {
  JsonValue* m = Member(v, key);
  return m != nullptr && m->IsObject() ? m : nullptr;
}

// The object member `key` of `v`, created as {} when unset; nullptr when it holds another type.
JsonValue* ChildObject(JsonValue& v, std::string_view key, JsonAlloc& a) {
  if (!v.IsObject()) return nullptr;
  JsonValue* m = Member(v, key);
  if (Unset(m)) return &EnsureObject(v, key, a);
  return m->IsObject() ? m : nullptr;
}

void DefaultString(JsonValue& v, std::string_view key, std::string_view value, JsonAlloc& a) {
  if (StringUnset(Member(v, key))) SetString(v, key, value, a);
}

// For pointer-to-string fields: "" is a value the user chose.
void DefaultStringPtr(JsonValue& v, std::string_view key, std::string_view value, JsonAlloc& a) {
  if (Unset(Member(v, key))) SetString(v, key, value, a);
}

void DefaultInt(JsonValue& v, std::string_view key, int64_t value, JsonAlloc& a) {
  if (Unset(Member(v, key))) SetInt(v, key, value, a);
}

void DefaultNonZeroInt(JsonValue& v, std::string_view key, int64_t value, JsonAlloc& a) {
  if (IntUnset(Member(v, key))) SetInt(v, key, value, a);
}

void DefaultBool(JsonValue& v, std::string_view key, bool value, JsonAlloc& a) {
  if (Unset(Member(v, key))) SetBool(v, key, value, a);
}

void DefaultEmptyObject(JsonValue& v, std::string_view key, JsonAlloc& a) {
  if (Unset(Member(v, key))) SetMember(v, key, JsonValue(rapidjson::kObjectType), a);
}

// Calls fn on every object element of the list member `key` of `v`.
template <typename Fn>
void ForEachObject(JsonValue& v, std::string_view key, Fn&& fn) {
  JsonValue* list = Member(v, key);
  if (list == nullptr || !list->IsArray()) return;
  for (JsonValue& item : list->GetArray()) {
    if (item.IsObject()) fn(item);
  }
}

// Copies `src` (a non-empty object) into member `key` of `dst`.
void CopyInto(JsonValue& dst, std::string_view key, const JsonValue& src, JsonAlloc& a) {
  JsonValue copy;
  copy.CopyFrom(src, a);
  SetMember(dst, key, std::move(copy), a);
}

bool HasUpper(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

// The tag of an image reference as upstream's parsers.ParseImageName reports it: "latest" when
// the reference has neither a tag nor a digest, "" when it has only a digest or does not parse.
std::string_view ImageTag(std::string_view image) {
  if (image.empty()) return {};
  for (char c : image) {
    if (static_cast<unsigned char>(c) <= ' ') return {};
  }
  std::string_view rest = image;
  bool has_digest = false;
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    if (at + 1 == rest.size()) return {};
    has_digest = true;
    rest = rest.substr(0, at);
  }
  // The first path component names a registry when it looks like a host (docker's rule).
  std::string_view path = rest;
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view first = rest.substr(0, slash);
    if (first.find_first_of(".:") != std::string_view::npos || first == "localhost" ||
        HasUpper(first)) {
      path = rest.substr(slash + 1);
    }
  }
  std::string_view tag;
  if (size_t colon = path.rfind(':'); colon != std::string_view::npos) {
    tag = path.substr(colon + 1);
    path = path.substr(0, colon);
    if (tag.empty() || tag.find('/') != std::string_view::npos) return {};
  }
  if (path.empty() || HasUpper(path)) return {};  // "repository name must be lowercase"
  if (tag.empty() && !has_digest) return "latest";
  return tag;
}

// ---- core/v1: pod spec ----------------------------------------------------------------------

void DefaultFieldRef(JsonValue& holder, JsonAlloc& a) {
  if (JsonValue* ref = Obj(holder, "fieldRef")) DefaultString(*ref, "apiVersion", "v1", a);
}

void DefaultHandler(JsonValue& handler, JsonAlloc& a) {
  if (JsonValue* http = Obj(handler, "httpGet")) {
    DefaultString(*http, "path", "/", a);
    DefaultString(*http, "scheme", "HTTP", a);
  }
}

void DefaultProbe(JsonValue& probe, JsonAlloc& a) {
  DefaultNonZeroInt(probe, "timeoutSeconds", 1, a);
  DefaultNonZeroInt(probe, "periodSeconds", 10, a);
  DefaultNonZeroInt(probe, "successThreshold", 1, a);
  DefaultNonZeroInt(probe, "failureThreshold", 3, a);
  DefaultHandler(probe, a);
  if (JsonValue* grpc = Obj(probe, "grpc")) DefaultStringPtr(*grpc, "service", "", a);
}

void DefaultContainer(JsonValue& c, JsonAlloc& a) {
  if (StringUnset(Member(c, "imagePullPolicy"))) {
    bool latest = ImageTag(GetString(c, "image")) == "latest";
    SetString(c, "imagePullPolicy", latest ? "Always" : "IfNotPresent", a);
  }
  DefaultString(c, "terminationMessagePath", "/dev/termination-log", a);
  DefaultString(c, "terminationMessagePolicy", "File", a);
  DefaultEmptyObject(c, "resources", a);
  ForEachObject(c, "ports", [&](JsonValue& p) { DefaultString(p, "protocol", "TCP", a); });
  ForEachObject(c, "env", [&](JsonValue& e) {
    if (JsonValue* from = Obj(e, "valueFrom")) DefaultFieldRef(*from, a);
  });
  for (std::string_view probe : {"livenessProbe", "readinessProbe", "startupProbe"}) {
    if (JsonValue* p = Obj(c, probe)) DefaultProbe(*p, a);
  }
  if (JsonValue* lifecycle = Obj(c, "lifecycle")) {
    for (std::string_view hook : {"postStart", "preStop"}) {
      if (JsonValue* h = Obj(*lifecycle, hook)) DefaultHandler(*h, a);
    }
  }
}

void DefaultPvcSpec(JsonValue& spec, JsonAlloc& a) {
  DefaultStringPtr(spec, "volumeMode", "Filesystem", a);
}

void DefaultPvc(JsonValue& pvc, JsonAlloc& a) {
  if (JsonValue* status = ChildObject(pvc, "status", a)) {
    DefaultString(*status, "phase", "Pending", a);
  }
  if (JsonValue* spec = ChildObject(pvc, "spec", a)) DefaultPvcSpec(*spec, a);
}

void DefaultHostPath(JsonValue& source, JsonAlloc& a) {
  if (JsonValue* host_path = Obj(source, "hostPath")) {
    DefaultStringPtr(*host_path, "type", "", a);
  }
}

void DefaultVolume(JsonValue& v, JsonAlloc& a) {
  bool has_source = false;
  for (const auto& m : v.GetObject()) {
    if (AsView(m.name) != "name" && !m.value.IsNull()) {
      has_source = true;
      break;
    }
  }
  if (!has_source) SetMember(v, "emptyDir", JsonValue(rapidjson::kObjectType), a);
  DefaultHostPath(v, a);
  // 0644, the mode of files projected from API objects.
  constexpr int64_t kDefaultMode = 0644;
  for (std::string_view source : {"secret", "configMap", "downwardAPI", "projected"}) {
    if (JsonValue* s = Obj(v, source)) DefaultInt(*s, "defaultMode", kDefaultMode, a);
  }
  if (JsonValue* downward = Obj(v, "downwardAPI")) {
    ForEachObject(*downward, "items", [&](JsonValue& item) { DefaultFieldRef(item, a); });
  }
  if (JsonValue* projected = Obj(v, "projected")) {
    ForEachObject(*projected, "sources", [&](JsonValue& source) {
      if (JsonValue* downward = Obj(source, "downwardAPI")) {
        ForEachObject(*downward, "items", [&](JsonValue& item) { DefaultFieldRef(item, a); });
      }
      if (JsonValue* token = Obj(source, "serviceAccountToken")) {
        DefaultInt(*token, "expirationSeconds", 3600, a);
      }
    });
  }
  if (JsonValue* ephemeral = Obj(v, "ephemeral")) {
    if (JsonValue* claim = Obj(*ephemeral, "volumeClaimTemplate")) {
      if (JsonValue* spec = Obj(*claim, "spec")) DefaultPvcSpec(*spec, a);
    }
  }
}

// SetDefaults_PodSpec and everything nested in it: what every PodSpec gets, in a Pod or a template.
void DefaultPodSpec(JsonValue& spec, JsonAlloc& a) {
  DefaultString(spec, "dnsPolicy", "ClusterFirst", a);
  DefaultString(spec, "restartPolicy", "Always", a);
  DefaultEmptyObject(spec, "securityContext", a);
  DefaultInt(spec, "terminationGracePeriodSeconds", 30, a);
  DefaultString(spec, "schedulerName", "default-scheduler", a);
  ForEachObject(spec, "volumes", [&](JsonValue& v) { DefaultVolume(v, a); });
  for (std::string_view list : {"initContainers", "containers", "ephemeralContainers"}) {
    ForEachObject(spec, list, [&](JsonValue& c) { DefaultContainer(c, a); });
  }
}

void DefaultPodTemplate(JsonValue& owner, JsonAlloc& a) {
  if (JsonValue* tmpl = Obj(owner, "template")) {
    if (JsonValue* spec = ChildObject(*tmpl, "spec", a)) DefaultPodSpec(*spec, a);
  }
}

// Requests default to limits, container by container (a Pod only, not a template).
void DefaultRequestsFromLimits(JsonValue& c, JsonAlloc& a) {
  JsonValue* res = Obj(c, "resources");
  if (res == nullptr) return;
  const JsonValue* limits = Obj(*res, "limits");
  if (limits == nullptr || limits->MemberCount() == 0) return;
  JsonValue* requests = ChildObject(*res, "requests", a);
  if (requests == nullptr) return;
  limits = Obj(*res, "limits");  // adding "requests" may have moved it
  for (const auto& m : limits->GetObject()) {
    if (Member(*requests, AsView(m.name)) != nullptr) continue;
    requests->AddMember(JsonValue(m.name, a), JsonValue(m.value, a), a);
  }
}

// With host networking, container ports are host ports.
void DefaultHostNetworkPorts(JsonValue& c, JsonAlloc& a) {
  ForEachObject(c, "ports", [&](JsonValue& p) {
    const JsonValue* container_port = Member(p, "containerPort");
    if (IntUnset(Member(p, "hostPort")) && container_port != nullptr && container_port->IsInt64()) {
      SetInt(p, "hostPort", container_port->GetInt64(), a);
    }
  });
}

void DefaultPod(JsonValue& pod, JsonAlloc& a) {
  JsonValue* spec = ChildObject(pod, "spec", a);
  if (spec == nullptr) return;
  for (std::string_view list : {"initContainers", "containers"}) {
    ForEachObject(*spec, list, [&](JsonValue& c) { DefaultRequestsFromLimits(c, a); });
  }
  DefaultBool(*spec, "enableServiceLinks", true, a);
  if (GetBool(*spec, "hostNetwork")) {
    for (std::string_view list : {"initContainers", "containers"}) {
      ForEachObject(*spec, list, [&](JsonValue& c) { DefaultHostNetworkPorts(c, a); });
    }
  }
  DefaultPodSpec(*spec, a);
}

// ---- core/v1: other kinds -------------------------------------------------------------------

void DefaultPodTemplateKind(JsonValue& obj, JsonAlloc& a) { DefaultPodTemplate(obj, a); }

bool ExternallyAccessible(const JsonValue& spec, std::string_view type) {
  if (type == "LoadBalancer" || type == "NodePort") return true;
  const JsonValue* external_ips = Member(spec, "externalIPs");
  return type == "ClusterIP" && external_ips != nullptr && external_ips->IsArray() &&
         !external_ips->Empty();
}

bool HeadlessService(const JsonValue& spec) {
  if (GetString(spec, "clusterIP") == "None") return true;
  const JsonValue* ips = Member(spec, "clusterIPs");
  return ips != nullptr && ips->IsArray() && ips->Size() == 1 && AsView((*ips)[0]) == "None";
}

void DefaultService(JsonValue& svc, JsonAlloc& a) {
  JsonValue* spec = ChildObject(svc, "spec", a);
  if (spec == nullptr) return;
  DefaultString(*spec, "sessionAffinity", "None", a);
  std::string affinity(GetString(*spec, "sessionAffinity"));
  if (affinity == "None") {
    RemoveMember(*spec, "sessionAffinityConfig");
  } else if (affinity == "ClientIP" &&
             Unset(Path(*spec, {"sessionAffinityConfig", "clientIP", "timeoutSeconds"}))) {
    constexpr int64_t kClientIpAffinitySeconds = 10800;  // three hours
    JsonValue client_ip(rapidjson::kObjectType);
    SetInt(client_ip, "timeoutSeconds", kClientIpAffinitySeconds, a);
    JsonValue config(rapidjson::kObjectType);
    SetMember(config, "clientIP", std::move(client_ip), a);
    SetMember(*spec, "sessionAffinityConfig", std::move(config), a);
  }
  DefaultString(*spec, "type", "ClusterIP", a);
  std::string type(GetString(*spec, "type"));
  if (ExternallyAccessible(*spec, type)) {
    DefaultString(*spec, "externalTrafficPolicy", "Cluster", a);
  }
  if (type == "ClusterIP" || type == "NodePort" || type == "LoadBalancer") {
    DefaultStringPtr(*spec, "internalTrafficPolicy", "Cluster", a);
    // Upstream's service allocator: headless services without a selector take every family
    // the cluster has; everything else one.
    bool selectorless = EmptyCollection(Member(*spec, "selector"));
    DefaultStringPtr(*spec, "ipFamilyPolicy",
                     HeadlessService(*spec) && selectorless ? "RequireDualStack" : "SingleStack",
                     a);
  }
  if (type == "LoadBalancer") DefaultBool(*spec, "allocateLoadBalancerNodePorts", true, a);
  ForEachObject(*spec, "ports", [&](JsonValue& p) {
    DefaultString(p, "protocol", "TCP", a);
    const JsonValue* target = Member(p, "targetPort");
    if (IntUnset(target) || StringUnset(target)) SetInt(p, "targetPort", GetInt(p, "port"), a);
  });
  if (type == "LoadBalancer") {
    JsonValue* status = Obj(svc, "status");
    JsonValue* lb = status != nullptr ? Obj(*status, "loadBalancer") : nullptr;
    if (lb != nullptr) {
      ForEachObject(*lb, "ingress", [&](JsonValue& ing) {
        if (!GetString(ing, "ip").empty()) DefaultStringPtr(ing, "ipMode", "VIP", a);
      });
    }
  }
}

void DefaultNamespace(JsonValue& ns, JsonAlloc& a) {
  std::string name(StringAt(ns, {"metadata", "name"}));
  if (!name.empty()) {
    if (JsonValue* meta = ChildObject(ns, "metadata", a)) {
      if (JsonValue* labels = ChildObject(*meta, "labels", a)) {
        SetString(*labels, "kubernetes.io/metadata.name", name, a);
      }
    }
  }
  // Upstream adds the finalizer on create only, so that the namespace controller can remove it
  // while the namespace terminates; a terminating namespace (deletionTimestamp set) never gets it
  // back here.
  bool terminating = !Unset(Path(ns, {"metadata", "deletionTimestamp"}));
  if (JsonValue* spec = ChildObject(ns, "spec", a); spec != nullptr && !terminating) {
    if (Unset(Member(*spec, "finalizers"))) {
      JsonValue finalizers(rapidjson::kArrayType);
      finalizers.PushBack("kubernetes", a);
      SetMember(*spec, "finalizers", std::move(finalizers), a);
    }
  }
  if (JsonValue* status = ChildObject(ns, "status", a)) {
    DefaultString(*status, "phase", "Active", a);
  }
}

void DefaultSecret(JsonValue& secret, JsonAlloc& a) { DefaultString(secret, "type", "Opaque", a); }

void DefaultPv(JsonValue& pv, JsonAlloc& a) {
  if (JsonValue* status = ChildObject(pv, "status", a)) {
    DefaultString(*status, "phase", "Pending", a);
  }
  JsonValue* spec = ChildObject(pv, "spec", a);
  if (spec == nullptr) return;
  DefaultString(*spec, "persistentVolumeReclaimPolicy", "Retain", a);
  DefaultStringPtr(*spec, "volumeMode", "Filesystem", a);
  DefaultHostPath(*spec, a);
}

void DefaultEndpoints(JsonValue& ep, JsonAlloc& a) {
  ForEachObject(ep, "subsets", [&](JsonValue& subset) {
    ForEachObject(subset, "ports", [&](JsonValue& p) { DefaultString(p, "protocol", "TCP", a); });
  });
}

// Copies the pod template's labels into metadata.labels when the object has none.
void LabelsFromTemplate(JsonValue& obj, JsonAlloc& a) {
  const JsonValue* labels = Path(obj, {"spec", "template", "metadata", "labels"});
  if (labels == nullptr || !labels->IsObject() || labels->MemberCount() == 0) return;
  if (!EmptyCollection(Path(obj, {"metadata", "labels"}))) return;
  JsonValue copy;
  copy.CopyFrom(*labels, a);
  if (JsonValue* meta = ChildObject(obj, "metadata", a)) {
    SetMember(*meta, "labels", std::move(copy), a);
  }
}

void DefaultReplicationController(JsonValue& rc, JsonAlloc& a) {
  LabelsFromTemplate(rc, a);
  JsonValue* spec = ChildObject(rc, "spec", a);
  if (spec == nullptr) return;
  DefaultInt(*spec, "replicas", 1, a);
  const JsonValue* labels = Path(*spec, {"template", "metadata", "labels"});
  if (labels != nullptr && labels->IsObject() && labels->MemberCount() > 0 &&
      EmptyCollection(Member(*spec, "selector"))) {
    CopyInto(*spec, "selector", *labels, a);
  }
  DefaultPodTemplate(*spec, a);
}

// ---- apps/v1 --------------------------------------------------------------------------------

void DefaultDeployment(JsonValue& d, JsonAlloc& a) {
  JsonValue* spec = ChildObject(d, "spec", a);
  if (spec == nullptr) return;
  DefaultInt(*spec, "replicas", 1, a);
  DefaultInt(*spec, "revisionHistoryLimit", 10, a);
  DefaultInt(*spec, "progressDeadlineSeconds", 600, a);
  if (JsonValue* strategy = ChildObject(*spec, "strategy", a)) {
    DefaultString(*strategy, "type", "RollingUpdate", a);
    if (GetString(*strategy, "type") == "RollingUpdate") {
      if (JsonValue* ru = ChildObject(*strategy, "rollingUpdate", a)) {
        DefaultStringPtr(*ru, "maxUnavailable", "25%", a);
        DefaultStringPtr(*ru, "maxSurge", "25%", a);
      }
    }
  }
  DefaultPodTemplate(*spec, a);
}

void DefaultReplicaSet(JsonValue& rs, JsonAlloc& a) {
  JsonValue* spec = ChildObject(rs, "spec", a);
  if (spec == nullptr) return;
  DefaultInt(*spec, "replicas", 1, a);
  DefaultPodTemplate(*spec, a);
}

void DefaultStatefulSet(JsonValue& ss, JsonAlloc& a) {
  JsonValue* spec = ChildObject(ss, "spec", a);
  if (spec == nullptr) return;
  DefaultString(*spec, "podManagementPolicy", "OrderedReady", a);
  DefaultInt(*spec, "replicas", 1, a);
  DefaultInt(*spec, "revisionHistoryLimit", 10, a);
  if (JsonValue* strategy = ChildObject(*spec, "updateStrategy", a)) {
    if (StringUnset(Member(*strategy, "type"))) {
      SetString(*strategy, "type", "RollingUpdate", a);
      DefaultEmptyObject(*strategy, "rollingUpdate", a);
    }
    if (GetString(*strategy, "type") == "RollingUpdate") {
      if (JsonValue* ru = Obj(*strategy, "rollingUpdate")) DefaultInt(*ru, "partition", 0, a);
    }
  }
  if (JsonValue* policy = ChildObject(*spec, "persistentVolumeClaimRetentionPolicy", a)) {
    DefaultString(*policy, "whenDeleted", "Retain", a);
    DefaultString(*policy, "whenScaled", "Retain", a);
  }
  ForEachObject(*spec, "volumeClaimTemplates", [&](JsonValue& pvc) { DefaultPvc(pvc, a); });
  DefaultPodTemplate(*spec, a);
}

void DefaultDaemonSet(JsonValue& ds, JsonAlloc& a) {
  JsonValue* spec = ChildObject(ds, "spec", a);
  if (spec == nullptr) return;
  DefaultInt(*spec, "revisionHistoryLimit", 10, a);
  if (JsonValue* strategy = ChildObject(*spec, "updateStrategy", a)) {
    DefaultString(*strategy, "type", "RollingUpdate", a);
    if (GetString(*strategy, "type") == "RollingUpdate") {
      if (JsonValue* ru = ChildObject(*strategy, "rollingUpdate", a)) {
        DefaultInt(*ru, "maxUnavailable", 1, a);
        DefaultInt(*ru, "maxSurge", 0, a);
      }
    }
  }
  DefaultPodTemplate(*spec, a);
}

// ---- batch/v1 -------------------------------------------------------------------------------

void DefaultPodFailurePolicy(JsonValue& job_spec, JsonAlloc& a) {
  JsonValue* policy = Obj(job_spec, "podFailurePolicy");
  if (policy == nullptr) return;
  ForEachObject(*policy, "rules", [&](JsonValue& rule) {
    ForEachObject(rule, "onPodConditions",
                  [&](JsonValue& pattern) { DefaultString(pattern, "status", "True", a); });
  });
}

void DefaultJob(JsonValue& job, JsonAlloc& a) {
  LabelsFromTemplate(job, a);
  JsonValue* spec = ChildObject(job, "spec", a);
  if (spec == nullptr) return;
  // A non-parallel job may leave both unset: both become 1.
  if (Unset(Member(*spec, "completions")) && Unset(Member(*spec, "parallelism"))) {
    SetInt(*spec, "completions", 1, a);
  }
  DefaultInt(*spec, "parallelism", 1, a);
  if (Unset(Member(*spec, "backoffLimit"))) {
    // With a per-index limit the global one is effectively off (math.MaxInt32).
    constexpr int64_t kMaxInt32 = 2147483647;
    SetInt(*spec, "backoffLimit", Unset(Member(*spec, "backoffLimitPerIndex")) ? 6 : kMaxInt32, a);
  }
  DefaultStringPtr(*spec, "completionMode", "NonIndexed", a);
  DefaultBool(*spec, "suspend", false, a);
  DefaultStringPtr(*spec, "podReplacementPolicy",
                   Unset(Member(*spec, "podFailurePolicy")) ? "TerminatingOrFailed" : "Failed", a);
  DefaultPodFailurePolicy(*spec, a);
  DefaultPodTemplate(*spec, a);
}

void DefaultCronJob(JsonValue& cj, JsonAlloc& a) {
  JsonValue* spec = ChildObject(cj, "spec", a);
  if (spec == nullptr) return;
  DefaultString(*spec, "concurrencyPolicy", "Allow", a);
  DefaultBool(*spec, "suspend", false, a);
  DefaultInt(*spec, "successfulJobsHistoryLimit", 3, a);
  DefaultInt(*spec, "failedJobsHistoryLimit", 1, a);
  // Upstream defaults only the pod template inside a job template, not the Job fields.
  if (JsonValue* tmpl = Obj(*spec, "jobTemplate")) {
    if (JsonValue* job_spec = Obj(*tmpl, "spec")) {
      DefaultPodFailurePolicy(*job_spec, a);
      DefaultPodTemplate(*job_spec, a);
    }
  }
}

// ---- autoscaling ----------------------------------------------------------------------------

JsonValue ScalingPolicy(std::string_view type, int64_t value, JsonAlloc& a) {
  constexpr int64_t kPeriodSeconds = 15;
  JsonValue p(rapidjson::kObjectType);
  SetString(p, "type", type, a);
  SetInt(p, "value", value, a);
  SetInt(p, "periodSeconds", kPeriodSeconds, a);
  return p;
}

// Fills one HPAScalingRules: fields the user set are kept, the others come from the defaults.
void DefaultScalingRules(JsonValue& behavior, std::string_view direction, JsonAlloc& a) {
  JsonValue* rules = ChildObject(behavior, direction, a);
  if (rules == nullptr) return;
  bool up = direction == "scaleUp";
  DefaultStringPtr(*rules, "selectPolicy", "Max", a);
  if (up) DefaultInt(*rules, "stabilizationWindowSeconds", 0, a);
  if (Unset(Member(*rules, "policies"))) {
    JsonValue policies(rapidjson::kArrayType);
    if (up) {
      policies.PushBack(ScalingPolicy("Pods", 4, a), a);
      policies.PushBack(ScalingPolicy("Percent", 100, a), a);
    } else {
      policies.PushBack(ScalingPolicy("Percent", 100, a), a);
    }
    SetMember(*rules, "policies", std::move(policies), a);
  }
}

void DefaultHpa(JsonValue& hpa, JsonAlloc& a) {
  JsonValue* spec = ChildObject(hpa, "spec", a);
  if (spec == nullptr) return;
  DefaultInt(*spec, "minReplicas", 1, a);
  if (GetString(hpa, "apiVersion") == "autoscaling/v1") return;
  if (EmptyCollection(Member(*spec, "metrics"))) {
    constexpr int64_t kDefaultCpuUtilization = 80;
    JsonValue target(rapidjson::kObjectType);
    SetString(target, "type", "Utilization", a);
    SetInt(target, "averageUtilization", kDefaultCpuUtilization, a);
    JsonValue resource(rapidjson::kObjectType);
    SetString(resource, "name", "cpu", a);
    SetMember(resource, "target", std::move(target), a);
    JsonValue metric(rapidjson::kObjectType);
    SetString(metric, "type", "Resource", a);
    SetMember(metric, "resource", std::move(resource), a);
    JsonValue metrics(rapidjson::kArrayType);
    metrics.PushBack(std::move(metric), a);
    SetMember(*spec, "metrics", std::move(metrics), a);
  }
  if (JsonValue* behavior = Obj(*spec, "behavior")) {
    DefaultScalingRules(*behavior, "scaleUp", a);
    behavior = Obj(*spec, "behavior");
    DefaultScalingRules(*behavior, "scaleDown", a);
  }
}

// ---- networking, discovery, storage, rbac, scheduling ----------------------------------------

void DefaultNetworkPolicy(JsonValue& np, JsonAlloc& a) {
  JsonValue* spec = ChildObject(np, "spec", a);
  if (spec == nullptr) return;
  if (EmptyCollection(Member(*spec, "policyTypes"))) {
    JsonValue types(rapidjson::kArrayType);
    types.PushBack("Ingress", a);
    const JsonValue* egress = Member(*spec, "egress");
    if (egress != nullptr && egress->IsArray() && !egress->Empty()) types.PushBack("Egress", a);
    SetMember(*spec, "policyTypes", std::move(types), a);
  }
  for (std::string_view direction : {"ingress", "egress"}) {
    ForEachObject(*spec, direction, [&](JsonValue& rule) {
      ForEachObject(rule, "ports",
                    [&](JsonValue& p) { DefaultStringPtr(p, "protocol", "TCP", a); });
    });
  }
}

void DefaultIngressClass(JsonValue& ic, JsonAlloc& a) {
  JsonValue* spec = Obj(ic, "spec");
  if (spec == nullptr) return;
  if (JsonValue* params = Obj(*spec, "parameters")) {
    DefaultStringPtr(*params, "scope", "Cluster", a);
  }
}

void DefaultEndpointSlice(JsonValue& slice, JsonAlloc& a) {
  ForEachObject(slice, "ports", [&](JsonValue& p) {
    DefaultStringPtr(p, "name", "", a);
    DefaultStringPtr(p, "protocol", "TCP", a);
  });
}

void DefaultStorageClass(JsonValue& sc, JsonAlloc& a) {
  DefaultStringPtr(sc, "reclaimPolicy", "Delete", a);
  DefaultStringPtr(sc, "volumeBindingMode", "Immediate", a);
}

void DefaultRoleBinding(JsonValue& rb, JsonAlloc& a) {
  if (JsonValue* ref = Obj(rb, "roleRef")) DefaultString(*ref, "apiGroup", kRbacGroup, a);
  ForEachObject(rb, "subjects", [&](JsonValue& s) {
    std::string_view kind = GetString(s, "kind");
    // ServiceAccount subjects keep the core group, "" (which is also what unset means).
    if (kind == "User" || kind == "Group") DefaultString(s, "apiGroup", kRbacGroup, a);
  });
}

void DefaultPriorityClass(JsonValue& pc, JsonAlloc& a) {
  DefaultStringPtr(pc, "preemptionPolicy", "PreemptLowerPriority", a);
}

struct KindDefaulter {
  std::string_view group;
  std::string_view kind;
  void (*apply)(JsonValue&, JsonAlloc&);
};

constexpr std::array kDefaulters = {
    KindDefaulter{"", "Pod", DefaultPod},
    KindDefaulter{"", "PodTemplate", DefaultPodTemplateKind},
    KindDefaulter{"", "ReplicationController", DefaultReplicationController},
    KindDefaulter{"", "Service", DefaultService},
    KindDefaulter{"", "Namespace", DefaultNamespace},
    KindDefaulter{"", "Secret", DefaultSecret},
    KindDefaulter{"", "PersistentVolume", DefaultPv},
    KindDefaulter{"", "PersistentVolumeClaim", DefaultPvc},
    KindDefaulter{"", "Endpoints", DefaultEndpoints},
    KindDefaulter{"apps", "Deployment", DefaultDeployment},
    KindDefaulter{"apps", "ReplicaSet", DefaultReplicaSet},
    KindDefaulter{"apps", "StatefulSet", DefaultStatefulSet},
    KindDefaulter{"apps", "DaemonSet", DefaultDaemonSet},
    KindDefaulter{"batch", "Job", DefaultJob},
    KindDefaulter{"batch", "CronJob", DefaultCronJob},
    KindDefaulter{"autoscaling", "HorizontalPodAutoscaler", DefaultHpa},
    KindDefaulter{"networking.k8s.io", "NetworkPolicy", DefaultNetworkPolicy},
    KindDefaulter{"networking.k8s.io", "IngressClass", DefaultIngressClass},
    KindDefaulter{"discovery.k8s.io", "EndpointSlice", DefaultEndpointSlice},
    KindDefaulter{"storage.k8s.io", "StorageClass", DefaultStorageClass},
    KindDefaulter{"rbac.authorization.k8s.io", "RoleBinding", DefaultRoleBinding},
    KindDefaulter{"rbac.authorization.k8s.io", "ClusterRoleBinding", DefaultRoleBinding},
    KindDefaulter{"scheduling.k8s.io", "PriorityClass", DefaultPriorityClass},
};

}  // namespace

void ApplyDefaults(std::string_view group, std::string_view kind, JsonValue& obj,
                   JsonAlloc& alloc) {
  if (!obj.IsObject()) return;
  for (const KindDefaulter& d : kDefaulters) {
    if (d.group == group && d.kind == kind) {
      d.apply(obj, alloc);
      return;
    }
  }
}

}  // namespace orchd::api
