#include "agent/host_view.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>

#include "common/fs.h"
#include "common/unique_handle.h"

namespace orchd::agent {
namespace {

class LiveHost final : public HostView {
 public:
  Result<std::string> ReadFile(const std::string& path) const override {
    return orchd::ReadFile(path);
  }
  bool Exists(const std::string& path) const override {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
  }
  std::string FindProgram(std::string_view name) const override {
    // Daemons and root shells have sbin in PATH; a user's check-config run may not.
    std::string found = FindInPath(name);
    for (const char* dir : {"/usr/local/sbin", "/usr/sbin", "/sbin"}) {
      if (!found.empty()) break;
      std::string candidate = fmt::format("{}/{}", dir, name);
      if (::access(candidate.c_str(), X_OK) == 0) found = candidate;
    }
    return found;
  }
  Result<CommandOutput> Run(std::span<const std::string> argv) const override {
    RunOptions options;
    options.max_output = 16 << 20;  // a decompressed kernel config is ~300 KB
    return RunCommand(argv, options);
  }
  Status ProbeTcpPort(uint16_t port) const override {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return ErrnoStatus(errno, "socket");
    int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
      return ErrnoStatus(errno, fmt::format("bind port {}", port));
    }
    return Status::Ok();
  }
  std::string KernelRelease() const override { return Uname().release; }
  std::string Machine() const override { return Uname().machine; }
  bool IsRoot() const override { return ::geteuid() == 0; }

 private:
  static utsname Uname() {
    utsname u{};
    ::uname(&u);
    return u;
  }
};

}  // namespace

std::unique_ptr<HostView> NewLiveHost() { return std::make_unique<LiveHost>(); }

}  // namespace orchd::agent
