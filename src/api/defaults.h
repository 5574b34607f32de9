// Defaults: the values kube-apiserver fills in when an object is created or updated.
//
// Mirrors upstream's defaulting functions (k8s.io/kubernetes pkg/apis/<group>/<version>/defaults.go
// and the generated declarative defaults) on the wire JSON of the served version: a field is
// filled only when the user left it unset, in the sense upstream uses for that field (a missing or
// null pointer field; a missing, null or "" string; a missing, null or 0 value field such as a
// probe's periodSeconds). A value the user set is never replaced. The one upstream exception kept
// is the Namespace label kubernetes.io/metadata.name, which always mirrors metadata.name.
//
// What is covered, by group ("" = core):
//   core     Pod, PodTemplate, ReplicationController (the whole PodSpec: containers, init and
//            ephemeral containers, probes, lifecycle handlers, env, volumes), Service, Namespace,
//            Secret, PersistentVolume, PersistentVolumeClaim, Endpoints
//   apps     Deployment, ReplicaSet, StatefulSet, DaemonSet (and their pod templates)
//   batch    Job, CronJob (and their pod templates)
//   autoscaling HorizontalPodAutoscaler (v1 and v2 shapes, told apart by apiVersion)
//   networking.k8s.io NetworkPolicy, IngressClass; discovery.k8s.io EndpointSlice;
//   storage.k8s.io StorageClass; rbac.authorization.k8s.io RoleBinding, ClusterRoleBinding;
//   scheduling.k8s.io PriorityClass
// Kinds with no upstream defaults (ConfigMap, PodDisruptionBudget, Ingress, Lease, ...) and
// unknown kinds are left untouched. Allocation (cluster IPs, node ports, ipFamilies) and
// admission (priority, service account, tolerations) are not defaulting and live elsewhere.
//
// Thread safety: pure function of its arguments.
#pragma once

#include <string_view>

#include "api/json.h"

namespace orchd::api {

// Fills in the defaults of an object of `kind` in API `group` ("" for core). `obj` is the whole
// object (apiVersion, kind, metadata, spec, ...); members it adds are allocated from `alloc`,
// which must be the allocator of the document that owns `obj`. Objects of the wrong shape (a spec
// that is not an object, a container that is a string) are skipped where they occur, never
// repaired: validation reports them.
void ApplyDefaults(std::string_view group, std::string_view kind, JsonValue& obj, JsonAlloc& alloc);

}  // namespace orchd::api
