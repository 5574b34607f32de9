// Watch streams: a cache subscription filtered by namespace and selectors, encoded as JSON lines
// (or Table rows), queued with a bound and pulled by the HTTP connection.
#include <deque>

#include "common/log.h"
#include "common/strings.h"
#include "server/rest.h"
#include "server/rest_internal.h"
#include "server/tables.h"

namespace orchd::server {

using api::JsonDoc;
using api::JsonValue;

namespace {

constexpr size_t kMaxQueuedEvents = 4096;

}  // namespace

// The StreamSource of one watch. The cache thread pushes encoded events (Push); the HTTP
// connection pulls them (Next). Bounded: a watcher that falls kMaxQueuedEvents behind gets a
// 410 ERROR event and the stream ends, so its client relists.
class WatchStream : public StreamSource, public std::enable_shared_from_this<WatchStream> {
 public:
  WatchStream(WatchCache& cache, std::shared_ptr<Rest::Filter> filter, std::string table_version,
              bool bookmarks)
      : cache_(cache),
        filter_(std::move(filter)),
        table_version_(std::move(table_version)),
        bookmarks_(bookmarks) {}

  void SetSubscription(std::shared_ptr<WatchCache::Subscription> sub) {
    std::lock_guard lock(mu_);
    sub_ = std::move(sub);
  }

  // From the cache (any thread, serialised by the cache). Returns false to unsubscribe.
  bool OnEvents(const std::vector<const CacheEvent*>& events) {
    if (events.empty()) {  // the cache stopped
      End(std::nullopt);
      return false;
    }
    for (const CacheEvent* ev : events) {
      if (ev->object == nullptr) {  // progress: a bookmark when the client asked for them
        if (!bookmarks_ || ev->revision <= last_bookmark_) continue;
        last_bookmark_ = ev->revision;
        std::string line = R"({"type":"BOOKMARK","object":{"kind":")" + filter_->resource->kind +
                           R"(","apiVersion":")" + filter_->resource->api_version() +
                           R"(","metadata":{"resourceVersion":")" + std::to_string(ev->revision) +
                           "\"}}}\n";
        if (!Push(std::move(line))) return false;
        continue;
      }
      const char* type = nullptr;
      const CachedObject* obj = nullptr;
      bool now = filter_->Matches(*ev->object);
      bool before = ev->prev != nullptr && filter_->Matches(*ev->prev);
      switch (ev->type) {
        case CacheEventType::kAdded:
          if (now) type = "ADDED", obj = ev->object.get();
          break;
        case CacheEventType::kModified:
          if (now && before) {
            type = "MODIFIED", obj = ev->object.get();
          } else if (now) {
            type = "ADDED", obj = ev->object.get();
          } else if (before) {
            type = "DELETED", obj = ev->object.get();
          }
          break;
        case CacheEventType::kDeleted:
          if (now || before) type = "DELETED", obj = ev->object.get();
          break;
      }
      if (type == nullptr) continue;
      std::string line = Encode(type, *obj);
      if (!Push(std::move(line))) return false;
    }
    return true;
  }

  void Next(Deliver deliver) override {
    std::unique_lock lock(mu_);
    if (!queue_.empty()) {
      std::string chunk = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      deliver(std::move(chunk));
      return;
    }
    if (ended_) {
      lock.unlock();
      deliver(std::nullopt);
      return;
    }
    pending_ = std::move(deliver);
  }

  // Called from HTTP threads (deadline, client gone, server stop), never from the cache thread:
  // Unsubscribe waits for a delivery in progress, which may be waiting for mu_.
  void Cancel() override {
    End(std::nullopt);
    std::shared_ptr<WatchCache::Subscription> sub;
    {
      std::lock_guard lock(mu_);
      sub = std::move(sub_);
      sub_ = nullptr;
    }
    if (sub) cache_.Unsubscribe(sub);
  }

 private:
  std::string Encode(const char* type, const CachedObject& obj) {
    std::string out = R"({"type":")";
    out += type;
    out += R"(","object":)";
    if (table_version_.empty()) {
      out += obj.json;
    } else {
      auto ptr = std::shared_ptr<const CachedObject>(std::shared_ptr<const CachedObject>{},
                                                     &obj);  // non-owning, used in this call only
      out += TableJson(*filter_->resource, {ptr}, table_version_, "Metadata", obj.mod_revision, "",
                       !sent_columns_, -1);
      sent_columns_ = true;
    }
    out += "}\n";
    return out;
  }

  // Queues a chunk; false when the stream has ended.
  bool Push(std::string chunk) {
    Deliver d;
    {
      std::lock_guard lock(mu_);
      if (ended_) return false;
      if (pending_) {
        d = std::move(pending_);
        pending_ = nullptr;
      } else if (queue_.size() >= kMaxQueuedEvents) {
        queue_.emplace_back(
            R"({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},)"
            R"("status":"Failure","message":"the watcher fell too far behind; list again",)"
            R"("reason":"Expired","code":410}})"
            "\n");
        ended_ = true;
        return false;  // the cache unsubscribes us
      } else {
        queue_.push_back(std::move(chunk));
        return true;
      }
    }
    d(std::move(chunk));
    return true;
  }

  void End(std::optional<std::string> last) {
    Deliver d;
    {
      std::lock_guard lock(mu_);
      if (ended_) return;
      ended_ = true;
      if (last) queue_.push_back(std::move(*last));
      if (pending_ && queue_.empty()) {
        d = std::move(pending_);
        pending_ = nullptr;
      }
    }
    if (d) d(std::nullopt);
  }

  WatchCache& cache_;
  std::shared_ptr<Rest::Filter> filter_;
  std::string table_version_;
  const bool bookmarks_;
  bool sent_columns_ = false;          // touched on the cache thread only
  store::Revision last_bookmark_ = 0;  // likewise

  std::mutex mu_;
  std::deque<std::string> queue_;
  Deliver pending_;
  bool ended_ = false;
  std::shared_ptr<WatchCache::Subscription> sub_;
};

Result<std::shared_ptr<StreamSource>> Rest::Watch(const Target& t, const Query& q,
                                                  const std::string& table_version) {
  ORCHD_ASSIGN_OR_RETURN(auto filter, MakeFilter(t, q));
  if (q.Flag("sendInitialEvents")) {
    return Error(Code::kInvalid,
                 "sendInitialEvents: Forbidden: sendInitialEvents is not supported by this server");
  }
  std::string_view rv = q.GetOr("resourceVersion", "");
  bool initial = rv.empty() || rv == "0";
  store::Revision after = 0;
  if (!initial) {
    auto n = ParseInt64(rv);
    if (!n || *n < 0) return Error(Code::kBadRequest, "invalid resource version: {}", rv);
    after = *n;
  }
  auto stream =
      std::make_shared<WatchStream>(cache_, filter, table_version, q.Flag("allowWatchBookmarks"));
  std::weak_ptr<WatchStream> weak = stream;
  ORCHD_ASSIGN_OR_RETURN(
      auto sub, cache_.Subscribe(ListPrefix(t), after, initial, [weak](const auto& events) {
        auto s = weak.lock();
        return s != nullptr && s->OnEvents(events);
      }));
  stream->SetSubscription(std::move(sub));
  return std::shared_ptr<StreamSource>(stream);
}

}  // namespace orchd::server
