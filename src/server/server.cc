#include "server/server.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "common/fs.h"
#include "common/ipnet.h"
#include "common/log.h"
#include "common/pki.h"
#include "common/sd_notify.h"
#include "common/version.h"

namespace orchd::server {

Server::Server(ServerOptions options, Clock& clock) : options_(std::move(options)), clock_(clock) {}

Server::~Server() { Stop(); }

Status Server::Start() {
  ORCHD_RETURN_IF_ERROR(MakeDirs(options_.data_dir, 0700));
  ORCHD_RETURN_IF_ERROR(MakeDirs(options_.data_dir + "/server", 0700));
  std::string db_dir = options_.db_path.substr(0, options_.db_path.find_last_of('/'));
  if (!db_dir.empty()) ORCHD_RETURN_IF_ERROR(MakeDirs(db_dir, 0700));

  // Static bearer tokens are read before anything is written.
  Authenticator authn;
  if (!options_.token_auth_file.empty()) {
    auto a = Authenticator::FromTokenFile(options_.token_auth_file);
    if (!a) return a.error().WithContext("--token-auth-file");
    authn = std::move(*a);
  }

  // The store first: a database it refuses must leave the data directory as it was.
  store::StoreOptions so;
  so.path = options_.db_path;
  so.history_window = std::chrono::seconds(options_.history_window_seconds);
  store_ = std::make_unique<store::Store>(so, clock_);
  ORCHD_RETURN_IF_ERROR(store_->Start());

  // The serving certificate names every way clients reach this server.
  PkiOptions po;
  po.dir = options_.data_dir + "/server/tls";
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) == 0 && host[0] != '\0') po.dns_names.emplace_back(host);
  for (const std::string& d : {std::string("kubernetes"), std::string("kubernetes.default"),
                               std::string("kubernetes.default.svc"),
                               "kubernetes.default.svc." + options_.cluster_domain}) {
    po.dns_names.push_back(d);
  }
  for (const auto& san : options_.tls_san) {
    if (ParseIp(san)) {
      po.ip_addresses.push_back(san);
    } else {
      po.dns_names.push_back(san);
    }
  }
  if (!options_.advertise_address.empty()) po.ip_addresses.push_back(options_.advertise_address);
  if (options_.bind_address != "0.0.0.0" && options_.bind_address != "::") {
    po.ip_addresses.push_back(options_.bind_address);
  }
  {
    auto net = ParseCidr(options_.service_cidr);  // validated by ParseServerOptions
    if (net && !net->address.v6) {
      IpAddress ip = net->address;
      ip.bytes[3] = static_cast<uint8_t>(ip.bytes[3] + 1);
      po.ip_addresses.push_back(ip.ToString());
    }
  }
  ORCHD_ASSIGN_OR_RETURN(PkiFiles pki, EnsurePki(po, clock_));
  ORCHD_RETURN_IF_ERROR(WriteTokens(pki.ca_cert));

  ApiServerOptions ao;
  ao.bind_address = options_.bind_address;
  ao.port = options_.port;
  ao.advertise_address =
      options_.advertise_address.empty() ? "127.0.0.1" : options_.advertise_address;
  ORCHD_ASSIGN_OR_RETURN(ao.cert_pem, ReadFile(pki.server_cert));
  ORCHD_ASSIGN_OR_RETURN(ao.key_pem, ReadFile(pki.server_key));
  ORCHD_ASSIGN_OR_RETURN(ao.client_ca_pem, ReadFile(pki.ca_cert));
  ao.service_cidr = options_.service_cidr;
  ao.event_ttl_seconds = options_.event_ttl_seconds;
  ao.authenticator = std::move(authn);
  api_ = std::make_unique<ApiServer>(std::move(ao), *store_, clock_);
  ORCHD_RETURN_IF_ERROR(api_->Start());

  if (!options_.write_kubeconfig.empty()) {
    std::string url = fmt::format("https://127.0.0.1:{}", api_->port());
    ORCHD_ASSIGN_OR_RETURN(std::string kubeconfig, AdminKubeconfig(url, pki));
    std::string dir =
        options_.write_kubeconfig.substr(0, options_.write_kubeconfig.find_last_of('/'));
    if (!dir.empty()) ORCHD_RETURN_IF_ERROR(MakeDirs(dir, 0755));
    ORCHD_RETURN_IF_ERROR(WriteFileAtomic(options_.write_kubeconfig, kubeconfig,
                                          static_cast<mode_t>(options_.kubeconfig_mode))
                              .WithContext("--write-kubeconfig"));
  }
  return Status::Ok();
}

// The join token: --token when given (a bare secret or a full K10 token), else the one written
// at the first start, else a new random secret. Written to token and node-token (0600).
Status Server::WriteTokens(const std::string& ca_cert) {
  std::string token_path = options_.data_dir + "/server/token";
  std::string secret = options_.token;
  if (auto pos = secret.find("::server:"); pos != std::string::npos) {
    secret = secret.substr(pos + 9);
  }
  if (secret.empty() && PathExists(token_path)) {
    ORCHD_ASSIGN_OR_RETURN(std::string existing, ReadFile(token_path));
    auto pos = existing.find("::server:");
    if (pos != std::string::npos) {
      secret = existing.substr(pos + 9);
      while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    }
  }
  if (secret.empty()) {
    ORCHD_ASSIGN_OR_RETURN(secret, RandomSecret(16));
  }
  ORCHD_ASSIGN_OR_RETURN(std::string token, JoinToken(ca_cert, secret));
  token += "\n";
  ORCHD_RETURN_IF_ERROR(WriteFileAtomic(token_path, token, 0600));
  return WriteFileAtomic(options_.data_dir + "/server/node-token", token, 0600);
}

void Server::Stop() {
  if (api_) api_->Stop();
  if (store_) store_->Stop();
}

int RunServerCommand(std::span<const std::string> args) {
  bool help = false;
  std::string usage;
  auto options = ParseServerOptions(args, &help, &usage);
  if (!options) {
    std::fprintf(stderr, "orchd server: %s\n", options.error().message().c_str());
    return 2;
  }
  if (help) {
    std::fputs(usage.c_str(), stdout);
    return 0;
  }
  SetLogLevel(ParseLogLevel(options->log_level).value_or(LogLevel::kInfo));  // validated above

  // Block the stop signals in every thread (threads inherit the mask) and take them with
  // sigwait below, so no handler runs at an arbitrary point.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  RealClock clock;
  Server server(*options, clock);
  if (Status s = server.Start(); !s.ok()) {
    std::fprintf(stderr, "orchd server: %s\n", s.message().c_str());
    return 1;
  }
  LOG_INFO("orchd server {} ready: https://{}:{}, data dir {}, store revision {}",
           Version().version, options->bind_address, server.api_port(), options->data_dir,
           server.store().CurrentRevision());
  // Type=notify units (scripts/install.sh) start their dependents only after this.
  if (Status s = NotifySystemd(fmt::format("READY=1\nSTATUS=serving on {}:{}",
                                           options->bind_address, server.api_port()));
      !s.ok()) {
    LOG_WARN("{}", s.message());
  }

  int sig = 0;
  sigwait(&stop_signals, &sig);
  LOG_INFO("received {}, stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  NotifySystemd("STOPPING=1").IgnoreError();
  server.Stop();
  LOG_INFO("orchd server stopped");
  return 0;
}

}  // namespace orchd::server
