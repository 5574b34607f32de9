#include "server/controllers.h"

#include <set>
#include <unordered_map>

#include "api/json.h"
#include "common/log.h"

namespace orchd::server {

using api::JsonDoc;
using api::JsonValue;

namespace {

// Removes string `value` from the array member `key` of `obj` (an object). True if removed.
bool RemoveString(JsonValue& obj, std::string_view key, std::string_view value) {
  JsonValue* arr = api::Member(obj, key);
  if (arr == nullptr || !arr->IsArray()) return false;
  for (auto it = arr->Begin(); it != arr->End(); ++it) {
    if (api::AsView(*it) == value) {
      arr->Erase(it);
      return true;
    }
  }
  return false;
}

bool HasString(const JsonValue* arr, std::string_view value) {
  if (arr == nullptr || !arr->IsArray()) return false;
  for (const auto& v : arr->GetArray()) {
    if (api::AsView(v) == value) return true;
  }
  return false;
}

}  // namespace

Controllers::Controllers(Rest& rest, Clock& clock) : rest_(rest), clock_(clock) {}

Controllers::~Controllers() { Stop(); }

Status Controllers::Start() {
  auto sub = rest_.cache().Subscribe("/registry/", rest_.cache().revision(), false,
                                     [this](const std::vector<const CacheEvent*>&) {
                                       std::lock_guard lock(mu_);
                                       dirty_ = true;
                                       cv_.notify_one();
                                       return true;
                                     });
  if (!sub) return sub.error();
  sub_ = std::move(*sub);
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void Controllers::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
  if (sub_) rest_.cache().Unsubscribe(sub_);
  sub_.reset();
}

void Controllers::Run() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(2), [this] { return stop_ || dirty_; });
      if (stop_) return;
      dirty_ = false;
    }
    Pass();
    // Coalesce bursts of events into one pass.
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stop_; })) return;
  }
}

void Controllers::Pass() {
  FinalizeNamespaces();
  CollectGarbage();
}

void Controllers::FinalizeNamespaces() {
  const ResourceTable& table = rest_.table();
  const Resource* ns_res = table.Find("", "v1", "namespaces");
  for (const auto& ns : rest_.cache().List(ns_res->KeyPrefix(), nullptr)) {
    if (!ns->deleting) continue;
    size_t remaining = 0;
    std::set<std::string> seen_storage;
    for (const Resource& r : table.resources()) {
      if (!r.namespaced()) continue;
      if (!seen_storage.insert(r.KeyPrefix()).second) continue;
      for (const auto& obj : rest_.cache().List(r.KeyPrefix() + ns->name + "/", nullptr)) {
        ++remaining;
        if (obj->deleting) continue;
        Outcome o = rest_.DeleteBlocking({&r, obj->ns, obj->name, ""},
                                         R"({"propagationPolicy":"Background"})");
        if (!o.status.ok() && o.status.code() != Code::kNotFound) {
          LOG_WARN("namespace {}: delete {}/{}: {}", ns->name, r.qualified(), obj->name, o.status);
        }
      }
    }
    if (remaining > 0) continue;
    auto doc = api::ParseJson(ns->json);
    if (!doc) continue;
    JsonValue* spec = api::Member(*doc, "spec");
    if (spec != nullptr && RemoveString(*spec, "finalizers", "kubernetes")) {
      Outcome o = rest_.UpdateBlocking({ns_res, "", ns->name, ""}, std::move(*doc));
      if (!o.status.ok()) {
        LOG_WARN("namespace {}: remove finalizer: {}", ns->name, o.status);
        continue;
      }
    }
    Outcome o = rest_.DeleteBlocking({ns_res, "", ns->name, ""}, "");
    if (!o.status.ok() && o.status.code() != Code::kNotFound) {
      LOG_WARN("namespace {}: delete: {}", ns->name, o.status);
    }
  }
}

void Controllers::CollectGarbage() {
  const ResourceTable& table = rest_.table();
  // Every object, by uid, and the dependents of each owner uid.
  struct Entry {
    const Resource* resource;
    CachedObjectPtr obj;
  };
  std::unordered_map<std::string, Entry> by_uid;
  std::unordered_map<std::string, std::vector<Entry>> dependents;
  std::set<std::string> seen_storage;
  for (const Resource& r : table.resources()) {
    if (!seen_storage.insert(r.KeyPrefix()).second) continue;
    for (auto& obj : rest_.cache().List(r.KeyPrefix(), nullptr)) {
      if (!obj->uid.empty()) by_uid[obj->uid] = {&r, obj};
      for (const auto& owner : obj->owner_uids) dependents[owner].push_back({&r, obj});
    }
  }
  auto target = [](const Entry& e) { return Target{e.resource, e.obj->ns, e.obj->name, ""}; };

  // Dependents whose owners are all gone are deleted.
  for (const auto& [owner_uid, deps] : dependents) {
    if (by_uid.contains(owner_uid)) continue;
    for (const Entry& dep : deps) {
      if (dep.obj->deleting) continue;
      bool all_gone = true;
      for (const auto& other : dep.obj->owner_uids) {
        if (by_uid.contains(other)) all_gone = false;
      }
      if (!all_gone) continue;
      Outcome o = rest_.DeleteBlocking(target(dep), R"({"propagationPolicy":"Background"})");
      if (!o.status.ok() && o.status.code() != Code::kNotFound) {
        LOG_WARN("garbage collector: delete {} {}/{}: {}", dep.resource->qualified(), dep.obj->ns,
                 dep.obj->name, o.status);
      }
    }
  }

  // Owners being deleted with the orphan or foregroundDeletion finalizer.
  for (const auto& [uid, owner] : by_uid) {
    if (!owner.obj->deleting || !owner.obj->has_finalizers) continue;
    auto doc = api::ParseJson(owner.obj->json);
    if (!doc) continue;
    const JsonValue* fins = api::Path(*doc, {"metadata", "finalizers"});
    bool orphan = HasString(fins, "orphan");
    bool foreground = HasString(fins, "foregroundDeletion");
    if (!orphan && !foreground) continue;
    auto it = dependents.find(uid);
    std::vector<Entry> deps = it == dependents.end() ? std::vector<Entry>{} : it->second;
    bool done = true;
    for (const Entry& dep : deps) {
      if (orphan) {
        auto d = api::ParseJson(dep.obj->json);
        if (!d) continue;
        JsonValue* refs = api::Path(*d, {"metadata", "ownerReferences"}) == nullptr
                              ? nullptr
                              : api::Member(*api::Member(*d, "metadata"), "ownerReferences");
        if (refs == nullptr || !refs->IsArray()) continue;
        for (auto r = refs->Begin(); r != refs->End();) {
          if (api::GetString(*r, "uid") == uid) {
            r = refs->Erase(r);
          } else {
            ++r;
          }
        }
        if (refs->Empty()) api::RemoveMember(*api::Member(*d, "metadata"), "ownerReferences");
        Outcome o = rest_.UpdateBlocking(target(dep), std::move(*d));
        if (!o.status.ok()) done = false;
      } else {
        done = false;
        if (!dep.obj->deleting) {
          Outcome o = rest_.DeleteBlocking(target(dep), R"({"propagationPolicy":"Foreground"})");
          (void)o;
        }
      }
    }
    if (!done) continue;
    JsonValue& meta = *api::Member(*doc, "metadata");
    RemoveString(meta, "finalizers", orphan ? "orphan" : "foregroundDeletion");
    Outcome o = rest_.UpdateBlocking(target(owner), std::move(*doc));
    if (!o.status.ok() && o.status.code() != Code::kNotFound) {
      LOG_WARN("garbage collector: finalize {} {}/{}: {}", owner.resource->qualified(),
               owner.obj->ns, owner.obj->name, o.status);
    }
  }
  (void)clock_;
}

}  // namespace orchd::server
