// Backend: the storage engine under the Store, in the kine style (one append-only table whose row
// id is the revision). SQLite implements it now; PostgreSQL comes later.
//
// Threads: the write methods (Apply, CompactStep, VacuumStep, Checkpoint) are called by the
// Store's single writer thread only. The read methods may be called from any thread, concurrently.
// All methods block on disk I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/types.h"

namespace orchd::store {

// One stored row: a write in the log.
struct Row {
  Revision id = 0;  // the revision
  std::string name;
  bool created = false;  // this write created the key
  bool deleted = false;  // this write deleted the key (a tombstone)
  Revision create_revision = 0;
  Revision prev_revision = 0;  // the row this one supersedes, 0 for none
  int64_t lease = 0;           // time to live in seconds, 0 = none
  int64_t expires_ms = 0;      // unix milliseconds when the key expires, 0 = never
  std::string value;           // the new value (empty for a tombstone)
  std::string old_value;       // the superseded value (empty for a create)

  KeyValue ToKeyValue() const;
  std::shared_ptr<Event> ToEvent() const;
};

enum class WriteKind { kCreate, kUpdate, kDelete };

struct WriteOp {
  WriteKind kind = WriteKind::kCreate;
  std::string key;
  std::string value;
  Revision expected = 0;  // kUpdate/kDelete: required current mod revision; 0 = any
  int64_t lease = 0;
  int64_t expires_ms = 0;
};

struct SizeInfo {
  int64_t db_bytes = 0;   // the main database file
  int64_t wal_bytes = 0;  // the write-ahead log
  int64_t page_size = 0;
  int64_t page_count = 0;
  int64_t freelist_pages = 0;
  int64_t rows = 0;  // rows in the log (live values and history)
};

struct CompactProgress {
  Revision compacted_to = 0;  // the compact revision after this step
  int64_t rows_deleted = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // ---- writer thread only ----

  // Applies `ops` in order in one transaction with one durable commit. Each op gets its own
  // outcome: a failed precondition (kAlreadyExists, kNotFound, kConflict) fails that op alone and
  // writes nothing for it. A storage error (disk full, I/O error) fails the whole call, and
  // nothing of the batch is written.
  virtual Result<std::vector<Result<Row>>> Apply(std::span<const WriteOp> ops) = 0;

  // Removes history superseded at or below min(target, compact_revision + max_revisions) in one
  // transaction and advances the stored compact revision to it.
  virtual Result<CompactProgress> CompactStep(Revision target, int64_t max_revisions) = 0;

  // Returns up to `max_pages` free pages to the file system; returns how many were freed.
  virtual Result<int64_t> VacuumStep(int64_t max_pages) = 0;

  // Copies the write-ahead log into the database and truncates it.
  virtual Status Checkpoint() = 0;

  // Called between write batches; `idle` when no write is waiting. Housekeeping that must not
  // sit inside a commit (SQLite: WAL checkpoints) happens here.
  virtual Status BetweenBatches(bool idle) = 0;

  // ---- any thread ----

  // The revision of the last committed write (0 for an empty store). Never goes backwards, even
  // when compaction removes the newest row (a compacted tombstone).
  virtual Result<Revision> CurrentRevision() = 0;
  virtual Result<Revision> CompactRevision() = 0;

  // The newest row of `key` with id <= `at` (0 = latest), tombstones included; nullopt if none.
  virtual Result<std::optional<Row>> Get(std::string_view key, Revision at) = 0;

  // The live (non-deleted) value of every key in `range` with name > `after_key`, as of revision
  // `at`, ordered by key, at most `limit` rows (limit > 0).
  virtual Result<std::vector<Row>> List(const KeyRange& range, Revision at,
                                        std::string_view after_key, int64_t limit) = 0;

  // Rows with after < id <= upto whose name is in `range`, ordered by id, at most `limit`.
  virtual Result<std::vector<Row>> History(const KeyRange& range, Revision after, Revision upto,
                                           int64_t limit) = 0;

  // The newest row of every live key that has an expiry time.
  virtual Result<std::vector<Row>> Expiring() = 0;

  virtual Result<SizeInfo> Size() = 0;
};

}  // namespace orchd::store
