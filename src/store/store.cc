#include "store/store.h"

#include "common/base64.h"
#include "common/completion.h"
#include "common/log.h"
#include "common/strings.h"
#include "store/sqlite_backend.h"

namespace orchd::store {

struct Store::Request {
  using Kind = RequestKind;
  Kind kind = Kind::kWrite;
  WriteOp op;
  WriteCallback on_write;               // kWrite
  Revision target = 0;                  // kCompact
  std::function<void(Status)> on_done;  // kCompact, kMaintain
};

namespace {

// Continue tokens: base64url("1:<revision>:<last key>"). Opaque to clients.
std::string EncodeContinue(Revision rev, std::string_view last_key) {
  return Base64Encode(fmt::format("1:{}:{}", rev, last_key), Base64Alphabet::kUrl);
}

Result<std::pair<Revision, std::string>> DecodeContinue(std::string_view token,
                                                        std::string_view prefix) {
  auto bad = [&] { return Error(Code::kBadRequest, "invalid continue token \"{}\"", token); };
  auto raw = Base64Decode(token, Base64Alphabet::kUrl);
  if (!raw || !raw->starts_with("1:")) return bad();
  std::string_view rest = std::string_view(*raw).substr(2);
  auto colon = rest.find(':');
  if (colon == std::string_view::npos) return bad();
  std::optional<int64_t> rev = ParseInt64(rest.substr(0, colon));
  if (!rev || *rev <= 0) return bad();
  std::string key(rest.substr(colon + 1));
  if (!key.starts_with(prefix)) return bad();
  return std::make_pair(*rev, std::move(key));
}

// Batches up to this size are acknowledged on the writer thread; larger ones by the acknowledger.
constexpr size_t kInlineAcks = 2;

Status FutureRevision(Revision rev, Revision head) {
  return Error(Code::kTimeout, "revision {} is in the future (current revision {})", rev, head);
}

Status Compacted(Revision rev, Revision compact) {
  return Error(Code::kExpired, "revision {} has been compacted (compact revision {})", rev,
               compact);
}

}  // namespace

Store::Store(StoreOptions options, Clock& clock) : options_(std::move(options)), clock_(clock) {}

Store::~Store() { Stop(); }

Status Store::Start() {
  SqliteOptions so;
  so.path = options_.path;
  so.readers = options_.readers;
  so.max_pages = options_.max_pages;
  ORCHD_ASSIGN_OR_RETURN(auto sqlite, SqliteBackend::Open(so));
  backend_ = std::move(sqlite);
  ORCHD_ASSIGN_OR_RETURN(Revision head, backend_->CurrentRevision());
  ORCHD_ASSIGN_OR_RETURN(Revision compact, backend_->CompactRevision());
  ORCHD_ASSIGN_OR_RETURN(auto expiring, backend_->Expiring());
  for (auto& row : expiring) expiry_.push({row.expires_ms, row.name, row.id});
  hub_ = std::make_shared<WatchHub>(
      WatchHubOptions{.ring_capacity = options_.event_ring, .replay_batch = 512}, backend_, head,
      compact);
  compact_target_ = compact;
  samples_.emplace_back(clock_.Now(), head);
  next_tick_ = clock_.Now() + options_.compact_interval;
  {
    std::lock_guard lock(mu_);
    running_ = true;
    stopping_ = false;
  }
  acks_done_ = false;
  acker_ = std::thread([this] { AckLoop(); });
  writer_ = std::thread([this] { WriterLoop(); });
  LOG_INFO("store open at {}: revision {}, compact revision {}, {} keys with a time to live",
           options_.path, head, compact, expiry_.size());
  return Status::Ok();
}

void Store::Stop() {
  {
    std::lock_guard lock(mu_);
    if (!running_) return;
    running_ = false;
    stopping_ = true;
  }
  cv_.notify_all();
  writer_.join();
  {
    std::lock_guard lock(ack_mu_);
    acks_done_ = true;
  }
  ack_cv_.notify_all();
  acker_.join();
  hub_->Close(Error(Code::kServiceUnavailable, "the store is stopping"));
}

// ---- writes ----

void Store::Submit(WriteOp op, WriteCallback done) {
  if (Status s = ValidateKey(op.key); !s.ok()) return done(s);
  if (op.value.size() > options_.max_value_bytes) {
    return done(Error(Code::kRequestEntityTooLarge, "value of key {} is {} bytes, over {}", op.key,
                      op.value.size(), options_.max_value_bytes));
  }
  if (op.lease < 0) return done(Error(Code::kBadRequest, "negative time to live"));
  op.expires_ms = op.lease > 0 ? clock_.NowUnixMillis() + op.lease * 1000 : 0;
  Request r;
  r.kind = Request::Kind::kWrite;
  r.op = std::move(op);
  r.on_write = std::move(done);
  Enqueue(std::move(r));
}

void Store::Enqueue(Request request) {
  Status refused;
  {
    std::lock_guard lock(mu_);
    if (!running_) {
      refused = Error(Code::kServiceUnavailable, "the store is not running");
    } else if (request.kind == Request::Kind::kWrite && queue_.size() >= options_.max_queue) {
      refused = Error(Code::kTooManyRequests, "the store's write queue is full ({} writes)",
                      queue_.size());
    }
    if (refused.ok()) {
      queue_.push_back(std::move(request));
      if (queue_.size() >= wake_at_) cv_.notify_one();
      return;
    }
  }
  // Refused: answer on this thread, outside the lock.
  if (request.on_write) {
    request.on_write(refused);
  } else if (request.on_done) {
    request.on_done(refused);
  }
}

Result<EventPtr> Store::WriteAndWait(WriteOp op) {
  Completion<Result<EventPtr>> done;
  Submit(std::move(op), [&done](Result<EventPtr> r) { done.Set(std::move(r)); });
  return done.Wait();
}

Result<KeyValue> Store::Create(std::string_view key, std::string value, const WriteOptions& opts) {
  ORCHD_ASSIGN_OR_RETURN(auto e, WriteAndWait({.kind = WriteKind::kCreate,
                                               .key = std::string(key),
                                               .value = std::move(value),
                                               .lease = opts.ttl_seconds}));
  return e->kv;
}

Result<KeyValue> Store::Update(std::string_view key, std::string value, Revision expected,
                               const WriteOptions& opts) {
  ORCHD_ASSIGN_OR_RETURN(auto e, WriteAndWait({.kind = WriteKind::kUpdate,
                                               .key = std::string(key),
                                               .value = std::move(value),
                                               .expected = expected,
                                               .lease = opts.ttl_seconds}));
  return e->kv;
}

Result<KeyValue> Store::Delete(std::string_view key, Revision expected) {
  ORCHD_ASSIGN_OR_RETURN(
      auto e,
      WriteAndWait({.kind = WriteKind::kDelete, .key = std::string(key), .expected = expected}));
  return e->kv;
}

Status Store::Compact(Revision revision) {
  Revision head = CurrentRevision();
  if (revision > head) {
    return Error(Code::kBadRequest, "cannot compact to revision {}: current revision is {}",
                 revision, head);
  }
  return RunControl(RequestKind::kCompact, revision);
}

Status Store::RunMaintenance() { return RunControl(RequestKind::kMaintain, 0); }

Status Store::RunControl(RequestKind kind, Revision target) {
  Completion<Status> done;
  Request r;
  r.kind = kind;
  r.target = target;
  r.on_done = [&done](Status s) { done.Set(std::move(s)); };
  Enqueue(std::move(r));
  return done.Wait();
}

// ---- reads ----

Revision Store::CurrentRevision() const { return hub_ ? hub_->head() : 0; }
Revision Store::CompactRevision() const { return hub_ ? hub_->compact_revision() : 0; }
size_t Store::live_watchers() const { return hub_ ? hub_->live_watchers() : 0; }

Result<KeyValue> Store::Get(std::string_view key, Revision at) {
  ORCHD_RETURN_IF_ERROR(ValidateKey(key));
  Revision head = hub_->head();
  if (at > head) return FutureRevision(at, head);
  // Reads pin the published head, so a Get never sees a write that watchers have not.
  Revision rev = at > 0 ? at : head;
  ORCHD_ASSIGN_OR_RETURN(auto row, backend_->Get(key, rev));
  if (at > 0) {
    Revision compact = hub_->compact_revision();
    if (at < compact) return Compacted(at, compact);
  }
  if (!row || row->deleted) return Error(Code::kNotFound, "key {} not found", key);
  return row->ToKeyValue();
}

Result<ListResult> Store::List(std::string_view prefix, const ListOptions& opts) {
  if (!prefix.empty()) ORCHD_RETURN_IF_ERROR(ValidateKey(prefix));
  if (opts.limit < 0) return Error(Code::kBadRequest, "negative limit {}", opts.limit);
  Revision head = hub_->head();
  Revision rev = opts.revision > 0 ? opts.revision : head;
  std::string after = opts.after_key;
  if (!opts.continue_token.empty()) {
    ORCHD_ASSIGN_OR_RETURN(auto token, DecodeContinue(opts.continue_token, prefix));
    rev = token.first;
    after = std::move(token.second);
  }
  if (rev > head) return FutureRevision(rev, head);
  auto check_compacted = [&]() -> Status {
    Revision compact = hub_->compact_revision();
    if (rev >= compact) return Status::Ok();
    if (!opts.continue_token.empty()) {
      return Error(Code::kExpired,
                   "the continue token has expired: its revision {} has been compacted; list "
                   "again from the start",
                   rev);
    }
    return Compacted(rev, compact);
  };
  ORCHD_RETURN_IF_ERROR(check_compacted());
  int64_t fetch = opts.limit > 0 ? opts.limit + 1 : INT64_MAX;
  ORCHD_ASSIGN_OR_RETURN(auto rows, backend_->List(PrefixRange(prefix), rev, after, fetch));
  ORCHD_RETURN_IF_ERROR(check_compacted());
  ListResult out;
  out.revision = rev;
  bool more = opts.limit > 0 && static_cast<int64_t>(rows.size()) > opts.limit;
  if (more) rows.resize(static_cast<size_t>(opts.limit));
  out.kvs.reserve(rows.size());
  for (auto& r : rows) out.kvs.push_back(r.ToKeyValue());
  if (more) out.continue_token = EncodeContinue(rev, out.kvs.back().key);
  return out;
}

Result<std::unique_ptr<Watcher>> Store::Watch(std::string_view prefix, const WatchOptions& opts) {
  if (!prefix.empty()) ORCHD_RETURN_IF_ERROR(ValidateKey(prefix));
  if (!hub_) return Error(Code::kServiceUnavailable, "the store is not running");
  return hub_->Watch(prefix, opts.after_revision,
                     opts.buffer > 0 ? opts.buffer : options_.watch_buffer);
}

Result<SizeInfo> Store::Size() {
  if (!backend_) return Error(Code::kServiceUnavailable, "the store is not running");
  return backend_->Size();
}

// ---- writer thread ----

void Store::WriterLoop() {
  std::vector<Request> batch;
  std::vector<Request> controls;
  size_t last_batch = 0;
  for (;;) {
    bool idle;
    {
      std::unique_lock lock(mu_);
      auto ready = [&] { return stopping_ || !queue_.empty(); };
      wake_at_ = 1;
      if (!MaintenanceBusy()) {
        if (options_.background_maintenance) {
          cv_.wait_for(lock, std::chrono::seconds(1), ready);
        } else {
          cv_.wait(lock, ready);
        }
      }
      if (stopping_ && queue_.empty()) break;
      // Group commit: after a batch of several writes, their writers are likely about to send
      // the next ones; wait a moment for them so they share one fsync. A lone writer
      // (last_batch <= 1) never waits.
      if (last_batch > 1 && queue_.size() < last_batch && !stopping_) {
        wake_at_ = last_batch;
        cv_.wait_for(lock, options_.group_commit_wait,
                     [&] { return stopping_ || queue_.size() >= last_batch; });
        wake_at_ = 1;
      }
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        Request& r = queue_.front();
        (r.kind == Request::Kind::kWrite ? batch : controls).push_back(std::move(r));
        queue_.pop_front();
      }
      idle = queue_.empty();
    }
    last_batch = batch.size();
    if (!batch.empty()) CommitBatch(batch);
    batch.clear();
    for (auto& c : controls) HandleControl(c);
    controls.clear();
    MaintenanceStep();
    if (Status s = backend_->BetweenBatches(idle); !s.ok()) LOG_ERROR("store: {}", s);
  }
  FinishWaiters(Error(Code::kServiceUnavailable, "the store is stopping"));
  LOG_INFO("store stopped: {} writes in {} commits ({:.1f} per commit)", writes_, commits_,
           commits_ ? static_cast<double>(writes_) / static_cast<double>(commits_) : 0.0);
}

std::vector<Result<EventPtr>> Store::CommitOps(std::vector<WriteOp> ops) {
  std::vector<Result<EventPtr>> out;
  out.reserve(ops.size());
  auto applied = backend_->Apply(ops);
  ++commits_;
  writes_ += static_cast<int64_t>(ops.size());
  if (!applied) {
    LOG_ERROR("store: commit of {} writes failed: {}", ops.size(), applied.error());
    for (size_t i = 0; i < ops.size(); ++i) out.emplace_back(applied.error());
    return out;
  }
  std::vector<EventPtr> events;
  events.reserve(ops.size());
  const auto committed = std::chrono::steady_clock::now();
  for (auto& r : *applied) {
    if (!r) {
      out.emplace_back(r.error());
      continue;
    }
    if (r->expires_ms > 0) expiry_.push({r->expires_ms, r->name, r->id});
    auto mutable_event = r->ToEvent();
    mutable_event->published = committed;
    EventPtr e = std::move(mutable_event);
    events.push_back(e);
    out.emplace_back(std::move(e));
  }
  // Publish before acknowledging: whoever sees the acknowledgement can watch from its revision.
  hub_->Publish(events);
  return out;
}

void Store::CommitBatch(std::vector<Request>& batch) {
  std::vector<WriteOp> ops;
  ops.reserve(batch.size());
  for (auto& r : batch) ops.push_back(std::move(r.op));
  auto results = CommitOps(std::move(ops));
  if (batch.size() <= kInlineAcks) {
    // A hop through the acknowledger would cost a lone writer more than the wake-up itself.
    for (size_t i = 0; i < batch.size(); ++i) batch[i].on_write(std::move(results[i]));
    return;
  }
  {
    std::lock_guard lock(ack_mu_);
    for (size_t i = 0; i < batch.size(); ++i) {
      acks_.emplace_back(std::move(batch[i].on_write), std::move(results[i]));
    }
  }
  ack_cv_.notify_one();
}

void Store::AckLoop() {
  std::vector<std::pair<WriteCallback, Result<EventPtr>>> acks;
  for (;;) {
    {
      std::unique_lock lock(ack_mu_);
      ack_cv_.wait(lock, [&] { return !acks_.empty() || acks_done_; });
      if (acks_.empty()) return;  // acks_done_ and drained
      acks.swap(acks_);
    }
    for (auto& [done, result] : acks) done(std::move(result));
    acks.clear();
  }
}

void Store::HandleControl(Request& request) {
  switch (request.kind) {
    case Request::Kind::kWrite:
      break;
    case Request::Kind::kCompact:
      compact_target_ = std::max(compact_target_, request.target);
      waiters_.push_back({request.target, std::move(request.on_done)});
      break;
    case Request::Kind::kMaintain:
      ExpireDue();
      Tick();
      // Maintenance also vacuums, even when there was nothing new to compact.
      if (compact_target_ <= hub_->compact_revision()) vacuum_pending_ = true;
      waiters_.push_back({compact_target_, std::move(request.on_done)});
      break;
  }
}

bool Store::MaintenanceBusy() const {
  return compact_target_ > hub_->compact_revision() || vacuum_pending_ ||
         (!expiry_.empty() && options_.background_maintenance &&
          expiry_.top().expires_ms <= clock_.NowUnixMillis());
}

void Store::MaintenanceStep() {
  if (options_.background_maintenance) {
    ExpireDue();
    if (clock_.Now() >= next_tick_) Tick();
  }
  Revision compact = hub_->compact_revision();
  if (compact_target_ > compact) {
    Revision to = std::min(compact_target_, compact + options_.compact_batch);
    // Raised before the commit so concurrent history readers err on the safe side.
    hub_->SetCompactRevision(to);
    auto step = backend_->CompactStep(to, to - compact);
    if (!step) {
      LOG_ERROR("store: compaction to revision {} failed: {}", to, step.error());
      hub_->SetCompactRevision(compact);
      compact_target_ = compact;
      FinishWaiters(step.error());
      return;
    }
    LOG_DEBUG("store: compacted to revision {} ({} rows removed)", step->compacted_to,
              step->rows_deleted);
    if (step->compacted_to >= compact_target_) vacuum_pending_ = true;
  } else if (vacuum_pending_) {
    auto freed = backend_->VacuumStep(options_.vacuum_batch);
    if (!freed) LOG_ERROR("store: vacuum failed: {}", freed.error());
    if (!freed || *freed == 0) {
      vacuum_pending_ = false;
      if (Status s = backend_->Checkpoint(); !s.ok()) LOG_ERROR("store: {}", s);
    }
  }
  FinishWaiters(Status::Ok());
}

void Store::FinishWaiters(const Status& failure) {
  Revision compact = hub_->compact_revision();
  std::vector<Waiter> keep;
  for (auto& w : waiters_) {
    if (!failure.ok() || (w.target <= compact && !vacuum_pending_)) {
      w.done(failure);
    } else {
      keep.push_back(std::move(w));
    }
  }
  waiters_ = std::move(keep);
}

void Store::ExpireDue() {
  int64_t now = clock_.NowUnixMillis();
  while (!expiry_.empty() && expiry_.top().expires_ms <= now) {
    std::vector<WriteOp> ops;
    std::vector<Expiry> taken;
    while (!expiry_.empty() && expiry_.top().expires_ms <= now && ops.size() < options_.max_batch) {
      const Expiry& e = expiry_.top();
      // Deletes only the revision that carried this expiry: a newer write wins.
      ops.push_back({.kind = WriteKind::kDelete, .key = e.key, .expected = e.revision});
      taken.push_back(e);
      expiry_.pop();
    }
    auto results = CommitOps(std::move(ops));
    for (size_t i = 0; i < results.size(); ++i) {
      Code code = results[i] ? Code::kOk : results[i].error().code();
      if (code == Code::kInternalError) {
        // Storage failed: try again in a second.
        expiry_.push({now + 1000, taken[i].key, taken[i].revision});
      }
    }
    if (std::any_of(results.begin(), results.end(),
                    [](const auto& r) { return !r && r.error().code() == Code::kInternalError; })) {
      return;
    }
  }
}

void Store::Tick() {
  Clock::WallTime now = clock_.Now();
  samples_.emplace_back(now, hub_->head());
  Revision target = 0;
  while (!samples_.empty() && samples_.front().first <= now - options_.history_window) {
    target = samples_.front().second;
    samples_.pop_front();
  }
  if (target > compact_target_) compact_target_ = target;
  next_tick_ = now + options_.compact_interval;
}

}  // namespace orchd::store
