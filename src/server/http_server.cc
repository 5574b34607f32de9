// The one translation unit that includes Boost.Asio/Beast for serving (they cost build time).
//
// Each connection is one coroutine on its own strand: TLS handshake, then a loop of read request
// -> call the handler -> write the response, until the client closes, an error, a stream ends or
// the server stops. A streamed response (watch) additionally keeps one read pending on the
// socket so that a client that goes away cancels the stream at once instead of at the next event.
#include "server/http_server.h"

#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "common/log.h"
#include "common/unique_handle.h"
#include "server/api_request.h"

namespace orchd::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using TlsStream = ssl::stream<beast::tcp_stream>;

namespace {

constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string NameEntry(X509_NAME* name, int nid, int* last) {
  *last = X509_NAME_get_index_by_NID(name, nid, *last);
  if (*last < 0) return {};
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, *last));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) return {};
  std::string out(reinterpret_cast<const char*>(utf8), static_cast<size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

std::optional<ClientCertIdentity> PeerIdentity(TlsStream& s) {
  UniquePtr<X509, X509_free> cert(SSL_get1_peer_certificate(s.native_handle()));
  if (!cert) return std::nullopt;
  // The handshake verified the chain (verify_peer); an unverified certificate never gets here.
  if (SSL_get_verify_result(s.native_handle()) != X509_V_OK) return std::nullopt;
  X509_NAME* name = X509_get_subject_name(cert.get());
  ClientCertIdentity id;
  int idx = -1;
  id.common_name = NameEntry(name, NID_commonName, &idx);
  idx = -1;
  for (;;) {
    std::string org = NameEntry(name, NID_organizationName, &idx);
    if (idx < 0) break;
    id.organizations.push_back(std::move(org));
  }
  return id;
}

}  // namespace

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return {};
}

std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = hex(s[i + 1]);
    int lo = hex(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// One client connection. Lives as long as its coroutine (shared_ptr held by it) and is known to
// the server (weakly) so that Stop() can reach it. Its fields are touched on its strand only.
struct Conn {
  Conn(tcp::socket socket, ssl::context& ctx) : stream(beast::tcp_stream(std::move(socket)), ctx) {}
  TlsStream stream;
  std::weak_ptr<Conn> self;              // for handlers that must keep the connection alive
  bool idle = false;                     // waiting for the next request
  std::shared_ptr<StreamSource> source;  // the stream being written, if any
  char probe[64]{};                      // target of the disconnect-detecting read
};

struct HttpServer::Impl {
  Impl(HttpServerOptions o, HttpHandler h)
      : options(std::move(o)), handler(std::move(h)), ssl_ctx(ssl::context::tls_server) {}

  Status SetupTls();
  asio::awaitable<void> AcceptLoop();
  asio::awaitable<void> RunConn(std::shared_ptr<Conn> c);
  asio::awaitable<HttpResponse> CallHandler(HttpRequest& req, std::chrono::milliseconds timeout);
  asio::awaitable<void> WriteStream(Conn& c, HttpResponse& resp, unsigned version);
  void Register(uint64_t id, const std::shared_ptr<Conn>& c);
  void Unregister(uint64_t id);

  HttpServerOptions options;
  HttpHandler handler;
  // One io_context per I/O thread; a connection lives on one of them, so its handlers never run
  // concurrently and need no strand. iocs[0] also runs the acceptor.
  std::vector<std::unique_ptr<asio::io_context>> iocs;
  size_t next_ioc = 0;
  ssl::context ssl_ctx;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  uint16_t port = 0;

  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  uint64_t next_id = 1;
  std::unordered_map<uint64_t, std::weak_ptr<Conn>> conns;
};

Status HttpServer::Impl::SetupTls() {
  boost::system::error_code ec;
  ssl_ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                          ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                          ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                      ec);
  ssl_ctx.use_certificate_chain(asio::buffer(options.cert_pem), ec);
  if (ec) return Error(Code::kInvalid, "serving certificate: {}", ec.message());
  ssl_ctx.use_private_key(asio::buffer(options.key_pem), ssl::context::pem, ec);
  if (ec) return Error(Code::kInvalid, "serving key: {}", ec.message());
  if (!options.client_ca_pem.empty()) {
    ssl_ctx.add_certificate_authority(asio::buffer(options.client_ca_pem), ec);
    if (ec) return Error(Code::kInvalid, "client CA: {}", ec.message());
    // Advertise the CA so clients pick the certificate it issued.
    UniquePtr<BIO, BIO_free> bio(BIO_new_mem_buf(options.client_ca_pem.data(),
                                                 static_cast<int>(options.client_ca_pem.size())));
    UniquePtr<X509, X509_free> ca(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!ca) return Error(Code::kInvalid, "client CA: not a PEM certificate");
    SSL_CTX_add_client_CA(ssl_ctx.native_handle(), ca.get());
    // Request a certificate, verify one that is given, but do not require one (token users).
    ssl_ctx.set_verify_mode(ssl::verify_peer, ec);
  }
  static const unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_CTX_set_alpn_select_cb(
      ssl_ctx.native_handle(),
      [](SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
         unsigned int inlen, void*) -> int {
        unsigned char* selected = nullptr;
        if (SSL_select_next_proto(&selected, outlen, kAlpn, sizeof(kAlpn), in, inlen) !=
            OPENSSL_NPN_NEGOTIATED) {
          return SSL_TLSEXT_ERR_NOACK;
        }
        *out = selected;
        return SSL_TLSEXT_ERR_OK;
      },
      nullptr);
  return Status::Ok();
}

void HttpServer::Impl::Register(uint64_t id, const std::shared_ptr<Conn>& c) {
  std::lock_guard lock(mu);
  conns.emplace(id, c);
}

void HttpServer::Impl::Unregister(uint64_t id) {
  std::lock_guard lock(mu);
  conns.erase(id);
  cv.notify_all();
}

asio::awaitable<void> HttpServer::Impl::AcceptLoop() {
  for (;;) {
    asio::io_context& target = *iocs[next_ioc++ % iocs.size()];
    auto [ec, socket] = co_await acceptor->async_accept(target.get_executor(), kAsTuple);
    if (ec) {
      std::lock_guard lock(mu);
      if (stopping || ec == asio::error::operation_aborted) co_return;
      LOG_WARN("accept: {}", ec.message());
      continue;
    }
    uint64_t id = 0;
    {
      std::lock_guard lock(mu);
      if (stopping) co_return;
      id = next_id++;
    }
    auto conn = std::make_shared<Conn>(std::move(socket), ssl_ctx);
    conn->self = conn;
    Register(id, conn);
    asio::co_spawn(conn->stream.get_executor(), RunConn(conn),
                   [this, id](const std::exception_ptr& e) {
                     // Boundary: an exception from a connection ends that connection only.
                     if (e) {
                       try {
                         std::rethrow_exception(e);
                       } catch (const std::exception& ex) {
                         LOG_ERROR("connection: {}", ex.what());
                       } catch (...) {
                         LOG_ERROR("connection: unknown exception");
                       }
                     }
                     Unregister(id);
                   });
  }
}

namespace {
// The request's `timeout` query parameter (a Go duration), or zero.
std::chrono::milliseconds RequestTimeout(std::string_view target) {
  size_t q = target.find('?');
  if (q == std::string_view::npos) return {};
  auto query = ParseQuery(target.substr(q + 1));
  if (!query) return {};
  auto t = query->Get("timeout");
  if (!t) return {};
  return ParseGoDuration(*t).value_or(std::chrono::milliseconds(0));
}
}  // namespace

asio::awaitable<HttpResponse> HttpServer::Impl::CallHandler(HttpRequest& req,
                                                            std::chrono::milliseconds timeout) {
  auto ex = co_await asio::this_coro::executor;
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(HttpResponse)>(
      [this, &req, ex, timeout](auto completion) {
        // The first of the handler's response and the request's timeout answers; the other is
        // dropped. `timer` is touched on the connection's thread only.
        struct Once {
          std::mutex mu;
          bool done = false;
          std::optional<asio::steady_timer> timer;
        };
        auto h = std::make_shared<decltype(completion)>(std::move(completion));
        auto once = std::make_shared<Once>();
        auto finish = [h, ex, once](HttpResponse r) {
          {
            std::lock_guard lock(once->mu);
            if (once->done) return;
            once->done = true;
          }
          asio::post(ex, [h, once, r = std::move(r)]() mutable {
            if (once->timer) once->timer->cancel();
            (*h)(std::move(r));
          });
        };
        if (timeout.count() > 0) {
          once->timer.emplace(ex);
          once->timer->expires_after(timeout);
          once->timer->async_wait([finish](boost::system::error_code ec) {
            if (ec) return;
            HttpResponse r;
            r.status = 504;
            r.body =
                R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
                R"("message":"the server was unable to return a response in the time allotted, )"
                R"(but may still be processing the request","reason":"Timeout",)"
                R"("details":{"retryAfterSeconds":1},"code":504})";
            finish(std::move(r));
          });
        }
        handler(std::move(req), finish);
      },
      asio::use_awaitable);
}

namespace {

// Coroutine parameters are references and awaited expressions hold no temporaries with
// destructors: g++ 12 destroys such temporaries twice (fixed in later releases).
asio::awaitable<std::optional<std::string>> NextChunk(StreamSource& src) {
  auto ex = co_await asio::this_coro::executor;
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable),
                                          void(std::optional<std::string>)>(
      [&src, ex](auto completion) {
        auto h = std::make_shared<decltype(completion)>(std::move(completion));
        src.Next([h, ex](std::optional<std::string> chunk) {
          asio::post(ex, [h, c = std::move(chunk)]() mutable { (*h)(std::move(c)); });
        });
      },
      asio::use_awaitable);
}

void SetHeaders(http::response_header<>& h, const HttpResponse& resp) {
  h.set(http::field::content_type, resp.content_type);
  h.set(http::field::cache_control, "no-cache, private");
  for (const auto& [k, v] : resp.headers) h.insert(k, v);
}

}  // namespace

asio::awaitable<void> HttpServer::Impl::WriteStream(Conn& c, HttpResponse& resp, unsigned version) {
  auto& s = c.stream;
  http::response<http::empty_body> res{static_cast<http::status>(resp.status), version};
  SetHeaders(res, resp);
  res.chunked(true);
  res.keep_alive(false);
  http::response_serializer<http::empty_body> sr{res};
  beast::get_lowest_layer(s).expires_after(options.request_timeout);
  auto [hec, hn] = co_await http::async_write_header(s, sr, kAsTuple);
  beast::get_lowest_layer(s).expires_never();
  std::shared_ptr<StreamSource> src = resp.stream;
  if (hec) {
    src->Cancel();
    co_return;
  }
  {
    std::lock_guard lock(mu);
    if (stopping) src->Cancel();
  }
  c.source = src;
  asio::steady_timer deadline(s.get_executor());
  if (resp.stream_timeout.count() > 0) {
    deadline.expires_after(resp.stream_timeout);
    deadline.async_wait([src](boost::system::error_code ec) {
      if (!ec) src->Cancel();
    });
  }
  // Anything the client sends now, or its going away, ends the stream.
  // The handler keeps the connection (stream and buffer) alive until the read completes.
  s.async_read_some(asio::buffer(c.probe), [src, keep = c.self.lock()](boost::system::error_code,
                                                                       size_t) { src->Cancel(); });
  for (;;) {
    std::optional<std::string> chunk = co_await NextChunk(*src);
    if (!chunk) break;
    if (chunk->empty()) continue;
    beast::get_lowest_layer(s).expires_after(options.request_timeout);
    auto framed = http::make_chunk(asio::buffer(*chunk));
    auto [ec, n] = co_await asio::async_write(s, framed, kAsTuple);
    beast::get_lowest_layer(s).expires_never();
    if (ec) {
      src->Cancel();
      break;
    }
  }
  deadline.cancel();
  c.source.reset();
  beast::get_lowest_layer(s).expires_after(std::chrono::seconds(5));
  auto last = http::make_chunk_last();
  auto [lec, ln] = co_await asio::async_write(s, last, kAsTuple);
  (void)lec;
  // No TLS shutdown: the probe read is still pending on the stream. Closing the socket ends it.
  beast::get_lowest_layer(s).close();
}

asio::awaitable<void> HttpServer::Impl::RunConn(std::shared_ptr<Conn> c) {
  auto& s = c->stream;
  std::string remote;
  {
    boost::system::error_code ec;
    auto ep = beast::get_lowest_layer(s).socket().remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  beast::get_lowest_layer(s).expires_after(options.request_timeout);
  auto [hec] = co_await s.async_handshake(ssl::stream_base::server, kAsTuple);
  if (hec) {
    LOG_DEBUG("tls handshake with {}: {}", remote, hec.message());
    co_return;
  }
  std::optional<ClientCertIdentity> identity = PeerIdentity(s);
  beast::flat_buffer buffer;
  for (;;) {
    {
      std::lock_guard lock(mu);
      if (stopping) break;
    }
    http::request_parser<http::string_body> parser;
    parser.body_limit(options.max_body_bytes);
    parser.header_limit(64 * 1024);
    c->idle = true;
    beast::get_lowest_layer(s).expires_after(options.idle_timeout);
    auto [rec, rn] = co_await http::async_read(s, buffer, parser, kAsTuple);
    c->idle = false;
    if (rec == http::error::body_limit) {
      http::response<http::string_body> res{http::status::payload_too_large, 11};
      res.set(http::field::content_type, "application/json");
      res.body() =
          fmt::format(R"({{"kind":"Status","apiVersion":"v1","metadata":{{}},"status":"Failure",)"
                      R"("message":"the request is too large: limit is {} bytes",)"
                      R"("reason":"RequestEntityTooLarge","code":413}})",
                      options.max_body_bytes);
      res.keep_alive(false);
      res.prepare_payload();
      beast::get_lowest_layer(s).expires_after(options.request_timeout);
      co_await http::async_write(s, res, kAsTuple);
      break;
    }
    if (rec) break;
    auto& msg = parser.get();
    HttpRequest req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    for (const auto& f : msg) req.headers.emplace_back(AsciiLower(f.name_string()), f.value());
    req.body = std::move(msg.body());
    req.client_cert = identity;
    req.remote = remote;
    bool keep_alive = msg.keep_alive();
    unsigned version = msg.version();
    beast::get_lowest_layer(s).expires_never();

    std::chrono::milliseconds timeout = RequestTimeout(req.target);
    HttpResponse resp = co_await CallHandler(req, timeout);
    if (resp.stream && timeout.count() > 0 &&
        (resp.stream_timeout.count() == 0 || resp.stream_timeout > timeout)) {
      resp.stream_timeout = timeout;  // ?timeout= bounds a watch too
    }
    if (resp.stream) {
      co_await WriteStream(*c, resp, version);
      co_return;
    }
    http::response<http::string_body> res{static_cast<http::status>(resp.status), version};
    SetHeaders(res, resp);
    res.body() = std::move(resp.body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    beast::get_lowest_layer(s).expires_after(options.request_timeout);
    auto [wec, wn] = co_await http::async_write(s, res, kAsTuple);
    if (wec || !keep_alive) break;
  }
  beast::get_lowest_layer(s).expires_after(std::chrono::seconds(2));
  co_await s.async_shutdown(kAsTuple);
  beast::get_lowest_layer(s).close();
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

// NOLINTNEXTLINE(bugprone-exception-escape): a failing join or lock here is a bug; terminate.
HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  Impl& m = *impl_;
  ORCHD_RETURN_IF_ERROR(m.SetupTls());
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(m.options.address, ec);
  if (ec) return Error(Code::kInvalid, "bind address {}: {}", m.options.address, ec.message());
  tcp::endpoint ep(addr, m.options.port);
  int n = std::max(1, m.options.threads);
  for (int i = 0; i < n; ++i) m.iocs.push_back(std::make_unique<asio::io_context>());
  m.acceptor = std::make_unique<tcp::acceptor>(*m.iocs[0]);
  std::string where = fmt::format("{}:{}", m.options.address, m.options.port);
  if (m.acceptor->open(ep.protocol(), ec); ec) {
    return Error(Code::kInternalError, "listen on {}: {}", where, ec.message());
  }
  m.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (m.acceptor->bind(ep, ec); ec) {
    return Error(Code::kInternalError, "listen on {}: {}", where, ec.message());
  }
  if (m.acceptor->listen(asio::socket_base::max_listen_connections, ec); ec) {
    return Error(Code::kInternalError, "listen on {}: {}", where, ec.message());
  }
  m.port = m.acceptor->local_endpoint().port();
  for (auto& ioc : m.iocs) m.work.emplace_back(ioc->get_executor());
  asio::co_spawn(*m.iocs[0], m.AcceptLoop(), [](const std::exception_ptr& e) {
    if (e) LOG_ERROR("accept loop ended by an exception");
  });
  for (auto& ioc : m.iocs) {
    m.threads.emplace_back([ioc = ioc.get()] {
      // Boundary: a handler that throws must not take the process down.
      for (;;) {
        try {
          ioc->run();
          return;
        } catch (const std::exception& e) {
          LOG_ERROR("http worker: {}", e.what());
        }
      }
    });
  }
  return Status::Ok();
}

void HttpServer::Stop() {
  Impl& m = *impl_;
  if (m.threads.empty()) return;
  std::vector<std::shared_ptr<Conn>> live;
  {
    std::lock_guard lock(m.mu);
    if (m.stopping) return;
    m.stopping = true;
    for (auto& [id, weak] : m.conns) {
      if (auto c = weak.lock()) live.push_back(std::move(c));
    }
  }
  asio::post(*m.iocs[0], [&m] {
    boost::system::error_code ec;
    m.acceptor->close(ec);
  });
  for (auto& c : live) {
    asio::post(c->stream.get_executor(), [c] {
      if (c->source) c->source->Cancel();
      if (c->idle) beast::get_lowest_layer(c->stream).cancel();
    });
  }
  live.clear();
  {
    std::unique_lock lock(m.mu);
    m.cv.wait_for(lock, m.options.drain_timeout, [&m] { return m.conns.empty(); });
  }
  m.work.clear();
  for (auto& ioc : m.iocs) ioc->stop();
  for (auto& t : m.threads) t.join();
  m.threads.clear();
}

uint16_t HttpServer::port() const { return impl_->port; }

}  // namespace orchd::server
