// The data model of the revisioned store, shared by the back ends, the watch hub and the Store.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace orchd::store {

// A revision is the position of a write in the store's single, gap-free log (1, 2, 3, ...).
// Revision 0 means "none" or, as a read argument, "latest".
using Revision = int64_t;

struct KeyValue {
  std::string key;
  std::string value;
  Revision create_revision = 0;  // revision of the write that created this incarnation
  Revision mod_revision = 0;     // revision of the write that produced this value
  int64_t lease = 0;             // time to live in seconds given at that write; 0 = none

  friend bool operator==(const KeyValue&, const KeyValue&) = default;
};

enum class EventType { kCreate, kUpdate, kDelete };

struct Event {
  EventType type = EventType::kCreate;
  // For kDelete: the last value the key had; kv.mod_revision is the revision of the delete.
  KeyValue kv;
  // For kUpdate: the value before this write. Empty for kCreate and kDelete.
  std::string prev_value;
  // When the writer published it, right after its commit; unset for events replayed from the
  // database. For measuring delivery (commit to watcher), not for ordering.
  std::chrono::steady_clock::time_point published{};

  Revision revision() const { return kv.mod_revision; }
};
// Events are immutable once published and shared by every watcher that receives them.
using EventPtr = std::shared_ptr<const Event>;

std::string_view EventTypeName(EventType type);

// A half-open key range [start, end).
struct KeyRange {
  std::string start;
  std::string end;
  bool Contains(std::string_view key) const { return key >= start && key < end; }
};

// Keys are printable ASCII (0x21..0x7e), 1 to 1024 bytes: every Kubernetes registry key is.
// kBadRequest otherwise.
Status ValidateKey(std::string_view key);

// The range of all keys that start with `prefix`. An empty prefix is every key.
KeyRange PrefixRange(std::string_view prefix);

}  // namespace orchd::store
