// HostView: what `orchd check-config` (and later the agent's start-up checks) read of the host,
// behind an interface so tests hand in a fake host instead of this machine's /proc and /sys.
//
// Contract: every call blocks briefly (file reads, `prog --version` with a 5 s timeout, one
// bind); for command-line paths only, never an event loop. Thread-compatible.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "common/process.h"
#include "common/result.h"

namespace orchd::agent {

class HostView {
 public:
  virtual ~HostView() = default;

  // The contents of a file (/proc, /sys, /boot, /lib/modules); kNotFound when it is absent.
  virtual Result<std::string> ReadFile(const std::string& path) const = 0;
  virtual bool Exists(const std::string& path) const = 0;
  // The absolute path of a program in PATH, or "" when it is not installed.
  virtual std::string FindProgram(std::string_view name) const = 0;
  // Runs a program and returns what it printed (stdout and stderr) and its exit code.
  virtual Result<CommandOutput> Run(std::span<const std::string> argv) const = 0;
  // OK when a TCP listener could bind `port` on every address now; else why not (EADDRINUSE...).
  virtual Status ProbeTcpPort(uint16_t port) const = 0;
  // uname(2): the kernel release ("6.1.0-18-arm64") and machine ("aarch64").
  virtual std::string KernelRelease() const = 0;
  virtual std::string Machine() const = 0;
  virtual bool IsRoot() const = 0;
};

// The machine this process runs on.
std::unique_ptr<HostView> NewLiveHost();

}  // namespace orchd::agent
