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
#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
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
  void Add(std::string what) {
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
};

// POSTs ConfigMaps until a request fails (the kill). An error before `killed` was set, any
// complete answer other than a good 201, is a failure of the server.
void RunClient(int round, int client, const HttpsClientOptions& options,
               const std::atomic<bool>& killed, ClientRun& run) {
  HttpsClient http(options);
  for (int seq = 0;; ++seq) {
    std::string name = Name(round, client, seq);
    Data data = DataFor(client, seq);
    auto r =
        http.Request("POST", kPath, "application/json", ConfigMapJson(name, data), kRequestTimeout);
    const bool after_kill = killed.load();
    if (!r) {
      run.in_flight = name;
      run.last_error = r.error().ToString();
      if (!after_kill)
        run.failure = fmt::format("POST {} before the kill: {}", name, run.last_error);
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
    for (ClientRun& run : runs) {
      if (!run.failure.empty()) failures.Add(run.failure);
      if (!run.in_flight.empty()) in_flight.insert(run.in_flight);
      round_acks += run.acks.size();
      for (Ack& a : run.acks) {
        lowest = std::min(lowest, a.rv);
        std::string name = a.name;
        acked.emplace(std::move(name), std::move(a));
      }
    }
    std::printf(
        "api_crash_test: round %d: %zu writes acknowledged in %lld ms by %d clients (%zu in "
        "total); first client error after the kill: %s\n",
        round, round_acks, static_cast<long long>(load.count()), kClients, acked.size(),
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
  std::printf(
      "api_crash_test: after %d rounds: %zu acknowledged, %zu listed in %d pages at "
      "resourceVersion %lld\n",
      kRounds, acked.size(), final_listing.items.size(), final_listing.pages,
      static_cast<long long>(final_listing.list_rv));
  std::fflush(stdout);
  REQUIRE(server.proc->Signal(SIGTERM).ok());
  auto status = server.proc->Wait(After(seconds(30)));
  INFO("server stderr (tail): " << Tail(server.proc->err()));
  INFO((status ? status->ToString() : status.error().ToString()));
  REQUIRE(status.has_value());
  CHECK(status->Exited(0));
}

}  // namespace
}  // namespace orchd::testing
