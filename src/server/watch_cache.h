// WatchCache: the API server's in-memory copy of every object under /registry/, kept current by
// one store watch, so that gets, lists at resourceVersion 0 or "latest", and every API watch are
// served from memory and never touch SQLite.
//
// Objects are held as their served JSON (metadata.resourceVersion filled in) plus what filtering
// needs (namespace, name, labels, field values), decoded once per write by the Decoder.
// A ring of recent events lets watches resume from a resourceVersion; older than the ring is 410.
//
// Invariants:
//  * revision() only grows; the object map and the ring reflect exactly the store's state at
//    revision() (every event up to it applied, in order).
//  * A subscriber receives every event after its start revision that its key prefix covers, in
//    order, exactly once, on the cache thread, then live events as they are applied.
//
// Threads: one cache thread reads the store watch and applies events. Readers (any thread) take
// a shared lock for a short copy of pointers. Callbacks (WhenAtLeast, subscribers) run on the
// cache thread or on the caller's thread when already satisfied; they must not block.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "store/store.h"

namespace orchd::server {

struct CachedObject {
  std::string key;
  std::string json;  // the object as served, with metadata.resourceVersion = mod_revision
  store::Revision mod_revision = 0;
  std::string ns;
  std::string name;
  std::string uid;
  std::map<std::string, std::string, std::less<>> labels;
  std::vector<std::string> owner_uids;  // metadata.ownerReferences[].uid
  bool has_finalizers = false;
  bool deleting = false;  // metadata.deletionTimestamp is set
  // Values of the resource's selectable fields (metadata.name/namespace and the per-kind ones).
  std::vector<std::pair<std::string, std::string>> fields;
};
using CachedObjectPtr = std::shared_ptr<const CachedObject>;

enum class CacheEventType { kAdded, kModified, kDeleted };

struct CacheEvent {
  CacheEventType type = CacheEventType::kAdded;
  store::Revision revision = 0;
  // New state; for kDeleted the last state, with the delete's revision. Null for a progress
  // notification: every event up to `revision` has been delivered (watch bookmarks).
  CachedObjectPtr object;
  CachedObjectPtr prev;  // for kModified and kDeleted: the state before
};

// Turns one stored key-value into a cached object, or nullptr to skip it (undecodable values
// are logged and skipped, never served).
using CacheDecoder = std::function<CachedObjectPtr(const store::KeyValue& kv, store::Revision rev)>;

class WatchCache {
 public:
  class Subscription;
  // Receives batches of events in revision order. Return false to unsubscribe.
  using Sink = std::function<bool(const std::vector<const CacheEvent*>& events)>;

  // Every `progress_interval` the cache tells each subscriber how far it is (a CacheEvent with
  // no object), so watches can send bookmarks.
  WatchCache(store::Store& store, CacheDecoder decoder, size_t ring_capacity = 20000,
             std::chrono::milliseconds progress_interval = std::chrono::seconds(10));
  ~WatchCache();

  // Loads every object and starts following the store. Blocking (reads SQLite).
  Status Start();
  void Stop();

  store::Revision revision() const { return revision_.load(); }
  // Runs `fn` once the cache has applied `rev` (at once when it has). OK status, the cache's
  // failure when it stops first, or kTimeout ("Too large resource version") when `deadline`
  // passes first (checked every 200 ms or so).
  void WhenAtLeast(store::Revision rev, std::function<void(Status)> fn,
                   std::chrono::steady_clock::time_point deadline =
                       std::chrono::steady_clock::time_point::max());

  Result<CachedObjectPtr> Get(std::string_view key) const;  // kNotFound
  // Objects with keys starting with `prefix`, in key order, and the revision they reflect.
  std::vector<CachedObjectPtr> List(std::string_view prefix, store::Revision* rev) const;

  // Subscribes to events under `prefix` after revision `after`. With `initial` set, first
  // delivers synthetic kAdded events for every current object (at the current revision) and
  // then events after it; otherwise replays events after `after` from the ring. kExpired when
  // `after` is older than the ring. `sink` is first called from here or the cache thread.
  Result<std::shared_ptr<Subscription>> Subscribe(std::string_view prefix, store::Revision after,
                                                  bool initial, Sink sink);

  // Ends a subscription: its sink is not called again after this returns.
  void Unsubscribe(const std::shared_ptr<Subscription>& sub);

  size_t object_count() const;

 private:
  void Run();
  void Apply(const std::vector<store::EventPtr>& events);
  void Fail(const Status& why);
  void NotifyProgress();
  void ExpireWaiters();

  store::Store& store_;
  CacheDecoder decoder_;
  const size_t ring_capacity_;
  const std::chrono::milliseconds progress_interval_;
  std::unique_ptr<store::Watcher> watcher_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<store::Revision> revision_{0};

  mutable std::shared_mutex mu_;  // objects_, ring_
  std::map<std::string, CachedObjectPtr, std::less<>> objects_;
  std::vector<CacheEvent> ring_;  // circular, ring_capacity_ slots
  size_t ring_start_ = 0;         // index of the oldest event
  size_t ring_size_ = 0;

  std::mutex sub_mu_;  // subscribers_, waiters_, failed_; taken after mu_ when both
  std::vector<std::shared_ptr<Subscription>> subscribers_;
  struct Waiter {
    std::function<void(Status)> fn;
    std::chrono::steady_clock::time_point deadline;
  };
  std::multimap<store::Revision, Waiter> waiters_;
  Status failed_;
};

}  // namespace orchd::server
