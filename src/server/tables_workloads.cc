// Table printers of the workload controllers and their helpers: apps (deployments, replicasets,
// statefulsets, daemonsets, controllerrevisions), replicationcontrollers, batch (jobs, cronjobs),
// autoscaling (horizontalpodautoscalers) and policy (poddisruptionbudgets), after upstream
// pkg/printers/internalversion/printers.go.

#include <fmt/format.h>

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "server/tables_internal.h"

namespace orchd::server::tables {
namespace {

using api::JsonValue;

// spec.replicas, which the API defaults to 1.
int64_t Replicas(const JsonValue& obj) { return Int(obj, {"spec", "replicas"}, 1); }

// ---- apps ----

void DeploymentCells(const JsonValue& obj, Cells& cells) {
  bool ok = true;
  std::string selector = LabelSelectorString(At(obj, {"spec", "selector"}), ok);
  if (!ok) selector = "<invalid>";
  cells.Name(obj);
  cells.Str(fmt::format("{}/{}", Int(obj, {"status", "readyReplicas"}), Replicas(obj)));
  cells.Int(Int(obj, {"status", "updatedReplicas"}));
  cells.Int(Int(obj, {"status", "availableReplicas"}));
  cells.Age(obj);
  ContainerCells(At(obj, {"spec", "template", "spec"}), cells);
  cells.Str(selector);
}

void ReplicaSetCells(const JsonValue& obj, Cells& cells) {
  cells.Name(obj);
  cells.Int(Replicas(obj));
  cells.Int(Int(obj, {"status", "replicas"}));
  cells.Int(Int(obj, {"status", "readyReplicas"}));
  cells.Age(obj);
  ContainerCells(At(obj, {"spec", "template", "spec"}), cells);
  cells.Str(FormatLabelSelector(At(obj, {"spec", "selector"})));
}

void ReplicationControllerCells(const JsonValue& obj, Cells& cells) {
  cells.Name(obj);
  cells.Int(Replicas(obj));
  cells.Int(Int(obj, {"status", "replicas"}));
  cells.Int(Int(obj, {"status", "readyReplicas"}));
  cells.Age(obj);
  ContainerCells(At(obj, {"spec", "template", "spec"}), cells);
  cells.Str(FormatLabels(At(obj, {"spec", "selector"})));
}

void StatefulSetCells(const JsonValue& obj, Cells& cells) {
  cells.Name(obj);
  cells.Str(fmt::format("{}/{}", Int(obj, {"status", "readyReplicas"}), Replicas(obj)));
  cells.Age(obj);
  ContainerCells(At(obj, {"spec", "template", "spec"}), cells);
}

void DaemonSetCells(const JsonValue& obj, Cells& cells) {
  cells.Name(obj);
  for (std::string_view field : {"desiredNumberScheduled", "currentNumberScheduled", "numberReady",
                                 "updatedNumberScheduled", "numberAvailable"}) {
    cells.Int(Int(obj, {"status", field}));
  }
  cells.Str(FormatLabels(At(obj, {"spec", "template", "spec", "nodeSelector"})));
  cells.Age(obj);
  ContainerCells(At(obj, {"spec", "template", "spec"}), cells);
  cells.Str(FormatLabelSelector(At(obj, {"spec", "selector"})));
}

void ControllerRevisionCells(const JsonValue& obj, Cells& cells) {
  std::string controller = "<none>";
  for (const JsonValue& ref : Items(At(obj, {"metadata", "ownerReferences"}))) {
    const JsonValue& is_controller = At(ref, {"controller"});
    if (!is_controller.IsBool() || !is_controller.GetBool()) continue;
    // "kind.group/name" in lower case ("statefulset.apps/web"); "kind/name" for the core group.
    const std::string_view api_version = Str(ref, {"apiVersion"});
    const size_t slash = api_version.find('/');
    const std::string_view group =
        slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
    const std::string_view kind = Str(ref, {"kind"});
    std::string group_kind = group.empty() ? std::string(kind) : fmt::format("{}.{}", kind, group);
    for (char& c : group_kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string_view name = Str(ref, {"name"});
    controller = group_kind.empty() ? std::string(name) : fmt::format("{}/{}", group_kind, name);
    break;
  }
  cells.Name(obj);
  cells.Str(controller);
  cells.Int(Int(obj, {"revision"}));
  cells.Age(obj);
}

// ---- batch ----

// True when the first condition of `type` has status True (upstream's hasJobCondition).
bool JobCondition(const JsonValue& job, std::string_view type) {
  const JsonValue* c = FindCondition(At(job, {"status", "conditions"}), type);
  return c != nullptr && Str(*c, {"status"}) == "True";
}

void JobCells(const JsonValue& job, Cells& cells) {
  const int64_t succeeded = Int(job, {"status", "succeeded"});
  std::string completions;
  if (Has(job, {"spec", "completions"})) {
    completions = fmt::format("{}/{}", succeeded, Int(job, {"spec", "completions"}));
  } else if (const int64_t parallelism = Int(job, {"spec", "parallelism"}); parallelism > 1) {
    completions = fmt::format("{}/1 of {}", succeeded, parallelism);
  } else {
    completions = fmt::format("{}/1", succeeded);
  }

  std::string duration;
  const std::optional<TimePoint> start = TimeOf(At(job, {"status", "startTime"}));
  if (start) {
    const std::optional<TimePoint> end = TimeOf(At(job, {"status", "completionTime"}));
    duration = HumanDuration((end ? *end : cells.now()) - *start);
  }

  std::string_view status = "Running";
  if (JobCondition(job, "Complete")) {
    status = "Complete";
  } else if (JobCondition(job, "Failed")) {
    status = "Failed";
  } else if (Has(job, {"metadata", "deletionTimestamp"})) {
    status = "Terminating";
  } else if (JobCondition(job, "Suspended")) {
    status = "Suspended";
  } else if (JobCondition(job, "FailureTarget")) {
    status = "FailureTarget";
  }

  cells.Name(job);
  cells.Str(status);
  cells.Str(completions);
  cells.Str(duration);
  cells.Age(job);
  ContainerCells(At(job, {"spec", "template", "spec"}), cells);
  cells.Str(FormatLabelSelector(At(job, {"spec", "selector"})));
}

void CronJobCells(const JsonValue& cj, Cells& cells) {
  const JsonValue& spec = At(cj, {"spec"});
  const JsonValue& suspend = At(spec, {"suspend"});
  const JsonValue& time_zone = At(spec, {"timeZone"});
  cells.Name(cj);
  cells.Str(Str(spec, {"schedule"}));
  cells.Str(time_zone.IsString() ? api::AsView(time_zone) : std::string_view("<none>"));
  // upstream's printBoolPtr: a string in a "boolean" column.
  cells.Str(!suspend.IsBool() ? "<unset>" : suspend.GetBool() ? "True" : "False");
  cells.Int(Count(At(cj, {"status", "active"})));
  cells.Str(Has(cj, {"status", "lastScheduleTime"})
                ? cells.Since(At(cj, {"status", "lastScheduleTime"}))
                : "<none>");
  cells.Age(cj);
  ContainerCells(At(spec, {"jobTemplate", "spec", "template", "spec"}), cells);
  cells.Str(FormatLabelSelector(At(spec, {"jobTemplate", "spec", "selector"})));
}

// ---- autoscaling ----

// A *resource.Quantity: "<nil>" when unset, as Go prints a nil Quantity.
std::string Quantity(const JsonValue& v) { return QuantityString(v, "<nil>"); }

std::string Percent(const JsonValue& v, std::string_view absent) {
  return v.IsInt64() ? fmt::format("{}%", v.GetInt64()) : std::string(absent);
}

// One autoscaling/v2 metric spec with its status (`status` is null when there is none).
std::string FormatHpaMetric(const JsonValue& spec, const JsonValue& status) {
  const std::string_view type = Str(spec, {"type"});
  if (type == "External" || type == "Object") {
    const std::string_view field = type == "External" ? "external" : "object";
    const JsonValue& target = At(spec, {field, "target"});
    const JsonValue& current = At(status, {field, "current"});
    const bool has_status = At(status, {field}).IsObject();
    if (Has(target, {"averageValue"})) {
      const std::string cur = has_status && Has(current, {"averageValue"})
                                  ? Quantity(At(current, {"averageValue"}))
                                  : "<unknown>";
      return fmt::format("{}/{} (avg)", cur, Quantity(At(target, {"averageValue"})));
    }
    const std::string cur = has_status ? Quantity(At(current, {"value"})) : "<unknown>";
    return fmt::format("{}/{}", cur, Quantity(At(target, {"value"})));
  }
  if (type == "Pods") {
    const std::string cur = At(status, {"pods"}).IsObject()
                                ? Quantity(At(status, {"pods", "current", "averageValue"}))
                                : "<unknown>";
    return fmt::format("{}/{}", cur, Quantity(At(spec, {"pods", "target", "averageValue"})));
  }
  if (type == "Resource" || type == "ContainerResource") {
    const std::string_view field = type == "Resource" ? "resource" : "containerResource";
    const std::string_view name = Str(spec, {field, "name"});
    const JsonValue& target = At(spec, {field, "target"});
    const bool has_status = At(status, {field}).IsObject();
    if (Has(target, {"averageValue"})) {
      const std::string cur =
          has_status ? Quantity(At(status, {field, "current", "averageValue"})) : "<unknown>";
      return fmt::format("{}: {}/{}", name, cur, Quantity(At(target, {"averageValue"})));
    }
    const std::string cur =
        has_status ? Percent(At(status, {field, "current", "averageUtilization"}), "<unknown>")
                   : "<unknown>";
    return fmt::format("{}: {}/{}", name, cur,
                       Percent(At(target, {"averageUtilization"}), "<auto>"));
  }
  return "<unknown type>";
}

// upstream's formatHPAMetrics: the first two metrics, then "+ N more...".
std::string FormatHpaMetrics(const JsonValue& hpa) {
  const JsonValue& spec = At(hpa, {"spec"});
  if (!At(spec, {"metrics"}).IsArray() && Has(spec, {"targetCPUUtilizationPercentage"})) {
    // autoscaling/v1: one CPU utilization target.
    return fmt::format("cpu: {}/{}",
                       Percent(At(hpa, {"status", "currentCPUUtilizationPercentage"}), "<unknown>"),
                       Percent(At(spec, {"targetCPUUtilizationPercentage"}), "<auto>"));
  }
  const std::span<const JsonValue> metrics = Items(At(spec, {"metrics"}));
  if (metrics.empty()) return "<none>";
  const std::span<const JsonValue> statuses = Items(At(hpa, {"status", "currentMetrics"}));
  constexpr size_t kMax = 2;
  std::vector<std::string> list;
  for (size_t i = 0; i < metrics.size() && i < kMax; ++i) {
    static const JsonValue kNoStatus;
    list.push_back(FormatHpaMetric(metrics[i], i < statuses.size() ? statuses[i] : kNoStatus));
  }
  std::string out = Join(list, ", ");
  if (metrics.size() > kMax) return fmt::format("{} + {} more...", out, metrics.size() - kMax);
  return out;
}

void HorizontalPodAutoscalerCells(const JsonValue& hpa, Cells& cells) {
  const JsonValue& spec = At(hpa, {"spec"});
  cells.Name(hpa);
  cells.Str(fmt::format("{}/{}", Str(spec, {"scaleTargetRef", "kind"}),
                        Str(spec, {"scaleTargetRef", "name"})));
  cells.Str(FormatHpaMetrics(hpa));
  cells.Str(Has(spec, {"minReplicas"}) ? std::to_string(Int(spec, {"minReplicas"})) : "<unset>");
  cells.Int(Int(spec, {"maxReplicas"}));
  cells.Int(Int(hpa, {"status", "currentReplicas"}));
  cells.Age(hpa);
}

// ---- policy ----

// An IntOrString as its String(): the number or the string; "N/A" when unset.
std::string IntOrString(const JsonValue& v) {
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsString()) return std::string(api::AsView(v));
  return "N/A";
}

void PodDisruptionBudgetCells(const JsonValue& pdb, Cells& cells) {
  cells.Name(pdb);
  cells.Str(IntOrString(At(pdb, {"spec", "minAvailable"})));
  cells.Str(IntOrString(At(pdb, {"spec", "maxUnavailable"})));
  cells.Int(Int(pdb, {"status", "disruptionsAllowed"}));
  cells.Age(pdb);
}

// The Selector column of the workloads.
TableColumn SelectorColumn(std::string_view description) {
  return Column("Selector", "string", description, 1);
}

}  // namespace

void AddWorkloadPrinters(std::vector<Printer>& out) {
  out.push_back({"apps",
                 "deployments",
                 {NameColumn(), Column("Ready", "string", "Number of the pod with ready state"),
                  Column("Up-to-date", "string",
                         "Total number of non-terminated pods targeted by this deployment that "
                         "have the desired template spec."),
                  Column("Available", "string",
                         "Total number of available pods (ready for at least minReadySeconds) "
                         "targeted by this deployment."),
                  AgeColumn(), ContainersColumn(), ImagesColumn(),
                  SelectorColumn("Label selector for pods. Existing ReplicaSets whose pods are "
                                 "selected by this will be the ones affected by this "
                                 "deployment.")},
                 &DeploymentCells});
  out.push_back(
      {"apps",
       "replicasets",
       {NameColumn(),
        Column("Desired", "integer",
               "Replicas is the number of desired replicas. This is a pointer to "
               "distinguish between explicit zero and unspecified. Defaults to 1."),
        Column("Current", "integer", "Replicas is the most recently observed number of replicas."),
        Column("Ready", "integer",
               "readyReplicas is the number of pods targeted by this ReplicaSet with a "
               "Ready Condition."),
        AgeColumn(), ContainersColumn(), ImagesColumn(),
        SelectorColumn("Selector is a label query over pods that should match the "
                       "replica count.")},
       &ReplicaSetCells});
  out.push_back(
      {"",
       "replicationcontrollers",
       {NameColumn(),
        Column("Desired", "integer",
               "Replicas is the number of desired replicas. This is a pointer to "
               "distinguish between explicit zero and unspecified. Defaults to 1."),
        Column("Current", "integer", "Replicas is the most recently observed number of replicas."),
        Column("Ready", "integer", "The number of ready replicas for this replication controller."),
        AgeColumn(), ContainersColumn(), ImagesColumn(),
        SelectorColumn("Selector is a label query over pods that should match the "
                       "Replicas count.")},
       &ReplicationControllerCells});
  out.push_back({"apps",
                 "statefulsets",
                 {NameColumn(), Column("Ready", "string", "Number of the pod with ready state"),
                  AgeColumn(), ContainersColumn(), ImagesColumn()},
                 &StatefulSetCells});
  out.push_back(
      {"apps",
       "daemonsets",
       {NameColumn(),
        Column("Desired", "integer",
               "The total number of nodes that should be running the daemon pod (including nodes "
               "correctly running the daemon pod)."),
        Column("Current", "integer",
               "The number of nodes that are running at least 1 daemon pod and are supposed to "
               "run the daemon pod."),
        Column("Ready", "integer",
               "numberReady is the number of nodes that should be running the daemon pod and "
               "have one or more of the daemon pod running with a Ready Condition."),
        Column("Up-to-date", "integer",
               "The total number of nodes that are running updated daemon pod"),
        Column("Available", "integer",
               "The number of nodes that should be running the daemon pod and have one or more "
               "of the daemon pod running and available (ready for at least "
               "spec.minReadySeconds)"),
        Column("Node Selector", "string",
               "NodeSelector is a selector which must be true for the pod to fit on a node."),
        AgeColumn(), ContainersColumn(), ImagesColumn(),
        SelectorColumn("A label query over pods that are managed by the daemon set.")},
       &DaemonSetCells});
  out.push_back({"apps",
                 "controllerrevisions",
                 {NameColumn(), Column("Controller", "string", "Controller of the object"),
                  Column("Revision", "string",
                         "Revision indicates the revision of the state represented by Data."),
                  AgeColumn()},
                 &ControllerRevisionCells});
  out.push_back(
      {"batch",
       "jobs",
       {NameColumn(), Column("Status", "string", "Status of the job."),
        Column("Completions", "string", "The number of pods which reached phase Succeeded."),
        Column("Duration", "string", "Time required to complete the job."), AgeColumn(),
        ContainersColumn(), ImagesColumn(),
        SelectorColumn("A label query over pods that should match the pod count.")},
       &JobCells});
  out.push_back(
      {"batch",
       "cronjobs",
       {NameColumn(),
        Column("Schedule", "string",
               "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
        Column("Timezone", "string",
               "The time zone name for the given schedule, see "
               "https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."),
        Column("Suspend", "boolean",
               "This flag tells the controller to suspend subsequent executions, it does not "
               "apply to already started executions.  Defaults to false."),
        Column("Active", "integer", "A list of pointers to currently running jobs."),
        Column("Last Schedule", "string",
               "Information when was the last time the job was successfully scheduled."),
        AgeColumn(), ContainersColumn(), ImagesColumn(),
        SelectorColumn("A label query over pods that should match the pod count.")},
       &CronJobCells});
  out.push_back({"autoscaling",
                 "horizontalpodautoscalers",
                 {NameColumn(),
                  Column("Reference", "string",
                         "reference to scaled resource; horizontal pod autoscaler will learn the "
                         "current resource consumption and will set the desired number of pods "
                         "by using its Scale subresource."),
                  Column("Targets", "string",
                         "metrics contains the specifications for which to use to calculate the "
                         "desired replica count."),
                  Column("MinPods", "string",
                         "minReplicas is the lower limit for the number of replicas to which the "
                         "autoscaler can scale down."),
                  Column("MaxPods", "string",
                         "maxReplicas is the upper limit for the number of replicas to which the "
                         "autoscaler can scale up."),
                  Column("Replicas", "string",
                         "currentReplicas is current number of replicas of pods managed by this "
                         "autoscaler, as last seen by the autoscaler."),
                  AgeColumn()},
                 &HorizontalPodAutoscalerCells});
  out.push_back(
      {"policy",
       "poddisruptionbudgets",
       {NameColumn(),
        Column("Min Available", "string", "The minimum number of pods that must be available."),
        Column("Max Unavailable", "string", "The maximum number of pods that may be unavailable."),
        Column("Allowed Disruptions", "integer",
               "Calculated number of pods that may be disrupted at this time."),
        AgeColumn()},
       &PodDisruptionBudgetCells});
}

}  // namespace orchd::server::tables
