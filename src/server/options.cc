#include "server/options.h"

#include "common/flags.h"
#include "common/ipnet.h"
#include "common/log.h"
#include "common/strings.h"

namespace orchd::server {

Result<int64_t> ParseDurationSeconds(std::string_view text) {
  int64_t scale = 1;
  if (text.ends_with('s')) {
    text.remove_suffix(1);
  } else if (text.ends_with('m')) {
    scale = 60;
    text.remove_suffix(1);
  } else if (text.ends_with('h')) {
    scale = 3600;
    text.remove_suffix(1);
  }
  std::optional<int64_t> n = ParseInt64(text);
  if (!n || *n < 0 || *n > INT64_MAX / 3600) {
    return Error(Code::kInvalid, "want a duration such as 30s, 5m or 2h");
  }
  return *n * scale;
}

Result<ServerOptions> ParseServerOptions(std::span<const std::string> args, bool* help,
                                         std::string* usage) {
  ServerOptions o;
  FlagSet f("server");
  f.String("data-dir", &o.data_dir, "directory for state (database, certificates, tokens)");
  f.String("bind-address", &o.bind_address, "address the API server listens on");
  f.String("https-listen-port", &o.https_listen_port, "port the API server listens on");
  f.String("advertise-address", &o.advertise_address, "address agents and clients use");
  f.StringList("tls-san", &o.tls_san, "extra name or IP in the serving certificate (repeatable)");
  f.String("token", &o.token, "shared secret agents join with");
  f.String("token-auth-file", &o.token_auth_file,
           "static bearer tokens: token,user,uid[,\"group1,group2\"] per line");
  f.String("cluster-cidr", &o.cluster_cidr, "pod network");
  f.String("service-cidr", &o.service_cidr, "service network");
  f.String("cluster-dns", &o.cluster_dns, "cluster DNS service address");
  f.String("cluster-domain", &o.cluster_domain, "cluster domain");
  f.String("datastore-endpoint", &o.datastore_endpoint, "sqlite:///PATH (default: embedded)");
  f.String("write-kubeconfig", &o.write_kubeconfig, "where to write the admin kubeconfig");
  f.String("write-kubeconfig-mode", &o.write_kubeconfig_mode, "mode of the admin kubeconfig");
  f.Bool("disable-agent", &o.disable_agent, "do not run a worker on this machine");
  f.String("node-name", &o.node_name, "node name (default: hostname)");
  f.StringList("node-label", &o.node_label, "k=v label for this node (repeatable)");
  f.StringList("node-taint", &o.node_taint, "k=v:Effect taint for this node (repeatable)");
  f.String("flannel-backend", &o.flannel_backend, "vxlan, host-gw or none");
  f.String("log-level", &o.log_level, "debug, info, warn or error");
  f.String("history-window", &o.history_window, "store history kept for watches (e.g. 5m)");
  f.String("event-ttl", &o.event_ttl, "how long events are kept after their last write (e.g. 1h)");
  ORCHD_RETURN_IF_ERROR(f.Parse(args));
  *usage = f.Usage();
  *help = f.help_requested();
  if (*help) return o;

  // Messages name where the bad value came from: the flag, or its environment variable.
  auto invalid = [&f](const char* flag, std::string_view value, std::string_view detail) {
    return Error(Code::kInvalid, "invalid {} \"{}\": {}", f.Source(flag), value, detail);
  };
  // For parsers whose message already quotes the value.
  auto invalid_as = [&f](const char* flag, const Status& why) {
    return Error(Code::kInvalid, "invalid {}: {}", f.Source(flag), why.message());
  };
  if (o.data_dir.empty() || o.data_dir[0] != '/') {
    return invalid("data-dir", o.data_dir, "must be an absolute path");
  }
  while (o.data_dir.size() > 1 && o.data_dir.back() == '/') o.data_dir.pop_back();
  if (!ParseLogLevel(o.log_level)) {
    return invalid("log-level", o.log_level, "want debug, info, warn or error");
  }
  for (auto [flag, value] :
       {std::pair{"cluster-cidr", &o.cluster_cidr}, std::pair{"service-cidr", &o.service_cidr}}) {
    if (auto r = ParseCidr(*value); !r) return invalid_as(flag, r.error());
  }
  for (auto [flag, value] :
       {std::pair{"bind-address", &o.bind_address}, std::pair{"cluster-dns", &o.cluster_dns},
        std::pair{"advertise-address", &o.advertise_address}}) {
    if (value->empty() && std::string_view(flag) == "advertise-address") continue;
    if (auto r = ParseIp(*value); !r) return invalid_as(flag, r.error());
  }
  std::optional<int64_t> port = ParseInt64(o.https_listen_port);
  if (!port || *port < 0 || *port > 65535) {
    return invalid("https-listen-port", o.https_listen_port,
                   "want a port from 1 to 65535 (0: any free port)");
  }
  o.port = static_cast<uint16_t>(*port);
  {
    const std::string& m = o.write_kubeconfig_mode;
    bool ok = !m.empty() && m.size() <= 4;
    int mode = 0;
    for (char c : m) {
      ok = ok && c >= '0' && c <= '7';
      mode = mode * 8 + (c - '0');
    }
    if (!ok) return invalid("write-kubeconfig-mode", m, "want an octal mode such as 0600");
    o.kubeconfig_mode = mode;
  }
  if (o.flannel_backend != "vxlan" && o.flannel_backend != "host-gw" &&
      o.flannel_backend != "none") {
    return invalid("flannel-backend", o.flannel_backend, "want vxlan, host-gw or none");
  }
  auto window = ParseDurationSeconds(o.history_window);
  if (!window) return invalid("history-window", o.history_window, window.error().message());
  o.history_window_seconds = *window;
  auto event_ttl = ParseDurationSeconds(o.event_ttl);
  if (!event_ttl || *event_ttl <= 0) {
    return invalid("event-ttl", o.event_ttl,
                   event_ttl ? "must be positive" : event_ttl.error().message());
  }
  o.event_ttl_seconds = *event_ttl;
  if (o.datastore_endpoint.empty()) {
    o.db_path = o.data_dir + "/server/db/state.db";
  } else if (o.datastore_endpoint.starts_with("sqlite://") && o.datastore_endpoint.size() > 10 &&
             o.datastore_endpoint[9] == '/') {
    o.db_path = o.datastore_endpoint.substr(9);
  } else if (o.datastore_endpoint.starts_with("postgres://")) {
    return Error(Code::kInvalid,
                 "--datastore-endpoint postgres:// is not supported yet: use sqlite:///PATH or "
                 "leave it unset");
  } else {
    return invalid("datastore-endpoint", o.datastore_endpoint, "want sqlite:///ABSOLUTE/PATH");
  }
  return o;
}

}  // namespace orchd::server
