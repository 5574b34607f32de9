#include "server/options.h"

#include <charconv>

#include "common/flags.h"
#include "common/ipnet.h"
#include "common/log.h"

namespace orchd::server {

Result<int64_t> ParseDurationSeconds(std::string_view text) {
  int64_t n = -1;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  std::string_view unit(ptr, static_cast<size_t>(text.data() + text.size() - ptr));
  int64_t scale = 0;
  if (unit.empty() || unit == "s") scale = 1;
  if (unit == "m") scale = 60;
  if (unit == "h") scale = 3600;
  if (ec != std::errc() || n < 0 || scale == 0) {
    return Error(Code::kInvalid, "invalid duration \"{}\" (want e.g. 30s, 5m, 2h)", text);
  }
  return n * scale;
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
  ORCHD_RETURN_IF_ERROR(f.Parse(args));
  *usage = f.Usage();
  *help = f.help_requested();
  if (*help) return o;

  if (o.data_dir.empty() || o.data_dir[0] != '/') {
    return Error(Code::kInvalid, "invalid --data-dir \"{}\": must be an absolute path", o.data_dir);
  }
  while (o.data_dir.size() > 1 && o.data_dir.back() == '/') o.data_dir.pop_back();
  if (!ParseLogLevel(o.log_level)) {
    return Error(Code::kInvalid, "invalid --log-level \"{}\": want debug, info, warn or error",
                 o.log_level);
  }
  for (auto [flag, value] :
       {std::pair{"cluster-cidr", &o.cluster_cidr}, std::pair{"service-cidr", &o.service_cidr}}) {
    if (auto r = ParseCidr(*value); !r) {
      return Error(Code::kInvalid, "invalid --{}: {}", flag, r.error().message());
    }
  }
  for (auto [flag, value] :
       {std::pair{"bind-address", &o.bind_address}, std::pair{"cluster-dns", &o.cluster_dns}}) {
    if (auto r = ParseIp(*value); !r) {
      return Error(Code::kInvalid, "invalid --{}: {}", flag, r.error().message());
    }
  }
  if (!o.advertise_address.empty()) {
    if (auto r = ParseIp(o.advertise_address); !r) {
      return Error(Code::kInvalid, "invalid --advertise-address: {}", r.error().message());
    }
  }
  int port = 0;
  auto [ptr, ec] = std::from_chars(o.https_listen_port.data(),
                                   o.https_listen_port.data() + o.https_listen_port.size(), port);
  if (ec != std::errc() || ptr != o.https_listen_port.data() + o.https_listen_port.size() ||
      port < 1 || port > 65535) {
    return Error(Code::kInvalid, "invalid --https-listen-port \"{}\": want 1-65535",
                 o.https_listen_port);
  }
  if (o.flannel_backend != "vxlan" && o.flannel_backend != "host-gw" &&
      o.flannel_backend != "none") {
    return Error(Code::kInvalid, "invalid --flannel-backend \"{}\": want vxlan, host-gw or none",
                 o.flannel_backend);
  }
  ORCHD_ASSIGN_OR_RETURN(o.history_window_seconds, ParseDurationSeconds(o.history_window));
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
    return Error(Code::kInvalid,
                 "invalid --datastore-endpoint \"{}\": want sqlite:///ABSOLUTE/PATH",
                 o.datastore_endpoint);
  }
  return o;
}

}  // namespace orchd::server
