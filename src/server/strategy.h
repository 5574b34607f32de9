// Strategies: the per-kind part of the REST machinery, in the style of kube-apiserver's
// `strategy.go` files. Rest calls these hooks; everything else is generic.
//
//   PrepareForCreate  system fields the user may not set (status reset, generation)
//   PrepareForUpdate  the spec/status split: the main resource keeps the old status, the status
//                     subresource keeps everything but status; generation bumps on spec change
//   Validate          object metadata + the kind's own rules (422 with causes)
//   Allocate          per-kind allocations on create (Service cluster IPs and node ports)
//   FieldValue        the value of a selectable field (metadata.name, spec.nodeName, ...)
//
// Thread-safe: the allocator state is guarded by a mutex; the rest is stateless.
#pragma once

#include <mutex>
#include <set>
#include <string>

#include "api/field_error.h"
#include "api/json.h"
#include "common/clock.h"
#include "common/ipnet.h"
#include "server/resources.h"
#include "server/watch_cache.h"

namespace orchd::server {

class Strategies {
 public:
  Strategies(WatchCache& cache, std::string service_cidr);

  void PrepareForCreate(const Resource& r, api::JsonDoc& obj) const;
  // `subresource` is "" for the main resource or "status".
  void PrepareForUpdate(const Resource& r, std::string_view subresource, api::JsonDoc& obj,
                        const api::JsonValue& old) const;
  api::FieldErrors Validate(const Resource& r, const api::JsonValue& obj) const;
  // Allocates what the object needs (ClusterIP, NodePorts). kInvalid/kServiceUnavailable when
  // a requested value is taken or the range is full.
  Status Allocate(const Resource& r, api::JsonDoc& obj);

  // The string value of field selector label `field` on `obj` ("" when absent).
  static std::string FieldValue(const Resource& r, const api::JsonValue& obj,
                                std::string_view field);

  // The service cluster IP of the `kubernetes` service (first address of the service CIDR).
  std::string KubernetesServiceIp() const;

 private:
  WatchCache& cache_;
  std::string service_cidr_;
  std::mutex mu_;
  std::set<std::string> reserved_ips_;  // handed out, not yet visible in the cache
  std::set<int64_t> reserved_ports_;
};

}  // namespace orchd::server
