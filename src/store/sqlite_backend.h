// SqliteBackend: the Backend on one SQLite file in WAL mode.
//
// Schema (version 2, PRAGMA user_version):
//   kine(id INTEGER PRIMARY KEY = revision, name, created, deleted,
//        create_revision, prev_revision, lease, expires, value, old_value)
//   meta(key TEXT PRIMARY KEY, value INTEGER)   -- 'compact_revision'
// No index by name: an append-only log whose inserts touch the table's last pages only. Rows are
// found by name through a KeyIndex in memory, built from the log at Open (a scan of the table).
// old_value is NULL in rows written by version 2 (history reads join the previous row); version
// 1 databases (with INDEX(name, id) and old values) are upgraded at Open by dropping the index.
// The database is created with auto_vacuum=INCREMENTAL so freed pages can be given back.
//
// Durability: synchronous=FULL; a commit returns after the WAL is fsync'd, so an acknowledged
// write survives power loss.
//
// Open() refuses, with one clear error and without writing a byte, a file that is not a SQLite
// database, a damaged database, one written by a newer schema, a database of another program,
// and a file it cannot read or write.
//
// Checkpoints: SQLite's automatic checkpoint (inside a commit) is off. The writer copies the WAL
// into the database between batches: when idle and the WAL holds 1000 pages or more, or at once
// past 8000 pages. A checkpoint on a separate thread was measured and rejected: with a busy
// writer it never catches up, so the WAL never restarts and every commit triggers another one.
//
// Threads: one writer connection (used by the Store's writer thread only) and a pool of reader
// connections (any thread; a caller blocks while all are busy). Thread-safe as the Backend
// contract says.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/backend.h"
#include "store/key_index.h"

struct sqlite3;  // <sqlite3.h> stays out of headers

namespace orchd::store {

struct SqliteOptions {
  std::string path;  // the database file; its directory must exist
  int readers = 4;   // read connections
  // Test seam: SQLite's max_page_count, so a "full disk" can be made on demand. 0 = no limit.
  int64_t max_pages = 0;
};

inline constexpr int kSqliteSchemaVersion = 2;

class SqliteBackend final : public Backend {
 public:
  static Result<std::unique_ptr<SqliteBackend>> Open(const SqliteOptions& options);
  ~SqliteBackend() override;

  Result<std::vector<Result<Row>>> Apply(std::span<const WriteOp> ops) override;
  Result<CompactProgress> CompactStep(Revision target, int64_t max_revisions) override;
  Result<int64_t> VacuumStep(int64_t max_pages) override;
  Status Checkpoint() override;
  Status BetweenBatches(bool idle) override;

  Result<Revision> CurrentRevision() override;
  Result<Revision> CompactRevision() override;
  Result<std::optional<Row>> Get(std::string_view key, Revision at) override;
  Result<std::vector<Row>> List(const KeyRange& range, Revision at, std::string_view after_key,
                                int64_t limit) override;
  Result<std::vector<Row>> History(const KeyRange& range, Revision after, Revision upto,
                                   int64_t limit) override;
  Result<std::vector<Row>> Expiring() override;
  Result<SizeInfo> Size() override;

  // Sets SQLite's max_page_count on the writer (the full-disk test seam). 0 lifts the limit.
  Status SetMaxPages(int64_t pages);

  class Conn;  // a connection with its prepared statements (sqlite_backend.cc)

 private:
  explicit SqliteBackend(SqliteOptions options);
  Status Init();
  Status LoadIndex();  // reads every row's id, name and flags into index_
  // Called by SQLite on the writer thread after each commit with the WAL's size in pages.
  static int OnWalCommit(void* self, ::sqlite3* db, const char* name, int pages);

  // Borrows a reader connection for the life of the returned lease.
  class ReaderLease;
  ReaderLease AcquireReader();
  void ReleaseReader(Conn* conn);

  SqliteOptions options_;
  std::unique_ptr<Conn> writer_;
  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<Conn>> readers_;  // all reader connections
  std::vector<Conn*> idle_readers_;

  KeyIndex index_;
  int wal_pages_ = 0;  // writer thread only
};

}  // namespace orchd::store
