// ApiServer: the Kubernetes API over HTTPS. Owns the HTTP server, the watch cache, the REST
// machinery and the in-process controllers that are part of the API's semantics (namespace
// finalization, garbage collection by ownerReferences); routes each request (health, version,
// discovery, OpenAPI, resources) after authenticating it.
//
// Lifecycle: Start() loads the cache, creates the bootstrap objects (the four system
// namespaces, the `kubernetes` service) and starts serving; Stop() ends streams and requests,
// then the controllers, then the cache. The store is owned by the caller and must outlive this.
#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "common/result.h"
#include "server/authn.h"
#include "server/http_server.h"
#include "store/store.h"

namespace orchd::server {

struct ApiServerOptions {
  std::string bind_address = "0.0.0.0";
  uint16_t port = 6443;
  std::string advertise_address = "127.0.0.1";  // for discovery and the kubernetes endpoints
  std::string cert_pem;
  std::string key_pem;
  std::string client_ca_pem;
  std::string service_cidr = "10.43.0.0/16";
  int threads = 2;
  int64_t event_ttl_seconds = 3600;
  Authenticator authenticator;
};

class ApiServer {
 public:
  ApiServer(ApiServerOptions options, store::Store& store, Clock& clock);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  Status Start();
  void Stop();
  uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace orchd::server
