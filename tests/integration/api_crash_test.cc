// Crash safety through the API: 8 clients POST ConfigMaps over HTTPS (each on its own keep-alive
// connection) while `orchd server` is killed with SIGKILL. After a restart on the same data dir,
// a paged list must hold every ConfigMap the server acknowledged with 201, with the data sent and
// the resourceVersion the 201 carried. Three kill/restart rounds on one data dir; the
// acknowledged set accumulates, and a last start verifies it all once more and stops cleanly.
//
// Beyond "nothing acknowledged is lost" the list must be sane: names and resourceVersions unique,
// the list's resourceVersion at or above every item's and the same on every page, and the only
// unacknowledged ConfigMaps of ours the ones a client had in flight when the server died (at most
// one per client per round). Each round writes above the revision the previous listing saw.
//
// The load time of each round is random, 1.5-2 s (seeded; ORCHD_TEST_SEED repeats it).
#include <atomic>
#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/json.h"
#include "common/strings.h"
#include "integration/subprocess.h"
#include "testing/https_client.h"
#include "testing/temp_dir.h"

#ifndef ORCHD_BINARY
#error "ORCHD_BINARY must name the orchd executable"
#endif

namespace orchd::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Data = std::map<std::string, std::string>;

constexpr int kRounds = 3;
constexpr int kClients = 8;
constexpr int64_t kPageLimit = 500;
constexpr auto kReadyTimeout = seconds(60);
constexpr auto kRequestTimeout = seconds(20);
constexpr size_t kMaxReported = 10;  // failures listed per check
constexpr std::string_view kPath = "/api/v1/namespaces/default/configmaps";
constexpr std::string_view kReadyNeedle = "ready: https://127.0.0.1:";

uint32_t TestSeed() {
  if (const char* s = std::getenv("ORCHD_TEST_SEED"); s && *s) {
    return static_cast<uint32_t>(std::strtoul(s, nullptr, 10));
  }
  return std::random_device()();
}

std::string Tail(const std::string& text, size_t n = 4000) {
  return text.substr(text.size() > n ? text.size() - n : 0);
}

// Collects failures and shows the first few, so one bad round does not print thousands of lines.
class Failures {
 public:
  void Add(const std::string& what) {
    if (count_++ < kMaxReported) text_ += what + "\n";
  }
  size_t count() const { return count_; }
  const std::string& text() const { return text_; }

 private:
  size_t count_ = 0;
  std::string text_;
};

// The ConfigMap a client writes: "r<round>-c<client>-<seq>". Three of four carry data (with
// characters JSON must escape); the fourth has none.
std::string Name(int round, int client, int seq) {
  return fmt::format("r{}-c{}-{}", round, client, seq);
}

Data DataFor(int client, int seq) {
  if (seq % 4 == 3) return {};
  std::string text;
  for (int i = 0; i < (seq * 37) % 300; ++i) text += "ab\"c\\d\xc3\xa9 "[i % 10];
  return {{"client", std::to_string(client)}, {"seq", std::to_string(seq)}, {"text", text}};
}

std::string ConfigMapJson(const std::string& name, const Data& data) {
  api::JsonDoc d;
  d.SetObject();
  auto& a = d.GetAllocator();
  api::SetString(d, "apiVersion", "v1", a);
  api::SetString(d, "kind", "ConfigMap", a);
  api::SetString(api::EnsureObject(d, "metadata", a), "name", name, a);
  if (!data.empty()) {
    api::JsonValue& obj = api::EnsureObject(d, "data", a);
    for (const auto& [k, v] : data) api::SetString(obj, k, v, a);
  }
  return api::ToJson(d);
}

// What a ConfigMap object says about itself.
struct Seen {
  std::string name;
  int64_t rv = -1;  // -1: missing or not a number
  Data data;
};

Seen ReadConfigMap(const api::JsonValue& obj) {
  Seen s;
  s.name = std::string(api::StringAt(obj, {"metadata", "name"}));
  s.rv = ParseInt64(api::StringAt(obj, {"metadata", "resourceVersion"})).value_or(-1);
  if (const api::JsonValue* data = api::Member(obj, "data"); data && data->IsObject()) {
    for (const auto& m : data->GetObject()) {
      s.data[std::string(api::AsView(m.name))] = std::string(api::AsView(m.value));
    }
  }
  return s;
}

// A write acknowledged with 201.
struct Ack {
  std::string name;
  int64_t rv = 0;
  Data data;
};

// What one client did in a round.
struct ClientRun {
  std::vector<Ack> acks;
  std::string in_flight;  // the name whose request failed (it may or may not have been stored)
  std::string failure;    // what went wrong before the kill, or a bad 201
  std::string last_error;
  int connections = 0;  // opened by the client: 1 when keep-alive held for the whole round
};

// POSTs ConfigMaps until a request fails (the kill). An error before `killed` was set, any
// complete answer other than a good 201, is a failure of the server.
void RunClient(int round, int client, const HttpsClientOptions& options,
               const std::atomic<bool>& killed, ClientRun& run) {
  HttpsClient http(options);
  struct CountConnections {
    const HttpsClient& http;
    ClientRun& run;
    ~CountConnections() { run.connections = http.connections_opened(); }
  } count{http, run};
  for (int seq = 0;; ++seq) {
    std::string name = Name(round, client, seq);
    Data data = DataFor(client, seq);
    auto r =
        http.Request("POST", kPath, "application/json", ConfigMapJson(name, data), kRequestTimeout);
    const bool after_kill = killed.load();
    if (!r) {
      run.in_flight = name;
      run.last_error = r.error().ToString();
      if (!after_kill) {
        run.failure = fmt::format("POST {} before the kill: {}", name, run.last_error);
      }
      return;
    }
    if (r->status != 201) {
      run.failure = fmt::format("POST {}: HTTP {} {}", name, r->status, r->body);
      return;
    }
    auto doc = api::ParseJson(r->body);
    Seen s = doc ? ReadConfigMap(*doc) : Seen{};
    if (s.name != name || s.rv <= 0 || s.data != data) {
      run.failure = fmt::format("POST {}: 201 with an unexpected body: {}", name, r->body);
      return;
    }
    run.acks.push_back(Ack{.name = name, .rv = s.rv, .data = std::move(data)});
  }
}

// A running `orchd server` on the test's data dir and how to reach it.
struct RunningServer {
  std::unique_ptr<Subprocess> proc;
  KubeconfigAccess access;
};

RunningServer StartServer(const TempDir& dir) {
  SpawnOptions so;
  so.args = {ORCHD_BINARY,
             "server",
             "--data-dir",
             dir.File("data"),
             "--bind-address",
             "127.0.0.1",
             "--https-listen-port",
             "0",
             "--write-kubeconfig",
             dir.File("kubeconfig.yaml"),
             "--disable-agent",
             "--log-level",
             "info"};
  so.env = CleanEnvironment();
  auto p = Subprocess::Spawn(so);
  INFO((p ? std::string() : p.error().ToString()));
  REQUIRE(p.has_value());
  RunningServer s{.proc = std::move(*p), .access = {}};
  Subprocess& proc = *s.proc;
  // The whole "ready" line: it names the port this start listens on.
  bool ready = proc.PumpUntil(After(kReadyTimeout), [&] {
    auto at = proc.err().find(kReadyNeedle);
    return at != std::string::npos && proc.err().find('\n', at) != std::string::npos;
  });
  INFO("server stderr: " << proc.err());
  REQUIRE(ready);
  std::string_view line = proc.err();
  line.remove_prefix(line.find(kReadyNeedle) + kReadyNeedle.size());
  auto port = ParseInt64(line.substr(0, line.find_first_not_of("0123456789")));
  REQUIRE(port.has_value());

  // The kubeconfig is rewritten before "ready" with this start's port.
  auto access = LoadKubeconfig(dir.File("kubeconfig.yaml"));
  INFO((access ? std::string() : access.error().ToString()));
  REQUIRE(access.has_value());
  CHECK(access->host == "127.0.0.1");
  REQUIRE(access->port == *port);
  s.access = std::move(*access);
  return s;
}

std::string UrlQueryEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

// The whole ConfigMap list of the default namespace, read in pages.
struct Listing {
  std::map<std::string, Seen> items;
  int64_t list_rv = -1;  // the first page's; every page must carry the same
  int pages = 0;
};

Listing ListAll(HttpsClient& http) {
  Listing listing;
  Failures problems;
  std::string cont;
  do {
    std::string path = fmt::format("{}?limit={}", kPath, kPageLimit);
    if (!cont.empty()) path += "&continue=" + UrlQueryEscape(cont);
    auto r = http.Request("GET", path, {}, {}, kRequestTimeout);
    INFO("GET " << path << ": " << (r ? std::string() : r.error().ToString()));
    REQUIRE(r.has_value());
    INFO("HTTP " << r->status << " " << r->body.substr(0, 2000));
    REQUIRE(r->status == 200);
    auto doc = api::ParseJson(r->body);
    REQUIRE(doc.has_value());
    REQUIRE(api::GetString(*doc, "kind") == "ConfigMapList");
    auto rv = ParseInt64(api::StringAt(*doc, {"metadata", "resourceVersion"}));
    REQUIRE(rv.has_value());
    if (listing.pages == 0) listing.list_rv = *rv;
    if (*rv != listing.list_rv) {
      problems.Add(fmt::format("page {} at resourceVersion {}, the first page at {}",
                               listing.pages + 1, *rv, listing.list_rv));
    }
    ++listing.pages;
    const api::JsonValue* items = api::Member(*doc, "items");
    REQUIRE(items != nullptr);
    REQUIRE(items->IsArray());
    if (static_cast<int64_t>(items->Size()) > kPageLimit) {
      problems.Add(
          fmt::format("page {} has {} items, limit {}", listing.pages, items->Size(), kPageLimit));
    }
    for (const auto& item : items->GetArray()) {
      Seen s = ReadConfigMap(item);
      std::string name = s.name;
      if (!listing.items.emplace(name, std::move(s)).second) {
        problems.Add(fmt::format("{} listed twice (page {})", name, listing.pages));
      }
    }
    cont = std::string(api::StringAt(*doc, {"metadata", "continue"}));
    if (!cont.empty() && items->Size() == 0) problems.Add("an empty page with a continue token");
  } while (!cont.empty() && problems.count() == 0);
  INFO("paging problems:\n" << problems.text());
  REQUIRE(problems.count() == 0);
  return listing;
}

// Checks the listing against every acknowledged write so far and the names clients had in
// flight when the server died. Returns the listing.
Listing Verify(const RunningServer& server, const std::map<std::string, Ack>& acked,
               const std::set<std::string>& in_flight) {
  HttpsClient http(server.access.ClientOptions());
  Listing listing = ListAll(http);

  Failures lost;
  for (const auto& [name, a] : acked) {
    auto it = listing.items.find(name);
    if (it == listing.items.end()) {
      lost.Add(fmt::format("{} (acknowledged at resourceVersion {}) is missing", name, a.rv));
    } else if (it->second.rv != a.rv || it->second.data != a.data) {
      lost.Add(
          fmt::format("{}: listed at resourceVersion {} with {} data keys, acknowledged at "
                      "{} with {}",
                      name, it->second.rv, it->second.data.size(), a.rv, a.data.size()));
    }
  }
  INFO(lost.count() << " of " << acked.size()
                    << " acknowledged writes lost or changed, first ones:\n"
                    << lost.text());
  CHECK(lost.count() == 0);

  Failures sanity;
  std::map<int64_t, std::string> by_rv;
  for (const auto& [name, s] : listing.items) {
    if (s.rv <= 0) sanity.Add(fmt::format("{}: no numeric resourceVersion", name));
    if (s.rv > listing.list_rv) {
      sanity.Add(
          fmt::format("{} at resourceVersion {} above the list's {}", name, s.rv, listing.list_rv));
    }
    if (auto [it, fresh] = by_rv.emplace(s.rv, name); !fresh) {
      sanity.Add(fmt::format("{} and {} share resourceVersion {}", it->second, name, s.rv));
    }
    // Ours ("r<round>-c<client>-<seq>") and not acknowledged: only an in-flight write may be.
    if (name.starts_with('r') && !acked.contains(name) && !in_flight.contains(name)) {
      sanity.Add(fmt::format("{} is listed but was neither acknowledged nor in flight", name));
    }
  }
  INFO("list problems:\n" << sanity.text());
  CHECK(sanity.count() == 0);
  return listing;
}

TEST_CASE("kill -9 of the server under API write load loses no acknowledged (201) write",
          "[crash][api]") {
  const uint32_t seed = TestSeed();
  std::printf("api_crash_test: seed %u (ORCHD_TEST_SEED=%u repeats the schedule)\n", seed, seed);
  std::fflush(stdout);
  std::mt19937 rng(seed);
  TempDir dir;
  REQUIRE(!dir.path().empty());

  std::map<std::string, Ack> acked;  // every round's
  std::set<std::string> in_flight;   // names whose POST died with the server
  int64_t seen_rv = 0;               // the last listing's resourceVersion
  for (int round = 1; round <= kRounds; ++round) {
    INFO("round " << round << " of " << kRounds << ", seed " << seed);
    RunningServer server = StartServer(dir);
    if (round > 1) seen_rv = Verify(server, acked, in_flight).list_rv;

    std::atomic<bool> killed{false};
    std::vector<ClientRun> runs(kClients);
    std::vector<std::thread> clients;
    const HttpsClientOptions options = server.access.ClientOptions();
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back(RunClient, round, c, std::cref(options), std::cref(killed),
                           std::ref(runs[static_cast<size_t>(c)]));
    }
    const auto load = milliseconds(1500 + rng() % 501);
    // Drain the server's stderr meanwhile, so a full pipe never stalls it.
    server.proc->PumpUntil(After(load), [] { return false; });
    killed.store(true);
    auto status = server.proc->Kill(After(seconds(30)));
    for (auto& t : clients) t.join();
    INFO("server stderr (tail): " << Tail(server.proc->err()));
    INFO((status ? status->ToString() : status.error().ToString()));
    REQUIRE(status.has_value());
    REQUIRE(status->KilledBy(SIGKILL));  // anything else: the server died on its own

    size_t round_acks = 0;
    int64_t lowest = INT64_MAX;
    Failures failures;
    std::string per_client;
    for (ClientRun& run : runs) {
      if (!run.failure.empty()) failures.Add(run.failure);
      if (run.connections != 1) {
        failures.Add(
            fmt::format("a client opened {} connections, not one kept alive", run.connections));
      }
      if (!run.in_flight.empty()) in_flight.insert(run.in_flight);
      round_acks += run.acks.size();
      per_client += fmt::format("{}{}", per_client.empty() ? "" : " ", run.acks.size());
      for (Ack& a : run.acks) {
        lowest = std::min(lowest, a.rv);
        std::string name = a.name;
        acked.emplace(std::move(name), std::move(a));
      }
    }
    std::printf(
        "api_crash_test: round %d: %zu writes acknowledged in %lld ms (per client: %s; %zu in "
        "total); a client's error after the kill: %s\n",
        round, round_acks, static_cast<long long>(load.count()), per_client.c_str(), acked.size(),
        runs[0].last_error.c_str());
    std::fflush(stdout);
    INFO("client failures:\n" << failures.text());
    CHECK(failures.count() == 0);
    // A round without acknowledgements proves nothing.
    REQUIRE(round_acks > 0);
    // This round wrote above what the previous listing saw, not over it.
    CHECK(lowest > seen_rv);
  }

  // A last start: everything is still there, and the server stops cleanly on SIGTERM.
  RunningServer server = StartServer(dir);
  Listing final_listing = Verify(server, acked, in_flight);
  size_t stored_in_flight = 0;
  for (const std::string& name : in_flight) stored_in_flight += final_listing.items.count(name);
  std::printf(
      "api_crash_test: after %d rounds: %zu acknowledged, %zu of %zu writes in flight at "
      "a kill stored too, %zu listed in %d pages at resourceVersion %lld\n",
      kRounds, acked.size(), stored_in_flight, in_flight.size(), final_listing.items.size(),
      final_listing.pages, static_cast<long long>(final_listing.list_rv));
  std::fflush(stdout);
  REQUIRE(server.proc->Signal(SIGTERM).ok());
  auto status = server.proc->Wait(After(seconds(30)));
  INFO("server stderr (tail): " << Tail(server.proc->err()));
  INFO((status ? status->ToString() : status.error().ToString()));
  REQUIRE(status.has_value());
  CHECK(status->Exited(0));
}

// The test client itself against the real server: keep-alive reuse, the call timeout, a new
// connection after the old one is gone, certificate verification, bad input, a chunked (watch)
// body that the server ends, a server that is gone.
TEST_CASE("the HTTPS test client: keep-alive, timeouts, verification, chunked bodies",
          "[api][https_client]") {
  TempDir dir;
  REQUIRE(!dir.path().empty());
  RunningServer server = StartServer(dir);
  const HttpsClientOptions options = server.access.ClientOptions();
  HttpsClient http(options);

  // Three requests, one connection.
  auto version = http.Request("GET", "/version");
  REQUIRE(version.has_value());
  CHECK(version->status == 200);
  CHECK(api::ParseJson(version->body).has_value());
  CHECK(!version->Header("Content-Type").empty());
  auto created = http.Request("POST", kPath, "application/json", ConfigMapJson("w1", {{"a", "1"}}));
  REQUIRE(created.has_value());
  CHECK(created->status == 201);
  auto missing = http.Request("GET", std::string(kPath) + "/nope");
  REQUIRE(missing.has_value());
  CHECK(missing->status == 404);
  CHECK(http.connections_opened() == 1);
  CHECK(http.connected());

  // A watch that outlives the call's timeout: kTimeout, and the connection is dropped.
  auto slow = http.Request("GET", std::string(kPath) + "?watch=true&timeoutSeconds=60", {}, {},
                           milliseconds(300));
  REQUIRE(!slow.has_value());
  CHECK(slow.error().code() == Code::kTimeout);
  CHECK(!http.connected());
  auto again = http.Request("GET", "/version");
  INFO((again ? std::string() : again.error().ToString()));
  REQUIRE(again.has_value());
  CHECK(again->status == 200);
  CHECK(http.connections_opened() == 2);

  // A server certificate that does not chain to the trust anchor is refused.
  HttpsClientOptions wrong_ca = options;
  wrong_ca.tls.ca_pem = options.tls.cert_pem;  // the admin's own certificate, not the CA
  auto refused = HttpsClient(wrong_ca).Request("GET", "/version");
  REQUIRE(!refused.has_value());
  CHECK(refused.error().code() == Code::kServiceUnavailable);
  CHECK_THAT(refused.error().message(), Catch::Contains("server certificate"));

  HttpsClientOptions garbage = options;
  garbage.tls.ca_pem = "not a certificate";
  auto invalid = HttpsClient(garbage).Request("GET", "/version");
  REQUIRE(!invalid.has_value());
  CHECK(invalid.error().code() == Code::kInvalid);

  auto no_file = LoadKubeconfig(dir.File("nope.yaml"));
  REQUIRE(!no_file.has_value());
  CHECK(no_file.error().code() == Code::kNotFound);

  // A watch the server ends (timeoutSeconds): a chunked body of events, then the connection
  // closes, and the next request opens a new one.
  auto watch =
      http.Request("GET", std::string(kPath) + "?watch=true&timeoutSeconds=1", {}, {}, seconds(20));
  INFO((watch ? std::string() : watch.error().ToString()));
  REQUIRE(watch.has_value());
  CHECK(watch->status == 200);
  CHECK(watch->Header("transfer-encoding") == "chunked");
  bool saw_w1 = false;
  for (const std::string& line : Lines(watch->body)) {
    auto event = api::ParseJson(line);
    INFO("watch event: " << line);
    REQUIRE(event.has_value());
    CHECK(api::GetString(*event, "type") == "ADDED");
    const api::JsonValue* object = api::Member(*event, "object");
    REQUIRE(object != nullptr);
    saw_w1 = saw_w1 || api::StringAt(*object, {"metadata", "name"}) == "w1";
  }
  CHECK(saw_w1);
  CHECK(!http.connected());
  auto after_watch = http.Request("GET", "/version");
  INFO((after_watch ? std::string() : after_watch.error().ToString()));
  REQUIRE(after_watch.has_value());
  CHECK(after_watch->status == 200);
  CHECK(http.connections_opened() == 3);

  // A server that is gone: the connection is refused.
  REQUIRE(server.proc->Kill(After(seconds(30))).has_value());
  auto gone = HttpsClient(options).Request("GET", "/version");
  REQUIRE(!gone.has_value());
  CHECK(gone.error().code() == Code::kServiceUnavailable);
  CHECK_THAT(gone.error().message(), Catch::Contains("Connection refused"));
}

// A watch that the server ends (timeoutSeconds, as every client-go reflector asks) once left the
// stream's pending disconnect probe read behind; it completed after the connection was freed
// (heap-use-after-free in HttpServer::Impl::WriteStream under ASan) and the server died.
TEST_CASE("the server survives a watch it ends itself", "[api][watch]") {
  TempDir dir;
  REQUIRE(!dir.path().empty());
  RunningServer server = StartServer(dir);
  HttpsClient http(server.access.ClientOptions());
  auto watch =
      http.Request("GET", std::string(kPath) + "?watch=true&timeoutSeconds=1", {}, {}, seconds(20));
  INFO((watch ? std::string() : watch.error().ToString()));
  REQUIRE(watch.has_value());
  CHECK(watch->status == 200);
  // The crash came as the server closed the connection: give it a moment to show, reading the
  // server's stderr meanwhile.
  server.proc->PumpUntil(After(milliseconds(500)), [] { return false; });
  auto after = http.Request("GET", "/version");
  INFO((after ? std::string() : after.error().ToString()));
  INFO("server stderr (tail): " << Tail(server.proc->err()));
  CHECK(after.has_value());
  CHECK(server.proc->err().find("AddressSanitizer") == std::string::npos);
}

}  // namespace
}  // namespace orchd::testing
