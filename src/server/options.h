// The `orchd server` command line (../shared/ARCHITECTURE.md section 1): flags, their
// environment variables, and validation. Validation happens before anything is written.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "common/result.h"

namespace orchd::server {

struct ServerOptions {
  std::string data_dir = "/var/lib/orchd";
  std::string bind_address = "0.0.0.0";
  std::string https_listen_port = "6443";
  std::string advertise_address;
  std::vector<std::string> tls_san;
  std::string token;
  std::string token_auth_file;  // static bearer tokens (kube-apiserver --token-auth-file format)
  std::string cluster_cidr = "10.42.0.0/16";
  std::string service_cidr = "10.43.0.0/16";
  std::string cluster_dns = "10.43.0.10";
  std::string cluster_domain = "cluster.local";
  std::string datastore_endpoint;  // sqlite:///PATH; empty: <data-dir>/server/db/state.db
  std::string write_kubeconfig = "/etc/orchd/orchd.yaml";
  std::string write_kubeconfig_mode = "0600";
  bool disable_agent = false;
  std::string node_name;
  std::vector<std::string> node_label;
  std::vector<std::string> node_taint;
  std::string flannel_backend = "vxlan";
  std::string log_level = "info";
  std::string history_window = "5m";  // store history kept for watches
  std::string event_ttl = "1h";       // how long events are kept

  // Derived by Parse().
  std::string db_path;
  uint16_t port = 6443;  // 0: any free port (tests)
  int kubeconfig_mode = 0600;
  int64_t history_window_seconds = 300;
  int64_t event_ttl_seconds = 3600;
};

// Parses and validates. `help` is set (and the result OK) for -h/--help, with the usage text in
// `usage`. Errors are kInvalid with a one-line message.
Result<ServerOptions> ParseServerOptions(std::span<const std::string> args, bool* help,
                                         std::string* usage);

// "30s", "5m", "2h", or plain seconds.
Result<int64_t> ParseDurationSeconds(std::string_view text);

}  // namespace orchd::server
