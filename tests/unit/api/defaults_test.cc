#include "api/defaults.h"

#include <catch2/catch.hpp>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace orchd::api {
namespace {

JsonDoc Parse(std::string_view text) {
  auto doc = ParseJson(text);
  INFO(text);
  REQUIRE(doc.has_value());
  return std::move(*doc);
}

struct Case {
  const char* name;
  const char* group;
  const char* kind;
  const char* in;
  const char* want;
};

void CheckCases(std::initializer_list<Case> cases) {
  for (const Case& c : cases) {
    INFO(c.name);
    JsonDoc doc = Parse(c.in);
    ApplyDefaults(c.group, c.kind, doc, doc.GetAllocator());
    JsonDoc want = Parse(c.want);
    INFO("got:\n" << ToPrettyJson(doc) << "\nwant:\n" << ToPrettyJson(want));
    CHECK(JsonEqual(doc, want));
    // Defaulting a defaulted object changes nothing.
    ApplyDefaults(c.group, c.kind, doc, doc.GetAllocator());
    CHECK(JsonEqual(doc, want));
  }
}

TEST_CASE("Pod defaults fill the pod spec, containers, probes and volumes", "[defaults]") {
  CheckCases({
      {"minimal pod", "", "Pod",
       R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default"},
           "spec":{"containers":[{"name":"web","image":"nginx",
                                  "ports":[{"containerPort":80}],
                                  "livenessProbe":{"httpGet":{"port":80}},
                                  "readinessProbe":{"grpc":{"port":9000}},
                                  "lifecycle":{"preStop":{"httpGet":{"port":80,"path":"/stop"}}},
                                  "env":[{"name":"NODE","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName"}}}]}],
                   "initContainers":[{"name":"init","image":"busybox:1.36"}],
                   "volumes":[{"name":"scratch"},
                              {"name":"cm","configMap":{"name":"settings"}},
                              {"name":"sec","secret":{"secretName":"creds"}},
                              {"name":"host","hostPath":{"path":"/var/log"}},
                              {"name":"token","projected":{"sources":[{"serviceAccountToken":{"path":"token"}}]}}]}})",
       R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default"},
           "spec":{"containers":[{"name":"web","image":"nginx",
                                  "ports":[{"containerPort":80,"protocol":"TCP"}],
                                  "livenessProbe":{"httpGet":{"port":80,"path":"/","scheme":"HTTP"},
                                                   "timeoutSeconds":1,"periodSeconds":10,
                                                   "successThreshold":1,"failureThreshold":3},
                                  "readinessProbe":{"grpc":{"port":9000,"service":""},
                                                    "timeoutSeconds":1,"periodSeconds":10,
                                                    "successThreshold":1,"failureThreshold":3},
                                  "lifecycle":{"preStop":{"httpGet":{"port":80,"path":"/stop","scheme":"HTTP"}}},
                                  "env":[{"name":"NODE","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName","apiVersion":"v1"}}}],
                                  "imagePullPolicy":"Always",
                                  "terminationMessagePath":"/dev/termination-log",
                                  "terminationMessagePolicy":"File",
                                  "resources":{}}],
                   "initContainers":[{"name":"init","image":"busybox:1.36",
                                      "imagePullPolicy":"IfNotPresent",
                                      "terminationMessagePath":"/dev/termination-log",
                                      "terminationMessagePolicy":"File",
                                      "resources":{}}],
                   "volumes":[{"name":"scratch","emptyDir":{}},
                              {"name":"cm","configMap":{"name":"settings","defaultMode":420}},
                              {"name":"sec","secret":{"secretName":"creds","defaultMode":420}},
                              {"name":"host","hostPath":{"path":"/var/log","type":""}},
                              {"name":"token","projected":{"sources":[{"serviceAccountToken":{"path":"token","expirationSeconds":3600}}],
                                                           "defaultMode":420}}],
                   "restartPolicy":"Always",
                   "terminationGracePeriodSeconds":30,
                   "dnsPolicy":"ClusterFirst",
                   "securityContext":{},
                   "schedulerName":"default-scheduler",
                   "enableServiceLinks":true}})"},
      {"user-set values are kept", "", "Pod",
       R"({"metadata":{"name":"p"},
           "spec":{"restartPolicy":"Never","dnsPolicy":"Default","terminationGracePeriodSeconds":0,
                   "schedulerName":"mine","securityContext":{"runAsUser":1000},
                   "enableServiceLinks":false,"hostNetwork":true,
                   "containers":[{"name":"c","image":"app:latest","imagePullPolicy":"Never",
                                  "terminationMessagePath":"/tmp/msg",
                                  "terminationMessagePolicy":"FallbackToLogsOnError",
                                  "resources":{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"500m"}},
                                  "ports":[{"containerPort":8080,"protocol":"UDP"},
                                           {"containerPort":9090,"hostPort":19090}],
                                  "startupProbe":{"exec":{"command":["true"]},"timeoutSeconds":5,
                                                  "periodSeconds":2,"successThreshold":1,"failureThreshold":30}}],
                   "volumes":[{"name":"cm","configMap":{"name":"x","defaultMode":256}}]}})",
       R"({"metadata":{"name":"p"},
           "spec":{"restartPolicy":"Never","dnsPolicy":"Default","terminationGracePeriodSeconds":0,
                   "schedulerName":"mine","securityContext":{"runAsUser":1000},
                   "enableServiceLinks":false,"hostNetwork":true,
                   "containers":[{"name":"c","image":"app:latest","imagePullPolicy":"Never",
                                  "terminationMessagePath":"/tmp/msg",
                                  "terminationMessagePolicy":"FallbackToLogsOnError",
                                  "resources":{"limits":{"cpu":"1","memory":"1Gi"},
                                               "requests":{"cpu":"500m","memory":"1Gi"}},
                                  "ports":[{"containerPort":8080,"protocol":"UDP","hostPort":8080},
                                           {"containerPort":9090,"hostPort":19090,"protocol":"TCP"}],
                                  "startupProbe":{"exec":{"command":["true"]},"timeoutSeconds":5,
                                                  "periodSeconds":2,"successThreshold":1,"failureThreshold":30}}],
                   "volumes":[{"name":"cm","configMap":{"name":"x","defaultMode":256}}]}})"},
      {"pod template: the pod spec without the Pod-only defaults", "", "PodTemplate",
       R"({"metadata":{"name":"t"},"template":{"spec":{"containers":[{"name":"c","image":"a:1",
           "resources":{"limits":{"cpu":"1"}}}]}}})",
       R"({"metadata":{"name":"t"},"template":{"spec":{
           "containers":[{"name":"c","image":"a:1","resources":{"limits":{"cpu":"1"}},
                          "imagePullPolicy":"IfNotPresent",
                          "terminationMessagePath":"/dev/termination-log",
                          "terminationMessagePolicy":"File"}],
           "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst",
           "securityContext":{},"schedulerName":"default-scheduler"}}})"},
  });
}

TEST_CASE("Image pull policy follows the image tag", "[defaults]") {
  struct PullCase {
    std::string_view image;
    std::string_view policy;
  };
  for (const PullCase& c : std::initializer_list<PullCase>{
           {"nginx", "Always"},
           {"nginx:latest", "Always"},
           {"nginx:1.25", "IfNotPresent"},
           {"docker.io/library/nginx:1.25", "IfNotPresent"},
           {"nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "IfNotPresent"},
           {"nginx:1.25@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "IfNotPresent"},
           {"localhost:5000/app", "Always"},
           {"localhost:5000/app:v1", "IfNotPresent"},
           {"registry.k8s.io/pause:3.9", "IfNotPresent"},
           {"ghcr.io/org/tool:latest", "Always"},
           {"", "IfNotPresent"},       // does not parse
           {"Nginx", "IfNotPresent"},  // upper case repository: does not parse
           {"nginx:", "IfNotPresent"},
       }) {
    INFO(c.image);
    JsonDoc doc = Parse(R"({"spec":{"containers":[{"name":"c"}]}})");
    JsonValue& container = (*Member(*Member(doc, "spec"), "containers"))[0];
    SetString(container, "image", c.image, doc.GetAllocator());
    ApplyDefaults("", "Pod", doc, doc.GetAllocator());
    CHECK(GetString((*Member(*Member(doc, "spec"), "containers"))[0], "imagePullPolicy") ==
          c.policy);
  }
}

// The pod template spec every workload template below gets.
constexpr std::string_view kTemplateSpec = R"({"containers":[{"name":"c","image":"app:1",
    "imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log",
    "terminationMessagePolicy":"File","resources":{}}],
    "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst",
    "securityContext":{},"schedulerName":"default-scheduler"})";

std::string WithTemplateSpec(std::string_view text) {
  std::string out(text);
  const std::string marker = "TEMPLATE_SPEC";
  for (size_t at = out.find(marker); at != std::string::npos; at = out.find(marker)) {
    out.replace(at, marker.size(), kTemplateSpec);
  }
  return out;
}

TEST_CASE("Workload defaults: Deployment, ReplicaSet, StatefulSet, DaemonSet, RC", "[defaults]") {
  constexpr std::string_view kIn = R"({"containers":[{"name":"c","image":"app:1"}]})";
  auto in = [&](std::string_view text) {
    std::string out(text);
    out.replace(out.find("SPEC"), 4, kIn);
    return out;
  };
  struct WorkloadCase {
    const char* name;
    const char* group;
    const char* kind;
    std::string in;
    std::string want;
  };
  std::vector<WorkloadCase> cases = {
      {"deployment", "apps", "Deployment",
       in(R"({"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"app":"x"}},
              "template":{"metadata":{"labels":{"app":"x"}},"spec":SPEC}}})"),
       WithTemplateSpec(
           R"({"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"app":"x"}},
              "replicas":1,"revisionHistoryLimit":10,"progressDeadlineSeconds":600,
              "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},
              "template":{"metadata":{"labels":{"app":"x"}},"spec":TEMPLATE_SPEC}}})")},
      {"deployment with user values", "apps", "Deployment",
       in(R"({"spec":{"replicas":0,"revisionHistoryLimit":0,"progressDeadlineSeconds":60,
              "strategy":{"type":"Recreate"},"template":{"spec":SPEC}}})"),
       WithTemplateSpec(
           R"({"spec":{"replicas":0,"revisionHistoryLimit":0,"progressDeadlineSeconds":60,
              "strategy":{"type":"Recreate"},"template":{"spec":TEMPLATE_SPEC}}})")},
      {"deployment with a partial rolling update", "apps", "Deployment",
       in(R"({"spec":{"strategy":{"rollingUpdate":{"maxSurge":1}},"template":{"spec":SPEC}}})"),
       WithTemplateSpec(
           R"({"spec":{"replicas":1,"revisionHistoryLimit":10,"progressDeadlineSeconds":600,
              "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":"25%"}},
              "template":{"spec":TEMPLATE_SPEC}}})")},
      {"replicaset", "apps", "ReplicaSet", in(R"({"spec":{"template":{"spec":SPEC}}})"),
       WithTemplateSpec(R"({"spec":{"replicas":1,"template":{"spec":TEMPLATE_SPEC}}})")},
      {"statefulset", "apps", "StatefulSet",
       in(R"({"spec":{"serviceName":"s","template":{"spec":SPEC},
              "volumeClaimTemplates":[{"metadata":{"name":"data"},
                                       "spec":{"accessModes":["ReadWriteOnce"]}}]}})"),
       WithTemplateSpec(
           R"({"spec":{"serviceName":"s","replicas":1,"podManagementPolicy":"OrderedReady",
              "revisionHistoryLimit":10,
              "updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":0}},
              "persistentVolumeClaimRetentionPolicy":{"whenDeleted":"Retain","whenScaled":"Retain"},
              "template":{"spec":TEMPLATE_SPEC},
              "volumeClaimTemplates":[{"metadata":{"name":"data"},
                                       "spec":{"accessModes":["ReadWriteOnce"],"volumeMode":"Filesystem"},
                                       "status":{"phase":"Pending"}}]}})")},
      {"statefulset OnDelete keeps no rolling update", "apps", "StatefulSet",
       in(R"({"spec":{"podManagementPolicy":"Parallel","updateStrategy":{"type":"OnDelete"},
              "persistentVolumeClaimRetentionPolicy":{"whenDeleted":"Delete"},
              "template":{"spec":SPEC}}})"),
       WithTemplateSpec(
           R"({"spec":{"replicas":1,"podManagementPolicy":"Parallel","revisionHistoryLimit":10,
              "updateStrategy":{"type":"OnDelete"},
              "persistentVolumeClaimRetentionPolicy":{"whenDeleted":"Delete","whenScaled":"Retain"},
              "template":{"spec":TEMPLATE_SPEC}}})")},
      {"daemonset", "apps", "DaemonSet", in(R"({"spec":{"template":{"spec":SPEC}}})"),
       WithTemplateSpec(
           R"({"spec":{"revisionHistoryLimit":10,
              "updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1,"maxSurge":0}},
              "template":{"spec":TEMPLATE_SPEC}}})")},
      {"replication controller takes selector and labels from its template", "",
       "ReplicationController", in(R"({"metadata":{"name":"rc"},
              "spec":{"template":{"metadata":{"labels":{"app":"x"}},"spec":SPEC}}})"),
       WithTemplateSpec(R"({"metadata":{"name":"rc","labels":{"app":"x"}},
              "spec":{"replicas":1,"selector":{"app":"x"},
                      "template":{"metadata":{"labels":{"app":"x"}},"spec":TEMPLATE_SPEC}}})")},
      {"replication controller keeps its own selector and labels", "", "ReplicationController",
       in(R"({"metadata":{"name":"rc","labels":{"tier":"web"}},
              "spec":{"replicas":3,"selector":{"app":"x","v":"1"},
                      "template":{"metadata":{"labels":{"app":"x","v":"1"}},"spec":SPEC}}})"),
       WithTemplateSpec(R"({"metadata":{"name":"rc","labels":{"tier":"web"}},
              "spec":{"replicas":3,"selector":{"app":"x","v":"1"},
                      "template":{"metadata":{"labels":{"app":"x","v":"1"}},"spec":TEMPLATE_SPEC}}})")},
  };
  for (const WorkloadCase& c : cases) {
    INFO(c.name);
    JsonDoc doc = Parse(c.in);
    ApplyDefaults(c.group, c.kind, doc, doc.GetAllocator());
    JsonDoc want = Parse(c.want);
    INFO("got:\n" << ToPrettyJson(doc) << "\nwant:\n" << ToPrettyJson(want));
    CHECK(JsonEqual(doc, want));
  }
}

TEST_CASE("Job and CronJob defaults", "[defaults]") {
  CheckCases({
      {"job", "batch", "Job",
       R"({"metadata":{"name":"j"},"spec":{"template":{"metadata":{"labels":{"app":"j"}},
           "spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"app:1"}]}}}})",
       R"({"metadata":{"name":"j","labels":{"app":"j"}},
           "spec":{"completions":1,"parallelism":1,"backoffLimit":6,"completionMode":"NonIndexed",
                   "suspend":false,"podReplacementPolicy":"TerminatingOrFailed",
                   "template":{"metadata":{"labels":{"app":"j"}},
                     "spec":{"restartPolicy":"Never",
                             "containers":[{"name":"c","image":"app:1","imagePullPolicy":"IfNotPresent",
                                            "terminationMessagePath":"/dev/termination-log",
                                            "terminationMessagePolicy":"File","resources":{}}],
                             "terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst",
                             "securityContext":{},"schedulerName":"default-scheduler"}}}})"},
      {"job with parallelism only, a failure policy and a per-index limit", "batch", "Job",
       R"({"metadata":{"name":"j","labels":{"own":"yes"}},
           "spec":{"parallelism":4,"completionMode":"Indexed","backoffLimitPerIndex":2,
                   "suspend":true,
                   "podFailurePolicy":{"rules":[{"action":"Ignore","onPodConditions":[{"type":"DisruptionTarget"}]}]},
                   "template":{"metadata":{"labels":{"app":"j"}},"spec":{"restartPolicy":"Never",
                     "containers":[{"name":"c","image":"app:1"}]}}}})",
       R"({"metadata":{"name":"j","labels":{"own":"yes"}},
           "spec":{"parallelism":4,"completionMode":"Indexed","backoffLimitPerIndex":2,
                   "backoffLimit":2147483647,"suspend":true,"podReplacementPolicy":"Failed",
                   "podFailurePolicy":{"rules":[{"action":"Ignore","onPodConditions":[{"type":"DisruptionTarget","status":"True"}]}]},
                   "template":{"metadata":{"labels":{"app":"j"}},
                     "spec":{"restartPolicy":"Never",
                             "containers":[{"name":"c","image":"app:1","imagePullPolicy":"IfNotPresent",
                                            "terminationMessagePath":"/dev/termination-log",
                                            "terminationMessagePolicy":"File","resources":{}}],
                             "terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst",
                             "securityContext":{},"schedulerName":"default-scheduler"}}}})"},
      {"cronjob: its own fields and the pod template, not the job's fields", "batch", "CronJob",
       R"({"metadata":{"name":"cj"},"spec":{"schedule":"*/5 * * * *","jobTemplate":{"spec":{
           "template":{"spec":{"restartPolicy":"OnFailure","containers":[{"name":"c","image":"app"}]}}}}}})",
       R"({"metadata":{"name":"cj"},
           "spec":{"schedule":"*/5 * * * *","concurrencyPolicy":"Allow","suspend":false,
                   "successfulJobsHistoryLimit":3,"failedJobsHistoryLimit":1,
                   "jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"OnFailure",
                     "containers":[{"name":"c","image":"app","imagePullPolicy":"Always",
                                    "terminationMessagePath":"/dev/termination-log",
                                    "terminationMessagePolicy":"File","resources":{}}],
                     "terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst",
                     "securityContext":{},"schedulerName":"default-scheduler"}}}}}})"},
      {"cronjob keeps user values", "batch", "CronJob",
       R"({"spec":{"schedule":"@daily","concurrencyPolicy":"Forbid","suspend":true,
                   "successfulJobsHistoryLimit":0,"failedJobsHistoryLimit":5}})",
       R"({"spec":{"schedule":"@daily","concurrencyPolicy":"Forbid","suspend":true,
                   "successfulJobsHistoryLimit":0,"failedJobsHistoryLimit":5}})"},
  });
}

TEST_CASE("Service defaults", "[defaults]") {
  CheckCases({
      {"cluster IP service", "", "Service",
       R"({"metadata":{"name":"s"},"spec":{"selector":{"app":"x"},"ports":[{"port":80}]}})",
       R"({"metadata":{"name":"s"},"spec":{"selector":{"app":"x"},
           "ports":[{"port":80,"protocol":"TCP","targetPort":80}],
           "type":"ClusterIP","sessionAffinity":"None","ipFamilyPolicy":"SingleStack",
           "internalTrafficPolicy":"Cluster"}})"},
      {"node port service with client IP affinity", "", "Service",
       R"({"spec":{"type":"NodePort","sessionAffinity":"ClientIP","selector":{"app":"x"},
           "ports":[{"name":"http","port":80,"targetPort":"http","protocol":"UDP"}]}})",
       R"({"spec":{"type":"NodePort","sessionAffinity":"ClientIP","selector":{"app":"x"},
           "sessionAffinityConfig":{"clientIP":{"timeoutSeconds":10800}},
           "ports":[{"name":"http","port":80,"targetPort":"http","protocol":"UDP"}],
           "externalTrafficPolicy":"Cluster","internalTrafficPolicy":"Cluster",
           "ipFamilyPolicy":"SingleStack"}})"},
      {"load balancer keeps its policies", "", "Service",
       R"({"spec":{"type":"LoadBalancer","externalTrafficPolicy":"Local",
           "internalTrafficPolicy":"Local","ipFamilyPolicy":"PreferDualStack",
           "allocateLoadBalancerNodePorts":false,"ports":[{"port":443,"targetPort":8443}]}})",
       R"({"spec":{"type":"LoadBalancer","externalTrafficPolicy":"Local",
           "internalTrafficPolicy":"Local","ipFamilyPolicy":"PreferDualStack",
           "allocateLoadBalancerNodePorts":false,"sessionAffinity":"None",
           "ports":[{"port":443,"targetPort":8443,"protocol":"TCP"}]}})"},
      {"load balancer", "", "Service", R"({"spec":{"type":"LoadBalancer","ports":[{"port":53}]}})",
       R"({"spec":{"type":"LoadBalancer","sessionAffinity":"None",
           "externalTrafficPolicy":"Cluster","internalTrafficPolicy":"Cluster",
           "ipFamilyPolicy":"SingleStack","allocateLoadBalancerNodePorts":true,
           "ports":[{"port":53,"protocol":"TCP","targetPort":53}]}})"},
      {"external name: no IP family or traffic policies", "", "Service",
       R"({"spec":{"type":"ExternalName","externalName":"example.com"}})",
       R"({"spec":{"type":"ExternalName","externalName":"example.com","sessionAffinity":"None"}})"},
      {"headless without a selector requires dual stack", "", "Service",
       R"({"spec":{"clusterIP":"None","ports":[{"port":5432}]}})",
       R"({"spec":{"clusterIP":"None","type":"ClusterIP","sessionAffinity":"None",
           "internalTrafficPolicy":"Cluster","ipFamilyPolicy":"RequireDualStack",
           "ports":[{"port":5432,"protocol":"TCP","targetPort":5432}]}})"},
      {"session affinity config is dropped when affinity is None", "", "Service",
       R"({"spec":{"sessionAffinityConfig":{"clientIP":{"timeoutSeconds":60}},"ports":[{"port":1}]}})",
       R"({"spec":{"type":"ClusterIP","sessionAffinity":"None","internalTrafficPolicy":"Cluster",
           "ipFamilyPolicy":"SingleStack","ports":[{"port":1,"protocol":"TCP","targetPort":1}]}})"},
  });
}

TEST_CASE("Defaults of other kinds", "[defaults]") {
  CheckCases({
      {"namespace", "", "Namespace", R"({"metadata":{"name":"team"}})",
       R"({"metadata":{"name":"team","labels":{"kubernetes.io/metadata.name":"team"}},
           "spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}})"},
      {"terminating namespace does not get its finalizer back", "", "Namespace",
       R"({"metadata":{"name":"team","deletionTimestamp":"2024-01-01T00:00:00Z",
                       "labels":{"kubernetes.io/metadata.name":"other","a":"b"}},
           "spec":{},"status":{"phase":"Terminating"}})",
       R"({"metadata":{"name":"team","deletionTimestamp":"2024-01-01T00:00:00Z",
                       "labels":{"kubernetes.io/metadata.name":"team","a":"b"}},
           "spec":{},"status":{"phase":"Terminating"}})"},
      {"secret", "", "Secret", R"({"metadata":{"name":"s"}})",
       R"({"metadata":{"name":"s"},"type":"Opaque"})"},
      {"typed secret", "", "Secret", R"({"type":"kubernetes.io/tls"})",
       R"({"type":"kubernetes.io/tls"})"},
      {"persistent volume claim", "", "PersistentVolumeClaim",
       R"({"spec":{"accessModes":["ReadWriteOnce"]}})",
       R"({"spec":{"accessModes":["ReadWriteOnce"],"volumeMode":"Filesystem"},
           "status":{"phase":"Pending"}})"},
      {"block claim", "", "PersistentVolumeClaim", R"({"spec":{"volumeMode":"Block"}})",
       R"({"spec":{"volumeMode":"Block"},"status":{"phase":"Pending"}})"},
      {"persistent volume", "", "PersistentVolume", R"({"spec":{"hostPath":{"path":"/data"}}})",
       R"({"spec":{"hostPath":{"path":"/data","type":""},
                   "persistentVolumeReclaimPolicy":"Retain","volumeMode":"Filesystem"},
           "status":{"phase":"Pending"}})"},
      {"endpoints", "", "Endpoints",
       R"({"subsets":[{"ports":[{"port":80},{"port":53,"protocol":"UDP"}]}]})",
       R"({"subsets":[{"ports":[{"port":80,"protocol":"TCP"},{"port":53,"protocol":"UDP"}]}]})"},
      {"endpoint slice", "discovery.k8s.io", "EndpointSlice",
       R"({"addressType":"IPv4","ports":[{"port":80},{"name":"dns","port":53,"protocol":"UDP"}]})",
       R"({"addressType":"IPv4","ports":[{"port":80,"name":"","protocol":"TCP"},
                                         {"name":"dns","port":53,"protocol":"UDP"}]})"},
      {"ingress-only network policy", "networking.k8s.io", "NetworkPolicy",
       R"({"spec":{"podSelector":{},"ingress":[{"ports":[{"port":80}]}]}})",
       R"({"spec":{"podSelector":{},"ingress":[{"ports":[{"port":80,"protocol":"TCP"}]}],
                   "policyTypes":["Ingress"]}})"},
      {"network policy with egress rules", "networking.k8s.io", "NetworkPolicy",
       R"({"spec":{"podSelector":{},"egress":[{"ports":[{"port":53,"protocol":"UDP"}]}]}})",
       R"({"spec":{"podSelector":{},"egress":[{"ports":[{"port":53,"protocol":"UDP"}]}],
                   "policyTypes":["Ingress","Egress"]}})"},
      {"network policy keeps its policy types", "networking.k8s.io", "NetworkPolicy",
       R"({"spec":{"podSelector":{},"policyTypes":["Egress"]}})",
       R"({"spec":{"podSelector":{},"policyTypes":["Egress"]}})"},
      {"storage class", "storage.k8s.io", "StorageClass",
       R"({"provisioner":"rancher.io/local-path"})",
       R"({"provisioner":"rancher.io/local-path","reclaimPolicy":"Delete",
           "volumeBindingMode":"Immediate"})"},
      {"storage class keeps its modes", "storage.k8s.io", "StorageClass",
       R"({"provisioner":"p","reclaimPolicy":"Retain","volumeBindingMode":"WaitForFirstConsumer"})",
       R"({"provisioner":"p","reclaimPolicy":"Retain","volumeBindingMode":"WaitForFirstConsumer"})"},
      {"hpa v2", "autoscaling", "HorizontalPodAutoscaler",
       R"({"apiVersion":"autoscaling/v2","spec":{"maxReplicas":5,
           "behavior":{"scaleDown":{"stabilizationWindowSeconds":60}}}})",
       R"({"apiVersion":"autoscaling/v2","spec":{"maxReplicas":5,"minReplicas":1,
           "metrics":[{"type":"Resource","resource":{"name":"cpu",
                       "target":{"type":"Utilization","averageUtilization":80}}}],
           "behavior":{"scaleDown":{"stabilizationWindowSeconds":60,"selectPolicy":"Max",
                                    "policies":[{"type":"Percent","value":100,"periodSeconds":15}]},
                       "scaleUp":{"stabilizationWindowSeconds":0,"selectPolicy":"Max",
                                  "policies":[{"type":"Pods","value":4,"periodSeconds":15},
                                              {"type":"Percent","value":100,"periodSeconds":15}]}}}})"},
      {"hpa v1", "autoscaling", "HorizontalPodAutoscaler",
       R"({"apiVersion":"autoscaling/v1","spec":{"maxReplicas":5}})",
       R"({"apiVersion":"autoscaling/v1","spec":{"maxReplicas":5,"minReplicas":1}})"},
      {"role binding", "rbac.authorization.k8s.io", "RoleBinding",
       R"({"roleRef":{"kind":"Role","name":"r"},
           "subjects":[{"kind":"User","name":"u"},{"kind":"ServiceAccount","name":"sa"}]})",
       R"({"roleRef":{"kind":"Role","name":"r","apiGroup":"rbac.authorization.k8s.io"},
           "subjects":[{"kind":"User","name":"u","apiGroup":"rbac.authorization.k8s.io"},
                       {"kind":"ServiceAccount","name":"sa"}]})"},
      {"config map: nothing", "", "ConfigMap", R"({"data":{"a":"b"}})", R"({"data":{"a":"b"}})"},
      {"unknown kind: nothing", "example.com", "Widget", R"({"spec":{}})", R"({"spec":{}})"},
  });
}

TEST_CASE("Objects of the wrong shape are left alone", "[defaults]") {
  CheckCases({
      {"spec is a string", "", "Pod", R"({"spec":"x"})", R"({"spec":"x"})"},
      {"containers is an object", "apps", "Deployment",
       R"({"spec":{"replicas":2,"strategy":{"type":"Recreate"},"revisionHistoryLimit":1,
           "progressDeadlineSeconds":5,"template":{"spec":{"containers":{"name":"c"},
           "restartPolicy":"Always","terminationGracePeriodSeconds":1,"dnsPolicy":"Default",
           "securityContext":{},"schedulerName":"s"}}}})",
       R"({"spec":{"replicas":2,"strategy":{"type":"Recreate"},"revisionHistoryLimit":1,
           "progressDeadlineSeconds":5,"template":{"spec":{"containers":{"name":"c"},
           "restartPolicy":"Always","terminationGracePeriodSeconds":1,"dnsPolicy":"Default",
           "securityContext":{},"schedulerName":"s"}}}})"},
  });
  JsonDoc not_object = Parse("[1,2]");
  ApplyDefaults("", "Pod", not_object, not_object.GetAllocator());
  CHECK(ToJson(not_object) == "[1,2]");
}

}  // namespace
}  // namespace orchd::api
