// Store: reads and writes, revisions, conflicts, persistence and bad input.
#include "store/store.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "common/fs.h"
#include "common/process.h"
#include "unit/store/store_fixture.h"

namespace orchd::store {
namespace {

TEST_CASE("create assigns consecutive revisions and refuses an existing key", "[store]") {
  StoreFixture s;
  CHECK(s->CurrentRevision() == 0);
  KeyValue a = Must(s->Create("/registry/pods/default/a", "one"));
  CHECK(a.mod_revision == 1);
  CHECK(a.create_revision == 1);
  KeyValue b = Must(s->Create("/registry/pods/default/b", "two"));
  CHECK(b.mod_revision == 2);
  CHECK(s->CurrentRevision() == 2);

  auto again = s->Create("/registry/pods/default/a", "other");
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().code() == Code::kAlreadyExists);
  CHECK(Must(s->Get("/registry/pods/default/a")).value == "one");
  CHECK(s->CurrentRevision() == 2);  // a refused write takes no revision
}

TEST_CASE("update checks the expected revision", "[store]") {
  StoreFixture s;
  KeyValue v1 = Must(s->Create("/k", "v1"));
  KeyValue v2 = Must(s->Update("/k", "v2", v1.mod_revision));
  CHECK(v2.mod_revision == 2);
  CHECK(v2.create_revision == 1);

  auto stale = s->Update("/k", "v3", v1.mod_revision);
  REQUIRE_FALSE(stale.has_value());
  CHECK(stale.error().code() == Code::kConflict);
  CHECK(Must(s->Get("/k")).value == "v2");

  KeyValue forced = Must(s->Update("/k", "v4", 0));  // 0: unconditional
  CHECK(forced.value == "v4");
  CHECK(s->Update("/missing", "x", 0).error().code() == Code::kNotFound);
}

TEST_CASE("delete checks the expected revision and returns the last value", "[store]") {
  StoreFixture s;
  KeyValue v1 = Must(s->Create("/k", "v1"));
  KeyValue v2 = Must(s->Update("/k", "v2", 0));
  CHECK(s->Delete("/k", v1.mod_revision).error().code() == Code::kConflict);
  KeyValue gone = Must(s->Delete("/k", v2.mod_revision));
  CHECK(gone.value == "v2");
  CHECK(gone.mod_revision == 3);
  CHECK(s->Get("/k").error().code() == Code::kNotFound);
  CHECK(s->Delete("/k").error().code() == Code::kNotFound);
  CHECK(s->Update("/k", "x", 0).error().code() == Code::kNotFound);

  // A new incarnation gets a new create revision.
  KeyValue again = Must(s->Create("/k", "v5"));
  CHECK(again.create_revision == 4);
}

TEST_CASE("get reads any revision that is not compacted", "[store]") {
  StoreFixture s;
  Must(s->Create("/k", "v1"));     // 1
  Must(s->Update("/k", "v2", 0));  // 2
  Must(s->Create("/other", "x"));  // 3
  Must(s->Delete("/k"));           // 4
  CHECK(Must(s->Get("/k", 1)).value == "v1");
  CHECK(Must(s->Get("/k", 2)).value == "v2");
  CHECK(Must(s->Get("/k", 3)).value == "v2");
  CHECK(Must(s->Get("/k", 3)).mod_revision == 2);
  CHECK(s->Get("/k", 4).error().code() == Code::kNotFound);
  CHECK(s->Get("/other", 2).error().code() == Code::kNotFound);

  auto future = s->Get("/k", 99);
  CHECK(future.error().code() == Code::kTimeout);

  REQUIRE(s->Compact(3).ok());
  CHECK(s->Get("/k", 2).error().code() == Code::kExpired);
  CHECK(Must(s->Get("/other", 3)).value == "x");
  CHECK(s->CompactRevision() == 3);
}

TEST_CASE("list returns the live keys under a prefix, at a revision", "[store]") {
  StoreFixture s;
  Must(s->Create("/registry/pods/a/p1", "1"));
  Must(s->Create("/registry/pods/a/p2", "2"));
  Must(s->Create("/registry/pods/ab/p3", "3"));
  Must(s->Create("/registry/pods/b/p4", "4"));
  Revision before_delete = s->CurrentRevision();
  Must(s->Delete("/registry/pods/a/p1"));

  ListResult a = Must(s->List("/registry/pods/a/"));
  REQUIRE(a.kvs.size() == 1);
  CHECK(a.kvs[0].key == "/registry/pods/a/p2");
  CHECK(a.revision == s->CurrentRevision());

  ListResult old = Must(s->List("/registry/pods/a/", {.revision = before_delete}));
  REQUIRE(old.kvs.size() == 2);
  CHECK(old.kvs[0].key == "/registry/pods/a/p1");

  ListResult all = Must(s->List("/registry/pods/"));
  CHECK(all.kvs.size() == 3);
  ListResult everything = Must(s->List(""));
  CHECK(everything.kvs.size() == 3);
}

TEST_CASE("pages of one list read one snapshot while writes go on", "[store]") {
  StoreFixture s;
  for (int i = 0; i < 100; ++i) Must(s->Create(fmt::format("/r/k{:03}", i), "0"));

  std::atomic<bool> stop{false};
  std::atomic<int> writes{0};
  std::thread writer([&] {
    for (int n = 1; !stop.load(); ++n) {
      int i = n % 100;
      std::string key = fmt::format("/r/k{:03}", i);
      if (n % 7 == 0) {
        s->Delete(key).IgnoreError();
        s->Create(key, std::to_string(n)).IgnoreError();
      } else {
        s->Update(key, std::to_string(n), 0).IgnoreError();
      }
      Must(s->Create(fmt::format("/r/new{:05}", n), "x"));
      ++writes;
    }
  });

  ListResult first = Must(s->List("/r/", {.limit = 7}));
  Revision rev = first.revision;
  std::vector<KeyValue> paged = first.kvs;
  std::string token = first.continue_token;
  while (!token.empty()) {
    // Let the writer move on between pages.
    int target = writes.load() + 3;
    while (writes.load() < target) std::this_thread::yield();
    ListResult page = Must(s->List("/r/", {.limit = 7, .continue_token = token}));
    CHECK(page.revision == rev);
    paged.insert(paged.end(), page.kvs.begin(), page.kvs.end());
    token = page.continue_token;
  }
  stop = true;
  writer.join();

  CHECK(s->CurrentRevision() > rev);
  ListResult whole = Must(s->List("/r/", {.revision = rev}));
  REQUIRE(paged.size() == whole.kvs.size());
  for (size_t i = 0; i < paged.size(); ++i) {
    CHECK(paged[i] == whole.kvs[i]);
    CHECK(paged[i].mod_revision <= rev);
  }
}

TEST_CASE("continue tokens are checked", "[store]") {
  StoreFixture s;
  for (int i = 0; i < 5; ++i) Must(s->Create(fmt::format("/a/{}", i), "x"));
  ListResult page = Must(s->List("/a/", {.limit = 2}));
  REQUIRE_FALSE(page.continue_token.empty());

  CHECK(s->List("/a/", {.continue_token = "not-a-token!"}).error().code() == Code::kBadRequest);
  CHECK(s->List("/b/", {.continue_token = page.continue_token}).error().code() ==
        Code::kBadRequest);

  Must(s->Update("/a/4", "y", 0));
  REQUIRE(s->Compact(s->CurrentRevision()).ok());
  auto expired = s->List("/a/", {.continue_token = page.continue_token});
  REQUIRE_FALSE(expired.has_value());
  CHECK(expired.error().code() == Code::kExpired);
  CHECK_THAT(expired.error().message(), Catch::Contains("continue token has expired"));
}

TEST_CASE("bad input is refused and changes nothing", "[store]") {
  StoreFixture s({.max_value_bytes = 1024});
  Must(s->Create("/k", "v"));
  struct Case {
    std::string key;
    Code code;
  };
  for (const auto& c :
       {Case{"", Code::kBadRequest}, Case{"/with space", Code::kBadRequest},
        Case{"/caf\xc3\xa9", Code::kBadRequest}, Case{std::string(1025, 'k'), Code::kBadRequest}}) {
    CAPTURE(c.key);
    CHECK(s->Create(c.key, "v").error().code() == c.code);
    CHECK(s->Get(c.key).error().code() == c.code);
  }
  CHECK(s->Create("/big", std::string(1025, 'x')).error().code() == Code::kRequestEntityTooLarge);
  CHECK(s->Create("/neg", "v", {.ttl_seconds = -1}).error().code() == Code::kBadRequest);
  CHECK(s->List("/", {.limit = -1}).error().code() == Code::kBadRequest);
  CHECK(s->List("/", {.revision = 1000}).error().code() == Code::kTimeout);
  CHECK(s->Compact(1000).code() == Code::kBadRequest);
  CHECK(s->CurrentRevision() == 1);
  CHECK(Must(s->List("")).kvs.size() == 1);
}

TEST_CASE("writes and revisions survive a restart", "[store]") {
  StoreFixture s;
  Must(s->Create("/a", "1"));
  Must(s->Create("/b", "2"));
  Must(s->Update("/a", "3", 0));
  Must(s->Delete("/b"));
  s.Reopen();
  CHECK(s->CurrentRevision() == 4);
  CHECK(Must(s->Get("/a")).value == "3");
  CHECK(Must(s->Get("/a", 1)).value == "1");
  CHECK(s->Get("/b").error().code() == Code::kNotFound);
  CHECK(Must(s->Create("/c", "4")).mod_revision == 5);
}

// Runs the sqlite3 shell on `db` (tests may not link SQLite: orchd::store owns it).
std::string Sqlite3Shell(const std::string& db, const std::string& sql) {
  std::vector<std::string> argv = {"sqlite3", db, sql};
  auto out = RunCommand(argv);
  INFO((out ? out->output : out.error().ToString()));
  REQUIRE(out.has_value());
  REQUIRE(out->exit_code == 0);
  return out->output;
}

TEST_CASE("a schema 1 database (name index, stored old values) is upgraded in place", "[store]") {
  if (FindInPath("sqlite3").empty()) {
    WARN("skipped: the sqlite3 shell is not installed (apt-get install sqlite3)");
    return;
  }
  testing::TempDir dir;
  const std::string db = dir.File("state.db");
  // The schema and rows orchd 0.1 (schema 1) wrote: /a created then updated, /b created then
  // deleted; updates and tombstones carry the previous value in old_value.
  Sqlite3Shell(db,
               "PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode = WAL;"
               "CREATE TABLE kine (id INTEGER PRIMARY KEY, name TEXT NOT NULL, created INTEGER "
               "NOT NULL, deleted INTEGER NOT NULL, create_revision INTEGER NOT NULL, "
               "prev_revision INTEGER NOT NULL, lease INTEGER NOT NULL, expires INTEGER NOT NULL, "
               "value BLOB, old_value BLOB);"
               "CREATE INDEX kine_name_id_index ON kine (name, id);"
               "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
               "INSERT INTO meta VALUES ('compact_revision', 0);"
               "INSERT INTO kine VALUES (1, '/a', 1, 0, 0, 0, 0, 0, 'a1', '');"
               "INSERT INTO kine VALUES (2, '/a', 0, 0, 1, 1, 0, 0, 'a2', 'a1');"
               "INSERT INTO kine VALUES (3, '/b', 1, 0, 0, 0, 0, 0, 'b1', '');"
               "INSERT INTO kine VALUES (4, '/b', 0, 1, 3, 3, 0, 0, '', 'b1');"
               "PRAGMA user_version = 1;");
  FakeClock clock;
  {
    Store store({.path = db, .event_ring = 4, .background_maintenance = false}, clock);
    REQUIRE(store.Start().ok());
    CHECK(store.CurrentRevision() == 4);
    CHECK(Must(store.Get("/a")).value == "a2");
    CHECK(Must(store.Get("/a", 1)).value == "a1");
    CHECK(store.Get("/b").error().code() == Code::kNotFound);
    CHECK(Must(store.List("")).kvs.size() == 1);
    auto w = Must(store.Watch("/", {.after_revision = 0}));
    std::vector<EventPtr> events;
    while (events.size() < 4) {
      auto batch = Must(w->Next(std::chrono::milliseconds(1000)));
      REQUIRE(!batch.empty());
      events.insert(events.end(), batch.begin(), batch.end());
    }
    CHECK(events[1]->prev_value == "a1");
    CHECK(events[3]->type == EventType::kDelete);
    CHECK(events[3]->kv.value == "b1");
    CHECK(Must(store.Update("/a", "a3", 2)).mod_revision == 5);
    store.Stop();
  }
  CHECK(Sqlite3Shell(db, "PRAGMA user_version") == "2\n");
  CHECK(Sqlite3Shell(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'kine_name_id_index'") ==
        "0\n");
  // The new row stores no old value; the old rows keep theirs.
  CHECK(Sqlite3Shell(db, "SELECT id, quote(old_value) FROM kine ORDER BY id") ==
        "1|''\n2|'a1'\n3|''\n4|'b1'\n5|NULL\n");
}

TEST_CASE("the revision never goes backwards, even when the newest row is compacted away",
          "[store]") {
  StoreFixture s;
  Must(s->Create("/a", "1"));
  Must(s->Delete("/a"));  // revision 2, a tombstone
  REQUIRE(s->Compact(2).ok());
  s.Reopen();
  CHECK(s->CurrentRevision() == 2);
  CHECK(Must(s->Create("/a", "again")).mod_revision == 3);
}

TEST_CASE("the database file is private to its owner", "[store]") {
  StoreFixture s;
  Must(s->Create("/registry/secrets/default/token", "secret"));
  struct stat st {};
  REQUIRE(::stat(s.options.path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("writes after Stop are refused", "[store]") {
  StoreFixture s;
  Must(s->Create("/a", "1"));
  s->Stop();
  CHECK(s->Create("/b", "2").error().code() == Code::kServiceUnavailable);
  CHECK(s->Compact(1).code() == Code::kServiceUnavailable);
}

TEST_CASE("concurrent writers lose no update", "[store]") {
  StoreFixture s;
  constexpr int kThreads = 8;
  constexpr int kIncrements = 60;
  Must(s->Create("/counter", "0"));
  std::vector<std::thread> threads;
  std::atomic<int> conflicts{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIncrements; ++i) {
        // Read-modify-write with the expected revision, retried on conflict.
        for (;;) {
          KeyValue kv = Must(s->Get("/counter"));
          auto r = s->Update("/counter", std::to_string(std::stoi(kv.value) + 1), kv.mod_revision);
          if (r) break;
          REQUIRE(r.error().code() == Code::kConflict);
          ++conflicts;
        }
        Must(s->Create(fmt::format("/t{}/{}", t, i), "x"));
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(Must(s->Get("/counter")).value == std::to_string(kThreads * kIncrements));
  // 1 create + one update and one create per increment: every acknowledged write one revision.
  CHECK(s->CurrentRevision() == 1 + 2 * kThreads * kIncrements);
  CHECK(Must(s->List("/t")).kvs.size() == kThreads * kIncrements);
}

TEST_CASE("a damaged or foreign database is refused and left as it was", "[store]") {
  testing::TempDir dir;
  FakeClock clock;
  std::string path = dir.File("state.db");
  auto open = [&] {
    Store store({.path = path, .background_maintenance = false}, clock);
    return store.Start();
  };
  auto write = [&](std::string_view bytes) {
    FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f);
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  };

  SECTION("not a SQLite file") {
    std::string garbage(8192, '\0');
    for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>(i * 131 + 7);
    write(garbage);
    Status st = open();
    CHECK(st.code() == Code::kInvalid);
    CHECK_THAT(st.message(), Catch::Contains("not a SQLite database"));
    CHECK(Must(ReadFile(path)) == garbage);
  }
  SECTION("a newer schema") {
    REQUIRE(open().ok());  // a clean stop checkpoints the WAL into the file and removes it
    REQUIRE_FALSE(PathExists(path + "-wal"));
    // user_version is the big-endian 32-bit field at offset 60 of the database header.
    std::string db = Must(ReadFile(path));
    db[60] = db[61] = db[62] = 0;
    db[63] = 7;
    write(db);
    std::string before = Must(ReadFile(path));
    Status st = open();
    CHECK(st.code() == Code::kInvalid);
    CHECK_THAT(st.message(), Catch::Contains("newer orchd (schema version 7"));
    CHECK(Must(ReadFile(path)) == before);
  }
}

}  // namespace
}  // namespace orchd::store
