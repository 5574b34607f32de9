// Server: the control plane of `orchd server`. Today it owns the data directory and the store;
// the API server, scheduler and controllers mount on it in later issues.
//
// Lifecycle: the constructor does no I/O; Start() creates the data directory and opens the
// store; Stop() stops everything in reverse order. Not thread-safe: one owner drives it.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "common/clock.h"
#include "server/options.h"
#include "store/store.h"

namespace orchd::server {

class Server {
 public:
  Server(ServerOptions options, Clock& clock);
  ~Server();

  Status Start();
  void Stop();

  store::Store& store() { return *store_; }

 private:
  ServerOptions options_;
  Clock& clock_;
  std::unique_ptr<store::Store> store_;
};

// `orchd server ARGS`: runs until SIGTERM or SIGINT. Returns the process exit code.
int RunServerCommand(std::span<const std::string> args);

}  // namespace orchd::server
