// WatchHub and Watcher: delivery of committed events to watchers, without polling.
//
// The hub keeps the last `ring_capacity` events in memory. A watcher starts in a catch-up phase:
// each Next() replays the next slice of history after its start revision, from the ring when the
// ring still holds it, else from the database. When the replay reaches the newest published
// revision, the watcher turns live under the hub's lock (so no event falls between the two
// phases), and from then on the store's writer pushes matching events into its queue on commit.
//
// Invariants:
//  * Events are published in revision order, each revision once; a watcher receives every event
//    with revision > its start revision in its key range, in order, with no gap or repeat.
//  * A live watcher's queue holds at most `buffer` events. A publish that would overflow it ends
//    the watcher with kGone ("fell behind"); its consumer relists and watches again.
//  * History is read from the database only while the watcher is catching up, by the thread that
//    calls Next(); the writer never reads.
//  * A start revision below the compact revision, or history compacted while being replayed,
//    ends the watcher with kExpired.
//
// Locks: hub mutex before watcher mutex; no callback runs under either.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/backend.h"
#include "store/types.h"

namespace orchd::store {

class WatchHub;
struct WatcherState;

// A subscription to the events of one key prefix. Owned by its consumer; destroying it
// unsubscribes. Next() and SetNotify() may be called from any thread, but not concurrently with
// another Next() on the same watcher.
class Watcher {
 public:
  ~Watcher();
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  // The next events in revision order. Waits up to `timeout` when none are ready and returns an
  // empty vector if none came. Errors end the watcher (every later call returns the same error):
  // kExpired (history compacted), kGone (fell behind its buffer), kServiceUnavailable (the store
  // stopped). While catching up on history older than the hub's ring, this reads the database.
  Result<std::vector<EventPtr>> Next(std::chrono::milliseconds timeout);

  // `fn` is called whenever Next() would return without waiting: from the writer thread on a
  // publish, from the thread that ends the watcher, or at once from here. It must be cheap, must
  // not block and must not call into the store (post to an event loop).
  void SetNotify(const std::function<void()>& fn);

  // Every event of this watcher with a revision <= this has been returned by Next().
  Revision progress_revision() const;

 private:
  friend class WatchHub;
  Watcher(std::shared_ptr<WatchHub> hub, std::shared_ptr<WatcherState> state);
  std::shared_ptr<WatchHub> hub_;
  std::shared_ptr<WatcherState> state_;
};

struct WatchHubOptions {
  size_t ring_capacity = 10000;  // events kept in memory for replay
  int64_t replay_batch = 512;    // events per catch-up step
};

// Thread-safe. Publish() is called by the store's writer thread only.
class WatchHub : public std::enable_shared_from_this<WatchHub> {
 public:
  WatchHub(WatchHubOptions options, std::shared_ptr<Backend> backend, Revision head,
           Revision compact_revision);

  // `events` are the events of one commit, in revision order, directly after head().
  void Publish(const std::vector<EventPtr>& events);

  // Watches keys starting with `prefix` for events with revision > after (after < 0: only
  // events published from now on; after > head: events after that future revision).
  Result<std::unique_ptr<Watcher>> Watch(std::string_view prefix, Revision after, size_t buffer);

  // Ends every watcher with `why`; later Watch() calls fail with it.
  void Close(const Status& why);

  // The compact revision, raised by the writer before each compaction commit (so a reader that
  // checks it after reading history never misses a compacted row).
  void SetCompactRevision(Revision r) { compact_.store(r); }
  Revision compact_revision() const { return compact_.load(); }
  Revision head() const { return head_.load(); }
  size_t live_watchers() const;

 private:
  friend class Watcher;
  // One catch-up step for `s`: events from the ring or the database. May turn `s` live.
  Result<std::vector<EventPtr>> CatchUp(const std::shared_ptr<WatcherState>& s);
  void Remove(const WatcherState* s);

  const WatchHubOptions options_;
  const std::shared_ptr<Backend> backend_;
  std::atomic<Revision> head_;
  std::atomic<Revision> compact_;

  mutable std::mutex mu_;
  std::deque<EventPtr> ring_;  // contiguous revisions ending at head_
  std::vector<std::shared_ptr<WatcherState>> live_;
  Status closed_;  // OK while open
};

}  // namespace orchd::store
