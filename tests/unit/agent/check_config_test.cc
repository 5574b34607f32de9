#include "agent/check_config.h"

#include <catch2/catch.hpp>
#include <map>
#include <set>

namespace orchd::agent {
namespace {

// A host made of strings: files, programs and their --version output, busy ports.
class FakeHost final : public HostView {
 public:
  std::map<std::string, std::string> files;
  std::set<std::string> dirs;  // paths that exist without contents (/sys/module/x, /proc/self/ns/y)
  std::map<std::string, std::string> programs;   // name -> path
  std::map<std::string, CommandOutput> outputs;  // "path arg..." -> output
  std::set<uint16_t> busy_ports;
  std::string release = "6.1.0-18-amd64";
  std::string machine = "x86_64";
  bool root = true;

  Result<std::string> ReadFile(const std::string& path) const override {
    auto it = files.find(path);
    if (it == files.end())
      return Error(Code::kNotFound, "open {}: No such file or directory", path);
    return it->second;
  }
  bool Exists(const std::string& path) const override {
    return files.contains(path) || dirs.contains(path);
  }
  std::string FindProgram(std::string_view name) const override {
    auto it = programs.find(std::string(name));
    return it == programs.end() ? "" : it->second;
  }
  Result<CommandOutput> Run(std::span<const std::string> argv) const override {
    std::string key;
    for (const auto& a : argv) key += (key.empty() ? "" : " ") + a;
    auto it = outputs.find(key);
    if (it == outputs.end()) return Error(Code::kNotFound, "{}: not found", argv[0]);
    return it->second;
  }
  Status ProbeTcpPort(uint16_t port) const override {
    if (busy_ports.contains(port)) {
      return Error(Code::kInternalError, "bind port {}: Address already in use", port);
    }
    return Status::Ok();
  }
  std::string KernelRelease() const override { return release; }
  std::string Machine() const override { return machine; }
  bool IsRoot() const override { return root; }
};

// A Debian 12 host with cgroup v1 hybrid mounts (like the CI machine), everything present.
FakeHost HybridHost() {
  FakeHost h;
  for (const char* ns : {"mnt", "uts", "ipc", "pid", "net", "user", "cgroup"}) {
    h.dirs.insert(std::string("/proc/self/ns/") + ns);
  }
  h.files["/proc/mounts"] =
      "sysfs /sys sysfs rw 0 0\n"
      "tmpfs /sys/fs/cgroup tmpfs rw,mode=755 0 0\n"
      "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,nsdelegate 0 0\n"
      "cgroup /sys/fs/cgroup/systemd cgroup rw,xattr,name=systemd 0 0\n"
      "cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,cpu,cpuacct 0 0\n"
      "cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n"
      "cgroup /sys/fs/cgroup/cpuset cgroup rw,cpuset 0 0\n"
      "cgroup /sys/fs/cgroup/devices cgroup rw,devices 0 0\n"
      "cgroup /sys/fs/cgroup/freezer cgroup rw,freezer 0 0\n"
      "cgroup /sys/fs/cgroup/pids cgroup rw,pids 0 0\n"
      "cgroup /sys/fs/cgroup/blkio cgroup rw,blkio 0 0\n";
  h.files["/proc/cgroups"] =
      "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
      "cpuset\t3\t1\t1\ncpu\t1\t1\t1\ncpuacct\t1\t1\t1\nblkio\t7\t1\t1\nmemory\t4\t68\t1\n"
      "devices\t5\t1\t1\nfreezer\t6\t1\t1\npids\t8\t1\t1\n";
  h.files["/proc/cmdline"] = "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet\n";
  h.files["/proc/filesystems"] = "nodev\tsysfs\nnodev\toverlay\n\text4\n";
  h.files["/boot/config-6.1.0-18-amd64"] =
      "CONFIG_OVERLAY_FS=m\nCONFIG_BRIDGE=m\nCONFIG_VETH=m\nCONFIG_VXLAN=m\n"
      "CONFIG_BRIDGE_NETFILTER=m\nCONFIG_NF_CONNTRACK=m\nCONFIG_NF_NAT=m\n"
      "CONFIG_NETFILTER_XT_TARGET_MASQUERADE=m\nCONFIG_NETFILTER_XT_MATCH_CONNTRACK=m\n"
      "CONFIG_NETFILTER_XT_MATCH_ADDRTYPE=m\nCONFIG_POSIX_MQUEUE=y\nCONFIG_SECCOMP=y\n";
  h.programs["runc"] = "/usr/sbin/runc";
  h.outputs["/usr/sbin/runc --version"] = {0, "runc version 1.1.5+ds1\ncommit: 1.1.5\n"};
  h.programs["iptables"] = "/usr/sbin/iptables";
  h.outputs["/usr/sbin/iptables --version"] = {0, "iptables v1.8.9 (nf_tables)\n"};
  h.files["/proc/net/route"] =
      "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
      "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
      "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";
  h.files["/proc/swaps"] = "Filename\tType\tSize\tUsed\tPriority\n";
  h.files["/proc/sys/net/ipv4/ip_forward"] = "0\n";
  return h;
}

CheckConfigOptions Defaults() {
  CheckConfigOptions o;
  o.cluster_cidr = *ParseCidr("10.42.0.0/16");
  o.service_cidr = *ParseCidr("10.43.0.0/16");
  return o;
}

// By value: callers pass temporaries.
Check Find(const std::vector<Check>& checks, std::string_view name) {
  for (const auto& c : checks) {
    if (c.name == name) return c;
  }
  FAIL("no check named " << name);
  return {};
}

TEST_CASE("check-config: a complete cgroup v1 hybrid host passes", "[check_config]") {
  FakeHost h = HybridHost();
  auto checks = RunHostChecks(h, Defaults());
  INFO(FormatChecks(checks));
  CHECK(AllRequiredPresent(checks));
  CHECK(Find(checks, "cgroups").detail.starts_with("v1 (hybrid"));
  CHECK(Find(checks, "cgroups").detail.find("/sys/fs/cgroup/unified") != std::string::npos);
  CHECK(Find(checks, "cgroup memory").outcome == Outcome::kOk);
  CHECK(Find(checks, "runc").detail == "1.1.5+ds1 (/usr/sbin/runc)");
  CHECK(Find(checks, "iptables").detail == "v1.8.9, nf_tables mode (/usr/sbin/iptables)");
  CHECK(Find(checks, "vxlan").detail == "module vxlan (CONFIG_VXLAN=m), loaded when needed");
  CHECK(Find(checks, "kernel config").detail == "read from /boot/config-6.1.0-18-amd64");
  CHECK(Find(checks, "nftables").outcome == Outcome::kOk);  // optional, absent
  std::string report = FormatChecks(checks);
  CHECK(report.ends_with("check-config: nothing required is missing (0 warnings)\n"));
}

TEST_CASE("check-config: cgroup v2 unified host", "[check_config]") {
  FakeHost h = HybridHost();
  h.files["/proc/mounts"] = "cgroup2 /sys/fs/cgroup cgroup2 rw,nsdelegate 0 0\n";
  h.files["/sys/fs/cgroup/cgroup.controllers"] = "cpuset cpu io memory hugetlb pids rdma misc\n";
  auto checks = RunHostChecks(h, Defaults());
  INFO(FormatChecks(checks));
  CHECK(AllRequiredPresent(checks));
  CHECK(Find(checks, "cgroups").detail == "v2 (unified hierarchy at /sys/fs/cgroup)");
  CHECK(Find(checks, "cgroup controllers").detail == "cpu cpuset pids io");

  SECTION("memory not delegated to the root") {
    h.files["/sys/fs/cgroup/cgroup.controllers"] = "cpuset cpu io pids\n";
    checks = RunHostChecks(h, Defaults());
    CHECK(Find(checks, "cgroup memory").outcome == Outcome::kFail);
    CHECK_FALSE(AllRequiredPresent(checks));
  }
}

TEST_CASE("check-config: a Raspberry Pi without the memory cgroup fails and says how to fix it",
          "[check_config]") {
  FakeHost h = HybridHost();
  h.machine = "aarch64";
  h.files["/proc/cgroups"] =
      "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
      "cpuset\t3\t1\t1\ncpu\t1\t1\t1\ncpuacct\t1\t1\t1\nblkio\t7\t1\t1\nmemory\t0\t68\t0\n"
      "devices\t5\t1\t1\nfreezer\t6\t1\t1\npids\t8\t1\t1\n";
  h.files["/proc/cmdline"] = "console=serial0,115200 cgroup_disable=memory root=PARTUUID=1 rw\n";
  auto checks = RunHostChecks(h, Defaults());
  Check mem = Find(checks, "cgroup memory");
  CHECK(mem.outcome == Outcome::kFail);
  CHECK(mem.detail ==
        "missing: disabled in the kernel (the kernel command line has cgroup_disable=memory)");
  CHECK(mem.fix.find("cgroup_memory=1 cgroup_enable=memory") != std::string::npos);
  CHECK(mem.fix.find("/boot/firmware/cmdline.txt") != std::string::npos);
  CHECK_FALSE(AllRequiredPresent(checks));
  std::string report = FormatChecks(checks);
  CHECK(report.find("FAIL cgroup memory ") != std::string::npos);
  CHECK(report.ends_with("check-config: 1 required check failed (cgroup memory), 0 warnings\n"));
}

TEST_CASE("check-config: programs missing or too old", "[check_config]") {
  FakeHost h = HybridHost();
  SECTION("no runc") {
    h.programs.erase("runc");
    auto checks = RunHostChecks(h, Defaults());
    CHECK(Find(checks, "runc").outcome == Outcome::kFail);
    CHECK(Find(checks, "runc").fix.find("apt-get install runc") != std::string::npos);
  }
  SECTION("old runc warns") {
    h.outputs["/usr/sbin/runc --version"] = {0, "runc version 1.0.0-rc93\n"};
    auto checks = RunHostChecks(h, Defaults());
    CHECK(Find(checks, "runc").outcome == Outcome::kWarn);
    CHECK(AllRequiredPresent(checks));
  }
  SECTION("runc that does not run") {
    h.outputs["/usr/sbin/runc --version"] = {127, "exec format error\n"};
    CHECK(Find(RunHostChecks(h, Defaults()), "runc").outcome == Outcome::kFail);
  }
  SECTION("a version that cannot be read is reported, not judged old") {
    h.outputs["/usr/sbin/runc --version"] = {0, "runc version unknown\n"};
    Check runc = Find(RunHostChecks(h, Defaults()), "runc");
    CHECK(runc.outcome == Outcome::kOk);
    CHECK(runc.detail == "unknown (/usr/sbin/runc); version not understood");
  }
  SECTION("legacy iptables") {
    h.outputs["/usr/sbin/iptables --version"] = {0, "iptables v1.8.7 (legacy)\n"};
    CHECK(Find(RunHostChecks(h, Defaults()), "iptables").detail ==
          "v1.8.7, legacy mode (/usr/sbin/iptables)");
  }
  SECTION("no iptables") {
    h.programs.erase("iptables");
    CHECK(Find(RunHostChecks(h, Defaults()), "iptables").outcome == Outcome::kFail);
  }
}

TEST_CASE("check-config: kernel features from the config, the module list, or the running kernel",
          "[check_config]") {
  FakeHost h = HybridHost();
  SECTION("an option that is not set fails") {
    h.files["/boot/config-6.1.0-18-amd64"] = "CONFIG_OVERLAY_FS=y\n# CONFIG_VXLAN is not set\n";
    auto checks = RunHostChecks(h, Defaults());
    CHECK(Find(checks, "vxlan").outcome == Outcome::kFail);
    CHECK(Find(checks, "vxlan").detail ==
          "missing: CONFIG_VXLAN is not set in /boot/config-6.1.0-18-amd64");
    CHECK(Find(checks, "vxlan").fix.find("--flannel-backend host-gw") != std::string::npos);
    CHECK(Find(checks, "seccomp").outcome == Outcome::kWarn);  // not required
    // netfilter's sysctl directory exists without conntrack (nf_log registers there).
    h.dirs.insert("/proc/sys/net/netfilter");
    CHECK(Find(RunHostChecks(h, Defaults()), "conntrack").outcome == Outcome::kFail);
  }
  SECTION("a loaded module needs no config") {
    h.files.erase("/boot/config-6.1.0-18-amd64");
    h.dirs.insert("/sys/module/vxlan");
    CHECK(Find(RunHostChecks(h, Defaults()), "vxlan").detail == "loaded");
  }
  SECTION("/proc/config.gz is read through gzip") {
    h.files.erase("/boot/config-6.1.0-18-amd64");
    h.files["/proc/config.gz"] = "(gzip data)";
    h.outputs["gzip -dc /proc/config.gz"] = {0, "CONFIG_VXLAN=y\n"};
    auto checks = RunHostChecks(h, Defaults());
    CHECK(Find(checks, "kernel config").detail == "read from /proc/config.gz");
    CHECK(Find(checks, "vxlan").detail == "built in (CONFIG_VXLAN=y)");
  }
  SECTION("without a config, the module index decides; without either, a warning") {
    h.files.erase("/boot/config-6.1.0-18-amd64");
    h.files["/lib/modules/6.1.0-18-amd64/modules.dep"] =
        "kernel/drivers/net/vxlan/vxlan.ko.xz: kernel/net/ipv4/udp_tunnel.ko.xz\n";
    h.files["/lib/modules/6.1.0-18-amd64/modules.builtin"] = "kernel/drivers/net/veth.ko\n";
    auto checks = RunHostChecks(h, Defaults());
    CHECK(Find(checks, "vxlan").detail == "module vxlan, loaded when needed");
    CHECK(Find(checks, "veth").detail == "built in");
    CHECK(Find(checks, "bridge").outcome == Outcome::kWarn);
    CHECK(Find(checks, "overlayfs").outcome == Outcome::kOk);  // from /proc/filesystems
  }
}

TEST_CASE("check-config: ports, routes and swap", "[check_config]") {
  FakeHost h = HybridHost();
  SECTION("a busy API port fails") {
    h.busy_ports.insert(6443);
    auto checks = RunHostChecks(h, Defaults());
    CHECK(Find(checks, "port 6443").outcome == Outcome::kFail);
    CHECK(Find(checks, "port 10250").outcome == Outcome::kOk);
  }
  SECTION("the port checked follows the option") {
    h.busy_ports.insert(6443);
    CheckConfigOptions o = Defaults();
    o.api_port = 7443;
    CHECK(Find(RunHostChecks(h, o), "port 7443").outcome == Outcome::kOk);
  }
  SECTION("a route inside the cluster CIDR fails, orchd's own routes do not") {
    h.files["/proc/net/route"] +=
        "eth1\t00052A0A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"    // 10.42.5.0/24
        "orchd0\t00002A0A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n"  // 10.42.0.0/16
        "eth2\t0000000A\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0\n";   // 10.0.0.0/8
    Check routes = Find(RunHostChecks(h, Defaults()), "routes");
    CHECK(routes.outcome == Outcome::kFail);
    CHECK(routes.detail == "10.42.5.0/24 dev eth1 overlaps --cluster-cidr 10.42.0.0/16");
  }
  SECTION("a broader LAN route around the ranges only warns") {
    h.files["/proc/net/route"] +=
        "eth2\t0000000A\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0\n";  // 10.0.0.0/8
    auto checks = RunHostChecks(h, Defaults());
    Check routes = Find(checks, "routes");
    CHECK(routes.outcome == Outcome::kWarn);
    CHECK(routes.detail ==
          "10.0.0.0/8 dev eth2 contains --cluster-cidr 10.42.0.0/16; "
          "10.0.0.0/8 dev eth2 contains --service-cidr 10.43.0.0/16");
    CHECK(AllRequiredPresent(checks));
  }
  SECTION("swap on warns") {
    h.files["/proc/swaps"] += "/dev/sda2\tpartition\t2097148\t0\t-2\n";
    auto checks = RunHostChecks(h, Defaults());
    CHECK(Find(checks, "swap").outcome == Outcome::kWarn);
    CHECK(Find(checks, "swap").detail == "on: /dev/sda2");
    CHECK(AllRequiredPresent(checks));
    CHECK(FormatChecks(checks).ends_with("nothing required is missing (1 warning)\n"));
  }
  SECTION("not root warns") {
    h.root = false;
    CHECK(Find(RunHostChecks(h, Defaults()), "user").outcome == Outcome::kWarn);
  }
}

}  // namespace
}  // namespace orchd::agent
