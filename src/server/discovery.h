// Discovery documents, generated once from the resource table: legacy (/api, /apis,
// /apis/<g>, /api/v1, /apis/<g>/<v>) and aggregated (apidiscovery.k8s.io v2 and v2beta1).
// Thread-safe (immutable after construction).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "server/resources.h"

namespace orchd::server {

class Discovery {
 public:
  // `server_address` ("host:port") goes into APIVersions.serverAddressByClientCIDRs.
  Discovery(const ResourceTable& table, const std::string& server_address);

  const std::string& ApiVersions() const { return api_versions_; }     // GET /api
  const std::string& ApiGroupList() const { return api_group_list_; }  // GET /apis
  const std::string* ApiGroup(const std::string& group) const;         // GET /apis/<g>
  // GET /api/v1 or /apis/<g>/<v>; nullptr when not served.
  const std::string* ResourceList(const std::string& group, const std::string& version) const;
  // Aggregated: core (for /api) or the named groups (for /apis), in version "v2" or "v2beta1".
  std::string Aggregated(bool core, const std::string& version) const;

 private:
  const ResourceTable& table_;
  std::string api_versions_;
  std::string api_group_list_;
  std::map<std::string, std::string> groups_;
  std::map<std::string, std::string> resource_lists_;  // "group/version"
};

}  // namespace orchd::server
