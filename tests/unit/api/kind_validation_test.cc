#include "api/kind_validation.h"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "api/defaults.h"
#include "common/base64.h"

namespace orchd::api {
namespace {

constexpr std::string_view kDnsLabelMsg =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
constexpr std::string_view kConfigKeyMsg =
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
    "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
    "'[-._a-zA-Z0-9]+')";
constexpr std::string_view kPortRange = "must be between 1 and 65535, inclusive";

struct Want {
  std::string field;
  std::string message;
  bool operator==(const Want&) const = default;
};

struct Case {
  std::string name;
  std::string group;
  std::string kind;
  std::string json;
  std::vector<Want> want;
};

std::string Show(const std::vector<Want>& errs) {
  std::string out;
  for (const Want& e : errs) out += "  " + e.field + ": " + e.message + "\n";
  return out.empty() ? "  (none)\n" : out;
}

// Runs each case as the API server does: defaults first, then validation.
void CheckCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    INFO(c.name);
    auto doc = ParseJson(c.json);
    REQUIRE(doc.has_value());
    ApplyDefaults(c.group, c.kind, *doc, doc->GetAllocator());
    std::vector<Want> got;
    for (const FieldError& e : ValidateKind(c.group, c.kind, *doc)) {
      got.push_back({e.field, e.message});
    }
    INFO("got:\n" << Show(got) << "want:\n" << Show(c.want));
    CHECK(got == c.want);
  }
}

// A pod whose spec is `spec` (a JSON object text).
std::string Pod(std::string_view spec) {
  return R"({"metadata":{"name":"p","namespace":"default"},"spec":)" + std::string(spec) + "}";
}

TEST_CASE("Pod validation", "[kindvalidation]") {
  CheckCases({
      {"valid pod",
       "",
       "Pod",
       Pod(R"({"containers":[{"name":"web","image":"nginx","ports":[{"name":"http","containerPort":80}]}],
               "initContainers":[{"name":"init","image":"busybox"}],
               "volumes":[{"name":"data"}]})"),
       {}},
      {"no containers", "", "Pod", Pod("{}"), {{"spec.containers", "Required value"}}},
      {"empty containers",
       "",
       "Pod",
       Pod(R"({"containers":[]})"),
       {{"spec.containers", "Required value"}}},
      {"image required",
       "",
       "Pod",
       Pod(R"({"containers":[{"name":"web"}]})"),
       {{"spec.containers[0].image", "Required value"}}},
      {"name required",
       "",
       "Pod",
       Pod(R"({"containers":[{"image":"nginx"}]})"),
       {{"spec.containers[0].name", "Required value"}}},
      {"name must be a DNS label",
       "",
       "Pod",
       Pod(R"({"containers":[{"name":"Web_1","image":"nginx"}]})"),
       {{"spec.containers[0].name", "Invalid value: \"Web_1\": " + std::string(kDnsLabelMsg)}}},
      {"names unique among containers",
       "",
       "Pod",
       Pod(R"({"containers":[{"name":"a","image":"x"},{"name":"a","image":"y"}]})"),
       {{"spec.containers[1].name", "Duplicate value: \"a\""}}},
      {"names unique across init containers and containers",
       "",
       "Pod",
       Pod(R"({"containers":[{"name":"a","image":"x"}],"initContainers":[{"name":"a","image":"y"}]})"),
       {{"spec.initContainers[0].name", "Duplicate value: \"a\""}}},
      {"container port required",
       "",
       "Pod",
       Pod(R"({"containers":[{"name":"a","image":"x","ports":[{"name":"http"}]}]})"),
       {{"spec.containers[0].ports[0].containerPort", "Required value"}}},
      {"container port in range",
       "",
       "Pod",
       Pod(R"({"containers":[{"name":"a","image":"x","ports":[{"containerPort":70000,"hostPort":-1}]}]})"),
       {{"spec.containers[0].ports[0].containerPort",
         "Invalid value: 70000: " + std::string(kPortRange)},
        {"spec.containers[0].ports[0].hostPort", "Invalid value: -1: " + std::string(kPortRange)}}},
      {"port protocol and names",
       "",
       "Pod",
       Pod(R"({"containers":[{"name":"a","image":"x","ports":[
               {"name":"web","containerPort":80,"protocol":"HTTP"},
               {"name":"web","containerPort":81},
               {"name":"Web--","containerPort":82}]}]})"),
       {{"spec.containers[0].ports[0].protocol",
         R"(Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP")"},
        {"spec.containers[0].ports[1].name", "Duplicate value: \"web\""},
        {"spec.containers[0].ports[2].name",
         "Invalid value: \"Web--\": must contain only alpha-numeric characters (a-z, 0-9), and "
         "hyphens (-)"},
        {"spec.containers[0].ports[2].name",
         "Invalid value: \"Web--\": must not contain consecutive hyphens"},
        {"spec.containers[0].ports[2].name",
         "Invalid value: \"Web--\": must not begin or end with a hyphen"}}},
      {"restart policy",
       "",
       "Pod",
       Pod(R"({"restartPolicy":"Sometimes","containers":[{"name":"a","image":"x"}]})"),
       {{"spec.restartPolicy",
         R"(Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never")"}}},
      {"dns policy",
       "",
       "Pod",
       Pod(R"({"dnsPolicy":"Foo","containers":[{"name":"a","image":"x"}]})"),
       {{"spec.dnsPolicy", R"(Unsupported value: "Foo": supported values: )"
                           R"("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")"}}},
      {"dns policy None needs a config",
       "",
       "Pod",
       Pod(R"({"dnsPolicy":"None","containers":[{"name":"a","image":"x"}]})"),
       {{"spec.dnsConfig", "Required value: must provide `dnsConfig` when `dnsPolicy` is None"}}},
      {"dns policy None with nameservers",
       "",
       "Pod",
       Pod(R"({"dnsPolicy":"None","dnsConfig":{"nameservers":["1.1.1.1"]},
               "containers":[{"name":"a","image":"x"}]})"),
       {}},
      {"image whitespace (pods only)",
       "",
       "Pod",
       Pod(R"({"containers":[{"name":"a","image":" nginx"}]})"),
       {{"spec.containers[0].image",
         "Invalid value: \" nginx\": must not have leading or trailing whitespace"}}},
      {"pull and termination message policies",
       "",
       "Pod",
       Pod(R"({"containers":[{"name":"a","image":"x","imagePullPolicy":"Sometimes",
               "terminationMessagePolicy":"Log"}]})"),
       {{"spec.containers[0].terminationMessagePolicy",
         R"(Unsupported value: "Log": supported values: "File", "FallbackToLogsOnError")"},
        {"spec.containers[0].imagePullPolicy",
         R"(Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never")"}}},
      {"probes on init containers",
       "",
       "Pod",
       Pod(R"({"containers":[{"name":"a","image":"x","restartPolicy":"Always"}],
               "initContainers":[{"name":"i","image":"x","readinessProbe":{"exec":{"command":["true"]}}},
                                 {"name":"s","image":"x","restartPolicy":"Always",
                                  "readinessProbe":{"exec":{"command":["true"]}}}]})"),
       {{"spec.containers[0].restartPolicy", "Forbidden: may not be set for non-init containers"},
        {"spec.initContainers[0].readinessProbe",
         "Forbidden: may not be set for init containers without restartPolicy=Always"}}},
      {"volume names",
       "",
       "Pod",
       Pod(R"({"volumes":[{"name":"v"},{"name":"v"},{"emptyDir":{}}],
               "containers":[{"name":"a","image":"x"}]})"),
       {{"spec.volumes[1].name", "Duplicate value: \"v\""},
        {"spec.volumes[2].name", "Required value"}}},
      {"host network ports",
       "",
       "Pod",
       Pod(R"({"hostNetwork":true,"containers":[{"name":"a","image":"x",
               "ports":[{"containerPort":80,"hostPort":8080}]}]})"),
       {{"spec.containers[0].ports[0].hostPort",
         "Invalid value: 8080: must match `containerPort` when `hostNetwork` is true"}}},
      {"active deadline",
       "",
       "Pod",
       Pod(R"({"activeDeadlineSeconds":0,"containers":[{"name":"a","image":"x"}]})"),
       {{"spec.activeDeadlineSeconds",
         "Invalid value: 0: must be between 1 and 2147483647, inclusive"}}},
      {"pod template",
       "",
       "PodTemplate",
       R"({"metadata":{"name":"t"},"template":{"metadata":{"labels":{"a":"b"}},
           "spec":{"containers":[{"name":"c"}]}}})",
       {{"template.spec.containers[0].image", "Required value"}}},
  });
}

// A workload of `kind` with `selector`, template labels and pod spec (JSON texts).
std::string Workload(std::string_view spec_extra, std::string_view selector,
                     std::string_view labels, std::string_view pod_spec) {
  std::string spec = "{";
  if (!spec_extra.empty()) spec += std::string(spec_extra) + ",";
  if (!selector.empty()) spec += R"("selector":)" + std::string(selector) + ",";
  spec += R"("template":{"metadata":{"labels":)" + std::string(labels) + R"(},"spec":)" +
          std::string(pod_spec) + "}}";
  return R"({"metadata":{"name":"w","namespace":"default"},"spec":)" + spec + "}";
}

constexpr std::string_view kAppX = R"({"matchLabels":{"app":"x"}})";
constexpr std::string_view kLabelsX = R"({"app":"x"})";
constexpr std::string_view kPodSpec = R"({"containers":[{"name":"c","image":"app:1"}]})";
const std::string kMismatch =
    "Invalid value: map[string]string{\"app\":\"x\"}: `selector` does not match template "
    "`labels`";

TEST_CASE("Deployment, ReplicaSet, StatefulSet and DaemonSet validation", "[kindvalidation]") {
  std::vector<Case> cases;
  for (const char* kind : {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"}) {
    std::string k = kind;
    std::string what = k == "StatefulSet" ? "statefulset"
                       : k == "DaemonSet" ? "daemonset"
                                          : "deployment";  // upstream's ReplicaSet text too
    cases.push_back({k + ": valid", "apps", k, Workload("", kAppX, kLabelsX, kPodSpec), {}});
    cases.push_back({k + ": valid with expressions",
                     "apps",
                     k,
                     Workload("",
                              R"({"matchLabels":{"app":"x"},"matchExpressions":[
                                   {"key":"tier","operator":"In","values":["web","api"]},
                                   {"key":"canary","operator":"DoesNotExist"}]})",
                              R"({"app":"x","tier":"web"})", kPodSpec),
                     {}});
    cases.push_back({k + ": selector does not match",
                     "apps",
                     k,
                     Workload("", R"({"matchLabels":{"app":"y"}})", kLabelsX, kPodSpec),
                     {{"spec.template.metadata.labels", kMismatch}}});
    cases.push_back({k + ": empty selector",
                     "apps",
                     k,
                     Workload("", "{}", kLabelsX, kPodSpec),
                     {{"spec.selector",
                       "Invalid value: &LabelSelector{MatchLabels:map[string]string{},"
                       "MatchExpressions:[]LabelSelectorRequirement{},}: empty selector is "
                       "invalid for " +
                           what}}});
    std::string template_path = "spec.template.spec.";
    cases.push_back(
        {k + ": template restart policy",
         "apps",
         k,
         Workload("", kAppX, kLabelsX,
                  R"({"restartPolicy":"Never","containers":[{"name":"c","image":"app:1"}]})"),
         {{template_path + "restartPolicy",
           R"(Unsupported value: "Never": supported values: "Always")"}}});
    cases.push_back({k + ": template pod spec",
                     "apps",
                     k,
                     Workload("", kAppX, kLabelsX, R"({"containers":[{"name":"c"}]})"),
                     {{template_path + "containers[0].image", "Required value"}}});
    if (k != "DaemonSet") {
      cases.push_back(
          {k + ": replicas",
           "apps",
           k,
           Workload(R"("replicas":-1)", kAppX, kLabelsX, kPodSpec),
           {{"spec.replicas", "Invalid value: -1: must be greater than or equal to 0"}}});
    }
  }
  // A missing selector: Required, and (selecting nothing) not matching the template; upstream's
  // DaemonSet reports only the mismatch.
  for (const char* kind : {"Deployment", "ReplicaSet", "StatefulSet"}) {
    cases.push_back(
        {std::string(kind) + ": selector required",
         "apps",
         kind,
         Workload("", "", kLabelsX, kPodSpec),
         {{"spec.selector", "Required value"}, {"spec.template.metadata.labels", kMismatch}}});
  }
  cases.push_back({"DaemonSet: no selector",
                   "apps",
                   "DaemonSet",
                   Workload("", "", kLabelsX, kPodSpec),
                   {{"spec.template.metadata.labels", kMismatch}}});
  cases.push_back(
      {"Deployment: bad selector operator",
       "apps",
       "Deployment",
       Workload("", R"({"matchExpressions":[{"key":"a","operator":"Near"}]})", kLabelsX, kPodSpec),
       {{"spec.selector.matchExpressions[0].operator",
         "Invalid value: \"Near\": not a valid selector operator"},
        {"spec.selector",
         "Invalid value: &LabelSelector{MatchLabels:map[string]string{},"
         "MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:a,"
         "Operator:Near,Values:[],},},}: invalid label selector"}}});
  cases.push_back({"Deployment: strategy",
                   "apps",
                   "Deployment",
                   Workload(R"("strategy":{"type":"Recreate","rollingUpdate":{"maxSurge":1}},
                               "progressDeadlineSeconds":10,"minReadySeconds":10)",
                            kAppX, kLabelsX, kPodSpec),
                   {{"spec.strategy.rollingUpdate",
                     "Forbidden: may not be specified when strategy `type` is 'Recreate'"},
                    {"spec.progressDeadlineSeconds",
                     "Invalid value: 10: must be greater than minReadySeconds"}}});
  cases.push_back(
      {"Deployment: rolling update values",
       "apps",
       "Deployment",
       Workload(R"("strategy":{"rollingUpdate":{"maxSurge":0,"maxUnavailable":"150%"}})", kAppX,
                kLabelsX, kPodSpec),
       {{"spec.strategy.rollingUpdate.maxUnavailable",
         "Invalid value: 150%: must not be greater than 100%"}}});
  cases.push_back({"Deployment: unknown strategy",
                   "apps",
                   "Deployment",
                   Workload(R"("strategy":{"type":"BlueGreen"})", kAppX, kLabelsX, kPodSpec),
                   {{"spec.strategy",
                     "Unsupported value: apps.DeploymentStrategy{Type:\"BlueGreen\", "
                     "RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "
                     "\"Recreate\", \"RollingUpdate\""}}});
  cases.push_back(
      {"StatefulSet: policies",
       "apps",
       "StatefulSet",
       Workload(R"("podManagementPolicy":"Random","updateStrategy":{"type":"OnDelete"})", kAppX,
                kLabelsX, kPodSpec),
       {{"spec.podManagementPolicy",
         "Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"}}});
  cases.push_back(
      {"DaemonSet: surge and unavailable",
       "apps",
       "DaemonSet",
       Workload(R"("updateStrategy":{"rollingUpdate":{"maxSurge":1}})", kAppX, kLabelsX, kPodSpec),
       {{"spec.updateStrategy.rollingUpdate.maxSurge",
         "Invalid value: 1: may not be set when maxUnavailable is non-zero"}}});
  cases.push_back({"ReplicationController: valid",
                   "",
                   "ReplicationController",
                   Workload("", "", kLabelsX, kPodSpec),
                   {}});
  cases.push_back({"ReplicationController: selector does not match",
                   "",
                   "ReplicationController",
                   Workload("", R"({"app":"y"})", kLabelsX, kPodSpec),
                   {{"spec.template.metadata.labels", kMismatch}}});
  cases.push_back({"ReplicationController: no template",
                   "",
                   "ReplicationController",
                   R"({"metadata":{"name":"rc"},"spec":{"selector":{"app":"x"}}})",
                   {{"spec.template", "Required value"}}});
  CheckCases(cases);
}

TEST_CASE("Job and CronJob validation", "[kindvalidation]") {
  auto job = [](std::string_view spec_extra, std::string_view restart_policy) {
    std::string spec = "{";
    if (!spec_extra.empty()) spec += std::string(spec_extra) + ",";
    spec += R"("template":{"spec":{)";
    if (!restart_policy.empty()) {
      spec += R"("restartPolicy":")" + std::string(restart_policy) + R"(",)";
    }
    spec += R"("containers":[{"name":"c","image":"app:1"}]}}})";
    return R"({"metadata":{"name":"j"},"spec":)" + spec + "}";
  };
  auto cron = [](std::string_view schedule, std::string_view restart_policy) {
    std::string spec = "{";
    if (!schedule.empty()) spec += R"("schedule":")" + std::string(schedule) + R"(",)";
    spec += R"("jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":")" +
            std::string(restart_policy) + R"(","containers":[{"name":"c","image":"app"}]}}}}})";
    return R"({"metadata":{"name":"cj"},"spec":)" + spec + "}";
  };
  const std::string restart_required = R"(Required value: valid values: "OnFailure", "Never")";
  auto schedule_error = [](std::string_view schedule, std::string_view msg) {
    return Want{"spec.schedule",
                "Invalid value: \"" + std::string(schedule) + "\": " + std::string(msg)};
  };
  CheckCases({
      {"valid job", "batch", "Job", job("", "Never"), {}},
      {"valid job with OnFailure", "batch", "Job", job("", "OnFailure"), {}},
      {"job restart policy defaulted to Always",
       "batch",
       "Job",
       job("", ""),
       {{"spec.template.spec.restartPolicy", restart_required}}},
      {"job restart policy Always",
       "batch",
       "Job",
       job("", "Always"),
       {{"spec.template.spec.restartPolicy", restart_required}}},
      {"job restart policy unknown",
       "batch",
       "Job",
       job("", "Sometimes"),
       {{"spec.template.spec.restartPolicy",
         R"(Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never")"},
        {"spec.template.spec.restartPolicy",
         R"(Unsupported value: "Sometimes": supported values: "OnFailure", "Never")"}}},
      {"job counters",
       "batch",
       "Job",
       job(R"("parallelism":-1,"completions":-2,"backoffLimit":-3)", "Never"),
       {{"spec.parallelism", "Invalid value: -1: must be greater than or equal to 0"},
        {"spec.completions", "Invalid value: -2: must be greater than or equal to 0"},
        {"spec.backoffLimit", "Invalid value: -3: must be greater than or equal to 0"}}},
      {"job completion mode",
       "batch",
       "Job",
       job(R"("completionMode":"Sometimes")", "Never"),
       {{"spec.completionMode",
         R"(Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed")"}}},
      {"job selector must match",
       "batch",
       "Job",
       job(R"("selector":{"matchLabels":{"app":"other"}})", "Never"),
       {{"spec.template.metadata.labels",
         "Invalid value: map[string]string(nil): `selector` does not match template `labels`"}}},
      {"valid cronjob", "batch", "CronJob", cron("*/5 * * * *", "OnFailure"), {}},
      {"cron macros and names", "batch", "CronJob", cron("@hourly", "Never"), {}},
      {"cron every", "batch", "CronJob", cron("@every 1h30m", "Never"), {}},
      {"cron names and ranges",
       "batch",
       "CronJob",
       cron("0 9-17/2 1,15 JAN-mar mon-FRI", "Never"),
       {}},
      {"schedule required",
       "batch",
       "CronJob",
       cron("", "Never"),
       {{"spec.schedule", "Required value"}}},
      {"schedule fields",
       "batch",
       "CronJob",
       cron("* * *", "Never"),
       {schedule_error("* * *", "expected exactly 5 fields, found 3: [* * *]")}},
      {"schedule range",
       "batch",
       "CronJob",
       cron("61 * * * *", "Never"),
       {schedule_error("61 * * * *", "end of range (61) above maximum (59): 61")}},
      {"schedule day of week",
       "batch",
       "CronJob",
       cron("0 0 * * 7", "Never"),
       {schedule_error("0 0 * * 7", "end of range (7) above maximum (6): 7")}},
      {"schedule reversed range",
       "batch",
       "CronJob",
       cron("5-1 * * * *", "Never"),
       {schedule_error("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1")}},
      {"schedule step",
       "batch",
       "CronJob",
       cron("*/0 * * * *", "Never"),
       {schedule_error("*/0 * * * *", "step of range should be a positive number: */0")}},
      {"schedule syntax",
       "batch",
       "CronJob",
       cron("x * * * *", "Never"),
       {schedule_error("x * * * *",
                       "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid "
                       "syntax")}},
      {"schedule day of month minimum",
       "batch",
       "CronJob",
       cron("0 0 0 * *", "Never"),
       {schedule_error("0 0 0 * *", "beginning of range (0) below minimum (1): 0")}},
      {"schedule descriptor",
       "batch",
       "CronJob",
       cron("@often", "Never"),
       {schedule_error("@often", "unrecognized descriptor: @often")}},
      {"schedule duration",
       "batch",
       "CronJob",
       cron("@every 5x", "Never"),
       {schedule_error("@every 5x",
                       "failed to parse duration @every 5x: time: unknown unit "
                       "\"x\" in duration \"5x\"")}},
      {"schedule time zone",
       "batch",
       "CronJob",
       cron("TZ=UTC 0 * * * *", "Never"),
       {schedule_error("TZ=UTC 0 * * * *",
                       "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")}},
      {"cronjob template restart policy",
       "batch",
       "CronJob",
       cron("@daily", "Always"),
       {{"spec.jobTemplate.spec.template.spec.restartPolicy", restart_required}}},
  });
}

std::string Service(std::string_view spec) {
  return R"({"metadata":{"name":"s","namespace":"default"},"spec":)" + std::string(spec) + "}";
}

TEST_CASE("Service validation", "[kindvalidation]") {
  const std::string dup_key =
      "Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", "
      "AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, "
      "StrVal:\"\"}, NodePort:0}";
  CheckCases({
      {"valid", "", "Service", Service(R"({"selector":{"app":"x"},"ports":[{"port":80}]})"), {}},
      {"valid with cluster IP",
       "",
       "Service",
       Service(R"({"clusterIP":"10.43.0.10","ports":[{"port":53,"protocol":"UDP","name":"dns"},
                  {"port":53,"name":"dns-tcp"}]})"),
       {}},
      {"ports required", "", "Service", Service("{}"), {{"spec.ports", "Required value"}}},
      {"headless needs no ports", "", "Service", Service(R"({"clusterIP":"None"})"), {}},
      {"external name needs no ports",
       "",
       "Service",
       Service(R"({"type":"ExternalName","externalName":"db.example.com."})"),
       {}},
      {"external name required",
       "",
       "Service",
       Service(R"({"type":"ExternalName"})"),
       {{"spec.externalName", "Required value"}}},
      {"port range",
       "",
       "Service",
       Service(R"({"ports":[{"port":0}]})"),
       {{"spec.ports[0].port", "Invalid value: 0: " + std::string(kPortRange)},
        {"spec.ports[0].targetPort", "Invalid value: 0: " + std::string(kPortRange)}}},
      {"protocol",
       "",
       "Service",
       Service(R"({"ports":[{"port":80,"protocol":"HTTP"}]})"),
       {{"spec.ports[0].protocol",
         R"(Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP")"}}},
      {"duplicate port and protocol",
       "",
       "Service",
       Service(R"({"ports":[{"name":"a","port":80},{"name":"b","port":80,"targetPort":8080}]})"),
       {{"spec.ports[1]", dup_key}}},
      {"names required with several ports",
       "",
       "Service",
       Service(R"({"ports":[{"port":80},{"port":443}]})"),
       {{"spec.ports[0].name", "Required value"}, {"spec.ports[1].name", "Required value"}}},
      {"port names unique",
       "",
       "Service",
       Service(R"({"ports":[{"name":"web","port":80},{"name":"web","port":443}]})"),
       {{"spec.ports[1].name", "Duplicate value: \"web\""}}},
      {"type",
       "",
       "Service",
       Service(R"({"type":"Foo","ports":[{"port":80}]})"),
       {{"spec.type", R"(Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", )"
                      R"("LoadBalancer", "NodePort")"}}},
      {"cluster IP",
       "",
       "Service",
       Service(R"({"clusterIP":"abc","ports":[{"port":80}]})"),
       {{"spec.clusterIPs[0]",
         "Invalid value: \"abc\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"}}},
      {"headless node port",
       "",
       "Service",
       Service(R"({"type":"NodePort","clusterIP":"None","ports":[{"port":80}]})"),
       {{"spec.clusterIPs[0]",
         "Invalid value: \"None\": may not be set to 'None' for NodePort services"}}},
      {"node port on a cluster IP service",
       "",
       "Service",
       Service(R"({"ports":[{"port":80,"nodePort":30080}]})"),
       {{"spec.ports[0].nodePort", "Forbidden: may not be used when `type` is 'ClusterIP'"}}},
      {"session affinity",
       "",
       "Service",
       Service(R"({"sessionAffinity":"Sticky","ports":[{"port":80}]})"),
       {{"spec.sessionAffinity",
         R"(Unsupported value: "Sticky": supported values: "ClientIP", "None")"}}},
  });
}

TEST_CASE("ConfigMap and Secret validation", "[kindvalidation]") {
  std::string big(1024 * 1024, 'a');
  CheckCases({
      {"valid config map",
       "",
       "ConfigMap",
       R"({"metadata":{"name":"c"},"data":{"app.conf":"x","KEY_1":"y","-a":"z"},
           "binaryData":{"blob":"AAEC"}})",
       {}},
      {"config key charset",
       "",
       "ConfigMap",
       R"({"data":{"a b":"x"}})",
       {{"data[a b]", "Invalid value: \"a b\": " + std::string(kConfigKeyMsg)}}},
      {"config key dots",
       "",
       "ConfigMap",
       R"({"data":{"..":"x","..a":"y"}})",
       {{"data[..]", "Invalid value: \"..\": must not be '..'"},
        {"data[..a]", "Invalid value: \"..a\": must not start with '..'"}}},
      {"binary data duplicates data",
       "",
       "ConfigMap",
       R"({"data":{"k":"x"},"binaryData":{"k":"AA=="}})",
       {{"data[k]", "Invalid value: \"k\": duplicate of key present in binaryData"}}},
      {"config map size",
       "",
       "ConfigMap",
       R"({"data":{"a":")" + big + R"(","b":"c"}})",
       {{"", "Too long: must have at most 1048576 bytes"}}},
      {"valid secret",
       "",
       "Secret",
       R"({"data":{"password":"c2VjcmV0"},"stringData":{"user":"admin"}})",
       {}},
      {"secret keys, string data included",
       "",
       "Secret",
       R"({"data":{"a/b":"eA=="},"stringData":{"c d":"y"}})",
       {{"data[a/b]", "Invalid value: \"a/b\": " + std::string(kConfigKeyMsg)},
        {"data[c d]", "Invalid value: \"c d\": " + std::string(kConfigKeyMsg)}}},
      {"secret size counts decoded bytes",
       "",
       "Secret",
       R"({"data":{"a":")" + Base64Encode(big) + R"("},"stringData":{"b":"x"}})",
       {{"data", "Too long: must have at most 1048576 bytes"}}},
      {"secret at the size limit",
       "",
       "Secret",
       R"({"data":{"a":")" + Base64Encode(big) + R"("}})",
       {}},
      {"tls secret",
       "",
       "Secret",
       R"({"type":"kubernetes.io/tls","data":{"tls.crt":"eA=="}})",
       {{"data[tls.key]", "Required value"}}},
  });
}

TEST_CASE("Kinds without spec rules have no errors", "[kindvalidation]") {
  CheckCases({
      {"namespace", "", "Namespace", R"({"metadata":{"name":"n"}})", {}},
      {"node", "", "Node", R"({"metadata":{"name":"n"},"spec":{"podCIDR":"bad"}})", {}},
      {"unknown", "example.com", "Widget", R"({"spec":{"containers":[]}})", {}},
      {"core kind under another group", "example.com", "Pod", R"({"spec":{}})", {}},
  });
  auto arr = ParseJson("[]");
  REQUIRE(arr.has_value());
  CHECK(ValidateKind("", "Pod", *arr).empty());
}

}  // namespace
}  // namespace orchd::api
