#include "server/kubectl_command.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "common/process.h"
#include "server/options.h"

namespace orchd::server {

int RunKubectlCommand(std::span<const std::string> args) {
  // Two orchd binaries in PATH (each passing over only itself) would exec each other forever.
  if (std::getenv("ORCHD_KUBECTL_EXEC") != nullptr) {
    std::fputs("orchd kubectl: the kubectl found in PATH is another orchd; install kubectl\n",
               stderr);
    return 1;
  }
  // /proc/self/exe names this binary, so a `kubectl -> orchd` link is not taken for kubectl.
  std::string kubectl = FindInPath("kubectl", "/proc/self/exe");
  if (kubectl.empty()) {
    std::fputs(
        "orchd kubectl: no kubectl found in PATH (orchd does not bundle one; install it, e.g. "
        "apt-get install kubernetes-client)\n",
        stderr);
    return 1;
  }
  const char* env = std::getenv("KUBECONFIG");
  bool flag = std::any_of(args.begin(), args.end(),
                          [](const std::string& a) { return a.starts_with("--kubeconfig"); });
  if (!flag && (env == nullptr || *env == '\0')) {
    const char* configured = std::getenv("ORCHD_WRITE_KUBECONFIG");
    std::string path = configured && *configured ? configured : ServerOptions().write_kubeconfig;
    if (::access(path.c_str(), F_OK) == 0) {
      if (::access(path.c_str(), R_OK) != 0) {
        std::fprintf(stderr, "orchd kubectl: cannot read %s: %s (run as root, or set KUBECONFIG)\n",
                     path.c_str(), std::strerror(errno));
        return 1;
      }
      ::setenv("KUBECONFIG", path.c_str(), 1);
    }
  }
  ::setenv("ORCHD_KUBECTL_EXEC", "1", 1);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>("kubectl"));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(kubectl.c_str(), argv.data());
  std::fprintf(stderr, "orchd kubectl: run %s: %s\n", kubectl.c_str(), std::strerror(errno));
  return 1;
}

}  // namespace orchd::server
