// Store: the revisioned key-value store under the API server (kine-like; see README.md here).
//
// Every write is one revision in a single, gap-free log. Writes go through one writer thread that
// commits them in groups (all the writes queued at that moment, one transaction, one fsync) and
// acknowledges each only after its commit is durable. Reads run on the caller's thread against a
// pool of read connections. Watchers are woken on commit by the WatchHub, never by polling.
//
// Lifecycle: the constructor does no I/O; Start() opens the database and starts the writer;
// Stop() refuses new writes, commits what is queued, ends every watcher and joins the writer.
//
// Threads: the writer (commits, publishes to watchers, maintenance) and the acknowledger (runs
// the callbacks of batches larger than two, so waking many callers never delays the next commit;
// a batch of one or two is acknowledged on the writer, where a hop would cost more).
//
// Thread safety: every public method may be called from any thread after Start(). Write methods
// and reads block (disk I/O); call them from worker threads, never from an event loop. Submit()
// does not block: its callback runs later on the writer or the acknowledger thread (or at once, on
// the calling thread, when the write is refused before queueing). A callback must be cheap and
// must not call into the store: on the writer thread that would deadlock a blocking call.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "store/backend.h"
#include "store/types.h"
#include "store/watch_hub.h"

namespace orchd::store {

struct StoreOptions {
  std::string path;  // the SQLite database file; its directory must exist
  // History younger than this is kept (watches may resume from it); older history is compacted.
  std::chrono::seconds history_window{300};
  std::chrono::seconds compact_interval{60};  // how often history is checked for compaction
  int64_t compact_batch = 1000;               // revisions per compaction transaction
  int64_t vacuum_batch = 2048;                // pages returned to the file system per step
  size_t max_batch = 1024;                    // writes per commit
  // After a commit of several writes, how long the writer waits for the next group to gather
  // before committing a smaller one. Never applies to a lone writer. Measured with 32 writers
  // (store_bench, schema 2, alternating runs): 50 us gave 19.4-22.2k writes/s where 200 us gave
  // 16.5-18.1k; 0 committed groups of a few writes (14k/s).
  std::chrono::microseconds group_commit_wait{50};
  size_t max_queue = 65536;  // queued writes beyond which Submit answers kTooManyRequests
  size_t max_value_bytes = 3 << 20;
  size_t watch_buffer = 1024;  // default per-watcher queue, in events
  size_t event_ring = 10000;   // recent events kept in memory for watch replay
  int readers = 4;
  // Expiry and compaction run on timers of the writer. Tests turn this off and call
  // RunMaintenance() with a FakeClock instead.
  bool background_maintenance = true;
  int64_t max_pages = 0;  // test seam: see SqliteOptions::max_pages
};

struct WriteOptions {
  int64_t ttl_seconds = 0;  // > 0: the key is deleted by the store this long after the write
};

struct ListOptions {
  Revision revision = 0;       // 0: the current revision
  int64_t limit = 0;           // 0: no limit
  std::string continue_token;  // from a previous page; then `revision` is ignored
  // Without a continue token: only keys strictly after this one (for callers that keep their
  // own paging state). Must start with the prefix.
  std::string after_key;
};

struct ListResult {
  std::vector<KeyValue> kvs;
  Revision revision = 0;       // the snapshot every page of this list reads
  std::string continue_token;  // empty on the last page
};

struct WatchOptions {
  // Replay every event with revision > after_revision, then go live. -1: only future events.
  Revision after_revision = -1;
  size_t buffer = 0;  // 0: StoreOptions::watch_buffer
};

class Store {
 public:
  using WriteCallback = std::function<void(Result<EventPtr>)>;

  Store(StoreOptions options, Clock& clock);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Status Start();
  void Stop();

  // Queues a write. `done` receives the committed event or the error: kAlreadyExists (create of
  // a live key), kNotFound (update/delete of a missing key), kConflict (expected revision is not
  // the key's current one), kBadRequest, kTooManyRequests (queue full), kServiceUnavailable
  // (stopped), kInternalError (storage failure: nothing of the write was stored).
  void Submit(WriteOp op, WriteCallback done);

  // Blocking forms of Submit. Update and Delete with expected == 0 are unconditional.
  Result<KeyValue> Create(std::string_view key, std::string value, const WriteOptions& opts = {});
  Result<KeyValue> Update(std::string_view key, std::string value, Revision expected,
                          const WriteOptions& opts = {});
  // Returns the deleted value; its mod_revision is the revision of the delete.
  Result<KeyValue> Delete(std::string_view key, Revision expected = 0);

  // The value of `key` at revision `at` (0: current). kNotFound, kExpired (compacted),
  // kTimeout (a future revision).
  Result<KeyValue> Get(std::string_view key, Revision at = 0);

  // Live keys starting with `prefix`, ordered by key, as of one revision: every page of a list
  // (followed by continue tokens) reads that same snapshot while writes go on. kExpired when the
  // snapshot was compacted, kBadRequest for a malformed token.
  Result<ListResult> List(std::string_view prefix, const ListOptions& opts = {});

  Result<std::unique_ptr<Watcher>> Watch(std::string_view prefix, const WatchOptions& opts = {});

  // The revision of the last committed and published write.
  Revision CurrentRevision() const;
  Revision CompactRevision() const;

  // Removes history at or below `revision` (bounded batches between writes), then returns the
  // freed pages to the file system. Returns when done. kBadRequest for a future revision.
  Status Compact(Revision revision);

  // Expires due keys and compacts history older than the window, then vacuums; returns when done.
  Status RunMaintenance();

  Result<SizeInfo> Size();
  size_t live_watchers() const;

 private:
  enum class RequestKind { kWrite, kCompact, kMaintain };
  struct Request;
  struct Expiry {
    int64_t expires_ms;
    std::string key;
    Revision revision;
    bool operator>(const Expiry& o) const { return expires_ms > o.expires_ms; }
  };
  struct Waiter {
    Revision target;
    std::function<void(Status)> done;
  };

  Result<EventPtr> WriteAndWait(WriteOp op);
  // Queues a compaction or maintenance request and waits for it.
  Status RunControl(RequestKind kind, Revision target);
  void Enqueue(Request request);

  // ---- writer thread ----
  void WriterLoop();
  void CommitBatch(std::vector<Request>& batch);
  void AckLoop();
  std::vector<Result<EventPtr>> CommitOps(std::vector<WriteOp> ops);
  void HandleControl(Request& request);
  bool MaintenanceBusy() const;
  void MaintenanceStep();
  void ExpireDue();
  void Tick();
  void FinishWaiters(const Status& failure);

  const StoreOptions options_;
  Clock& clock_;
  std::shared_ptr<Backend> backend_;
  std::shared_ptr<WatchHub> hub_;
  std::thread writer_;
  std::thread acker_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Request> queue_;
  bool running_ = false;
  bool stopping_ = false;
  // The queue length the sleeping writer waits for; Enqueue wakes it only then, so a writer
  // gathering a group is not woken by every single arrival.
  size_t wake_at_ = 1;

  // Acknowledgements: (callback, result) pairs the writer hands to the acknowledger.
  std::mutex ack_mu_;
  std::condition_variable ack_cv_;
  std::vector<std::pair<WriteCallback, Result<EventPtr>>> acks_;
  bool acks_done_ = false;  // the writer has exited; the acknowledger drains and stops

  // Owned by the writer thread (or by Start() before it runs).
  std::priority_queue<Expiry, std::vector<Expiry>, std::greater<>> expiry_;
  Revision compact_target_ = 0;
  bool vacuum_pending_ = false;
  std::vector<Waiter> waiters_;
  int64_t commits_ = 0;  // batches committed, for the log line at stop
  int64_t writes_ = 0;   // writes in them
  std::deque<std::pair<Clock::WallTime, Revision>> samples_;
  Clock::WallTime next_tick_;
};

}  // namespace orchd::store
