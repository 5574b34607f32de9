// Store watches: replay from history (ring and database), live delivery, compaction, slow
// watchers, stop.
#include <catch2/catch.hpp>

#include "store/store.h"
#include "unit/store/store_fixture.h"

namespace orchd::store {
namespace {

using std::chrono::milliseconds;

// Reads events until `count` have arrived (or a 5 s deadline passes, which fails the test).
std::vector<EventPtr> Collect(Watcher& w, size_t count) {
  std::vector<EventPtr> out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
    auto batch = Must(w.Next(milliseconds(100)));
    out.insert(out.end(), batch.begin(), batch.end());
  }
  REQUIRE(out.size() == count);
  return out;
}

TEST_CASE("a live watch sees creates, updates and deletes under its prefix, in order", "[watch]") {
  StoreFixture s;
  auto w = Must(s->Watch("/registry/pods/"));
  Must(s->Create("/registry/pods/a", "1"));
  Must(s->Create("/registry/services/x", "ignored"));
  Must(s->Update("/registry/pods/a", "2", 0));
  Must(s->Delete("/registry/pods/a"));

  auto events = Collect(*w, 3);
  CHECK(events[0]->type == EventType::kCreate);
  CHECK(events[0]->kv.value == "1");
  CHECK(events[0]->revision() == 1);
  CHECK(events[1]->type == EventType::kUpdate);
  CHECK(events[1]->kv.value == "2");
  CHECK(events[1]->prev_value == "1");
  CHECK(events[1]->kv.create_revision == 1);
  CHECK(events[2]->type == EventType::kDelete);
  CHECK(events[2]->kv.value == "2");  // the last value of the deleted key
  CHECK(events[2]->revision() == 4);
  CHECK(Must(w->Next(milliseconds(0))).empty());
  CHECK(w->progress_revision() == 4);
}

TEST_CASE("a watch from an old revision replays history, then goes live", "[watch]") {
  // A ring of 4 events forces the replay of older history through the database.
  auto ring = GENERATE(4, 10000);
  CAPTURE(ring);
  StoreFixture s({.event_ring = static_cast<size_t>(ring)});
  for (int i = 1; i <= 20; ++i) Must(s->Create(fmt::format("/k/{:02}", i), std::to_string(i)));

  auto w = Must(s->Watch("/k/", {.after_revision = 5}));
  auto replay = Collect(*w, 15);
  for (size_t i = 0; i < replay.size(); ++i) CHECK(replay[i]->revision() == Revision(6 + i));

  Must(s->Create("/k/21", "21"));
  auto live = Collect(*w, 1);
  CHECK(live[0]->revision() == 21);
  CHECK(s->live_watchers() == 1);
}

TEST_CASE("history replayed from the database after a restart carries previous values", "[watch]") {
  StoreFixture s({.event_ring = 4});
  Must(s->Create("/k/a", "a1"));     // 1
  Must(s->Create("/k/b", "b1"));     // 2
  Must(s->Update("/k/a", "a2", 0));  // 3
  Must(s->Delete("/k/b"));           // 4
  Must(s->Update("/k/a", "a3", 0));  // 5
  Must(s->Create("/k/b", "b2"));     // 6
  s.Reopen();  // the ring is empty: replay reads the log, previous values from earlier rows

  auto w = Must(s->Watch("/k/", {.after_revision = 0}));
  auto events = Collect(*w, 6);
  CHECK(events[2]->type == EventType::kUpdate);
  CHECK(events[2]->prev_value == "a1");
  CHECK(events[3]->type == EventType::kDelete);
  CHECK(events[3]->kv.value == "b1");
  CHECK(events[4]->prev_value == "a2");
  CHECK(events[5]->type == EventType::kCreate);
  CHECK(events[5]->kv.value == "b2");
  CHECK(events[5]->prev_value.empty());
  CHECK(events[5]->kv.create_revision == 6);

  // Lists at old revisions and gets still find rows by name after the index was rebuilt.
  CHECK(Must(s->Get("/k/b", 3)).value == "b1");
  CHECK(s->Get("/k/b", 4).error().code() == Code::kNotFound);
  CHECK(Must(s->Get("/k/b")).create_revision == 6);
}

TEST_CASE("replay and live delivery leave no gap while writes go on", "[watch]") {
  StoreFixture s({.event_ring = 16});
  for (int i = 0; i < 200; ++i) Must(s->Create(fmt::format("/k/{}", i), "x"));
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop.load() && i < 2000; ++i) Must(s->Update("/k/7", std::to_string(i), 0));
  });
  auto w = Must(s->Watch("/k/", {.after_revision = 0, .buffer = 100000}));
  auto events = Collect(*w, 400);
  stop = true;
  writer.join();
  Revision last = s->CurrentRevision();
  auto rest = Collect(*w, static_cast<size_t>(last - 400));
  events.insert(events.end(), rest.begin(), rest.end());
  for (size_t i = 0; i < events.size(); ++i) REQUIRE(events[i]->revision() == Revision(i + 1));
}

TEST_CASE("a watch from a compacted revision is Expired", "[watch]") {
  StoreFixture s;
  Must(s->Create("/k", "0"));
  for (int i = 1; i < 10; ++i) Must(s->Update("/k", std::to_string(i), 0));
  REQUIRE(s->Compact(6).ok());
  auto w = s->Watch("/k", {.after_revision = 3});
  REQUIRE_FALSE(w.has_value());
  CHECK(w.error().code() == Code::kExpired);
  CHECK_THAT(w.error().message(), Catch::Contains("compacted"));
  CHECK(Must(s->Watch("/k", {.after_revision = 6})) != nullptr);
}

TEST_CASE("history compacted while a watcher replays it ends the watch with Expired", "[watch]") {
  StoreFixture s({.event_ring = 4});
  for (int i = 0; i < 2000; ++i) Must(s->Create(fmt::format("/k/{}", i), "x"));
  auto w = Must(s->Watch("/k/", {.after_revision = 0}));
  auto first = Must(w->Next(milliseconds(100)));  // one replay batch from the database
  REQUIRE_FALSE(first.empty());
  REQUIRE(first.back()->revision() < 1000);
  REQUIRE(s->Compact(1500).ok());
  Result<std::vector<EventPtr>> next = w->Next(milliseconds(100));
  while (next && !next->empty()) next = w->Next(milliseconds(100));
  REQUIRE_FALSE(next.has_value());
  CHECK(next.error().code() == Code::kExpired);
}

TEST_CASE("a watcher that falls behind its buffer is cut off with Gone; others are not",
          "[watch]") {
  StoreFixture s;
  auto slow = Must(s->Watch("/k/", {.buffer = 10}));
  auto fast = Must(s->Watch("/k/", {.buffer = 1000}));
  std::atomic<int> notified{0};
  slow->SetNotify([&] { ++notified; });
  for (int i = 0; i < 50; ++i) Must(s->Create(fmt::format("/k/{}", i), "x"));

  auto r = slow->Next(milliseconds(0));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code() == Code::kGone);
  CHECK(slow->Next(milliseconds(0)).error().code() == Code::kGone);  // stays ended
  CHECK(notified.load() >= 1);
  CHECK(Collect(*fast, 50).size() == 50);
  CHECK(s->live_watchers() == 1);
}

TEST_CASE("notify fires when events are ready, and Stop ends watchers", "[watch]") {
  StoreFixture s;
  auto w = Must(s->Watch("/k"));
  std::atomic<int> notified{0};
  w->SetNotify([&] { ++notified; });
  CHECK(notified.load() == 0);
  Must(s->Create("/k", "v"));
  CHECK(notified.load() == 1);
  s->Stop();
  CHECK(notified.load() == 2);
  // The queued event is dropped: the store stopped, a consumer must start over.
  CHECK(w->Next(milliseconds(0)).error().code() == Code::kServiceUnavailable);
}

TEST_CASE("a blocked Next wakes on commit", "[watch]") {
  StoreFixture s;
  auto w = Must(s->Watch("/k"));
  std::thread writer([&] { Must(s->Create("/k", "v")); });
  auto events = Must(w->Next(std::chrono::seconds(10)));
  writer.join();
  REQUIRE(events.size() == 1);
  CHECK(events[0]->kv.key == "/k");
}

TEST_CASE("a watch from a future revision skips events up to it", "[watch]") {
  StoreFixture s;
  Must(s->Create("/k/0", "x"));
  auto w = Must(s->Watch("/k/", {.after_revision = 3}));
  Must(s->Create("/k/1", "x"));
  Must(s->Create("/k/2", "x"));
  Must(s->Create("/k/3", "x"));
  Must(s->Create("/k/4", "x"));
  auto events = Collect(*w, 2);
  CHECK(events[0]->revision() == 4);
  CHECK(events[1]->revision() == 5);
}

}  // namespace
}  // namespace orchd::store
