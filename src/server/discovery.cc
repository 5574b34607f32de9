#include "server/discovery.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace orchd::server {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
void Key(Writer& w, std::string_view s) {
  w.Key(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
void Strings(Writer& w, std::string_view key, const std::vector<std::string>& v) {
  Key(w, key);
  w.StartArray();
  for (const auto& s : v) Str(w, s);
  w.EndArray();
}

void GroupVersionFor(Writer& w, const std::string& group, const std::string& version) {
  w.StartObject();
  Key(w, "groupVersion");
  Str(w, group.empty() ? version : group + "/" + version);
  Key(w, "version");
  Str(w, version);
  w.EndObject();
}

void WriteGroup(Writer& w, const GroupVersions& g, bool with_type_meta) {
  w.StartObject();
  if (with_type_meta) {
    Key(w, "kind");
    Str(w, "APIGroup");
    Key(w, "apiVersion");
    Str(w, "v1");
  }
  Key(w, "name");
  Str(w, g.group);
  Key(w, "versions");
  w.StartArray();
  for (const auto& v : g.versions) GroupVersionFor(w, g.group, v);
  w.EndArray();
  Key(w, "preferredVersion");
  GroupVersionFor(w, g.group, g.versions.front());
  w.EndObject();
}

std::string Done(const rapidjson::StringBuffer& b) { return {b.GetString(), b.GetSize()}; }

}  // namespace

Discovery::Discovery(const ResourceTable& table, const std::string& server_address)
    : table_(table) {
  {
    rapidjson::StringBuffer b;
    Writer w(b);
    w.StartObject();
    Key(w, "kind");
    Str(w, "APIVersions");
    Strings(w, "versions", {"v1"});
    Key(w, "serverAddressByClientCIDRs");
    w.StartArray();
    w.StartObject();
    Key(w, "clientCIDR");
    Str(w, "0.0.0.0/0");
    Key(w, "serverAddress");
    Str(w, server_address);
    w.EndObject();
    w.EndArray();
    w.EndObject();
    api_versions_ = Done(b);
  }
  {
    rapidjson::StringBuffer b;
    Writer w(b);
    w.StartObject();
    Key(w, "kind");
    Str(w, "APIGroupList");
    Key(w, "apiVersion");
    Str(w, "v1");
    Key(w, "groups");
    w.StartArray();
    for (const auto& g : table.groups()) {
      if (!g.group.empty()) WriteGroup(w, g, false);
    }
    w.EndArray();
    w.EndObject();
    api_group_list_ = Done(b);
  }
  for (const auto& g : table.groups()) {
    if (!g.group.empty()) {
      rapidjson::StringBuffer b;
      Writer w(b);
      WriteGroup(w, g, true);
      groups_[g.group] = Done(b);
    }
    for (const auto& v : g.versions) {
      rapidjson::StringBuffer b;
      Writer w(b);
      w.StartObject();
      Key(w, "kind");
      Str(w, "APIResourceList");
      Key(w, "apiVersion");
      Str(w, "v1");
      Key(w, "groupVersion");
      Str(w, g.group.empty() ? v : g.group + "/" + v);
      Key(w, "resources");
      w.StartArray();
      for (const Resource& r : table.resources()) {
        if (r.group != g.group || r.version != v) continue;
        w.StartObject();
        Key(w, "name");
        Str(w, r.plural);
        Key(w, "singularName");
        Str(w, r.singular);
        Key(w, "namespaced");
        w.Bool(r.namespaced());
        Key(w, "kind");
        Str(w, r.kind);
        Strings(w, "verbs", r.verbs);
        if (!r.short_names.empty()) Strings(w, "shortNames", r.short_names);
        if (!r.categories.empty()) Strings(w, "categories", r.categories);
        w.EndObject();
        for (const Subresource& s : r.subresources) {
          w.StartObject();
          Key(w, "name");
          Str(w, r.plural + "/" + s.name);
          Key(w, "singularName");
          Str(w, "");
          Key(w, "namespaced");
          w.Bool(r.namespaced());
          if (!s.group.empty() || !s.version.empty()) {
            Key(w, "group");
            Str(w, s.group);
            Key(w, "version");
            Str(w, s.version);
          }
          Key(w, "kind");
          Str(w, s.kind.empty() ? r.kind : s.kind);
          Strings(w, "verbs", s.verbs);
          w.EndObject();
        }
      }
      w.EndArray();
      w.EndObject();
      resource_lists_[g.group + "/" + v] = Done(b);
    }
  }
}

const std::string* Discovery::ApiGroup(const std::string& group) const {
  auto it = groups_.find(group);
  return it == groups_.end() ? nullptr : &it->second;
}

const std::string* Discovery::ResourceList(const std::string& group,
                                           const std::string& version) const {
  auto it = resource_lists_.find(group + "/" + version);
  return it == resource_lists_.end() ? nullptr : &it->second;
}

std::string Discovery::Aggregated(bool core, const std::string& version) const {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  Key(w, "kind");
  Str(w, "APIGroupDiscoveryList");
  Key(w, "apiVersion");
  Str(w, "apidiscovery.k8s.io/" + version);
  Key(w, "metadata");
  w.StartObject();
  w.EndObject();
  Key(w, "items");
  w.StartArray();
  for (const auto& g : table_.groups()) {
    if (core != g.group.empty()) continue;
    w.StartObject();
    Key(w, "metadata");
    w.StartObject();
    Key(w, "name");
    Str(w, g.group);
    w.EndObject();
    Key(w, "versions");
    w.StartArray();
    for (const auto& v : g.versions) {
      w.StartObject();
      Key(w, "version");
      Str(w, v);
      Key(w, "freshness");
      Str(w, "Current");
      Key(w, "resources");
      w.StartArray();
      for (const Resource& r : table_.resources()) {
        if (r.group != g.group || r.version != v) continue;
        w.StartObject();
        Key(w, "resource");
        Str(w, r.plural);
        Key(w, "singularResource");
        Str(w, r.singular);
        Key(w, "scope");
        Str(w, r.namespaced() ? "Namespaced" : "Cluster");
        Key(w, "responseKind");
        w.StartObject();
        Key(w, "group");
        Str(w, r.group);
        Key(w, "version");
        Str(w, r.version);
        Key(w, "kind");
        Str(w, r.kind);
        w.EndObject();
        Strings(w, "verbs", r.verbs);
        if (!r.short_names.empty()) Strings(w, "shortNames", r.short_names);
        if (!r.categories.empty()) Strings(w, "categories", r.categories);
        if (!r.subresources.empty()) {
          Key(w, "subresources");
          w.StartArray();
          for (const Subresource& s : r.subresources) {
            w.StartObject();
            Key(w, "subresource");
            Str(w, s.name);
            Key(w, "responseKind");
            w.StartObject();
            Key(w, "group");
            Str(w, s.group.empty() && s.version.empty() ? r.group : s.group);
            Key(w, "version");
            Str(w, s.version.empty() ? r.version : s.version);
            Key(w, "kind");
            Str(w, s.kind.empty() ? r.kind : s.kind);
            w.EndObject();
            Strings(w, "verbs", s.verbs);
            w.EndObject();
          }
          w.EndArray();
        }
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Done(b);
}

}  // namespace orchd::server
