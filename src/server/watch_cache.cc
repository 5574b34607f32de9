#include "server/watch_cache.h"

#include "common/log.h"
#include "store/types.h"

namespace orchd::server {

// One subscriber. `mu` serialises deliveries to its sink (initial replay against live events).
struct WatchCache::Subscription {
  std::string prefix;
  Sink sink;
  std::mutex mu;
  store::Revision after = 0;  // events up to this revision were delivered (or skipped)
  bool active = true;
};

namespace {
constexpr store::Revision kNoRevision = 0;
}  // namespace

WatchCache::WatchCache(store::Store& store, CacheDecoder decoder, size_t ring_capacity,
                       std::chrono::milliseconds progress_interval)
    : store_(store),
      decoder_(std::move(decoder)),
      ring_capacity_(ring_capacity),
      progress_interval_(progress_interval) {
  ring_.resize(ring_capacity_);
}

WatchCache::~WatchCache() { Stop(); }

Status WatchCache::Start() {
  std::string after;
  store::Revision rev = kNoRevision;
  std::map<std::string, CachedObjectPtr, std::less<>> objects;
  for (;;) {
    store::ListOptions lo;
    lo.limit = 2000;
    lo.revision = rev;
    lo.after_key = after;
    ORCHD_ASSIGN_OR_RETURN(auto page, store_.List("/registry/", lo));
    rev = page.revision;
    for (const auto& kv : page.kvs) {
      if (auto obj = decoder_(kv, kv.mod_revision)) objects.emplace(kv.key, std::move(obj));
    }
    if (page.kvs.empty() || page.continue_token.empty()) break;
    after = page.kvs.back().key;
  }
  if (rev == kNoRevision) rev = store_.CurrentRevision();
  store::WatchOptions wo;
  wo.after_revision = rev;
  wo.buffer = 100000;
  ORCHD_ASSIGN_OR_RETURN(watcher_, store_.Watch("/registry/", wo));
  {
    std::unique_lock lock(mu_);
    objects_ = std::move(objects);
  }
  revision_.store(rev);
  LOG_INFO("watch cache: {} objects at revision {}", object_count(), rev);
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void WatchCache::Stop() {
  if (!thread_.joinable()) return;
  stop_.store(true);
  thread_.join();
  Fail(Error(Code::kServiceUnavailable, "the API server is shutting down"));
}

void WatchCache::Run() {
  auto next_progress = std::chrono::steady_clock::now() + progress_interval_;
  while (!stop_.load()) {
    if (std::chrono::steady_clock::now() >= next_progress) {
      NotifyProgress();
      next_progress = std::chrono::steady_clock::now() + progress_interval_;
    }
    ExpireWaiters();
    auto events = watcher_->Next(std::chrono::milliseconds(200));
    if (events) {
      if (!events->empty()) Apply(*events);
      continue;
    }
    if (stop_.load()) break;
    Status err = events.error();
    if (err.code() == Code::kGone) {
      // Fell behind the store's buffer: resume from the last applied revision (history replay).
      LOG_WARN("watch cache: {}; resuming from revision {}", err, revision_.load());
      store::WatchOptions wo;
      wo.after_revision = revision_.load();
      wo.buffer = 100000;
      auto w = store_.Watch("/registry/", wo);
      if (w) {
        watcher_ = std::move(*w);
        continue;
      }
      err = w.error();
    }
    LOG_ERROR("watch cache stopped following the store: {}", err);
    Fail(err);
    return;
  }
}

void WatchCache::Apply(const std::vector<store::EventPtr>& events) {
  std::vector<CacheEvent> applied;
  applied.reserve(events.size());
  {
    std::unique_lock lock(mu_);
    for (const auto& ev : events) {
      CacheEvent ce;
      ce.revision = ev->revision();
      auto it = objects_.find(ev->kv.key);
      if (it != objects_.end()) ce.prev = it->second;
      CachedObjectPtr obj = decoder_(ev->kv, ev->revision());
      if (ev->type == store::EventType::kDelete) {
        if (it != objects_.end()) objects_.erase(it);
        ce.type = CacheEventType::kDeleted;
        ce.object = obj != nullptr ? obj : ce.prev;
      } else {
        if (obj == nullptr) {  // undecodable: drop whatever we had under that key
          if (it != objects_.end()) objects_.erase(it);
          continue;
        }
        ce.type = ce.prev != nullptr ? CacheEventType::kModified : CacheEventType::kAdded;
        ce.object = obj;
        objects_[ev->kv.key] = obj;
      }
      if (ce.object == nullptr) continue;
      size_t slot = (ring_start_ + ring_size_) % ring_capacity_;
      if (ring_size_ == ring_capacity_) {
        ring_start_ = (ring_start_ + 1) % ring_capacity_;
      } else {
        ++ring_size_;
      }
      ring_[slot] = ce;
      applied.push_back(std::move(ce));
    }
    revision_.store(events.back()->revision());
  }
  store::Revision rev = revision_.load();

  std::vector<std::shared_ptr<Subscription>> subs;
  std::vector<std::function<void(Status)>> ready;
  {
    std::lock_guard lock(sub_mu_);
    subs = subscribers_;
    auto end = waiters_.upper_bound(rev);
    for (auto it = waiters_.begin(); it != end; ++it) ready.push_back(std::move(it->second.fn));
    waiters_.erase(waiters_.begin(), end);
  }
  for (auto& fn : ready) fn(Status::Ok());

  std::vector<std::shared_ptr<Subscription>> done;
  std::vector<const CacheEvent*> batch;
  for (const auto& sub : subs) {
    std::lock_guard lock(sub->mu);
    if (!sub->active) continue;
    batch.clear();
    for (const CacheEvent& ce : applied) {
      if (ce.revision > sub->after && ce.object->key.starts_with(sub->prefix)) {
        batch.push_back(&ce);
      }
    }
    sub->after = rev;
    if (!batch.empty() && !sub->sink(batch)) {
      sub->active = false;
      done.push_back(sub);
    }
  }
  if (!done.empty()) {
    std::lock_guard lock(sub_mu_);
    std::erase_if(subscribers_, [](const auto& s) { return !s->active; });
  }
}

void WatchCache::ExpireWaiters() {
  auto now = std::chrono::steady_clock::now();
  std::vector<std::pair<store::Revision, std::function<void(Status)>>> expired;
  {
    std::lock_guard lock(sub_mu_);
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (it->second.deadline <= now) {
        expired.emplace_back(it->first, std::move(it->second.fn));
        it = waiters_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& [rev, fn] : expired) {
    fn(Error(Code::kTimeout, "Too large resource version: {}, current: {}", rev, revision_.load()));
  }
}

void WatchCache::NotifyProgress() {
  std::vector<std::shared_ptr<Subscription>> subs;
  {
    std::lock_guard lock(sub_mu_);
    subs = subscribers_;
  }
  CacheEvent progress;
  progress.revision = revision_.load();
  std::vector<const CacheEvent*> batch{&progress};
  bool any_done = false;
  for (const auto& sub : subs) {
    std::lock_guard lock(sub->mu);
    if (!sub->active) continue;
    if (!sub->sink(batch)) {
      sub->active = false;
      any_done = true;
    }
  }
  if (any_done) {
    std::lock_guard lock(sub_mu_);
    std::erase_if(subscribers_, [](const auto& s) { return !s->active; });
  }
}

void WatchCache::Fail(const Status& why) {
  std::multimap<store::Revision, Waiter> waiters;
  std::vector<std::shared_ptr<Subscription>> subs;
  {
    std::lock_guard lock(sub_mu_);
    if (failed_.ok()) failed_ = why;
    waiters.swap(waiters_);
    subs.swap(subscribers_);
  }
  for (auto& [rev, w] : waiters) w.fn(why);
  for (const auto& sub : subs) {
    std::lock_guard lock(sub->mu);
    if (!sub->active) continue;
    sub->active = false;
    sub->sink({});  // an empty batch: the cache has ended
  }
}

void WatchCache::WhenAtLeast(store::Revision rev, std::function<void(Status)> fn,
                             std::chrono::steady_clock::time_point deadline) {
  {
    std::lock_guard lock(sub_mu_);
    if (!failed_.ok()) {
      Status why = failed_;
      fn(why);
      return;
    }
    if (revision_.load() < rev) {
      waiters_.emplace(rev, Waiter{std::move(fn), deadline});
      return;
    }
  }
  fn(Status::Ok());
}

Result<CachedObjectPtr> WatchCache::Get(std::string_view key) const {
  std::shared_lock lock(mu_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return Error(Code::kNotFound, "{} not found", key);
  return it->second;
}

std::vector<CachedObjectPtr> WatchCache::List(std::string_view prefix, store::Revision* rev) const {
  std::vector<CachedObjectPtr> out;
  std::shared_lock lock(mu_);
  for (auto it = objects_.lower_bound(prefix); it != objects_.end(); ++it) {
    if (!it->first.starts_with(prefix)) break;
    out.push_back(it->second);
  }
  if (rev != nullptr) *rev = revision_.load();
  return out;
}

size_t WatchCache::object_count() const {
  std::shared_lock lock(mu_);
  return objects_.size();
}

Result<std::shared_ptr<WatchCache::Subscription>> WatchCache::Subscribe(std::string_view prefix,
                                                                        store::Revision after,
                                                                        bool initial, Sink sink) {
  auto sub = std::make_shared<Subscription>();
  sub->prefix = std::string(prefix);
  sub->sink = std::move(sink);
  std::lock_guard sub_lock(sub->mu);
  std::vector<CacheEvent> replay;
  {
    std::shared_lock lock(mu_);
    store::Revision rev = revision_.load();
    if (initial) {
      for (auto it = objects_.lower_bound(prefix); it != objects_.end(); ++it) {
        if (!it->first.starts_with(prefix)) break;
        replay.push_back({CacheEventType::kAdded, it->second->mod_revision, it->second, nullptr});
      }
    } else {
      store::Revision oldest = ring_size_ > 0 ? ring_[ring_start_].revision : rev + 1;
      if (after < oldest - 1 && after < rev) {
        return Error(Code::kExpired, "too old resource version: {} ({})", after, oldest - 1);
      }
      for (size_t i = 0; i < ring_size_; ++i) {
        const CacheEvent& ce = ring_[(ring_start_ + i) % ring_capacity_];
        if (ce.revision > after && ce.object->key.starts_with(prefix)) replay.push_back(ce);
      }
    }
    sub->after = rev;
    std::lock_guard lock2(sub_mu_);
    if (!failed_.ok()) return failed_;
    subscribers_.push_back(sub);
  }
  if (!replay.empty()) {
    std::vector<const CacheEvent*> batch;
    batch.reserve(replay.size());
    for (const CacheEvent& ce : replay) batch.push_back(&ce);
    if (!sub->sink(batch)) sub->active = false;
  }
  return sub;
}

void WatchCache::Unsubscribe(const std::shared_ptr<Subscription>& sub) {
  {
    std::lock_guard lock(sub->mu);
    sub->active = false;
  }
  std::lock_guard lock(sub_mu_);
  std::erase_if(subscribers_, [&](const auto& s) { return s == sub; });
}

}  // namespace orchd::server
