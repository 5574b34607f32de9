// Table printers of the core group ("" / v1): pods, services, nodes, events and the rest, after
// upstream pkg/printers/internalversion/printers.go.

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "server/tables_internal.h"

namespace orchd::server::tables {
namespace {

using api::JsonValue;

bool BoolAt(const JsonValue& v, std::initializer_list<std::string_view> path) {
  const JsonValue& m = At(v, path);
  return m.IsBool() && m.GetBool();
}

bool ConditionTrue(const JsonValue* condition) {
  return condition != nullptr && Str(*condition, {"status"}) == "True";
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view TrimSpace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\v\f\r";
  const size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

// ---- pods ----

// Moves `latest` forward to the container's last termination time when that is later.
void TrackLastTermination(const JsonValue& container_status, std::optional<TimePoint>& latest) {
  const JsonValue& terminated = At(container_status, {"lastState", "terminated"});
  if (!terminated.IsObject()) return;
  std::optional<TimePoint> t = TimeOf(At(terminated, {"finishedAt"}));
  if (t && (!latest || *latest < *t)) latest = t;
}

// "ExitCode:N" or "Signal:N" for a terminated state without a reason.
std::string ExitString(const JsonValue& terminated) {
  const int64_t signal = Int(terminated, {"signal"});
  if (signal != 0) return fmt::format("Signal:{}", signal);
  return fmt::format("ExitCode:{}", Int(terminated, {"exitCode"}));
}

void PodCells(const JsonValue& pod, Cells& cells) {
  const JsonValue& spec = At(pod, {"spec"});
  const JsonValue& status = At(pod, {"status"});
  const std::string_view phase = Str(status, {"phase"});
  std::string reason(Str(status, {"reason"}).empty() ? phase : Str(status, {"reason"}));
  for (const JsonValue& c : Items(At(status, {"conditions"}))) {
    if (Str(c, {"type"}) == "PodScheduled" && Str(c, {"reason"}) == "SchedulingGated") {
      reason = "SchedulingGated";
    }
  }

  // Sidecars (init containers with restartPolicy Always) count as containers.
  const std::span<const JsonValue> init_specs = Items(At(spec, {"initContainers"}));
  int64_t total = static_cast<int64_t>(Items(At(spec, {"containers"})).size());
  std::set<std::string_view> sidecars;
  for (const JsonValue& c : init_specs) {
    if (Str(c, {"restartPolicy"}) == "Always") {
      sidecars.insert(Str(c, {"name"}));
      ++total;
    }
  }

  int64_t restarts = 0;
  int64_t sidecar_restarts = 0;
  int64_t ready = 0;
  std::optional<TimePoint> last_restart;
  std::optional<TimePoint> last_sidecar_restart;
  bool initializing = false;
  const std::span<const JsonValue> init_statuses = Items(At(status, {"initContainerStatuses"}));
  for (size_t i = 0; i < init_statuses.size(); ++i) {
    const JsonValue& cs = init_statuses[i];
    const int64_t count = Int(cs, {"restartCount"});
    restarts += count;
    TrackLastTermination(cs, last_restart);
    const bool sidecar = sidecars.contains(Str(cs, {"name"}));
    if (sidecar) {
      sidecar_restarts += count;
      TrackLastTermination(cs, last_sidecar_restart);
    }
    const JsonValue& terminated = At(cs, {"state", "terminated"});
    const JsonValue& waiting = At(cs, {"state", "waiting"});
    if (terminated.IsObject() && Int(terminated, {"exitCode"}) == 0) continue;
    if (sidecar && BoolAt(cs, {"started"})) {
      if (BoolAt(cs, {"ready"})) ++ready;
      continue;
    }
    if (terminated.IsObject()) {
      const std::string_view r = Str(terminated, {"reason"});
      reason = r.empty() ? "Init:" + ExitString(terminated) : fmt::format("Init:{}", r);
    } else if (waiting.IsObject() && !Str(waiting, {"reason"}).empty() &&
               Str(waiting, {"reason"}) != "PodInitializing") {
      reason = fmt::format("Init:{}", Str(waiting, {"reason"}));
    } else {
      reason = fmt::format("Init:{}/{}", i, init_specs.size());
    }
    initializing = true;
    break;
  }

  if (!initializing || ConditionTrue(FindCondition(At(status, {"conditions"}), "Initialized"))) {
    restarts = sidecar_restarts;
    last_restart = last_sidecar_restart;
    bool has_running = false;
    const std::span<const JsonValue> statuses = Items(At(status, {"containerStatuses"}));
    for (size_t i = statuses.size(); i-- > 0;) {
      const JsonValue& cs = statuses[i];
      restarts += Int(cs, {"restartCount"});
      TrackLastTermination(cs, last_restart);
      const JsonValue& terminated = At(cs, {"state", "terminated"});
      const JsonValue& waiting = At(cs, {"state", "waiting"});
      if (waiting.IsObject() && !Str(waiting, {"reason"}).empty()) {
        reason = Str(waiting, {"reason"});
      } else if (terminated.IsObject() && !Str(terminated, {"reason"}).empty()) {
        reason = Str(terminated, {"reason"});
      } else if (terminated.IsObject()) {
        reason = ExitString(terminated);
      } else if (BoolAt(cs, {"ready"}) && At(cs, {"state", "running"}).IsObject()) {
        has_running = true;
        ++ready;
      }
    }
    // A pod whose last container completed but another still runs is running.
    if (reason == "Completed" && has_running) {
      bool pod_ready = false;
      for (const JsonValue& c : Items(At(status, {"conditions"}))) {
        if (Str(c, {"type"}) == "Ready" && Str(c, {"status"}) == "True") pod_ready = true;
      }
      reason = pod_ready ? "Running" : "NotReady";
    }
  }

  if (Has(pod, {"metadata", "deletionTimestamp"})) {
    if (Str(status, {"reason"}) == "NodeLost") {
      reason = "Unknown";
    } else if (phase != "Succeeded" && phase != "Failed") {
      reason = "Terminating";
    }
  }

  std::string restarts_cell = std::to_string(restarts);
  if (restarts != 0 && last_restart) {
    restarts_cell =
        fmt::format("{} ({} ago)", restarts, HumanDuration(cells.now() - *last_restart));
  }

  cells.Name(pod);
  cells.Str(fmt::format("{}/{}", ready, total));
  cells.Str(reason);
  cells.Str(restarts_cell);
  cells.Age(pod);

  // status.podIP alone (an object written before dual-stack) converts to podIPs[0].
  const std::span<const JsonValue> pod_ips = Items(At(status, {"podIPs"}));
  const std::string_view pod_ip =
      !pod_ips.empty() ? Str(pod_ips[0], {"ip"}) : Str(status, {"podIP"});
  const std::string_view node = Str(spec, {"nodeName"});
  const std::string_view nominated = Str(status, {"nominatedNodeName"});
  cells.Str(pod_ip.empty() ? "<none>" : pod_ip);
  cells.Str(node.empty() ? "<none>" : node);
  cells.Str(nominated.empty() ? "<none>" : nominated);

  const std::span<const JsonValue> gates = Items(At(spec, {"readinessGates"}));
  if (gates.empty()) {
    cells.Str("<none>");
  } else {
    int64_t true_gates = 0;
    for (const JsonValue& g : gates) {
      if (ConditionTrue(FindCondition(At(status, {"conditions"}), Str(g, {"conditionType"})))) {
        ++true_gates;
      }
    }
    cells.Str(fmt::format("{}/{}", true_gates, gates.size()));
  }
}

std::vector<TableColumn> PodColumns() {
  return {
      NameColumn(),
      Column("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
      Column("Status", "string", "The aggregate status of the containers in this pod."),
      Column("Restarts", "string",
             "The number of times the containers in this pod have been restarted and when the "
             "last container in this pod has restarted."),
      AgeColumn(),
      Column("IP", "string",
             "IP address allocated to the pod. Routable at least within the cluster. Empty if not "
             "yet allocated.",
             1),
      Column("Node", "string",
             "NodeName is a request to schedule this pod onto a specific node. If it is "
             "non-empty, the scheduler simply schedules this pod onto that node, assuming that it "
             "fits resource requirements.",
             1),
      Column("Nominated Node", "string",
             "nominatedNodeName is set only when this pod preempts other pods on the node, but it "
             "cannot be scheduled right away as preemption victims receive their graceful "
             "termination periods.",
             1),
      Column("Readiness Gates", "string",
             "If specified, all readiness gates will be evaluated for pod readiness.", 1),
  };
}

// ---- pod templates ----

void PodTemplateCells(const JsonValue& obj, Cells& cells) {
  cells.Name(obj);
  ContainerCells(At(obj, {"template", "spec"}), cells);
  cells.Str(FormatLabels(At(obj, {"template", "metadata", "labels"})));
}

// ---- services ----

// The load balancer's ingress points (IP, else hostname), sorted and deduplicated.
std::vector<std::string> LoadBalancerIngress(const JsonValue& load_balancer) {
  std::set<std::string> points;
  for (const JsonValue& in : Items(At(load_balancer, {"ingress"}))) {
    if (!Str(in, {"ip"}).empty()) {
      points.emplace(Str(in, {"ip"}));
    } else if (!Str(in, {"hostname"}).empty()) {
      points.emplace(Str(in, {"hostname"}));
    }
  }
  return {points.begin(), points.end()};
}

std::string ServiceExternalIp(const JsonValue& svc, std::string_view type) {
  std::vector<std::string> external;
  for (const JsonValue& ip : Items(At(svc, {"spec", "externalIPs"}))) {
    external.emplace_back(api::AsView(ip));
  }
  if (type == "ClusterIP" || type == "NodePort") {
    return external.empty() ? "<none>" : Join(external, ",");
  }
  if (type == "LoadBalancer") {
    std::vector<std::string> all = LoadBalancerIngress(At(svc, {"status", "loadBalancer"}));
    if (all.empty() && external.empty()) return "<pending>";
    all.insert(all.end(), external.begin(), external.end());
    return Join(all, ",");
  }
  if (type == "ExternalName") return std::string(Str(svc, {"spec", "externalName"}));
  return "<unknown>";
}

void ServiceCells(const JsonValue& svc, Cells& cells) {
  const JsonValue& spec = At(svc, {"spec"});
  // An object that missed defaulting is a ClusterIP service.
  std::string_view type = Str(spec, {"type"});
  if (type.empty()) type = "ClusterIP";
  // clusterIP alone (written before dual-stack) converts to clusterIPs[0].
  const std::span<const JsonValue> cluster_ips = Items(At(spec, {"clusterIPs"}));
  std::string_view cluster_ip =
      !cluster_ips.empty() ? api::AsView(cluster_ips[0]) : Str(spec, {"clusterIP"});
  if (cluster_ip.empty()) cluster_ip = "<none>";

  std::vector<std::string> ports;
  for (const JsonValue& p : Items(At(spec, {"ports"}))) {
    std::string_view protocol = Str(p, {"protocol"});
    if (protocol.empty()) protocol = "TCP";
    const int64_t node_port = Int(p, {"nodePort"});
    ports.push_back(node_port > 0 ? fmt::format("{}:{}/{}", Int(p, {"port"}), node_port, protocol)
                                  : fmt::format("{}/{}", Int(p, {"port"}), protocol));
  }

  cells.Name(svc);
  cells.Str(type);
  cells.Str(cluster_ip);
  cells.Str(ServiceExternalIp(svc, type));
  cells.Str(ports.empty() ? "<none>" : Join(ports, ","));
  cells.Age(svc);
  cells.Str(FormatLabels(At(spec, {"selector"})));
}

// ---- endpoints ----

std::string JoinHostPort(std::string_view host, int64_t port) {
  if (host.find(':') != std::string_view::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

// upstream's formatEndpoints: the first three ip:port pairs, then "+ N more...".
std::string FormatEndpoints(const JsonValue& endpoints) {
  const std::span<const JsonValue> subsets = Items(At(endpoints, {"subsets"}));
  if (subsets.empty()) return "<none>";
  constexpr size_t kMax = 3;
  std::vector<std::string> list;
  bool more = false;
  size_t count = 0;
  for (const JsonValue& ss : subsets) {
    const std::span<const JsonValue> addresses = Items(At(ss, {"addresses"}));
    const std::span<const JsonValue> ports = Items(At(ss, {"ports"}));
    if (ports.empty()) {  // headless services may have no ports
      count += addresses.size();
      for (const JsonValue& a : addresses) {
        if (list.size() == kMax) {
          more = true;
          break;
        }
        list.emplace_back(Str(a, {"ip"}));
      }
      continue;
    }
    for (const JsonValue& p : ports) {
      count += addresses.size();
      for (const JsonValue& a : addresses) {
        if (list.size() == kMax) {
          more = true;
          break;
        }
        list.push_back(JoinHostPort(Str(a, {"ip"}), Int(p, {"port"})));
      }
    }
  }
  std::string out = Join(list, ",");
  if (more) return fmt::format("{} + {} more...", out, count - kMax);
  return out;
}

void EndpointsCells(const JsonValue& obj, Cells& cells) {
  cells.Name(obj);
  cells.Str(FormatEndpoints(obj));
  cells.Age(obj);
}

// ---- nodes ----

void NodeCells(const JsonValue& node, Cells& cells) {
  const JsonValue& status = At(node, {"status"});
  // The last Ready condition wins, as in upstream's condition map.
  const JsonValue* ready = nullptr;
  for (const JsonValue& c : Items(At(status, {"conditions"}))) {
    if (Str(c, {"type"}) == "Ready") ready = &c;
  }
  std::string state = ready == nullptr ? "Unknown" : ConditionTrue(ready) ? "Ready" : "NotReady";
  if (BoolAt(node, {"spec", "unschedulable"})) state += ",SchedulingDisabled";

  constexpr std::string_view kRolePrefix = "node-role.kubernetes.io/";
  std::set<std::string> roles;
  const JsonValue& labels = At(node, {"metadata", "labels"});
  if (labels.IsObject()) {
    for (const auto& m : labels.GetObject()) {
      const std::string_view key = api::AsView(m.name);
      const std::string_view value = api::AsView(m.value);
      if (key.starts_with(kRolePrefix)) {
        if (key.size() > kRolePrefix.size()) roles.emplace(key.substr(kRolePrefix.size()));
      } else if (key == "kubernetes.io/role" && !value.empty()) {
        roles.emplace(value);
      }
    }
  }
  const std::string role_cell =
      roles.empty() ? "<none>" : Join(std::vector<std::string>(roles.begin(), roles.end()), ",");

  auto address = [&](std::string_view type) -> std::string_view {
    for (const JsonValue& a : Items(At(status, {"addresses"}))) {
      if (Str(a, {"type"}) == type) return Str(a, {"address"});
    }
    return "<none>";
  };
  auto info = [&](std::string_view field) -> std::string_view {
    const std::string_view v = Str(status, {"nodeInfo", field});
    return v.empty() ? "<unknown>" : v;
  };

  cells.Name(node);
  cells.Str(state);
  cells.Str(role_cell);
  cells.Age(node);
  cells.Str(Str(status, {"nodeInfo", "kubeletVersion"}));
  cells.Str(address("InternalIP"));
  cells.Str(address("ExternalIP"));
  cells.Str(info("osImage"));
  cells.Str(info("kernelVersion"));
  cells.Str(info("containerRuntimeVersion"));
}

// ---- events (core/v1 and events.k8s.io/v1: one stored type, two spellings) ----

struct EventFields {
  std::string_view regarding;
  std::string_view message;
  std::string_view source;
  std::string_view first_timestamp;
  std::string_view last_timestamp;
  std::string_view count;
  std::string_view reporting_controller;
};
constexpr EventFields kCoreEvent{"involvedObject",    "message",       "source",
                                 "firstTimestamp",    "lastTimestamp", "count",
                                 "reportingComponent"};
constexpr EventFields kEventsV1{"regarding",
                                "note",
                                "deprecatedSource",
                                "deprecatedFirstTimestamp",
                                "deprecatedLastTimestamp",
                                "deprecatedCount",
                                "reportingController"};

void EventCells(const JsonValue& ev, const EventFields& f, Cells& cells) {
  std::string first = Has(ev, {f.first_timestamp}) ? cells.Since(At(ev, {f.first_timestamp}))
                                                   : cells.Since(At(ev, {"eventTime"}));
  std::string last = Has(ev, {f.last_timestamp}) ? cells.Since(At(ev, {f.last_timestamp})) : first;
  int64_t count = Int(ev, {f.count});
  if (Has(ev, {"series"})) {
    last = cells.Since(At(ev, {"series", "lastObservedTime"}));
    count = Int(ev, {"series", "count"});
  } else if (count == 0) {
    count = 1;  // singleton events of the new API carry no count
  }

  const std::string kind = ToLower(Str(ev, {f.regarding, "kind"}));
  const std::string_view name = Str(ev, {f.regarding, "name"});
  const std::string target = name.empty() ? kind : fmt::format("{}/{}", kind, name);

  std::string_view component = Str(ev, {f.source, "component"});
  if (component.empty()) component = Str(ev, {f.reporting_controller});
  std::string_view host = Str(ev, {f.source, "host"});
  if (host.empty()) host = Str(ev, {"reportingInstance"});
  const std::string source =
      host.empty() ? std::string(component) : fmt::format("{}, {}", component, host);

  cells.Str(last);
  cells.Str(Str(ev, {"type"}));
  cells.Str(Str(ev, {"reason"}));
  cells.Str(target);
  cells.Str(Str(ev, {f.regarding, "fieldPath"}));
  cells.Str(source);
  cells.Str(TrimSpace(Str(ev, {f.message})));
  cells.Str(first);
  cells.Int(count);
  cells.Name(ev);
}

void CoreEventCells(const JsonValue& ev, Cells& cells) { EventCells(ev, kCoreEvent, cells); }
void EventsV1Cells(const JsonValue& ev, Cells& cells) { EventCells(ev, kEventsV1, cells); }

std::vector<TableColumn> EventColumns() {
  TableColumn name = NameColumn();
  name.priority = 1;
  return {
      Column("Last Seen", "string",
             "The time at which the most recent occurrence of this event was recorded."),
      Column("Type", "string",
             "Type of this event (Normal, Warning), new types could be added in the future"),
      Column("Reason", "string",
             "This should be a short, machine understandable string that gives the reason for "
             "the transition into the object's current status."),
      Column("Object", "string", "The object that this event is about."),
      Column("Subobject", "string",
             "If referring to a piece of an object instead of an entire object, this string "
             "should contain a valid JSON/Go field access statement, such as "
             "desiredState.manifest.containers[2].",
             1),
      Column("Source", "string",
             "The component reporting this event. Should be a short machine understandable "
             "string.",
             1),
      Column("Message", "string", "A human-readable description of the status of this operation."),
      Column("First Seen", "string",
             "The time at which the event was first recorded. (Time of server receipt is in "
             "TypeMeta.)",
             1),
      Column("Count", "string", "The number of times this event has occurred.", 1),
      name,
  };
}

// ---- namespaces, configmaps, secrets, service accounts ----

void NamespaceCells(const JsonValue& obj, Cells& cells) {
  cells.Name(obj);
  cells.Str(Str(obj, {"status", "phase"}));
  cells.Age(obj);
}

void ConfigMapCells(const JsonValue& obj, Cells& cells) {
  cells.Name(obj);
  cells.Int(Count(At(obj, {"data"})) + Count(At(obj, {"binaryData"})));
  cells.Age(obj);
}

void SecretCells(const JsonValue& obj, Cells& cells) {
  cells.Name(obj);
  cells.Str(Str(obj, {"type"}));
  cells.Int(Count(At(obj, {"data"})));
  cells.Age(obj);
}

void ServiceAccountCells(const JsonValue& obj, Cells& cells) {
  cells.Name(obj);
  cells.Int(Count(At(obj, {"secrets"})));
  cells.Age(obj);
}

// ---- persistent volumes and claims ----

constexpr std::string_view kBetaStorageClassAnnotation = "volume.beta.kubernetes.io/storage-class";

// helper.GetAccessModesAsString: "RWO,ROX,RWX,RWOP" in that order, each once.
std::string AccessModes(const JsonValue& modes) {
  std::vector<std::string> out;
  auto has = [&](std::string_view mode) {
    const std::span<const JsonValue> items = Items(modes);
    return std::any_of(items.begin(), items.end(),
                       [&](const JsonValue& m) { return api::AsView(m) == mode; });
  };
  if (has("ReadWriteOnce")) out.emplace_back("RWO");
  if (has("ReadOnlyMany")) out.emplace_back("ROX");
  if (has("ReadWriteMany")) out.emplace_back("RWX");
  if (has("ReadWriteOncePod")) out.emplace_back("RWOP");
  return Join(out, ",");
}

// "<unset>" for a nil string pointer.
std::string_view OrUnset(const JsonValue& v) {
  return v.IsString() ? api::AsView(v) : std::string_view("<unset>");
}

std::string_view PhaseOrTerminating(const JsonValue& obj) {
  if (Has(obj, {"metadata", "deletionTimestamp"})) return "Terminating";
  return Str(obj, {"status", "phase"});
}

void PersistentVolumeCells(const JsonValue& pv, Cells& cells) {
  const JsonValue& spec = At(pv, {"spec"});
  std::string claim;
  if (At(spec, {"claimRef"}).IsObject()) {
    claim =
        fmt::format("{}/{}", Str(spec, {"claimRef", "namespace"}), Str(spec, {"claimRef", "name"}));
  }
  const JsonValue& beta_class = At(pv, {"metadata", "annotations", kBetaStorageClassAnnotation});
  cells.Name(pv);
  cells.Str(QuantityString(At(spec, {"capacity", "storage"}), "0"));
  cells.Str(AccessModes(At(spec, {"accessModes"})));
  cells.Str(Str(spec, {"persistentVolumeReclaimPolicy"}));
  cells.Str(PhaseOrTerminating(pv));
  cells.Str(claim);
  cells.Str(beta_class.IsString() ? api::AsView(beta_class) : Str(spec, {"storageClassName"}));
  cells.Str(OrUnset(At(spec, {"volumeAttributesClassName"})));
  cells.Str(Str(pv, {"status", "reason"}));
  cells.Age(pv);
  cells.Str(OrUnset(At(spec, {"volumeMode"})));
}

void PersistentVolumeClaimCells(const JsonValue& pvc, Cells& cells) {
  const JsonValue& spec = At(pvc, {"spec"});
  const std::string_view volume = Str(spec, {"volumeName"});
  std::string capacity;
  std::string modes;
  if (!volume.empty()) {
    modes = AccessModes(At(pvc, {"status", "accessModes"}));
    capacity = QuantityString(At(pvc, {"status", "capacity", "storage"}), "0");
  }
  const JsonValue& beta_class = At(pvc, {"metadata", "annotations", kBetaStorageClassAnnotation});
  cells.Name(pvc);
  cells.Str(PhaseOrTerminating(pvc));
  cells.Str(volume);
  cells.Str(capacity);
  cells.Str(modes);
  cells.Str(beta_class.IsString() ? api::AsView(beta_class) : Str(spec, {"storageClassName"}));
  cells.Str(OrUnset(At(spec, {"volumeAttributesClassName"})));
  cells.Age(pvc);
  cells.Str(OrUnset(At(spec, {"volumeMode"})));
}

// ---- resource quotas ----

void ResourceQuotaCells(const JsonValue& quota, Cells& cells) {
  const JsonValue& hard = At(quota, {"status", "hard"});
  std::vector<std::string_view> names;
  if (hard.IsObject()) {
    for (const auto& m : hard.GetObject()) names.push_back(api::AsView(m.name));
  }
  std::sort(names.begin(), names.end());
  std::vector<std::string> requests;
  std::vector<std::string> limits;
  for (std::string_view name : names) {
    const std::string used = QuantityString(At(quota, {"status", "used", name}), "0");
    const std::string entry =
        fmt::format("{}: {}/{}", name, used, QuantityString(At(hard, {name}), "0"));
    // "limits.cpu" goes to the Limit column, everything else (requests.cpu, pods) to Request.
    (name.starts_with("limits.") ? limits : requests).push_back(entry);
  }
  cells.Name(quota);
  cells.Str(Join(requests, ", "));
  cells.Str(Join(limits, ", "));
  cells.Age(quota);
}

}  // namespace

void AddCorePrinters(std::vector<Printer>& out) {
  out.push_back({"", "pods", PodColumns(), &PodCells});
  out.push_back(
      {"",
       "podtemplates",
       {NameColumn(), Column("Containers", "string", "Names of each container in the template."),
        Column("Images", "string", "Images referenced by each container in the template."),
        Column("Pod Labels", "string", "The labels for the pod template.")},
       &PodTemplateCells});
  out.push_back(
      {"",
       "services",
       {NameColumn(),
        Column("Type", "string",
               "type determines how the Service is exposed. Defaults to ClusterIP."),
        Column("Cluster-IP", "string",
               "clusterIP is the IP address of the service and is usually assigned randomly."),
        Column("External-IP", "string",
               "externalIPs is a list of IP addresses for which nodes in the cluster will also "
               "accept traffic for this service."),
        Column("Port(s)", "string", "The list of ports that are exposed by this service."),
        AgeColumn(),
        Column("Selector", "string",
               "Route service traffic to pods with label keys and values matching this selector.",
               1)},
       &ServiceCells});
  out.push_back(
      {"",
       "endpoints",
       {NameColumn(),
        Column("Endpoints", "string", "The set of all endpoints is the union of all subsets."),
        AgeColumn()},
       &EndpointsCells});
  const std::string_view addresses = "List of addresses reachable to the node.";
  out.push_back({"",
                 "nodes",
                 {NameColumn(), Column("Status", "string", "The status of the node"),
                  Column("Roles", "string", "The roles of the node"), AgeColumn(),
                  Column("Version", "string", "Kubelet Version reported by the node."),
                  Column("Internal-IP", "string", addresses, 1),
                  Column("External-IP", "string", addresses, 1),
                  Column("OS-Image", "string",
                         "OS Image reported by the node from /etc/os-release (e.g. Debian "
                         "GNU/Linux 7 (wheezy)).",
                         1),
                  Column("Kernel-Version", "string",
                         "Kernel Version reported by the node from 'uname -r' (e.g. "
                         "3.16.0-0.bpo.4-amd64).",
                         1),
                  Column("Container-Runtime", "string",
                         "ContainerRuntime Version reported by the node through runtime remote "
                         "API (e.g. containerd://1.4.2).",
                         1)},
                 &NodeCells});
  out.push_back({"", "events", EventColumns(), &CoreEventCells});
  out.push_back({"events.k8s.io", "events", EventColumns(), &EventsV1Cells});
  out.push_back(
      {"",
       "namespaces",
       {NameColumn(), Column("Status", "string", "The status of the namespace"), AgeColumn()},
       &NamespaceCells});
  out.push_back({"",
                 "configmaps",
                 {NameColumn(),
                  Column("Data", "string",
                         "Data contains the configuration data. Each key must consist of "
                         "alphanumeric characters, '-', '_' or '.'."),
                  AgeColumn()},
                 &ConfigMapCells});
  out.push_back(
      {"",
       "secrets",
       {NameColumn(),
        Column("Type", "string", "Used to facilitate programmatic handling of secret data."),
        Column("Data", "string",
               "Data contains the secret data. Each key must consist of alphanumeric "
               "characters, '-', '_' or '.'."),
        AgeColumn()},
       &SecretCells});
  out.push_back({"",
                 "serviceaccounts",
                 {NameColumn(),
                  Column("Secrets", "string",
                         "Secrets is a list of the secrets in the same namespace that pods "
                         "running using this ServiceAccount are allowed to use."),
                  AgeColumn()},
                 &ServiceAccountCells});
  out.push_back(
      {"",
       "persistentvolumes",
       {NameColumn(),
        Column("Capacity", "string",
               "capacity is the description of the persistent volume's resources and capacity."),
        Column("Access Modes", "string",
               "accessModes contains all ways the volume can be mounted."),
        Column("Reclaim Policy", "string",
               "persistentVolumeReclaimPolicy defines what happens to a persistent volume when "
               "released from its claim."),
        Column("Status", "string",
               "phase indicates if a volume is available, bound to a claim, or released by a "
               "claim."),
        Column("Claim", "string",
               "claimRef is part of a bi-directional binding between PersistentVolume and "
               "PersistentVolumeClaim."),
        Column("StorageClass", "string", "StorageClass of the pv"),
        Column("VolumeAttributesClass", "string", "VolumeAttributesClass of the pv"),
        Column("Reason", "string",
               "reason is a brief CamelCase string that describes any failure and is meant for "
               "machine parsing and tidy display in the CLI."),
        AgeColumn(),
        Column("VolumeMode", "string",
               "volumeMode defines if a volume is intended to be used with a formatted filesystem "
               "or to remain in raw block state.",
               1)},
       &PersistentVolumeCells});
  out.push_back(
      {"",
       "persistentvolumeclaims",
       {NameColumn(),
        Column("Status", "string", "phase represents the current phase of PersistentVolumeClaim."),
        Column("Volume", "string",
               "volumeName is the binding reference to the PersistentVolume backing this claim."),
        Column("Capacity", "string",
               "capacity represents the actual resources of the underlying volume."),
        Column("Access Modes", "string",
               "accessModes contains the actual access modes the volume backing the PVC has."),
        Column("StorageClass", "string", "StorageClass of the pvc"),
        Column("VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc"), AgeColumn(),
        Column("VolumeMode", "string",
               "volumeMode defines what type of volume is required by the claim.", 1)},
       &PersistentVolumeClaimCells});
  out.push_back({"",
                 "resourcequotas",
                 {NameColumn(),
                  Column("Request", "string",
                         "Request represents a minimum amount of cpu/memory that a container may "
                         "consume."),
                  Column("Limit", "string",
                         "Limits control the maximum amount of cpu/memory that a container may "
                         "use independent of contention on the node."),
                  AgeColumn()},
                 &ResourceQuotaCells});
}

}  // namespace orchd::server::tables
