// api_bench: the API server measured from outside, over HTTPS: ConfigMap creates and GETs with 1
// and 32 keep-alive clients, watch fan-out delivery to 100 watchers, and the server's memory with
// 10,000 ConfigMaps; next to the floor of the same HTTPS round trip (GET /healthz) measured in the
// same run, so that the API figures can be quoted as ratios.
//
// It starts the real orchd binary (`orchd server`: this build's, or --orchd) on a fresh data dir
// <parent>/orchd-api-bench-<pid>-XXXXXX (parent: --dir, else $TMPDIR, else /tmp), reads the admin
// kubeconfig the server writes there, and talks to it with Boost.Beast synchronous TLS streams:
// one connection per client thread, opened before the clock starts, client certificate
// authentication, HTTP/1.1 keep-alive. The server's stdout and stderr go to server.log in that
// directory; its tail is printed when something fails.
//
// It prints figures and never asserts timings: a MISS in the summary is information. The exit
// status is non-zero when the server misbehaves: it does not start, answers a request with an
// unexpected status (request and response are printed), drops a connection, misses or garbles a
// watch event, runs past a section's deadline, or does not stop cleanly on SIGTERM.
//
// Threads: the main thread runs the sections in order; each section starts its client threads and
// joins them before returning. A section past its deadline shuts its sockets down (shutdown(2)
// wakes a blocked read) so every thread returns, then fails.
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <functional>
#include <latch>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/flags.h"
#include "common/log.h"
#include "common/result.h"
#include "orchd_server.h"

#ifndef ORCHD_BINARY
#error "ORCHD_BINARY must name the orchd executable"
#endif

namespace orchd::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Steady = std::chrono::steady_clock;

constexpr int kClients = 32;
constexpr std::string_view kConfigMaps = "/api/v1/namespaces/default/configmaps";
constexpr std::string_view kFanName = "fan";
constexpr auto kSectionDeadline = std::chrono::seconds(180);
constexpr auto kDeliveryDeadline = std::chrono::seconds(30);  // for the last watch event

// Targets from the issue.
constexpr double kTargetCreatesPerSec = 5000;  // with 32 clients
constexpr double kTargetGetP99Ms = 5.0;
constexpr double kTargetDeliveryP99Ms = 10.0;
constexpr double kTargetRssMiB = 60.0;  // with 10,000 ConfigMaps

// How much each section does. --quick is a smoke test of a few seconds.
struct Scale {
  int warmup = 100;          // untimed requests before a 1-client section
  int health_single = 5000;  // GET /healthz, 1 client
  int health_each = 300;     // GET /healthz, each of kClients
  int create_single = 1900;  // creates, 1 client (after `warmup` creates)
  int create_each = 250;     // creates, each of kClients
  int objects = 10000;       // ConfigMaps that exist when the RSS is read (filled up to this)
  int get_single = 5000;     // GETs of one ConfigMap, 1 client
  int get_each = 300;        // GETs of it, each of kClients
  int watchers = 100;        // watch connections on the "fan" ConfigMap
  int updates = 200;         // merge patches of it, one per `update_every`
  std::chrono::milliseconds update_every{20};
};

Scale MakeScale(bool quick) {
  if (!quick) return Scale{};
  return Scale{.warmup = 10,
               .health_single = 200,
               .health_each = 10,
               .create_single = 40,
               .create_each = 4,
               .objects = 200,
               .get_single = 200,
               .get_each = 10,
               .watchers = 10,
               .updates = 20,
               .update_every = std::chrono::milliseconds(10)};
}

// ---- figures and formatting (as store_bench prints them) ----

double Ms(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
double Seconds(Steady::duration d) { return std::chrono::duration<double>(d).count(); }

struct Latency {
  double p50 = 0;
  double p99 = 0;
};

// Nearest-rank percentiles of latencies in ms.
Latency Percentiles(std::vector<double> ms) {
  if (ms.empty()) return {};
  std::sort(ms.begin(), ms.end());
  auto at = [&](double p) {
    size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(ms.size())));
    return ms[std::clamp<size_t>(rank, 1, ms.size()) - 1];
  };
  return {at(0.50), at(0.99)};
}

// 6512.4 -> "6,512"
std::string Grouped(double value) {
  std::string digits = fmt::format("{}", static_cast<int64_t>(std::llround(value)));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && digits[i - 1] != '-' && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

double MiB(int64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

std::string Verdict(bool pass) { return pass ? "PASS" : "MISS"; }

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  if (!(in >> one >> five >> fifteen)) return "unknown";
  return fmt::format("{} {} {}", one, five, fifteen);
}

// CPU time (user + system) of this process, all threads.
double OwnCpuSeconds() {
  rusage ru{};
  if (::getrusage(RUSAGE_SELF, &ru) != 0) return 0;
  auto secs = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

// First `max` bytes of `s`, for messages.
std::string_view Head(std::string_view s, size_t max = 600) { return s.substr(0, max); }

// ---- the HTTPS client ----

// What every connection needs: the address and a TLS context holding the CA and the client
// certificate. Read-only once built, so threads share it.
class Endpoint {
 public:
  static Result<std::unique_ptr<Endpoint>> Make(const AdminCredentials& creds) {
    auto ep = std::unique_ptr<Endpoint>(new Endpoint());
    boost::system::error_code ec;
    ep->address_ = tcp::endpoint(asio::ip::make_address(creds.host, ec), creds.port);
    if (ec) return Error(Code::kInvalid, "server address {}: {}", creds.host, ec.message());
    ep->host_ = creds.host;
    auto& ctx = ep->tls_;
    if (ctx.add_certificate_authority(asio::buffer(creds.ca_pem), ec); ec) {
      return Error(Code::kInvalid, "kubeconfig CA: {}", ec.message());
    }
    if (ctx.use_certificate_chain(asio::buffer(creds.cert_pem), ec); ec) {
      return Error(Code::kInvalid, "kubeconfig client certificate: {}", ec.message());
    }
    if (ctx.use_private_key(asio::buffer(creds.key_pem), ssl::context::pem, ec); ec) {
      return Error(Code::kInvalid, "kubeconfig client key: {}", ec.message());
    }
    ctx.set_verify_mode(ssl::verify_peer);
    return ep;
  }

  asio::io_context& io() { return io_; }
  ssl::context& tls() { return tls_; }
  const tcp::endpoint& address() const { return address_; }
  const std::string& host() const { return host_; }

 private:
  Endpoint() = default;
  asio::io_context io_;  // only owns the sockets: every operation here is synchronous
  ssl::context tls_{ssl::context::tls_client};
  tcp::endpoint address_;
  std::string host_;
};

struct Reply {
  int status = 0;
  std::string body;
};

std::string VerbName(http::verb verb) {
  beast::string_view name = http::to_string(verb);
  return std::string(name.data(), name.size());
}

// One keep-alive HTTPS connection. Used by one thread at a time, except Abort(), which any thread
// may call while another is blocked in a read.
class Connection {
 public:
  // Connects (TCP_NODELAY), handshakes with the client certificate and verifies the server's
  // certificate against the CA and the host.
  static Result<std::unique_ptr<Connection>> Open(Endpoint& ep) {
    auto c = std::unique_ptr<Connection>(new Connection(ep));
    boost::system::error_code ec;
    auto& sock = c->stream_.next_layer();
    if (sock.connect(ep.address(), ec); ec) {
      return Error(Code::kServiceUnavailable, "connect {}:{}: {}", ep.host(), ep.address().port(),
                   ec.message());
    }
    c->fd_.store(sock.native_handle());
    sock.set_option(tcp::no_delay(true), ec);
    c->stream_.set_verify_callback(ssl::host_name_verification(ep.host()), ec);
    if (c->stream_.handshake(ssl::stream_base::client, ec); ec) {
      return Error(Code::kUnauthorized, "TLS handshake with {}: {}", ep.host(), ec.message());
    }
    return c;
  }

  // Sends one request and reads the whole response, keeping the connection open.
  Result<Reply> Call(http::verb verb, std::string_view target, std::string_view body = {},
                     std::string_view content_type = {}) {
    ORCHD_RETURN_IF_ERROR(Send(verb, target, body, content_type));
    http::response<http::string_body> res;
    boost::system::error_code ec;
    http::read(stream_, buffer_, res, ec);
    if (ec) return Dropped(verb, target, "reading the response", ec);
    if (!res.keep_alive()) {
      return Error(Code::kInternalError, "{} {}: the server closed the keep-alive connection",
                   VerbName(verb), target);
    }
    return Reply{.status = static_cast<int>(res.result_int()), .body = std::move(res.body())};
  }

  // Sends a watch GET and reads the chunked JSON lines of its response. Calls `on_open` once the
  // response header (200) has arrived, then `on_line` for every complete line, until on_line
  // returns false. A response other than 200 is an error carrying its body.
  Status Watch(std::string_view target, const std::function<void()>& on_open,
               const std::function<bool(std::string_view)>& on_line) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    std::string pending;  // bytes of an incomplete line
    auto on_chunk = [&](uint64_t, beast::string_view data, boost::system::error_code&) {
      pending.append(data.data(), data.size());
      return data.size();
    };
    parser.on_chunk_body(on_chunk);
    ORCHD_RETURN_IF_ERROR(Send(http::verb::get, target, {}, {}));
    boost::system::error_code ec;
    http::read_header(stream_, buffer_, parser, ec);
    if (ec) return Dropped(http::verb::get, target, "reading the response header", ec);
    int status = static_cast<int>(parser.get().result_int());
    if (status != 200) {
      http::read(stream_, buffer_, parser, ec);
      return Error(Code::kInternalError, "GET {}: want 200, got {}: {}{}", target, status,
                   Head(pending), Head(parser.get().body()));
    }
    on_open();
    for (;;) {
      size_t start = 0;
      for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
        if (!on_line(std::string_view(pending).substr(start, nl - start))) return Status::Ok();
      }
      pending.erase(0, start);
      if (parser.is_done()) {
        return Error(Code::kInternalError, "GET {}: the server ended the watch", target);
      }
      http::read_some(stream_, buffer_, parser, ec);
      if (ec) return Dropped(http::verb::get, target, "reading the watch stream", ec);
    }
  }

  // Shuts the socket down: a thread blocked in a read on it returns with an error.
  void Abort() {
    int fd = fd_.load();
    if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
  }

 private:
  explicit Connection(Endpoint& ep) : host_(ep.host()), stream_(ep.io(), ep.tls()) {}

  Status Send(http::verb verb, std::string_view target, std::string_view body,
              std::string_view content_type) {
    http::request<http::string_body> req{verb, beast::string_view(target.data(), target.size()),
                                         11};
    req.set(http::field::host, host_);
    req.set(http::field::user_agent, "orchd-api-bench");
    req.set(http::field::accept, "application/json");
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    req.body() = std::string(body);
    req.keep_alive(true);
    req.prepare_payload();
    boost::system::error_code ec;
    http::write(stream_, req, ec);
    if (ec) return Dropped(verb, target, "sending the request", ec);
    return Status::Ok();
  }

  static Status Dropped(http::verb verb, std::string_view target, std::string_view what,
                        const boost::system::error_code& ec) {
    return Error(Code::kServiceUnavailable, "{} {}: {}: {}", VerbName(verb), target, what,
                 ec.message());
  }

  std::string host_;
  beast::ssl_stream<tcp::socket> stream_;  // flat_stream inside: one TLS record per write
  beast::flat_buffer buffer_;
  std::atomic<int> fd_{-1};
};

// Checks the status of a reply, naming the request and the response when it is wrong.
Status Expect(const Result<Reply>& r, int want, std::string_view request,
              std::string_view body = {}) {
  if (!r) return r.error();
  if (r->status == want) return Status::Ok();
  return Error(Code::kInternalError, "{}{}{}: want {}, got {}: {}", request,
               body.empty() ? "" : " with body ", Head(body, 300), want, r->status, Head(r->body));
}

// ---- client threads ----

// A count that threads raise and the main thread waits on.
class Progress {
 public:
  void Add(int64_t n = 1) {
    std::lock_guard lock(mu_);
    count_ += n;
    cv_.notify_all();
  }
  // True when the count reached `n` before the deadline.
  bool WaitFor(int64_t n, Steady::time_point deadline) {
    std::unique_lock lock(mu_);
    return cv_.wait_until(lock, deadline, [&] { return count_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int64_t count_ = 0;
};

// n client threads, each with its own connection, each running body(i, connection) once. The
// threads start together, released by one latch.
class ClientThreads {
 public:
  using Body = std::function<Status(int, Connection&)>;

  // Opens n connections; each does one GET /healthz, so the first timed request pays no
  // handshake or first-use cost.
  static Result<std::unique_ptr<ClientThreads>> Open(Endpoint& ep, int n) {
    auto ct = std::unique_ptr<ClientThreads>(new ClientThreads());
    for (int i = 0; i < n; ++i) {
      ORCHD_ASSIGN_OR_RETURN(auto conn, Connection::Open(ep));
      ORCHD_RETURN_IF_ERROR(Expect(conn->Call(http::verb::get, "/healthz"), 200, "GET /healthz"));
      ct->conns_.push_back(std::move(conn));
    }
    return ct;
  }

  ~ClientThreads() {
    for (auto& c : conns_) c->Abort();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  ClientThreads(const ClientThreads&) = delete;
  ClientThreads& operator=(const ClientThreads&) = delete;

  int size() const { return static_cast<int>(conns_.size()); }

  // Starts every thread on `body` and returns the instant they were released.
  Steady::time_point Go(const Body& body) {
    body_ = body;
    for (int i = 0; i < size(); ++i) {
      threads_.emplace_back([this, i] {
        go_.wait();
        Status s;
        try {
          s = body_(i, *conns_[static_cast<size_t>(i)]);
        } catch (const std::exception& e) {
          s = Error(Code::kInternalError, "client thread {}: {}", i, e.what());
        }
        std::lock_guard lock(mu_);
        if (!s.ok() && first_error_.ok()) first_error_ = s;
        ++done_;
        cv_.notify_all();
      });
    }
    auto start = Steady::now();
    go_.count_down();
    return start;
  }

  // Waits until every body returned (the wall time from `start` to the last one is in
  // `*elapsed`), or the deadline passed: then aborts every connection, joins and fails. Returns
  // the first error of a body.
  Status Wait(Steady::time_point start, Steady::time_point deadline, std::string_view what,
              Steady::duration* elapsed = nullptr) {
    bool in_time;
    {
      std::unique_lock lock(mu_);
      in_time = cv_.wait_until(lock, deadline, [&] { return done_ == size(); });
    }
    if (elapsed) *elapsed = Steady::now() - start;
    if (!in_time) {
      for (auto& c : conns_) c->Abort();
    }
    for (auto& t : threads_) t.join();
    threads_.clear();
    std::lock_guard lock(mu_);
    if (!in_time) {
      return Error(Code::kTimeout, "{}: not done within the deadline ({} of {} threads done){}",
                   what, done_, size(),
                   first_error_.ok() ? "" : fmt::format("; first error: {}", first_error_));
    }
    return first_error_;
  }

 private:
  ClientThreads() = default;
  std::vector<std::unique_ptr<Connection>> conns_;
  std::vector<std::thread> threads_;
  std::latch go_{1};
  Body body_;
  std::mutex mu_;
  std::condition_variable cv_;
  int done_ = 0;
  Status first_error_;
};

// ---- request/response sections ----

struct Figures {
  int ops = 0;
  int clients = 0;
  double per_sec = 0;
  Latency latency;
  double server_cpu_us = 0;  // server CPU per op
  double bench_cpu_us = 0;   // this process's CPU per op (TLS and HTTP of the clients)
};

// One request of a section: the i-th of client `client`. Returns an error for a wrong reply.
using Request = std::function<Status(Connection&, int client, int i)>;

// Runs `per_client` requests on each of `clients` connections, all at once, timing each.
Result<Figures> Measure(Endpoint& ep, OrchdServer& server, std::string_view what, int clients,
                        int per_client, const Request& request) {
  std::vector<std::vector<double>> lat(static_cast<size_t>(clients));  // outlives the threads
  ORCHD_ASSIGN_OR_RETURN(auto threads, ClientThreads::Open(ep, clients));
  double server_cpu0 = server.CpuSeconds();
  double own_cpu0 = OwnCpuSeconds();
  auto start = threads->Go([&](int c, Connection& conn) -> Status {
    auto& mine = lat[static_cast<size_t>(c)];
    mine.reserve(static_cast<size_t>(per_client));
    for (int i = 0; i < per_client; ++i) {
      auto t0 = Steady::now();
      ORCHD_RETURN_IF_ERROR(request(conn, c, i));
      mine.push_back(Ms(Steady::now() - t0));
    }
    return Status::Ok();
  });
  Steady::duration elapsed{};
  ORCHD_RETURN_IF_ERROR(threads->Wait(start, start + kSectionDeadline, what, &elapsed));
  Figures f;
  f.clients = clients;
  f.ops = clients * per_client;
  f.per_sec = f.ops / Seconds(elapsed);
  f.server_cpu_us = (server.CpuSeconds() - server_cpu0) * 1e6 / f.ops;
  f.bench_cpu_us = (OwnCpuSeconds() - own_cpu0) * 1e6 / f.ops;
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  f.latency = Percentiles(std::move(all));
  return f;
}

// Runs `warmup` untimed requests, then measures `count` on one client.
Result<Figures> MeasureSingle(Endpoint& ep, OrchdServer& server, std::string_view what, int warmup,
                              int count, const Request& request) {
  ORCHD_ASSIGN_OR_RETURN(auto conn, Connection::Open(ep));
  for (int i = 0; i < warmup; ++i) ORCHD_RETURN_IF_ERROR(request(*conn, -1, i));
  return Measure(ep, server, what, 1, count, request);
}

void PrintFigures(std::string_view name, const Figures& f, std::string_view unit,
                  std::string_view note) {
  fmt::print(
      "{:<22} {:>8} {:<10} p50 {:>6.3f} ms   p99 {:>6.3f} ms   server CPU {:>4.0f} us/op   "
      "bench CPU {:>4.0f} us/op   ({})\n",
      name, Grouped(f.per_sec), unit, f.latency.p50, f.latency.p99, f.server_cpu_us, f.bench_cpu_us,
      note);
}

std::string ConfigMapJson(std::string_view name, const std::string& value) {
  return fmt::format(
      R"({{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"{}","labels":{{"app":"api-bench"}}}},"data":{{"value":"{}"}}}})",
      name, value);
}

// The name of the i-th ConfigMap a client creates: <prefix>-<client>-<i>, or <prefix>-warmup-<i>
// for the untimed requests before a section (client -1).
std::string ObjectName(std::string_view prefix, int client, int i) {
  if (client < 0) return fmt::format("{}-warmup-{}", prefix, i);
  return fmt::format("{}-{}-{}", prefix, client, i);
}

// A Request that creates ConfigMap ObjectName(prefix, client, i) (201).
Request Creator(std::string prefix, const std::string& value) {
  return [prefix = std::move(prefix), &value](Connection& conn, int client, int i) -> Status {
    std::string body = ConfigMapJson(ObjectName(prefix, client, i), value);
    return Expect(conn.Call(http::verb::post, kConfigMaps, body, "application/json"), 201,
                  fmt::format("POST {}", kConfigMaps), body);
  };
}

// A Request that GETs `target` (200).
Request Getter(std::string target) {
  return [target = std::move(target)](Connection& conn, int, int) -> Status {
    return Expect(conn.Call(http::verb::get, target), 200, fmt::format("GET {}", target));
  };
}

// ---- watch fan-out ----

struct WatchFigures {
  Latency from_send;      // receive - PATCH sent
  Latency from_ack;       // max(0, receive - PATCH response)
  Latency all_from_send;  // per update: the last watcher's receive - PATCH sent
  int64_t deliveries = 0;
  double updates_per_sec = 0;
  double server_cpu_us = 0;  // server CPU per delivery
  double bench_cpu_us = 0;   // this process's CPU per delivery (the watchers and the writer)
};

// The resourceVersion in a JSON text (the first "resourceVersion":"N"), or -1.
int64_t ResourceVersionIn(std::string_view json) {
  constexpr std::string_view kKey = R"("resourceVersion":")";
  size_t at = json.find(kKey);
  if (at == std::string_view::npos) return -1;
  int64_t rv = -1;
  const char* begin = json.data() + at + kKey.size();
  auto [p, ec] = std::from_chars(begin, json.data() + json.size(), rv);
  if (ec != std::errc() || p == json.data() + json.size() || *p != '"') return -1;
  return rv;
}

// `watchers` connections watch the "fan" ConfigMap from its creation; after one untimed update
// that every watcher must see (so all are subscribed), `updates` merge patches are sent, one every
// `every`; every watcher must receive each as a MODIFIED event. Joined by resourceVersion.
Result<WatchFigures> WatchFanOut(Endpoint& ep, OrchdServer& server, int watchers, int updates,
                                 std::chrono::milliseconds every) {
  ORCHD_ASSIGN_OR_RETURN(auto writer, Connection::Open(ep));
  std::string fan = ConfigMapJson(kFanName, "0");
  auto created = writer->Call(http::verb::post, kConfigMaps, fan, "application/json");
  ORCHD_RETURN_IF_ERROR(Expect(created, 201, fmt::format("POST {}", kConfigMaps), fan));
  int64_t rv0 = ResourceVersionIn(created->body);
  if (rv0 < 0) {
    return Error(Code::kInternalError, "POST {}: no metadata.resourceVersion in {}", kConfigMaps,
                 Head(created->body));
  }
  std::string target =
      fmt::format("{}?watch=true&fieldSelector=metadata.name%3D{}&resourceVersion={}", kConfigMaps,
                  kFanName, rv0);

  struct Received {
    int64_t rv;
    Steady::time_point at;
  };
  const int expected = updates + 1;  // the untimed first update, then the timed ones
  std::vector<std::vector<Received>> received(static_cast<size_t>(watchers));
  Progress subscribed;
  Progress first_seen;
  ORCHD_ASSIGN_OR_RETURN(auto threads, ClientThreads::Open(ep, watchers));
  threads->Go([&](int w, Connection& conn) -> Status {
    auto& mine = received[static_cast<size_t>(w)];
    mine.reserve(static_cast<size_t>(expected));
    Status bad;
    Status s = conn.Watch(
        target, [&] { subscribed.Add(); },
        [&](std::string_view line) {
          auto now = Steady::now();
          int64_t rv = ResourceVersionIn(line);
          if (!line.starts_with(R"({"type":"MODIFIED",)") || rv < 0) {
            bad = Error(Code::kInternalError, "GET {}: want a MODIFIED event, got {}", target,
                        Head(line));
            return false;
          }
          if (!mine.empty() && rv <= mine.back().rv) {
            bad = Error(Code::kInternalError,
                        "GET {}: resourceVersion {} after {}: events out of order or repeated",
                        target, rv, mine.back().rv);
            return false;
          }
          mine.push_back({rv, now});
          if (mine.size() == 1) first_seen.Add();
          return static_cast<int>(mine.size()) < expected;
        });
    return s.ok() ? bad : s;
  });

  const auto deadline = Steady::now() + kSectionDeadline;
  int64_t patch_seq = 0;
  auto patch = [&]() -> Result<int64_t> {
    std::string body = fmt::format(R"({{"data":{{"value":"{}"}}}})", ++patch_seq);
    std::string path = fmt::format("{}/{}", kConfigMaps, kFanName);
    auto r = writer->Call(http::verb::patch, path, body, "application/merge-patch+json");
    ORCHD_RETURN_IF_ERROR(Expect(r, 200, fmt::format("PATCH {}", path), body));
    int64_t rv = ResourceVersionIn(r->body);
    if (rv < 0) {
      return Error(Code::kInternalError, "PATCH {}: no metadata.resourceVersion in {}", path,
                   Head(r->body));
    }
    return rv;
  };
  auto abort_with = [&](const Status& s) -> Status {
    Status t = threads->Wait(Steady::now(), Steady::now(), "watchers");
    return t.ok() || t.code() == Code::kTimeout ? s : t;
  };
  if (!subscribed.WaitFor(watchers, deadline)) {
    return abort_with(Error(Code::kTimeout, "watch: not every watcher got a 200 response header"));
  }
  if (auto r = patch(); !r) return abort_with(r.error());
  if (!first_seen.WaitFor(watchers, Steady::now() + kDeliveryDeadline)) {
    return abort_with(Error(Code::kTimeout,
                            "watch: not every watcher received the first update within {} s",
                            kDeliveryDeadline.count()));
  }

  struct Sent {
    Steady::time_point send;
    Steady::time_point ack;
  };
  std::unordered_map<int64_t, Sent> sent;
  double server_cpu0 = server.CpuSeconds();
  double own_cpu0 = OwnCpuSeconds();
  auto start = Steady::now();
  for (int i = 0; i < updates; ++i) {
    std::this_thread::sleep_until(start + i * every);
    auto t0 = Steady::now();
    auto rv = patch();
    if (!rv) return abort_with(rv.error());
    sent[*rv] = Sent{t0, Steady::now()};
  }
  auto writes_done = Steady::now();
  ORCHD_RETURN_IF_ERROR(
      threads->Wait(start, writes_done + kDeliveryDeadline, "watchers receiving every update"));
  double server_cpu = server.CpuSeconds() - server_cpu0;
  double own_cpu = OwnCpuSeconds() - own_cpu0;

  WatchFigures f;
  std::vector<double> from_send, from_ack;
  std::unordered_map<int64_t, Steady::time_point> last;
  for (int w = 0; w < watchers; ++w) {
    for (const Received& r : received[static_cast<size_t>(w)]) {
      auto it = sent.find(r.rv);
      if (it == sent.end()) continue;  // the untimed first update
      from_send.push_back(Ms(r.at - it->second.send));
      from_ack.push_back(std::max(0.0, Ms(r.at - it->second.ack)));
      auto& l = last[r.rv];
      l = std::max(l, r.at);
    }
  }
  const int64_t want = static_cast<int64_t>(watchers) * updates;
  if (static_cast<int64_t>(from_send.size()) != want) {
    return Error(Code::kInternalError,
                 "watch: {} of {} deliveries carry the resourceVersion of a PATCH response",
                 from_send.size(), want);
  }
  std::vector<double> all;
  all.reserve(last.size());
  for (const auto& [rv, at] : last) all.push_back(Ms(at - sent[rv].send));
  f.deliveries = want;
  f.from_send = Percentiles(std::move(from_send));
  f.from_ack = Percentiles(std::move(from_ack));
  f.all_from_send = Percentiles(std::move(all));
  f.updates_per_sec = updates / Seconds(writes_done - start);
  f.server_cpu_us = server_cpu * 1e6 / static_cast<double>(want);
  f.bench_cpu_us = own_cpu * 1e6 / static_cast<double>(want);
  return f;
}

// ---- the run ----

struct Options {
  bool quick = false;
  std::string dir;
  std::string orchd = ORCHD_BINARY;
  std::string value_bytes = "1024";
};

Status RunSections(const Scale& scale, size_t value_bytes, OrchdServer& server, Endpoint& ep) {
  ORCHD_ASSIGN_OR_RETURN(ProcessMemory mem_start, server.ReadMemory());
  const std::string value(value_bytes, 'v');

  // The floor: the same HTTPS round trip to a handler that does nothing.
  ORCHD_ASSIGN_OR_RETURN(auto health1, MeasureSingle(ep, server, "GET /healthz", scale.warmup,
                                                     scale.health_single, Getter("/healthz")));
  PrintFigures("healthz, 1 client", health1, "req/s",
               fmt::format("{} GET /healthz: the HTTPS floor", Grouped(health1.ops)));
  ORCHD_ASSIGN_OR_RETURN(auto health32, Measure(ep, server, "GET /healthz", kClients,
                                                scale.health_each, Getter("/healthz")));
  PrintFigures(fmt::format("healthz, {} clients", kClients), health32, "req/s",
               fmt::format("{} GET /healthz", Grouped(health32.ops)));

  // Creates.
  ORCHD_ASSIGN_OR_RETURN(auto create1, MeasureSingle(ep, server, "creates", scale.warmup,
                                                     scale.create_single, Creator("s", value)));
  PrintFigures("create, 1 client", create1, "creates/s",
               fmt::format("{} POST configmaps, 201", Grouped(create1.ops)));
  ORCHD_ASSIGN_OR_RETURN(auto create32, Measure(ep, server, "creates", kClients, scale.create_each,
                                                Creator("c", value)));
  PrintFigures(fmt::format("create, {} clients", kClients), create32, "creates/s",
               fmt::format("{} POST configmaps, 201", Grouped(create32.ops)));

  // Fill up to scale.objects, untimed, then read the memory.
  int existing = scale.warmup + create1.ops + create32.ops;
  if (int fill = scale.objects - existing; fill > 0) {
    int clients = std::min(kClients, fill);
    int each = (fill + clients - 1) / clients;
    auto filled = Measure(ep, server, "fill", clients, each, Creator("f", value));
    if (!filled) return filled.error();
    existing += each * clients;
  }
  ORCHD_ASSIGN_OR_RETURN(ProcessMemory mem_full, server.ReadMemory());

  // GETs of one ConfigMap (the first one created).
  std::string one = fmt::format("{}/{}", kConfigMaps, ObjectName("s", -1, 0));
  ORCHD_ASSIGN_OR_RETURN(
      auto get1, MeasureSingle(ep, server, "GETs", scale.warmup, scale.get_single, Getter(one)));
  PrintFigures("GET, 1 client", get1, "req/s",
               fmt::format("{} GET of one ConfigMap, 200", Grouped(get1.ops)));
  ORCHD_ASSIGN_OR_RETURN(auto get32,
                         Measure(ep, server, "GETs", kClients, scale.get_each, Getter(one)));
  PrintFigures(fmt::format("GET, {} clients", kClients), get32, "req/s",
               fmt::format("{} GET of one ConfigMap, 200", Grouped(get32.ops)));

  // Watch fan-out.
  ORCHD_ASSIGN_OR_RETURN(
      auto watch, WatchFanOut(ep, server, scale.watchers, scale.updates, scale.update_every));
  fmt::print(
      "{:<22} {:>8} {:<10} p50 {:>6.3f} ms   p99 {:>6.3f} ms   server CPU {:>4.0f} us/op   "
      "bench CPU {:>4.0f} us/op   ({} watchers x {} merge patches = {} deliveries; op = one "
      "delivery)\n",
      "watch, from send", Grouped(watch.updates_per_sec * scale.watchers), "events/s",
      watch.from_send.p50, watch.from_send.p99, watch.server_cpu_us, watch.bench_cpu_us,
      scale.watchers, scale.updates, Grouped(static_cast<double>(watch.deliveries)));
  fmt::print("{:<22} {:>8} {:<10} p50 {:>6.3f} ms   p99 {:>6.3f} ms\n", "watch, from response", "",
             "", watch.from_ack.p50, watch.from_ack.p99);
  fmt::print("{:<22} {:>8} {:<10} p50 {:>6.3f} ms   p99 {:>6.3f} ms\n",
             fmt::format("watch, all {}", scale.watchers), "", "", watch.all_from_send.p50,
             watch.all_from_send.p99);
  fmt::print(
      "{:<22} from send = event read by a watcher - PATCH sent; from response = - PATCH "
      "response read (0 if before); all = per patch, the last watcher's, from send\n",
      "");

  ORCHD_ASSIGN_OR_RETURN(ProcessMemory mem_end, server.ReadMemory());
  fmt::print(
      "{:<22} start {:.1f} MiB   with {} ConfigMaps {:.1f} MiB   at the end {:.1f} MiB   "
      "peak (VmHWM) {:.1f} MiB\n",
      "server RSS", MiB(mem_start.rss), Grouped(existing), MiB(mem_full.rss), MiB(mem_end.rss),
      MiB(mem_end.peak));

  fmt::print("\nsummary (targets from the issue)\n");
  fmt::print("  {:<36} {:>14}   target >= {}   {}\n",
             fmt::format("creates/s, {} clients", kClients), Grouped(create32.per_sec),
             Grouped(kTargetCreatesPerSec), Verdict(create32.per_sec >= kTargetCreatesPerSec));
  for (const auto* g : {&get1, &get32}) {
    fmt::print("  {:<36} {:>11.3f} ms   target <= {:.0f} ms   {}\n",
               fmt::format("GET p99, {} client{}", g->clients, g->clients == 1 ? "" : "s"),
               g->latency.p99, kTargetGetP99Ms, Verdict(g->latency.p99 <= kTargetGetP99Ms));
  }
  fmt::print("  {:<36} {:>11.3f} ms   target <= {:.0f} ms   {}\n",
             fmt::format("watch delivery p99, {} watchers", scale.watchers), watch.from_send.p99,
             kTargetDeliveryP99Ms, Verdict(watch.from_send.p99 <= kTargetDeliveryP99Ms));
  fmt::print("  {:<36} {:>10.1f} MiB   target <= {:.0f} MiB   {}\n",
             fmt::format("server RSS, {} ConfigMaps", Grouped(existing)), MiB(mem_full.rss),
             kTargetRssMiB, Verdict(MiB(mem_full.rss) <= kTargetRssMiB));
  fmt::print("against the floor (GET /healthz in this run)\n");
  auto times = [](std::string_view name, double a, double b) {
    fmt::print("  {:<36} {:>13.2f}x   ({:.3f} / {:.3f} ms)\n", name, a / b, a, b);
  };
  auto rates = [](std::string_view name, double a, double b) {
    fmt::print("  {:<36} {:>13.2f}x   ({} / {} per s)\n", name, a / b, Grouped(a), Grouped(b));
  };
  times("create p50 / healthz p50, 1 client", create1.latency.p50, health1.latency.p50);
  times(fmt::format("create p50 / healthz p50, {} clients", kClients), create32.latency.p50,
        health32.latency.p50);
  times("GET p50 / healthz p50, 1 client", get1.latency.p50, health1.latency.p50);
  times("GET p99 / healthz p99, 1 client", get1.latency.p99, health1.latency.p99);
  times(fmt::format("GET p99 / healthz p99, {} clients", kClients), get32.latency.p99,
        health32.latency.p99);
  rates(fmt::format("healthz / creates per s, {} clients", kClients), health32.per_sec,
        create32.per_sec);
  rates(fmt::format("healthz / GETs per s, {} clients", kClients), health32.per_sec, get32.per_sec);
  return Status::Ok();
}

Status Run(const Options& opts) {
  const Scale scale = MakeScale(opts.quick);
  size_t value_bytes = 0;
  if (auto [p, ec] = std::from_chars(
          opts.value_bytes.data(), opts.value_bytes.data() + opts.value_bytes.size(), value_bytes);
      ec != std::errc() || p != opts.value_bytes.data() + opts.value_bytes.size() ||
      value_bytes > (2 << 20)) {
    return Error(Code::kInvalid, "--value-bytes {:?}: want a number of bytes up to 2 MiB",
                 opts.value_bytes);
  }
  std::string parent = opts.dir;
  if (parent.empty()) {
    const char* tmp = ::getenv("TMPDIR");
    parent = tmp && *tmp ? tmp : "/tmp";
  }
  fmt::print("orchd api_bench{}: {} hardware threads, load average {}, ConfigMap data value {} B\n",
             opts.quick ? " --quick" : "", std::thread::hardware_concurrency(), LoadAverage(),
             value_bytes);
  ORCHD_ASSIGN_OR_RETURN(
      auto server,
      OrchdServer::Start({.binary = opts.orchd, .parent = parent, .name = "orchd-api-bench"}));
  fmt::print("server {} (pid {}) at {}, scratch dir {}\n\n", opts.orchd, server->pid(),
             server->url(), server->dir());
  ORCHD_ASSIGN_OR_RETURN(auto ep, Endpoint::Make(server->admin()));

  // The error first, then what the server logged.
  auto with_log = [&](const Status& s) {
    return Status(s.code(), fmt::format("{}\n-- the server's log (tail) --\n{}\n-- end of log --",
                                        s.message(), server->LogTail()));
  };
  Status s;
  try {
    s = RunSections(scale, value_bytes, *server, *ep);
  } catch (const std::exception& e) {
    s = Error(Code::kInternalError, "exception: {}", e.what());
  }
  if (!s.ok()) return with_log(s);
  if (Status stopped = server->Stop(); !stopped.ok()) return with_log(stopped);
  fmt::print("server stopped cleanly on SIGTERM in {:.2f} s\n", server->stop_seconds());
  return Status::Ok();
}

}  // namespace
}  // namespace orchd::bench

int main(int argc, char** argv) {
  orchd::SetLogLevel(orchd::LogLevel::kWarn);
  ::signal(SIGPIPE, SIG_IGN);  // a server that goes away is an error to report, not a signal
  orchd::bench::Options opts;
  orchd::FlagSet flags("api_bench");
  flags.Bool("quick", &opts.quick, "");
  flags.String("dir", &opts.dir, "");
  flags.String("orchd", &opts.orchd, "");
  flags.String("value-bytes", &opts.value_bytes, "");
  std::vector<std::string> args(argv + 1, argv + argc);
  // Flags only: no ORCHD_* environment fallback for a benchmark.
  auto no_env = [](const char*) -> const char* { return nullptr; };
  constexpr std::string_view kUsage =
      "usage: api_bench [--quick] [--dir PARENT] [--orchd BINARY] [--value-bytes N]\n"
      "  --quick        a tiny run (200 ConfigMaps, 10 watchers): a smoke test of seconds\n"
      "  --dir          parent of the scratch directory (default $TMPDIR, else /tmp)\n"
      "  --orchd        the orchd binary to start (default: this build's)\n"
      "  --value-bytes  size of each ConfigMap's data value (default 1024)\n";
  if (orchd::Status s = flags.Parse(args, no_env); !s.ok()) {
    fmt::print(stderr, "api_bench: {}\n{}", s.message(), kUsage);
    return 2;
  }
  if (flags.help_requested()) {
    fmt::print("{}", kUsage);
    return 0;
  }
  orchd::Status s;
  try {
    s = orchd::bench::Run(opts);
  } catch (const std::exception& e) {
    s = orchd::Error(orchd::Code::kInternalError, "exception: {}", e.what());
  }
  if (!s.ok()) {
    fmt::print(stderr, "api_bench: FAILED: {}\n", s);
    return 1;
  }
  return 0;
}
