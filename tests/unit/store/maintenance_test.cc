// Store maintenance: time to live, history compaction, vacuum, and a full database.
#include <catch2/catch.hpp>

#include "store/store.h"
#include "unit/store/store_fixture.h"

namespace orchd::store {
namespace {

using namespace std::chrono_literals;

TEST_CASE("keys with a time to live are deleted when it runs out", "[maintenance]") {
  StoreFixture s;
  Must(s->Create("/registry/events/default/e1", "event", {.ttl_seconds = 10}));
  Must(s->Create("/registry/events/default/e2", "event", {.ttl_seconds = 100}));
  Must(s->Create("/registry/pods/default/p", "pod"));
  auto w = Must(s->Watch("/registry/events/"));

  s.clock.Advance(9s);
  REQUIRE(s->RunMaintenance().ok());
  CHECK(Must(s->Get("/registry/events/default/e1")).value == "event");

  s.clock.Advance(2s);
  REQUIRE(s->RunMaintenance().ok());
  CHECK(s->Get("/registry/events/default/e1").error().code() == Code::kNotFound);
  CHECK(Must(s->Get("/registry/events/default/e2")).value == "event");
  CHECK(Must(s->Get("/registry/pods/default/p")).value == "pod");
  auto events = Must(w->Next(0ms));
  REQUIRE(events.size() == 1);
  CHECK(events[0]->type == EventType::kDelete);
  CHECK(events[0]->kv.key == "/registry/events/default/e1");
}

TEST_CASE("a newer write replaces the expiry of the older one", "[maintenance]") {
  StoreFixture s;
  Must(s->Create("/e", "v1", {.ttl_seconds = 10}));
  Must(s->Update("/e", "v2", 0));  // no time to live any more
  s.clock.Advance(60s);
  REQUIRE(s->RunMaintenance().ok());
  CHECK(Must(s->Get("/e")).value == "v2");
}

TEST_CASE("expiry times survive a restart", "[maintenance]") {
  StoreFixture s;
  Must(s->Create("/e", "v", {.ttl_seconds = 30}));
  s.Reopen();
  s.clock.Advance(20s);
  REQUIRE(s->RunMaintenance().ok());
  CHECK(s->Get("/e").has_value());
  s.clock.Advance(11s);
  REQUIRE(s->RunMaintenance().ok());
  CHECK(s->Get("/e").error().code() == Code::kNotFound);
}

TEST_CASE("history older than the window is compacted; newer history is kept", "[maintenance]") {
  StoreFixture s({.history_window = 300s, .compact_batch = 7});
  Must(s->Create("/k", "0"));
  for (int i = 1; i <= 50; ++i) Must(s->Update("/k", std::to_string(i), 0));
  REQUIRE(s->RunMaintenance().ok());  // samples revision 51 at t=0
  s.clock.Advance(100s);
  for (int i = 51; i <= 60; ++i) Must(s->Update("/k", std::to_string(i), 0));
  REQUIRE(s->RunMaintenance().ok());  // samples revision 61 at t=100
  CHECK(s->CompactRevision() == 0);   // nothing is older than 300 s yet

  s.clock.Advance(250s);  // t=350: the t=0 sample (revision 51) is older than the window
  REQUIRE(s->RunMaintenance().ok());
  CHECK(s->CompactRevision() == 51);
  CHECK(s->Get("/k", 40).error().code() == Code::kExpired);
  CHECK(Must(s->Get("/k", 51)).value == "50");
  CHECK(Must(s->Get("/k", 55)).value == "54");
  CHECK(Must(s->Get("/k")).value == "60");
  auto w = Must(s->Watch("/k", {.after_revision = 51}));
  auto events = Must(w->Next(0ms));
  CHECK(events.size() == 10);
}

TEST_CASE("compaction removes superseded rows and deleted keys, in bounded batches",
          "[maintenance]") {
  StoreFixture s({.compact_batch = 10});
  for (int i = 0; i < 100; ++i) Must(s->Create(fmt::format("/k/{}", i), "x"));
  for (int i = 0; i < 100; ++i) Must(s->Update(fmt::format("/k/{}", i), "y", 0));
  for (int i = 0; i < 50; ++i) Must(s->Delete(fmt::format("/k/{}", i)));
  CHECK(Must(s->Size()).rows == 250);
  REQUIRE(s->Compact(s->CurrentRevision()).ok());
  // The live keys' current rows, plus the newest row (a tombstone), which is always kept so
  // that its revision is never handed out again.
  CHECK(Must(s->Size()).rows == 51);
  CHECK(Must(s->List("/k/")).kvs.size() == 50);
}

TEST_CASE("the database file shrinks again after mass deletes", "[maintenance]") {
  StoreFixture s;
  for (int i = 0; i < 100; ++i) Must(s->Create(fmt::format("/keep/{}", i), std::string(512, 'k')));
  REQUIRE(s->Compact(s->CurrentRevision()).ok());
  SizeInfo start = Must(s->Size());

  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) {
        std::string key = fmt::format("/tmp/{}/{}", t, i);
        Must(s->Create(key, std::string(1024, 'v')));
        Must(s->Delete(key));
      }
    });
  }
  for (auto& th : threads) th.join();
  SizeInfo peak = Must(s->Size());
  CHECK(peak.db_bytes + peak.wal_bytes > 4 * (start.db_bytes + start.wal_bytes));

  REQUIRE(s->Compact(s->CurrentRevision()).ok());
  SizeInfo after = Must(s->Size());
  INFO("start " << start.db_bytes << "+" << start.wal_bytes << ", peak " << peak.db_bytes << "+"
                << peak.wal_bytes << ", after " << after.db_bytes << "+" << after.wal_bytes);
  CHECK(after.db_bytes + after.wal_bytes <= 2 * (start.db_bytes + start.wal_bytes));
  CHECK(after.freelist_pages == 0);
  CHECK(Must(s->List("/keep/")).kvs.size() == 100);
}

TEST_CASE("a full database fails the write with a clear error and loses nothing", "[maintenance]") {
  // max_pages stands in for a full disk (the integration suite uses a real tmpfs).
  StoreFixture s({.max_pages = 40});
  std::vector<std::string> stored;
  Status failure;
  for (int i = 0; i < 1000; ++i) {
    std::string key = fmt::format("/k/{}", i);
    auto r = s->Create(key, std::string(2000, 'v'));
    if (!r) {
      failure = r.error();
      break;
    }
    stored.push_back(key);
  }
  REQUIRE_FALSE(failure.ok());
  CHECK(failure.code() == Code::kInternalError);
  CHECK_THAT(failure.message(), Catch::Contains("full"));
  REQUIRE_FALSE(stored.empty());
  Revision rev = s->CurrentRevision();
  CHECK(rev == static_cast<Revision>(stored.size()));
  for (const auto& key : stored) CHECK(Must(s->Get(key)).value.size() == 2000);

  // Even a delete needs room (it appends a tombstone), as with a real full disk. Once there
  // is room again, everything acknowledged is there and writes go on.
  s.options.max_pages = 0;
  s.Reopen();
  CHECK(s->CurrentRevision() == rev);
  CHECK(Must(s->List("/k/")).kvs.size() == stored.size());
  CHECK(Must(s->Create("/k/after", "v")).mod_revision == rev + 1);
}

}  // namespace
}  // namespace orchd::store
