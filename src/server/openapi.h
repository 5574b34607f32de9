// OpenAPI v3 documents: /openapi/v3 (the index) and one document per group-version.
//
// For now each document lists, per resource, the PATCH operation with its
// x-kubernetes-group-version-kind and the fieldValidation/dryRun/fieldManager/force parameters:
// what kubectl needs to know that the server validates fields itself (so `create -f` and
// `apply -f` work with their default --validate=strict). Strategic merge patch is not advertised
// (kubectl then uses its compiled-in patch metadata). Full schemas come with the type schema.
//
// Immutable after construction; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "server/http_server.h"
#include "server/resources.h"

namespace orchd::server {

class OpenApi {
 public:
  explicit OpenApi(const ResourceTable& table);
  // Fills `out` for /openapi/v3 and /openapi/v3/<gv>; false when the path is not served.
  // `if_none_match` is the request's If-None-Match (a 304 when it names the current hash).
  bool Serve(std::string_view path, std::string_view if_none_match, HttpResponse* out) const;

 private:
  std::string index_;
  struct Doc {
    std::string body;
    std::string hash;
  };
  std::map<std::string, Doc, std::less<>> docs_;  // "api/v1", "apis/apps/v1"
};

}  // namespace orchd::server
