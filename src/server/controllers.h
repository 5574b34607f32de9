// Controllers that are part of the API's own semantics, run inside the API server:
//  * namespace finalization: a namespace being deleted has its content deleted, then its
//    `kubernetes` finalizer removed, then is deleted itself;
//  * garbage collection by ownerReferences: dependents of a deleted owner are deleted
//    (Background), orphaned (the owner's `orphan` finalizer: their ownerReferences to it are
//    removed first), or deleted before the owner (the `foregroundDeletion` finalizer).
//
// Level-triggered: each pass reads the whole state from the watch cache and does what is due,
// so a missed event or a restart loses nothing. Passes run on one controller thread, woken by
// cache events (at most every 100 ms) and every 2 s. Writes go through Rest, as any client's.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "common/clock.h"
#include "server/rest.h"

namespace orchd::server {

class Controllers {
 public:
  Controllers(Rest& rest, Clock& clock);
  ~Controllers();

  Status Start();
  void Stop();

 private:
  void Run();
  void Pass();
  void FinalizeNamespaces();
  void CollectGarbage();

  Rest& rest_;
  Clock& clock_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool dirty_ = true;
  std::shared_ptr<WatchCache::Subscription> sub_;
};

}  // namespace orchd::server
