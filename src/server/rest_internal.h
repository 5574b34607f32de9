// Helpers shared by the REST implementation files (rest.cc, rest_write.cc, rest_watch.cc).
// Not part of the server's interface.
#pragma once

#include <memory>
#include <string>

#include "api/fields.h"
#include "api/json.h"
#include "api/labels.h"
#include "server/rest.h"

namespace orchd::server {

struct Rest::Filter {
  const Resource* resource = nullptr;
  std::string ns;
  api::LabelSelector labels;
  api::FieldSelector fields;

  bool Matches(const CachedObject& o) const {
    if (!ns.empty() && o.ns != ns) return false;
    if (!labels.Empty() && !labels.Matches(o.labels)) return false;
    if (fields.Empty()) return true;
    return fields.Matches([&o](std::string_view f) -> std::optional<std::string> {
      if (f == "metadata.name") return o.name;
      if (f == "metadata.namespace") return o.ns;
      for (const auto& [k, v] : o.fields) {
        if (k == f) return v;
      }
      return std::nullopt;
    });
  }
};

// One update in flight: how to produce the next object from the current one, and where to
// answer. Retried on conflicts the user did not ask for.
struct Rest::Mutation {
  Target t;
  Query q;
  // Produces the next object from the current one (a private copy it may modify).
  std::function<Result<api::JsonDoc>(api::JsonDoc current)> transform;
  int attempts = 0;
  OutcomeFn done;
};

std::string RandomSuffix(size_t n);
std::string NewUid();
// Serialises `doc` with metadata.resourceVersion set to `rev` (removed when rev is 0).
std::string ObjectJson(api::JsonDoc& doc, store::Revision rev);
Status NotFound(const Resource& r, std::string_view name);
Status ConflictModified(const Resource& r, std::string_view name);
CacheDecoder MakeCacheDecoder(const ResourceTable& table);
Result<std::shared_ptr<Rest::Filter>> MakeFilter(const Target& t, const Query& q);
std::string ListPrefix(const Target& t);
// A meta.k8s.io Table (v1 or v1beta1) for `items` of `r`, with the row objects as
// `include_object` asks (None, Metadata, Object); defined in api_server.cc, also used by watches.
std::string TableJson(const Resource& r, const std::vector<CachedObjectPtr>& items,
                      const std::string& table_version, std::string_view include_object,
                      store::Revision rev, std::string_view continue_token, bool with_columns,
                      int64_t remaining);
// RFC 3339, second precision, UTC.
std::string Rfc3339(Clock::WallTime t);

}  // namespace orchd::server
