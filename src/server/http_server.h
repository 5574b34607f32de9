// HttpServer: HTTPS/1.1 for the API server (Boost.Beast over OpenSSL), asynchronous, keep-alive.
//
// The server knows nothing of Kubernetes: it parses requests, hands each to one Handler and writes
// the HttpResponse the handler completes with, either a whole body or a chunked stream (watches).
// Boost stays inside http_server.cc; everything else sees the plain structs below.
//
// TLS: the serving certificate and key are given as PEM. Client certificates are requested but
// not required; one that is presented must chain to `client_ca_pem` or the handshake fails (Go's
// VerifyClientCertIfGiven, which kubectl expects). ALPN offers http/1.1 only.
//
// Threads: `threads` I/O threads run every connection; a connection's work runs on its own strand.
// The Handler is called on an I/O thread and must not block; it may complete from any thread
// (the response is posted back to the connection).
//
// Lifecycle: Start() binds and listens (port 0 picks a free port, see port()). Stop() stops
// accepting, ends every stream cleanly (the final chunk is written), closes idle connections,
// waits up to `drain_timeout` for in-flight requests, then joins the threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace orchd::server {

// The verified client certificate of a connection: subject CN and O values.
struct ClientCertIdentity {
  std::string common_name;
  std::vector<std::string> organizations;
};

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path and query, still percent-encoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::optional<ClientCertIdentity> client_cert;
  std::string remote;  // "ip:port" of the peer

  // The first header `name` (lower-case), or "".
  std::string_view Header(std::string_view name) const;
};

// A source of chunks for a streamed (chunked) response. Thread-safe.
class StreamSource {
 public:
  using Deliver = std::function<void(std::optional<std::string>)>;
  virtual ~StreamSource() = default;
  // Asks for the next chunk. `deliver` is called exactly once, from any thread, with the next
  // chunk, or with nullopt when the stream has ended. At most one Next() is pending at a time.
  virtual void Next(Deliver deliver) = 0;
  // Ends the stream: the client went away, the deadline passed, or the server stops. A pending
  // Next() is completed with nullopt. Idempotent.
  virtual void Cancel() = 0;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;
  // When set, the body above is ignored and the response is chunked: every chunk the source
  // delivers is written and flushed at once. The connection closes after the stream ends.
  std::shared_ptr<StreamSource> stream;
  // The stream is cancelled at this time (watch timeoutSeconds). Zero: no deadline.
  std::chrono::steady_clock::duration stream_timeout{};
};

using Responder = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(HttpRequest, Responder)>;

struct HttpServerOptions {
  std::string address = "0.0.0.0";
  uint16_t port = 6443;
  std::string cert_pem;       // serving certificate (chain)
  std::string key_pem;        // its private key
  std::string client_ca_pem;  // CA for client certificates
  int threads = 2;
  size_t max_body_bytes = 3 << 20;           // larger bodies get 413
  std::chrono::seconds idle_timeout{120};    // keep-alive connections idle this long are closed
  std::chrono::seconds request_timeout{60};  // to read one request's headers and body
  std::chrono::seconds drain_timeout{5};     // Stop() waits this long for in-flight requests
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the I/O threads. kInvalid for bad certificates, kInternalError
  // (naming the address) when the port cannot be bound.
  Status Start();
  void Stop();
  // The bound port (after Start()).
  uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Percent-decoding of a URL component ('+' stays '+'); nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view s);

}  // namespace orchd::server
