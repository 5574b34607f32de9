// Table printers of the cluster services around workloads: networking.k8s.io (ingresses,
// ingressclasses, networkpolicies), discovery.k8s.io (endpointslices), coordination.k8s.io
// (leases) and storage.k8s.io (storageclasses), after upstream
// pkg/printers/internalversion/printers.go.

#include <fmt/format.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "server/tables_internal.h"

namespace orchd::server::tables {
namespace {

using api::JsonValue;

// upstream's listWithMoreString: the list, "+ N more..." past `max`, "<unset>" when empty.
std::string ListWithMore(const std::vector<std::string>& list, size_t count, size_t max) {
  std::string out = Join(list, ",");
  if (count > max) return fmt::format("{} + {} more...", out, count - max);
  return out.empty() ? "<unset>" : out;
}

// ---- networking.k8s.io ----

// upstream's formatHosts: the first three hosts, "*" when no rule names one.
std::string FormatHosts(const JsonValue& rules) {
  constexpr size_t kMax = 3;
  std::vector<std::string> list;
  bool more = false;
  const std::span<const JsonValue> items = Items(rules);
  for (const JsonValue& rule : items) {
    if (list.size() == kMax) more = true;
    if (!more && !Str(rule, {"host"}).empty()) list.emplace_back(Str(rule, {"host"}));
  }
  if (list.empty()) return "*";
  std::string out = Join(list, ",");
  if (more) return fmt::format("{} + {} more...", out, items.size() - kMax);
  return out;
}

void IngressCells(const JsonValue& ing, Cells& cells) {
  const JsonValue& class_name = At(ing, {"spec", "ingressClassName"});
  // Load balancer ingress points (IP, else hostname), sorted and deduplicated; never clipped,
  // as the server prints wide.
  std::set<std::string> points;
  for (const JsonValue& in : Items(At(ing, {"status", "loadBalancer", "ingress"}))) {
    if (!Str(in, {"ip"}).empty()) {
      points.emplace(Str(in, {"ip"}));
    } else if (!Str(in, {"hostname"}).empty()) {
      points.emplace(Str(in, {"hostname"}));
    }
  }
  cells.Name(ing);
  cells.Str(class_name.IsString() ? api::AsView(class_name) : std::string_view("<none>"));
  cells.Str(FormatHosts(At(ing, {"spec", "rules"})));
  cells.Str(Join(std::vector<std::string>(points.begin(), points.end()), ","));
  cells.Str(Items(At(ing, {"spec", "tls"})).empty() ? "80" : "80, 443");
  cells.Age(ing);
}

void IngressClassCells(const JsonValue& obj, Cells& cells) {
  std::string parameters = "<none>";
  const JsonValue& p = At(obj, {"spec", "parameters"});
  if (p.IsObject()) {
    parameters = std::string(Str(p, {"kind"}));
    if (At(p, {"apiGroup"}).IsString()) parameters += fmt::format(".{}", Str(p, {"apiGroup"}));
    parameters += fmt::format("/{}", Str(p, {"name"}));
  }
  cells.Name(obj);
  cells.Str(Str(obj, {"spec", "controller"}));
  cells.Str(parameters);
  cells.Age(obj);
}

void NetworkPolicyCells(const JsonValue& obj, Cells& cells) {
  cells.Name(obj);
  cells.Str(FormatLabelSelector(At(obj, {"spec", "podSelector"})));
  cells.Age(obj);
}

// ---- discovery.k8s.io ----

void EndpointSliceCells(const JsonValue& obj, Cells& cells) {
  constexpr size_t kMax = 3;
  std::vector<std::string> ports;
  size_t port_count = 0;
  for (const JsonValue& p : Items(At(obj, {"ports"}))) {
    if (ports.size() < kMax) {
      if (At(p, {"port"}).IsInt64()) {
        ports.push_back(std::to_string(Int(p, {"port"})));
      } else if (At(p, {"name"}).IsString()) {
        ports.emplace_back(Str(p, {"name"}));
      } else {
        ports.emplace_back("*");
      }
    }
    ++port_count;
  }
  std::vector<std::string> addresses;
  size_t address_count = 0;
  for (const JsonValue& e : Items(At(obj, {"endpoints"}))) {
    for (const JsonValue& a : Items(At(e, {"addresses"}))) {
      if (addresses.size() < kMax) addresses.emplace_back(api::AsView(a));
      ++address_count;
    }
  }
  cells.Name(obj);
  cells.Str(Str(obj, {"addressType"}));
  cells.Str(ListWithMore(ports, port_count, kMax));
  cells.Str(ListWithMore(addresses, address_count, kMax));
  cells.Age(obj);
}

// ---- coordination.k8s.io ----

void LeaseCells(const JsonValue& obj, Cells& cells) {
  cells.Name(obj);
  cells.Str(Str(obj, {"spec", "holderIdentity"}));
  cells.Age(obj);
}

// ---- storage.k8s.io ----

void StorageClassCells(const JsonValue& sc, Cells& cells) {
  const JsonValue& annotations = At(sc, {"metadata", "annotations"});
  const bool is_default =
      Str(annotations, {"storageclass.kubernetes.io/is-default-class"}) == "true" ||
      Str(annotations, {"storageclass.beta.kubernetes.io/is-default-class"}) == "true";
  std::string name(Str(sc, {"metadata", "name"}));
  if (is_default) name += " (default)";
  std::string_view reclaim = Str(sc, {"reclaimPolicy"});
  if (reclaim.empty()) reclaim = "Delete";
  std::string_view binding = Str(sc, {"volumeBindingMode"});
  if (binding.empty()) binding = "Immediate";
  const JsonValue& expansion = At(sc, {"allowVolumeExpansion"});
  cells.Str(name);
  cells.Str(Str(sc, {"provisioner"}));
  cells.Str(reclaim);
  cells.Str(binding);
  cells.Bool(expansion.IsBool() && expansion.GetBool());
  cells.Age(sc);
}

}  // namespace

void AddServicePrinters(std::vector<Printer>& out) {
  out.push_back(
      {"networking.k8s.io",
       "ingresses",
       {NameColumn(),
        Column("Class", "string",
               "The name of the IngressClass resource that should be used for additional "
               "configuration"),
        Column("Hosts", "string",
               "Hosts that incoming requests are matched against before the ingress rule"),
        Column("Address", "string",
               "Address is a list containing ingress points for the load-balancer"),
        Column("Ports", "string", "Ports of TLS configurations that open"), AgeColumn()},
       &IngressCells});
  out.push_back(
      {"networking.k8s.io",
       "ingressclasses",
       {NameColumn(),
        Column("Controller", "string", "Controller that is responsible for handling this class"),
        Column("Parameters", "string", "A reference to a resource with additional parameters"),
        AgeColumn()},
       &IngressClassCells});
  out.push_back({"networking.k8s.io",
                 "networkpolicies",
                 {NameColumn(),
                  Column("Pod-Selector", "string",
                         "Selects the pods to which this NetworkPolicy object applies."),
                  AgeColumn()},
                 &NetworkPolicyCells});
  out.push_back(
      {"discovery.k8s.io",
       "endpointslices",
       {NameColumn(),
        Column("AddressType", "string",
               "addressType specifies the type of address carried by this EndpointSlice."),
        Column("Ports", "string",
               "ports specifies the list of network ports exposed by each endpoint in this "
               "slice."),
        Column("Endpoints", "string", "endpoints is a list of unique endpoints in this slice."),
        AgeColumn()},
       &EndpointSliceCells});
  out.push_back({"coordination.k8s.io",
                 "leases",
                 {NameColumn(),
                  Column("Holder", "string",
                         "holderIdentity contains the identity of the holder of a current lease."),
                  AgeColumn()},
                 &LeaseCells});
  out.push_back(
      {"storage.k8s.io",
       "storageclasses",
       {NameColumn(),
        Column("Provisioner", "string", "provisioner indicates the type of the provisioner."),
        Column("ReclaimPolicy", "string",
               "reclaimPolicy controls the reclaimPolicy for dynamically provisioned "
               "PersistentVolumes of this storage class. Defaults to Delete."),
        Column("VolumeBindingMode", "string",
               "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and "
               "bound.  When unset, VolumeBindingImmediate is used."),
        Column("AllowVolumeExpansion", "string",
               "allowVolumeExpansion shows whether the storage class allow volume expand."),
        AgeColumn()},
       &StorageClassCells});
}

}  // namespace orchd::server::tables
