// The API server driven by a second real client: @kubernetes/client-node (npm) in Node.js.
// tests/integration/node/informer_test.mjs runs an informer on configmaps over 1,000 writes,
// cuts its watch connection half-way through a TCP proxy and requires the informer's cache to
// end equal to the server's state; this test starts `orchd server` (a fresh data dir, loopback,
// a free port) and runs that script against the kubeconfig the server writes.
//
// Without `node`, or without the npm packages (scripts/node-deps.sh installs them), the test
// warns and passes.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "common/fs.h"
#include "common/result.h"
#include "common/status.h"
#include "integration/subprocess.h"
#include "testing/temp_dir.h"

#ifndef ORCHD_BINARY
#error "ORCHD_BINARY must name the orchd executable"
#endif
#ifndef ORCHD_NODE_TEST_DIR
#error "ORCHD_NODE_TEST_DIR must name tests/integration/node"
#endif

namespace orchd::testing {
namespace {

using std::chrono::seconds;

constexpr auto kReadyTimeout = seconds(30);
// The script bounds itself (its own watchdog is 240 s); this is the backstop.
constexpr auto kNodeTimeout = seconds(300);

std::string Tail(const std::string& s, size_t n) {
  return s.substr(s.size() > n ? s.size() - n : 0);
}

TEST_CASE("@kubernetes/client-node informer survives a cut watch over 1,000 writes", "[node]") {
  const std::string node = FindInPath("node");
  if (node.empty()) {
    WARN("skipped: node is not installed (apt-get install nodejs npm, then scripts/node-deps.sh)");
    return;
  }
  const std::string dir = ORCHD_NODE_TEST_DIR;
  if (!PathExists(dir + "/node_modules/@kubernetes/client-node/package.json")) {
    WARN("skipped: " << dir << "/node_modules is missing; run scripts/node-deps.sh to install "
                     << "@kubernetes/client-node from npm");
    return;
  }

  TempDir tmp;
  const std::string kubeconfig = tmp.File("kubeconfig.yaml");
  SpawnOptions so;
  so.args = {ORCHD_BINARY,
             "server",
             "--data-dir",
             tmp.File("data"),
             "--bind-address",
             "127.0.0.1",
             "--https-listen-port",
             "0",
             "--write-kubeconfig",
             kubeconfig,
             "--disable-agent",
             "--log-level",
             "info"};
  so.env = CleanEnvironment();
  auto server = Subprocess::Spawn(so);
  INFO((server ? std::string() : server.error().ToString()));
  REQUIRE(server.has_value());
  std::unique_ptr<Subprocess> guard = std::move(*server);
  bool ready = guard->WaitForStderr("ready", After(kReadyTimeout));
  INFO("server stderr: " << Tail(guard->err(), 6000));
  REQUIRE(ready);

  SpawnOptions js;
  js.args = {node, dir + "/informer_test.mjs", kubeconfig};
  js.cwd = dir;
  js.env = CleanEnvironment();  // INFORMER_TEST_SEED=<n> replays a write plan
  auto spawned = Subprocess::Spawn(js);
  INFO((spawned ? std::string() : spawned.error().ToString()));
  REQUIRE(spawned.has_value());
  std::unique_ptr<Subprocess> script = std::move(*spawned);
  // Wait for the script in short slices, reading the server's output in between so that a
  // chatty server never blocks on a full pipe.
  const Deadline deadline = After(kNodeTimeout);
  Result<ExitStatus> status = Error(Code::kTimeout, "node did not finish in time");
  while (std::chrono::steady_clock::now() < deadline) {
    status = script->Wait(After(std::chrono::milliseconds(250)));
    guard->PumpUntil(After(std::chrono::milliseconds(1)), [] { return false; });
    if (status.has_value() || status.error().code() != Code::kTimeout) break;
  }
  INFO("node: " << (status ? status->ToString() : status.error().ToString())
                << "\nstdout: " << script->out() << "\nstderr: " << Tail(script->err(), 8000)
                << "\nserver (tail): " << Tail(guard->err(), 6000));
  REQUIRE(status.has_value());
  REQUIRE(status->Exited(0));
  CHECK(script->out().find("informer_test: OK: cache == server") != std::string::npos);

  guard->Signal(SIGTERM).IgnoreError();
  guard->Wait(After(seconds(15))).IgnoreError();
}

}  // namespace
}  // namespace orchd::testing
