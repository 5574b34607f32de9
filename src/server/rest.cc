// The generic REST machinery: reads from the watch cache, writes through the store with the
// object's revision as the precondition, per-kind hooks from Strategies.
#include "server/rest.h"

#include <openssl/rand.h>

#include <algorithm>

#include "api/defaults.h"
#include "api/fields.h"
#include "api/labels.h"
#include "api/patch.h"
#include "api/validation.h"
#include "common/base64.h"
#include "common/log.h"
#include "common/strings.h"
#include "server/rest_internal.h"
#include "server/strategy.h"
#include "server/tables.h"

namespace orchd::server {

using api::JsonDoc;
using api::JsonValue;

// ---- helpers -----------------------------------------------------------------------------

std::string RandomSuffix(size_t n) {
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";  // upstream's alphabet
  unsigned char buf[32];
  RAND_bytes(buf, sizeof(buf));
  std::string out;
  for (size_t i = 0; i < n && i < sizeof(buf); ++i) out.push_back(kAlphabet[buf[i] % 27]);
  return out;
}

std::string NewUid() {
  unsigned char b[16];
  RAND_bytes(b, sizeof(b));
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  return fmt::format(
      "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:"
      "02x}{:02x}",
      b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
      b[15]);
}

std::string Rfc3339(Clock::WallTime t) { return FormatRfc3339(t); }

std::string ObjectJson(JsonDoc& doc, store::Revision rev) {
  auto& a = doc.GetAllocator();
  JsonValue& meta = api::EnsureObject(doc, "metadata", a);
  if (rev > 0) {
    api::SetString(meta, "resourceVersion", std::to_string(rev), a);
  } else {
    api::RemoveMember(meta, "resourceVersion");
  }
  return api::ToJson(doc);
}

std::string StatusJson(const Status& s, const Resource* r, std::string_view name,
                       const api::FieldErrors& causes) {
  JsonDoc d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  api::SetString(d, "kind", "Status", a);
  api::SetString(d, "apiVersion", "v1", a);
  api::EnsureObject(d, "metadata", a);
  api::SetString(d, "status", s.ok() ? "Success" : "Failure", a);
  if (!s.message().empty()) api::SetString(d, "message", s.message(), a);
  if (!s.ok()) api::SetString(d, "reason", s.reason(), a);
  if (s.code() == Code::kInvalid && causes.empty()) {
    // No field causes (e.g. a JSON patch that does not apply): empty details make kubectl print
    // "The request is invalid: <message>", as it does against kube-apiserver.
    api::EnsureObject(d, "details", a);
  } else if (r != nullptr || !name.empty() || !causes.empty()) {
    JsonValue& det = api::EnsureObject(d, "details", a);
    if (!name.empty()) api::SetString(det, "name", name, a);
    if (r != nullptr) {
      if (!r->group.empty()) api::SetString(det, "group", r->group, a);
      api::SetString(det, "kind", r->plural, a);
    }
    if (!causes.empty()) {
      JsonValue arr(rapidjson::kArrayType);
      for (const auto& c : causes) {
        JsonValue cv(rapidjson::kObjectType);
        api::SetString(cv, "reason", c.reason(), a);
        api::SetString(cv, "message", c.message, a);
        api::SetString(cv, "field", c.field, a);
        arr.PushBack(cv, a);
      }
      api::SetMember(det, "causes", std::move(arr), a);
    }
  }
  api::SetInt(d, "code", s.ok() ? 200 : s.http_status(), a);
  return api::ToJson(d);
}

// Upstream's wording for the common failures.
Status NotFound(const Resource& r, std::string_view name) {
  return Error(Code::kNotFound, "{} \"{}\" not found", r.qualified(), name);
}
Status ConflictModified(const Resource& r, std::string_view name) {
  return Error(Code::kConflict,
               "Operation cannot be fulfilled on {} \"{}\": the object has been modified; please "
               "apply your changes to the latest version and try again",
               r.qualified(), name);
}

CacheDecoder MakeCacheDecoder(const ResourceTable& table) {
  // Key layout: /registry/<storage group>/<plural>/[<ns>/]<name>
  return [&table](const store::KeyValue& kv, store::Revision rev) -> CachedObjectPtr {
    auto doc = api::ParseJson(kv.value);
    if (!doc || !doc->IsObject()) {
      LOG_WARN("watch cache: {} at revision {} is not a JSON object; skipped", kv.key, rev);
      return nullptr;
    }
    auto obj = std::make_shared<CachedObject>();
    obj->key = kv.key;
    obj->mod_revision = rev;
    const JsonValue* meta = api::Member(*doc, "metadata");
    if (meta != nullptr) {
      obj->ns = std::string(api::GetString(*meta, "namespace"));
      obj->name = std::string(api::GetString(*meta, "name"));
      obj->uid = std::string(api::GetString(*meta, "uid"));
      if (const JsonValue* labels = api::Member(*meta, "labels"); labels && labels->IsObject()) {
        for (const auto& m : labels->GetObject()) {
          if (m.value.IsString()) obj->labels.emplace(api::AsView(m.name), api::AsView(m.value));
        }
      }
      if (const JsonValue* refs = api::Member(*meta, "ownerReferences"); refs && refs->IsArray()) {
        for (const auto& ref : refs->GetArray()) {
          std::string_view uid = api::GetString(ref, "uid");
          if (!uid.empty()) obj->owner_uids.emplace_back(uid);
        }
      }
      if (const JsonValue* fins = api::Member(*meta, "finalizers"); fins && fins->IsArray()) {
        obj->has_finalizers = !fins->Empty();
      }
      obj->deleting = api::Member(*meta, "deletionTimestamp") != nullptr;
    }
    // Find the resource by key prefix to extract its selectable fields.
    std::string_view key = kv.key;
    for (const Resource& r : table.resources()) {
      std::string prefix = r.KeyPrefix();
      if (!key.starts_with(prefix)) continue;
      for (const auto& f : r.field_labels) {
        obj->fields.emplace_back(f, Strategies::FieldValue(r, *doc, f));
      }
      break;
    }
    obj->json = ObjectJson(*doc, rev);
    return obj;
  };
}

// ---- filters -------------------------------------------------------------------------------

Result<std::shared_ptr<Rest::Filter>> MakeFilter(const Target& t, const Query& q) {
  auto f = std::make_shared<Rest::Filter>();
  f->resource = t.resource;
  f->ns = t.ns;
  if (auto ls = q.Get("labelSelector"); ls && !ls->empty()) {
    auto sel = api::LabelSelector::Parse(*ls);
    if (!sel) return Error(Code::kBadRequest, "{}", sel.error().message());
    f->labels = std::move(*sel);
  }
  if (auto fs = q.Get("fieldSelector"); fs && !fs->empty()) {
    auto sel = api::FieldSelector::Parse(*fs);
    if (!sel) return Error(Code::kBadRequest, "{}", sel.error().message());
    std::vector<std::string_view> supported{"metadata.name", "metadata.namespace"};
    for (const auto& l : t.resource->field_labels) supported.push_back(l);
    ORCHD_RETURN_IF_ERROR(sel->CheckSupported(supported));
    f->fields = std::move(*sel);
  }
  return f;
}

std::string ListPrefix(const Target& t) {
  std::string prefix = t.resource->KeyPrefix();
  if (t.resource->namespaced() && !t.ns.empty()) prefix += t.ns + "/";
  return prefix;
}

// Continue tokens: base64url of {"v":"meta.k8s.io/v1","rv":N,"start":"<key after which to go on>"}.
std::string EncodeContinueToken(store::Revision rev, std::string_view key) {
  JsonDoc d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  api::SetString(d, "v", "meta.k8s.io/v1", a);
  api::SetInt(d, "rv", rev, a);
  api::SetString(d, "start", key, a);
  return Base64Encode(api::ToJson(d), Base64Alphabet::kUrl);
}

Result<std::pair<store::Revision, std::string>> DecodeContinueToken(std::string_view token,
                                                                    std::string_view prefix) {
  auto bad = [] {
    return Error(Code::kBadRequest, "continue key is not valid: illegal base64 data or JSON");
  };
  auto raw = Base64Decode(token, Base64Alphabet::kUrl);
  if (!raw) return bad();
  auto doc = api::ParseJson(*raw);
  if (!doc || api::GetString(*doc, "v") != "meta.k8s.io/v1") return bad();
  int64_t rev = api::GetInt(*doc, "rv");
  std::string start(api::GetString(*doc, "start"));
  if (rev <= 0 || !start.starts_with(prefix)) return bad();
  return std::make_pair(rev, std::move(start));
}

// ---- Rest ------------------------------------------------------------------------------------

Rest::Rest(const ResourceTable& table, store::Store& store, WatchCache& cache, Clock& clock,
           std::string service_cidr, int64_t event_ttl_seconds)
    : table_(table),
      event_ttl_seconds_(event_ttl_seconds),
      store_(store),
      cache_(cache),
      clock_(clock),
      strategies_(std::make_unique<Strategies>(cache, std::move(service_cidr))) {}

Rest::~Rest() { Stop(); }

Status Rest::Start() {
  for (int i = 0; i < 2; ++i) {
    pool_.emplace_back([this] {
      for (;;) {
        std::function<void()> fn;
        {
          std::unique_lock lock(pool_mu_);
          pool_cv_.wait(lock, [this] { return pool_stop_ || !pool_queue_.empty(); });
          if (pool_queue_.empty()) return;
          fn = std::move(pool_queue_.front());
          pool_queue_.pop_front();
        }
        fn();
      }
    });
  }
  return Status::Ok();
}

void Rest::Stop() {
  {
    std::lock_guard lock(pool_mu_);
    pool_stop_ = true;
  }
  pool_cv_.notify_all();
  for (auto& t : pool_) t.join();
  pool_.clear();
}

void Rest::RunBlocking(std::function<void()> fn) {
  {
    std::lock_guard lock(pool_mu_);
    pool_queue_.push_back(std::move(fn));
  }
  pool_cv_.notify_one();
}

const Strategies& Rest::strategies() const { return *strategies_; }

void Rest::WaitFresh(const Query& q, std::function<void(Status)> then) {
  std::string_view rv = q.GetOr("resourceVersion", "");
  if (rv == "0") {
    then(Status::Ok());
    return;
  }
  store::Revision current = store_.CurrentRevision();
  store::Revision want = current;
  auto deadline = std::chrono::steady_clock::time_point::max();
  if (!rv.empty()) {
    auto n = ParseInt64(rv);
    if (!n || *n < 0) {
      then(Error(Code::kBadRequest, "invalid resource version: {}", rv));
      return;
    }
    want = *n;
    // A revision the store has not reached yet: wait a little for it, as kube-apiserver does
    // (3 s), then answer 504 "Too large resource version".
    if (want > current) deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  }
  cache_.WhenAtLeast(want, std::move(then), deadline);
}

void Rest::Get(const Target& t, const Query& q, OutcomeFn done) {
  WaitFresh(q, [this, t, done = std::move(done)](const Status& s) {
    if (!s.ok()) return done(Outcome::Fail(s));
    auto obj = cache_.Get(t.resource->Key(t.ns, t.name));
    if (!obj) return done(Outcome::Fail(NotFound(*t.resource, t.name)));
    Outcome o;
    o.body = (*obj)->json;
    done(std::move(o));
  });
}

void Rest::List(const Target& t, const Query& q, ListFn done) {
  auto filter = MakeFilter(t, q);
  if (!filter) return done({filter.error()});
  int64_t limit = 0;
  if (auto l = q.Get("limit"); l && !l->empty()) {
    auto n = ParseInt64(*l);
    if (!n || *n < 0) return done({Error(Code::kBadRequest, "invalid limit: {}", *l)});
    limit = *n;
  }
  std::string_view rv = q.GetOr("resourceVersion", "");
  std::string_view match = q.GetOr("resourceVersionMatch", "");
  if (!match.empty() && rv.empty()) {
    return done({Error(Code::kInvalid,
                       "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless "
                       "resourceVersion is provided")});
  }
  if (!match.empty() && match != "NotOlderThan" && match != "Exact") {
    return done({Error(Code::kInvalid,
                       "resourceVersionMatch: Unsupported value: \"{}\": supported values: "
                       "\"Exact\", \"NotOlderThan\"",
                       match)});
  }
  std::string prefix = ListPrefix(t);
  std::string_view cont = q.GetOr("continue", "");
  if (!cont.empty()) {
    if (!rv.empty() && rv != "0") {
      return done({Error(Code::kBadRequest,
                         "specifying resource version is not allowed when using continue")});
    }
    auto tok = DecodeContinueToken(cont, prefix);
    if (!tok) return done({tok.error()});
    return PagedList(t, *filter, limit, tok->second, tok->first, std::move(done));
  }
  if (match == "Exact" || (limit > 0 && rv.empty())) {
    store::Revision at = 0;
    if (match == "Exact") {
      auto n = ParseInt64(rv);
      if (!n || *n <= 0)
        return done({Error(Code::kBadRequest, "invalid resource version: {}", rv)});
      at = *n;
    }
    return PagedList(t, *filter, limit, "", at, std::move(done));
  }
  WaitFresh(q, [this, prefix, f = *filter, done = std::move(done)](const Status& s) {
    if (!s.ok()) return done({s});
    ListReply reply;
    for (auto& o : cache_.List(prefix, &reply.revision)) {
      if (f->Matches(*o)) reply.items.push_back(std::move(o));
    }
    done(std::move(reply));
  });
}

void Rest::PagedList(const Target& t, std::shared_ptr<Filter> f, int64_t limit, std::string start,
                     store::Revision rev, ListFn done) {
  std::string prefix = ListPrefix(t);
  RunBlocking([this, prefix, f = std::move(f), limit, start = std::move(start), rev,
               done = std::move(done)]() mutable {
    ListReply reply;
    auto decoder = MakeCacheDecoder(table_);
    std::string after = std::move(start);
    for (;;) {
      store::ListOptions lo;
      lo.revision = rev;
      lo.limit = limit > 0 ? std::max<int64_t>(limit, 100) : 0;
      lo.after_key = after;
      auto page = store_.List(prefix, lo);
      if (!page) {
        Status s = page.error();
        if (s.code() == Code::kExpired && !after.empty()) {
          s = Error(Code::kExpired,
                    "The provided continue parameter is too old to display a consistent list "
                    "result. You can start a new list without the continue parameter.");
        }
        return done({s});
      }
      rev = page->revision;
      bool more = !page->continue_token.empty();
      for (const auto& kv : page->kvs) {
        after = kv.key;
        auto obj = decoder(kv, kv.mod_revision);
        if (obj == nullptr || !f->Matches(*obj)) continue;
        reply.items.push_back(std::move(obj));
        if (limit > 0 && static_cast<int64_t>(reply.items.size()) == limit) {
          bool last = &kv == &page->kvs.back() && !more;
          if (!last) reply.continue_token = EncodeContinueToken(rev, after);
          reply.revision = rev;
          return done(std::move(reply));
        }
      }
      if (!more) break;
    }
    reply.revision = rev;
    done(std::move(reply));
  });
}

}  // namespace orchd::server
