#include "store/key_index.h"

#include <algorithm>
#include <mutex>

namespace orchd::store {

void KeyIndex::Add(std::string_view key, const Version& version) {
  std::unique_lock lock(mu_);
  auto it = keys_.find(key);
  if (it == keys_.end()) {
    keys_.emplace(std::string(key), Entry{version, {}});
    return;
  }
  it->second.older.push_back(it->second.newest);
  it->second.newest = version;
}

void KeyIndex::Remove(std::string_view key, Revision id) {
  std::unique_lock lock(mu_);
  auto it = keys_.find(key);
  if (it == keys_.end()) return;
  Entry& e = it->second;
  if (e.newest.id == id) {
    if (e.older.empty()) {
      keys_.erase(it);
      return;
    }
    e.newest = e.older.back();
    e.older.pop_back();
    return;
  }
  auto pos = std::lower_bound(e.older.begin(), e.older.end(), id,
                              [](const Version& v, Revision r) { return v.id < r; });
  if (pos != e.older.end() && pos->id == id) e.older.erase(pos);
  if (e.older.empty()) e.older.shrink_to_fit();
}

const KeyIndex::Version* KeyIndex::Find(const Entry& e, Revision at) {
  if (e.newest.id <= at) return &e.newest;
  // The newest older version with id <= at.
  auto pos = std::upper_bound(e.older.begin(), e.older.end(), at,
                              [](Revision r, const Version& v) { return r < v.id; });
  if (pos == e.older.begin()) return nullptr;
  return &*(pos - 1);
}

std::optional<KeyIndex::Version> KeyIndex::At(std::string_view key, Revision at) const {
  std::shared_lock lock(mu_);
  auto it = keys_.find(key);
  if (it == keys_.end()) return std::nullopt;
  const Version* v = Find(it->second, at);
  if (v == nullptr) return std::nullopt;
  return *v;
}

std::vector<Revision> KeyIndex::Live(const KeyRange& range, Revision at, std::string_view after_key,
                                     int64_t limit) const {
  std::vector<Revision> out;
  std::shared_lock lock(mu_);
  auto it = after_key.empty() || after_key < range.start ? keys_.lower_bound(range.start)
                                                         : keys_.upper_bound(after_key);
  for (; it != keys_.end() && it->first < range.end; ++it) {
    if (static_cast<int64_t>(out.size()) >= limit) break;
    const Version* v = Find(it->second, at);
    if (v != nullptr && !v->deleted) out.push_back(v->id);
  }
  return out;
}

std::vector<Revision> KeyIndex::Expiring() const {
  std::vector<Revision> out;
  std::shared_lock lock(mu_);
  for (const auto& [key, e] : keys_) {
    if (!e.newest.deleted && e.newest.expires_ms > 0) out.push_back(e.newest.id);
  }
  return out;
}

size_t KeyIndex::key_count() const {
  std::shared_lock lock(mu_);
  return keys_.size();
}

}  // namespace orchd::store
