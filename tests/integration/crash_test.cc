// Crash safety of the store: a writer process (crash_writer) is killed with SIGKILL in the middle
// of concurrent writes, several rounds on the same database. After each round the database is
// opened in-process and must hold every acknowledged write, with a revision log that has no hole
// and no repeat, and the next round must write on top of it.
//
// The run time of each round is random (seeded; the seed is printed, ORCHD_TEST_SEED repeats it).
#include <signal.h>

#include <catch2/catch.hpp>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "common/clock.h"
#include "integration/subprocess.h"
#include "store/store.h"
#include "testing/temp_dir.h"

#ifndef CRASH_WRITER_BINARY
#error "CRASH_WRITER_BINARY must name the crash_writer executable"
#endif

namespace orchd::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using store::Revision;

constexpr int kRounds = 6;
constexpr int kWriterThreads = 8;
constexpr size_t kMaxReported = 10;  // failures listed per check

// One acknowledged write, as the writer printed it.
struct Ack {
  std::string key;
  Revision revision = 0;
  std::string value;
};

uint32_t TestSeed() {
  if (const char* s = std::getenv("ORCHD_TEST_SEED"); s && *s) {
    return static_cast<uint32_t>(std::strtoul(s, nullptr, 10));
  }
  return std::random_device()();
}

std::vector<Ack> ParseAcks(const std::string& out) {
  INFO("the writer's stdout must end with a whole line");
  REQUIRE((out.empty() || out.back() == '\n'));
  std::vector<Ack> acks;
  for (const std::string& line : Lines(out)) {
    if (line.empty()) continue;
    auto sp1 = line.find(' ');
    auto sp2 = line.find(' ', sp1 == std::string::npos ? sp1 : sp1 + 1);
    Ack a;
    bool ok = sp1 != std::string::npos && sp2 != std::string::npos;
    if (ok) {
      a.key = line.substr(0, sp1);
      a.value = line.substr(sp2 + 1);
      auto [p, ec] = std::from_chars(line.data() + sp1 + 1, line.data() + sp2, a.revision);
      ok = ec == std::errc() && p == line.data() + sp2 && a.revision > 0;
    }
    INFO("acknowledgement line: " << line);
    REQUIRE(ok);
    acks.push_back(std::move(a));
  }
  return acks;
}

// Runs crash_writer on `db` until it has acknowledged a first write, lets it go on for a random
// 50-400 ms, kills it with SIGKILL and returns what it acknowledged.
std::vector<Ack> RunAndKill(const std::string& db, int round, std::mt19937& rng) {
  SpawnOptions so{.args = {CRASH_WRITER_BINARY, db, std::to_string(round),
                           std::to_string(kWriterThreads), std::to_string(rng() % 1000000)},
                  .env = CleanEnvironment()};
  auto spawned = Subprocess::Spawn(so);
  INFO((spawned ? std::string() : spawned.error().ToString()));
  REQUIRE(spawned.has_value());
  Subprocess& writer = **spawned;

  // The writer's start-up (open, recovery, list) is not part of the measured window.
  bool started = writer.PumpUntil(After(seconds(30)),
                                  [&] { return writer.out().find('\n') != std::string::npos; });
  INFO("writer stderr: " << writer.err());
  REQUIRE(started);
  const auto run_for = milliseconds(50 + rng() % 351);
  writer.PumpUntil(After(run_for), [] { return false; });
  auto status = writer.Kill(After(seconds(30)));
  INFO((status ? status->ToString() : status.error().ToString()));
  REQUIRE(status.has_value());
  REQUIRE(status->KilledBy(SIGKILL));  // anything else: the writer failed on its own
  std::printf("crash_test: round %d: killed after %lld ms, %zu bytes of acknowledgements\n", round,
              static_cast<long long>(run_for.count()), writer.out().size());
  return ParseAcks(writer.out());
}

// Collects failures and shows the first few, so one bad round does not print thousands of lines.
class Failures {
 public:
  void Add(std::string what) {
    if (count_++ < kMaxReported) text_ += what + "\n";
  }
  size_t count() const { return count_; }
  const std::string& text() const { return text_; }

 private:
  size_t count_ = 0;
  std::string text_;
};

// Opens the store after the crash and checks durability and the revision log. Returns the head.
Revision Verify(const std::string& db, const std::vector<Ack>& round_acks,
                const std::map<std::string, Ack>& latest) {
  RealClock clock;
  store::Store s(store::StoreOptions{.path = db,
                                     .history_window = std::chrono::hours(24 * 365),
                                     .background_maintenance = false},
                 clock);
  Status started = s.Start();
  INFO("reopen after the crash: " << started.ToString());
  REQUIRE(started.ok());
  const Revision head = s.CurrentRevision();

  // (a) Every write acknowledged in this round is there at its revision.
  Failures lost;
  std::map<Revision, const Ack*> by_revision;
  for (const Ack& a : round_acks) {
    if (!by_revision.emplace(a.revision, &a).second) {
      lost.Add(fmt::format("revision {} acknowledged twice", a.revision));
    }
    if (a.revision > head) {
      lost.Add(fmt::format("{} acknowledged at {} beyond the head {}", a.key, a.revision, head));
      continue;
    }
    auto kv = s.Get(a.key, a.revision);
    if (!kv) {
      lost.Add(fmt::format("{} at {}: {}", a.key, a.revision, kv.error()));
    } else if (kv->value != a.value || kv->mod_revision != a.revision) {
      lost.Add(fmt::format("{} at {}: value \"{}\" mod_revision {}, acknowledged \"{}\"", a.key,
                           a.revision, kv->value, kv->mod_revision, a.value));
    }
  }
  // (a) The latest acknowledged write of every key of every round so far is at most superseded
  // by a newer (unacknowledged) write, never lost or rolled back.
  for (const auto& [key, a] : latest) {
    auto now = s.Get(key);
    if (!now) {
      lost.Add(fmt::format("{}: {} (latest acknowledged at {})", key, now.error(), a.revision));
    } else if (now->mod_revision < a.revision) {
      lost.Add(fmt::format("{}: current mod_revision {} is older than the acknowledged {}", key,
                           now->mod_revision, a.revision));
    }
    auto then = s.Get(key, a.revision);
    if (!then || then->value != a.value) {
      lost.Add(
          fmt::format("{} at {}: not the acknowledged value \"{}\"", key, a.revision, a.value));
    }
  }
  INFO(lost.count() << " lost or wrong acknowledged writes, first ones:\n" << lost.text());
  CHECK(lost.count() == 0);

  // (b) A watch from revision 0 replays exactly 1, 2, ..., head, each matching its ack.
  auto watcher = s.Watch("", store::WatchOptions{.after_revision = 0});
  INFO((watcher ? std::string() : watcher.error().ToString()));
  REQUIRE(watcher.has_value());
  Failures log;
  Revision last = 0;
  while (last < head && log.count() == 0) {
    auto events = (*watcher)->Next(seconds(10));
    INFO((events ? std::string() : events.error().ToString()));
    REQUIRE(events.has_value());
    if (events->empty()) {
      log.Add(fmt::format("replay stalled at revision {} of {}", last, head));
      break;
    }
    for (const auto& e : *events) {
      if (e->revision() != last + 1) {
        log.Add(fmt::format("revision {} follows {}", e->revision(), last));
      }
      last = e->revision();
      auto it = by_revision.find(last);
      if (it != by_revision.end() &&
          (e->kv.key != it->second->key || e->kv.value != it->second->value)) {
        log.Add(fmt::format("event at {} is {}=\"{}\", acknowledged {}=\"{}\"", last, e->kv.key,
                            e->kv.value, it->second->key, it->second->value));
      }
    }
  }
  INFO("revision log problems:\n" << log.text());
  CHECK(log.count() == 0);
  CHECK(last == head);
  watcher->reset();
  s.Stop();
  return head;
}

TEST_CASE("acknowledged writes survive SIGKILL and the revision log keeps no hole", "[crash]") {
  const uint32_t seed = TestSeed();
  std::printf("crash_test: seed %u (ORCHD_TEST_SEED=%u repeats the schedule)\n", seed, seed);
  std::fflush(stdout);
  std::mt19937 rng(seed);
  TempDir dir;
  REQUIRE(!dir.path().empty());
  const std::string db = dir.File("state.db");

  std::map<std::string, Ack> latest;  // per key, the newest acknowledged write of any round
  Revision head = 0;
  for (int round = 1; round <= kRounds; ++round) {
    INFO("round " << round << " of " << kRounds << ", seed " << seed);
    std::vector<Ack> acks = RunAndKill(db, round, rng);
    // An empty round proves nothing: the writer must have got some writes through.
    REQUIRE(!acks.empty());
    Revision lowest = acks.front().revision;
    for (const Ack& a : acks) {
      lowest = std::min(lowest, a.revision);
      auto [it, fresh] = latest.emplace(a.key, a);
      if (!fresh && a.revision > it->second.revision) it->second = a;
    }
    // (c) This round wrote on top of what the last verification saw, not over it.
    CHECK(lowest > head);
    Revision new_head = Verify(db, acks, latest);
    std::printf("crash_test: round %d: %zu writes acknowledged, head %lld -> %lld\n", round,
                acks.size(), static_cast<long long>(head), static_cast<long long>(new_head));
    std::fflush(stdout);
    CHECK(new_head >= head + static_cast<Revision>(acks.size()));
    head = new_head;
  }
}

}  // namespace
}  // namespace orchd::testing
