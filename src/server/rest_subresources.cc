// Subresources with their own kinds: scale (autoscaling/v1 Scale over a workload's
// spec.replicas), pods/binding (sets spec.nodeName once) and pods/eviction (a delete that a
// PodDisruptionBudget may refuse with 429).
#include "api/labels.h"
#include "api/patch.h"
#include "common/log.h"
#include "server/rest.h"
#include "server/rest_internal.h"

namespace orchd::server {

using api::JsonDoc;
using api::JsonValue;

namespace {

constexpr const char* kCreatedStatus =
    R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","code":201})";

// The label selector of a workload as a string ("app=web"); RCs have a plain map.
std::string SelectorString(const Resource& r, const JsonValue& obj) {
  const JsonValue* sel = api::Path(obj, {"spec", "selector"});
  if (sel == nullptr || !sel->IsObject()) return "";
  if (r.group.empty() && r.kind == "ReplicationController") {
    api::Labels set;
    for (const auto& m : sel->GetObject()) {
      if (m.value.IsString()) set.emplace(api::AsView(m.name), api::AsView(m.value));
    }
    return api::LabelSelector::FromSet(set).ToString();
  }
  auto parsed = api::LabelSelector::FromLabelSelectorJson(*sel);
  return parsed ? parsed->ToString() : "";
}

JsonDoc ScaleOf(const Resource& r, const JsonValue& parent) {
  JsonDoc s(rapidjson::kObjectType);
  auto& a = s.GetAllocator();
  api::SetString(s, "kind", "Scale", a);
  api::SetString(s, "apiVersion", "autoscaling/v1", a);
  JsonValue& meta = api::EnsureObject(s, "metadata", a);
  for (const char* f : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
    std::string_view v = api::StringAt(parent, {"metadata", f});
    if (!v.empty()) api::SetString(meta, f, v, a);
  }
  api::SetInt(api::EnsureObject(s, "spec", a), "replicas",
              api::IntAt(parent, {"spec", "replicas"}).value_or(1), a);
  JsonValue& status = api::EnsureObject(s, "status", a);
  api::SetInt(status, "replicas", api::IntAt(parent, {"status", "replicas"}).value_or(0), a);
  std::string sel = SelectorString(r, parent);
  if (!sel.empty()) api::SetString(status, "selector", sel, a);
  return s;
}

// Wraps a completion so that a successful parent object is answered as its Scale.
OutcomeFn AsScale(const Resource& r, OutcomeFn done) {
  return [&r, done = std::move(done)](Outcome o) {
    if (o.status.ok()) {
      auto parent = api::ParseJson(o.body);
      if (parent) {
        JsonDoc s = ScaleOf(r, *parent);
        o.body = api::ToJson(s);
      }
    }
    done(std::move(o));
  };
}

}  // namespace

void Rest::GetScale(const Target& t, const Query& q, OutcomeFn done) {
  Target parent = t;
  parent.subresource.clear();
  Get(parent, q, AsScale(*t.resource, std::move(done)));
}

void Rest::UpdateScale(const Target& t, const Query& q, std::optional<PatchType> patch,
                       const std::string& body, OutcomeFn done) {
  auto input = api::ParseJson(body);
  if (!input) {
    return done(Outcome::Fail(Error(Code::kBadRequest, "{}", input.error().message())));
  }
  auto in = std::make_shared<JsonDoc>(std::move(*input));
  const Resource& r = *t.resource;
  auto m = std::make_shared<Mutation>();
  m->t = t;
  m->t.subresource.clear();
  m->q = q;
  m->done = AsScale(r, std::move(done));
  m->transform = [in, patch, &r](JsonDoc cur) -> Result<JsonDoc> {
    JsonDoc scale = ScaleOf(r, cur);
    JsonDoc wanted;
    if (patch) {
      wanted.CopyFrom(scale, wanted.GetAllocator());
      Status s = *patch == PatchType::kJsonPatch
                     ? api::ApplyJsonPatch(wanted, *in, wanted.GetAllocator())
                     : api::ApplyMergePatch(wanted, *in, wanted.GetAllocator());
      if (!s.ok()) return s;
    } else {
      wanted.CopyFrom(*in, wanted.GetAllocator());
    }
    const JsonValue* replicas = api::Path(wanted, {"spec", "replicas"});
    if (replicas == nullptr || !replicas->IsInt64() || replicas->GetInt64() < 0) {
      return Error(Code::kInvalid,
                   "Scale.autoscaling \"{}\" is invalid: spec.replicas: Invalid value: {}: must "
                   "be greater than or equal to 0",
                   api::StringAt(cur, {"metadata", "name"}),
                   replicas == nullptr ? "null" : api::ToJson(*replicas));
    }
    auto& a = cur.GetAllocator();
    api::SetInt(api::EnsureObject(cur, "spec", a), "replicas", replicas->GetInt64(), a);
    // The Scale's resourceVersion is the parent's: a precondition when given.
    JsonValue& meta = api::EnsureObject(cur, "metadata", a);
    std::string_view rv = api::StringAt(wanted, {"metadata", "resourceVersion"});
    if (rv.empty()) {
      api::RemoveMember(meta, "resourceVersion");
    } else {
      api::SetString(meta, "resourceVersion", rv, a);
    }
    return cur;
  };
  Mutate(m);
}

void Rest::Bind(const Target& t, const Query& q, const JsonValue& binding, OutcomeFn done) {
  std::string node(api::StringAt(binding, {"target", "name"}));
  if (node.empty()) {
    return done(Outcome::Fail(Error(
        Code::kInvalid, "Binding.core \"{}\" is invalid: target.name: Required value", t.name)));
  }
  auto m = std::make_shared<Mutation>();
  m->t = t;
  m->t.subresource.clear();
  m->q = q;
  std::string pod = t.name;
  m->done = [done = std::move(done)](Outcome o) {
    if (o.status.ok()) {
      o.code = 201;
      o.body = kCreatedStatus;
    }
    done(std::move(o));
  };
  m->transform = [node, pod](JsonDoc cur) -> Result<JsonDoc> {
    std::string_view bound = api::StringAt(cur, {"spec", "nodeName"});
    if (!bound.empty()) {
      return Error(Code::kConflict,
                   "Operation cannot be fulfilled on pods/binding \"{}\": pod {} is already "
                   "assigned to node \"{}\"",
                   pod, pod, bound);
    }
    if (api::Path(cur, {"metadata", "deletionTimestamp"}) != nullptr) {
      return Error(Code::kConflict,
                   "Operation cannot be fulfilled on pods/binding \"{}\": pod {} is being deleted, "
                   "cannot be assigned to a host",
                   pod, pod);
    }
    auto& a = cur.GetAllocator();
    api::SetString(api::EnsureObject(cur, "spec", a), "nodeName", node, a);
    api::RemoveMember(*api::Member(cur, "metadata"), "resourceVersion");
    return cur;
  };
  Mutate(m);
}

void Rest::Evict(const Target& t, const Query& q, const JsonValue& eviction, OutcomeFn done) {
  auto opts = std::make_shared<JsonDoc>();
  if (const JsonValue* d = api::Member(eviction, "deleteOptions"); d && d->IsObject()) {
    opts->CopyFrom(*d, opts->GetAllocator());
  } else {
    opts->SetObject();
  }
  WaitFresh(Query{}, [this, t, q, opts, done = std::move(done)](const Status& s) mutable {
    if (!s.ok()) return done(Outcome::Fail(s));
    auto pod = cache_.Get(t.resource->Key(t.ns, t.name));
    if (!pod) return done(Outcome::Fail(NotFound(*t.resource, t.name)));
    // A PodDisruptionBudget selecting the pod with no disruption allowed refuses the eviction.
    const Resource* pdbs = table_.Find("policy", "v1", "poddisruptionbudgets");
    for (const auto& pdb : cache_.List(pdbs->KeyPrefix() + t.ns + "/", nullptr)) {
      auto doc = api::ParseJson(pdb->json);
      if (!doc) continue;
      const JsonValue* sel = api::Path(*doc, {"spec", "selector"});
      if (sel == nullptr) continue;
      auto selector = api::LabelSelector::FromLabelSelectorJson(*sel);
      if (!selector || !selector->Matches((*pod)->labels)) continue;
      if (api::IntAt(*doc, {"status", "disruptionsAllowed"}).value_or(0) <= 0) {
        return done(Outcome::Fail(
            Error(Code::kTooManyRequests,
                  "Cannot evict pod as it would violate the pod's disruption budget.")));
      }
    }
    Target pt = t;
    pt.subresource.clear();
    Delete(pt, q, *opts, [done = std::move(done)](Outcome o) {
      if (o.status.ok()) {
        o.code = 201;
        o.body = kCreatedStatus;
      }
      done(std::move(o));
    });
  });
}

}  // namespace orchd::server
