// Rest: the one generic REST implementation (get, list, watch, create, update, patch, delete,
// deletecollection) for every resource of the table, over the store (writes) and the watch cache
// (reads). Per-kind behaviour comes from the strategy (strategy.h), never from copied handlers.
//
// Objects are stored as JSON without metadata.resourceVersion; the revision of the write that
// produced a value is its resourceVersion (filled in by the cache's decoder and on replies).
//
// Asynchronous: every operation completes through a callback, which may run on the caller's
// thread, the store's writer/acknowledger thread, the cache thread or the blocking pool; callers
// on an event loop post it back. Operations never block the calling thread, except the
// *Blocking helpers used by controllers on their own threads.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/field_error.h"
#include "api/json.h"
#include "common/clock.h"
#include "common/completion.h"
#include "server/api_request.h"
#include "server/http_server.h"
#include "server/resources.h"
#include "server/watch_cache.h"
#include "store/store.h"

namespace orchd::server {

class Strategies;

// The result of an operation: a Status (with field causes for 422) and, on success, the object
// (served JSON) and the HTTP code (200, or 201 for creates).
struct Outcome {
  Status status;
  api::FieldErrors causes;
  int code = 200;
  std::string body;  // the object as JSON (or a Status for some deletes)

  static Outcome Fail(Status s, api::FieldErrors c = {}) { return {std::move(s), std::move(c)}; }
};
using OutcomeFn = std::function<void(Outcome)>;

// What a request addresses.
struct Target {
  const Resource* resource = nullptr;
  std::string ns;
  std::string name;
  std::string subresource;  // "", "status", "scale", "finalize", ...
};

enum class PatchType { kJsonPatch, kMergePatch, kStrategicMerge, kApply };

struct ListReply {
  Status status;
  std::vector<CachedObjectPtr> items;
  store::Revision revision = 0;
  std::string continue_token;
  int64_t remaining = -1;  // remainingItemCount when known
};
using ListFn = std::function<void(ListReply)>;

class Rest {
 public:
  // `event_ttl_seconds`: how long resources with a time to live (events) live after their last
  // write (kube-apiserver's --event-ttl).
  Rest(const ResourceTable& table, store::Store& store, WatchCache& cache, Clock& clock,
       std::string service_cidr, int64_t event_ttl_seconds = 3600);
  ~Rest();

  // Runs blocking work (paged lists from SQLite) off the event loop.
  Status Start();
  void Stop();

  void Get(const Target& t, const Query& q, OutcomeFn done);
  void List(const Target& t, const Query& q, ListFn done);
  void Create(const Target& t, const Query& q, api::JsonDoc obj, OutcomeFn done);
  void Update(const Target& t, const Query& q, api::JsonDoc obj, OutcomeFn done);
  void Patch(const Target& t, const Query& q, PatchType type, const std::string& patch,
             OutcomeFn done);
  // `options`: the DeleteOptions body (may be null JSON).
  void Delete(const Target& t, const Query& q, const api::JsonValue& options, OutcomeFn done);
  void DeleteCollection(const Target& t, const Query& q, const api::JsonValue& options,
                        OutcomeFn done);
  // Subresources (rest_subresources.cc). `patch` unset: a PUT of a whole Scale.
  void GetScale(const Target& t, const Query& q, OutcomeFn done);
  void UpdateScale(const Target& t, const Query& q, std::optional<PatchType> patch,
                   const std::string& body, OutcomeFn done);
  void Bind(const Target& t, const Query& q, const api::JsonValue& binding, OutcomeFn done);
  void Evict(const Target& t, const Query& q, const api::JsonValue& eviction, OutcomeFn done);

  // A watch stream of JSON lines (or Table rows with `table_version` set).
  Result<std::shared_ptr<StreamSource>> Watch(const Target& t, const Query& q,
                                              const std::string& table_version);

  // Blocking forms for controllers (never on an event loop).
  Outcome CreateBlocking(const Target& t, api::JsonDoc obj);
  Outcome UpdateBlocking(const Target& t, api::JsonDoc obj);
  Outcome DeleteBlocking(const Target& t, const std::string& options_json);

  const ResourceTable& table() const { return table_; }
  const Strategies& strategies() const;
  WatchCache& cache() { return cache_; }

  // The namespace/name filter of list and watch requests, compiled once per request.
  struct Filter;

 private:
  struct Mutation;
  void WaitFresh(const Query& q, std::function<void(Status)> then);
  void Mutate(std::shared_ptr<Mutation> m);
  void Commit(std::shared_ptr<Mutation> m, const CachedObjectPtr& current, api::JsonDoc next);
  void DeleteStep(std::shared_ptr<Mutation> m, std::shared_ptr<api::JsonDoc> opts);
  void CreateChecked(const Target& t, const Query& q, std::shared_ptr<api::JsonDoc> obj,
                     OutcomeFn done);
  void PagedList(const Target& t, std::shared_ptr<Filter> f, int64_t limit, std::string start,
                 store::Revision rev, ListFn done);
  void RunBlocking(std::function<void()> fn);

  // The time to live of a write to `r` (0: none).
  int64_t Ttl(const Resource& r) const { return r.ttl_seconds > 0 ? event_ttl_seconds_ : 0; }

  const ResourceTable& table_;
  int64_t event_ttl_seconds_;
  store::Store& store_;
  WatchCache& cache_;
  Clock& clock_;
  std::unique_ptr<Strategies> strategies_;

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::deque<std::function<void()>> pool_queue_;
  std::vector<std::thread> pool_;
  bool pool_stop_ = false;
};

// Builds a Kubernetes Status object (JSON) for a failure: message, reason, code and details
// (name, group, kind = the resource's plural, causes).
std::string StatusJson(const Status& s, const Resource* r, std::string_view name,
                       const api::FieldErrors& causes = {});

}  // namespace orchd::server
