// `orchd check-config`: flags, the live host, the report.
#include <cstdio>

#include "agent/check_config.h"
#include "common/flags.h"
#include "common/strings.h"

namespace orchd::agent {

int RunCheckConfigCommand(std::span<const std::string> args) {
  // The defaults are the server's; ORCHD_CLUSTER_CIDR etc. (the service's environment file)
  // apply as they do to `orchd server`.
  std::string cluster_cidr = "10.42.0.0/16";
  std::string service_cidr = "10.43.0.0/16";
  std::string port = "6443";
  FlagSet f("check-config");
  f.String("cluster-cidr", &cluster_cidr, "pod network to check routes against");
  f.String("service-cidr", &service_cidr, "service network to check routes against");
  f.String("https-listen-port", &port, "port the API server will listen on");
  if (Status s = f.Parse(args); !s.ok()) {
    std::fprintf(stderr, "orchd check-config: %s\n", s.message().c_str());
    return 2;
  }
  if (f.help_requested()) {
    std::fputs(f.Usage().c_str(), stdout);
    return 0;
  }
  CheckConfigOptions options;
  for (auto [flag, text, target] :
       {std::tuple{"cluster-cidr", &cluster_cidr, &options.cluster_cidr},
        std::tuple{"service-cidr", &service_cidr, &options.service_cidr}}) {
    auto net = ParseCidr(*text);
    if (!net) {
      std::fprintf(stderr, "orchd check-config: invalid %s: %s\n", f.Source(flag).c_str(),
                   net.error().message().c_str());
      return 2;
    }
    *target = *net;
  }
  std::optional<int64_t> p = ParseInt64(port);
  if (!p || *p < 1 || *p > 65535) {
    std::fprintf(stderr, "orchd check-config: invalid %s \"%s\": want a port from 1 to 65535\n",
                 f.Source("https-listen-port").c_str(), port.c_str());
    return 2;
  }
  options.api_port = static_cast<uint16_t>(*p);

  auto host = NewLiveHost();
  std::vector<Check> checks = RunHostChecks(*host, options);
  std::fputs(FormatChecks(checks).c_str(), stdout);
  return AllRequiredPresent(checks) ? 0 : 1;
}

}  // namespace orchd::agent
