// RequestInfo: what an API request is about, parsed from its method and URL the way
// k8s.io/apiserver's RequestInfoFactory does (verb, API group and version, namespace, resource,
// name, subresource), plus the query parameters and content negotiation the handlers need.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace orchd::server {

struct Query {
  std::multimap<std::string, std::string, std::less<>> params;  // decoded
  // The first value of `name`, or nullopt.
  std::optional<std::string_view> Get(std::string_view name) const;
  std::string_view GetOr(std::string_view name, std::string_view fallback) const;
  bool Has(std::string_view name) const { return params.contains(name); }
  // "true"/"1" -> true; absent/"false"/"0" -> false.
  bool Flag(std::string_view name) const;
};

// Parses "a=b&c=d" (percent-decoded, '+' is a space as in Go's url.ParseQuery). kBadRequest on a
// malformed escape.
Result<Query> ParseQuery(std::string_view raw);

struct RequestInfo {
  std::string path;  // decoded path, without the query
  Query query;
  bool is_resource = false;  // /api/v1/... or /apis/g/v/... with a resource
  std::string api_prefix;    // "api" or "apis" (resource and discovery requests)
  std::string group;         // "" for core
  std::string version;
  std::string ns;
  std::string resource;  // plural
  std::string name;
  std::string subresource;
  // Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection.
  std::string verb;
  std::vector<std::string_view> parts;  // path segments (views into `path`)
};

// Parses method + target. Non-resource paths (/version, /api, /apis/apps, /openapi/v3, ...) get
// is_resource == false with api_prefix/group/version filled when they are discovery paths.
Result<RequestInfo> ParseRequestInfo(std::string_view method, std::string_view target);

// How to encode a response, from the Accept header.
enum class OutputFormat { kJson, kYaml, kTable, kProtobufOnly };
struct Negotiated {
  OutputFormat format = OutputFormat::kJson;
  std::string table_version;  // "v1" or "v1beta1" for kTable
};
Negotiated NegotiateOutput(std::string_view accept);

// True when `accept` asks for aggregated discovery (apidiscovery.k8s.io v2 or v2beta1).
std::optional<std::string> WantsAggregatedDiscovery(std::string_view accept);

// Parses a Go duration ("32s", "1m30s", "500ms"); nullopt when malformed.
std::optional<std::chrono::milliseconds> ParseGoDuration(std::string_view s);

}  // namespace orchd::server
