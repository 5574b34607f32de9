#include "store/key_index.h"

#include <algorithm>
#include <mutex>
#include <shared_mutex>

namespace orchd::store {

void KeyIndex::AddAll(std::span<const Added> rows) {
  std::unique_lock lock(mu_);
  for (const Added& row : rows) {
    auto it = keys_.find(row.key);
    if (it == keys_.end()) {
      keys_.emplace(std::string(row.key), Entry{row.version, {}});
      continue;
    }
    it->second.older.push_back(it->second.newest);
    it->second.newest = row.version;
  }
}

void KeyIndex::RemoveAll(std::vector<std::pair<std::string, Revision>> rows) {
  std::sort(rows.begin(), rows.end());
  std::unique_lock lock(mu_);
  for (auto first = rows.begin(); first != rows.end();) {
    auto last =
        std::find_if(first, rows.end(), [&](const auto& r) { return r.first != first->first; });
    auto it = keys_.find(first->first);
    if (it != keys_.end()) {
      Entry& e = it->second;
      auto gone = [&](Revision id) {
        return std::binary_search(first, last, std::pair{first->first, id});
      };
      std::erase_if(e.older, [&](const Version& v) { return gone(v.id); });
      bool erase_key = false;
      if (gone(e.newest.id)) {
        if (e.older.empty()) {
          erase_key = true;
        } else {
          e.newest = e.older.back();
          e.older.pop_back();
        }
      }
      if (erase_key) {
        keys_.erase(it);
      } else if (e.older.capacity() > 2 * e.older.size() + 8) {
        e.older.shrink_to_fit();  // a key that was busy once keeps no large block
      }
    }
    first = last;
  }
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
