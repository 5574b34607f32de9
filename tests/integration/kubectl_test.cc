// The API server driven by the real kubectl over HTTPS with the kubeconfig `orchd server`
// writes. One server per TEST_CASE (a fresh data dir, loopback, a free port); kubectl runs with
// its own HOME and cache dir so nothing of the machine's kubectl state leaks in or out.
//
// kubectl on this machine is the gcloud dispatcher: it asks /version and runs the kubectl that
// matches minor 32 (its built-in v1.32). Without kubectl the tests warn and pass.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "common/fs.h"
#include "common/log.h"
#include "common/strings.h"
#include "integration/subprocess.h"
#include "testing/temp_dir.h"

#ifndef ORCHD_BINARY
#error "ORCHD_BINARY must name the orchd executable"
#endif

namespace orchd::testing {
namespace {

using std::chrono::seconds;

constexpr auto kReadyTimeout = seconds(30);
constexpr auto kKubectlTimeout = seconds(60);

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// A running `orchd server` and a kubectl pointed at it.
class Cluster {
 public:
  explicit Cluster(std::vector<std::string> extra_args = {}) : extra_args_(std::move(extra_args)) {
    kubectl_ = FindInPath("kubectl");
    data_ = dir_.File("data");
    kubeconfig_ = dir_.File("kubeconfig.yaml");
    Start();
  }

  ~Cluster() { Stop(); }

  void Start() {
    SpawnOptions so;
    so.args = {ORCHD_BINARY,         "server",    "--data-dir",          data_,
               "--bind-address",     "127.0.0.1", "--https-listen-port", "0",
               "--write-kubeconfig", kubeconfig_, "--disable-agent"};
    so.args.insert(so.args.end(), extra_args_.begin(), extra_args_.end());
    so.env = CleanEnvironment();
    auto p = Subprocess::Spawn(so);
    INFO((p ? std::string() : p.error().ToString()));
    REQUIRE(p.has_value());
    server_ = std::move(*p);
    bool ready = server_->WaitForStderr("ready", After(kReadyTimeout));
    INFO("server stderr: " << server_->err());
    REQUIRE(ready);
    std::smatch m;
    std::string err = server_->err();
    REQUIRE(std::regex_search(err, m, std::regex(R"(ready: https://127\.0\.0\.1:(\d+))")));
    port_ = m[1];
  }

  void Stop() {
    if (!server_) return;
    server_->Signal(SIGTERM).IgnoreError();
    auto st = server_->Wait(After(seconds(15)));
    INFO("server stderr: " << server_->err());
    CHECK((st && st->Exited(0)));
    server_.reset();
  }

  const std::string& port() const { return port_; }

  // curl with the admin certificate; stdout plus a last line with the HTTP status.
  std::string Curl(const std::vector<std::string>& args) const {
    std::string curl = FindInPath("curl");
    REQUIRE(!curl.empty());
    SpawnOptions so;
    so.args = {curl,       "-sS",
               "--cacert", Tls("ca.crt"),
               "--cert",   Tls("admin.crt"),
               "--key",    Tls("admin.key"),
               "-w",       "\n%{http_code}"};
    for (std::string a : args) {
      if (a.starts_with("{URL}")) a = "https://127.0.0.1:" + port_ + a.substr(5);
      so.args.push_back(std::move(a));
    }
    so.env = CleanEnvironment();
    auto r = Run(so, After(seconds(60)));
    REQUIRE(r.has_value());
    return r->out;
  }
  std::string Tls(const std::string& file) const { return data_ + "/server/tls/" + file; }
  const std::string& data_dir() const { return data_; }

  bool has_kubectl() const { return !kubectl_.empty(); }
  const std::string& kubeconfig() const { return kubeconfig_; }
  std::string File(const std::string& name) const { return dir_.File(name); }
  Subprocess& server() { return *server_; }

  SpawnOptions KubectlSpawn(const std::vector<std::string>& args) const {
    SpawnOptions so;
    so.args = {kubectl_, "--kubeconfig", kubeconfig_, "--cache-dir", dir_.File("kcache")};
    so.args.insert(so.args.end(), args.begin(), args.end());
    so.env = CleanEnvironment({"HOME=" + dir_.path(), "KUBECONFIG="});
    return so;
  }

  Completed Kubectl(const std::vector<std::string>& args) const {
    auto r = Run(KubectlSpawn(args), After(kKubectlTimeout));
    INFO((r ? std::string() : r.error().ToString()));
    REQUIRE(r.has_value());
    return *r;
  }

  // Runs kubectl and requires exit 0; returns stdout.
  std::string Ok(const std::vector<std::string>& args) {
    Completed c = Kubectl(args);
    if (!c.status.Exited(0)) {
      // Collect what the server said since it became ready (bounded).
      server_->PumpUntil(After(std::chrono::milliseconds(300)), [] { return false; });
    }
    INFO("kubectl " << fmt::format("{}", fmt::join(args, " ")) << "\nstdout: " << c.out
                    << "\nstderr: " << c.err << "\nserver (tail): "
                    << server_->err().substr(
                           server_->err().size() > 6000 ? server_->err().size() - 6000 : 0));
    REQUIRE(c.status.Exited(0));
    return c.out;
  }

  // Writes `text` to a file in the test dir and returns its path.
  std::string Write(const std::string& name, const std::string& text) const {
    std::string path = dir_.File(name);
    std::ofstream(path) << text;
    return path;
  }

  // Polls `kubectl args` until its stdout satisfies `pred` (bounded).
  bool Eventually(const std::vector<std::string>& args,
                  const std::function<bool(const std::string&)>& pred) const {
    auto deadline = std::chrono::steady_clock::now() + seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      Completed c = Kubectl(args);
      if (pred(c.out)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }

 private:
  TempDir dir_;
  std::vector<std::string> extra_args_;
  std::string port_;
  std::string kubectl_;
  std::string data_;
  std::string kubeconfig_;
  std::unique_ptr<Subprocess> server_;
};

#define SKIP_WITHOUT_KUBECTL(c)                                \
  if (!(c).has_kubectl()) {                                    \
    WARN("skipped: kubectl is not installed on this machine"); \
    return;                                                    \
  }

const char* kPod = R"(apiVersion: v1
kind: Pod
metadata:
  name: p1
  labels:
    app: web
spec:
  containers:
  - name: c
    image: busybox:1.36
    command: ["sleep", "3600"]
)";

TEST_CASE("kubectl sees a v1.32 server, its namespaces and upstream columns", "[kubectl]") {
  Cluster c;
  SKIP_WITHOUT_KUBECTL(c);
  std::string v = c.Ok({"version", "-o", "json"});
  CHECK(Contains(v, R"("minor": "32")"));
  std::string ns = c.Ok({"get", "namespaces"});
  CHECK(std::regex_search(ns, std::regex(R"(NAME\s+STATUS\s+AGE)")));
  for (const char* n : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    CHECK(std::regex_search(ns, std::regex(std::string(n) + R"(\s+Active\s+\d+s)")));
  }
  std::string svc = c.Ok({"get", "services"});
  CHECK(std::regex_search(
      svc, std::regex(R"(NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE)")));
  CHECK(std::regex_search(
      svc, std::regex(R"(kubernetes\s+ClusterIP\s+10\.43\.0\.1\s+<none>\s+443/TCP)")));
  std::string res = c.Ok({"api-resources"});
  CHECK(
      std::regex_search(res, std::regex(R"(deployments\s+deploy\s+apps/v1\s+true\s+Deployment)")));
}

TEST_CASE("kubectl create, get in every format, label, annotate, patch, replace, delete",
          "[kubectl]") {
  Cluster c;
  SKIP_WITHOUT_KUBECTL(c);
  std::string pod = c.Write("pod.yaml", kPod);
  CHECK(c.Ok({"create", "-f", pod}) == "pod/p1 created\n");

  Completed again = c.Kubectl({"create", "-f", pod});
  CHECK(again.status.Exited(1));
  CHECK(Contains(again.err, R"(Error from server (AlreadyExists): error when creating)"));
  CHECK(Contains(again.err, R"(pods "p1" already exists)"));

  std::string table = c.Ok({"get", "pods"});
  CHECK(std::regex_search(table, std::regex(R"(NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE)")));
  CHECK(std::regex_search(table, std::regex(R"(p1\s+0/1\s+Pending\s+0\s+\d+s)")));
  std::string wide = c.Ok({"get", "pods", "-o", "wide"});
  CHECK(std::regex_search(wide, std::regex(R"(IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES)")));

  // Defaults applied as kube-apiserver applies them.
  std::string yaml = c.Ok({"get", "pod", "p1", "-o", "yaml"});
  CHECK(Contains(yaml, "restartPolicy: Always"));
  CHECK(Contains(yaml, "dnsPolicy: ClusterFirst"));
  CHECK(Contains(yaml, "terminationGracePeriodSeconds: 30"));
  CHECK(Contains(yaml, "imagePullPolicy: IfNotPresent"));
  CHECK(Contains(yaml, "uid: "));
  CHECK(Contains(yaml, "creationTimestamp: \""));
  std::string json = c.Ok({"get", "pod", "p1", "-o", "json"});
  CHECK(Contains(json, R"("resourceVersion": ")"));
  CHECK(c.Ok({"get", "pod", "p1", "-o", "jsonpath={.spec.containers[0].image}"}) == "busybox:1.36");
  CHECK(c.Ok({"get", "pods", "-o", "name"}) == "pod/p1\n");

  CHECK(c.Ok({"label", "pod", "p1", "tier=fe"}) == "pod/p1 labeled\n");
  CHECK(c.Ok({"get", "pods", "-l", "tier=fe", "-o", "name"}) == "pod/p1\n");
  CHECK(c.Ok({"get", "pods", "-l", "tier in (be,db)", "-o", "name"}).empty());
  CHECK(Contains(c.Ok({"get", "pods", "--show-labels"}), "app=web,tier=fe"));
  CHECK(c.Ok({"annotate", "pod", "p1", "note=hi"}) == "pod/p1 annotated\n");
  CHECK(c.Ok({"get", "pod", "p1", "-o", "jsonpath={.metadata.annotations.note}"}) == "hi");
  CHECK(c.Ok({"label", "pod", "p1", "tier-"}) == "pod/p1 unlabeled\n");

  CHECK(c.Ok({"patch", "pod", "p1", "--type", "merge", "-p",
              R"({"metadata":{"labels":{"color":"blue"}}})"}) == "pod/p1 patched\n");
  CHECK(c.Ok({"patch", "pod", "p1", "--type", "json", "-p",
              R"([{"op":"replace","path":"/metadata/labels/color","value":"red"}])"}) ==
        "pod/p1 patched\n");
  CHECK(c.Ok({"get", "pod", "p1", "-o", "jsonpath={.metadata.labels.color}"}) == "red");
  Completed bad_patch = c.Kubectl({"patch", "pod", "p1", "--type", "json", "-p",
                                   R"([{"op":"remove","path":"/metadata/labels/nope"}])"});
  CHECK(bad_patch.status.Exited(1));
  CHECK(Contains(bad_patch.err, "The request is invalid: "));
  CHECK(Contains(bad_patch.err, "/metadata/labels/nope"));

  CHECK(c.Ok({"get", "pods", "--field-selector", "metadata.name=p1", "-o", "name"}) == "pod/p1\n");
  CHECK(c.Ok({"get", "pods", "--field-selector", "status.phase=Running", "-o", "name"}).empty());
  CHECK(Contains(c.Ok({"get", "pods", "-A"}), "default"));

  // replace: the body carries the resourceVersion kubectl read.
  std::string cm = c.Write("cm.yaml",
                           "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n"
                           "data:\n  a: \"1\"\n");
  CHECK(c.Ok({"create", "-f", cm}) == "configmap/cfg created\n");
  std::string cm2 = c.Write("cm2.yaml",
                            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n"
                            "data:\n  a: \"2\"\n");
  CHECK(c.Ok({"replace", "-f", cm2}) == "configmap/cfg replaced\n");
  CHECK(c.Ok({"get", "cm", "cfg", "-o", "jsonpath={.data.a}"}) == "2");
  std::string cms = c.Ok({"get", "configmaps"});
  CHECK(std::regex_search(cms, std::regex(R"(cfg\s+1\s+\d+s)")));
  std::string sorted = c.Ok({"get", "cm", "--sort-by", ".metadata.name", "-o", "name"});
  CHECK(Contains(sorted, "configmap/cfg"));

  Completed missing = c.Kubectl({"get", "pod", "nope"});
  CHECK(missing.status.Exited(1));
  CHECK(Contains(missing.err, R"(Error from server (NotFound): pods "nope" not found)"));

  CHECK(c.Ok({"delete", "pod", "p1"}) == "pod \"p1\" deleted\n");
  CHECK(c.Ok({"get", "pods", "-o", "name"}).empty());
  CHECK(c.Ok({"delete", "-f", cm}) == "configmap \"cfg\" deleted\n");
}

TEST_CASE("kubectl delete with -l and --all", "[kubectl]") {
  Cluster c;
  SKIP_WITHOUT_KUBECTL(c);
  for (const char* n : {"a", "b", "c"}) {
    c.Ok({"create", "configmap", n, "--from-literal=k=v", "--dry-run=client", "-o", "yaml"});
    std::string f = c.Write(std::string(n) + ".yaml",
                            fmt::format("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {}\n"
                                        "  labels:\n    group: {}\n",
                                        n, std::string(n) == "c" ? "two" : "one"));
    c.Ok({"create", "-f", f});
  }
  std::string out = c.Ok({"delete", "cm", "-l", "group=one"});
  CHECK(Contains(out, "configmap \"a\" deleted"));
  CHECK(Contains(out, "configmap \"b\" deleted"));
  CHECK(c.Ok({"get", "cm", "-l", "group", "-o", "name"}) == "configmap/c\n");
  CHECK(Contains(c.Ok({"delete", "cm", "--all"}), "configmap \"c\" deleted"));
  CHECK(Contains(c.Kubectl({"get", "cm", "-l", "group"}).err, "No resources found"));
}

TEST_CASE("kubectl delete --cascade background, orphan and foreground; finalizers", "[kubectl]") {
  Cluster c;
  SKIP_WITHOUT_KUBECTL(c);
  auto make_pair = [&c](const std::string& owner) {
    c.Ok({"create", "-f",
          c.Write(owner + ".yaml",
                  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + owner + "\n")});
    std::string uid = c.Ok({"get", "cm", owner, "-o", "jsonpath={.metadata.uid}"});
    REQUIRE(!uid.empty());
    c.Ok({"create", "-f",
          c.Write(owner + "-dep.yaml",
                  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + owner +
                      "-dep\n  ownerReferences:\n  - apiVersion: v1\n    kind: ConfigMap\n"
                      "    name: " +
                      owner + "\n    uid: " + uid + "\n")});
  };
  make_pair("bg");
  c.Ok({"delete", "cm", "bg", "--cascade=background"});
  CHECK(c.Eventually({"get", "cm", "-o", "name"},
                     [](const std::string& o) { return !Contains(o, "configmap/bg-dep"); }));

  make_pair("or");
  c.Ok({"delete", "cm", "or", "--cascade=orphan"});
  CHECK(c.Eventually({"get", "cm", "-o", "name"},
                     [](const std::string& o) { return !Contains(o, "configmap/or\n"); }));
  CHECK(c.Ok({"get", "cm", "or-dep", "-o", "jsonpath={.metadata.ownerReferences}"}).empty());

  make_pair("fg");
  c.Ok({"delete", "cm", "fg", "--cascade=foreground"});
  CHECK(c.Eventually({"get", "cm", "-o", "name"}, [](const std::string& o) {
    return !Contains(o, "configmap/fg\n") && !Contains(o, "configmap/fg-dep");
  }));

  // A finalizer holds the object, marked for deletion, until it is removed.
  c.Ok({"create", "-f",
        c.Write("fin.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fin\n"
                "  finalizers:\n  - example.com/hold\n")});
  c.Ok({"delete", "cm", "fin", "--wait=false"});
  CHECK_FALSE(c.Ok({"get", "cm", "fin", "-o", "jsonpath={.metadata.deletionTimestamp}"}).empty());
  c.Ok({"patch", "cm", "fin", "--type", "json", "-p",
        R"([{"op":"remove","path":"/metadata/finalizers"}])"});
  CHECK(c.Eventually({"get", "cm", "-o", "name"},
                     [](const std::string& o) { return !Contains(o, "configmap/fin"); }));
}

TEST_CASE("kubectl delete namespace removes its content, then the namespace", "[kubectl]") {
  Cluster c;
  SKIP_WITHOUT_KUBECTL(c);
  c.Ok({"create", "-f",
        c.Write("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n")});
  c.Ok({"create", "-n", "team", "-f",
        c.Write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")});
  c.Ok({"create", "-n", "team", "-f", c.Write("pod.yaml", kPod)});
  Completed missing_ns = c.Kubectl({"create", "-n", "nowhere", "-f", c.File("cm.yaml")});
  CHECK(missing_ns.status.Exited(1));
  CHECK(Contains(missing_ns.err, R"(namespaces "nowhere" not found)"));
  std::string out = c.Ok({"delete", "namespace", "team"});
  CHECK(out == "namespace \"team\" deleted\n");
  CHECK(Contains(c.Kubectl({"get", "namespace", "team"}).err, "NotFound"));
  CHECK(Contains(c.Kubectl({"get", "all", "-n", "team"}).err, "No resources found"));
}

TEST_CASE("kubectl get -w streams changes", "[kubectl]") {
  Cluster c;
  SKIP_WITHOUT_KUBECTL(c);
  auto watch = Subprocess::Spawn(c.KubectlSpawn({"get", "configmaps", "-w", "-o", "name"}));
  REQUIRE(watch.has_value());
  // The initial list comes first (empty), then the watch; create after it is established.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  c.Ok({"create", "-f",
        c.Write("w.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: watched\n")});
  bool seen = (*watch)->PumpUntil(After(seconds(20)),
                                  [&] { return Contains((*watch)->out(), "configmap/watched"); });
  INFO("watch stdout: " << (*watch)->out() << "\nstderr: " << (*watch)->err());
  CHECK(seen);
}

TEST_CASE("bad input gets the upstream status and changes nothing", "[kubectl]") {
  Cluster c;
  SKIP_WITHOUT_KUBECTL(c);
  auto raw_create = [&c](const std::string& uri, const std::string& body) {
    return c.Kubectl({"create", "--raw", uri, "-f", c.Write("body.json", body)});
  };
  const std::string cms = "/api/v1/namespaces/default/configmaps";
  Completed malformed = raw_create(cms, R"({"apiVersion":"v1","kind":"ConfigMap",)");
  CHECK(malformed.status.Exited(1));
  CHECK(Contains(malformed.err, "BadRequest"));

  Completed bad_name =
      raw_create(cms, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Not_A_Name"}})");
  CHECK(bad_name.status.Exited(1));
  CHECK(Contains(bad_name.err, "is invalid"));

  Completed wrong_ns = raw_create(
      cms,
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"kube-system"}})");
  CHECK(wrong_ns.status.Exited(1));
  CHECK(Contains(wrong_ns.err, "does not match the namespace"));

  std::string big(4 << 20, 'a');
  Completed too_big = raw_create(
      cms, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"a":")" +
               big + "\"}}");
  CHECK(too_big.status.Exited(1));
  CHECK(Contains(too_big.err, "too large"));

  Completed bad_sel = c.Kubectl({"get", "--raw", cms + "?labelSelector=a%20in%20(b"});
  CHECK(bad_sel.status.Exited(1));
  CHECK(Contains(bad_sel.err, "BadRequest"));
  Completed bad_field = c.Kubectl({"get", "--raw", cms + "?fieldSelector=spec.nope%3Dx"});
  CHECK(bad_field.status.Exited(1));
  CHECK(Contains(bad_field.err, "field label not supported"));

  // Nothing of the above was stored.
  CHECK(c.Ok({"get", "cm", "-o", "name"}).empty());

  // A stale resourceVersion is a conflict.
  c.Ok({"create", "-f",
        c.Write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\n")});
  std::string rv = c.Ok({"get", "cm", "s", "-o", "jsonpath={.metadata.resourceVersion}"});
  c.Ok({"label", "cm", "s", "x=1"});
  Completed stale = c.Kubectl({"replace", "-f",
                               c.Write("stale.yaml",
                                       "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\n"
                                       "  resourceVersion: \"" +
                                           rv + "\"\ndata:\n  a: b\n")});
  CHECK(stale.status.Exited(1));
  CHECK(Contains(stale.err, "Conflict"));
  CHECK(Contains(stale.err, "the object has been modified"));
  CHECK(c.Ok({"get", "cm", "s", "-o", "jsonpath={.data}"}).empty());
}

const char* kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
)";

TEST_CASE(
    "kubectl get prints the upstream columns for deployments, jobs, nodes and events; "
    "status, scale and dry-run",
    "[kubectl]") {
  Cluster c;
  SKIP_WITHOUT_KUBECTL(c);
  CHECK(c.Ok({"create", "-f", c.Write("deploy.yaml", kDeployment)}) ==
        "deployment.apps/web created\n");
  std::string deploy = c.Ok({"get", "deployments"});
  CHECK(std::regex_search(deploy, std::regex(R"(NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE)")));
  CHECK(std::regex_search(deploy, std::regex(R"(web\s+0/2\s+0\s+0\s+\d+s)")));
  CHECK(
      std::regex_search(c.Ok({"get", "deploy", "-o", "wide"}),
                        std::regex(R"(web\s+0/2\s+0\s+0\s+\d+s\s+nginx\s+nginx:1\.25\s+app=web)")));
  CHECK(c.Ok({"get", "deploy", "web", "-o", "jsonpath={.metadata.generation}"}) == "1");
  // Defaults of apps/v1 Deployment.
  CHECK(c.Ok({"get", "deploy", "web", "-o", "jsonpath={.spec.strategy.rollingUpdate.maxSurge}"}) ==
        "25%");

  // The status subresource writes status only and leaves generation alone.
  c.Ok(
      {"patch", "deploy", "web", "--subresource=status", "--type", "merge", "-p",
       R"({"status":{"replicas":2,"readyReplicas":1,"updatedReplicas":2,"availableReplicas":1},"spec":{"replicas":9}})"});
  CHECK(std::regex_search(c.Ok({"get", "deploy"}), std::regex(R"(web\s+1/2\s+2\s+1)")));
  CHECK(c.Ok({"get", "deploy", "web", "-o", "jsonpath={.metadata.generation}"}) == "1");
  // A status change through the main resource is ignored; a spec change bumps generation.
  c.Ok({"patch", "deploy", "web", "--type", "merge", "-p",
        R"({"status":{"readyReplicas":0},"spec":{"paused":true}})"});
  CHECK(c.Ok({"get", "deploy", "web", "-o", "jsonpath={.status.readyReplicas}"}) == "1");
  CHECK(c.Ok({"get", "deploy", "web", "-o", "jsonpath={.metadata.generation}"}) == "2");

  CHECK(c.Ok({"scale", "deploy", "web", "--replicas=3"}) == "deployment.apps/web scaled\n");
  CHECK(c.Ok({"get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"}) == "3");
  Completed wrong = c.Kubectl({"scale", "deploy", "web", "--current-replicas=7", "--replicas=1"});
  CHECK(wrong.status.Exited(1));
  CHECK(Contains(wrong.err, "Expected replicas to be 7, was 3"));

  c.Ok({"create", "-f",
        c.Write("job.yaml",
                "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j1\nspec:\n"
                "  template:\n    spec:\n      restartPolicy: Never\n"
                "      containers:\n      - name: c\n        image: busybox\n")});
  std::string jobs = c.Ok({"get", "jobs"});
  CHECK(std::regex_search(jobs, std::regex(R"(NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE)")));
  CHECK(std::regex_search(jobs, std::regex(R"(j1\s+Running\s+0/1\s+\d+s)")));

  c.Ok({"create", "-f",
        c.Write("node.yaml",
                "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n  labels:\n"
                "    node-role.kubernetes.io/control-plane: \"\"\n")});
  std::string nodes = c.Ok({"get", "nodes"});
  CHECK(std::regex_search(nodes, std::regex(R"(NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION)")));
  CHECK(std::regex_search(nodes, std::regex(R"(n1\s+Unknown\s+control-plane\s+\d+s)")));

  c.Ok(
      {"create", "-f",
       c.Write("event.yaml",
               "apiVersion: v1\nkind: Event\nmetadata:\n  name: web.1\ninvolvedObject:\n"
               "  kind: Deployment\n  name: web\n  namespace: default\nreason: ScalingReplicaSet\n"
               "message: Scaled up replica set web-1 to 2\ntype: Normal\n"
               "firstTimestamp: \"2026-01-01T00:00:00Z\"\nlastTimestamp: \"2026-01-01T00:00:00Z\"\n"
               "count: 1\n")});
  std::string events = c.Ok({"get", "events"});
  CHECK(std::regex_search(events, std::regex(R"(LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE)")));
  CHECK(std::regex_search(
      events,
      std::regex(R"(Normal\s+ScalingReplicaSet\s+deployment/web\s+Scaled up replica set)")));
  CHECK(
      Contains(c.Ok({"get", "events", "--field-selector", "involvedObject.name=web", "-o", "name"}),
               "event/web.1"));

  // dry-run: answered, not stored.
  std::string dry = c.Ok({"create", "--dry-run=server", "-f",
                          c.Write("dry.yaml",
                                  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
                                  "  name: dry\n")});
  CHECK(dry == "configmap/dry created (server dry run)\n");
  CHECK(Contains(c.Kubectl({"get", "cm", "dry"}).err, "NotFound"));
  c.Ok({"delete", "deploy", "web", "--dry-run=server"});
  CHECK(c.Ok({"get", "deploy", "-o", "name"}) == "deployment.apps/web\n");

  // Services get a ClusterIP from --service-cidr and NodePorts from 30000-32767.
  c.Ok({"create", "-f",
        c.Write("svc.yaml",
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: np\nspec:\n"
                "  type: NodePort\n  selector: {app: web}\n  ports:\n  - port: 80\n"
                "    targetPort: 8080\n")});
  std::string svc = c.Ok({"get", "svc", "np"});
  CHECK(std::regex_search(
      svc, std::regex(R"(np\s+NodePort\s+10\.43\.\d+\.\d+\s+<none>\s+80:3\d{4}/TCP)")));
  CHECK_FALSE(Contains(svc, "10.43.0.1 "));
  // A patch in dry-run mode is answered and not stored.
  c.Ok({"patch", "svc", "np", "--dry-run=server", "--type", "merge", "-p",
        R"({"metadata":{"labels":{"dry":"yes"}}})"});
  CHECK(c.Ok({"get", "svc", "np", "-o", "jsonpath={.metadata.labels}"}).empty());

  // Paged lists: kubectl follows the continue token.
  for (int i = 0; i < 5; ++i) {
    c.Ok(
        {"create", "-f",
         c.Write("p.yaml",
                 fmt::format("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: page-{}\n", i))});
  }
  std::string paged = c.Ok({"get", "cm", "--chunk-size=2", "-o", "name"});
  for (int i = 0; i < 5; ++i) CHECK(Contains(paged, fmt::format("configmap/page-{}\n", i)));
}

TEST_CASE("bearer tokens from the token file; anonymous requests are refused", "[kubectl]") {
  TempDir t;
  std::string tokens = t.File("tokens.csv");
  std::ofstream(tokens) << "s3cret,alice,1001,\"system:masters\"\n";
  Cluster c({"--token-auth-file", tokens});
  SKIP_WITHOUT_KUBECTL(c);
  std::string server = "https://127.0.0.1:" + c.port();
  std::vector<std::string> base = {
      "--kubeconfig", "/dev/null", "--server", server, "--certificate-authority", c.Tls("ca.crt")};
  auto with = [&base](std::vector<std::string> more) {
    std::vector<std::string> args = base;
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  // Cluster::Kubectl adds --kubeconfig; later flags win, so these requests carry no certificate.
  CHECK(Contains(c.Ok(with({"--token", "s3cret", "get", "namespaces"})), "kube-system"));
  Completed bad = c.Kubectl(with({"--token", "wrong", "get", "namespaces"}));
  CHECK(bad.status.Exited(1));
  CHECK(Contains(bad.err, "You must be logged in to the server"));
  // Anonymous (no token, no certificate): refused, except health and version.
  std::string curl = FindInPath("curl");
  if (curl.empty()) {
    WARN("skipped the anonymous checks: curl is not installed");
    return;
  }
  auto anonymous = [&](const std::string& path) {
    SpawnOptions so;
    so.args = {curl, "-sS", "--cacert", c.Tls("ca.crt"), "-w", "\n%{http_code}", server + path};
    so.env = CleanEnvironment();
    auto r = Run(so, After(seconds(30)));
    REQUIRE(r.has_value());
    return r->out;
  };
  std::string denied = anonymous("/api/v1/namespaces");
  CHECK(denied.ends_with("\n401"));
  CHECK(Contains(denied, R"("reason":"Unauthorized")"));
  CHECK(anonymous("/healthz") == "ok\n200");
  CHECK(Contains(anonymous("/version"), R"("minor":"32")"));
}

TEST_CASE("a restart reuses the PKI, the token and the data; the kubeconfig stays valid",
          "[kubectl]") {
  Cluster c;
  SKIP_WITHOUT_KUBECTL(c);
  c.Ok({"create", "-f",
        c.Write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n")});
  auto ca = ReadFile(c.Tls("ca.crt"));
  auto token = ReadFile(c.data_dir() + "/server/token");
  auto node_token = ReadFile(c.data_dir() + "/server/node-token");
  REQUIRE((ca && token && node_token));
  CHECK(token->starts_with("K10"));
  CHECK(Contains(*token, "::server:"));
  CHECK(*token == *node_token);
  std::string old_kubeconfig = *ReadFile(c.kubeconfig());
  c.Stop();
  c.Start();
  CHECK(*ReadFile(c.Tls("ca.crt")) == *ca);
  CHECK(*ReadFile(c.data_dir() + "/server/token") == *token);
  // The same credentials work against the restarted server (only the port changed).
  std::string updated = *ReadFile(c.kubeconfig());
  std::string old_with_new_port = std::regex_replace(
      old_kubeconfig, std::regex(R"(https://127\.0\.0\.1:\d+)"), "https://127.0.0.1:" + c.port());
  CHECK(updated == old_with_new_port);
  CHECK(c.Ok({"get", "cm", "kept", "-o", "name"}) == "configmap/kept\n");
}

TEST_CASE("events expire after --event-ttl; YAML bodies are accepted and bad YAML is a 400",
          "[kubectl]") {
  Cluster c({"--event-ttl", "2s"});
  SKIP_WITHOUT_KUBECTL(c);
  c.Ok({"create", "-f",
        c.Write("event.yaml",
                "apiVersion: v1\nkind: Event\nmetadata:\n  name: short\n"
                "involvedObject:\n  kind: Pod\n  name: p\nreason: Test\n")});
  CHECK(c.Ok({"get", "events", "-o", "name"}) == "event/short\n");
  CHECK(c.Eventually({"get", "events", "-o", "name"},
                     [](const std::string& o) { return o.empty(); }));

  std::string curl = FindInPath("curl");
  if (curl.empty()) {
    WARN("skipped the YAML body checks: curl is not installed");
    return;
  }
  auto post_yaml = [&](const std::string& body) {
    SpawnOptions so;
    so.args = {curl,
               "-sS",
               "--cacert",
               c.Tls("ca.crt"),
               "--cert",
               c.Tls("admin.crt"),
               "--key",
               c.Tls("admin.key"),
               "-H",
               "Content-Type: application/yaml",
               "--data-binary",
               "@" + c.Write("body.yaml", body),
               "-w",
               "\n%{http_code}",
               "https://127.0.0.1:" + c.port() + "/api/v1/namespaces/default/configmaps"};
    so.env = CleanEnvironment();
    auto r = Run(so, After(seconds(30)));
    REQUIRE(r.has_value());
    return r->out;
  };
  std::string created = post_yaml(
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\n"
      "data:\n  answer: \"42\"\n");
  CHECK(created.ends_with("\n201"));
  CHECK(c.Ok({"get", "cm", "from-yaml", "-o", "jsonpath={.data.answer}"}) == "42");
  std::string bad = post_yaml("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n");
  CHECK(bad.ends_with("\n400"));
  CHECK(Contains(bad, R"("reason":"BadRequest")"));
  CHECK(c.Ok({"get", "cm", "-o", "name"}) == "configmap/from-yaml\n");
}

TEST_CASE("watch: replay from a resourceVersion, bookmarks, timeoutSeconds, 410 when too old",
          "[kubectl]") {
  Cluster c;
  SKIP_WITHOUT_KUBECTL(c);
  if (FindInPath("curl").empty()) {
    WARN("skipped: curl is not installed");
    return;
  }
  c.Ok({"create", "-f",
        c.Write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")});
  std::string rv1 = c.Ok({"get", "cm", "a", "-o", "jsonpath={.metadata.resourceVersion}"});
  c.Ok({"label", "cm", "a", "x=1"});
  std::string rv2 = c.Ok({"get", "cm", "a", "-o", "jsonpath={.metadata.resourceVersion}"});
  REQUIRE(rv1 != rv2);
  const std::string cms = "{URL}/api/v1/namespaces/default/configmaps";
  auto started = std::chrono::steady_clock::now();
  std::string replay = c.Curl({cms + "?watch=true&resourceVersion=" + rv1 + "&timeoutSeconds=2"});
  auto took = std::chrono::steady_clock::now() - started;
  CHECK(took >= seconds(2));
  CHECK(took < seconds(20));
  CHECK(replay.ends_with("\n200"));
  CHECK(Contains(replay, R"({"type":"MODIFIED","object":{)"));
  CHECK(Contains(replay, R"("kind":"ConfigMap")"));
  CHECK(Contains(replay, "\"resourceVersion\":\"" + rv2 + "\""));
  CHECK_FALSE(Contains(replay, "ADDED"));

  std::string bookmarks = c.Curl(
      {cms + "?watch=true&allowWatchBookmarks=true&resourceVersion=" + rv2 + "&timeoutSeconds=12"});
  CHECK(Contains(
      bookmarks,
      R"({"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":")"));

  // A revision from the future: waited for briefly, then 504 (kube-apiserver's wording).
  std::string future = c.Curl({cms + "/a?resourceVersion=999999"});
  CHECK(future.ends_with("\n504"));
  CHECK(Contains(future, "Too large resource version: 999999"));
  // ?timeout= bounds any request: 504 Timeout once it passes.
  auto asked = std::chrono::steady_clock::now();
  std::string timed_out = c.Curl({cms + "/a?resourceVersion=999999&timeout=1s"});
  CHECK(std::chrono::steady_clock::now() - asked < seconds(3));
  CHECK(timed_out.ends_with("\n504"));
  CHECK(Contains(timed_out, R"("reason":"Timeout")"));

  // After a restart the cache holds no history older than its start: 410 Expired.
  c.Stop();
  c.Start();
  std::string old = c.Curl({cms + "?watch=true&resourceVersion=1"});
  CHECK(old.ends_with("\n410"));
  CHECK(Contains(old, R"("reason":"Expired")"));
  CHECK(Contains(old, "too old resource version"));
}

TEST_CASE("pods/binding sets the node once; pods/eviction honours a disruption budget",
          "[kubectl]") {
  Cluster c;
  SKIP_WITHOUT_KUBECTL(c);
  if (FindInPath("curl").empty()) {
    WARN("skipped: curl is not installed");
    return;
  }
  c.Ok({"create", "-f", c.Write("pod.yaml", kPod)});
  const std::string pod = "{URL}/api/v1/namespaces/default/pods/p1";
  auto post = [&c](const std::string& url, const std::string& body) {
    return c.Curl(
        {"-X", "POST", "-H", "Content-Type: application/json", "--data-binary", body, url});
  };
  const std::string binding =
      R"({"apiVersion":"v1","kind":"Binding","metadata":{"name":"p1"},"target":{"apiVersion":"v1","kind":"Node","name":"n1"}})";
  std::string bound = post(pod + "/binding", binding);
  CHECK(bound.ends_with("\n201"));
  CHECK(c.Ok({"get", "pod", "p1", "-o", "jsonpath={.spec.nodeName}"}) == "n1");
  std::string again = post(pod + "/binding", binding);
  CHECK(again.ends_with("\n409"));
  CHECK(Contains(again, "is already assigned to node"));

  c.Ok({"create", "-f",
        c.Write("pdb.yaml",
                "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n"
                "  name: keep\nspec:\n  minAvailable: 1\n  selector:\n"
                "    matchLabels: {app: web}\n")});
  const std::string eviction =
      R"({"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"p1","namespace":"default"}})";
  std::string refused = post(pod + "/eviction", eviction);
  CHECK(refused.ends_with("\n429"));
  CHECK(Contains(refused, "Cannot evict pod as it would violate the pod's disruption budget."));
  CHECK(c.Ok({"get", "pod", "p1", "-o", "jsonpath={.metadata.deletionTimestamp}"}).empty());
  c.Ok({"delete", "pdb", "keep"});
  std::string evicted = post(pod + "/eviction", eviction);
  CHECK(evicted.ends_with("\n201"));
  // Bound to a node, the pod is now terminating gracefully (its agent finishes the deletion).
  CHECK_FALSE(c.Ok({"get", "pod", "p1", "-o", "jsonpath={.metadata.deletionTimestamp}"}).empty());
  CHECK(Contains(c.Ok({"get", "pods"}), "Terminating"));
}

}  // namespace
}  // namespace orchd::testing
