// Writes: create, update (main resource and status), patch, delete (with finalizers and
// propagation), deletecollection. Every update is a compare-and-swap on the object's revision;
// a conflict the user did not ask for (no resourceVersion in the body) is retried on the newer
// object, as kube-apiserver's GuaranteedUpdate does.
#include <algorithm>

#include "api/defaults.h"
#include "api/patch.h"
#include "api/validation.h"
#include "common/log.h"
#include "common/strings.h"
#include "server/rest.h"
#include "server/rest_internal.h"
#include "server/strategy.h"

namespace orchd::server {

using api::JsonDoc;
using api::JsonValue;

namespace {

constexpr int kMaxRetries = 10;

bool DryRun(const Query& q) {
  for (auto [it, end] = q.params.equal_range("dryRun"); it != end; ++it) {
    if (it->second == "All") return true;
  }
  return false;
}

Status CheckDryRunValues(const Query& q) {
  for (auto [it, end] = q.params.equal_range("dryRun"); it != end; ++it) {
    if (it->second != "All") {
      return Error(Code::kBadRequest,
                   "dryRun: Unsupported value: \"{}\": supported values: \"All\"", it->second);
    }
  }
  return Status::Ok();
}

Status MapStoreError(const Status& s, const Resource& r, std::string_view name) {
  switch (s.code()) {
    case Code::kAlreadyExists:
      return Error(Code::kAlreadyExists, "{} \"{}\" already exists", r.qualified(), name);
    case Code::kNotFound:
      return NotFound(r, name);
    case Code::kConflict:
      return ConflictModified(r, name);
    default:
      return s;
  }
}

Outcome Invalid(const Resource& r, std::string_view name, api::FieldErrors errs) {
  std::string message =
      api::FormatInvalid(errs, r.group.empty() ? r.kind : r.kind + "." + r.group, name);
  return Outcome::Fail(Status(Code::kInvalid, std::move(message)), std::move(errs));
}

// Checks apiVersion/kind of a request body against the resource (empty ones are filled in).
Status CheckTypeMeta(const Resource& r, JsonDoc& obj) {
  if (!obj.IsObject()) {
    return Error(Code::kBadRequest, "the object provided is unrecognized (must be of type {})",
                 r.kind);
  }
  auto& a = obj.GetAllocator();
  std::string_view av = api::GetString(obj, "apiVersion");
  std::string_view kind = api::GetString(obj, "kind");
  std::string want = r.api_version();
  if (!av.empty() && av != want) {
    // The other served version of the same storage (autoscaling v1/v2) is accepted as is.
    return Error(Code::kBadRequest,
                 "the API version in the data ({}) does not match the expected API version ({})",
                 av, want);
  }
  if (!kind.empty() && kind != r.kind) {
    return Error(Code::kBadRequest,
                 "the kind in the data ({}) does not match the expected kind ({})", kind, r.kind);
  }
  api::SetString(obj, "apiVersion", want, a);
  api::SetString(obj, "kind", r.kind, a);
  return Status::Ok();
}

bool HasFinalizer(const JsonValue& obj, std::string_view f) {
  const JsonValue* fins = api::Path(obj, {"metadata", "finalizers"});
  if (fins == nullptr || !fins->IsArray()) return false;
  for (const auto& v : fins->GetArray()) {
    if (api::AsView(v) == f) return true;
  }
  return false;
}

size_t FinalizerCount(const JsonValue& obj) {
  const JsonValue* fins = api::Path(obj, {"metadata", "finalizers"});
  return fins != nullptr && fins->IsArray() ? fins->Size() : 0;
}

void AddFinalizer(JsonDoc& obj, std::string_view f) {
  if (HasFinalizer(obj, f)) return;
  auto& a = obj.GetAllocator();
  JsonValue& meta = api::EnsureObject(obj, "metadata", a);
  JsonValue* fins = api::Member(meta, "finalizers");
  if (fins == nullptr || !fins->IsArray()) {
    api::SetMember(meta, "finalizers", JsonValue(rapidjson::kArrayType), a);
    fins = api::Member(meta, "finalizers");
  }
  fins->PushBack(api::StringValue(f, a), a);
}

}  // namespace

void Rest::Create(const Target& t, const Query& q, JsonDoc obj, OutcomeFn done) {
  const Resource& r = *t.resource;
  if (Status s = CheckDryRunValues(q); !s.ok()) return done(Outcome::Fail(s));
  if (Status s = CheckTypeMeta(r, obj); !s.ok()) return done(Outcome::Fail(s));
  auto& a = obj.GetAllocator();
  JsonValue& meta = api::EnsureObject(obj, "metadata", a);
  if (r.namespaced()) {
    std::string_view body_ns = api::GetString(meta, "namespace");
    if (!body_ns.empty() && body_ns != t.ns) {
      return done(Outcome::Fail(Error(Code::kBadRequest,
                                      "the namespace of the provided object does not match the "
                                      "namespace sent on the request")));
    }
    api::SetString(meta, "namespace", t.ns, a);
  } else {
    api::RemoveMember(meta, "namespace");
  }
  std::string name(api::GetString(meta, "name"));
  std::string_view generate = api::GetString(meta, "generateName");
  if (name.empty() && !generate.empty()) {
    name = std::string(generate) + RandomSuffix(5);
    api::SetString(meta, "name", name, a);
  }
  if (!t.name.empty() && name != t.name) {
    return done(Outcome::Fail(Error(Code::kBadRequest,
                                    "the name of the object ({}) does not match the name on the "
                                    "URL ({})",
                                    name, t.name)));
  }
  if (!api::GetString(meta, "resourceVersion").empty()) {
    return done(Outcome::Fail(
        Error(Code::kBadRequest, "resourceVersion should not be set on objects to be created")));
  }
  api::SetString(meta, "uid", NewUid(), a);
  api::SetString(meta, "creationTimestamp", Rfc3339(clock_.Now()), a);
  api::RemoveMember(meta, "deletionTimestamp");
  api::RemoveMember(meta, "deletionGracePeriodSeconds");
  api::RemoveMember(meta, "selfLink");
  api::ApplyDefaults(r.group, r.kind, obj, a);
  strategies_->PrepareForCreate(r, obj);
  api::FieldErrors errs = strategies_->Validate(r, obj);
  if (!errs.empty()) return done(Invalid(r, name, std::move(errs)));

  // The namespace must exist and not be terminating; read it fresh.
  auto shared = std::make_shared<JsonDoc>(std::move(obj));
  if (!r.namespaced()) return CreateChecked(t, q, shared, std::move(done));
  WaitFresh(Query{}, [this, t, q, shared, done = std::move(done)](const Status& s) mutable {
    if (!s.ok()) return done(Outcome::Fail(s));
    const Resource* ns_res = table_.Find("", "v1", "namespaces");
    auto ns = cache_.Get(ns_res->Key("", t.ns));
    if (!ns) {
      return done(Outcome::Fail(Error(Code::kNotFound, "namespaces \"{}\" not found", t.ns), {}));
    }
    if ((*ns)->deleting) {
      return done(Outcome::Fail(Error(Code::kForbidden,
                                      "{} \"{}\" is forbidden: unable to create new content in "
                                      "namespace {} because it is being terminated",
                                      t.resource->qualified(),
                                      api::StringAt(*shared, {"metadata", "name"}), t.ns)));
    }
    CreateChecked(t, q, shared, std::move(done));
  });
}

void Rest::CreateChecked(const Target& t, const Query& q, std::shared_ptr<JsonDoc> obj,
                         OutcomeFn done) {
  const Resource& r = *t.resource;
  std::string name(api::StringAt(*obj, {"metadata", "name"}));
  if (Status s = strategies_->Allocate(r, *obj); !s.ok()) return done(Outcome::Fail(s));
  if (DryRun(q)) {
    Outcome o;
    o.code = 201;
    o.body = ObjectJson(*obj, 0);
    return done(std::move(o));
  }
  store::WriteOp op;
  op.kind = store::WriteKind::kCreate;
  op.key = r.Key(t.ns, name);
  op.value = ObjectJson(*obj, 0);
  op.lease = Ttl(r);
  store_.Submit(std::move(op), [obj, &r, name, done = std::move(done)](Result<store::EventPtr> e) {
    if (!e) return done(Outcome::Fail(MapStoreError(e.error(), r, name)));
    Outcome o;
    o.code = 201;
    o.body = ObjectJson(*obj, (*e)->revision());
    done(std::move(o));
  });
}

void Rest::Mutate(std::shared_ptr<Mutation> m) {
  WaitFresh(Query{}, [this, m](const Status& s) {
    if (!s.ok()) return m->done(Outcome::Fail(s));
    const Resource& r = *m->t.resource;
    auto cur = cache_.Get(r.Key(m->t.ns, m->t.name));
    if (!cur) return m->done(Outcome::Fail(NotFound(r, m->t.name)));
    auto doc = api::ParseJson((*cur)->json);
    if (!doc) return m->done(Outcome::Fail(doc.error()));
    auto next = m->transform(std::move(*doc));
    if (!next) return m->done(Outcome::Fail(next.error()));
    Commit(m, *cur, std::move(*next));
  });
}

void Rest::Commit(std::shared_ptr<Mutation> m, const CachedObjectPtr& current, JsonDoc next) {
  const Resource& r = *m->t.resource;
  const std::string& name = m->t.name;
  auto old = api::ParseJson(current->json);
  if (!old) return m->done(Outcome::Fail(old.error()));
  if (Status s = CheckTypeMeta(r, next); !s.ok()) return m->done(Outcome::Fail(s));
  auto& a = next.GetAllocator();
  JsonValue& meta = api::EnsureObject(next, "metadata", a);
  // A resourceVersion in the body is a precondition.
  std::string_view body_rv = api::GetString(meta, "resourceVersion");
  bool pinned = !body_rv.empty();
  if (pinned && body_rv != std::to_string(current->mod_revision)) {
    return m->done(Outcome::Fail(ConflictModified(r, name)));
  }
  std::string_view body_name = api::GetString(meta, "name");
  if (!body_name.empty() && body_name != name) {
    return m->done(Outcome::Fail(Error(
        Code::kBadRequest, "the name of the object ({}) does not match the name on the URL ({})",
        body_name, name)));
  }
  if (r.namespaced()) {
    std::string_view body_ns = api::GetString(meta, "namespace");
    if (!body_ns.empty() && body_ns != m->t.ns) {
      return m->done(Outcome::Fail(Error(Code::kBadRequest,
                                         "the namespace of the provided object does not match "
                                         "the namespace sent on the request")));
    }
  }
  // System fields the user cannot change.
  const JsonValue& old_meta = *api::Member(*old, "metadata");
  for (const char* f : {"uid", "creationTimestamp", "deletionTimestamp",
                        "deletionGracePeriodSeconds", "generation", "namespace", "name"}) {
    if (const JsonValue* v = api::Member(old_meta, f)) {
      JsonValue copy;
      copy.CopyFrom(*v, a);
      api::SetMember(meta, f, std::move(copy), a);
    } else {
      api::RemoveMember(meta, f);
    }
  }
  api::RemoveMember(meta, "resourceVersion");
  api::ApplyDefaults(r.group, r.kind, next, a);
  strategies_->PrepareForUpdate(r, m->t.subresource, next, *old);
  api::FieldErrors errs = strategies_->Validate(r, next);
  if (!errs.empty()) return m->done(Invalid(r, name, std::move(errs)));

  bool dry = DryRun(m->q);
  auto retry_or_fail = [this, m, pinned, &r, name](const Status& s) {
    if (s.code() == Code::kConflict && !pinned && ++m->attempts < kMaxRetries) return Mutate(m);
    m->done(Outcome::Fail(MapStoreError(s, r, name)));
  };
  // The last finalizer of an object being deleted is gone: delete it for good.
  // (A bound pod in graceful deletion is removed by its node's agent, not here.)
  bool agent_finishes =
      r.group.empty() && r.kind == "Pod" && !api::StringAt(next, {"spec", "nodeName"}).empty() &&
      api::IntAt(next, {"metadata", "deletionGracePeriodSeconds"}).value_or(0) > 0;
  if (api::Member(meta, "deletionTimestamp") != nullptr && FinalizerCount(next) == 0 &&
      !agent_finishes) {
    auto shared = std::make_shared<JsonDoc>(std::move(next));
    if (dry) {
      Outcome o;
      o.body = ObjectJson(*shared, current->mod_revision);
      return m->done(std::move(o));
    }
    store::WriteOp op{store::WriteKind::kDelete, current->key, "", current->mod_revision};
    store_.Submit(std::move(op), [shared, m, retry_or_fail](Result<store::EventPtr> e) {
      if (!e) return retry_or_fail(e.error());
      Outcome o;
      o.body = ObjectJson(*shared, (*e)->revision());
      m->done(std::move(o));
    });
    return;
  }
  std::string value = api::ToJson(next);
  auto old_copy = std::make_shared<JsonDoc>(std::move(*old));
  ObjectJson(*old_copy, 0);
  if (value == api::ToJson(*old_copy) || api::JsonEqual(next, *old_copy)) {
    Outcome o;  // nothing changed: no write, the revision stays
    o.body = current->json;
    return m->done(std::move(o));
  }
  auto shared = std::make_shared<JsonDoc>(std::move(next));
  if (dry) {
    Outcome o;
    o.body = ObjectJson(*shared, current->mod_revision);
    return m->done(std::move(o));
  }
  store::WriteOp op{store::WriteKind::kUpdate, current->key, std::move(value),
                    current->mod_revision, Ttl(r)};
  store_.Submit(std::move(op), [shared, m, retry_or_fail](Result<store::EventPtr> e) {
    if (!e) return retry_or_fail(e.error());
    Outcome o;
    o.body = ObjectJson(*shared, (*e)->revision());
    m->done(std::move(o));
  });
}

void Rest::Update(const Target& t, const Query& q, JsonDoc obj, OutcomeFn done) {
  if (Status s = CheckDryRunValues(q); !s.ok()) return done(Outcome::Fail(s));
  auto m = std::make_shared<Mutation>();
  m->t = t;
  m->q = q;
  m->done = std::move(done);
  auto body = std::make_shared<JsonDoc>(std::move(obj));
  m->transform = [body](const JsonDoc&) -> Result<JsonDoc> {
    JsonDoc copy;
    copy.CopyFrom(*body, copy.GetAllocator());
    return copy;
  };
  Mutate(m);
}

void Rest::Patch(const Target& t, const Query& q, PatchType type, const std::string& patch,
                 OutcomeFn done) {
  if (Status s = CheckDryRunValues(q); !s.ok()) return done(Outcome::Fail(s));
  if (type == PatchType::kStrategicMerge || type == PatchType::kApply) {
    return done(Outcome::Fail(
        Error(Code::kUnsupportedMediaType,
              "the body of the request was in an unknown format - accepted media types include: "
              "application/json-patch+json, application/merge-patch+json")));
  }
  auto parsed = api::ParseJson(patch);
  if (!parsed) {
    return done(Outcome::Fail(
        Error(Code::kBadRequest, "error decoding patch: {}", parsed.error().message())));
  }
  auto p = std::make_shared<JsonDoc>(std::move(*parsed));
  auto m = std::make_shared<Mutation>();
  m->t = t;
  m->q = q;
  m->done = std::move(done);
  m->transform = [p, type](JsonDoc cur) -> Result<JsonDoc> {
    // The patch sees the object with its resourceVersion, as upstream's patcher does.
    Status s = type == PatchType::kJsonPatch ? api::ApplyJsonPatch(cur, *p, cur.GetAllocator())
                                             : api::ApplyMergePatch(cur, *p, cur.GetAllocator());
    if (!s.ok()) return s;
    return cur;
  };
  Mutate(m);
}

void Rest::Delete(const Target& t, const Query& q, const JsonValue& options, OutcomeFn done) {
  if (Status s = CheckDryRunValues(q); !s.ok()) return done(Outcome::Fail(s));
  auto opts = std::make_shared<JsonDoc>();
  opts->CopyFrom(options, opts->GetAllocator());
  if (!opts->IsObject()) opts->SetObject();
  // Query parameters are the other way to say the same.
  auto& a = opts->GetAllocator();
  if (auto pp = q.Get("propagationPolicy")) api::SetString(*opts, "propagationPolicy", *pp, a);
  // dryRun may come in the DeleteOptions body (kubectl delete --dry-run=server).
  Query query = q;
  if (const JsonValue* dr = api::Member(*opts, "dryRun"); dr && dr->IsArray()) {
    for (const auto& v : dr->GetArray())
      query.params.emplace("dryRun", std::string(api::AsView(v)));
  }
  if (Status s = CheckDryRunValues(query); !s.ok()) return done(Outcome::Fail(s));
  if (auto gp = q.Get("gracePeriodSeconds")) {
    if (auto n = ParseInt64(*gp)) api::SetInt(*opts, "gracePeriodSeconds", *n, a);
  }
  std::string_view policy = api::GetString(*opts, "propagationPolicy", "Background");
  if (policy != "Background" && policy != "Foreground" && policy != "Orphan") {
    return done(Outcome::Fail(Error(Code::kInvalid,
                                    "propagationPolicy: Unsupported value: \"{}\": supported "
                                    "values: \"Foreground\", \"Background\", \"Orphan\"",
                                    policy)));
  }
  auto m = std::make_shared<Mutation>();
  m->t = t;
  m->q = std::move(query);
  m->done = std::move(done);
  DeleteStep(m, opts);
}

void Rest::DeleteStep(std::shared_ptr<Mutation> m, std::shared_ptr<JsonDoc> opts) {
  WaitFresh(Query{}, [this, m, opts](const Status& s) {
    if (!s.ok()) return m->done(Outcome::Fail(s));
    const Resource& r = *m->t.resource;
    const std::string& name = m->t.name;
    auto cur = cache_.Get(r.Key(m->t.ns, name));
    if (!cur) return m->done(Outcome::Fail(NotFound(r, name)));
    auto doc = api::ParseJson((*cur)->json);
    if (!doc) return m->done(Outcome::Fail(doc.error()));
    JsonDoc& obj = *doc;
    auto& a = obj.GetAllocator();
    // Preconditions.
    std::string_view want_uid = api::StringAt(*opts, {"preconditions", "uid"});
    std::string_view want_rv = api::StringAt(*opts, {"preconditions", "resourceVersion"});
    if (!want_uid.empty() && want_uid != (*cur)->uid) {
      return m->done(Outcome::Fail(Error(
          Code::kConflict,
          "Operation cannot be fulfilled on {} \"{}\": Precondition failed: UID in precondition: "
          "{}, UID in object meta: {}",
          r.qualified(), name, want_uid, (*cur)->uid)));
    }
    if (!want_rv.empty() && want_rv != std::to_string((*cur)->mod_revision)) {
      return m->done(Outcome::Fail(Error(
          Code::kConflict,
          "Operation cannot be fulfilled on {} \"{}\": Precondition failed: ResourceVersion in "
          "precondition: {}, ResourceVersion in object meta: {}",
          r.qualified(), name, want_rv, (*cur)->mod_revision)));
    }
    bool dry = DryRun(m->q);
    std::string_view policy = api::GetString(*opts, "propagationPolicy", "Background");
    bool is_namespace = r.group.empty() && r.kind == "Namespace";
    bool already = (*cur)->deleting;
    if (policy == "Orphan") AddFinalizer(obj, "orphan");
    if (policy == "Foreground") AddFinalizer(obj, "foregroundDeletion");
    // Graceful pod deletion: a pod bound to a node is stopped by its node's agent first.
    int64_t grace = 0;
    bool graceful = false;
    if (r.group.empty() && r.kind == "Pod") {
      std::string_view phase = api::StringAt(obj, {"status", "phase"});
      grace = api::GetInt(*opts, "gracePeriodSeconds",
                          api::IntAt(obj, {"spec", "terminationGracePeriodSeconds"}).value_or(30));
      graceful = !api::StringAt(obj, {"spec", "nodeName"}).empty() && grace > 0 &&
                 phase != "Succeeded" && phase != "Failed";
    }
    // A namespace is first marked Terminating; the namespace controller empties it, clears
    // spec.finalizers and deletes it again, which then removes it.
    const JsonValue* spec_fins = api::Path(obj, {"spec", "finalizers"});
    bool ns_pending =
        is_namespace &&
        (!already || (spec_fins != nullptr && spec_fins->IsArray() && !spec_fins->Empty()));
    if (FinalizerCount(obj) > 0 || ns_pending || graceful) {
      if (already && !graceful) {  // nothing more to do: report the object as it is
        Outcome o;
        o.body = (*cur)->json;
        return m->done(std::move(o));
      }
      JsonValue& meta = api::EnsureObject(obj, "metadata", a);
      if (!already) {
        api::SetString(meta, "deletionTimestamp",
                       Rfc3339(clock_.Now() + std::chrono::seconds(graceful ? grace : 0)), a);
      }
      api::SetInt(meta, "deletionGracePeriodSeconds", graceful ? grace : 0, a);
      if (is_namespace) {
        api::SetString(api::EnsureObject(obj, "status", a), "phase", "Terminating", a);
      }
      api::RemoveMember(meta, "resourceVersion");
      auto shared = std::make_shared<JsonDoc>(std::move(obj));
      if (dry) {
        Outcome o;
        o.body = ObjectJson(*shared, (*cur)->mod_revision);
        return m->done(std::move(o));
      }
      store::WriteOp op{store::WriteKind::kUpdate, (*cur)->key, api::ToJson(*shared),
                        (*cur)->mod_revision, Ttl(r)};
      store_.Submit(std::move(op), [this, shared, m, opts](Result<store::EventPtr> e) {
        if (!e) {
          if (e.error().code() == Code::kConflict && ++m->attempts < kMaxRetries) {
            return DeleteStep(m, opts);
          }
          return m->done(Outcome::Fail(MapStoreError(e.error(), *m->t.resource, m->t.name)));
        }
        Outcome o;
        o.body = ObjectJson(*shared, (*e)->revision());
        m->done(std::move(o));
      });
      return;
    }
    auto shared = std::make_shared<JsonDoc>(std::move(obj));
    if (dry) {
      Outcome o;
      o.body = ObjectJson(*shared, (*cur)->mod_revision);
      return m->done(std::move(o));
    }
    store::WriteOp op{store::WriteKind::kDelete, (*cur)->key, "", (*cur)->mod_revision};
    store_.Submit(std::move(op), [this, shared, m, opts](Result<store::EventPtr> e) {
      if (!e) {
        if (e.error().code() == Code::kConflict && ++m->attempts < kMaxRetries) {
          return DeleteStep(m, opts);
        }
        return m->done(Outcome::Fail(MapStoreError(e.error(), *m->t.resource, m->t.name)));
      }
      Outcome o;
      o.body = ObjectJson(*shared, (*e)->revision());
      m->done(std::move(o));
    });
  });
}

void Rest::DeleteCollection(const Target& t, const Query& q, const JsonValue& options,
                            OutcomeFn done) {
  auto opts = std::make_shared<JsonDoc>();
  opts->CopyFrom(options, opts->GetAllocator());
  Query list_q = q;
  list_q.params.erase("limit");
  list_q.params.erase("continue");
  List(t, list_q, [this, t, q, opts, done = std::move(done)](const ListReply& reply) mutable {
    if (!reply.status.ok()) return done(Outcome::Fail(reply.status));
    struct State {
      std::mutex mu;
      size_t pending = 0;
      Status first_error;
      OutcomeFn done;
    };
    auto st = std::make_shared<State>();
    st->pending = reply.items.size() + 1;
    st->done = std::move(done);
    auto finish = [st]() {
      Outcome o;
      {
        std::lock_guard lock(st->mu);
        if (--st->pending != 0) return;
        o.status = st->first_error;
      }
      if (o.status.ok()) o.body = StatusJson(Status::Ok(), nullptr, "");
      st->done(std::move(o));
    };
    for (const auto& item : reply.items) {
      Target one = t;
      one.ns = item->ns;
      one.name = item->name;
      Delete(one, q, *opts, [st, finish](const Outcome& o) {
        if (!o.status.ok() && o.status.code() != Code::kNotFound) {
          std::lock_guard lock(st->mu);
          if (st->first_error.ok()) st->first_error = o.status;
        }
        finish();
      });
    }
    finish();
  });
}

// ---- blocking forms for controllers ----------------------------------------------------------

Outcome Rest::CreateBlocking(const Target& t, JsonDoc obj) {
  Completion<Outcome> c;
  Create(t, Query{}, std::move(obj), [&c](Outcome o) { c.Set(std::move(o)); });
  return c.Wait();
}

Outcome Rest::UpdateBlocking(const Target& t, JsonDoc obj) {
  Completion<Outcome> c;
  Update(t, Query{}, std::move(obj), [&c](Outcome o) { c.Set(std::move(o)); });
  return c.Wait();
}

Outcome Rest::DeleteBlocking(const Target& t, const std::string& options_json) {
  auto opts = api::ParseJson(options_json.empty() ? "{}" : options_json);
  if (!opts) return Outcome::Fail(opts.error());
  Completion<Outcome> c;
  Delete(t, Query{}, *opts, [&c](Outcome o) { c.Set(std::move(o)); });
  return c.Wait();
}

}  // namespace orchd::server
