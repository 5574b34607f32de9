#include "store/sqlite_backend.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <unordered_map>

#include "common/fs.h"
#include "common/log.h"
#include "common/strings.h"
#include "common/unique_handle.h"

namespace orchd::store {
namespace {

constexpr const char* kCreateSchema = R"sql(
CREATE TABLE kine (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  lease INTEGER NOT NULL,
  expires INTEGER NOT NULL,
  value BLOB,
  old_value BLOB
);
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('compact_revision', 0);
PRAGMA user_version = 2;
)sql";

// Version 1 had INDEX(name, id); version 2 finds rows by name through the in-memory KeyIndex
// and stores no old_value (reads join the previous row instead). Rows of version 1 keep theirs.
constexpr const char* kUpgradeFrom1 = R"sql(
DROP INDEX IF EXISTS kine_name_id_index;
PRAGMA user_version = 2;
)sql";

Code CodeForSqlite(int rc) {
  switch (rc & 0xff) {
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      return Code::kForbidden;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Code::kServiceUnavailable;
    default:
      return Code::kInternalError;
  }
}

}  // namespace

// A connection and its cache of prepared statements. Used by one thread at a time.
class SqliteBackend::Conn {
 public:
  static Result<std::unique_ptr<Conn>> Open(const std::string& path, int flags) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    auto conn = std::unique_ptr<Conn>(new Conn(path, raw));
    if (rc != SQLITE_OK) return conn->Err(rc, "open");
    sqlite3_extended_result_codes(raw, 1);
    return conn;
  }

  sqlite3* db() const { return db_.get(); }
  const std::string& path() const { return path_; }

  Status Err(int rc, std::string_view what) const {
    const char* msg = db_ ? sqlite3_errmsg(db_.get()) : sqlite3_errstr(rc);
    return Error(CodeForSqlite(rc), "database {}: {}: {}", path_, what, msg);
  }

  Status Exec(const char* sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, &err);
    UniquePtr<char, sqlite3_free> owned(err);
    if (rc != SQLITE_OK) {
      return Error(CodeForSqlite(rc), "database {}: {}: {}", path_, sql,
                   err ? err : sqlite3_errstr(rc));
    }
    return Status::Ok();
  }

  // Prepared once per connection; `sql` must be a string literal (the cache keys on its address).
  Result<sqlite3_stmt*> Prepare(const char* sql) {
    auto it = stmts_.find(sql);
    if (it != stmts_.end()) return it->second.get();
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    UniquePtr<sqlite3_stmt, sqlite3_finalize> stmt(raw);
    if (rc != SQLITE_OK) return Err(rc, fmt::format("prepare {}", sql));
    return stmts_.emplace(sql, std::move(stmt)).first->second.get();
  }

  // Reads one integer from a single-row query (a PRAGMA or an aggregate); `fallback` if no row.
  Result<int64_t> QueryInt(const char* sql, int64_t fallback = 0);

 private:
  Conn(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  std::string path_;
  UniquePtr<sqlite3, sqlite3_close_v2> db_;
  std::unordered_map<const char*, UniquePtr<sqlite3_stmt, sqlite3_finalize>> stmts_;
};

namespace {

// One execution of a cached statement; resets it when done.
class Query {
 public:
  static Result<Query> Make(SqliteBackend::Conn& conn, const char* sql) {
    ORCHD_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, conn.Prepare(sql));
    return Query(conn, stmt);
  }
  Query(Query&& other) noexcept : conn_(other.conn_), stmt_(std::exchange(other.stmt_, nullptr)) {}
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  Query& operator=(Query&&) = delete;
  ~Query() {
    if (stmt_) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }

  // The bound data must outlive the Query (bound without copying).
  Query& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Query& BindText(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  Query& BindBlob(int i, std::string_view v) {
    sqlite3_bind_blob(stmt_, i, v.empty() ? "" : v.data(), static_cast<int>(v.size()),
                      SQLITE_STATIC);
    return *this;
  }

  // true: a row is ready; false: done.
  Result<bool> Step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return conn_.Err(rc, "query");
  }
  Status Run() {
    auto r = Step();
    return r.status();
  }

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string Bytes(int col) const {
    const void* p = sqlite3_column_blob(stmt_, col);
    int n = sqlite3_column_bytes(stmt_, col);
    return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
  }

  // Reads a row selected as: id, name, created, deleted, create_revision, prev_revision, lease,
  // expires, value, old value.
  Row ReadRow() const {
    Row r;
    r.id = Int(0);
    r.name = Bytes(1);
    r.created = Int(2) != 0;
    r.deleted = Int(3) != 0;
    r.create_revision = Int(4);
    r.prev_revision = Int(5);
    r.lease = Int(6);
    r.expires_ms = Int(7);
    r.value = Bytes(8);
    r.old_value = Bytes(9);
    return r;
  }

 private:
  Query(SqliteBackend::Conn& conn, sqlite3_stmt* stmt) : conn_(conn), stmt_(stmt) {}
  SqliteBackend::Conn& conn_;
  sqlite3_stmt* stmt_;
};

// Rolls back an open transaction unless Commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> Begin(SqliteBackend::Conn& conn) {
    ORCHD_RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE"));
    return Transaction(conn);
  }
  Transaction(Transaction&& o) noexcept : conn_(o.conn_), open_(std::exchange(o.open_, false)) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction() {
    if (open_ && !sqlite3_get_autocommit(conn_.db())) conn_.Exec("ROLLBACK").IgnoreError();
  }
  Status Commit() {
    Status s = conn_.Exec("COMMIT");
    if (s.ok()) open_ = false;
    return s;
  }

 private:
  explicit Transaction(SqliteBackend::Conn& conn) : conn_(conn), open_(true) {}
  SqliteBackend::Conn& conn_;
  bool open_;
};

}  // namespace

Result<int64_t> SqliteBackend::Conn::QueryInt(const char* sql, int64_t fallback) {
  ORCHD_ASSIGN_OR_RETURN(auto q, Query::Make(*this, sql));
  ORCHD_ASSIGN_OR_RETURN(bool row, q.Step());
  return row ? q.Int(0) : fallback;
}

// ---- Row ----

KeyValue Row::ToKeyValue() const {
  return KeyValue{name, value, created ? id : create_revision, id, lease};
}

std::shared_ptr<Event> Row::ToEvent() const {
  auto e = std::make_shared<Event>();
  e->kv.key = name;
  e->kv.mod_revision = id;
  e->kv.create_revision = created ? id : create_revision;
  e->kv.lease = lease;
  if (deleted) {
    e->type = EventType::kDelete;
    e->kv.value = old_value;
  } else if (created) {
    e->type = EventType::kCreate;
    e->kv.value = value;
  } else {
    e->type = EventType::kUpdate;
    e->kv.value = value;
    e->prev_value = old_value;
  }
  return e;
}

// ---- reader pool ----

class SqliteBackend::ReaderLease {
 public:
  ReaderLease(SqliteBackend* owner, Conn* conn) : owner_(owner), conn_(conn) {}
  ReaderLease(ReaderLease&& o) noexcept
      : owner_(o.owner_), conn_(std::exchange(o.conn_, nullptr)) {}
  ReaderLease(const ReaderLease&) = delete;
  ReaderLease& operator=(const ReaderLease&) = delete;
  ReaderLease& operator=(ReaderLease&&) = delete;
  ~ReaderLease() {
    if (conn_) owner_->ReleaseReader(conn_);
  }
  Conn& operator*() const { return *conn_; }

 private:
  SqliteBackend* owner_;
  Conn* conn_;
};

SqliteBackend::ReaderLease SqliteBackend::AcquireReader() {
  std::unique_lock lock(readers_mu_);
  readers_cv_.wait(lock, [&] { return !idle_readers_.empty(); });
  Conn* c = idle_readers_.back();
  idle_readers_.pop_back();
  return ReaderLease(this, c);
}

void SqliteBackend::ReleaseReader(Conn* conn) {
  {
    std::lock_guard lock(readers_mu_);
    idle_readers_.push_back(conn);
  }
  readers_cv_.notify_one();
}

// ---- open ----

SqliteBackend::SqliteBackend(SqliteOptions options) : options_(std::move(options)) {}
SqliteBackend::~SqliteBackend() = default;

namespace {
// WAL size (pages) past which an idle writer checkpoints (SQLite's own default), and past which
// it checkpoints even while writes are waiting, so the WAL stays bounded under constant load.
constexpr int kIdleCheckpointPages = 1000;
constexpr int kBusyCheckpointPages = 8000;
}  // namespace

int SqliteBackend::OnWalCommit(void* self, sqlite3* /*db*/, const char* /*name*/, int pages) {
  static_cast<SqliteBackend*>(self)->wal_pages_ = pages;
  return SQLITE_OK;
}

Status SqliteBackend::BetweenBatches(bool idle) {
  if (wal_pages_ < (idle ? kIdleCheckpointPages : kBusyCheckpointPages)) return Status::Ok();
  // PASSIVE with no write in progress (this is the writer) copies the whole WAL, so the next
  // commit starts the WAL over from its beginning.
  int rc = sqlite3_wal_checkpoint_v2(writer_->db(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                     nullptr);
  wal_pages_ = 0;
  if (rc == SQLITE_OK || (rc & 0xff) == SQLITE_BUSY) return Status::Ok();
  return writer_->Err(rc, "checkpoint");
}

namespace {

// Looks at the file before SQLite does: SQLite would happily overwrite a zero-length file and
// report odd errors for others. Nothing here writes.
Status InspectExistingFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return ErrnoStatus(errno, fmt::format("database {}", path));
  }
  if (!S_ISREG(st.st_mode)) return Error(Code::kInvalid, "database {} is not a regular file", path);
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus(errno, fmt::format("open database {} for writing", path));
  if (st.st_size == 0) return Status::Ok();
  char header[16] = {};
  ssize_t n = ::pread(fd.get(), header, sizeof header, 0);
  if (n < 0) return ErrnoStatus(errno, fmt::format("read database {}", path));
  if (n != sizeof header || std::memcmp(header, "SQLite format 3", 16) != 0) {
    return Error(Code::kInvalid,
                 "database {} is not a SQLite database (bad header); refusing to open it: move "
                 "it aside or restore it from a backup",
                 path);
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<SqliteBackend>> SqliteBackend::Open(const SqliteOptions& options) {
  ORCHD_RETURN_IF_ERROR(InspectExistingFile(options.path));
  // The database holds every secret of the cluster: create it private (SQLite would use 0644).
  // SQLite gives its -wal and -shm files the mode of the database file.
  UniqueFd created(::open(options.path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!created.valid() && errno != EEXIST) {
    return ErrnoStatus(errno, fmt::format("create database {}", options.path));
  }
  auto slash = options.path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : options.path.substr(0, slash + 1);
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return ErrnoStatus(errno, fmt::format("database directory {} is not writable", dir));
  }
  std::unique_ptr<SqliteBackend> b(new SqliteBackend(options));
  ORCHD_RETURN_IF_ERROR(b->Init());
  return b;
}

Status SqliteBackend::Init() {
  const std::string& path = options_.path;
  ORCHD_ASSIGN_OR_RETURN(writer_, Conn::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  Conn& w = *writer_;
  ORCHD_RETURN_IF_ERROR(w.Exec("PRAGMA busy_timeout = 10000"));

  // Reading the schema is the first access: a damaged file fails here, before any write.
  auto version = w.QueryInt("PRAGMA user_version");
  if (!version) {
    return Error(Code::kInvalid,
                 "database {} cannot be read ({}); refusing to open it: move it aside or "
                 "restore it from a backup",
                 path, version.error().message());
  }
  auto tables = w.QueryInt("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'");
  if (!tables) {
    return Error(Code::kInvalid,
                 "database {} is damaged ({}); refusing to open it: move it aside or restore it "
                 "from a backup",
                 path, tables.error().message());
  }
  if (*version > kSqliteSchemaVersion) {
    return Error(Code::kInvalid,
                 "database {} was written by a newer orchd (schema version {}, this orchd "
                 "supports up to {}); upgrade orchd",
                 path, *version, kSqliteSchemaVersion);
  }
  if (*version == 0) {
    if (*tables > 0) {
      return Error(Code::kInvalid, "database {} is not an orchd database (it has {} other tables)",
                   path, *tables);
    }
    // auto_vacuum must be chosen before the first table exists.
    ORCHD_RETURN_IF_ERROR(w.Exec("PRAGMA auto_vacuum = INCREMENTAL"));
    ORCHD_RETURN_IF_ERROR(w.Exec("PRAGMA journal_mode = WAL"));
    ORCHD_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(w));
    ORCHD_RETURN_IF_ERROR(w.Exec(kCreateSchema));
    ORCHD_RETURN_IF_ERROR(txn.Commit());
    LOG_INFO("created database {} (schema version {})", path, kSqliteSchemaVersion);
  } else {
    auto ours = w.QueryInt(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('kine', 'meta')");
    if (!ours || *ours != 2) {
      return Error(Code::kInvalid, "database {} is damaged: the kine or meta table is missing",
                   path);
    }
    // A page-level check of the b-trees: damage found now is one clear error at start-up
    // instead of failed requests later.
    ORCHD_ASSIGN_OR_RETURN(auto q, Query::Make(w, "PRAGMA quick_check(1)"));
    auto row = q.Step();
    // quick_check lists problems on several lines; the error must stay on one.
    std::string verdict = OneLine(row && *row ? q.Bytes(0) : row.status().message());
    if (verdict != "ok") {
      return Error(Code::kInvalid,
                   "database {} is damaged ({}); refusing to open it: move it aside or restore "
                   "it from a backup",
                   path, verdict);
    }
  }
  {
    // journal_mode answers with the mode now in force.
    ORCHD_ASSIGN_OR_RETURN(auto jm, Query::Make(w, "PRAGMA journal_mode = WAL"));
    ORCHD_ASSIGN_OR_RETURN(bool has_row, jm.Step());
    if (!has_row || jm.Bytes(0) != "wal") {
      return Error(Code::kInternalError, "database {}: cannot switch to WAL mode", path);
    }
  }
  ORCHD_RETURN_IF_ERROR(w.Exec("PRAGMA synchronous = FULL"));
  ORCHD_RETURN_IF_ERROR(w.Exec("PRAGMA journal_size_limit = 67108864"));
  ORCHD_RETURN_IF_ERROR(w.Exec("PRAGMA temp_store = MEMORY"));
  if (options_.max_pages > 0) ORCHD_RETURN_IF_ERROR(SetMaxPages(options_.max_pages));

  // Checkpoints run between batches (BetweenBatches), never inside a commit.
  sqlite3_wal_autocheckpoint(w.db(), 0);
  sqlite3_wal_hook(w.db(), &SqliteBackend::OnWalCommit, this);

  if (*version == 1) {
    ORCHD_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(w));
    ORCHD_RETURN_IF_ERROR(w.Exec(kUpgradeFrom1));
    ORCHD_RETURN_IF_ERROR(txn.Commit());
    LOG_INFO("upgraded database {} to schema version {}", path, kSqliteSchemaVersion);
  }
  ORCHD_RETURN_IF_ERROR(LoadIndex());

  for (int i = 0; i < std::max(1, options_.readers); ++i) {
    ORCHD_ASSIGN_OR_RETURN(auto r, Conn::Open(path, SQLITE_OPEN_READWRITE));
    ORCHD_RETURN_IF_ERROR(r->Exec("PRAGMA busy_timeout = 10000"));
    ORCHD_RETURN_IF_ERROR(r->Exec("PRAGMA query_only = 1"));
    idle_readers_.push_back(r.get());
    readers_.push_back(std::move(r));
  }
  return Status::Ok();
}

Status SqliteBackend::LoadIndex() {
  Conn& w = *writer_;
  ORCHD_ASSIGN_OR_RETURN(auto q, Query::Make(w,
                                             "SELECT id, name, created, deleted, create_revision, "
                                             "expires FROM kine ORDER BY id"));
  for (;;) {
    ORCHD_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    Revision id = q.Int(0);
    bool created = q.Int(2) != 0;
    index_.Add(q.Bytes(1), {id, created ? id : q.Int(4), q.Int(5), q.Int(3) != 0});
  }
  return Status::Ok();
}

Status SqliteBackend::SetMaxPages(int64_t pages) {
  // max_page_count cannot go below the current size; 0 means SQLite's default ceiling.
  std::string sql =
      fmt::format("PRAGMA max_page_count = {}", pages > 0 ? pages : int64_t{0xfffffffe});
  return writer_->Exec(sql.c_str());
}

// ---- writes ----

namespace {

// The value of row `id` (the writer sees its own transaction's rows).
Result<std::string> ReadValue(SqliteBackend::Conn& w, Revision id) {
  ORCHD_ASSIGN_OR_RETURN(auto q, Query::Make(w, "SELECT value FROM kine WHERE id = ?1"));
  q.Bind(1, id);
  ORCHD_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return Error(Code::kInternalError, "row {} is missing from the log", id);
  return q.Bytes(0);
}

Status InsertRow(SqliteBackend::Conn& w, Row& row) {
  ORCHD_ASSIGN_OR_RETURN(auto q,
                         Query::Make(w,
                                     "INSERT INTO kine (name, created, deleted, create_revision, "
                                     "prev_revision, lease, expires, value) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  q.BindText(1, row.name)
      .Bind(2, row.created)
      .Bind(3, row.deleted)
      .Bind(4, row.created ? 0 : row.create_revision)
      .Bind(5, row.prev_revision)
      .Bind(6, row.lease)
      .Bind(7, row.expires_ms)
      .BindBlob(8, row.value);
  ORCHD_RETURN_IF_ERROR(q.Run());
  row.id = sqlite3_last_insert_rowid(w.db());
  if (row.created) row.create_revision = row.id;
  return Status::Ok();
}

}  // namespace

Result<std::vector<Result<Row>>> SqliteBackend::Apply(std::span<const WriteOp> ops) {
  Conn& w = *writer_;
  ORCHD_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(w));
  std::vector<Result<Row>> out;
  out.reserve(ops.size());
  // This batch's rows, which the index learns only after the commit.
  std::unordered_map<std::string_view, KeyIndex::Version> pending;
  for (const WriteOp& op : ops) {
    std::optional<KeyIndex::Version> latest;
    if (auto p = pending.find(op.key); p != pending.end()) {
      latest = p->second;
    } else {
      latest = index_.At(op.key, INT64_MAX);
    }
    bool exists = latest && !latest->deleted;
    Row row;
    row.name = op.key;
    switch (op.kind) {
      case WriteKind::kCreate:
        if (exists) {
          out.emplace_back(Error(Code::kAlreadyExists, "key {} already exists", op.key));
          continue;
        }
        row.created = true;
        row.prev_revision = latest ? latest->id : 0;
        row.value = op.value;
        break;
      case WriteKind::kUpdate:
      case WriteKind::kDelete:
        if (!exists) {
          out.emplace_back(Error(Code::kNotFound, "key {} not found", op.key));
          continue;
        }
        if (op.expected != 0 && op.expected != latest->id) {
          out.emplace_back(Error(Code::kConflict,
                                 "key {} was modified: expected revision {}, current {}", op.key,
                                 op.expected, latest->id));
          continue;
        }
        row.create_revision = latest->create_revision;
        row.prev_revision = latest->id;
        // For the event only: the previous value is not stored again (reads join its row).
        ORCHD_ASSIGN_OR_RETURN(row.old_value, ReadValue(w, latest->id));
        if (op.kind == WriteKind::kDelete) {
          row.deleted = true;
        } else {
          row.value = op.value;
        }
        break;
    }
    if (op.kind != WriteKind::kDelete) {
      row.lease = op.lease;
      row.expires_ms = op.expires_ms;
    }
    ORCHD_RETURN_IF_ERROR(InsertRow(w, row).WithContext(fmt::format("write key {}", op.key)));
    pending[op.key] = KeyIndex::Version{row.id, row.create_revision, row.expires_ms, row.deleted};
    out.emplace_back(std::move(row));
  }
  ORCHD_RETURN_IF_ERROR(txn.Commit());
  std::vector<KeyIndex::Added> added;
  added.reserve(out.size());
  for (const auto& r : out) {
    if (r) added.push_back({r->name, {r->id, r->create_revision, r->expires_ms, r->deleted}});
  }
  index_.AddAll(added);
  return out;
}

Result<CompactProgress> SqliteBackend::CompactStep(Revision target, int64_t max_revisions) {
  Conn& w = *writer_;
  ORCHD_ASSIGN_OR_RETURN(int64_t from,
                         w.QueryInt("SELECT value FROM meta WHERE key = 'compact_revision'"));
  Revision to = std::min(target, from + std::max<int64_t>(1, max_revisions));
  if (to <= from) return CompactProgress{from, 0};
  ORCHD_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(w));
  std::vector<std::pair<std::string, Revision>> removed;  // for the index, after the commit
  auto collect = [&removed](Query& q) -> Status {
    for (;;) {
      ORCHD_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) return Status::Ok();
      removed.emplace_back(q.Bytes(1), q.Int(0));
    }
  };
  {
    // Rows superseded by a write in (from, to]: no read at a revision >= `to` can see them.
    ORCHD_ASSIGN_OR_RETURN(
        auto q, Query::Make(w,
                            "DELETE FROM kine WHERE id IN (SELECT prev_revision FROM kine "
                            "WHERE id > ?1 AND id <= ?2 AND prev_revision != 0) "
                            "RETURNING id, name"));
    q.Bind(1, from).Bind(2, to);
    ORCHD_RETURN_IF_ERROR(collect(q));
  }
  {
    // Tombstones in (from, to]: the key does not exist at any revision >= `to`. The newest row
    // is kept even when it is a tombstone: ids are max(id) + 1, so removing it would hand its
    // revision out again. (A superseded row is never the newest.)
    ORCHD_ASSIGN_OR_RETURN(
        auto q, Query::Make(w,
                            "DELETE FROM kine WHERE id > ?1 AND id <= ?2 AND deleted = 1 "
                            "AND id < (SELECT MAX(id) FROM kine) RETURNING id, name"));
    q.Bind(1, from).Bind(2, to);
    ORCHD_RETURN_IF_ERROR(collect(q));
  }
  {
    ORCHD_ASSIGN_OR_RETURN(
        auto q, Query::Make(w, "UPDATE meta SET value = ?1 WHERE key = 'compact_revision'"));
    q.Bind(1, to);
    ORCHD_RETURN_IF_ERROR(q.Run());
  }
  ORCHD_RETURN_IF_ERROR(txn.Commit());
  const auto count = static_cast<int64_t>(removed.size());
  index_.RemoveAll(std::move(removed));
  return CompactProgress{to, count};
}

Result<int64_t> SqliteBackend::VacuumStep(int64_t max_pages) {
  Conn& w = *writer_;
  ORCHD_ASSIGN_OR_RETURN(int64_t before, w.QueryInt("PRAGMA freelist_count"));
  if (before == 0) return int64_t{0};
  std::string sql = fmt::format("PRAGMA incremental_vacuum({})", std::max<int64_t>(1, max_pages));
  ORCHD_RETURN_IF_ERROR(w.Exec(sql.c_str()));
  ORCHD_ASSIGN_OR_RETURN(int64_t after, w.QueryInt("PRAGMA freelist_count"));
  return before - after;
}

Status SqliteBackend::Checkpoint() {
  int rc = sqlite3_wal_checkpoint_v2(writer_->db(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr,
                                     nullptr);
  // BUSY: a reader holds an old snapshot; the next checkpoint will finish the job.
  if (rc == SQLITE_OK || (rc & 0xff) == SQLITE_BUSY) return Status::Ok();
  return writer_->Err(rc, "checkpoint");
}

// ---- reads ----

Result<Revision> SqliteBackend::CurrentRevision() {
  auto r = AcquireReader();
  // Compaction never removes the newest row, so this never goes backwards.
  return (*r).QueryInt("SELECT MAX(id) FROM kine", 0);
}

Result<Revision> SqliteBackend::CompactRevision() {
  auto r = AcquireReader();
  return (*r).QueryInt("SELECT value FROM meta WHERE key = 'compact_revision'", 0);
}

namespace {

// Row `id` without its old value (Get and List answer values, not events); nullopt when
// compaction removed it.
Result<std::optional<Row>> ReadRowById(SqliteBackend::Conn& r, Revision id) {
  ORCHD_ASSIGN_OR_RETURN(
      auto q, Query::Make(r,
                          "SELECT id, name, created, deleted, create_revision, prev_revision, "
                          "lease, expires, value, NULL FROM kine WHERE id = ?1"));
  q.Bind(1, id);
  ORCHD_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::optional<Row>();
  return std::optional<Row>(q.ReadRow());
}

// Runs the reads of one call in one snapshot; ends it on destruction.
class ReadTransaction {
 public:
  static Result<ReadTransaction> Begin(SqliteBackend::Conn& conn) {
    ORCHD_RETURN_IF_ERROR(conn.Exec("BEGIN"));
    return ReadTransaction(conn);
  }
  ReadTransaction(ReadTransaction&& o) noexcept
      : conn_(o.conn_), open_(std::exchange(o.open_, false)) {}
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  ReadTransaction& operator=(ReadTransaction&&) = delete;
  ~ReadTransaction() {
    if (open_ && !sqlite3_get_autocommit(conn_.db())) conn_.Exec("COMMIT").IgnoreError();
  }

 private:
  explicit ReadTransaction(SqliteBackend::Conn& conn) : conn_(conn), open_(true) {}
  SqliteBackend::Conn& conn_;
  bool open_;
};

}  // namespace

Result<std::optional<Row>> SqliteBackend::Get(std::string_view key, Revision at) {
  auto version = index_.At(key, at > 0 ? at : INT64_MAX);
  if (!version) return std::optional<Row>();
  auto r = AcquireReader();
  return ReadRowById(*r, version->id);
}

Result<std::vector<Row>> SqliteBackend::List(const KeyRange& range, Revision at,
                                             std::string_view after_key, int64_t limit) {
  std::vector<Revision> ids = index_.Live(range, at > 0 ? at : INT64_MAX, after_key, limit);
  std::vector<Row> out;
  out.reserve(ids.size());
  auto r = AcquireReader();
  ORCHD_ASSIGN_OR_RETURN(auto txn, ReadTransaction::Begin(*r));
  for (Revision id : ids) {
    ORCHD_ASSIGN_OR_RETURN(auto row, ReadRowById(*r, id));
    // Missing: compacted under a read below the compact revision, which the Store reports.
    if (row) out.push_back(std::move(*row));
  }
  return out;
}

Result<std::vector<Row>> SqliteBackend::History(const KeyRange& range, Revision after,
                                                Revision upto, int64_t limit) {
  auto r = AcquireReader();
  // The previous value comes from the previous row (schema 2 does not store it twice); rows
  // of schema 1 still carry their own. Compaction never removes the previous row of a row above
  // the compact revision, and history is only read above it.
  ORCHD_ASSIGN_OR_RETURN(
      auto q, Query::Make(*r,
                          "SELECT k.id, k.name, k.created, k.deleted, k.create_revision, "
                          "k.prev_revision, k.lease, k.expires, k.value, "
                          "COALESCE(k.old_value, p.value) FROM kine AS k LEFT JOIN kine AS p "
                          "ON p.id = k.prev_revision AND k.created = 0 WHERE k.id > ?1 AND "
                          "k.id <= ?2 AND k.name >= ?3 AND k.name < ?4 ORDER BY k.id LIMIT ?5"));
  q.Bind(1, after).Bind(2, upto).BindText(3, range.start).BindText(4, range.end).Bind(5, limit);
  std::vector<Row> out;
  for (;;) {
    ORCHD_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out.push_back(q.ReadRow());
  }
  return out;
}

Result<std::vector<Row>> SqliteBackend::Expiring() {
  std::vector<Revision> ids = index_.Expiring();
  std::vector<Row> out;
  auto r = AcquireReader();
  ORCHD_ASSIGN_OR_RETURN(auto txn, ReadTransaction::Begin(*r));
  for (Revision id : ids) {
    ORCHD_ASSIGN_OR_RETURN(auto row, ReadRowById(*r, id));
    if (row) out.push_back(std::move(*row));
  }
  return out;
}

Result<SizeInfo> SqliteBackend::Size() {
  auto r = AcquireReader();
  SizeInfo s;
  ORCHD_ASSIGN_OR_RETURN(s.page_size, (*r).QueryInt("PRAGMA page_size"));
  ORCHD_ASSIGN_OR_RETURN(s.page_count, (*r).QueryInt("PRAGMA page_count"));
  ORCHD_ASSIGN_OR_RETURN(s.freelist_pages, (*r).QueryInt("PRAGMA freelist_count"));
  ORCHD_ASSIGN_OR_RETURN(s.rows, (*r).QueryInt("SELECT COUNT(*) FROM kine"));
  ORCHD_ASSIGN_OR_RETURN(s.db_bytes, FileSize(options_.path));
  ORCHD_ASSIGN_OR_RETURN(s.wal_bytes, FileSize(options_.path + "-wal"));
  return s;
}

}  // namespace orchd::store
