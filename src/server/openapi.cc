#include "server/openapi.h"

#include <openssl/sha.h>

#include "api/json.h"

namespace orchd::server {

namespace {

std::string Sha256Hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  std::string out;
  for (unsigned char c : md) out += fmt::format("{:02X}", c);
  return out;
}

api::JsonValue Param(std::string_view name, api::JsonAlloc& a) {
  api::JsonValue p(rapidjson::kObjectType);
  api::SetString(p, "name", name, a);
  api::SetString(p, "in", "query", a);
  api::JsonValue schema(rapidjson::kObjectType);
  api::SetString(schema, "type", "string", a);
  api::SetMember(p, "schema", std::move(schema), a);
  return p;
}

}  // namespace

OpenApi::OpenApi(const ResourceTable& table) {
  std::map<std::string, api::JsonDoc> docs;
  for (const Resource& r : table.resources()) {
    std::string gv = r.group.empty() ? "api/" + r.version : "apis/" + r.group + "/" + r.version;
    auto [it, fresh] = docs.try_emplace(gv);
    api::JsonDoc& d = it->second;
    auto& a = d.GetAllocator();
    if (fresh) {
      d.SetObject();
      api::SetString(d, "openapi", "3.0.0", a);
      api::JsonValue& info = api::EnsureObject(d, "info", a);
      api::SetString(info, "title", "Kubernetes", a);
      api::SetString(info, "version", "v1.32.0", a);
      api::EnsureObject(d, "paths", a);
      api::EnsureObject(api::EnsureObject(d, "components", a), "schemas", a);
    }
    std::string path =
        "/" + gv + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural + "/{name}";
    api::JsonValue op(rapidjson::kObjectType);
    api::JsonValue gvk(rapidjson::kObjectType);
    api::SetString(gvk, "group", r.group, a);
    api::SetString(gvk, "version", r.version, a);
    api::SetString(gvk, "kind", r.kind, a);
    api::SetMember(op, "x-kubernetes-group-version-kind", std::move(gvk), a);
    api::JsonValue params(rapidjson::kArrayType);
    for (const char* p : {"dryRun", "fieldManager", "fieldValidation", "force"}) {
      params.PushBack(Param(p, a), a);
    }
    api::SetMember(op, "parameters", std::move(params), a);
    api::JsonValue content(rapidjson::kObjectType);
    for (const char* ct : {"application/json-patch+json", "application/merge-patch+json",
                           "application/apply-patch+yaml"}) {
      api::EnsureObject(content, ct, a);
    }
    api::JsonValue body(rapidjson::kObjectType);
    api::SetMember(body, "content", std::move(content), a);
    api::SetMember(op, "requestBody", std::move(body), a);
    api::JsonValue responses(rapidjson::kObjectType);
    api::SetString(api::EnsureObject(responses, "200", a), "description", "OK", a);
    api::SetMember(op, "responses", std::move(responses), a);
    api::JsonValue item(rapidjson::kObjectType);
    api::SetMember(item, "patch", std::move(op), a);
    api::SetMember(*api::Member(d, "paths"), path, std::move(item), a);
  }
  api::JsonDoc index(rapidjson::kObjectType);
  auto& ia = index.GetAllocator();
  api::JsonValue& paths = api::EnsureObject(index, "paths", ia);
  for (auto& [gv, d] : docs) {
    Doc doc{api::ToJson(d), ""};
    doc.hash = Sha256Hex(doc.body);
    api::JsonValue entry(rapidjson::kObjectType);
    api::SetString(entry, "serverRelativeURL", "/openapi/v3/" + gv + "?hash=" + doc.hash, ia);
    api::SetMember(paths, gv, std::move(entry), ia);
    docs_.emplace(gv, std::move(doc));
  }
  index_ = api::ToJson(index);
}

bool OpenApi::Serve(std::string_view path, std::string_view if_none_match,
                    HttpResponse* out) const {
  if (path == "/openapi/v3" || path == "/openapi/v3/") {
    out->status = 200;
    out->body = index_;
    return true;
  }
  constexpr std::string_view kPrefix = "/openapi/v3/";
  if (!path.starts_with(kPrefix)) return false;
  auto it = docs_.find(path.substr(kPrefix.size()));
  if (it == docs_.end()) return false;
  std::string etag = "\"" + it->second.hash + "\"";
  out->headers.emplace_back("ETag", etag);
  out->headers.emplace_back("Cache-Control", "public, immutable");
  if (if_none_match == etag) {
    out->status = 304;
    return true;
  }
  out->status = 200;
  out->body = it->second.body;
  return true;
}

}  // namespace orchd::server
