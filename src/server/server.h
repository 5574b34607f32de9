// Server: the control plane of `orchd server`: the data directory, the cluster PKI and tokens,
// the store and the API server (the scheduler and workload controllers come later).
//
// Lifecycle: the constructor does no I/O; Start() creates the data directory, the PKI and the
// join token, opens the store, starts the API server and writes the admin kubeconfig; Stop()
// stops everything in reverse order. Not thread-safe: one owner drives it.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "common/clock.h"
#include "server/api_server.h"
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
  uint16_t api_port() const { return api_ ? api_->port() : 0; }

 private:
  Status WriteTokens(const std::string& ca_cert);

  ServerOptions options_;
  Clock& clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<ApiServer> api_;
};

// `orchd server ARGS`: runs until SIGTERM or SIGINT. Returns the process exit code.
int RunServerCommand(std::span<const std::string> args);

}  // namespace orchd::server
