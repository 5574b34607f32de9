// The resource table: every resource the API server serves, in one place. Discovery (legacy and
// aggregated), routing, storage keys, field selectors and the REST handler's per-kind switches
// are all generated from it. Adding a resource is a row here (plus a strategy when its behaviour
// differs from the generic one).
//
// Immutable after construction; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace orchd::server {

enum class Scope { kNamespaced, kCluster };

// How metadata.name is validated (upstream's per-kind name validators).
enum class NameRule { kDnsSubdomain, kDnsLabel, kPathSegment };

struct Subresource {
  std::string name;  // "status", "scale", "eviction", ...
  // The kind the subresource speaks and its group/version when they differ from the parent's.
  std::string group;
  std::string version;
  std::string kind;
  std::vector<std::string> verbs;
  bool served = true;  // false: listed in discovery, answered 404/405 until implemented
};

struct Resource {
  std::string group;    // "" for core
  std::string version;  // "v1"
  std::string kind;     // "Pod"
  std::string plural;   // "pods"
  std::string singular;
  Scope scope = Scope::kNamespaced;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::vector<std::string> verbs;
  std::vector<Subresource> subresources;
  // Field selector labels beyond metadata.name and metadata.namespace.
  std::vector<std::string> field_labels;
  NameRule name_rule = NameRule::kDnsSubdomain;
  // The object has a status that only the status subresource writes (spec/status split).
  bool has_status = false;
  // Spec changes bump metadata.generation (everything outside metadata and status).
  bool tracks_generation = false;
  // Objects expire this many seconds after their last write (events: one hour). 0: never.
  int64_t ttl_seconds = 0;
  // Storage: all versions of one resource share one key space, named by group and plural.
  std::string storage_group;   // defaults to group
  std::string storage_plural;  // defaults to plural

  bool namespaced() const { return scope == Scope::kNamespaced; }
  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  std::string list_kind() const { return kind + "List"; }
  // "deployments.apps", or "pods" for core: how upstream names a resource in messages.
  std::string qualified() const { return group.empty() ? plural : plural + "." + group; }
  // "/registry/<storage group>/<plural>/": every object of this resource has a key below it.
  std::string KeyPrefix() const;
  // The key of one object ("" namespace for cluster-scoped resources).
  std::string Key(std::string_view ns, std::string_view name) const;
  const Subresource* FindSubresource(std::string_view name) const;
  bool HasVerb(std::string_view verb) const;
};

struct GroupVersions {
  std::string group;
  std::vector<std::string> versions;  // preferred first
};

class ResourceTable {
 public:
  // The built-in resources served by orchd.
  static const ResourceTable& BuiltIn();

  explicit ResourceTable(std::vector<Resource> resources);

  // By group, version and plural; nullptr when not served.
  const Resource* Find(std::string_view group, std::string_view version,
                       std::string_view plural) const;
  // The preferred version's entry of a group and kind (for ownerReferences, GC).
  const Resource* FindKind(std::string_view group, std::string_view kind) const;

  const std::vector<Resource>& resources() const { return resources_; }
  // Groups in discovery order (core "" first), each with its versions, preferred first.
  const std::vector<GroupVersions>& groups() const { return groups_; }

 private:
  std::vector<Resource> resources_;
  std::vector<GroupVersions> groups_;
};

}  // namespace orchd::server
