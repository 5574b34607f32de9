#include "server/resources.h"

#include <algorithm>

namespace orchd::server {

namespace {

using Strings = std::vector<std::string>;

const Strings& Crud() {
  static const Strings v{"create", "delete", "deletecollection", "get",
                         "list",   "patch",  "update",           "watch"};
  return v;
}
const Strings& GetPatchUpdate() {
  static const Strings v{"get", "patch", "update"};
  return v;
}

Subresource Status() { return {"status", "", "", "", GetPatchUpdate(), true}; }
Subresource Scale() { return {"scale", "autoscaling", "v1", "Scale", GetPatchUpdate(), true}; }

struct Row {
  const char* group;
  const char* version;
  const char* kind;
  const char* plural;
  Scope scope;
  Strings short_names;
  bool all = false;  // in the "all" category
};

Resource Make(const Row& row) {
  Resource r;
  r.group = row.group;
  r.version = row.version;
  r.kind = row.kind;
  r.plural = row.plural;
  r.singular = r.kind;
  std::transform(r.singular.begin(), r.singular.end(), r.singular.begin(), [](char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  r.scope = row.scope;
  r.short_names = row.short_names;
  if (row.all) r.categories = {"all"};
  r.verbs = Crud();
  return r;
}

std::vector<Resource> BuiltInResources() {
  constexpr Scope kNs = Scope::kNamespaced;
  constexpr Scope kCl = Scope::kCluster;
  std::vector<Resource> out;
  auto add = [&out](const Row& row) -> Resource& { return out.emplace_back(Make(row)); };

  // core/v1
  {
    Resource& r = add({"", "v1", "Pod", "pods", kNs, {"po"}, true});
    r.has_status = true;
    r.subresources = {Status(),
                      {"binding", "", "", "Binding", {"create"}, true},
                      {"eviction", "policy", "v1", "Eviction", {"create"}, true},
                      {"log", "", "", "Pod", {"get"}, false},
                      {"exec", "", "", "PodExecOptions", {"create", "get"}, false},
                      {"attach", "", "", "PodAttachOptions", {"create", "get"}, false},
                      {"portforward", "", "", "PodPortForwardOptions", {"create", "get"}, false},
                      {"ephemeralcontainers", "", "", "Pod", GetPatchUpdate(), false}};
    r.field_labels = {"spec.nodeName",
                      "spec.restartPolicy",
                      "spec.schedulerName",
                      "spec.serviceAccountName",
                      "spec.hostNetwork",
                      "status.phase",
                      "status.podIP",
                      "status.podIPs",
                      "status.nominatedNodeName"};
  }
  {
    Resource& r = add({"", "v1", "Service", "services", kNs, {"svc"}, true});
    r.has_status = true;
    r.name_rule = NameRule::kDnsLabel;
    r.subresources = {Status(),
                      {"proxy",
                       "",
                       "",
                       "ServiceProxyOptions",
                       {"create", "delete", "get", "patch", "update"},
                       false}};
  }
  add({"", "v1", "Endpoints", "endpoints", kNs, {"ep"}}).singular = "endpoints";
  add({"", "v1", "ConfigMap", "configmaps", kNs, {"cm"}});
  {
    Resource& r = add({"", "v1", "Secret", "secrets", kNs, {}});
    r.field_labels = {"type"};
  }
  {
    Resource& r = add({"", "v1", "ServiceAccount", "serviceaccounts", kNs, {"sa"}});
    r.subresources = {{"token", "authentication.k8s.io", "v1", "TokenRequest", {"create"}, false}};
  }
  {
    Resource& r = add({"", "v1", "Namespace", "namespaces", kCl, {"ns"}});
    r.has_status = true;
    r.name_rule = NameRule::kDnsLabel;
    r.subresources = {Status(), {"finalize", "", "", "Namespace", {"update"}, true}};
    r.field_labels = {"status.phase"};
  }
  {
    Resource& r = add({"", "v1", "Node", "nodes", kCl, {"no"}});
    r.has_status = true;
    r.subresources = {Status(),
                      {"proxy",
                       "",
                       "",
                       "NodeProxyOptions",
                       {"create", "delete", "get", "patch", "update"},
                       false}};
    r.field_labels = {"spec.unschedulable"};
  }
  {
    Resource& r = add({"", "v1", "Event", "events", kNs, {"ev"}});
    r.ttl_seconds = 3600;
    r.name_rule = NameRule::kPathSegment;
    r.field_labels = {"involvedObject.kind",
                      "involvedObject.namespace",
                      "involvedObject.name",
                      "involvedObject.uid",
                      "involvedObject.apiVersion",
                      "involvedObject.resourceVersion",
                      "involvedObject.fieldPath",
                      "reason",
                      "reportingComponent",
                      "source",
                      "type"};
  }
  {
    Resource& r = add({"", "v1", "PersistentVolume", "persistentvolumes", kCl, {"pv"}});
    r.has_status = true;
    r.subresources = {Status()};
  }
  {
    Resource& r = add({"", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", kNs, {"pvc"}});
    r.has_status = true;
    r.subresources = {Status()};
  }
  {
    Resource& r =
        add({"", "v1", "ReplicationController", "replicationcontrollers", kNs, {"rc"}, true});
    r.has_status = true;
    r.tracks_generation = true;
    r.subresources = {Scale(), Status()};
    r.field_labels = {"status.replicas"};
  }
  {
    Resource& r = add({"", "v1", "ResourceQuota", "resourcequotas", kNs, {"quota"}});
    r.has_status = true;
    r.subresources = {Status()};
  }
  add({"", "v1", "LimitRange", "limitranges", kNs, {"limits"}});
  add({"", "v1", "PodTemplate", "podtemplates", kNs, {}});

  // apps/v1
  {
    Resource& r = add({"apps", "v1", "Deployment", "deployments", kNs, {"deploy"}, true});
    r.has_status = true;
    r.tracks_generation = true;
    r.subresources = {Scale(), Status()};
  }
  {
    Resource& r = add({"apps", "v1", "ReplicaSet", "replicasets", kNs, {"rs"}, true});
    r.has_status = true;
    r.tracks_generation = true;
    r.subresources = {Scale(), Status()};
    r.field_labels = {"status.replicas"};
  }
  {
    Resource& r = add({"apps", "v1", "StatefulSet", "statefulsets", kNs, {"sts"}, true});
    r.has_status = true;
    r.tracks_generation = true;
    r.subresources = {Scale(), Status()};
  }
  {
    Resource& r = add({"apps", "v1", "DaemonSet", "daemonsets", kNs, {"ds"}, true});
    r.has_status = true;
    r.tracks_generation = true;
    r.subresources = {Status()};
  }
  add({"apps", "v1", "ControllerRevision", "controllerrevisions", kNs, {}});

  // batch/v1
  {
    Resource& r = add({"batch", "v1", "Job", "jobs", kNs, {}, true});
    r.has_status = true;
    r.tracks_generation = true;
    r.subresources = {Status()};
    r.field_labels = {"status.successful"};
  }
  {
    Resource& r = add({"batch", "v1", "CronJob", "cronjobs", kNs, {"cj"}, true});
    r.has_status = true;
    r.tracks_generation = true;
    r.subresources = {Status()};
  }

  // autoscaling v2 (preferred) and v1, one storage.
  for (const char* v : {"v2", "v1"}) {
    Resource& r = add({"autoscaling",
                       v,
                       "HorizontalPodAutoscaler",
                       "horizontalpodautoscalers",
                       kNs,
                       {"hpa"},
                       true});
    r.has_status = true;
    r.subresources = {Status()};
  }

  // policy/v1
  {
    Resource& r =
        add({"policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", kNs, {"pdb"}});
    r.has_status = true;
    r.tracks_generation = true;
    r.subresources = {Status()};
  }

  // networking.k8s.io/v1
  {
    Resource& r = add({"networking.k8s.io", "v1", "Ingress", "ingresses", kNs, {"ing"}});
    r.has_status = true;
    r.subresources = {Status()};
  }
  add({"networking.k8s.io", "v1", "IngressClass", "ingressclasses", kCl, {}});
  add({"networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", kNs, {"netpol"}});

  // discovery.k8s.io/v1, coordination.k8s.io/v1, storage.k8s.io/v1, events.k8s.io/v1
  add({"discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", kNs, {}});
  add({"coordination.k8s.io", "v1", "Lease", "leases", kNs, {}});
  add({"storage.k8s.io", "v1", "StorageClass", "storageclasses", kCl, {"sc"}});
  {
    Resource& r = add({"events.k8s.io", "v1", "Event", "events", kNs, {"ev"}});
    r.ttl_seconds = 3600;
    r.name_rule = NameRule::kPathSegment;
    // Upstream serves core/v1 and events.k8s.io/v1 events from one storage.
    r.storage_group = "core";
  }
  for (Resource& r : out) {
    if (r.storage_group.empty()) r.storage_group = r.group.empty() ? "core" : r.group;
    if (r.storage_plural.empty()) r.storage_plural = r.plural;
  }
  return out;
}

}  // namespace

std::string Resource::KeyPrefix() const {
  return "/registry/" + storage_group + "/" + storage_plural + "/";
}

std::string Resource::Key(std::string_view ns, std::string_view name) const {
  std::string key = KeyPrefix();
  if (namespaced()) {
    key.append(ns);
    key.push_back('/');
  }
  key.append(name);
  return key;
}

const Subresource* Resource::FindSubresource(std::string_view name) const {
  for (const Subresource& s : subresources) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

bool Resource::HasVerb(std::string_view verb) const {
  return std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
}

const ResourceTable& ResourceTable::BuiltIn() {
  static const ResourceTable table(BuiltInResources());
  return table;
}

ResourceTable::ResourceTable(std::vector<Resource> resources) : resources_(std::move(resources)) {
  for (const Resource& r : resources_) {
    auto it = std::find_if(groups_.begin(), groups_.end(),
                           [&r](const GroupVersions& g) { return g.group == r.group; });
    if (it == groups_.end()) {
      groups_.push_back({r.group, {r.version}});
    } else if (std::find(it->versions.begin(), it->versions.end(), r.version) ==
               it->versions.end()) {
      it->versions.push_back(r.version);
    }
  }
}

const Resource* ResourceTable::Find(std::string_view group, std::string_view version,
                                    std::string_view plural) const {
  for (const Resource& r : resources_) {
    if (r.group == group && r.version == version && r.plural == plural) return &r;
  }
  return nullptr;
}

const Resource* ResourceTable::FindKind(std::string_view group, std::string_view kind) const {
  for (const Resource& r : resources_) {
    if (r.group == group && r.kind == kind) return &r;
  }
  return nullptr;
}

}  // namespace orchd::server
