// crash_writer: the victim of crash_test. Opens the Store at DB_PATH and writes from THREADS
// threads until it is killed: creates of new keys and unconditional updates of keys this thread
// owns (from this or earlier rounds). After each write is acknowledged (the blocking call
// returned OK) it prints one line with a single write(2), so a SIGKILL never splits a line:
//
//   <key> <mod_revision> <value>\n
//
// Keys: /crash/t<thread>/r<round>-<seq>. Values: "<key>@<round>.<seq>" (key and sequence).
// Each key is written by one thread at a time, so its acknowledged writes are totally ordered.
//
// Usage: crash_writer DB_PATH ROUND THREADS SEED. Exit 1 on any failure (the test expects only
// death by SIGKILL).
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "store/store.h"

namespace {

using orchd::store::Store;

[[noreturn]] void Die(const std::string& message) {
  std::string line = "crash_writer: " + message + "\n";
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
  ::_exit(1);
}

int ParseInt(const char* text, const char* what) {
  int v = 0;
  std::string_view s(text);
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v < 0) {
    Die(fmt::format("bad {} \"{}\"", what, s));
  }
  return v;
}

void WriteLine(const std::string& line) {
  // Lines are far below PIPE_BUF, so one write(2) lands whole or not at all.
  ssize_t n;
  do {
    n = ::write(STDOUT_FILENO, line.data(), line.size());
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(line.size())) Die("short write of an acknowledgement");
}

void WriterThread(Store& store, int thread, int round, uint32_t seed,
                  std::vector<std::string> keys) {
  std::mt19937 rng(seed);
  for (uint64_t seq = 1;; ++seq) {
    const bool create = keys.empty() || rng() % 10 < 4;
    std::string key =
        create ? fmt::format("/crash/t{}/r{}-{}", thread, round, seq) : keys[rng() % keys.size()];
    std::string value = fmt::format("{}@{}.{}", key, round, seq);
    auto kv = create ? store.Create(key, value) : store.Update(key, value, 0);
    if (!kv) Die(fmt::format("{} {}: {}", create ? "create" : "update", key, kv.error()));
    if (kv->value != value || kv->key != key) Die(fmt::format("write {} echoed wrong data", key));
    WriteLine(fmt::format("{} {} {}\n", key, kv->mod_revision, value));
    if (create) keys.push_back(std::move(key));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) Die("usage: crash_writer DB_PATH ROUND THREADS SEED");
  const std::string path = argv[1];
  const int round = ParseInt(argv[2], "round");
  const int threads = ParseInt(argv[3], "thread count");
  const uint32_t seed = static_cast<uint32_t>(ParseInt(argv[4], "seed"));
  if (threads < 1 || threads > 64) Die("thread count must be 1-64");

  orchd::RealClock clock;
  Store store(orchd::store::StoreOptions{.path = path, .history_window = std::chrono::hours(24)},
              clock);
  if (orchd::Status s = store.Start(); !s.ok()) Die(fmt::format("start: {}", s));

  // Each thread takes back the keys it created in earlier rounds.
  std::vector<std::vector<std::string>> owned(static_cast<size_t>(threads));
  auto existing = store.List("/crash/");
  if (!existing) Die(fmt::format("list: {}", existing.error()));
  for (const auto& kv : existing->kvs) {
    int t = -1;
    std::string_view rest = std::string_view(kv.key).substr(std::string_view("/crash/t").size());
    std::from_chars(rest.data(), rest.data() + rest.size(), t);
    if (t >= 0 && t < threads) owned[static_cast<size_t>(t)].push_back(kv.key);
  }

  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back(WriterThread, std::ref(store), t, round,
                         seed * 1000003u + static_cast<uint32_t>(t),
                         std::move(owned[static_cast<size_t>(t)]));
  }
  for (auto& w : workers) w.join();  // never: the writers run until SIGKILL
  return 1;
}
