#include "store/watch_hub.h"

#include <algorithm>

#include "common/check.h"

namespace orchd::store {

enum class WatchPhase { kCatchUp, kLive, kDone };

struct WatcherState {
  KeyRange range;
  size_t capacity = 0;

  mutable std::mutex mu;
  std::condition_variable cv;
  WatchPhase phase = WatchPhase::kCatchUp;
  // Catch-up: every event <= cursor has been handed out. Live: events <= cursor are skipped.
  Revision cursor = 0;
  Revision progress = 0;  // live: the head when last published to
  std::deque<EventPtr> queue;
  Status error;
  std::function<void()> notify;

  // Ends the watcher; returns the notify function to call outside the lock. Caller holds mu.
  std::function<void()> EndLocked(Status why) {
    phase = WatchPhase::kDone;
    error = std::move(why);
    queue.clear();
    cv.notify_all();
    return notify;
  }
};

// ---- Watcher ----

Watcher::Watcher(std::shared_ptr<WatchHub> hub, std::shared_ptr<WatcherState> state)
    : hub_(std::move(hub)), state_(std::move(state)) {}

Watcher::~Watcher() { hub_->Remove(state_.get()); }

Result<std::vector<EventPtr>> Watcher::Next(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    WatchPhase phase;
    {
      std::unique_lock lock(state_->mu);
      if (!state_->error.ok()) return state_->error;
      if (!state_->queue.empty()) {
        std::vector<EventPtr> out(std::make_move_iterator(state_->queue.begin()),
                                  std::make_move_iterator(state_->queue.end()));
        state_->queue.clear();
        return out;
      }
      phase = state_->phase;
      if (phase == WatchPhase::kLive) {
        bool ready = state_->cv.wait_until(
            lock, deadline, [&] { return !state_->queue.empty() || !state_->error.ok(); });
        if (!ready) return std::vector<EventPtr>();
        continue;
      }
    }
    auto events = hub_->CatchUp(state_);
    if (!events) {
      {
        // The consumer is this thread, so there is no one to notify.
        std::lock_guard lock(state_->mu);
        (void)state_->EndLocked(events.error());
      }
      hub_->Remove(state_.get());
      return events.error();
    }
    if (!events->empty()) return std::move(*events);
  }
}

void Watcher::SetNotify(const std::function<void()>& fn) {
  bool ready;
  {
    std::lock_guard lock(state_->mu);
    state_->notify = fn;
    ready = !state_->queue.empty() || !state_->error.ok() || state_->phase == WatchPhase::kCatchUp;
  }
  if (ready && fn) fn();
}

Revision Watcher::progress_revision() const {
  std::lock_guard lock(state_->mu);
  if (state_->phase == WatchPhase::kLive) {
    return state_->queue.empty() ? state_->progress : state_->queue.front()->revision() - 1;
  }
  return state_->cursor;
}

// ---- WatchHub ----

WatchHub::WatchHub(WatchHubOptions options, std::shared_ptr<Backend> backend, Revision head,
                   Revision compact_revision)
    : options_(options), backend_(std::move(backend)), head_(head), compact_(compact_revision) {}

size_t WatchHub::live_watchers() const {
  std::lock_guard lock(mu_);
  return live_.size();
}

void WatchHub::Publish(const std::vector<EventPtr>& events) {
  if (events.empty()) return;
  std::vector<std::function<void()>> notify;
  {
    std::lock_guard lock(mu_);
    Revision head = head_.load();
    for (const auto& e : events) {
      ORCHD_CHECK(e->revision() == head + 1);
      head = e->revision();
      ring_.push_back(e);
    }
    while (ring_.size() > options_.ring_capacity) ring_.pop_front();
    head_.store(head);

    auto keep = live_.begin();
    for (auto& w : live_) {
      std::lock_guard wl(w->mu);
      bool added = false;
      bool overflow = false;
      for (const auto& e : events) {
        if (e->revision() <= w->cursor || !w->range.Contains(e->kv.key)) continue;
        if (w->queue.size() >= w->capacity) {
          overflow = true;
          break;
        }
        w->queue.push_back(e);
        added = true;
      }
      w->progress = head;
      if (overflow) {
        auto fn = w->EndLocked(Error(Code::kGone,
                                     "watcher fell behind: its buffer of {} events is full; "
                                     "relist and watch again",
                                     w->capacity));
        if (fn) notify.push_back(std::move(fn));
        continue;  // dropped from live_
      }
      if (added) {
        w->cv.notify_all();
        if (w->notify) notify.push_back(w->notify);
      }
      *keep++ = std::move(w);
    }
    live_.erase(keep, live_.end());
  }
  for (auto& fn : notify) fn();
}

Result<std::unique_ptr<Watcher>> WatchHub::Watch(std::string_view prefix, Revision after,
                                                 size_t buffer) {
  auto s = std::make_shared<WatcherState>();
  s->range = PrefixRange(prefix);
  s->capacity = std::max<size_t>(1, buffer);
  std::lock_guard lock(mu_);
  if (!closed_.ok()) return closed_;
  Revision head = head_.load();
  Revision compact = compact_.load();
  if (after >= 0 && after < compact) {
    return Error(Code::kExpired, "revision {} has been compacted (compact revision {})", after,
                 compact);
  }
  if (after < 0 || after >= head) {
    s->phase = WatchPhase::kLive;
    s->cursor = std::max(after, head);
    s->progress = head;
    live_.push_back(s);
  } else {
    s->phase = WatchPhase::kCatchUp;
    s->cursor = after;
  }
  return std::unique_ptr<Watcher>(new Watcher(shared_from_this(), std::move(s)));
}

Result<std::vector<EventPtr>> WatchHub::CatchUp(const std::shared_ptr<WatcherState>& s) {
  // Only the consumer's thread moves `cursor` during catch-up, so reading it unlocked from
  // this (the same) thread is safe; writes go under the watcher's mutex for progress_revision().
  Revision cursor;
  {
    std::lock_guard wl(s->mu);
    cursor = s->cursor;
  }
  const size_t batch = static_cast<size_t>(options_.replay_batch);
  Revision upto;
  {
    std::lock_guard lock(mu_);
    if (!closed_.ok()) return closed_;
    Revision compact = compact_.load();
    if (cursor < compact) {
      return Error(Code::kExpired, "revision {} has been compacted (compact revision {})", cursor,
                   compact);
    }
    Revision head = head_.load();
    Revision first = ring_.empty() ? head + 1 : ring_.front()->revision();
    if (cursor + 1 >= first) {
      // The ring holds everything after the cursor.
      std::vector<EventPtr> out;
      size_t i = static_cast<size_t>(cursor + 1 - first);
      for (; i < ring_.size() && out.size() < batch; ++i) {
        if (s->range.Contains(ring_[i]->kv.key)) out.push_back(ring_[i]);
      }
      std::lock_guard wl(s->mu);
      if (i == ring_.size()) {
        s->cursor = head;
        s->progress = head;
        s->phase = WatchPhase::kLive;
        live_.push_back(s);
      } else {
        s->cursor = ring_[i - 1]->revision();
      }
      return out;
    }
    upto = first - 1;
  }
  ORCHD_ASSIGN_OR_RETURN(auto rows,
                         backend_->History(s->range, cursor, upto, options_.replay_batch));
  // A compaction that committed before or during the read may have removed rows in range.
  Revision compact = compact_.load();
  if (compact > cursor) {
    return Error(Code::kExpired, "revision {} has been compacted (compact revision {})", cursor,
                 compact);
  }
  std::vector<EventPtr> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(r.ToEvent());
  Revision next = rows.size() < batch ? upto : rows.back().id;
  std::lock_guard wl(s->mu);
  s->cursor = next;
  return out;
}

void WatchHub::Remove(const WatcherState* s) {
  std::lock_guard lock(mu_);
  std::erase_if(live_, [&](const auto& w) { return w.get() == s; });
}

void WatchHub::Close(const Status& why) {
  std::vector<std::function<void()>> notify;
  {
    std::lock_guard lock(mu_);
    closed_ = why;
    for (auto& w : live_) {
      std::lock_guard wl(w->mu);
      if (auto fn = w->EndLocked(why)) notify.push_back(std::move(fn));
    }
    live_.clear();
  }
  for (auto& fn : notify) fn();
}

}  // namespace orchd::store
