#include "server/api_request.h"

#include <charconv>
#include <chrono>

#include "common/strings.h"
#include "server/http_server.h"

namespace orchd::server {

std::optional<std::string_view> Query::Get(std::string_view name) const {
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::string_view Query::GetOr(std::string_view name, std::string_view fallback) const {
  auto v = Get(name);
  return v ? *v : fallback;
}

bool Query::Flag(std::string_view name) const {
  auto v = Get(name);
  return v && (*v == "true" || *v == "1");
}

Result<Query> ParseQuery(std::string_view raw) {
  Query q;
  while (!raw.empty()) {
    size_t amp = raw.find('&');
    std::string_view part = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string k(part.substr(0, eq));
    std::string v(eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1));
    for (char& c : k) c = c == '+' ? ' ' : c;
    for (char& c : v) c = c == '+' ? ' ' : c;
    auto dk = PercentDecode(k);
    auto dv = PercentDecode(v);
    if (!dk || !dv) return Error(Code::kBadRequest, "invalid query string: bad escape in {}", part);
    q.params.emplace(std::move(*dk), std::move(*dv));
  }
  return q;
}

Result<RequestInfo> ParseRequestInfo(std::string_view method, std::string_view target) {
  RequestInfo info;
  size_t qmark = target.find('?');
  auto path = PercentDecode(target.substr(0, qmark));
  if (!path) return Error(Code::kBadRequest, "invalid request path {}", target.substr(0, qmark));
  info.path = std::move(*path);
  if (qmark != std::string_view::npos) {
    ORCHD_ASSIGN_OR_RETURN(info.query, ParseQuery(target.substr(qmark + 1)));
  }
  std::string_view p = info.path;
  while (!p.empty()) {
    size_t start = p.find_first_not_of('/');
    if (start == std::string_view::npos) break;
    p = p.substr(start);
    size_t end = p.find('/');
    info.parts.push_back(p.substr(0, end));
    p = end == std::string_view::npos ? std::string_view() : p.substr(end);
  }
  const auto& parts = info.parts;
  if (parts.empty() || (parts[0] != "api" && parts[0] != "apis")) return info;
  info.api_prefix = std::string(parts[0]);
  size_t i = 1;
  if (info.api_prefix == "apis") {
    if (parts.size() < 2) return info;
    info.group = std::string(parts[1]);
    i = 2;
  }
  if (parts.size() <= i) return info;
  info.version = std::string(parts[i++]);
  if (parts.size() <= i) return info;  // group-version discovery
  info.is_resource = true;
  std::vector<std::string_view> rest(parts.begin() + static_cast<ptrdiff_t>(i), parts.end());
  // namespaces/{ns}/{resource}... but "namespaces/{name}" and "namespaces/{name}/status" are the
  // namespace resource itself.
  if (rest[0] == "namespaces" && rest.size() >= 3 && rest[2] != "status" && rest[2] != "finalize") {
    info.ns = std::string(rest[1]);
    rest.erase(rest.begin(), rest.begin() + 2);
  }
  info.resource = std::string(rest[0]);
  if (rest.size() >= 2) info.name = std::string(rest[1]);
  if (rest.size() >= 3) info.subresource = std::string(rest[2]);
  if (rest.size() > 3)
    return Error(Code::kNotFound, "the server could not find the requested resource");

  bool watch = info.query.Flag("watch");
  if (method == "GET" || method == "HEAD") {
    info.verb = info.name.empty() ? (watch ? "watch" : "list") : (watch ? "watch" : "get");
  } else if (method == "POST") {
    info.verb = "create";
  } else if (method == "PUT") {
    info.verb = "update";
  } else if (method == "PATCH") {
    info.verb = "patch";
  } else if (method == "DELETE") {
    info.verb = info.name.empty() ? "deletecollection" : "delete";
  } else {
    return Error(Code::kMethodNotAllowed, "method {} is not supported", method);
  }
  return info;
}

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits one media range "application/json;as=Table;v=v1;g=meta.k8s.io" into type and params.
struct MediaRange {
  std::string_view type;
  std::map<std::string_view, std::string_view, std::less<>> params;
};

std::vector<MediaRange> ParseAccept(std::string_view accept) {
  std::vector<MediaRange> out;
  while (!accept.empty()) {
    size_t comma = accept.find(',');
    std::string_view item = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? std::string_view() : accept.substr(comma + 1);
    MediaRange mr;
    size_t semi = item.find(';');
    mr.type = Trim(item.substr(0, semi));
    while (semi != std::string_view::npos) {
      item = item.substr(semi + 1);
      semi = item.find(';');
      std::string_view kv = Trim(item.substr(0, semi));
      size_t eq = kv.find('=');
      if (eq != std::string_view::npos) mr.params[Trim(kv.substr(0, eq))] = Trim(kv.substr(eq + 1));
    }
    if (!mr.type.empty()) out.push_back(mr);
  }
  return out;
}

}  // namespace

Negotiated NegotiateOutput(std::string_view accept) {
  Negotiated n;
  auto ranges = ParseAccept(accept);
  if (ranges.empty()) return n;
  bool protobuf_only = true;
  for (const auto& mr : ranges) {
    auto as = mr.params.find("as");
    if (mr.type == "application/json" && as != mr.params.end()) {
      auto g = mr.params.find("g");
      auto v = mr.params.find("v");
      if (as->second == "Table" && g != mr.params.end() && g->second == "meta.k8s.io" &&
          v != mr.params.end() && (v->second == "v1" || v->second == "v1beta1")) {
        n.format = OutputFormat::kTable;
        n.table_version = std::string(v->second);
        return n;
      }
      continue;  // another "as=" (e.g. PartialObjectMetadata) is not served: fall through
    }
    if (mr.type == "application/json" || mr.type == "*/*" || mr.type == "application/*") {
      n.format = OutputFormat::kJson;
      return n;
    }
    if (mr.type == "application/yaml") {
      n.format = OutputFormat::kYaml;
      return n;
    }
    if (mr.type != "application/vnd.kubernetes.protobuf") protobuf_only = false;
  }
  n.format = protobuf_only ? OutputFormat::kProtobufOnly : OutputFormat::kJson;
  return n;
}

std::optional<std::string> WantsAggregatedDiscovery(std::string_view accept) {
  for (const auto& mr : ParseAccept(accept)) {
    if (mr.type != "application/json") continue;
    auto as = mr.params.find("as");
    auto g = mr.params.find("g");
    auto v = mr.params.find("v");
    if (as != mr.params.end() && as->second == "APIGroupDiscoveryList" && g != mr.params.end() &&
        g->second == "apidiscovery.k8s.io" && v != mr.params.end() &&
        (v->second == "v2" || v->second == "v2beta1")) {
      return std::string(v->second);
    }
    if (as == mr.params.end()) return std::nullopt;  // plain JSON preferred first
  }
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> ParseGoDuration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double total_ms = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    if (i == 0) return std::nullopt;
    double num = 0;
    const char* first = s.begin();
    auto [ptr, ec] = std::from_chars(first, first + i, num);
    if (ec != std::errc() || ptr != first + i) return std::nullopt;
    s.remove_prefix(i);
    size_t j = 0;
    while (j < s.size() && (s[j] < '0' || s[j] > '9') && s[j] != '.') ++j;
    std::string_view unit = s.substr(0, j);
    s.remove_prefix(j);
    double mult = 0;
    if (unit == "h") {
      mult = 3600e3;
    } else if (unit == "m") {
      mult = 60e3;
    } else if (unit == "s") {
      mult = 1e3;
    } else if (unit == "ms") {
      mult = 1;
    } else if (unit == "us" || unit == "µs") {
      mult = 1e-3;
    } else if (unit == "ns") {
      mult = 1e-6;
    } else {
      return std::nullopt;
    }
    total_ms += num * mult;
  }
  return std::chrono::milliseconds(static_cast<int64_t>(total_ms));
}

}  // namespace orchd::server
