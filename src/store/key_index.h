// KeyIndex: for every key, the rows of it that the log table still holds, in memory. The log
// table has no index by name: that index cost a random B-tree page per write, most of the bytes
// each commit wrote. Lookups by name (Get, List, preconditions, expiry) come here, then read the
// rows by id, the table's primary key.
//
// Invariants (kept by SqliteBackend, which owns it):
//  * A key's versions are sorted by id; the last is the key's newest row, tombstones included.
//  * A row's version is added after the commit that wrote it and before the Store publishes its
//    revision, so a reader at a published revision finds every row it may need here.
//  * A version is removed after the compaction that deleted its row committed. A reader may thus
//    briefly find a version whose row is gone; only a read below the compact revision needs such
//    a row, and the Store answers that read Expired.
//
// Thread safety: the Store's writer thread mutates (a batch or a compaction step under one
// exclusive lock); readers on any thread. A writer-preferring RwLock guards the map, so readers
// cannot hold a commit's acknowledgement back for long; no call does I/O.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/rw_lock.h"
#include "store/types.h"

namespace orchd::store {

class KeyIndex {
 public:
  struct Version {
    Revision id = 0;
    Revision create_revision = 0;  // of the incarnation this row belongs to
    int64_t expires_ms = 0;        // 0: never
    bool deleted = false;          // a tombstone

    friend bool operator==(const Version&, const Version&) = default;
  };

  struct Added {
    std::string_view key;
    Version version;
  };
  // Adds rows, each newer than every row of its key held so far, in order.
  void AddAll(std::span<const Added> rows);
  void Add(std::string_view key, const Version& version) { AddAll({{Added{key, version}}}); }

  // Forgets rows (compaction deleted them); rows not held are ignored. Linear in the versions of
  // each key touched, however many of them go.
  void RemoveAll(std::vector<std::pair<std::string, Revision>> rows);
  void Remove(std::string_view key, Revision id) { RemoveAll({{std::string(key), id}}); }

  // The newest row of `key` with id <= `at` (tombstones included), or nullopt.
  std::optional<Version> At(std::string_view key, Revision at) const;

  // Ids of the newest row at or below `at` of each key in `range` after `after_key` that is live
  // (not a tombstone) at `at`, in key order, at most `limit`.
  std::vector<Revision> Live(const KeyRange& range, Revision at, std::string_view after_key,
                             int64_t limit) const;

  // Ids of the newest rows of the live keys that have an expiry time.
  std::vector<Revision> Expiring() const;

  size_t key_count() const;

 private:
  struct Entry {
    Version newest;
    std::vector<Version> older;  // ascending; empty for most keys (no heap block)
  };
  static const Version* Find(const Entry& e, Revision at);

  mutable RwLock mu_;
  std::map<std::string, Entry, std::less<>> keys_;
};

}  // namespace orchd::store
