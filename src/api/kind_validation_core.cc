#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/kind_validation_internal.h"
#include "api/labels.h"
#include "api/validation.h"
#include "common/base64.h"
#include "common/ipnet.h"

// Core kinds: Pod, PodTemplate, ReplicationController, Service, ConfigMap, Secret (upstream's
// pkg/apis/core/validation).

namespace orchd::api::kind_validation_internal {

namespace {

// Upstream core.MaxSecretSize, also the limit of a ConfigMap.
constexpr int64_t kMaxDataSize = int64_t{1024} * 1024;

// IsConfigMapKey: [-._a-zA-Z0-9]+ of at most 253, not ".", ".." or "..*".
std::vector<std::string> ConfigKeyErrors(std::string_view key) {
  std::vector<std::string> errs;
  if (key.size() > kDns1123SubdomainMaxLength) {
    errs.emplace_back("must be no more than 253 characters");
  }
  bool charset = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
  });
  if (!charset) {
    errs.emplace_back(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
        "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
        "'[-._a-zA-Z0-9]+')");
  }
  if (key == ".") {
    errs.emplace_back("must not be '.'");
  } else if (key == "..") {
    errs.emplace_back("must not be '..'");
  } else if (key.starts_with("..")) {
    errs.emplace_back("must not start with '..'");
  }
  return errs;
}

}  // namespace

// ---- Pods -----------------------------------------------------------------------------------

void ValidatePod(const JsonValue& pod, FieldErrors& errs) {
  const JsonValue& spec = ObjectAt(pod, "spec");
  ValidatePodSpec(spec, "spec", SpecOwner::kPod, errs);
  // validateContainersOnlyForPod.
  for (std::string_view list : {"containers", "initContainers"}) {
    ForEachObject(spec, list, [&](size_t i, const JsonValue& c) {
      std::string_view image = GetString(c, "image");
      bool padded = !image.empty() && (std::isspace(static_cast<unsigned char>(image.front())) ||
                                       std::isspace(static_cast<unsigned char>(image.back())));
      if (padded) {
        errs.push_back(FieldInvalid(Child(Index(Child("spec", list), i), "image"), image,
                                    "must not have leading or trailing whitespace"));
      }
    });
  }
}

void ValidatePodTemplate(const JsonValue& obj, FieldErrors& errs) {
  ValidatePodTemplateSpec(ObjectAt(obj, "template"), "template", errs);
}

void ValidateReplicationController(const JsonValue& obj, FieldErrors& errs) {
  const JsonValue& spec = ObjectAt(obj, "spec");
  NonNegative(errs, spec, "minReadySeconds", "spec");
  const JsonValue& selector_map = ObjectAt(spec, "selector");
  Labels set;
  for (const auto& m : selector_map.GetObject()) {
    if (m.value.IsString()) set.insert_or_assign(std::string(AsView(m.name)), AsView(m.value));
  }
  if (set.empty()) errs.push_back(FieldRequired("spec.selector", ""));
  NonNegative(errs, spec, "replicas", "spec");
  const JsonValue* tmpl = Member(spec, "template");
  if (tmpl == nullptr || !tmpl->IsObject()) {
    errs.push_back(FieldRequired("spec.template", ""));
    return;
  }
  LabelSelector selector = LabelSelector::FromSet(set);
  ValidateLongRunningTemplate(*tmpl, &selector, "ReplicationController", "spec.template", errs);
}

// ---- Services -------------------------------------------------------------------------------

namespace {

bool ServiceHeadless(const JsonValue& spec) {
  const JsonValue* ips = ArrayAt(spec, "clusterIPs");
  if (ips != nullptr && !ips->Empty()) return ips->Size() == 1 && AsView((*ips)[0]) == "None";
  return GetString(spec, "clusterIP") == "None";
}

// spec.clusterIPs as upstream validates them: the v1 strategy first copies clusterIP into an
// empty clusterIPs.
std::vector<std::string_view> ServiceClusterIps(const JsonValue& spec) {
  std::vector<std::string_view> out;
  if (const JsonValue* ips = ArrayAt(spec, "clusterIPs"); ips != nullptr && !ips->Empty()) {
    for (const JsonValue& ip : ips->GetArray()) out.push_back(AsView(ip));
  } else if (std::string_view ip = GetString(spec, "clusterIP"); !ip.empty()) {
    out.push_back(ip);
  }
  return out;
}

void ValidateServicePort(const JsonValue& p, bool require_name, Names& names, const std::string& at,
                         FieldErrors& errs) {
  std::string_view name = GetString(p, "name");
  if (require_name && name.empty()) {
    errs.push_back(FieldRequired(Child(at, "name"), ""));
  } else if (!name.empty()) {
    Dns1123Label(errs, name, Child(at, "name"));
    if (!names.emplace(name).second) errs.push_back(FieldDuplicate(Child(at, "name"), name));
  }
  int64_t port = GetInt(p, "port");
  for (const std::string& msg : PortNumErrors(port)) {
    errs.push_back(FieldInvalidRendered(Child(at, "port"), std::to_string(port), msg));
  }
  Enum(errs, GetString(p, "protocol"), Child(at, "protocol"), {"SCTP", "TCP", "UDP"});
  if (const JsonValue* target = Member(p, "targetPort"); target != nullptr && target->IsString()) {
    for (const std::string& msg : PortNameErrors(AsView(*target))) {
      errs.push_back(FieldInvalid(Child(at, "targetPort"), AsView(*target), msg));
    }
  } else {
    int64_t n = target != nullptr && target->IsInt64() ? target->GetInt64() : 0;
    for (const std::string& msg : PortNumErrors(n)) {
      errs.push_back(FieldInvalidRendered(Child(at, "targetPort"), std::to_string(n), msg));
    }
  }
}

// The key upstream uses to find duplicate ports, as %#v prints it.
std::string GoServicePortKey(std::string_view protocol, int64_t port) {
  return fmt::format(
      "core.ServicePort{{Name:\"\", Protocol:{}, AppProtocol:(*string)(nil), Port:{}, "
      "TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}",
      GoQuote(protocol), port);
}

}  // namespace

void ValidateService(const JsonValue& obj, FieldErrors& errs) {
  const JsonValue& spec = ObjectAt(obj, "spec");
  std::string_view type = GetString(spec, "type");
  bool headless = ServiceHeadless(spec);
  std::vector<std::string_view> cluster_ips = ServiceClusterIps(spec);
  size_t port_count = ArraySize(spec, "ports");
  if (port_count == 0 && !headless && type != "ExternalName") {
    errs.push_back(FieldRequired("spec.ports", ""));
  }
  if ((type == "LoadBalancer" || type == "NodePort") && headless) {
    errs.push_back(FieldInvalid("spec.clusterIPs[0]", "None",
                                fmt::format("may not be set to 'None' for {} services", type)));
  }
  if (type == "ExternalName") {
    if (!cluster_ips.empty()) {
      errs.push_back(FieldForbidden("spec.clusterIPs", "may not be set for ExternalName services"));
    }
    if (ArraySize(spec, "ipFamilies") > 0) {
      errs.push_back(FieldForbidden("spec.ipFamilies", "may not be set for ExternalName services"));
    }
    if (Present(spec, "ipFamilyPolicy")) {
      errs.push_back(
          FieldForbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"));
    }
    std::string_view cname = GetString(spec, "externalName");
    if (cname.ends_with('.')) cname.remove_suffix(1);
    if (cname.empty()) {
      errs.push_back(FieldRequired("spec.externalName", ""));
    } else {
      for (const std::string& msg : IsDNS1123Subdomain(cname)) {
        errs.push_back(FieldInvalid("spec.externalName", cname, msg));
      }
    }
  }
  Names names;
  ForEachObject(spec, "ports", [&](size_t i, const JsonValue& p) {
    ValidateServicePort(p, port_count > 1, names, Index("spec.ports", i), errs);
  });
  if (const JsonValue* selector = Member(spec, "selector")) {
    Append(errs, ValidateLabels(*selector, "spec.selector"));
  }
  std::string_view affinity = GetString(spec, "sessionAffinity");
  Enum(errs, affinity, "spec.sessionAffinity", {"ClientIP", "None"});
  if (affinity == "ClientIP") {
    auto timeout = IntAt(spec, {"sessionAffinityConfig", "clientIP", "timeoutSeconds"});
    constexpr int64_t kMaxTimeout = 86400;
    if (!timeout) {
      errs.push_back(FieldRequired("spec.sessionAffinityConfig.clientIP.timeoutSeconds", ""));
    } else if (*timeout <= 0 || *timeout > kMaxTimeout) {
      errs.push_back(FieldInvalidRendered("spec.sessionAffinityConfig.clientIP.timeoutSeconds",
                                          std::to_string(*timeout),
                                          "must be greater than 0 and less than 86400"));
    }
  } else if (affinity == "None" && Present(spec, "sessionAffinityConfig")) {
    errs.push_back(FieldForbidden("spec.sessionAffinityConfig",
                                  "must not be set when session affinity is None"));
  }
  if (type != "ExternalName") {
    for (size_t i = 0; i < cluster_ips.size(); ++i) {
      std::string at = Index("spec.clusterIPs", i);
      if (i == 0 && cluster_ips[0] == "None") {
        if (cluster_ips.size() > 1) {
          errs.push_back(FieldInvalidRendered(
              "spec.clusterIPs",
              GoStringSlice(std::vector<std::string>(cluster_ips.begin(), cluster_ips.end()),
                            false),
              "'None' must be the first and only value"));
        }
        continue;
      }
      if (!ParseIp(cluster_ips[i])) {
        errs.push_back(FieldInvalid(
            at, cluster_ips[i], "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
      }
    }
    if (Present(spec, "ipFamilyPolicy")) {
      std::string_view policy = GetString(spec, "ipFamilyPolicy");
      if (!OneOf(policy, {"SingleStack", "PreferDualStack", "RequireDualStack"})) {
        errs.push_back(FieldNotSupported("spec.ipFamilyPolicy", policy,
                                         {"PreferDualStack", "RequireDualStack", "SingleStack"}));
      }
    }
  }
  if (const JsonValue* ips = ArrayAt(spec, "externalIPs")) {
    for (rapidjson::SizeType i = 0; i < ips->Size(); ++i) {
      std::string_view ip = AsView((*ips)[i]);
      if (!ParseIp(ip)) {
        errs.push_back(
            FieldInvalid(Index("spec.externalIPs", i), ip,
                         "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
      }
    }
  }
  Enum(errs, type, "spec.type", {"ClusterIP", "ExternalName", "LoadBalancer", "NodePort"});
  if (type == "ClusterIP") {
    ForEachObject(spec, "ports", [&](size_t i, const JsonValue& p) {
      if (GetInt(p, "nodePort") != 0) {
        errs.push_back(FieldForbidden(Child(Index("spec.ports", i), "nodePort"),
                                      "may not be used when `type` is 'ClusterIP'"));
      }
    });
  }
  std::set<std::pair<std::string, int64_t>> node_ports;
  std::set<std::pair<std::string, int64_t>> ports;
  ForEachObject(spec, "ports", [&](size_t i, const JsonValue& p) {
    std::string protocol(GetString(p, "protocol"));
    if (int64_t node_port = GetInt(p, "nodePort"); node_port != 0) {
      if (!node_ports.emplace(protocol, node_port).second) {
        errs.push_back(FieldDuplicateRendered(Child(Index("spec.ports", i), "nodePort"),
                                              std::to_string(node_port)));
      }
    }
    int64_t port = GetInt(p, "port");
    if (!ports.emplace(protocol, port).second) {
      errs.push_back(
          FieldDuplicateRendered(Index("spec.ports", i), GoServicePortKey(protocol, port)));
    }
  });
  bool external = type == "LoadBalancer" || type == "NodePort" ||
                  (type == "ClusterIP" && ArraySize(spec, "externalIPs") > 0);
  if (external || Present(spec, "externalTrafficPolicy")) {
    std::string_view policy = GetString(spec, "externalTrafficPolicy");
    if (external) {
      Enum(errs, policy, "spec.externalTrafficPolicy", {"Cluster", "Local"});
    } else {
      errs.push_back(FieldInvalid("spec.externalTrafficPolicy", policy,
                                  "may only be set for externally-accessible services"));
    }
  }
  if (Present(spec, "internalTrafficPolicy")) {
    std::string_view policy = GetString(spec, "internalTrafficPolicy");
    if (!OneOf(policy, {"Cluster", "Local"})) {
      errs.push_back(FieldNotSupported("spec.internalTrafficPolicy", policy, {"Cluster", "Local"}));
    }
  }
}

// ---- ConfigMaps and Secrets -----------------------------------------------------------------

namespace {

// The size of a base64 value once decoded (the wire form of []byte).
int64_t DecodedSize(std::string_view b64) {
  if (auto decoded = Base64Decode(b64)) return static_cast<int64_t>(decoded->size());
  return static_cast<int64_t>(b64.size() * 3 / 4);
}

}  // namespace

void ValidateConfigMap(const JsonValue& obj, FieldErrors& errs) {
  int64_t total = 0;
  const JsonValue& data = ObjectAt(obj, "data");
  const JsonValue& binary = ObjectAt(obj, "binaryData");
  for (const auto& m : data.GetObject()) {
    std::string_view key = AsView(m.name);
    std::string path = fmt::format("data[{}]", key);
    for (const std::string& msg : ConfigKeyErrors(key)) {
      errs.push_back(FieldInvalid(path, key, msg));
    }
    if (Member(binary, key) != nullptr) {
      errs.push_back(FieldInvalid(path, key, "duplicate of key present in binaryData"));
    }
    total += static_cast<int64_t>(AsView(m.value).size());
  }
  for (const auto& m : binary.GetObject()) {
    std::string_view key = AsView(m.name);
    for (const std::string& msg : ConfigKeyErrors(key)) {
      errs.push_back(FieldInvalid(fmt::format("binaryData[{}]", key), key, msg));
    }
    total += DecodedSize(AsView(m.value));
  }
  if (total > kMaxDataSize) errs.push_back(FieldTooLong("", kMaxDataSize));
}

void ValidateSecret(const JsonValue& obj, FieldErrors& errs) {
  // stringData is merged into data (overriding it) before upstream validates a v1 Secret.
  std::map<std::string, int64_t, std::less<>> entries;
  std::vector<std::string> order;
  auto add = [&](std::string_view key, int64_t size) {
    auto [it, inserted] = entries.insert_or_assign(std::string(key), size);
    if (inserted) order.push_back(it->first);
  };
  for (const auto& m : ObjectAt(obj, "data").GetObject()) {
    add(AsView(m.name), DecodedSize(AsView(m.value)));
  }
  for (const auto& m : ObjectAt(obj, "stringData").GetObject()) {
    add(AsView(m.name), static_cast<int64_t>(AsView(m.value).size()));
  }
  int64_t total = 0;
  for (const std::string& key : order) {
    for (const std::string& msg : ConfigKeyErrors(key)) {
      errs.push_back(FieldInvalid(fmt::format("data[{}]", key), key, msg));
    }
    total += entries.find(key)->second;
  }
  if (total > kMaxDataSize) errs.push_back(FieldTooLong("data", kMaxDataSize));

  std::string_view type = GetString(obj, "type");
  auto has = [&](std::string_view key) { return entries.contains(key); };
  if (type == "kubernetes.io/service-account-token") {
    if (StringAt(obj, {"metadata", "annotations", "kubernetes.io/service-account.name"}).empty()) {
      errs.push_back(FieldRequired("metadata.annotations[kubernetes.io/service-account.name]", ""));
    }
  } else if (type == "kubernetes.io/dockercfg") {
    if (!has(".dockercfg")) errs.push_back(FieldRequired("data[.dockercfg]", ""));
  } else if (type == "kubernetes.io/dockerconfigjson") {
    if (!has(".dockerconfigjson")) errs.push_back(FieldRequired("data[.dockerconfigjson]", ""));
  } else if (type == "kubernetes.io/basic-auth") {
    if (!has("username") && !has("password")) {
      // Upstream's path really is "data[%s][username]".
      errs.push_back(FieldRequired("data[%s][username]", ""));
      errs.push_back(FieldRequired("data[%s][password]", ""));
    }
  } else if (type == "kubernetes.io/ssh-auth") {
    if (auto it = entries.find("ssh-privatekey"); it == entries.end() || it->second == 0) {
      errs.push_back(FieldRequired("data[%s][ssh-privatekey]", ""));
    }
  } else if (type == "kubernetes.io/tls") {
    if (!has("tls.crt")) errs.push_back(FieldRequired("data[tls.crt]", ""));
    if (!has("tls.key")) errs.push_back(FieldRequired("data[tls.key]", ""));
  }
}

}  // namespace orchd::api::kind_validation_internal
