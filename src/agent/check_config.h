// The host checks of `orchd check-config`: kernel features, cgroups, runc, iptables, ports,
// routes and swap, each reported as one line with what to do when it fails.
//
// Contract: RunHostChecks only reads through the HostView (no changes to the host). A kFail is
// something orchd cannot run without (the command exits non-zero); a kWarn works but is not
// what orchd or Kubernetes expects. Pure functions of their inputs; thread-compatible.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "agent/host_view.h"
#include "common/ipnet.h"

namespace orchd::agent {

enum class Outcome { kOk, kWarn, kFail };

struct Check {
  std::string name;  // "cgroup memory"
  Outcome outcome = Outcome::kOk;
  std::string detail;  // what was found: "v1 (hybrid: cgroup2 also at /sys/fs/cgroup/unified)"
  std::string fix;     // what to do, for kWarn and kFail
};

struct CheckConfigOptions {
  IpNet cluster_cidr;  // pod network; routes overlapping it are reported
  IpNet service_cidr;
  uint16_t api_port = 6443;
  uint16_t kubelet_port = 10250;
};

std::vector<Check> RunHostChecks(const HostView& host, const CheckConfigOptions& options);

// One line per check, then a summary line.
std::string FormatChecks(std::span<const Check> checks);

// True when no check failed.
bool AllRequiredPresent(std::span<const Check> checks);

// `orchd check-config [--cluster-cidr C] [--service-cidr C] [--https-listen-port P]`:
// exit 0 when nothing required is missing, 1 otherwise, 2 on bad flags.
int RunCheckConfigCommand(std::span<const std::string> args);

}  // namespace orchd::agent
