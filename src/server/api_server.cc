#include "server/api_server.h"

#include <chrono>

#include "api/json.h"
#include "api/yaml.h"
#include "common/log.h"
#include "common/strings.h"
#include "common/version.h"
#include "server/api_request.h"
#include "server/controllers.h"
#include "server/discovery.h"
#include "server/openapi.h"
#include "server/rest.h"
#include "server/rest_internal.h"
#include "server/strategy.h"
#include "server/tables.h"
#include "server/watch_cache.h"

namespace orchd::server {

using api::JsonDoc;
using api::JsonValue;

std::string TableJson(const Resource& r, const std::vector<CachedObjectPtr>& items,
                      const std::string& table_version, std::string_view include_object,
                      store::Revision rev, std::string_view continue_token, bool with_columns,
                      int64_t remaining) {
  JsonDoc d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  api::SetString(d, "kind", "Table", a);
  api::SetString(d, "apiVersion", "meta.k8s.io/" + table_version, a);
  JsonValue& meta = api::EnsureObject(d, "metadata", a);
  api::SetString(meta, "resourceVersion", std::to_string(rev), a);
  if (!continue_token.empty()) api::SetString(meta, "continue", continue_token, a);
  if (remaining >= 0) api::SetInt(meta, "remainingItemCount", remaining, a);
  JsonValue cols(rapidjson::kArrayType);
  const auto& columns = TableColumns(r.group, r.plural);
  if (with_columns) {
    for (const auto& c : columns) {
      JsonValue cv(rapidjson::kObjectType);
      api::SetString(cv, "name", c.name, a);
      api::SetString(cv, "type", c.type, a);
      api::SetString(cv, "format", c.format, a);
      api::SetString(cv, "description", c.description, a);
      api::SetInt(cv, "priority", c.priority, a);
      cols.PushBack(cv, a);
    }
  }
  api::SetMember(d, "columnDefinitions", std::move(cols), a);
  JsonValue rows(rapidjson::kArrayType);
  auto now = std::chrono::system_clock::now();
  for (const auto& item : items) {
    auto obj = api::ParseJson(item->json);
    if (!obj) continue;
    JsonValue row(rapidjson::kObjectType);
    JsonValue cells(rapidjson::kArrayType);
    AppendTableCells(r.group, r.plural, *obj, now, cells, a);
    api::SetMember(row, "cells", std::move(cells), a);
    if (include_object == "Object") {
      JsonValue full;
      full.CopyFrom(*obj, a);
      api::SetMember(row, "object", std::move(full), a);
    } else if (include_object != "None") {
      JsonValue partial(rapidjson::kObjectType);
      api::SetString(partial, "kind", "PartialObjectMetadata", a);
      api::SetString(partial, "apiVersion", "meta.k8s.io/" + table_version, a);
      JsonValue m;
      if (const JsonValue* om = api::Member(*obj, "metadata")) {
        m.CopyFrom(*om, a);
      } else {
        m.SetObject();
      }
      api::SetMember(partial, "metadata", std::move(m), a);
      api::SetMember(row, "object", std::move(partial), a);
    }
    rows.PushBack(row, a);
  }
  api::SetMember(d, "rows", std::move(rows), a);
  return api::ToJson(d);
}

namespace {

constexpr std::string_view kNotFoundMessage = "the server could not find the requested resource";

std::string ListJson(const Resource& r, const ListReply& reply) {
  std::string out = R"({"kind":")" + r.list_kind() + R"(","apiVersion":")" + r.api_version() +
                    R"(","metadata":{"resourceVersion":")" + std::to_string(reply.revision) + "\"";
  if (!reply.continue_token.empty()) out += R"(,"continue":")" + reply.continue_token + "\"";
  if (reply.remaining >= 0) out += R"(,"remainingItemCount":)" + std::to_string(reply.remaining);
  out += R"(},"items":[)";
  bool first = true;
  for (const auto& item : reply.items) {
    if (!first) out.push_back(',');
    first = false;
    out += item->json;
  }
  out += "]}";
  return out;
}

HttpResponse JsonResponse(int code, std::string body) {
  HttpResponse r;
  r.status = code;
  r.body = std::move(body);
  return r;
}

HttpResponse StatusResponse(const Status& s, const Resource* r = nullptr,
                            std::string_view name = {}, const api::FieldErrors& causes = {}) {
  return JsonResponse(s.http_status(), StatusJson(s, r, name, causes));
}

}  // namespace

struct ApiServer::Impl {
  Impl(ApiServerOptions o, store::Store& s, Clock& c)
      : options(std::move(o)),
        store(s),
        clock(c),
        table(ResourceTable::BuiltIn()),
        cache(s, MakeCacheDecoder(table)),
        rest(table, s, cache, c, options.service_cidr, options.event_ttl_seconds),
        discovery(table, options.advertise_address + ":" + std::to_string(options.port)),
        openapi(table),
        controllers(rest, c) {}

  void Handle(HttpRequest req, Responder respond);
  void HandleResource(const RequestInfo& info, HttpRequest& req, const Responder& respond);
  Status Bootstrap();

  ApiServerOptions options;
  store::Store& store;
  Clock& clock;
  const ResourceTable& table;
  WatchCache cache;
  Rest rest;
  Discovery discovery;
  OpenApi openapi;
  Controllers controllers;
  std::unique_ptr<HttpServer> http;
};

void ApiServer::Impl::Handle(HttpRequest req, Responder respond) {
  auto start = std::chrono::steady_clock::now();
  std::string method = req.method;
  std::string target = req.target;
  auto info = ParseRequestInfo(req.method, req.target);
  auto user = options.authenticator.Authenticate(req);
  std::string who = "system:anonymous";
  if (user.has_value()) {
    const std::optional<UserInfo>& known = *user;
    if (known.has_value()) who = known->name;
  }
  std::string verb = info && info->is_resource ? info->verb : method;
  std::string resource;
  if (info && info->is_resource) {
    resource = info->group.empty() ? info->resource : info->resource + "." + info->group;
    if (!info->subresource.empty()) resource += "/" + info->subresource;
  }
  Responder done = [respond = std::move(respond), start, verb = std::move(verb),
                    resource = std::move(resource), target = std::move(target),
                    who](HttpResponse r) {
    auto ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    LOG_DEBUG("verb={} resource={} user={} code={}{} latency={:.2f}ms {}", verb,
              resource.empty() ? "-" : resource, who, r.status, r.stream ? " (stream)" : "", ms,
              target);
    respond(std::move(r));
  };
  if (!info) return done(StatusResponse(info.error()));
  const std::string& path = info->path;
  if (!user) return done(StatusResponse(user.error()));
  bool public_path = path == "/version" || path == "/healthz" || path == "/livez" ||
                     path == "/readyz" || path.starts_with("/healthz/") ||
                     path.starts_with("/livez/") || path.starts_with("/readyz/");
  if (!*user && !public_path) {
    return done(StatusResponse(Error(Code::kUnauthorized, "Unauthorized")));
  }
  if (path == "/version") {
    const auto& v = Version();
    JsonDoc d(rapidjson::kObjectType);
    auto& a = d.GetAllocator();
    api::SetString(d, "major", "1", a);
    api::SetString(d, "minor", "32", a);
    api::SetString(d, "gitVersion", "v1.32.0+orchd." + std::string(v.version), a);
    api::SetString(d, "gitCommit", v.git_commit, a);
    api::SetString(d, "gitTreeState", "clean", a);
    api::SetString(d, "buildDate", v.build_date, a);
    api::SetString(d, "goVersion", "go1.23.3", a);
    api::SetString(d, "compiler", "gc", a);
    api::SetString(d, "platform", std::string(v.platform), a);
    return done(JsonResponse(200, api::ToJson(d)));
  }
  if (public_path) {
    HttpResponse r;
    r.content_type = "text/plain; charset=utf-8";
    bool ready = path.starts_with("/livez") || cache.revision() > 0;
    r.status = ready ? 200 : 500;
    r.body = ready ? "ok" : "not ready";
    return done(std::move(r));
  }
  if (path.starts_with("/openapi/")) {
    HttpResponse r;
    std::string_view etag_in = req.Header("if-none-match");
    if (!openapi.Serve(path, etag_in, &r)) {
      return done(StatusResponse(Error(Code::kNotFound, "{}", kNotFoundMessage)));
    }
    return done(std::move(r));
  }
  if (info->api_prefix.empty()) {
    return done(StatusResponse(Error(Code::kNotFound, "{}", kNotFoundMessage)));
  }
  if (!info->is_resource) {
    std::string_view accept = req.Header("accept");
    bool core = info->api_prefix == "api";
    if (core && info->version.empty()) {
      if (auto v = WantsAggregatedDiscovery(accept)) {
        HttpResponse r = JsonResponse(200, discovery.Aggregated(true, *v));
        r.content_type =
            "application/json;g=apidiscovery.k8s.io;v=" + *v + ";as=APIGroupDiscoveryList";
        return done(std::move(r));
      }
      return done(JsonResponse(200, discovery.ApiVersions()));
    }
    if (!core && info->group.empty()) {
      if (auto v = WantsAggregatedDiscovery(accept)) {
        HttpResponse r = JsonResponse(200, discovery.Aggregated(false, *v));
        r.content_type =
            "application/json;g=apidiscovery.k8s.io;v=" + *v + ";as=APIGroupDiscoveryList";
        return done(std::move(r));
      }
      return done(JsonResponse(200, discovery.ApiGroupList()));
    }
    if (!core && info->version.empty()) {
      if (const std::string* g = discovery.ApiGroup(info->group))
        return done(JsonResponse(200, *g));
      return done(StatusResponse(Error(Code::kNotFound, "{}", kNotFoundMessage)));
    }
    if (const std::string* l = discovery.ResourceList(info->group, info->version)) {
      return done(JsonResponse(200, *l));
    }
    return done(StatusResponse(Error(Code::kNotFound, "{}", kNotFoundMessage)));
  }
  HandleResource(*info, req, done);
}

void ApiServer::Impl::HandleResource(const RequestInfo& info, HttpRequest& req,
                                     const Responder& respond) {
  const Resource* r = table.Find(info.group, info.version, info.resource);
  if (r == nullptr) {
    return respond(StatusResponse(Error(Code::kNotFound, "{}", kNotFoundMessage)));
  }
  Target t{r, info.ns, info.name, info.subresource};
  if (!r->namespaced() && !info.ns.empty()) {
    return respond(StatusResponse(Error(Code::kNotFound, "{}", kNotFoundMessage)));
  }
  const std::string& verb = info.verb;
  if (r->namespaced() && info.ns.empty() && verb != "list" && verb != "watch") {
    return respond(StatusResponse(Error(Code::kNotFound, "{}", kNotFoundMessage)));
  }
  if (!info.subresource.empty()) {
    const Subresource* sub = r->FindSubresource(info.subresource);
    const std::string& name = info.subresource;
    bool supported =
        sub != nullptr && (((name == "status" || name == "scale") &&
                            (verb == "get" || verb == "update" || verb == "patch")) ||
                           ((name == "binding" || name == "eviction") && verb == "create"));
    if (!supported) {
      return respond(StatusResponse(
          sub == nullptr ? Error(Code::kNotFound, "{}", kNotFoundMessage)
                         : Error(Code::kMethodNotAllowed,
                                 "the server does not allow this method on the requested resource"),
          r, info.name));
    }
  }
  Negotiated out = NegotiateOutput(req.Header("accept"));
  if (out.format == OutputFormat::kProtobufOnly) {
    return respond(
        StatusResponse(Error(Code::kNotAcceptable,
                             "only the following media types are accepted: application/json, "
                             "application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io"),
                       r, info.name));
  }
  std::string include = std::string(info.query.GetOr("includeObject", "Metadata"));
  auto finish_object = [respond, out, r, name = info.name, include](Outcome o) {
    if (!o.status.ok()) return respond(StatusResponse(o.status, r, name, o.causes));
    if (out.format == OutputFormat::kTable && o.code == 200) {
      auto obj = std::make_shared<CachedObject>();
      obj->json = std::move(o.body);
      ListReply one;
      one.items.push_back(obj);
      auto doc = api::ParseJson(obj->json);
      store::Revision rev = 0;
      if (doc) rev = ParseInt64(api::StringAt(*doc, {"metadata", "resourceVersion"})).value_or(0);
      return respond(JsonResponse(
          200, TableJson(*r, one.items, out.table_version, include, rev, "", true, -1)));
    }
    if (out.format == OutputFormat::kYaml) {
      auto doc = api::ParseJson(o.body);
      if (doc) {
        HttpResponse y = JsonResponse(o.code, api::ToYaml(*doc));
        y.content_type = "application/yaml";
        return respond(std::move(y));
      }
    }
    respond(JsonResponse(o.code, std::move(o.body)));
  };

  // Request bodies.
  auto decode_body = [&req, r]() -> Result<JsonDoc> {
    std::string_view ct = req.Header("content-type");
    ct = ct.substr(0, ct.find(';'));
    if (ct == "application/vnd.kubernetes.protobuf") {
      return Error(Code::kUnsupportedMediaType,
                   "the body of the request was in an unknown format - accepted media types "
                   "include: application/json, application/yaml");
    }
    if (ct == "application/yaml" || (ct != "application/json" && !api::LooksLikeJson(req.body))) {
      auto y = api::ParseYaml(req.body);
      if (!y) return Error(Code::kBadRequest, "{}", y.error().message());
      return y;
    }
    auto j = api::ParseJson(req.body);
    if (!j) {
      return Error(Code::kBadRequest,
                   "the object provided is unrecognized (must be of type {}): couldn't get "
                   "version/kind; {}",
                   r->kind, j.error().message());
    }
    return j;
  };

  auto decode_body_any = [&req]() -> Result<JsonDoc> {
    auto j = api::ParseJson(req.body);
    if (!j) return Error(Code::kBadRequest, "{}", j.error().message());
    return j;
  };
  if (info.subresource == "scale") {
    if (verb == "get") return rest.GetScale(t, info.query, finish_object);
    std::optional<PatchType> pt;
    if (verb == "patch") {
      std::string_view ct = req.Header("content-type");
      ct = ct.substr(0, ct.find(';'));
      if (ct == "application/json-patch+json") {
        pt = PatchType::kJsonPatch;
      } else if (ct == "application/merge-patch+json" ||
                 ct == "application/strategic-merge-patch+json") {
        pt = PatchType::kMergePatch;  // a Scale has no lists: both patches are the same
      } else {
        return respond(StatusResponse(
            Error(Code::kUnsupportedMediaType,
                  "the body of the request was in an unknown format - accepted media types "
                  "include: application/json-patch+json, application/merge-patch+json, "
                  "application/strategic-merge-patch+json"),
            r, info.name));
      }
    }
    return rest.UpdateScale(t, info.query, pt, req.body, finish_object);
  }
  if (info.subresource == "binding" || info.subresource == "eviction") {
    auto body = decode_body_any();
    if (!body) return respond(StatusResponse(body.error(), r, info.name));
    if (info.subresource == "binding") return rest.Bind(t, info.query, *body, finish_object);
    return rest.Evict(t, info.query, *body, finish_object);
  }
  if (verb == "get") return rest.Get(t, info.query, finish_object);
  if (verb == "list") {
    return rest.List(t, info.query, [respond, out, r, include](const ListReply& reply) {
      if (!reply.status.ok()) return respond(StatusResponse(reply.status, r));
      if (out.format == OutputFormat::kTable) {
        return respond(
            JsonResponse(200, TableJson(*r, reply.items, out.table_version, include, reply.revision,
                                        reply.continue_token, true, reply.remaining)));
      }
      std::string body = ListJson(*r, reply);
      if (out.format == OutputFormat::kYaml) {
        if (auto doc = api::ParseJson(body)) {
          HttpResponse y = JsonResponse(200, api::ToYaml(*doc));
          y.content_type = "application/yaml";
          return respond(std::move(y));
        }
      }
      respond(JsonResponse(200, std::move(body)));
    });
  }
  if (verb == "watch") {
    auto stream =
        rest.Watch(t, info.query, out.format == OutputFormat::kTable ? out.table_version : "");
    if (!stream) return respond(StatusResponse(stream.error(), r));
    HttpResponse resp;
    resp.stream = std::move(*stream);
    int64_t timeout = 1800;
    if (auto ts = info.query.Get("timeoutSeconds")) {
      auto n = ParseInt64(*ts);
      if (!n || *n < 0) {
        return respond(
            StatusResponse(Error(Code::kBadRequest, "invalid timeoutSeconds: {}", *ts), r));
      }
      if (*n > 0) timeout = *n;
    }
    resp.stream_timeout = std::chrono::seconds(timeout);
    return respond(std::move(resp));
  }
  if (verb == "create") {
    auto body = decode_body();
    if (!body) return respond(StatusResponse(body.error(), r));
    return rest.Create(t, info.query, std::move(*body), finish_object);
  }
  if (verb == "update") {
    auto body = decode_body();
    if (!body) return respond(StatusResponse(body.error(), r, info.name));
    return rest.Update(t, info.query, std::move(*body), finish_object);
  }
  if (verb == "patch") {
    std::string_view ct = req.Header("content-type");
    ct = ct.substr(0, ct.find(';'));
    PatchType pt;
    if (ct == "application/json-patch+json") {
      pt = PatchType::kJsonPatch;
    } else if (ct == "application/merge-patch+json") {
      pt = PatchType::kMergePatch;
    } else if (ct == "application/strategic-merge-patch+json") {
      pt = PatchType::kStrategicMerge;
    } else if (ct == "application/apply-patch+yaml") {
      pt = PatchType::kApply;
    } else {
      return respond(StatusResponse(
          Error(Code::kUnsupportedMediaType,
                "the body of the request was in an unknown format - accepted media types "
                "include: application/json-patch+json, application/merge-patch+json"),
          r, info.name));
    }
    return rest.Patch(t, info.query, pt, req.body, finish_object);
  }
  if (verb == "delete" || verb == "deletecollection") {
    JsonDoc opts(rapidjson::kObjectType);
    if (!req.body.empty()) {
      std::string_view ct = req.Header("content-type");
      if (ct.starts_with("application/vnd.kubernetes.protobuf")) {
        return respond(StatusResponse(
            Error(Code::kUnsupportedMediaType,
                  "the body of the request was in an unknown format - accepted media types "
                  "include: application/json, application/yaml"),
            r, info.name));
      }
      auto parsed = api::ParseJson(req.body);
      if (!parsed) return respond(StatusResponse(parsed.error(), r, info.name));
      opts = std::move(*parsed);
    }
    if (verb == "delete") return rest.Delete(t, info.query, opts, finish_object);
    return rest.DeleteCollection(t, info.query, opts, finish_object);
  }
  respond(StatusResponse(Error(Code::kMethodNotAllowed,
                               "the server does not allow this method on the requested resource"),
                         r, info.name));
}

Status ApiServer::Impl::Bootstrap() {
  const Resource* ns = table.Find("", "v1", "namespaces");
  for (const char* name : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    if (cache.Get(ns->Key("", name))) continue;
    auto doc = api::ParseJson(fmt::format(
        R"({{"apiVersion":"v1","kind":"Namespace","metadata":{{"name":"{}","labels":{{"kubernetes.io/metadata.name":"{}"}}}}}})",
        name, name));
    Outcome o = rest.CreateBlocking({ns, "", name, ""}, std::move(*doc));
    if (!o.status.ok() && o.status.code() != Code::kAlreadyExists) {
      return o.status.WithContext(fmt::format("create namespace {}", name));
    }
  }
  const Resource* svc = table.Find("", "v1", "services");
  if (!cache.Get(svc->Key("default", "kubernetes"))) {
    auto doc = api::ParseJson(fmt::format(
        R"({{"apiVersion":"v1","kind":"Service","metadata":{{"name":"kubernetes","namespace":"default","labels":{{"component":"apiserver","provider":"kubernetes"}}}},"spec":{{"clusterIP":"{}","ports":[{{"name":"https","port":443,"protocol":"TCP","targetPort":{}}}],"sessionAffinity":"None","type":"ClusterIP"}}}})",
        rest.strategies().KubernetesServiceIp(), options.port));
    Outcome o = rest.CreateBlocking({svc, "default", "kubernetes", ""}, std::move(*doc));
    if (!o.status.ok() && o.status.code() != Code::kAlreadyExists) {
      return o.status.WithContext("create service default/kubernetes");
    }
  }
  return Status::Ok();
}

ApiServer::ApiServer(ApiServerOptions options, store::Store& store, Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), store, clock)) {}

ApiServer::~ApiServer() { Stop(); }

Status ApiServer::Start() {
  Impl& m = *impl_;
  ORCHD_RETURN_IF_ERROR(m.cache.Start());
  ORCHD_RETURN_IF_ERROR(m.rest.Start());
  ORCHD_RETURN_IF_ERROR(m.Bootstrap());
  ORCHD_RETURN_IF_ERROR(m.controllers.Start());
  HttpServerOptions ho;
  ho.address = m.options.bind_address;
  ho.port = m.options.port;
  ho.cert_pem = m.options.cert_pem;
  ho.key_pem = m.options.key_pem;
  ho.client_ca_pem = m.options.client_ca_pem;
  ho.threads = m.options.threads;
  m.http = std::make_unique<HttpServer>(ho, [&m](HttpRequest req, Responder respond) {
    m.Handle(std::move(req), std::move(respond));
  });
  return m.http->Start();
}

void ApiServer::Stop() {
  Impl& m = *impl_;
  if (m.http) m.http->Stop();
  m.controllers.Stop();
  m.cache.Stop();
  m.rest.Stop();
}

uint16_t ApiServer::port() const { return impl_->http ? impl_->http->port() : 0; }

}  // namespace orchd::server
