#include "server/strategy.h"

#include "api/kind_validation.h"
#include "api/validation.h"
#include "common/log.h"

namespace orchd::server {

namespace {

constexpr int64_t kNodePortMin = 30000;
constexpr int64_t kNodePortMax = 32767;

api::NameRule ApiNameRule(NameRule r) {
  switch (r) {
    case NameRule::kDnsLabel:
      return api::NameRule::kDnsLabel;
    case NameRule::kPathSegment:
      return api::NameRule::kPath;
    case NameRule::kDnsSubdomain:
      break;
  }
  return api::NameRule::kDnsSubdomain;
}

// Everything but metadata and status: what counts as "spec" for generation.
bool SpecEqual(const api::JsonValue& a, const api::JsonValue& b) {
  auto count = [](const api::JsonValue& v) {
    size_t n = 0;
    if (!v.IsObject()) return n;
    for (const auto& m : v.GetObject()) {
      std::string_view k = api::AsView(m.name);
      if (k != "metadata" && k != "status" && k != "apiVersion" && k != "kind") ++n;
    }
    return n;
  };
  if (count(a) != count(b)) return false;
  for (const auto& m : a.GetObject()) {
    std::string_view k = api::AsView(m.name);
    if (k == "metadata" || k == "status" || k == "apiVersion" || k == "kind") continue;
    const api::JsonValue* o = api::Member(b, k);
    if (o == nullptr || !api::JsonEqual(m.value, *o)) return false;
  }
  return true;
}

}  // namespace

Strategies::Strategies(WatchCache& cache, std::string service_cidr)
    : cache_(cache), service_cidr_(std::move(service_cidr)) {}

void Strategies::PrepareForCreate(const Resource& r, api::JsonDoc& obj) const {
  auto& a = obj.GetAllocator();
  api::JsonValue& meta = api::EnsureObject(obj, "metadata", a);
  if (r.tracks_generation) api::SetInt(meta, "generation", 1, a);
  if (r.kind == "Pod" && r.group.empty()) {
    api::JsonValue status(rapidjson::kObjectType);
    api::SetString(status, "phase", "Pending", a);
    api::SetString(status, "qosClass", "BestEffort", a);
    api::SetMember(obj, "status", std::move(status), a);
  } else if (r.kind == "Namespace" && r.group.empty()) {
    api::JsonValue status(rapidjson::kObjectType);
    api::SetString(status, "phase", "Active", a);
    api::SetMember(obj, "status", std::move(status), a);
  } else if (r.kind == "Service" && r.group.empty()) {
    api::JsonValue status(rapidjson::kObjectType);
    api::EnsureObject(status, "loadBalancer", a);
    api::SetMember(obj, "status", std::move(status), a);
  } else if (r.has_status && r.kind != "Node" && r.kind != "PersistentVolume" &&
             r.kind != "PersistentVolumeClaim") {
    // Workload status is the controllers' to write.
    api::SetMember(obj, "status", api::JsonValue(rapidjson::kObjectType), a);
  }
}

void Strategies::PrepareForUpdate(const Resource& r, std::string_view subresource,
                                  api::JsonDoc& obj, const api::JsonValue& old) const {
  auto& a = obj.GetAllocator();
  if (subresource == "status") {
    // Only status changes: start from the old object and take the new status.
    api::JsonValue status(rapidjson::kNullType);
    if (api::JsonValue* s = api::Member(obj, "status")) status.CopyFrom(*s, a);
    api::JsonValue meta(rapidjson::kObjectType);
    if (api::JsonValue* m = api::Member(obj, "metadata")) meta.CopyFrom(*m, a);
    obj.CopyFrom(old, a);
    if (!status.IsNull()) {
      api::SetMember(obj, "status", std::move(status), a);
    } else {
      api::RemoveMember(obj, "status");
    }
    return;
  }
  if (r.has_status) {
    if (const api::JsonValue* s = api::Member(old, "status")) {
      api::JsonValue copy;
      copy.CopyFrom(*s, a);
      api::SetMember(obj, "status", std::move(copy), a);
    } else {
      api::RemoveMember(obj, "status");
    }
  }
  if (r.tracks_generation) {
    int64_t gen = api::IntAt(old, {"metadata", "generation"}).value_or(1);
    if (!SpecEqual(obj, old)) ++gen;
    api::SetInt(api::EnsureObject(obj, "metadata", a), "generation", gen, a);
  }
}

api::FieldErrors Strategies::Validate(const Resource& r, const api::JsonValue& obj) const {
  api::FieldErrors errs;
  static const api::JsonValue kEmpty(rapidjson::kObjectType);
  const api::JsonValue* meta = api::Member(obj, "metadata");
  errs = api::ValidateObjectMeta(meta != nullptr ? *meta : kEmpty, r.namespaced(),
                                 ApiNameRule(r.name_rule));
  api::FieldErrors kind = api::ValidateKind(r.group, r.kind, obj);
  errs.insert(errs.end(), kind.begin(), kind.end());
  return errs;
}

std::string Strategies::KubernetesServiceIp() const {
  auto net = ParseCidr(service_cidr_);
  if (!net || net->address.v6) return "10.43.0.1";
  IpAddress ip = net->address;
  ip.bytes[3] = static_cast<uint8_t>(ip.bytes[3] + 1);
  return ip.ToString();
}

Status Strategies::Allocate(const Resource& r, api::JsonDoc& obj) {
  if (!(r.group.empty() && r.kind == "Service")) return Status::Ok();
  auto& a = obj.GetAllocator();
  api::JsonValue& spec = api::EnsureObject(obj, "spec", a);
  std::string_view type = api::GetString(spec, "type", "ClusterIP");
  if (type == "ExternalName") return Status::Ok();

  // What is in use: every service in the cache plus what was handed out and not yet stored.
  std::set<std::string> used_ips;
  std::set<int64_t> used_ports;
  for (const auto& o : cache_.List(r.KeyPrefix(), nullptr)) {
    auto doc = api::ParseJson(o->json);
    if (!doc) continue;
    std::string_view ip = api::StringAt(*doc, {"spec", "clusterIP"});
    if (!ip.empty()) used_ips.emplace(ip);
    if (const api::JsonValue* ports = api::Path(*doc, {"spec", "ports"});
        ports && ports->IsArray()) {
      for (const auto& p : ports->GetArray()) {
        if (int64_t np = api::GetInt(p, "nodePort"); np > 0) used_ports.insert(np);
      }
    }
  }
  std::lock_guard lock(mu_);
  used_ips.insert(reserved_ips_.begin(), reserved_ips_.end());
  used_ports.insert(reserved_ports_.begin(), reserved_ports_.end());

  std::string_view requested = api::GetString(spec, "clusterIP");
  if (requested.empty()) {
    auto net = ParseCidr(service_cidr_);
    if (!net || net->address.v6) {
      return Error(Code::kInternalError, "service CIDR {} is not IPv4", service_cidr_);
    }
    uint32_t base = (uint32_t{net->address.bytes[0]} << 24) |
                    (uint32_t{net->address.bytes[1]} << 16) |
                    (uint32_t{net->address.bytes[2]} << 8) | net->address.bytes[3];
    uint32_t size = net->prefix_len >= 32 ? 1 : (1u << (32 - net->prefix_len));
    std::string chosen;
    // Upstream hands out addresses at random; sequential from .10 keeps the first ones (the
    // kubernetes service .1, cluster DNS .10) for the well-known services.
    for (uint32_t i = 1; i + 1 < size; ++i) {
      uint32_t v = base + i;
      IpAddress ip;
      ip.bytes[0] = static_cast<uint8_t>(v >> 24);
      ip.bytes[1] = static_cast<uint8_t>(v >> 16);
      ip.bytes[2] = static_cast<uint8_t>(v >> 8);
      ip.bytes[3] = static_cast<uint8_t>(v);
      std::string s = ip.ToString();
      if (i < 11 && api::StringAt(obj, {"metadata", "name"}) != "kubernetes") continue;
      if (!used_ips.contains(s)) {
        chosen = s;
        break;
      }
    }
    if (chosen.empty()) {
      return Error(Code::kInternalError, "failed to allocate a serviceIP: range is full");
    }
    api::SetString(spec, "clusterIP", chosen, a);
    api::JsonValue ips(rapidjson::kArrayType);
    ips.PushBack(api::StringValue(chosen, a), a);
    api::SetMember(spec, "clusterIPs", std::move(ips), a);
    reserved_ips_.insert(chosen);
  } else if (requested != "None") {
    std::string req(requested);
    if (used_ips.contains(req)) {
      return Error(Code::kInvalid,
                   "spec.clusterIPs: Invalid value: []string{{\"{}\"}}: failed to "
                   "allocate IP {}: provided IP is already allocated",
                   req, req);
    }
    if (!api::Member(spec, "clusterIPs")) {
      api::JsonValue ips(rapidjson::kArrayType);
      ips.PushBack(api::StringValue(req, a), a);
      api::SetMember(spec, "clusterIPs", std::move(ips), a);
    }
    reserved_ips_.insert(req);
  } else if (!api::Member(spec, "clusterIPs")) {
    api::JsonValue ips(rapidjson::kArrayType);
    ips.PushBack(api::StringValue("None", a), a);
    api::SetMember(spec, "clusterIPs", std::move(ips), a);
  }
  if (!api::Member(spec, "ipFamilies")) {
    api::JsonValue fam(rapidjson::kArrayType);
    fam.PushBack("IPv4", a);
    api::SetMember(spec, "ipFamilies", std::move(fam), a);
  }
  if (type == "NodePort" || type == "LoadBalancer") {
    api::JsonValue* ports = api::Member(spec, "ports");
    if (ports != nullptr && ports->IsArray()) {
      int64_t next = kNodePortMin;
      for (auto& p : ports->GetArray()) {
        int64_t np = api::GetInt(p, "nodePort");
        if (np > 0) {
          if (np < kNodePortMin || np > kNodePortMax) {
            return Error(Code::kInvalid,
                         "spec.ports[].nodePort: Invalid value: {}: provided port is not in the "
                         "valid range. The range of valid ports is {}-{}",
                         np, kNodePortMin, kNodePortMax);
          }
          if (used_ports.contains(np)) {
            return Error(Code::kInvalid,
                         "spec.ports[].nodePort: Invalid value: {}: provided port is already "
                         "allocated",
                         np);
          }
          used_ports.insert(np);
          reserved_ports_.insert(np);
          continue;
        }
        while (next <= kNodePortMax && used_ports.contains(next)) ++next;
        if (next > kNodePortMax) {
          return Error(Code::kInternalError, "failed to allocate a nodePort: range is full");
        }
        api::SetInt(p, "nodePort", next, a);
        used_ports.insert(next);
        reserved_ports_.insert(next);
      }
    }
  }
  // Reservations are dropped once the cache has seen enough writes; keep the sets bounded.
  if (reserved_ips_.size() > 4096) reserved_ips_.clear();
  if (reserved_ports_.size() > 4096) reserved_ports_.clear();
  return Status::Ok();
}

std::string Strategies::FieldValue(const Resource& r, const api::JsonValue& obj,
                                   std::string_view field) {
  if (r.group.empty() && r.kind == "Event" && field == "source") {
    return std::string(api::StringAt(obj, {"source", "component"}));
  }
  if (field == "status.podIPs") return std::string(api::StringAt(obj, {"status", "podIP"}));
  const api::JsonValue* cur = &obj;
  std::string_view rest = field;
  while (!rest.empty() && cur != nullptr) {
    size_t dot = rest.find('.');
    cur = api::Member(*cur, rest.substr(0, dot));
    rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
  }
  if (cur == nullptr) {
    // Booleans that default to false select as "false" (spec.unschedulable, spec.hostNetwork).
    if (field == "spec.unschedulable" || field == "spec.hostNetwork") return "false";
    return {};
  }
  if (cur->IsString()) return std::string(api::AsView(*cur));
  if (cur->IsBool()) return cur->GetBool() ? "true" : "false";
  if (cur->IsInt64()) return std::to_string(cur->GetInt64());
  return {};
}

}  // namespace orchd::server
