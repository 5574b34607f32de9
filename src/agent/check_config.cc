#include "agent/check_config.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <string_view>

#include "common/strings.h"

namespace orchd::agent {
namespace {

Check Ok(std::string name, std::string detail) {
  return Check{std::move(name), Outcome::kOk, std::move(detail), ""};
}
Check Warn(std::string name, std::string detail, std::string fix) {
  return Check{std::move(name), Outcome::kWarn, std::move(detail), std::move(fix)};
}
Check Fail(std::string name, std::string detail, std::string fix) {
  return Check{std::move(name), Outcome::kFail, std::move(detail), std::move(fix)};
}

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// "1.8.9" out of "iptables v1.8.9 (nf_tables)"; {major, minor} or {-1, -1}.
std::pair<int, int> MajorMinor(std::string_view version) {
  if (!version.empty() && version[0] == 'v') version.remove_prefix(1);
  int parts[2] = {-1, -1};
  for (int& part : parts) {
    size_t n = 0;
    while (n < version.size() && version[n] >= '0' && version[n] <= '9') ++n;
    if (n == 0) return {-1, -1};
    part = static_cast<int>(ParseInt64(version.substr(0, n)).value_or(-1));
    version.remove_prefix(n);
    if (!version.empty() && version[0] == '.') version.remove_prefix(1);
  }
  return {parts[0], parts[1]};
}

// The kernel's build configuration, when the host exposes it.
struct KernelConfig {
  std::string source;                        // "/proc/config.gz", or "" when none was found
  std::map<std::string, std::string> value;  // CONFIG_VXLAN -> "y" / "m"
};

KernelConfig LoadKernelConfig(const HostView& host) {
  KernelConfig config;
  std::string text;
  std::string boot = "/boot/config-" + host.KernelRelease();
  if (auto r = host.ReadFile(boot)) {
    text = std::move(*r);
    config.source = boot;
  } else if (host.Exists("/proc/config.gz")) {
    std::vector<std::string> argv = {"gzip", "-dc", "/proc/config.gz"};
    if (auto out = host.Run(argv); out && out->exit_code == 0) {
      text = std::move(out->output);
      config.source = "/proc/config.gz";
    }
  }
  for (std::string_view line : SplitLines(text)) {
    size_t eq = line.find('=');
    if (!line.starts_with("CONFIG_") || eq == std::string_view::npos) continue;
    config.value.emplace(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
  }
  return config;
}

// Modules the running kernel knows of, from /lib/modules/<release>/modules.{builtin,dep}.
struct ModuleIndex {
  std::set<std::string> builtin;
  std::set<std::string> loadable;
};

ModuleIndex LoadModuleIndex(const HostView& host) {
  ModuleIndex index;
  std::string dir = "/lib/modules/" + host.KernelRelease();
  // Lines name "kernel/drivers/net/vxlan/vxlan.ko" (modules.dep adds ": deps"); compressed
  // modules end in .ko.xz / .ko.zst. Names use '_' and '-' interchangeably.
  auto module_name = [](std::string_view path) {
    path = path.substr(0, path.find(':'));
    path = path.substr(path.rfind('/') + 1);
    path = path.substr(0, path.find(".ko"));
    std::string name(path);
    std::replace(name.begin(), name.end(), '-', '_');
    return name;
  };
  if (auto r = host.ReadFile(dir + "/modules.builtin")) {
    for (std::string_view line : SplitLines(*r)) index.builtin.insert(module_name(line));
  }
  if (auto r = host.ReadFile(dir + "/modules.dep")) {
    for (std::string_view line : SplitLines(*r)) index.loadable.insert(module_name(line));
  }
  return index;
}

struct Feature {
  const char* name;
  const char* config;        // the kernel option that builds it
  const char* config_alt;    // its older name, or nullptr
  const char* module;        // its module name, "" when none
  const char* runtime_path;  // a path that exists when it is active, "" when none
  bool required;
  const char* fix;
};

// Kernel features orchd's agent uses: runc's rootfs and namespaces, pod networking (veth,
// bridge, VXLAN overlay), and the service proxy (iptables NAT with conntrack).
constexpr Feature kFeatures[] = {
    {"overlayfs", "CONFIG_OVERLAY_FS", nullptr, "overlay", "", true,
     "modprobe overlay (the orchd unit does this at start), or use a kernel with "
     "CONFIG_OVERLAY_FS"},
    {"bridge", "CONFIG_BRIDGE", nullptr, "bridge", "", true,
     "modprobe bridge, or use a kernel with CONFIG_BRIDGE"},
    {"veth", "CONFIG_VETH", nullptr, "veth", "", true,
     "modprobe veth, or use a kernel with CONFIG_VETH"},
    {"vxlan", "CONFIG_VXLAN", nullptr, "vxlan", "", true,
     "modprobe vxlan, or use a kernel with CONFIG_VXLAN (or run with --flannel-backend host-gw)"},
    {"br_netfilter", "CONFIG_BRIDGE_NETFILTER", nullptr, "br_netfilter", "/proc/sys/net/bridge",
     true,
     "modprobe br_netfilter (the orchd unit does this at start), or use a kernel with "
     "CONFIG_BRIDGE_NETFILTER"},
    {"conntrack", "CONFIG_NF_CONNTRACK", nullptr, "nf_conntrack",
     "/proc/sys/net/netfilter/nf_conntrack_max", true,
     "modprobe nf_conntrack, or use a kernel with CONFIG_NF_CONNTRACK"},
    {"nat", "CONFIG_NF_NAT", nullptr, "nf_nat", "", true,
     "modprobe nf_nat, or use a kernel with CONFIG_NF_NAT"},
    {"masquerade", "CONFIG_NETFILTER_XT_TARGET_MASQUERADE", "CONFIG_IP_NF_TARGET_MASQUERADE",
     "xt_MASQUERADE", "", true, "use a kernel with CONFIG_NETFILTER_XT_TARGET_MASQUERADE"},
    {"xt_conntrack", "CONFIG_NETFILTER_XT_MATCH_CONNTRACK", nullptr, "xt_conntrack", "", true,
     "modprobe xt_conntrack, or use a kernel with CONFIG_NETFILTER_XT_MATCH_CONNTRACK"},
    {"xt_addrtype", "CONFIG_NETFILTER_XT_MATCH_ADDRTYPE", nullptr, "xt_addrtype", "", true,
     "modprobe xt_addrtype, or use a kernel with CONFIG_NETFILTER_XT_MATCH_ADDRTYPE"},
    {"posix mqueue", "CONFIG_POSIX_MQUEUE", nullptr, "", "/proc/sys/fs/mqueue", true,
     "use a kernel with CONFIG_POSIX_MQUEUE (runc mounts /dev/mqueue in every pod)"},
    {"seccomp", "CONFIG_SECCOMP", nullptr, "", "", false,
     "use a kernel with CONFIG_SECCOMP to run pods with a RuntimeDefault seccomp profile"},
};

Check CheckFeature(const HostView& host, const Feature& f, const KernelConfig& config,
                   const ModuleIndex& modules, std::string_view filesystems) {
  std::string module = f.module;
  if (std::string_view(f.name) == "overlayfs" &&
      filesystems.find("\toverlay\n") != std::string::npos) {
    return Ok(f.name, "available (in /proc/filesystems)");
  }
  if (!module.empty() && host.Exists("/sys/module/" + module)) return Ok(f.name, "loaded");
  if (*f.runtime_path && host.Exists(f.runtime_path)) return Ok(f.name, "available");
  if (!config.source.empty()) {
    for (const char* key : {f.config, f.config_alt}) {
      if (key == nullptr) continue;
      auto it = config.value.find(key);
      if (it == config.value.end()) continue;
      if (it->second == "y") return Ok(f.name, fmt::format("built in ({}=y)", key));
      if (it->second == "m") {
        return Ok(f.name, fmt::format("module {} ({}=m), loaded when needed", module, key));
      }
    }
    std::string detail = fmt::format("missing: {} is not set in {}", f.config, config.source);
    return f.required ? Fail(f.name, detail, f.fix) : Warn(f.name, detail, f.fix);
  }
  if (!module.empty() && modules.builtin.contains(module)) return Ok(f.name, "built in");
  if (!module.empty() && modules.loadable.contains(module)) {
    return Ok(f.name, fmt::format("module {}, loaded when needed", module));
  }
  return Warn(f.name, "could not tell: not loaded, and no kernel config or module list to read",
              f.fix);
}

Check CheckKernel(const HostView& host) {
  std::string release = host.KernelRelease();
  std::string detail = fmt::format("{} ({})", release, host.Machine());
  auto [major, minor] = MajorMinor(release);
  if (major >= 0 && (major < 4 || (major == 4 && minor < 15))) {
    return Warn("kernel", detail + ": older than 4.15",
                "upgrade the kernel: orchd is tested on 5.10 and newer; older kernels lack cgroup "
                "and overlayfs features pods need");
  }
  return Ok("kernel", detail);
}

Check CheckNamespaces(const HostView& host) {
  std::vector<std::string> have, missing;
  for (const char* ns : {"mnt", "uts", "ipc", "pid", "net", "user", "cgroup"}) {
    bool required = std::strcmp(ns, "user") != 0 && std::strcmp(ns, "cgroup") != 0;
    if (host.Exists(fmt::format("/proc/self/ns/{}", ns))) {
      have.emplace_back(ns);
    } else if (required) {
      missing.emplace_back(ns);
    }
  }
  if (!missing.empty()) {
    return Fail("namespaces", "missing: " + Join(missing, " "),
                "use a kernel with CONFIG_NAMESPACES and the matching CONFIG_<NS>_NS options");
  }
  return Ok("namespaces", Join(have, " "));
}

// Cgroup mounts from /proc/mounts: v1 hierarchies with their controllers, and cgroup2 mounts.
struct CgroupMounts {
  std::map<std::string, std::string> v1_controller_mount;  // "memory" -> "/sys/fs/cgroup/memory"
  std::vector<std::string> v2_mounts;
  bool any_v1 = false;
};

CgroupMounts ReadCgroupMounts(std::string_view mounts) {
  CgroupMounts out;
  for (std::string_view line : SplitLines(mounts)) {
    auto f = Fields(line);
    if (f.size() < 4) continue;
    if (f[2] == "cgroup2") {
      out.v2_mounts.emplace_back(f[1]);
    } else if (f[2] == "cgroup") {
      out.any_v1 = true;
      std::string_view opts = f[3];
      while (!opts.empty()) {
        size_t comma = opts.find(',');
        out.v1_controller_mount.emplace(std::string(opts.substr(0, comma)), std::string(f[1]));
        if (comma == std::string_view::npos) break;
        opts.remove_prefix(comma + 1);
      }
    }
  }
  return out;
}

void CheckCgroups(const HostView& host, std::vector<Check>& out) {
  std::string mounts_text = host.ReadFile("/proc/mounts").value_or("");
  CgroupMounts mounts = ReadCgroupMounts(mounts_text);
  bool unified = std::find(mounts.v2_mounts.begin(), mounts.v2_mounts.end(), "/sys/fs/cgroup") !=
                 mounts.v2_mounts.end();
  if (!unified && !mounts.any_v1) {
    out.push_back(Fail("cgroups", "no cgroup file system is mounted",
                       "mount the cgroup file systems (systemd and OpenRC do this at boot; in a "
                       "container, run it privileged with /sys/fs/cgroup mounted)"));
    return;
  }
  if (unified) {
    out.push_back(Ok("cgroups", "v2 (unified hierarchy at /sys/fs/cgroup)"));
  } else if (!mounts.v2_mounts.empty()) {
    out.push_back(Ok("cgroups", fmt::format("v1 (hybrid: v1 controllers, cgroup2 also at {}); "
                                            "pods use the v1 controllers",
                                            mounts.v2_mounts.front())));
  } else {
    out.push_back(Ok("cgroups", "v1 (legacy hierarchies only)"));
  }

  // Controllers the kernel has enabled: /proc/cgroups ("memory 4 68 1": name, hierarchy,
  // count, enabled); a boot option such as cgroup_disable=memory turns the last column to 0.
  std::map<std::string, bool> enabled;
  const std::string proc_cgroups = host.ReadFile("/proc/cgroups").value_or("");
  for (std::string_view line : SplitLines(proc_cgroups)) {
    auto f = Fields(line);
    if (f.size() >= 4 && !f[0].starts_with('#')) enabled[std::string(f[0])] = f[3] == "1";
  }
  std::set<std::string> v2_available;
  if (unified) {
    const std::string controllers = host.ReadFile("/sys/fs/cgroup/cgroup.controllers").value_or("");
    for (auto c : Fields(controllers)) {
      v2_available.emplace(c);
    }
  }
  // Usable: enabled in the kernel and, on v1, mounted; on v2, listed at the root.
  auto usable = [&](const std::string& c) {
    if (unified) return v2_available.contains(c);
    auto it = enabled.find(c);
    return it != enabled.end() && it->second && mounts.v1_controller_mount.contains(c);
  };

  std::string cmdline = host.ReadFile("/proc/cmdline").value_or("");
  if (usable("memory")) {
    out.push_back(Ok("cgroup memory", "enabled"));
  } else {
    std::string why = enabled.contains("memory") && !enabled["memory"]
                          ? "disabled in the kernel"
                          : (unified ? "not available at /sys/fs/cgroup" : "not mounted");
    if (cmdline.find("cgroup_disable=memory") != std::string::npos) {
      why += " (the kernel command line has cgroup_disable=memory)";
    }
    out.push_back(Fail(
        "cgroup memory", "missing: " + why,
        "add \"cgroup_memory=1 cgroup_enable=memory\" to the kernel command line and reboot; on a "
        "Raspberry Pi append it to the single line in /boot/firmware/cmdline.txt (older "
        "Raspberry Pi OS: /boot/cmdline.txt)"));
  }

  std::vector<std::string> wanted =
      unified ? std::vector<std::string>{"cpu", "cpuset", "pids", "io"}
              : std::vector<std::string>{"cpu",     "cpuacct", "cpuset", "devices",
                                         "freezer", "pids",    "blkio"};
  std::vector<std::string> have, missing;
  for (const auto& c : wanted) (usable(c) ? have : missing).push_back(c);
  // io/blkio only limits disk bandwidth; the rest is what runc's pod cgroups are made of.
  bool only_io_missing = std::all_of(missing.begin(), missing.end(), [](const std::string& c) {
    return c == "io" || c == "blkio";
  });
  if (missing.empty()) {
    out.push_back(Ok("cgroup controllers", Join(have, " ")));
  } else if (only_io_missing) {
    out.push_back(Warn(
        "cgroup controllers", fmt::format("{}; missing: {}", Join(have, " "), Join(missing, " ")),
        "enable the controller in the kernel (CONFIG_BLK_CGROUP) to limit disk I/O"));
  } else {
    out.push_back(Fail("cgroup controllers", "missing: " + Join(missing, " "),
                       "use a kernel with these cgroup controllers enabled and mounted (systemd "
                       "mounts every enabled controller)"));
  }
}

// `prog --version`'s first line, or the failure.
Result<std::string> VersionLine(const HostView& host, const std::string& path) {
  std::vector<std::string> argv = {path, "--version"};
  ORCHD_ASSIGN_OR_RETURN(auto out, host.Run(argv));
  if (out.exit_code != 0) {
    return Error(Code::kInternalError, "{} --version exited with {}", path, out.exit_code);
  }
  auto lines = SplitLines(out.output);
  if (lines.empty()) return Error(Code::kInternalError, "{} --version printed nothing", path);
  return std::string(lines[0]);
}

Check CheckRunc(const HostView& host) {
  std::string path = host.FindProgram("runc");
  const char* install = "install runc (Debian, Ubuntu, Raspberry Pi OS: apt-get install runc)";
  if (path.empty()) return Fail("runc", "missing: not found in PATH", install);
  auto line = VersionLine(host, path);
  if (!line)
    return Fail("runc", fmt::format("{} does not run: {}", path, line.error().message()), install);
  // "runc version 1.1.5+ds1"
  auto f = Fields(*line);
  std::string version = f.size() >= 3 ? std::string(f[2]) : *line;
  auto [major, minor] = MajorMinor(version);
  std::string detail = fmt::format("{} ({})", version, path);
  if (major < 0) return Ok("runc", detail + "; version not understood");
  if (major < 1 || (major == 1 && minor < 1)) {
    return Warn("runc", detail + ": older than 1.1", "upgrade runc to 1.1 or newer");
  }
  return Ok("runc", detail);
}

Check CheckIptables(const HostView& host) {
  std::string path = host.FindProgram("iptables");
  const char* install = "install iptables (Debian, Ubuntu: apt-get install iptables)";
  if (path.empty()) return Fail("iptables", "missing: not found in PATH", install);
  auto line = VersionLine(host, path);
  if (!line) {
    return Fail("iptables", fmt::format("{} does not run: {}", path, line.error().message()),
                install);
  }
  // "iptables v1.8.9 (nf_tables)" or "iptables v1.8.7 (legacy)"; before 1.8 no mode is printed.
  auto f = Fields(*line);
  std::string version = f.size() >= 2 ? std::string(f[1]) : *line;
  std::string mode = f.size() >= 3 ? std::string(f[2]) : "legacy";
  if (mode.size() > 2 && mode.front() == '(' && mode.back() == ')')
    mode = mode.substr(1, mode.size() - 2);
  std::string detail = fmt::format("{}, {} mode ({})", version, mode, path);
  auto [major, minor] = MajorMinor(version);
  if (major < 0) return Ok("iptables", detail + "; version not understood");
  if (major < 1 || (major == 1 && minor < 8)) {
    return Warn(
        "iptables", detail + ": older than 1.8",
        "upgrade iptables to 1.8 or newer (older releases lack the locking orchd relies on)");
  }
  return Ok("iptables", detail);
}

Check CheckNftables(const HostView& host) {
  std::string path = host.FindProgram("nft");
  if (path.empty()) return Ok("nftables", "nft not installed (optional: orchd uses iptables)");
  auto line = VersionLine(host, path);
  if (!line) return Ok("nftables", fmt::format("{} does not run (optional)", path));
  auto f = Fields(*line);  // "nftables v1.0.6 (Lester Gooch #5)"
  return Ok("nftables", fmt::format("{} ({})", f.size() >= 2 ? std::string(f[1]) : *line, path));
}

Check CheckPort(const HostView& host, uint16_t port, std::string_view what, std::string_view flag) {
  std::string name = fmt::format("port {}", port);
  Status s = host.ProbeTcpPort(port);
  if (s.ok()) return Ok(name, fmt::format("free ({})", what));
  if (s.message().find("Address already in use") != std::string::npos) {
    return Fail(name, fmt::format("in use: {} cannot listen", what),
                fmt::format("stop what listens there (ss -ltnp 'sport = :{}'; another orchd or "
                            "k3s?) or {}",
                            port, flag));
  }
  return Warn(name, fmt::format("could not check: {}", s.message()), "run check-config as root");
}

uint32_t V4(const IpAddress& a) {
  return (uint32_t{a.bytes[0]} << 24) | (uint32_t{a.bytes[1]} << 16) | (uint32_t{a.bytes[2]} << 8) |
         uint32_t{a.bytes[3]};
}

bool Overlaps(uint32_t a, int a_len, uint32_t b, int b_len) {
  int len = std::min(a_len, b_len);
  if (len == 0) return true;
  uint32_t mask = len >= 32 ? 0xffffffffu : ~(0xffffffffu >> len);
  return (a & mask) == (b & mask);
}

int PrefixLength(uint32_t mask) {
  int n = 0;
  while (n < 32 && (mask & (0x80000000u >> n))) ++n;
  return n;
}

std::string V4String(uint32_t a, int len) {
  return fmt::format("{}.{}.{}.{}/{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, len);
}

// Routes (IPv4, /proc/net/route) that overlap the cluster or service CIDR, other than orchd's own.
// A route inside (or equal to) one of them takes addresses the cluster hands out: a failure. A
// broader route around it (a 10.0.0.0/8 LAN) works, since orchd's routes are more specific and
// service addresses are rewritten before routing, but hides that part of the LAN: a warning.
Check CheckRoutes(const HostView& host, const CheckConfigOptions& options) {
  std::vector<std::string> clashes;
  std::vector<std::string> around;
  auto text = host.ReadFile("/proc/net/route");
  if (!text)
    return Warn("routes", "could not read /proc/net/route", "run check-config on the host");
  bool header = true;
  for (std::string_view line : SplitLines(*text)) {
    if (std::exchange(header, false)) continue;
    auto f = Fields(line);
    if (f.size() < 8) continue;
    std::string_view iface = f[0];
    if (iface.starts_with("orchd")) continue;  // orchd0 and orchd.1 carry the cluster's routes
    // The kernel prints the raw network-order words as host integers, so copying the integer's
    // bytes gives the address bytes on any host.
    auto word = [](std::string_view hex) {
      uint32_t raw = static_cast<uint32_t>(std::strtoul(std::string(hex).c_str(), nullptr, 16));
      unsigned char b[4];
      std::memcpy(b, &raw, 4);
      return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
    };
    uint32_t dest = word(f[1]);
    int len = PrefixLength(word(f[7]));
    if (len == 0) continue;  // the default route overlaps everything by definition
    for (const auto& [net, flag] : {std::pair{&options.cluster_cidr, "--cluster-cidr"},
                                    std::pair{&options.service_cidr, "--service-cidr"}}) {
      if (net->address.v6) continue;
      if (!Overlaps(dest, len, V4(net->address), net->prefix_len)) continue;
      if (len >= net->prefix_len) {
        clashes.push_back(fmt::format("{} dev {} overlaps {} {}", V4String(dest, len), iface, flag,
                                      net->ToString()));
      } else {
        around.push_back(fmt::format("{} dev {} contains {} {}", V4String(dest, len), iface, flag,
                                     net->ToString()));
      }
    }
  }
  if (!clashes.empty()) {
    return Fail("routes", Join(clashes, "; "),
                "choose a --cluster-cidr and --service-cidr that no network of this host uses");
  }
  if (!around.empty()) {
    return Warn("routes", Join(around, "; "),
                "hosts of that network inside the cluster's ranges will be unreachable from pods; "
                "choose other ranges if any exist");
  }
  return Ok("routes", fmt::format("none overlap {} or {}", options.cluster_cidr.ToString(),
                                  options.service_cidr.ToString()));
}

Check CheckSwap(const HostView& host) {
  auto text = host.ReadFile("/proc/swaps");
  if (!text) return Ok("swap", "off (no /proc/swaps)");
  std::vector<std::string> devices;
  bool header = true;
  for (std::string_view line : SplitLines(*text)) {
    if (std::exchange(header, false)) continue;
    auto f = Fields(line);
    if (!f.empty()) devices.emplace_back(f[0]);
  }
  if (devices.empty()) return Ok("swap", "off");
  return Warn("swap", "on: " + Join(devices, " "),
              "swapoff -a (and remove swap from /etc/fstab): like Kubernetes' default, orchd does "
              "not account for swap in pod memory limits");
}

Check CheckIpForward(const HostView& host) {
  std::string v = host.ReadFile("/proc/sys/net/ipv4/ip_forward").value_or("");
  if (v.starts_with('1')) return Ok("ip forwarding", "on");
  return Ok("ip forwarding", "off now; orchd turns net.ipv4.ip_forward on when it starts");
}

}  // namespace

std::vector<Check> RunHostChecks(const HostView& host, const CheckConfigOptions& options) {
  std::vector<Check> out;
  if (!host.IsRoot()) {
    out.push_back(Warn("user", "not root", "run orchd (and this check) as root"));
  }
  out.push_back(CheckKernel(host));
  KernelConfig config = LoadKernelConfig(host);
  out.push_back(Ok("kernel config", config.source.empty()
                                        ? "not found (/boot/config-<release>, /proc/config.gz); "
                                          "features are detected from the running kernel"
                                        : "read from " + config.source));
  out.push_back(CheckNamespaces(host));
  CheckCgroups(host, out);
  ModuleIndex modules = LoadModuleIndex(host);
  std::string filesystems = host.ReadFile("/proc/filesystems").value_or("");
  if (!filesystems.empty() && filesystems.back() != '\n') filesystems += '\n';
  for (const Feature& f : kFeatures) {
    out.push_back(CheckFeature(host, f, config, modules, filesystems));
  }
  out.push_back(CheckRunc(host));
  out.push_back(CheckIptables(host));
  out.push_back(CheckNftables(host));
  out.push_back(CheckPort(host, options.api_port, "the API server",
                          "pass --https-listen-port to orchd server"));
  out.push_back(CheckPort(host, options.kubelet_port, "the agent's kubelet API", "stop it"));
  out.push_back(CheckRoutes(host, options));
  out.push_back(CheckSwap(host));
  out.push_back(CheckIpForward(host));
  return out;
}

std::string FormatChecks(std::span<const Check> checks) {
  std::string out;
  int failed = 0, warned = 0;
  std::vector<std::string> failed_names;
  for (const Check& c : checks) {
    const char* word = c.outcome == Outcome::kOk     ? "ok  "
                       : c.outcome == Outcome::kWarn ? "warn"
                                                     : "FAIL";
    out += fmt::format("{} {:<19} {}", word, c.name, c.detail);
    if (c.outcome != Outcome::kOk && !c.fix.empty()) out += fmt::format(" -> {}", c.fix);
    out += '\n';
    if (c.outcome == Outcome::kFail) {
      ++failed;
      failed_names.push_back(c.name);
    }
    if (c.outcome == Outcome::kWarn) ++warned;
  }
  if (failed == 0) {
    out += fmt::format("check-config: nothing required is missing ({} warning{})\n", warned,
                       warned == 1 ? "" : "s");
  } else {
    out += fmt::format("check-config: {} required check{} failed ({}), {} warning{}\n", failed,
                       failed == 1 ? "" : "s", Join(failed_names, ", "), warned,
                       warned == 1 ? "" : "s");
  }
  return out;
}

bool AllRequiredPresent(std::span<const Check> checks) {
  return std::none_of(checks.begin(), checks.end(),
                      [](const Check& c) { return c.outcome == Outcome::kFail; });
}

}  // namespace orchd::agent
