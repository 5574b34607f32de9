// HttpsClient: a small blocking HTTPS/1.1 client for tests, built directly on OpenSSL, so a test
// can talk to the API server the way a client library does (TLS with the cluster CA and a client
// certificate, keep-alive) and see exactly what came back on the wire.
//
// Contract:
//  * One connection, kept alive between requests. It is opened by the first Request() (the
//    constructor does no I/O), reopened by a later Request() after the server closed it while
//    idle or after a failed request, and never retried within a request: a request that fails
//    (refused, reset, timed out, cut in the middle of the response) returns an error and closes
//    the connection, so the caller decides whether sending again is safe.
//  * The server certificate must chain to `ca_pem` and name `host` (an IP literal is matched
//    against the IP SANs). SNI carries `host` unless it is an IP literal (RFC 6066 forbids them).
//  * Every wait is bounded by the call's timeout (poll on the socket, no sleeps); running out of
//    time is kTimeout. Other transport and TLS failures are kServiceUnavailable and name the peer;
//    bad PEM input is kInvalid.
//  * Responses are read whole: status line, headers, then a Content-Length or chunked body (or,
//    with neither, the body up to the end of the connection). 1xx interim responses are skipped.
//  * No SIGPIPE: the socket is written with send(MSG_NOSIGNAL) through memory BIOs, so a peer that
//    died never kills the test process.
//
// Not thread-safe: one thread drives a client; give each thread its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace orchd::testing {

namespace internal {
class HttpsConn;  // one TLS connection (https_client.cc)
}  // namespace internal

// PEM text of the trust anchor and of the client's identity.
struct TlsCredentials {
  std::string ca_pem;    // one or more CA certificates
  std::string cert_pem;  // the client certificate (then, optionally, its chain); empty: none
  std::string key_pem;   // the client certificate's private key
};

struct HttpsClientOptions {
  std::string host = "127.0.0.1";  // what to connect to and what the certificate must name
  uint16_t port = 0;
  TlsCredentials tls;
};

struct HttpsResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case, in order
  std::string body;                                          // decoded (chunks joined)

  // The first header named `name` (any case), or "" when absent.
  std::string_view Header(std::string_view name) const;
};

class HttpsClient {
 public:
  explicit HttpsClient(HttpsClientOptions options);
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // Sends one request and reads the whole response. `path` is the request target ("/api/v1/...").
  // With a non-empty `body` (or a method that carries one) the request has a Content-Length and,
  // when `content_type` is not empty, that Content-Type. Any HTTP status is a value; only failures
  // to get a whole response are errors.
  Result<HttpsResponse> Request(std::string_view method, std::string_view path,
                                std::string_view content_type = {}, std::string_view body = {},
                                std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Whether a connection is open now (for tests of reuse).
  bool connected() const;
  // How many connections this client has opened so far.
  int connections_opened() const;

 private:
  Status Connect(std::chrono::steady_clock::time_point deadline);

  HttpsClientOptions options_;
  std::unique_ptr<internal::HttpsConn> conn_;
  int connections_opened_ = 0;
};

// What a kubeconfig written by `orchd server --write-kubeconfig` says about its one cluster and
// user: the server URL split into host and port, and the decoded PEM credentials.
struct KubeconfigAccess {
  std::string server;  // "https://127.0.0.1:6443"
  std::string host;
  uint16_t port = 0;
  TlsCredentials tls;

  HttpsClientOptions ClientOptions() const {
    return HttpsClientOptions{.host = host, .port = port, .tls = tls};
  }
};

// Reads the first `server`, `certificate-authority-data`, `client-certificate-data` and
// `client-key-data` of a kubeconfig (a line-based reader for the flat layout orchd writes, not a
// YAML parser). kInvalid naming the field when one is missing or not valid base64 / not an
// https://host:port URL.
Result<KubeconfigAccess> LoadKubeconfig(const std::string& path);

}  // namespace orchd::testing
