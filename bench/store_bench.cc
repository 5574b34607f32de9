// store_bench: throughput, latency, watch delivery, list time and file size of the revisioned
// store, next to the raw SQLite floor measured in the same run and the targets of the issue.
//
// It prints figures and never asserts timings: a MISS in the summary is information, not a
// failure. The exit status is non-zero only when the store (or SQLite) returns an error.
//
// Everything runs against a fresh directory <parent>/orchd-store-bench-<pid>-XXXXXX (parent:
// --dir, else $TMPDIR, else /tmp), removed at the end whatever happens short of a signal.
// Each section opens its own database file so no section inherits another's WAL or free pages.
//
// Threads: the main thread runs the sections one after another; sections 3 and 4 start their
// own worker threads and join them before returning.
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <latch>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/flags.h"
#include "common/log.h"
#include "common/result.h"
#include "common/unique_handle.h"
#include "store/store.h"

namespace orchd::bench {
namespace {

using store::ListOptions;
using store::Revision;
using store::Store;
using store::WriteKind;
using store::WriteOp;
using Steady = std::chrono::steady_clock;

constexpr size_t kValueBytes = 1024;
constexpr int kWriterThreads = 32;
constexpr int64_t kPageLimit = 500;
constexpr size_t kMaxInFlight = 4096;  // bulk loads: well under StoreOptions::max_queue
constexpr auto kWatchPace = std::chrono::microseconds(500);
constexpr auto kWatchDeadline = std::chrono::seconds(60);
constexpr std::string_view kConfigMaps = "/registry/configmaps/default/";
constexpr std::string_view kEvents = "/registry/events/default/";

// Targets from the issue, and peer figures for reference (specs/baselines.md).
constexpr double kTargetConcurrentPerSec = 30000;
constexpr double kTargetSingleP50Ms = 0.3;
constexpr double kTargetWatchP99Ms = 1.0;
constexpr double kTargetSizeRatio = 2.0;

// How many operations each section does. --quick divides by about 20.
struct Scale {
  int floor_commits = 10000;
  int single_writes = 10000;
  int per_writer = 1000;  // each of kWriterThreads
  int watch_events = 5000;
  int list_keys = 10000;
  int list_runs = 10;
  int churn_keys = 100000;
};

Scale MakeScale(bool quick) {
  if (!quick) return Scale{};
  return Scale{.floor_commits = 500,
               .single_writes = 500,
               .per_writer = 50,
               .watch_events = 250,
               .list_keys = 500,
               .list_runs = 3,
               .churn_keys = 5000};
}

// ---- figures and formatting ----

double Ms(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
double Seconds(Steady::duration d) { return std::chrono::duration<double>(d).count(); }

struct Latency {
  double p50 = 0;
  double p99 = 0;
};

// Nearest-rank percentiles of latencies in ms.
Latency Percentiles(std::vector<double> ms) {
  if (ms.empty()) return {};
  std::sort(ms.begin(), ms.end());
  auto at = [&](double p) {
    size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(ms.size())));
    return ms[std::clamp<size_t>(rank, 1, ms.size()) - 1];
  };
  return {at(0.50), at(0.99)};
}

double Median(std::vector<double> v) { return Percentiles(std::move(v)).p50; }

// 6512.4 -> "6,512"
std::string Grouped(double value) {
  std::string digits = fmt::format("{}", static_cast<int64_t>(std::llround(value)));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && digits[i - 1] != '-' && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string MiB(int64_t bytes) {
  return fmt::format("{:.2f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

// Process-wide costs between two points: wall time, CPU time (all threads, user + system) and
// bytes handed to write(2)/pwrite(2) (/proc/self/io wchar: the WAL, checkpoints, and stdout).
struct Meter {
  Steady::time_point wall;
  double cpu_secs = 0;
  int64_t written = 0;

  static Meter Now() {
    Meter m;
    m.wall = Steady::now();
    rusage ru{};
    if (::getrusage(RUSAGE_SELF, &ru) == 0) {
      auto secs = [](const timeval& tv) {
        return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
      };
      m.cpu_secs = secs(ru.ru_utime) + secs(ru.ru_stime);
    }
    std::ifstream io("/proc/self/io");
    std::string name;
    int64_t value = 0;
    while (io >> name >> value) {
      if (name == "wchar:") m.written = value;
    }
    return m;
  }
};

struct WriteFigures {
  double per_sec = 0;
  Latency latency;
  int ops = 0;
  double cpu_us_per_op = 0;
  double kib_per_op = 0;  // bytes written per op, in KiB

  void Finish(const Meter& start, int n) {
    Meter end = Meter::Now();
    ops = n;
    per_sec = n / Seconds(end.wall - start.wall);
    cpu_us_per_op = (end.cpu_secs - start.cpu_secs) * 1e6 / n;
    kib_per_op = static_cast<double>(end.written - start.written) / 1024.0 / n;
  }
};

void PrintWrites(std::string_view name, const WriteFigures& f, std::string_view unit,
                 std::string_view note) {
  fmt::print(
      "{:<20} {:>8} {:<10} p50 {:.3f} ms   p99 {:.3f} ms   {:>4.1f} KiB written/op  "
      "{:>4.0f} us CPU/op   ({})\n",
      name, Grouped(f.per_sec), unit, f.latency.p50, f.latency.p99, f.kib_per_op, f.cpu_us_per_op,
      note);
}

std::string Verdict(bool pass) { return pass ? "PASS" : "MISS"; }

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  if (!(in >> one >> five >> fifteen)) return "unknown";
  return fmt::format("{} {} {}", one, five, fifteen);
}

// ---- the temporary directory ----

// A fresh directory <parent>/orchd-store-bench-<pid>-XXXXXX, removed with its contents on
// destruction.
class TempDir {
 public:
  static Result<std::unique_ptr<TempDir>> Make(const std::string& parent) {
    std::string tmpl = fmt::format("{}/orchd-store-bench-{}-XXXXXX", parent, ::getpid());
    if (::mkdtemp(tmpl.data()) == nullptr) {
      return ErrnoStatus(errno, fmt::format("create temporary directory {}", tmpl));
    }
    return std::unique_ptr<TempDir>(new TempDir(std::move(tmpl)));
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
    if (ec) fmt::print(stderr, "store_bench: remove {}: {}\n", path_, ec.message());
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(std::string_view name) const { return fmt::format("{}/{}", path_, name); }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// ---- 1. the raw SQLite floor ----

using SqliteDb = UniquePtr<sqlite3, sqlite3_close_v2>;
using SqliteStmt = UniquePtr<sqlite3_stmt, sqlite3_finalize>;

Status SqliteError(sqlite3* db, const std::string& path, std::string_view what) {
  return Error(Code::kInternalError, "raw sqlite {}: {}: {}", path, what,
               db ? sqlite3_errmsg(db) : "out of memory");
}

Status StepDone(sqlite3* db, sqlite3_stmt* stmt, const std::string& path) {
  int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE) return SqliteError(db, path, sqlite3_sql(stmt));
  return Status::Ok();
}

// What the raw floor writes: one row per commit into a bare table (the durability floor), or
// the 32-writer workload (32 rows per commit into a log table without a secondary index, as the
// store's, keys of 32 writers interleaved) without the store around it.
enum class FloorShape { kSingleRow, kGroupOf32 };

// Commits with the store's durability: WAL, synchronous=FULL, prepared statements, kValueBytes
// blobs. Latency is per commit.
Result<WriteFigures> RawSqliteFloor(const std::string& path, int commits, FloorShape shape) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) return SqliteError(db.get(), path, "open");
  const bool group = shape == FloorShape::kGroupOf32;
  const int rows = group ? kWriterThreads : 1;
  for (const char* sql :
       {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value BLOB)"}) {
    if (sqlite3_exec(db.get(), sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return SqliteError(db.get(), path, sql);
    }
  }
  auto prepare = [&](const char* sql) -> Result<SqliteStmt> {
    sqlite3_stmt* s = nullptr;
    int prc = sqlite3_prepare_v2(db.get(), sql, -1, &s, nullptr);
    SqliteStmt stmt(s);
    if (prc != SQLITE_OK) return SqliteError(db.get(), path, sql);
    return stmt;
  };
  ORCHD_ASSIGN_OR_RETURN(auto begin, prepare("BEGIN IMMEDIATE"));
  ORCHD_ASSIGN_OR_RETURN(auto insert, prepare("INSERT INTO t (name, value) VALUES (?1, ?2)"));
  ORCHD_ASSIGN_OR_RETURN(auto commit, prepare("COMMIT"));
  const std::string value(kValueBytes, 'v');
  const int warmup = std::max(1, commits / 20);
  std::vector<double> lat;
  lat.reserve(static_cast<size_t>(commits));
  Meter start;
  for (int i = 0; i < warmup + commits; ++i) {
    if (i == warmup) start = Meter::Now();
    auto t0 = Steady::now();
    ORCHD_RETURN_IF_ERROR(StepDone(db.get(), begin.get(), path));
    for (int r = 0; r < rows; ++r) {
      std::string name = group ? fmt::format("{}cm-w{}-{}", kConfigMaps, r, i)
                               : fmt::format("{}cm-{}", kConfigMaps, i);
      sqlite3_bind_text(insert.get(), 1, name.data(), static_cast<int>(name.size()),
                        SQLITE_TRANSIENT);
      sqlite3_bind_blob(insert.get(), 2, value.data(), static_cast<int>(value.size()),
                        SQLITE_STATIC);
      ORCHD_RETURN_IF_ERROR(StepDone(db.get(), insert.get(), path));
    }
    ORCHD_RETURN_IF_ERROR(StepDone(db.get(), commit.get(), path));
    if (i >= warmup) lat.push_back(Ms(Steady::now() - t0));
  }
  WriteFigures f;
  f.Finish(start, commits * rows);
  f.latency = Percentiles(std::move(lat));
  return f;
}

// ---- store helpers ----

Result<std::unique_ptr<Store>> OpenStore(const std::string& path, Clock& clock) {
  auto s = std::make_unique<Store>(store::StoreOptions{.path = path}, clock);
  ORCHD_RETURN_IF_ERROR(s->Start().WithContext("start store"));
  return s;
}

std::string ConfigMapKey(int i) { return fmt::format("{}cm-{}", kConfigMaps, i); }

// Runs count writes through Submit with at most kMaxInFlight outstanding; the first error wins.
Status SubmitAll(Store& s, int count, const std::function<WriteOp(int)>& make_op) {
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    size_t in_flight = 0;
    Status first_error;
  } sh;
  for (int i = 0; i < count; ++i) {
    {
      std::unique_lock lock(sh.mu);
      sh.cv.wait(lock, [&] { return sh.in_flight < kMaxInFlight; });
      if (!sh.first_error.ok()) break;
      ++sh.in_flight;
    }
    WriteOp op = make_op(i);
    std::string key = op.key;
    // Signals under the mutex, so `sh` outlives every callback (all are waited for below).
    s.Submit(std::move(op), [&sh, key = std::move(key)](Result<store::EventPtr> r) {
      std::lock_guard lock(sh.mu);
      if (!r && sh.first_error.ok()) sh.first_error = r.error().WithContext(key);
      --sh.in_flight;
      sh.cv.notify_all();
    });
  }
  std::unique_lock lock(sh.mu);
  sh.cv.wait(lock, [&] { return sh.in_flight == 0; });
  return sh.first_error;
}

// Creates (with kValueBytes values) or deletes <prefix>k-0 .. k-<count-1> through SubmitAll.
Status BulkWrite(Store& s, WriteKind kind, std::string_view prefix, int count) {
  const std::string value(kind == WriteKind::kCreate ? kValueBytes : 0, 'v');
  return SubmitAll(s, count, [&](int i) {
    return WriteOp{.kind = kind, .key = fmt::format("{}k-{}", prefix, i), .value = value};
  });
}

// ---- 2. one writer ----

Result<WriteFigures> SingleWriter(Store& s, int writes) {
  const int warmup = std::max(1, writes / 20);
  std::vector<double> lat;
  lat.reserve(static_cast<size_t>(writes));
  Meter start;
  for (int i = 0; i < warmup + writes; ++i) {
    if (i == warmup) start = Meter::Now();
    std::string key = ConfigMapKey(i);
    auto t0 = Steady::now();
    auto r = s.Create(key, std::string(kValueBytes, 'v'));
    if (!r) return r.error().WithContext(fmt::format("create {}", key));
    if (i >= warmup) lat.push_back(Ms(Steady::now() - t0));
  }
  WriteFigures f;
  f.Finish(start, writes);
  f.latency = Percentiles(std::move(lat));
  return f;
}

// ---- 3. concurrent writers ----

Result<WriteFigures> ConcurrentWriters(Store& s, int threads, int per_thread) {
  std::vector<std::vector<double>> lat(static_cast<size_t>(threads));
  std::mutex mu;
  Status first_error;
  std::atomic<bool> failed{false};
  std::latch go(1);
  std::vector<std::thread> workers;
  workers.reserve(static_cast<size_t>(threads));
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      auto& mine = lat[static_cast<size_t>(t)];
      mine.reserve(static_cast<size_t>(per_thread));
      go.wait();
      for (int i = 0; i < per_thread && !failed.load(); ++i) {
        std::string key = fmt::format("{}cm-w{}-{}", kConfigMaps, t, i);
        auto t0 = Steady::now();
        auto r = s.Create(key, std::string(kValueBytes, 'v'));
        if (!r) {
          std::lock_guard lock(mu);
          if (first_error.ok()) first_error = r.error().WithContext(fmt::format("create {}", key));
          failed.store(true);
          return;
        }
        mine.push_back(Ms(Steady::now() - t0));
      }
    });
  }
  Meter start = Meter::Now();
  go.count_down();
  for (auto& w : workers) w.join();
  WriteFigures f;
  f.Finish(start, threads * per_thread);
  if (!first_error.ok()) return first_error;
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  f.latency = Percentiles(std::move(all));
  return f;
}

// ---- 4. watch delivery ----

struct WatchFigures {
  Latency from_commit;  // receive - the writer's publication right after the commit
  Latency end_to_end;   // receive - submit
  Latency after_ack;    // max(0, receive - ack)
  int events = 0;
  double writes_per_sec = 0;
};

// One watcher thread blocks in Next(); this thread writes `events` keys, one every kWatchPace
// (or back to back when a write takes longer), and the two timelines are joined by revision.
Result<WatchFigures> WatchDelivery(Store& s, int events) {
  ORCHD_ASSIGN_OR_RETURN(auto watcher, s.Watch(kConfigMaps));
  std::unordered_map<Revision, Steady::time_point> received;
  std::unordered_map<Revision, Steady::time_point> published;
  received.reserve(static_cast<size_t>(events) * 2);
  Status watch_error;
  std::atomic<bool> stop{false};
  const int warmup = std::max(1, events / 20);
  const size_t want = static_cast<size_t>(warmup) + static_cast<size_t>(events);
  // Owns `received` and `watch_error` until joined.
  std::thread consumer([&] {
    auto deadline = Steady::now() + kWatchDeadline;
    while (received.size() < want) {
      auto batch = watcher->Next(std::chrono::milliseconds(100));
      auto now = Steady::now();
      if (!batch) {
        watch_error = batch.error().WithContext("watch");
        return;
      }
      for (const auto& e : *batch) {
        received.emplace(e->revision(), now);
        published.emplace(e->revision(), e->published);
      }
      if (batch->empty() && (stop.load() || now > deadline)) {
        watch_error =
            Error(Code::kTimeout, "watch received {} of {} events", received.size(), want);
        return;
      }
    }
  });

  struct Sent {
    Revision revision;
    Steady::time_point submit;
    Steady::time_point ack;
  };
  std::vector<Sent> sent;
  sent.reserve(want);
  Status write_error;
  auto start = Steady::now();
  auto next = start;
  for (size_t i = 0; i < want; ++i) {
    std::this_thread::sleep_until(next);
    std::string key = ConfigMapKey(static_cast<int>(i));
    auto submit = Steady::now();
    auto r = s.Create(key, std::string(kValueBytes, 'v'));
    auto ack = Steady::now();
    if (!r) {
      write_error = r.error().WithContext(fmt::format("create {}", key));
      break;
    }
    sent.push_back({r->mod_revision, submit, ack});
    next = std::max(next + kWatchPace, ack);
  }
  double secs = Seconds(Steady::now() - start);
  stop.store(true);
  consumer.join();
  if (!write_error.ok()) return write_error;
  if (!watch_error.ok()) return watch_error;

  std::vector<double> e2e, after, from_commit;
  for (size_t i = static_cast<size_t>(warmup); i < sent.size(); ++i) {
    auto it = received.find(sent[i].revision);
    if (it == received.end()) {
      return Error(Code::kInternalError, "watch missed revision {}", sent[i].revision);
    }
    e2e.push_back(Ms(it->second - sent[i].submit));
    from_commit.push_back(Ms(it->second - published[sent[i].revision]));
    after.push_back(std::max(0.0, Ms(it->second - sent[i].ack)));
  }
  return WatchFigures{Percentiles(std::move(from_commit)), Percentiles(std::move(e2e)),
                      Percentiles(std::move(after)), events, static_cast<double>(want) / secs};
}

// ---- 5. list ----

struct ListFigures {
  double full_ms = 0;   // median of List(prefix) with no limit
  double paged_ms = 0;  // median of a paged list (kPageLimit) to the end
  int pages = 0;
};

Result<ListFigures> ListTimes(Store& s, std::string_view prefix, int keys, int runs) {
  std::vector<double> full, paged;
  int pages = 0;
  for (int run = 0; run < runs; ++run) {
    auto t0 = Steady::now();
    ORCHD_ASSIGN_OR_RETURN(auto all, s.List(prefix));
    full.push_back(Ms(Steady::now() - t0));
    if (all.kvs.size() != static_cast<size_t>(keys)) {
      return Error(Code::kInternalError, "list {} returned {} keys, want {}", prefix,
                   all.kvs.size(), keys);
    }

    t0 = Steady::now();
    ListOptions opts{.limit = kPageLimit};
    size_t seen = 0;
    pages = 0;
    for (;;) {
      ORCHD_ASSIGN_OR_RETURN(auto page, s.List(prefix, opts));
      seen += page.kvs.size();
      ++pages;
      if (page.continue_token.empty()) break;
      opts.continue_token = std::move(page.continue_token);
    }
    paged.push_back(Ms(Steady::now() - t0));
    if (seen != static_cast<size_t>(keys)) {
      return Error(Code::kInternalError, "paged list {} returned {} keys, want {}", prefix, seen,
                   keys);
    }
  }
  return ListFigures{Median(std::move(full)), Median(std::move(paged)), pages};
}

// ---- 6. file size under churn ----

struct SizeFigures {
  int64_t start = 0;  // db + wal with the list keys, after a compaction
  int64_t after_creates = 0;
  int64_t after_deletes = 0;
  int64_t after_compact = 0;
  int64_t rows_after = 0;
  double churn_per_sec = 0;  // bulk creates + deletes through Submit
  double compact_secs = 0;
};

Result<int64_t> FileBytes(Store& s, int64_t* rows = nullptr) {
  ORCHD_ASSIGN_OR_RETURN(auto info, s.Size());
  if (rows) *rows = info.rows;
  return info.db_bytes + info.wal_bytes;
}

Result<SizeFigures> FileSizeChurn(Store& s, int churn) {
  SizeFigures f;
  ORCHD_RETURN_IF_ERROR(s.Compact(s.CurrentRevision()).WithContext("compact"));
  ORCHD_ASSIGN_OR_RETURN(f.start, FileBytes(s));
  auto t0 = Steady::now();
  ORCHD_RETURN_IF_ERROR(BulkWrite(s, WriteKind::kCreate, kEvents, churn));
  ORCHD_ASSIGN_OR_RETURN(f.after_creates, FileBytes(s));
  ORCHD_RETURN_IF_ERROR(BulkWrite(s, WriteKind::kDelete, kEvents, churn));
  f.churn_per_sec = 2.0 * churn / Seconds(Steady::now() - t0);
  ORCHD_ASSIGN_OR_RETURN(f.after_deletes, FileBytes(s));
  t0 = Steady::now();
  ORCHD_RETURN_IF_ERROR(s.Compact(s.CurrentRevision()).WithContext("compact"));
  f.compact_secs = Seconds(Steady::now() - t0);
  ORCHD_ASSIGN_OR_RETURN(f.after_compact, FileBytes(s, &f.rows_after));
  return f;
}

// ---- the run ----

struct Options {
  bool quick = false;
  std::string dir;
};

Status Run(const Options& opts) {
  const Scale scale = MakeScale(opts.quick);
  std::string parent = opts.dir;
  if (parent.empty()) {
    const char* tmp = ::getenv("TMPDIR");
    parent = tmp && *tmp ? tmp : "/tmp";
  }
  ORCHD_ASSIGN_OR_RETURN(auto dir, TempDir::Make(parent));
  RealClock clock;
  fmt::print("orchd store_bench{}: {} hardware threads, load average {}, values {} B\n",
             opts.quick ? " --quick" : "", std::thread::hardware_concurrency(), LoadAverage(),
             kValueBytes);
  fmt::print("directory {}\n\n", dir->path());

  ORCHD_ASSIGN_OR_RETURN(auto floor, RawSqliteFloor(dir->File("floor.db"), scale.floor_commits,
                                                    FloorShape::kSingleRow));
  PrintWrites("raw sqlite floor", floor, "commits/s",
              fmt::format("{} txns, WAL, synchronous=FULL", Grouped(floor.ops)));
  ORCHD_ASSIGN_OR_RETURN(auto floor32, RawSqliteFloor(dir->File("floor32.db"), scale.per_writer,
                                                      FloorShape::kGroupOf32));
  PrintWrites("raw sqlite, 32/txn", floor32, "rows/s",
              fmt::format("{} rows, 32 per txn, log table, one thread", Grouped(floor32.ops)));

  WriteFigures single;
  {
    ORCHD_ASSIGN_OR_RETURN(auto s, OpenStore(dir->File("single.db"), clock));
    ORCHD_ASSIGN_OR_RETURN(single, SingleWriter(*s, scale.single_writes));
  }
  PrintWrites("single writer", single, "commits/s",
              fmt::format("{} sequential Creates", Grouped(single.ops)));

  WriteFigures concurrent;
  {
    ORCHD_ASSIGN_OR_RETURN(auto s, OpenStore(dir->File("concurrent.db"), clock));
    ORCHD_ASSIGN_OR_RETURN(concurrent, ConcurrentWriters(*s, kWriterThreads, scale.per_writer));
  }
  PrintWrites(fmt::format("{} writers", kWriterThreads), concurrent, "writes/s",
              fmt::format("{} blocking Creates", Grouped(concurrent.ops)));

  WatchFigures watch;
  {
    ORCHD_ASSIGN_OR_RETURN(auto s, OpenStore(dir->File("watch.db"), clock));
    ORCHD_ASSIGN_OR_RETURN(watch, WatchDelivery(*s, scale.watch_events));
  }
  fmt::print("{:<20} {:>8} {:<10} p50 {:.3f} ms   p99 {:.3f} ms\n", "watch from commit", "", "",
             watch.from_commit.p50, watch.from_commit.p99);
  fmt::print("{:<20} {:>8} {:<10} p50 {:.3f} ms   p99 {:.3f} ms   ({} events, {} writes/s)\n",
             "watch end-to-end", "", "", watch.end_to_end.p50, watch.end_to_end.p99,
             Grouped(watch.events), Grouped(watch.writes_per_sec));
  fmt::print("{:<20} {:>8} {:<10} p50 {:.3f} ms   p99 {:.3f} ms\n", "watch after ack", "", "",
             watch.after_ack.p50, watch.after_ack.p99);
  fmt::print(
      "{:<20} from commit = Next() returns the event - the writer published it after its commit;\n"
      "{:<20} end-to-end = Next() returns it - Create() called; after ack = Next() returns it - "
      "Create() returned (0 if before)\n",
      "", "");

  ORCHD_ASSIGN_OR_RETURN(auto s, OpenStore(dir->File("list.db"), clock));
  ORCHD_RETURN_IF_ERROR(BulkWrite(*s, WriteKind::kCreate, kConfigMaps, scale.list_keys));
  ORCHD_ASSIGN_OR_RETURN(auto list, ListTimes(*s, kConfigMaps, scale.list_keys, scale.list_runs));
  fmt::print("{:<20} full {:.3f} ms   paged by {} {:.3f} ms ({} pages)   (median of {} runs)\n",
             fmt::format("list {} keys", Grouped(scale.list_keys)), list.full_ms, kPageLimit,
             list.paged_ms, list.pages, scale.list_runs);

  ORCHD_ASSIGN_OR_RETURN(auto size, FileSizeChurn(*s, scale.churn_keys));
  double ratio = static_cast<double>(size.after_compact) / static_cast<double>(size.start);
  fmt::print("{:<20} start {}   after {} creates {}   after deletes {}\n", "file size (db+wal)",
             MiB(size.start), Grouped(scale.churn_keys), MiB(size.after_creates),
             MiB(size.after_deletes));
  fmt::print(
      "{:<20} after compaction {} ({} rows, compact took {:.2f} s)   ratio after/start "
      "{:.2f}   churn {} writes/s\n",
      "", MiB(size.after_compact), Grouped(static_cast<double>(size.rows_after)), size.compact_secs,
      ratio, Grouped(size.churn_per_sec));

  fmt::print("\nsummary (targets from the issue)\n");
  fmt::print("  {:<34} {:>14}   target >= {}   {}\n", "32 writers, writes/s",
             Grouped(concurrent.per_sec), Grouped(kTargetConcurrentPerSec),
             Verdict(concurrent.per_sec >= kTargetConcurrentPerSec));
  fmt::print("  {:<34} {:>11.3f} ms   target <= {:.3f} ms   {}\n", "single writer p50",
             single.latency.p50, kTargetSingleP50Ms,
             Verdict(single.latency.p50 <= kTargetSingleP50Ms));
  // The issue defines delivery as commit to watcher; end-to-end (from Create()) adds the commit.
  fmt::print("  {:<34} {:>11.3f} ms   target <= {:.3f} ms   {}\n",
             "watch delivery p99 (from commit)", watch.from_commit.p99, kTargetWatchP99Ms,
             Verdict(watch.from_commit.p99 <= kTargetWatchP99Ms));
  fmt::print("  {:<34} {:>11.3f} ms   (commit included)\n", "watch delivery p99 (end-to-end)",
             watch.end_to_end.p99);
  fmt::print("  {:<34} {:>13.2f}x   target <= {:.1f}x   {}\n", "file after compaction / start",
             ratio, kTargetSizeRatio, Verdict(ratio <= kTargetSizeRatio));
  fmt::print("  {:<34} {:>13.2f}x   ({} / {} commits/s)\n", "single writer / raw sqlite floor",
             single.per_sec / floor.per_sec, Grouped(single.per_sec), Grouped(floor.per_sec));
  fmt::print("  {:<34} {:>13.2f}x   ({} / {} rows/s)\n", "32 writers / raw sqlite 32 per txn",
             concurrent.per_sec / floor32.per_sec, Grouped(concurrent.per_sec),
             Grouped(floor32.per_sec));
  fmt::print(
      "reference on this machine (specs/baselines.md): etcd 3.4 ~2,000 puts/s with 1 "
      "client, ~8,000/s with 32 clients; SQLite WAL FULL floor ~6,500 commits/s\n");
  return Status::Ok();
}

}  // namespace
}  // namespace orchd::bench

int main(int argc, char** argv) {
  orchd::SetLogLevel(std::getenv("ORCHD_BENCH_LOG") ? orchd::LogLevel::kInfo
                                                    : orchd::LogLevel::kWarn);
  orchd::bench::Options opts;
  orchd::FlagSet flags("store_bench");
  flags.Bool("quick", &opts.quick, "");
  flags.String("dir", &opts.dir, "");
  std::vector<std::string> args(argv + 1, argv + argc);
  // Flags only: no ORCHD_* environment fallback for a benchmark.
  auto no_env = [](const char*) -> const char* { return nullptr; };
  constexpr std::string_view kUsage =
      "usage: store_bench [--quick] [--dir PARENT]\n"
      "  --quick  scale every count down ~20x (a smoke test of a few seconds)\n"
      "  --dir    parent of the scratch directory (default $TMPDIR, else /tmp)\n";
  if (orchd::Status s = flags.Parse(args, no_env); !s.ok()) {
    fmt::print(stderr, "store_bench: {}\n{}", s.message(), kUsage);
    return 2;
  }
  if (flags.help_requested()) {
    fmt::print("{}", kUsage);
    return 0;
  }
  if (orchd::Status s = orchd::bench::Run(opts); !s.ok()) {
    fmt::print(stderr, "store_bench: FAILED: {}\n", s);
    return 1;
  }
  return 0;
}
