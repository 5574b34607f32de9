#include "server/tables.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "api/json.h"

namespace orchd::server {
namespace {

using namespace std::chrono_literals;  // NOLINT(google-build-using-namespace)
using TimePoint = std::chrono::system_clock::time_point;

// Every object below is seen at this instant. Creation times used: T-5m = 11:55:00,
// T-3d = 2024-05-29T12:00:00Z.
const TimePoint kNow = *ParseRfc3339("2024-06-01T12:00:00Z");

// The cells of `object` (JSON) as compact JSON, so that each cell's JSON type is checked too.
std::string CellsOf(std::string_view group, std::string_view resource, std::string_view object) {
  Result<api::JsonDoc> doc = api::ParseJson(object);
  REQUIRE(doc.has_value());
  api::JsonDoc cells;
  cells.SetArray();
  AppendTableCells(group, resource, *doc, kNow, cells, cells.GetAllocator());
  CHECK(cells.Size() == TableColumns(group, resource).size());
  return api::ToJson(cells);
}

struct Case {
  const char* what;
  std::string_view group;
  std::string_view resource;
  std::string_view object;
  std::string_view cells;
};

void RunCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    INFO(c.what);
    CHECK(CellsOf(c.group, c.resource, c.object) == c.cells);
  }
}

std::vector<std::string> ColumnNames(std::string_view group, std::string_view resource,
                                     int priority) {
  std::vector<std::string> names;
  for (const TableColumn& c : TableColumns(group, resource)) {
    if (c.priority == priority) names.push_back(c.name);
  }
  return names;
}

TEST_CASE("HumanDuration follows apimachinery's thresholds", "[tables]") {
  struct {
    std::chrono::nanoseconds d;
    const char* want;
  } cases[] = {
      {-3s, "<invalid>"},
      {-2s, "<invalid>"},
      {-1999ms, "0s"},  // int(-1.999) is -1: within the tolerated skew
      {-1s, "0s"},
      {0s, "0s"},
      {999ms, "0s"},
      {1s, "1s"},
      {59s, "59s"},
      {119s, "119s"},
      {120s, "2m"},
      {121s, "2m1s"},
      {9min + 59s, "9m59s"},
      {10min, "10m"},
      {10min + 30s, "10m"},
      {179min + 59s, "179m"},
      {180min, "3h"},
      {3h + 1min, "3h1m"},
      {7h + 59min, "7h59m"},
      {8h, "8h"},
      {47h + 59min, "47h"},
      {48h, "2d"},
      {49h, "2d1h"},
      {7 * 24h + 23h, "7d23h"},
      {8 * 24h, "8d"},
      {729 * 24h, "729d"},
      {730 * 24h, "2y"},
      {731 * 24h, "2y1d"},
      {8 * 365 * 24h - 1h, "7y364d"},
      {8 * 365 * 24h, "8y"},
      {100 * 365 * 24h, "100y"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.d.count());
    CHECK(HumanDuration(c.d) == c.want);
  }
}

TEST_CASE("ParseRfc3339 reads Kubernetes timestamps and FormatRfc3339 writes them", "[tables]") {
  const TimePoint base = *ParseRfc3339("2024-01-01T00:00:00Z");
  CHECK(FormatRfc3339(base) == "2024-01-01T00:00:00Z");
  CHECK(std::chrono::duration_cast<std::chrono::seconds>(base.time_since_epoch()).count() ==
        1704067200);
  CHECK(ParseRfc3339("2024-01-01T00:00:00.5Z") == base + 500ms);
  CHECK(ParseRfc3339("2024-01-01T00:00:00.123456Z") == base + 123456us);
  CHECK(ParseRfc3339("2024-01-01T02:30:00+02:30") == base);
  CHECK(ParseRfc3339("2023-12-31T23:00:00-01:00") == base);
  CHECK(ParseRfc3339("2024-02-29T23:59:59Z") == base + 59 * 24h + 23h + 59min + 59s);
  CHECK(FormatRfc3339(base + 1999ms) == "2024-01-01T00:00:01Z");
  CHECK(FormatRfc3339(*ParseRfc3339("1969-12-31T23:59:59.5Z")) == "1969-12-31T23:59:59Z");
  CHECK(FormatRfc3339(*ParseRfc3339("2026-07-04T18:09:07+00:00")) == "2026-07-04T18:09:07Z");
  for (std::string_view bad :
       {"", "2024-01-01", "2024-01-01T00:00:00", "2024-01-01 00:00:00Z", "2024-13-01T00:00:00Z",
        "2023-02-29T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z",
        "2024-01-01T00:00:60Z", "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00+0100",
        "2024-01-01T00:00:00+01", "2024-01-01T00:00:00Zjunk", "2024-1-01T00:00:00Z",
        "1600-01-01T00:00:00Z", "0001-01-01T00:00:00Z"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseRfc3339(bad).has_value());
  }
}

TEST_CASE("AgeCell is the human duration since creation, or <unknown>", "[tables]") {
  struct {
    const char* object;
    const char* want;
  } cases[] = {
      {R"x({"metadata":{"creationTimestamp":"2024-06-01T11:55:00Z"}})x", "5m"},
      {R"x({"metadata":{"creationTimestamp":"2024-05-29T12:00:00Z"}})x", "3d"},
      {R"x({"metadata":{"creationTimestamp":"2024-06-01T12:00:01Z"}})x", "0s"},
      {R"x({"metadata":{"creationTimestamp":"2024-06-01T12:00:05Z"}})x", "<invalid>"},
      {R"x({"metadata":{"creationTimestamp":null}})x", "<unknown>"},
      {R"x({"metadata":{"creationTimestamp":"yesterday"}})x", "<unknown>"},
      {R"x({"metadata":{}})x", "<unknown>"},
      {R"x([])x", "<unknown>"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.object);
    Result<api::JsonDoc> doc = api::ParseJson(c.object);
    REQUIRE(doc.has_value());
    CHECK(AgeCell(*doc, kNow) == c.want);
  }
}

TEST_CASE("Column definitions follow upstream's printers", "[tables]") {
  using V = std::vector<std::string>;
  CHECK(ColumnNames("", "pods", 0) == V{"Name", "Ready", "Status", "Restarts", "Age"});
  CHECK(ColumnNames("", "pods", 1) == V{"IP", "Node", "Nominated Node", "Readiness Gates"});
  CHECK(ColumnNames("", "services", 0) ==
        V{"Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age"});
  CHECK(ColumnNames("", "services", 1) == V{"Selector"});
  CHECK(ColumnNames("", "nodes", 0) == V{"Name", "Status", "Roles", "Age", "Version"});
  CHECK(ColumnNames("", "nodes", 1) ==
        V{"Internal-IP", "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime"});
  CHECK(ColumnNames("apps", "deployments", 0) ==
        V{"Name", "Ready", "Up-to-date", "Available", "Age"});
  CHECK(ColumnNames("apps", "deployments", 1) == V{"Containers", "Images", "Selector"});
  CHECK(ColumnNames("apps", "statefulsets", 1) == V{"Containers", "Images"});
  CHECK(ColumnNames("apps", "daemonsets", 0) == V{"Name", "Desired", "Current", "Ready",
                                                  "Up-to-date", "Available", "Node Selector",
                                                  "Age"});
  CHECK(ColumnNames("batch", "jobs", 0) == V{"Name", "Status", "Completions", "Duration", "Age"});
  CHECK(ColumnNames("batch", "cronjobs", 0) ==
        V{"Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age"});
  CHECK(ColumnNames("", "events", 0) == V{"Last Seen", "Type", "Reason", "Object", "Message"});
  CHECK(ColumnNames("", "events", 1) == V{"Subobject", "Source", "First Seen", "Count", "Name"});
  CHECK(ColumnNames("events.k8s.io", "events", 0) == ColumnNames("", "events", 0));
  CHECK(ColumnNames("autoscaling", "horizontalpodautoscalers", 0) ==
        V{"Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"});
  CHECK(ColumnNames("", "podtemplates", 0) == V{"Name", "Containers", "Images", "Pod Labels"});

  // Types as upstream declares them, even where the cell disagrees.
  const std::vector<TableColumn>& pods = TableColumns("", "pods");
  CHECK(pods[0].format == "name");
  CHECK(pods[0].description.starts_with("Name must be unique within a namespace."));
  CHECK(pods[3].type == "string");  // Restarts: "3 (2m ago)"
  CHECK(pods[4].description.starts_with("CreationTimestamp is a timestamp"));
  CHECK(TableColumns("batch", "cronjobs")[3].type == "boolean");
  CHECK(TableColumns("apps", "replicasets")[1].type == "integer");
  CHECK(TableColumns("", "configmaps")[1].type == "string");
  const std::vector<TableColumn>& events = TableColumns("", "events");
  CHECK(events.back().format == "name");
  CHECK(events.front().format.empty());

  // Upstream's default table convertor.
  const std::vector<TableColumn>& lr = TableColumns("", "limitranges");
  REQUIRE(lr.size() == 2);
  CHECK(lr[1].name == "Created At");
  CHECK(lr[1].type == "date");

  // Anything else: Name and Age.
  const std::vector<TableColumn>& other = TableColumns("example.com", "widgets");
  REQUIRE(other.size() == 2);
  CHECK(other[0].name == "Name");
  CHECK(other[0].type == "string");
  CHECK(other[0].format == "name");
  CHECK(other[1].name == "Age");
  CHECK(other[1].type == "string");
  CHECK(other[1].description.starts_with("CreationTimestamp is a timestamp"));
  CHECK(&TableColumns("apps", "pods") == &other);  // group matters
}

TEST_CASE("Every printer fills one cell per column, even from an empty object", "[tables]") {
  const std::pair<std::string_view, std::string_view> resources[] = {
      {"", "pods"},
      {"", "podtemplates"},
      {"", "services"},
      {"", "endpoints"},
      {"", "nodes"},
      {"", "events"},
      {"events.k8s.io", "events"},
      {"", "namespaces"},
      {"", "configmaps"},
      {"", "secrets"},
      {"", "serviceaccounts"},
      {"", "persistentvolumes"},
      {"", "persistentvolumeclaims"},
      {"", "resourcequotas"},
      {"", "limitranges"},
      {"", "replicationcontrollers"},
      {"apps", "deployments"},
      {"apps", "replicasets"},
      {"apps", "statefulsets"},
      {"apps", "daemonsets"},
      {"apps", "controllerrevisions"},
      {"batch", "jobs"},
      {"batch", "cronjobs"},
      {"autoscaling", "horizontalpodautoscalers"},
      {"policy", "poddisruptionbudgets"},
      {"networking.k8s.io", "ingresses"},
      {"networking.k8s.io", "ingressclasses"},
      {"networking.k8s.io", "networkpolicies"},
      {"discovery.k8s.io", "endpointslices"},
      {"coordination.k8s.io", "leases"},
      {"storage.k8s.io", "storageclasses"},
      {"example.com", "widgets"},
  };
  for (const auto& [group, resource] : resources) {
    CAPTURE(group, resource);
    CHECK(TableColumns(group, resource).size() > 1);
    CellsOf(group, resource, "{}");         // checks the count
    CellsOf(group, resource, R"("text")");  // not even an object
  }
}

TEST_CASE("Pod Ready, Status and Restarts in the states kubectl shows", "[tables]") {
  RunCases({
      {"running and ready", "", "pods",
       R"x({"metadata":{"name":"web-1","creationTimestamp":"2024-06-01T11:55:00Z"},
           "spec":{"nodeName":"node1","containers":[{"name":"web"}]},
           "status":{"phase":"Running","podIP":"10.42.0.5","podIPs":[{"ip":"10.42.0.5"}],
             "conditions":[{"type":"Ready","status":"True"}],
             "containerStatuses":[{"name":"web","ready":true,"restartCount":0,
               "state":{"running":{"startedAt":"2024-06-01T11:55:10Z"}}}]}})x",
       R"x(["web-1","1/1","Running","0","5m","10.42.0.5","node1","<none>","<none>"])x"},
      {"pending, not scheduled", "", "pods",
       R"x({"metadata":{"name":"p","creationTimestamp":"2024-06-01T11:55:00Z"},
           "spec":{"containers":[{"name":"a"},{"name":"b"}]},"status":{"phase":"Pending"}})x",
       R"x(["p","0/2","Pending","0","5m","<none>","<none>","<none>","<none>"])x"},
      {"creating", "", "pods",
       R"x({"metadata":{"name":"p"},"spec":{"nodeName":"n","containers":[{"name":"a"}]},
           "status":{"phase":"Pending","containerStatuses":[{"name":"a","ready":false,
             "restartCount":0,"state":{"waiting":{"reason":"ContainerCreating"}}}]}})x",
       R"x(["p","0/1","ContainerCreating","0","<unknown>","<none>","n","<none>","<none>"])x"},
      {"crash loop with restarts", "", "pods",
       R"x({"metadata":{"name":"crash","creationTimestamp":"2024-06-01T11:55:00Z"},
           "spec":{"containers":[{"name":"a"}]},
           "status":{"phase":"Running","containerStatuses":[{"name":"a","ready":false,
             "restartCount":5,"state":{"waiting":{"reason":"CrashLoopBackOff"}},
             "lastState":{"terminated":{"exitCode":1,"reason":"Error",
               "finishedAt":"2024-06-01T11:58:00Z"}}}]}})x",
       R"x(["crash","0/1","CrashLoopBackOff","5 (2m ago)","5m","<none>","<none>","<none>","<none>"])x"},
      {"restarts without a termination time", "", "pods",
       R"x({"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]},
           "status":{"phase":"Running","containerStatuses":[{"name":"a","ready":true,
             "restartCount":2,"state":{"running":{}},"lastState":{"terminated":{"exitCode":1}}}]}})x",
       R"x(["p","1/1","Running","2","<unknown>","<none>","<none>","<none>","<none>"])x"},
      {"init containers not started", "", "pods",
       R"x({"metadata":{"name":"p"},
           "spec":{"initContainers":[{"name":"i1"},{"name":"i2"}],"containers":[{"name":"a"}]},
           "status":{"phase":"Pending",
             "initContainerStatuses":[
               {"name":"i1","state":{"waiting":{"reason":"PodInitializing"}}},
               {"name":"i2","state":{"waiting":{"reason":"PodInitializing"}}}],
             "containerStatuses":[{"name":"a","state":{"waiting":{"reason":"PodInitializing"}}}]}})x",
       R"x(["p","0/1","Init:0/2","0","<unknown>","<none>","<none>","<none>","<none>"])x"},
      {"second init container running", "", "pods",
       R"x({"metadata":{"name":"p"},
           "spec":{"initContainers":[{"name":"i1"},{"name":"i2"}],"containers":[{"name":"a"}]},
           "status":{"phase":"Pending",
             "initContainerStatuses":[
               {"name":"i1","state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
               {"name":"i2","state":{"running":{}}}],
             "containerStatuses":[{"name":"a","state":{"waiting":{"reason":"PodInitializing"}}}]}})x",
       R"x(["p","0/1","Init:1/2","0","<unknown>","<none>","<none>","<none>","<none>"])x"},
      {"init container crash loop", "", "pods",
       R"x({"metadata":{"name":"p"},
           "spec":{"initContainers":[{"name":"i1"}],"containers":[{"name":"a"}]},
           "status":{"phase":"Pending",
             "initContainerStatuses":[{"name":"i1","restartCount":3,
               "state":{"waiting":{"reason":"CrashLoopBackOff"}},
               "lastState":{"terminated":{"exitCode":1,"finishedAt":"2024-06-01T11:59:50Z"}}}],
             "containerStatuses":[{"name":"a","restartCount":0,
               "state":{"waiting":{"reason":"PodInitializing"}}}]}})x",
       R"x(["p","0/1","Init:CrashLoopBackOff","3 (10s ago)","<unknown>","<none>","<none>","<none>","<none>"])x"},
      {"init container error", "", "pods",
       R"x({"metadata":{"name":"p"},
           "spec":{"initContainers":[{"name":"i1"}],"containers":[{"name":"a"}]},
           "status":{"phase":"Pending","initContainerStatuses":[{"name":"i1",
             "state":{"terminated":{"exitCode":1,"reason":"Error"}}}]}})x",
       R"x(["p","0/1","Init:Error","0","<unknown>","<none>","<none>","<none>","<none>"])x"},
      {"init container exit code", "", "pods",
       R"x({"metadata":{"name":"p"},
           "spec":{"initContainers":[{"name":"i1"}],"containers":[{"name":"a"}]},
           "status":{"phase":"Pending","initContainerStatuses":[{"name":"i1",
             "state":{"terminated":{"exitCode":2}}}]}})x",
       R"x(["p","0/1","Init:ExitCode:2","0","<unknown>","<none>","<none>","<none>","<none>"])x"},
      {"init container signal", "", "pods",
       R"x({"metadata":{"name":"p"},
           "spec":{"initContainers":[{"name":"i1"}],"containers":[{"name":"a"}]},
           "status":{"phase":"Pending","initContainerStatuses":[{"name":"i1",
             "state":{"terminated":{"exitCode":137,"signal":9}}}]}})x",
       R"x(["p","0/1","Init:Signal:9","0","<unknown>","<none>","<none>","<none>","<none>"])x"},
      {"completed", "", "pods",
       R"x({"metadata":{"name":"job-x"},"spec":{"containers":[{"name":"a"}]},
           "status":{"phase":"Succeeded","containerStatuses":[{"name":"a","ready":false,
             "state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}})x",
       R"x(["job-x","0/1","Completed","0","<unknown>","<none>","<none>","<none>","<none>"])x"},
      {"one container completed, another running and the pod ready", "", "pods",
       R"x({"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"},{"name":"b"}]},
           "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],
             "containerStatuses":[
               {"name":"a","ready":true,"state":{"running":{}}},
               {"name":"b","ready":false,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}})x",
       R"x(["p","1/2","Running","0","<unknown>","<none>","<none>","<none>","<none>"])x"},
      {"one container completed, another running, the pod not ready", "", "pods",
       R"x({"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"},{"name":"b"}]},
           "status":{"phase":"Running","conditions":[{"type":"Ready","status":"False"}],
             "containerStatuses":[
               {"name":"a","ready":true,"state":{"running":{}}},
               {"name":"b","ready":false,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}})x",
       R"x(["p","1/2","NotReady","0","<unknown>","<none>","<none>","<none>","<none>"])x"},
      {"the first container from the end decides", "", "pods",
       R"x({"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"},{"name":"b"}]},
           "status":{"phase":"Running","containerStatuses":[
               {"name":"a","ready":false,"state":{"waiting":{"reason":"ImagePullBackOff"}}},
               {"name":"b","ready":false,"state":{"waiting":{"reason":"ErrImagePull"}}}]}})x",
       R"x(["p","0/2","ImagePullBackOff","0","<unknown>","<none>","<none>","<none>","<none>"])x"},
      {"terminated without a reason: exit code", "", "pods",
       R"x({"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]},
           "status":{"phase":"Failed","containerStatuses":[{"name":"a",
             "state":{"terminated":{"exitCode":137}}}]}})x",
       R"x(["p","0/1","ExitCode:137","0","<unknown>","<none>","<none>","<none>","<none>"])x"},
      {"terminated without a reason: signal", "", "pods",
       R"x({"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]},
           "status":{"phase":"Failed","containerStatuses":[{"name":"a",
             "state":{"terminated":{"exitCode":143,"signal":15}}}]}})x",
       R"x(["p","0/1","Signal:15","0","<unknown>","<none>","<none>","<none>","<none>"])x"},
      {"deleting a running pod", "", "pods",
       R"x({"metadata":{"name":"p","deletionTimestamp":"2024-06-01T12:00:30Z"},
           "spec":{"containers":[{"name":"a"}]},
           "status":{"phase":"Running","containerStatuses":[{"name":"a","ready":true,
             "state":{"running":{}}}]}})x",
       R"x(["p","1/1","Terminating","0","<unknown>","<none>","<none>","<none>","<none>"])x"},
      {"deleting a succeeded pod", "", "pods",
       R"x({"metadata":{"name":"p","deletionTimestamp":"2024-06-01T12:00:30Z"},
           "spec":{"containers":[{"name":"a"}]},
           "status":{"phase":"Succeeded","containerStatuses":[{"name":"a",
             "state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}})x",
       R"x(["p","0/1","Completed","0","<unknown>","<none>","<none>","<none>","<none>"])x"},
      {"node lost and deleted", "", "pods",
       R"x({"metadata":{"name":"p","deletionTimestamp":"2024-06-01T12:00:30Z"},
           "spec":{"containers":[{"name":"a"}]},
           "status":{"phase":"Running","reason":"NodeLost","containerStatuses":[{"name":"a",
             "ready":true,"state":{"running":{}}}]}})x",
       R"x(["p","1/1","Unknown","0","<unknown>","<none>","<none>","<none>","<none>"])x"},
      {"node lost, not deleted", "", "pods",
       R"x({"metadata":{"name":"p","deletionTimestamp":null},"spec":{"containers":[{"name":"a"}]},
           "status":{"phase":"Running","reason":"NodeLost"}})x",
       R"x(["p","0/1","NodeLost","0","<unknown>","<none>","<none>","<none>","<none>"])x"},
      {"evicted", "", "pods",
       R"x({"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]},
           "status":{"phase":"Failed","reason":"Evicted","message":"low on memory"}})x",
       R"x(["p","0/1","Evicted","0","<unknown>","<none>","<none>","<none>","<none>"])x"},
      {"scheduling gated", "", "pods",
       R"x({"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]},
           "status":{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False",
             "reason":"SchedulingGated"}]}})x",
       R"x(["p","0/1","SchedulingGated","0","<unknown>","<none>","<none>","<none>","<none>"])x"},
      {"sidecar counts as a container and only its restarts carry over", "", "pods",
       R"x({"metadata":{"name":"p","creationTimestamp":"2024-06-01T11:55:00Z"},
           "spec":{"initContainers":[{"name":"proxy","restartPolicy":"Always"}],
             "containers":[{"name":"app"}]},
           "status":{"phase":"Running","conditions":[{"type":"Initialized","status":"True"},
               {"type":"Ready","status":"True"}],
             "initContainerStatuses":[{"name":"proxy","started":true,"ready":true,
               "restartCount":2,"state":{"running":{}},
               "lastState":{"terminated":{"exitCode":1,"finishedAt":"2024-06-01T11:57:00Z"}}}],
             "containerStatuses":[{"name":"app","ready":true,"restartCount":1,
               "state":{"running":{}}}]}})x",
       R"x(["p","2/2","Running","3 (3m ago)","5m","<none>","<none>","<none>","<none>"])x"},
      {"sidecar not started yet", "", "pods",
       R"x({"metadata":{"name":"p"},
           "spec":{"initContainers":[{"name":"proxy","restartPolicy":"Always"}],
             "containers":[{"name":"app"}]},
           "status":{"phase":"Pending","initContainerStatuses":[{"name":"proxy","started":false,
             "state":{"running":{}}}]}})x",
       R"x(["p","0/2","Init:0/1","0","<unknown>","<none>","<none>","<none>","<none>"])x"},
      {"wide columns: podIP fallback, nominated node, readiness gates", "", "pods",
       R"x({"metadata":{"name":"p"},
           "spec":{"containers":[{"name":"a"}],"readinessGates":[
             {"conditionType":"example.com/a"},{"conditionType":"example.com/b"}]},
           "status":{"phase":"Pending","podIP":"10.42.0.9","nominatedNodeName":"node2",
             "conditions":[{"type":"example.com/a","status":"True"},
               {"type":"example.com/b","status":"False"}]}})x",
       R"x(["p","0/1","Pending","0","<unknown>","10.42.0.9","<none>","node2","1/2"])x"},
      {"dual-stack: the first pod IP", "", "pods",
       R"x({"metadata":{"name":"p"},"spec":{"containers":[]},
           "status":{"podIP":"10.42.0.9","podIPs":[{"ip":"10.42.0.9"},{"ip":"fd00::9"}]}})x",
       R"x(["p","0/0","","0","<unknown>","10.42.0.9","<none>","<none>","<none>"])x"},
  });
}

TEST_CASE("Service type, addresses and ports", "[tables]") {
  RunCases({
      {"cluster IP with a selector", "", "services",
       R"x({"metadata":{"name":"web","creationTimestamp":"2024-06-01T11:55:00Z"},
           "spec":{"type":"ClusterIP","clusterIP":"10.43.0.10","clusterIPs":["10.43.0.10"],
             "selector":{"tier":"fe","app":"web"},
             "ports":[{"port":80,"protocol":"TCP","targetPort":8080}]}})x",
       R"x(["web","ClusterIP","10.43.0.10","<none>","80/TCP","5m","app=web,tier=fe"])x"},
      {"headless", "", "services",
       R"x({"metadata":{"name":"db"},"spec":{"type":"ClusterIP","clusterIP":"None",
           "clusterIPs":["None"],"ports":[{"port":5432,"protocol":"TCP"}]}})x",
       R"x(["db","ClusterIP","None","<none>","5432/TCP","<unknown>","<none>"])x"},
      {"cluster IP with external IPs and UDP", "", "services",
       R"x({"metadata":{"name":"dns"},"spec":{"type":"ClusterIP","clusterIP":"10.43.0.10",
           "externalIPs":["203.0.113.5","203.0.113.6"],
           "ports":[{"name":"dns","port":53,"protocol":"UDP"},{"name":"tcp","port":53,"protocol":"TCP"}]}})x",
       R"x(["dns","ClusterIP","10.43.0.10","203.0.113.5,203.0.113.6","53/UDP,53/TCP","<unknown>","<none>"])x"},
      {"node port", "", "services",
       R"x({"metadata":{"name":"np"},"spec":{"type":"NodePort","clusterIPs":["10.43.1.1"],
           "ports":[{"port":80,"nodePort":30080,"protocol":"TCP"},
             {"port":443,"nodePort":30443,"protocol":"TCP"}]}})x",
       R"x(["np","NodePort","10.43.1.1","<none>","80:30080/TCP,443:30443/TCP","<unknown>","<none>"])x"},
      {"load balancer not provisioned yet", "", "services",
       R"x({"metadata":{"name":"lb"},"spec":{"type":"LoadBalancer","clusterIP":"10.43.2.2",
           "ports":[{"port":80,"nodePort":31000,"protocol":"TCP"}]},"status":{"loadBalancer":{}}})x",
       R"x(["lb","LoadBalancer","10.43.2.2","<pending>","80:31000/TCP","<unknown>","<none>"])x"},
      {"load balancer with ingress points and external IPs", "", "services",
       R"x({"metadata":{"name":"lb"},"spec":{"type":"LoadBalancer","clusterIP":"10.43.2.2",
           "externalIPs":["1.2.3.4"],"ports":[{"port":80,"nodePort":31000,"protocol":"TCP"}]},
           "status":{"loadBalancer":{"ingress":[{"ip":"192.168.1.20"},{"ip":"192.168.1.10"},
             {"hostname":"lb.example.com"},{"ip":"192.168.1.10"}]}}})x",
       R"x(["lb","LoadBalancer","10.43.2.2","192.168.1.10,192.168.1.20,lb.example.com,1.2.3.4","80:31000/TCP","<unknown>","<none>"])x"},
      {"load balancer with external IPs only", "", "services",
       R"x({"metadata":{"name":"lb"},"spec":{"type":"LoadBalancer","externalIPs":["1.2.3.4"]}})x",
       R"x(["lb","LoadBalancer","<none>","1.2.3.4","<none>","<unknown>","<none>"])x"},
      {"external name", "", "services",
       R"x({"metadata":{"name":"ext","creationTimestamp":"2024-06-01T11:55:00Z"},
           "spec":{"type":"ExternalName","externalName":"db.example.com"}})x",
       R"x(["ext","ExternalName","<none>","db.example.com","<none>","5m","<none>"])x"},
      {"defaults: ClusterIP and TCP", "", "services",
       R"x({"metadata":{"name":"d"},"spec":{"clusterIP":"10.43.0.1","ports":[{"port":443}]}})x",
       R"x(["d","ClusterIP","10.43.0.1","<none>","443/TCP","<unknown>","<none>"])x"},
  });
}

TEST_CASE("Node status, roles and system info", "[tables]") {
  RunCases({
      {"ready control plane", "", "nodes",
       R"x({"metadata":{"name":"server","creationTimestamp":"2024-05-29T12:00:00Z",
             "labels":{"node-role.kubernetes.io/master":"true","kubernetes.io/hostname":"server",
               "node-role.kubernetes.io/control-plane":"true"}},
           "spec":{},
           "status":{"conditions":[{"type":"MemoryPressure","status":"False"},
               {"type":"Ready","status":"True"}],
             "addresses":[{"type":"InternalIP","address":"10.0.0.1"},
               {"type":"Hostname","address":"server"}],
             "nodeInfo":{"kubeletVersion":"v1.32.4+orchd","osImage":"Debian GNU/Linux 12 (bookworm)",
          "kernelVersion" : "6.1.0-18-amd64", "containerRuntimeVersion" : "containerd://1.7.23"
    }}})x",
       R"x(["server","Ready","control-plane,master","3d","v1.32.4+orchd","10.0.0.1","<none>","Debian GNU/Linux 12 (bookworm)","6.1.0-18-amd64","containerd://1.7.23"])x"},
      {"not ready, cordoned, legacy role label", "", "nodes",
       R"x({"metadata":{"name":"w1","creationTimestamp":"2024-06-01T11:55:00Z",
             "labels":{"kubernetes.io/role":"worker","node-role.kubernetes.io/":""}},
           "spec":{"unschedulable":true},
           "status":{"conditions":[{"type":"Ready","status":"Unknown"}],
             "addresses":[{"type":"ExternalIP","address":"203.0.113.7"},
               {"type":"InternalIP","address":"10.0.0.2"},{"type":"InternalIP","address":"10.0.0.3"}],
             "nodeInfo":{"kubeletVersion":"v1.32.4+orchd"}}})x",
       R"x(["w1","NotReady,SchedulingDisabled","worker","5m","v1.32.4+orchd","10.0.0.2","203.0.113.7","<unknown>","<unknown>","<unknown>"])x"},
      {"no Ready condition yet", "", "nodes", R"x({"metadata":{"name":"new"}})x",
       R"x(["new","Unknown","<none>","<unknown>","","<none>","<none>","<unknown>","<unknown>","<unknown>"])x"},
      {"no Ready condition, cordoned", "", "nodes",
       R"x({"metadata":{"name":"new"},"spec":{"unschedulable":true},"status":{"conditions":[]}})x",
       R"x(["new","Unknown,SchedulingDisabled","<none>","<unknown>","","<none>","<none>","<unknown>","<unknown>","<unknown>"])x"},
  });
}

TEST_CASE("Deployments, replica sets, stateful sets, daemon sets and revisions", "[tables]") {
  RunCases({
      {"deployment rolling out", "apps", "deployments",
       R"x({"metadata":{"name":"web","creationTimestamp":"2024-06-01T11:55:00Z"},
           "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
             "template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"},
               {"name":"log","image":"busybox"}]}}},
           "status":{"replicas":3,"updatedReplicas":3,"readyReplicas":2,"availableReplicas":2}})x",
       R"x(["web","2/3",3,2,"5m","web,log","nginx:1.27,busybox","app=web"])x"},
      {"deployment with expressions", "apps", "deployments",
       R"x({"metadata":{"name":"api"},"spec":{"replicas":0,"selector":{"matchLabels":{"app":"api"},
           "matchExpressions":[{"key":"tier","operator":"In","values":["cache","backend"]},
             {"key":"canary","operator":"DoesNotExist"},{"key":"env","operator":"Exists"}]}}})x",
       R"x(["api","0/0",0,0,"<unknown>","","","app=api,!canary,env,tier in (backend,cache)"])x"},
      {"deployment defaults: one replica, no selector", "apps", "deployments",
       R"x({"metadata":{"name":"bare"}})x", R"x(["bare","0/1",0,0,"<unknown>","","",""])x"},
      {"deployment with a broken selector", "apps", "deployments",
       R"x({"metadata":{"name":"bad"},"spec":{"selector":{"matchExpressions":[
           {"key":"a","operator":"Foo"}]}}})x",
       R"x(["bad","0/1",0,0,"<unknown>","","","<invalid>"])x"},
      {"replica set", "apps", "replicasets",
       R"x({"metadata":{"name":"web-7d4b9c","creationTimestamp":"2024-06-01T11:55:00Z"},
           "spec":{"replicas":3,"selector":{"matchLabels":{"pod-template-hash":"7d4b9c","app":"web"}},
             "template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}},
           "status":{"replicas":3,"readyReplicas":1}})x",
       R"x(["web-7d4b9c",3,3,1,"5m","web","nginx:1.27","app=web,pod-template-hash=7d4b9c"])x"},
      {"replica set with an empty selector", "apps", "replicasets",
       R"x({"metadata":{"name":"rs"},"spec":{"replicas":1,"selector":{}}})x",
       R"x(["rs",1,0,0,"<unknown>","","","<none>"])x"},
      {"replica set with notin and a bad In", "apps", "replicasets",
       R"x({"metadata":{"name":"rs"},"spec":{"selector":{"matchExpressions":[
           {"key":"env","operator":"NotIn","values":["prod"]}]}}})x",
       R"x(["rs",1,0,0,"<unknown>","","","env notin (prod)"])x"},
      {"replica set whose In has no values", "apps", "replicasets",
       R"x({"metadata":{"name":"rs"},"spec":{"selector":{"matchExpressions":[
           {"key":"env","operator":"In","values":[]}]}}})x",
       R"x(["rs",1,0,0,"<unknown>","","","<error>"])x"},
      {"replication controller", "", "replicationcontrollers",
       R"x({"metadata":{"name":"rc"},"spec":{"replicas":2,"selector":{"app":"rc"},
           "template":{"spec":{"containers":[{"name":"c","image":"img"}]}}},
           "status":{"replicas":2,"readyReplicas":1}})x",
       R"x(["rc",2,2,1,"<unknown>","c","img","app=rc"])x"},
      {"stateful set", "apps", "statefulsets",
       R"x({"metadata":{"name":"db","creationTimestamp":"2024-06-01T11:55:00Z"},
           "spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"pg","image":"postgres:16"}]}}},
           "status":{"replicas":2,"readyReplicas":1}})x",
       R"x(["db","1/3","5m","pg","postgres:16"])x"},
      {"daemon set", "apps", "daemonsets",
       R"x({"metadata":{"name":"svclb","creationTimestamp":"2024-06-01T11:55:00Z"},
           "spec":{"selector":{"matchLabels":{"app":"svclb"}},"template":{"spec":{
             "nodeSelector":{"kubernetes.io/os":"linux"},
             "containers":[{"name":"lb","image":"rancher/klipper-lb:v0.4.9"}]}}},
           "status":{"desiredNumberScheduled":3,"currentNumberScheduled":3,"numberReady":2,
             "updatedNumberScheduled":3,"numberAvailable":2}})x",
       R"x(["svclb",3,3,2,3,2,"kubernetes.io/os=linux","5m","lb","rancher/klipper-lb:v0.4.9","app=svclb"])x"},
      {"revision of a stateful set", "apps", "controllerrevisions",
       R"x({"metadata":{"name":"db-6d4b","creationTimestamp":"2024-06-01T11:55:00Z",
           "ownerReferences":[{"apiVersion":"apps/v1","kind":"StatefulSet","name":"db",
             "uid":"u","controller":true}]},"revision":2})x",
       R"x(["db-6d4b","statefulset.apps/db",2,"5m"])x"},
      {"revision owned by a core kind, non-controller owners skipped", "apps",
       "controllerrevisions",
       R"x({"metadata":{"name":"r","ownerReferences":[
           {"apiVersion":"apps/v1","kind":"DaemonSet","name":"other"},
           {"apiVersion":"v1","kind":"Widget","name":"w","controller":true}]},"revision":1})x",
       R"x(["r","widget/w",1,"<unknown>"])x"},
      {"revision without a controller", "apps", "controllerrevisions",
       R"x({"metadata":{"name":"r"},"revision":7})x", R"x(["r","<none>",7,"<unknown>"])x"},
  });
}

TEST_CASE("Job status, completions and duration", "[tables]") {
  RunCases({
      {"complete", "batch", "jobs",
       R"x({"metadata":{"name":"pi","creationTimestamp":"2024-06-01T11:55:00Z"},
           "spec":{"completions":1,"parallelism":1,
             "selector":{"matchLabels":{"batch.kubernetes.io/controller-uid":"abc"}},
             "template":{"spec":{"containers":[{"name":"pi","image":"perl:5.34"}]}}},
           "status":{"startTime":"2024-06-01T11:55:00Z","completionTime":"2024-06-01T11:55:42Z",
             "succeeded":1,"conditions":[{"type":"SuccessCriteriaMet","status":"True"},
               {"type":"Complete","status":"True"}]}})x",
       R"x(["pi","Complete","1/1","42s","5m","pi","perl:5.34","batch.kubernetes.io/controller-uid=abc"])x"},
      {"running with parallelism and no completions", "batch", "jobs",
       R"x({"metadata":{"name":"work"},"spec":{"parallelism":3},
           "status":{"startTime":"2024-06-01T11:57:30Z","active":2,"succeeded":1}})x",
       R"x(["work","Running","1/1 of 3","2m30s","<unknown>","","","<none>"])x"},
      {"failed", "batch", "jobs",
       R"x({"metadata":{"name":"f"},"spec":{"completions":3},
           "status":{"startTime":"2024-06-01T10:00:00Z","failed":4,
             "conditions":[{"type":"FailureTarget","status":"True"},{"type":"Failed","status":"True"}]}})x",
       R"x(["f","Failed","0/3","120m","<unknown>","","","<none>"])x"},
      {"suspended before starting", "batch", "jobs",
       R"x({"metadata":{"name":"s"},"spec":{"completions":5,"suspend":true},
           "status":{"conditions":[{"type":"Suspended","status":"True"}]}})x",
       R"x(["s","Suspended","0/5","","<unknown>","","","<none>"])x"},
      {"being deleted", "batch", "jobs",
       R"x({"metadata":{"name":"t","deletionTimestamp":"2024-06-01T12:00:00Z"},"spec":{"completions":1},
           "status":{"conditions":[{"type":"Suspended","status":"True"}]}})x",
       R"x(["t","Terminating","0/1","","<unknown>","","","<none>"])x"},
      {"complete wins over deletion", "batch", "jobs",
       R"x({"metadata":{"name":"t","deletionTimestamp":"2024-06-01T12:00:00Z"},"spec":{"completions":1},
           "status":{"succeeded":1,"conditions":[{"type":"Complete","status":"True"}]}})x",
       R"x(["t","Complete","1/1","","<unknown>","","","<none>"])x"},
      {"failure target only", "batch", "jobs",
       R"x({"metadata":{"name":"ft"},"spec":{"completions":1},
           "status":{"conditions":[{"type":"FailureTarget","status":"True"}]}})x",
       R"x(["ft","FailureTarget","0/1","","<unknown>","","","<none>"])x"},
      {"success criteria met but not complete yet: still running", "batch", "jobs",
       R"x({"metadata":{"name":"sc"},"spec":{"completions":2},
           "status":{"succeeded":1,"conditions":[{"type":"SuccessCriteriaMet","status":"True"}]}})x",
       R"x(["sc","Running","1/2","","<unknown>","","","<none>"])x"},
      {"a False condition does not count", "batch", "jobs",
       R"x({"metadata":{"name":"r"},"spec":{"completions":1},
           "status":{"conditions":[{"type":"Complete","status":"False"},
             {"type":"Complete","status":"True"}]}})x",
       R"x(["r","Running","0/1","","<unknown>","","","<none>"])x"},
  });
}

TEST_CASE("CronJob schedule, suspend and last schedule", "[tables]") {
  RunCases({
      {"active", "batch", "cronjobs",
       R"x({"metadata":{"name":"backup","creationTimestamp":"2024-05-29T12:00:00Z"},
           "spec":{"schedule":"0 * * * *","suspend":false,"jobTemplate":{"spec":{
             "template":{"spec":{"containers":[{"name":"b","image":"busybox"}]}}}}},
           "status":{"active":[{"name":"backup-1"}],"lastScheduleTime":"2024-06-01T11:00:00Z"}})x",
       R"x(["backup","0 * * * *","<none>","False",1,"60m","3d","b","busybox","<none>"])x"},
      {"suspended with a time zone", "batch", "cronjobs",
       R"x({"metadata":{"name":"x"},"spec":{"schedule":"@daily","timeZone":"Europe/Paris",
           "suspend":true,"jobTemplate":{"spec":{"selector":{"matchLabels":{"a":"b"}}}}}})x",
       R"x(["x","@daily","Europe/Paris","True",0,"<none>","<unknown>","","","a=b"])x"},
      {"suspend unset", "batch", "cronjobs",
       R"x({"metadata":{"name":"u"},"spec":{"schedule":"* * * * *"}})x",
       R"x(["u","* * * * *","<none>","<unset>",0,"<none>","<unknown>","","","<none>"])x"},
  });
}

TEST_CASE("HorizontalPodAutoscaler targets in v2 and v1 shapes", "[tables]") {
  RunCases({
      {"cpu utilization", "autoscaling", "horizontalpodautoscalers",
       R"x({"metadata":{"name":"web","creationTimestamp":"2024-06-01T11:55:00Z"},
           "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},
             "minReplicas":1,"maxReplicas":10,"metrics":[{"type":"Resource","resource":{
               "name":"cpu","target":{"type":"Utilization","averageUtilization":80}}}]},
           "status":{"currentReplicas":2,"desiredReplicas":2,"currentMetrics":[{"type":"Resource",
             "resource":{"name":"cpu","current":{"averageUtilization":45,"averageValue":"90m"}}}]}})x",
       R"x(["web","Deployment/web","cpu: 45%/80%","1",10,2,"5m"])x"},
      {"no metrics observed yet", "autoscaling", "horizontalpodautoscalers",
       R"x({"metadata":{"name":"web"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},
           "maxReplicas":5,"metrics":[{"type":"Resource","resource":{"name":"cpu",
             "target":{"type":"Utilization","averageUtilization":80}}}]}})x",
       R"x(["web","Deployment/web","cpu: <unknown>/80%","<unset>",5,0,"<unknown>"])x"},
      {"several metrics", "autoscaling", "horizontalpodautoscalers",
       R"x({"metadata":{"name":"m"},"spec":{"scaleTargetRef":{"kind":"StatefulSet","name":"db"},
           "minReplicas":2,"maxReplicas":4,"metrics":[
             {"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"500Mi"}}},
             {"type":"Pods","pods":{"metric":{"name":"packets"},"target":{"type":"AverageValue","averageValue":"1k"}}},
             {"type":"External","external":{"metric":{"name":"queue"},"target":{"type":"Value","value":"30"}}},
             {"type":"Object","object":{"metric":{"name":"rps"},"target":{"type":"Value","value":"10"}}}]},
           "status":{"currentReplicas":3,"currentMetrics":[
             {"type":"Resource","resource":{"name":"memory","current":{"averageValue":"200Mi"}}},
             {"type":"Pods","pods":{"metric":{"name":"packets"},"current":{"averageValue":"800"}}}]}})x",
       R"x(["m","StatefulSet/db","memory: 200Mi/500Mi, 800/1k + 2 more...","2",4,3,"<unknown>"])x"},
      {"external average value without status", "autoscaling", "horizontalpodautoscalers",
       R"x({"metadata":{"name":"e"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"w"},
           "maxReplicas":3,"metrics":[{"type":"External","external":{"metric":{"name":"q"},
             "target":{"type":"AverageValue","averageValue":"30"}}},
             {"type":"External","external":{"metric":{"name":"q2"},"target":{"type":"Value","value":"100"}}}]},
           "status":{"currentMetrics":[{"type":"External","external":{"metric":{"name":"q"},
               "current":{"value":"7"}}},
             {"type":"External","external":{"metric":{"name":"q2"},"current":{"value":"42"}}}]}})x",
       R"x(["e","Deployment/w","<unknown>/30 (avg), 42/100","<unset>",3,0,"<unknown>"])x"},
      {"container resource without a utilization target, unknown type", "autoscaling",
       "horizontalpodautoscalers",
       R"x({"metadata":{"name":"c"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"w"},
           "maxReplicas":3,"metrics":[{"type":"ContainerResource","containerResource":{
             "name":"cpu","container":"app","target":{"type":"Utilization"}}},{"type":"Mystery"}]}})x",
       R"x(["c","Deployment/w","cpu: <unknown>/<auto>, <unknown type>","<unset>",3,0,"<unknown>"])x"},
      {"autoscaling/v1 shape", "autoscaling", "horizontalpodautoscalers",
       R"x({"metadata":{"name":"v1"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"w"},
           "minReplicas":1,"maxReplicas":3,"targetCPUUtilizationPercentage":50},
           "status":{"currentReplicas":1,"currentCPUUtilizationPercentage":20}})x",
       R"x(["v1","Deployment/w","cpu: 20%/50%","1",3,1,"<unknown>"])x"},
      {"no metrics at all", "autoscaling", "horizontalpodautoscalers",
       R"x({"metadata":{"name":"n"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"w"},
           "maxReplicas":3}})x",
       R"x(["n","Deployment/w","<none>","<unset>",3,0,"<unknown>"])x"},
  });
}

TEST_CASE("Namespaces, config maps, secrets, service accounts, budgets", "[tables]") {
  RunCases({
      {"namespace", "", "namespaces",
       R"x({"metadata":{"name":"default","creationTimestamp":"2024-05-29T12:00:00Z"},
           "status":{"phase":"Active"}})x",
       R"x(["default","Active","3d"])x"},
      {"namespace terminating", "", "namespaces",
       R"x({"metadata":{"name":"old"},"status":{"phase":"Terminating"}})x",
       R"x(["old","Terminating","<unknown>"])x"},
      {"config map counts data and binaryData", "", "configmaps",
       R"x({"metadata":{"name":"cfg","creationTimestamp":"2024-06-01T11:55:00Z"},
           "data":{"a":"1","b":"2"},"binaryData":{"c":"AA=="}})x",
       R"x(["cfg",3,"5m"])x"},
      {"empty config map", "", "configmaps", R"x({"metadata":{"name":"e"}})x",
       R"x(["e",0,"<unknown>"])x"},
      {"secret", "", "secrets",
       R"x({"metadata":{"name":"tls","creationTimestamp":"2024-06-01T11:55:00Z"},
           "type":"kubernetes.io/tls","data":{"tls.crt":"eA==","tls.key":"eQ=="}})x",
       R"x(["tls","kubernetes.io/tls",2,"5m"])x"},
      {"service account", "", "serviceaccounts",
       R"x({"metadata":{"name":"default"},"secrets":[{"name":"default-token"}]})x",
       R"x(["default",1,"<unknown>"])x"},
      {"service account without secrets", "", "serviceaccounts",
       R"x({"metadata":{"name":"builder"}})x", R"x(["builder",0,"<unknown>"])x"},
      {"budget with minAvailable", "policy", "poddisruptionbudgets",
       R"x({"metadata":{"name":"pdb"},"spec":{"minAvailable":2},"status":{"disruptionsAllowed":1}})x",
       R"x(["pdb","2","N/A",1,"<unknown>"])x"},
      {"budget with a percentage", "policy", "poddisruptionbudgets",
       R"x({"metadata":{"name":"pdb"},"spec":{"maxUnavailable":"25%"}})x",
       R"x(["pdb","N/A","25%",0,"<unknown>"])x"},
      {"resource without a printer", "example.com", "widgets",
       R"x({"metadata":{"name":"w","creationTimestamp":"2024-06-01T11:55:00Z"}})x",
       R"x(["w","5m"])x"},
      {"limit range: upstream's default convertor", "", "limitranges",
       R"x({"metadata":{"name":"lr","creationTimestamp":"2024-01-02T03:04:05Z"}})x",
       R"x(["lr","2024-01-02T03:04:05Z"])x"},
      {"limit range without a creation time", "", "limitranges", R"x({"metadata":{"name":"lr"}})x",
       R"x(["lr","0001-01-01T00:00:00Z"])x"},
      {"pod template", "", "podtemplates",
       R"x({"metadata":{"name":"tpl"},"template":{"metadata":{"labels":{"app":"x"}},
           "spec":{"containers":[{"name":"c1","image":"i1"},{"name":"c2","image":"i2"}]}}})x",
       R"x(["tpl","c1,c2","i1,i2","app=x"])x"},
  });
}

TEST_CASE("Events: last seen, object, source and count, in both APIs", "[tables]") {
  RunCases({
      {"classic event", "", "events",
       R"x({"metadata":{"name":"web-1.17d","creationTimestamp":"2024-06-01T11:55:00Z"},
           "involvedObject":{"kind":"Pod","name":"web-1","fieldPath":"spec.containers{web}"},
           "reason":"Pulled","message":"  Successfully pulled image \"nginx\"\n",
           "source":{"component":"kubelet","host":"node1"},
           "firstTimestamp":"2024-06-01T11:55:00Z","lastTimestamp":"2024-06-01T11:58:00Z",
           "count":3,"type":"Normal"})x",
       R"x(["2m","Normal","Pulled","pod/web-1","spec.containers{web}","kubelet, node1","Successfully pulled image \"nginx\"","5m",3,"web-1.17d"])x"},
      {"event written through the new API: eventTime and reporting fields", "", "events",
       R"x({"metadata":{"name":"p.1"},"involvedObject":{"kind":"Pod","name":"p"},
           "reason":"Scheduled","message":"Successfully assigned default/p to node1",
           "eventTime":"2024-06-01T11:59:30.123456Z","reportingComponent":"default-scheduler",
           "reportingInstance":"default-scheduler-server","type":"Normal",
           "firstTimestamp":null,"lastTimestamp":null})x",
       R"x(["29s","Normal","Scheduled","pod/p","","default-scheduler, default-scheduler-server","Successfully assigned default/p to node1","29s",1,"p.1"])x"},
      {"series", "", "events",
       R"x({"metadata":{"name":"n.1"},"involvedObject":{"kind":"Node"},"type":"Warning",
           "reason":"Rebooted","message":"m","eventTime":"2024-06-01T11:50:00.000000Z",
           "series":{"count":12,"lastObservedTime":"2024-06-01T11:59:00.000000Z"},
           "source":{"component":"kubelet"}})x",
       R"x(["60s","Warning","Rebooted","node","","kubelet","m","10m",12,"n.1"])x"},
      {"nothing set", "", "events", R"x({"metadata":{"name":"e"}})x",
       R"x(["<unknown>","","","","","","","<unknown>",1,"e"])x"},
      {"events.k8s.io spelling", "events.k8s.io", "events",
       R"x({"metadata":{"name":"ev2"},"regarding":{"kind":"Deployment","name":"web"},
           "note":"Scaled up replica set web-7d to 3","reason":"ScalingReplicaSet","type":"Normal",
           "reportingController":"deployment-controller","eventTime":"2024-06-01T11:58:00.000000Z",
           "deprecatedSource":{"component":"deployment-controller"},
           "deprecatedFirstTimestamp":"2024-06-01T11:55:00Z",
           "deprecatedLastTimestamp":"2024-06-01T11:58:00Z","deprecatedCount":2})x",
       R"x(["2m","Normal","ScalingReplicaSet","deployment/web","","deployment-controller","Scaled up replica set web-7d to 3","5m",2,"ev2"])x"},
      {"events.k8s.io event with only eventTime and reporting fields", "events.k8s.io", "events",
       R"x({"metadata":{"name":"ev3"},"regarding":{"kind":"Pod","name":"p","fieldPath":"spec.containers{a}"},
           "note":"n","reason":"Started","type":"Normal","reportingController":"kubelet",
           "reportingInstance":"node1","eventTime":"2024-06-01T11:59:00.000000Z"})x",
       R"x(["60s","Normal","Started","pod/p","spec.containers{a}","kubelet, node1","n","60s",1,"ev3"])x"},
  });
}

TEST_CASE("Endpoints, endpoint slices and ingresses list and truncate addresses", "[tables]") {
  RunCases({
      {"endpoints", "", "endpoints",
       R"x({"metadata":{"name":"web","creationTimestamp":"2024-06-01T11:55:00Z"},"subsets":[
           {"addresses":[{"ip":"10.42.0.5"},{"ip":"10.42.0.6"}],
            "ports":[{"name":"http","port":8080,"protocol":"TCP"}]}]})x",
       R"x(["web","10.42.0.5:8080,10.42.0.6:8080","5m"])x"},
      {"endpoints past three", "", "endpoints",
       R"x({"metadata":{"name":"big"},"subsets":[{"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"},
           {"ip":"10.0.0.3"}],"ports":[{"port":80},{"port":443}]}]})x",
       R"x(["big","10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 3 more...","<unknown>"])x"},
      {"headless endpoints without ports, IPv6", "", "endpoints",
       R"x({"metadata":{"name":"h"},"subsets":[{"addresses":[{"ip":"10.0.0.9"}]},
           {"addresses":[{"ip":"fd00::1"}],"ports":[{"port":80}]}]})x",
       R"x(["h","10.0.0.9,[fd00::1]:80","<unknown>"])x"},
      {"no subsets", "", "endpoints", R"x({"metadata":{"name":"none"}})x",
       R"x(["none","<none>","<unknown>"])x"},
      {"only not-ready addresses", "", "endpoints",
       R"x({"metadata":{"name":"nr"},"subsets":[{"notReadyAddresses":[{"ip":"10.0.0.1"}],
           "ports":[{"port":80}]}]})x",
       R"x(["nr","","<unknown>"])x"},
      {"endpoint slice", "discovery.k8s.io", "endpointslices",
       R"x({"metadata":{"name":"web-abc","creationTimestamp":"2024-06-01T11:55:00Z"},
           "addressType":"IPv4","ports":[{"name":"http","port":80},{"name":"metrics"},{},{"port":9}],
           "endpoints":[{"addresses":["10.0.0.1"]},{"addresses":["10.0.0.2","10.0.0.3"]},
             {"addresses":["10.0.0.4"]}]})x",
       R"x(["web-abc","IPv4","80,metrics,* + 1 more...","10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...","5m"])x"},
      {"empty endpoint slice", "discovery.k8s.io", "endpointslices",
       R"x({"metadata":{"name":"e"},"addressType":"IPv6","ports":[],"endpoints":[]})x",
       R"x(["e","IPv6","<unset>","<unset>","<unknown>"])x"},
      {"ingress with many hosts, TLS and a load balancer", "networking.k8s.io", "ingresses",
       R"x({"metadata":{"name":"web","creationTimestamp":"2024-06-01T11:55:00Z"},
           "spec":{"ingressClassName":"traefik","rules":[{"host":"a.example.com"},
             {"host":"b.example.com"},{},{"host":"c.example.com"},{"host":"d.example.com"}],
             "tls":[{"hosts":["a.example.com"]}]},
           "status":{"loadBalancer":{"ingress":[{"ip":"10.0.0.2"},{"ip":"10.0.0.1"}]}}})x",
       R"x(["web","traefik","a.example.com,b.example.com,c.example.com + 2 more...","10.0.0.1,10.0.0.2","80, 443","5m"])x"},
      {"minimal ingress", "networking.k8s.io", "ingresses",
       R"x({"metadata":{"name":"min"},"spec":{"defaultBackend":{"service":{"name":"web"}}}})x",
       R"x(["min","<none>","*","","80","<unknown>"])x"},
      {"ingress class with parameters", "networking.k8s.io", "ingressclasses",
       R"x({"metadata":{"name":"ext"},"spec":{"controller":"example.com/ingress",
           "parameters":{"apiGroup":"k8s.example.com","kind":"IngressParameters","name":"lb"}}})x",
       R"x(["ext","example.com/ingress","IngressParameters.k8s.example.com/lb","<unknown>"])x"},
      {"ingress class with core parameters", "networking.k8s.io", "ingressclasses",
       R"x({"metadata":{"name":"c"},"spec":{"controller":"x","parameters":{"kind":"ConfigMap",
           "name":"cfg"}}})x",
       R"x(["c","x","ConfigMap/cfg","<unknown>"])x"},
      {"ingress class without parameters", "networking.k8s.io", "ingressclasses",
       R"x({"metadata":{"name":"traefik"},"spec":{"controller":"traefik.io/ingress-controller"}})x",
       R"x(["traefik","traefik.io/ingress-controller","<none>","<unknown>"])x"},
      {"network policy for every pod", "networking.k8s.io", "networkpolicies",
       R"x({"metadata":{"name":"deny"},"spec":{"podSelector":{},"policyTypes":["Ingress"]}})x",
       R"x(["deny","<none>","<unknown>"])x"},
      {"network policy with a selector", "networking.k8s.io", "networkpolicies",
       R"x({"metadata":{"name":"db"},"spec":{"podSelector":{"matchLabels":{"role":"db"}}}})x",
       R"x(["db","role=db","<unknown>"])x"},
  });
}

TEST_CASE("Volumes, claims, storage classes, quotas and leases", "[tables]") {
  RunCases({
      {"bound volume", "", "persistentvolumes",
       R"x({"metadata":{"name":"pv1","creationTimestamp":"2024-05-29T12:00:00Z"},
           "spec":{"capacity":{"storage":"10Gi"},
             "accessModes":["ReadWriteMany","ReadWriteOnce","ReadWriteOnce"],
             "persistentVolumeReclaimPolicy":"Retain","storageClassName":"local-path",
             "claimRef":{"namespace":"default","name":"data"},"volumeMode":"Filesystem"},
           "status":{"phase":"Bound"}})x",
       R"x(["pv1","10Gi","RWO,RWX","Retain","Bound","default/data","local-path","<unset>","","3d","Filesystem"])x"},
      {"volume being deleted, beta class annotation", "", "persistentvolumes",
       R"x({"metadata":{"name":"pv2","deletionTimestamp":"2024-06-01T12:00:00Z",
             "annotations":{"volume.beta.kubernetes.io/storage-class":"old"}},
           "spec":{"storageClassName":"new","accessModes":["ReadWriteOncePod","ReadOnlyMany"],
             "volumeAttributesClassName":"gold"},
           "status":{"phase":"Failed","reason":"RecyclerFailed"}})x",
       R"x(["pv2","0","ROX,RWOP","","Terminating","","old","gold","RecyclerFailed","<unknown>","<unset>"])x"},
      {"bound claim", "", "persistentvolumeclaims",
       R"x({"metadata":{"name":"data","creationTimestamp":"2024-06-01T11:55:00Z"},
           "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}},
             "storageClassName":"local-path","volumeName":"pvc-123","volumeMode":"Filesystem"},
           "status":{"phase":"Bound","accessModes":["ReadWriteOnce"],"capacity":{"storage":"1Gi"}}})x",
       R"x(["data","Bound","pvc-123","1Gi","RWO","local-path","<unset>","5m","Filesystem"])x"},
      {"pending claim", "", "persistentvolumeclaims",
       R"x({"metadata":{"name":"p"},"spec":{"accessModes":["ReadWriteOnce"],
           "resources":{"requests":{"storage":"1Gi"}},"storageClassName":"local-path"},
           "status":{"phase":"Pending"}})x",
       R"x(["p","Pending","","","","local-path","<unset>","<unknown>","<unset>"])x"},
      {"storage class marked default", "storage.k8s.io", "storageclasses",
       R"x({"metadata":{"name":"local-path","creationTimestamp":"2024-05-29T12:00:00Z",
           "annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},
           "provisioner":"rancher.io/local-path","reclaimPolicy":"Delete",
           "volumeBindingMode":"WaitForFirstConsumer"})x",
       R"x(["local-path (default)","rancher.io/local-path","Delete","WaitForFirstConsumer",false,"3d"])x"},
      {"storage class with defaults and expansion", "storage.k8s.io", "storageclasses",
       R"x({"metadata":{"name":"sc","annotations":{
           "storageclass.beta.kubernetes.io/is-default-class":"false"}},
           "provisioner":"x","allowVolumeExpansion":true})x",
       R"x(["sc","x","Delete","Immediate",true,"<unknown>"])x"},
      {"quota", "", "resourcequotas",
       R"x({"metadata":{"name":"q"},"status":{
           "hard":{"pods":"10","requests.cpu":"1","limits.memory":"2Gi","limits.cpu":"2"},
           "used":{"pods":"3","requests.cpu":"500m","limits.cpu":"1"}}})x",
       R"x(["q","pods: 3/10, requests.cpu: 500m/1","limits.cpu: 1/2, limits.memory: 0/2Gi","<unknown>"])x"},
      {"lease", "coordination.k8s.io", "leases",
       R"x({"metadata":{"name":"kube-scheduler","creationTimestamp":"2024-06-01T11:55:00Z"},
           "spec":{"holderIdentity":"server_0f1e","leaseDurationSeconds":15}})x",
       R"x(["kube-scheduler","server_0f1e","5m"])x"},
  });
}

}  // namespace
}  // namespace orchd::server
