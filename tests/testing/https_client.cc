#include "testing/https_client.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "common/base64.h"
#include "common/fs.h"
#include "common/strings.h"
#include "common/unique_handle.h"

namespace orchd::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;
using Deadline = SteadyClock::time_point;

using SslCtxPtr = UniquePtr<SSL_CTX, SSL_CTX_free>;
using SslPtr = UniquePtr<SSL, SSL_free>;
using BioPtr = UniquePtr<BIO, BIO_free_all>;
using X509Ptr = UniquePtr<X509, X509_free>;
using PkeyPtr = UniquePtr<EVP_PKEY, EVP_PKEY_free>;
using AddrInfoPtr = UniquePtr<addrinfo, freeaddrinfo>;

constexpr size_t kIoChunk = size_t{16} * 1024;
constexpr size_t kMaxLine = size_t{64} * 1024;  // status line, header line or chunk-size line

// This thread's OpenSSL error queue as text (and emptied).
std::string OpenSslErrors() {
  std::string out;
  for (auto e = ERR_get_error(); e != 0; e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? std::string("no OpenSSL error queued") : out;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool ContainsToken(std::string_view header_value, std::string_view token) {
  return AsciiLower(header_value).find(token) != std::string::npos;
}

bool IsIpLiteral(const std::string& host) {
  in6_addr a6{};
  in_addr a4{};
  return ::inet_pton(AF_INET, host.c_str(), &a4) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), &a6) == 1;
}

int MillisLeft(Deadline deadline) {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(left, 0, INT_MAX));
}

// Every certificate in `pem`; kInvalid when there is none or one does not parse.
Result<std::vector<X509Ptr>> ReadCertificates(std::string_view pem, std::string_view what) {
  ERR_clear_error();
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return Error(Code::kInternalError, "{}: BIO_new_mem_buf: {}", what, OpenSslErrors());
  std::vector<X509Ptr> certs;
  for (;;) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    certs.push_back(std::move(cert));
  }
  // The loop ends with "no start line" at the end of the text; any other error is bad input.
  auto last = ERR_peek_last_error();
  bool clean_end = ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE;
  if (certs.empty() || (last != 0 && !clean_end)) {
    return Error(Code::kInvalid, "{}: no valid PEM certificate: {}", what, OpenSslErrors());
  }
  ERR_clear_error();
  return certs;
}

Result<SslCtxPtr> MakeContext(const TlsCredentials& tls) {
  ERR_clear_error();
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return Error(Code::kInternalError, "SSL_CTX_new: {}", OpenSslErrors());
  if (SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1) {
    return Error(Code::kInternalError, "SSL_CTX_set_min_proto_version: {}", OpenSslErrors());
  }
  ORCHD_ASSIGN_OR_RETURN(auto cas, ReadCertificates(tls.ca_pem, "CA certificate"));
  X509_STORE* store = SSL_CTX_get_cert_store(ctx.get());
  for (const auto& ca : cas) {
    if (X509_STORE_add_cert(store, ca.get()) != 1) {  // takes its own reference
      return Error(Code::kInvalid, "CA certificate: {}", OpenSslErrors());
    }
  }
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);

  if (!tls.cert_pem.empty()) {
    ORCHD_ASSIGN_OR_RETURN(auto chain, ReadCertificates(tls.cert_pem, "client certificate"));
    if (SSL_CTX_use_certificate(ctx.get(), chain[0].get()) != 1) {
      return Error(Code::kInvalid, "client certificate: {}", OpenSslErrors());
    }
    for (size_t i = 1; i < chain.size(); ++i) {
      if (SSL_CTX_add1_chain_cert(ctx.get(), chain[i].get()) != 1) {
        return Error(Code::kInvalid, "client certificate chain: {}", OpenSslErrors());
      }
    }
    BioPtr bio(BIO_new_mem_buf(tls.key_pem.data(), static_cast<int>(tls.key_pem.size())));
    if (!bio) return Error(Code::kInternalError, "BIO_new_mem_buf: {}", OpenSslErrors());
    PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key) return Error(Code::kInvalid, "client key: no valid PEM key: {}", OpenSslErrors());
    if (SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1 ||
        SSL_CTX_check_private_key(ctx.get()) != 1) {
      return Error(Code::kInvalid, "client key: {}", OpenSslErrors());
    }
  }
  return ctx;
}

// Waits until `fd` is ready for `events` (or has an error to report), at most until the deadline.
Status WaitFd(int fd, decltype(pollfd::events) events, Deadline deadline, std::string_view what) {
  for (;;) {
    int left = MillisLeft(deadline);
    if (left == 0) return Error(Code::kTimeout, "{}: timed out", what);
    pollfd p{fd, events, 0};
    int rc = ::poll(&p, 1, left);
    if (rc > 0) return Status::Ok();
    if (rc < 0 && errno != EINTR) return ErrnoStatus(errno, fmt::format("poll ({})", what));
  }
}

}  // namespace

// One TLS connection. The socket is non-blocking; OpenSSL reads and writes two memory BIOs and
// this class moves their bytes to and from the socket (send with MSG_NOSIGNAL, poll for waits).
namespace internal {

class HttpsConn {
 public:
  HttpsConn(std::string peer, UniqueFd fd, SslCtxPtr ctx, SslPtr ssl, BIO* in, BIO* out)
      : peer_(std::move(peer)),
        fd_(std::move(fd)),
        ctx_(std::move(ctx)),
        ssl_(std::move(ssl)),
        in_(in),
        out_(out) {}

  const std::string& peer() const { return peer_; }

  Status Handshake(Deadline deadline) {
    ORCHD_ASSIGN_OR_RETURN(
        int rc, Drive("TLS handshake with", deadline, [this] { return SSL_connect(ssl_.get()); }));
    if (rc <= 0) {
      return Error(Code::kServiceUnavailable, "TLS handshake with {}: connection closed", peer_);
    }
    return Status::Ok();
  }

  Status Write(std::string_view data, Deadline deadline) {
    while (!data.empty()) {
      int len = static_cast<int>(std::min<size_t>(data.size(), INT_MAX));
      ORCHD_ASSIGN_OR_RETURN(int n, Drive("write to", deadline,
                                          [&] { return SSL_write(ssl_.get(), data.data(), len); }));
      if (n <= 0) return Error(Code::kServiceUnavailable, "write to {}: connection closed", peer_);
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }

  // Appends what arrives to `sink`: the byte count, 0 at the end of the stream.
  Result<size_t> Read(std::string& sink, Deadline deadline) {
    char buf[kIoChunk];
    ORCHD_ASSIGN_OR_RETURN(int n, Drive("read from", deadline, [&] {
                             return SSL_read(ssl_.get(), buf, static_cast<int>(sizeof buf));
                           }));
    if (n <= 0) return 0;
    sink.append(buf, static_cast<size_t>(n));
    return static_cast<size_t>(n);
  }

  // Whether the idle connection can carry another request: false when the server closed it (or
  // reset it). Bytes that arrived meanwhile (TLS 1.3 session tickets) are kept for OpenSSL.
  bool Usable() {
    while (!eof_) {
      pollfd p{fd_.get(), POLLIN, 0};
      if (::poll(&p, 1, 0) <= 0) return true;
      char buf[kIoChunk];
      ssize_t n = ::recv(fd_.get(), buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) {
        BIO_write(in_, buf, static_cast<int>(n));
      } else if (n == 0) {
        eof_ = true;
      } else if (errno != EINTR) {
        return errno == EAGAIN || errno == EWOULDBLOCK;
      }
    }
    return false;
  }

 private:
  // Runs an SSL call until it completes, feeding the memory BIOs from the socket as OpenSSL asks.
  // Returns the call's result; 0 means the peer ended the stream (close_notify or end of file).
  template <typename Op>
  Result<int> Drive(std::string_view what, Deadline deadline, Op op) {
    for (;;) {
      ERR_clear_error();
      int rc = op();
      int err = rc > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl_.get(), rc);
      // Whatever OpenSSL produced (handshake records, alerts, application data) goes out now.
      ORCHD_RETURN_IF_ERROR(FlushOut(what, deadline));
      switch (err) {
        case SSL_ERROR_NONE:
          return rc;
        case SSL_ERROR_ZERO_RETURN:
          return 0;
        case SSL_ERROR_WANT_READ:
          if (eof_) return 0;
          ORCHD_RETURN_IF_ERROR(FillIn(what, deadline));
          continue;
        case SSL_ERROR_WANT_WRITE:  // a memory BIO takes every write; flushed above
          continue;
        default:
          break;
      }
      std::string detail = OpenSslErrors();
      auto verify = SSL_get_verify_result(ssl_.get());
      if (verify != X509_V_OK) {
        detail += fmt::format(" (server certificate: {})", X509_verify_cert_error_string(verify));
      }
      return Error(Code::kServiceUnavailable, "{} {}: {}", what, peer_, detail);
    }
  }

  Status FlushOut(std::string_view what, Deadline deadline) {
    while (BIO_ctrl_pending(out_) > 0) {
      char buf[kIoChunk];
      int n = BIO_read(out_, buf, static_cast<int>(sizeof buf));
      if (n <= 0) break;
      std::string_view rest(buf, static_cast<size_t>(n));
      while (!rest.empty()) {
        ssize_t sent = ::send(fd_.get(), rest.data(), rest.size(), MSG_NOSIGNAL);
        if (sent >= 0) {
          rest.remove_prefix(static_cast<size_t>(sent));
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
          ORCHD_RETURN_IF_ERROR(
              WaitFd(fd_.get(), POLLOUT, deadline, fmt::format("{} {}", what, peer_)));
        } else if (errno != EINTR) {
          return Error(Code::kServiceUnavailable, "{} {}: send: {}", what, peer_,
                       std::strerror(errno));
        }
      }
    }
    return Status::Ok();
  }

  // Waits for bytes from the socket and hands them to OpenSSL; notes the end of the stream.
  Status FillIn(std::string_view what, Deadline deadline) {
    for (;;) {
      char buf[kIoChunk];
      ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
      if (n > 0) {
        BIO_write(in_, buf, static_cast<int>(n));
        return Status::Ok();
      }
      if (n == 0) {
        eof_ = true;
        return Status::Ok();
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        ORCHD_RETURN_IF_ERROR(
            WaitFd(fd_.get(), POLLIN, deadline, fmt::format("{} {}", what, peer_)));
      } else if (errno != EINTR) {
        return Error(Code::kServiceUnavailable, "{} {}: recv: {}", what, peer_,
                     std::strerror(errno));
      }
    }
  }

  std::string peer_;
  UniqueFd fd_;
  SslCtxPtr ctx_;
  SslPtr ssl_;  // owns in_ and out_
  BIO* in_;     // socket -> OpenSSL
  BIO* out_;    // OpenSSL -> socket
  bool eof_ = false;
};

}  // namespace internal

namespace {

// Reads one response from a connection: lines, fixed-size pieces, or everything to the end.
class ResponseReader {
 public:
  ResponseReader(internal::HttpsConn& conn, Deadline deadline) : conn_(conn), deadline_(deadline) {}

  Result<std::string> Line() {
    for (;;) {
      auto nl = buf_.find("\r\n", pos_);
      if (nl != std::string::npos) {
        std::string line = buf_.substr(pos_, nl - pos_);
        pos_ = nl + 2;
        return line;
      }
      if (buf_.size() - pos_ > kMaxLine) {
        return Error(Code::kServiceUnavailable, "response from {}: a line longer than {} bytes",
                     conn_.peer(), kMaxLine);
      }
      ORCHD_RETURN_IF_ERROR(More());
    }
  }

  Status AppendExactly(size_t n, std::string& sink) {
    while (buf_.size() - pos_ < n) ORCHD_RETURN_IF_ERROR(More());
    sink.append(buf_, pos_, n);
    pos_ += n;
    return Status::Ok();
  }

  Status AppendToEnd(std::string& sink) {
    sink.append(buf_, pos_);
    pos_ = buf_.size();
    for (;;) {
      ORCHD_ASSIGN_OR_RETURN(size_t n, conn_.Read(sink, deadline_));
      if (n == 0) return Status::Ok();
    }
  }

 private:
  Status More() {
    if (pos_ > 0 && pos_ == buf_.size()) {
      buf_.clear();
      pos_ = 0;
    }
    ORCHD_ASSIGN_OR_RETURN(size_t n, conn_.Read(buf_, deadline_));
    if (n == 0) {
      return Error(Code::kServiceUnavailable,
                   "read from {}: connection closed before the whole response", conn_.peer());
    }
    return Status::Ok();
  }

  internal::HttpsConn& conn_;
  Deadline deadline_;
  std::string buf_;
  size_t pos_ = 0;
};

struct ParsedResponse {
  HttpsResponse response;
  bool close = false;  // the connection cannot carry another request
};

Status ReadHeaders(ResponseReader& r, const std::string& peer, ParsedResponse& out) {
  ORCHD_ASSIGN_OR_RETURN(std::string status_line, r.Line());
  // "HTTP/1.1 201 Created"
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12 || status_line[8] != ' ') {
    return Error(Code::kServiceUnavailable, "response from {}: bad status line {:?}", peer,
                 status_line);
  }
  auto code = ParseInt64(std::string_view(status_line).substr(9, 3));
  if (!code || *code < 100 || *code > 999) {
    return Error(Code::kServiceUnavailable, "response from {}: bad status line {:?}", peer,
                 status_line);
  }
  out.response.status = static_cast<int>(*code);
  out.response.headers.clear();
  bool http10 = status_line.starts_with("HTTP/1.0");
  for (;;) {
    ORCHD_ASSIGN_OR_RETURN(std::string line, r.Line());
    if (line.empty()) break;
    auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0) {
      return Error(Code::kServiceUnavailable, "response from {}: bad header line {:?}", peer, line);
    }
    out.response.headers.emplace_back(AsciiLower(Trim(std::string_view(line).substr(0, colon))),
                                      Trim(std::string_view(line).substr(colon + 1)));
  }
  std::string_view connection = out.response.Header("connection");
  out.close =
      ContainsToken(connection, "close") || (http10 && !ContainsToken(connection, "keep-alive"));
  return Status::Ok();
}

Status ReadChunked(ResponseReader& r, const std::string& peer, std::string& body) {
  for (;;) {
    ORCHD_ASSIGN_OR_RETURN(std::string line, r.Line());
    std::string_view size_text = Trim(std::string_view(line).substr(0, line.find(';')));
    size_t size = 0;
    bool ok = !size_text.empty() && size_text.size() <= 15;
    for (char c : size_text) {
      int digit = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
      if (digit < 0) ok = false;
      size = size * 16 + static_cast<size_t>(std::max(digit, 0));
    }
    if (!ok) {
      return Error(Code::kServiceUnavailable, "response from {}: bad chunk size line {:?}", peer,
                   line);
    }
    if (size == 0) break;
    ORCHD_RETURN_IF_ERROR(r.AppendExactly(size, body));
    ORCHD_ASSIGN_OR_RETURN(std::string end, r.Line());
    if (!end.empty()) {
      return Error(Code::kServiceUnavailable, "response from {}: chunk not followed by CRLF", peer);
    }
  }
  for (;;) {  // trailer fields, ignored
    ORCHD_ASSIGN_OR_RETURN(std::string line, r.Line());
    if (line.empty()) return Status::Ok();
  }
}

Result<ParsedResponse> ReadResponse(internal::HttpsConn& conn, std::string_view method,
                                    Deadline deadline) {
  ResponseReader r(conn, deadline);
  ParsedResponse out;
  do {  // 1xx interim responses (other than 101) precede the real one
    ORCHD_RETURN_IF_ERROR(ReadHeaders(r, conn.peer(), out));
  } while (out.response.status >= 100 && out.response.status < 200 && out.response.status != 101);
  const int status = out.response.status;
  if (method == "HEAD" || status < 200 || status == 204 || status == 304) return out;
  std::string_view te = out.response.Header("transfer-encoding");
  std::string_view cl = out.response.Header("content-length");
  if (!te.empty() && ContainsToken(te, "chunked")) {
    ORCHD_RETURN_IF_ERROR(ReadChunked(r, conn.peer(), out.response.body));
  } else if (!cl.empty()) {
    auto n = ParseInt64(Trim(cl));
    if (!n || *n < 0) {
      return Error(Code::kServiceUnavailable, "response from {}: bad Content-Length {:?}",
                   conn.peer(), cl);
    }
    ORCHD_RETURN_IF_ERROR(r.AppendExactly(static_cast<size_t>(*n), out.response.body));
  } else {
    ORCHD_RETURN_IF_ERROR(r.AppendToEnd(out.response.body));
    out.close = true;
  }
  return out;
}

}  // namespace

std::string_view HttpsResponse::Header(std::string_view name) const {
  std::string lower = AsciiLower(name);
  for (const auto& [k, v] : headers) {
    if (k == lower) return v;
  }
  return {};
}

HttpsClient::HttpsClient(HttpsClientOptions options) : options_(std::move(options)) {}

HttpsClient::~HttpsClient() = default;

bool HttpsClient::connected() const { return conn_ != nullptr; }

int HttpsClient::connections_opened() const { return connections_opened_; }

Status HttpsClient::Connect(Deadline deadline) {
  const std::string& host = options_.host;
  std::string peer = host.find(':') != std::string::npos
                         ? fmt::format("[{}]:{}", host, options_.port)
                         : fmt::format("{}:{}", host, options_.port);
  ORCHD_ASSIGN_OR_RETURN(SslCtxPtr ctx, MakeContext(options_.tls));

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* raw = nullptr;
  int gai = ::getaddrinfo(host.c_str(), std::to_string(options_.port).c_str(), &hints, &raw);
  AddrInfoPtr addrs(raw);
  if (gai != 0) {
    return Error(Code::kServiceUnavailable, "resolve {}: {}", host, ::gai_strerror(gai));
  }
  UniqueFd fd;
  Status last = Error(Code::kServiceUnavailable, "connect {}: no address", peer);
  for (const addrinfo* ai = addrs.get(); ai != nullptr && !fd.valid(); ai = ai->ai_next) {
    UniqueFd s(::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!s.valid()) {
      last = ErrnoStatus(errno, fmt::format("socket for {}", peer));
      continue;
    }
    int rc = ::connect(s.get(), ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      Status waited = WaitFd(s.get(), POLLOUT, deadline, fmt::format("connect {}", peer));
      if (!waited.ok()) {
        last = waited;
        continue;
      }
      int so_error = 0;
      socklen_t len = sizeof so_error;
      rc = ::getsockopt(s.get(), SOL_SOCKET, SO_ERROR, &so_error, &len);
      if (rc == 0 && so_error != 0) {
        rc = -1;
        errno = so_error;
      }
    }
    if (rc != 0) {
      last = Error(Code::kServiceUnavailable, "connect {}: {}", peer, std::strerror(errno));
      continue;
    }
    fd = std::move(s);
  }
  if (!fd.valid()) return last;
  int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  ERR_clear_error();
  SslPtr ssl(SSL_new(ctx.get()));
  if (!ssl) return Error(Code::kInternalError, "SSL_new: {}", OpenSslErrors());
  BioPtr in(BIO_new(BIO_s_mem()));
  BioPtr out(BIO_new(BIO_s_mem()));
  if (!in || !out) return Error(Code::kInternalError, "BIO_new: {}", OpenSslErrors());
  BIO* in_raw = in.get();
  BIO* out_raw = out.get();
  SSL_set_bio(ssl.get(), in.release(), out.release());  // the SSL owns both from here
  if (IsIpLiteral(host)) {
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl.get()), host.c_str()) != 1) {
      return Error(Code::kInvalid, "expected server IP {}: {}", host, OpenSslErrors());
    }
  } else {
    if (SSL_set1_host(ssl.get(), host.c_str()) != 1 ||
        SSL_set_tlsext_host_name(ssl.get(), host.c_str()) != 1) {
      return Error(Code::kInvalid, "expected server name {}: {}", host, OpenSslErrors());
    }
  }
  auto conn = std::make_unique<internal::HttpsConn>(peer, std::move(fd), std::move(ctx),
                                                    std::move(ssl), in_raw, out_raw);
  ORCHD_RETURN_IF_ERROR(conn->Handshake(deadline));
  conn_ = std::move(conn);
  ++connections_opened_;
  return Status::Ok();
}

Result<HttpsResponse> HttpsClient::Request(std::string_view method, std::string_view path,
                                           std::string_view content_type, std::string_view body,
                                           std::chrono::milliseconds timeout) {
  const Deadline deadline = SteadyClock::now() + timeout;
  if (conn_ && !conn_->Usable()) conn_.reset();
  if (!conn_) ORCHD_RETURN_IF_ERROR(Connect(deadline));

  std::string host_header = options_.host.find(':') != std::string::npos
                                ? fmt::format("[{}]:{}", options_.host, options_.port)
                                : fmt::format("{}:{}", options_.host, options_.port);
  std::string request = fmt::format(
      "{} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: orchd-test-https-client\r\n"
      "Accept: application/json\r\n",
      method, path, host_header);
  if (!content_type.empty()) request += fmt::format("Content-Type: {}\r\n", content_type);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    request += fmt::format("Content-Length: {}\r\n", body.size());
  }
  request += "\r\n";
  request.append(body);

  Status sent = conn_->Write(request, deadline);
  if (!sent.ok()) {
    conn_.reset();
    return Error(sent.code(), "{} {}: {}", method, path, sent.message());
  }
  auto parsed = ReadResponse(*conn_, method, deadline);
  if (!parsed) {
    conn_.reset();
    return Error(parsed.error().code(), "{} {}: {}", method, path, parsed.error().message());
  }
  if (parsed->close) conn_.reset();
  return std::move(parsed->response);
}

Result<KubeconfigAccess> LoadKubeconfig(const std::string& path) {
  ORCHD_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  // The first "key: value" line for `key`, list dashes and quotes removed.
  auto field = [&](std::string_view key) -> std::optional<std::string> {
    std::string_view rest = text;
    while (!rest.empty()) {
      auto nl = rest.find('\n');
      std::string_view line = Trim(rest.substr(0, nl));
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      if (line.starts_with("- ")) line = Trim(line.substr(2));
      if (!line.starts_with(key) || line.size() <= key.size() || line[key.size()] != ':') continue;
      std::string_view value = Trim(line.substr(key.size() + 1));
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
          value.back() == value.front()) {
        value = value.substr(1, value.size() - 2);
      }
      return std::string(value);
    }
    return std::nullopt;
  };
  auto decoded = [&](std::string_view key) -> Result<std::string> {
    auto value = field(key);
    if (!value || value->empty()) return Error(Code::kInvalid, "kubeconfig {}: no {}", path, key);
    auto pem = Base64Decode(*value);
    if (!pem) return Error(Code::kInvalid, "kubeconfig {}: {} is not base64", path, key);
    return *pem;
  };

  KubeconfigAccess access;
  ORCHD_ASSIGN_OR_RETURN(access.tls.ca_pem, decoded("certificate-authority-data"));
  ORCHD_ASSIGN_OR_RETURN(access.tls.cert_pem, decoded("client-certificate-data"));
  ORCHD_ASSIGN_OR_RETURN(access.tls.key_pem, decoded("client-key-data"));
  auto server = field("server");
  if (!server) return Error(Code::kInvalid, "kubeconfig {}: no server", path);
  access.server = *server;

  // https://host[:port][/...], host possibly a bracketed IPv6 literal.
  auto bad_url = [&] {
    return Error(Code::kInvalid, "kubeconfig {}: server {:?} is not https://host:port", path,
                 access.server);
  };
  std::string_view url = access.server;
  if (!url.starts_with("https://")) return bad_url();
  url.remove_prefix(8);
  url = url.substr(0, url.find('/'));
  std::string_view port_text;
  if (url.starts_with('[')) {
    auto close = url.find(']');
    if (close == std::string_view::npos) return bad_url();
    access.host = std::string(url.substr(1, close - 1));
    std::string_view after = url.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) return bad_url();
      port_text = after.substr(1);
    }
  } else {
    auto colon = url.find(':');
    access.host = std::string(url.substr(0, colon));
    if (colon != std::string_view::npos) port_text = url.substr(colon + 1);
  }
  int64_t port = 443;
  if (!port_text.empty()) {
    auto p = ParseInt64(port_text);
    if (!p) return bad_url();
    port = *p;
  }
  if (access.host.empty() || port <= 0 || port > 65535) return bad_url();
  access.port = static_cast<uint16_t>(port);
  return access;
}

}  // namespace orchd::testing
