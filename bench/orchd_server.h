// OrchdServer: a real `orchd server` as a child process, for benchmarks that measure it from
// outside (api_bench).
//
// Start() makes a fresh scratch directory <parent>/<name>-<pid>-XXXXXX, runs
// `<binary> server --data-dir <dir>/data --bind-address 127.0.0.1 --https-listen-port 0
// --write-kubeconfig <dir>/kubeconfig.yaml --disable-agent` with the caller's environment minus
// ORCHD_* variables (they would act as flags), stdin on /dev/null and stdout and stderr appended to
// <dir>/server.log, waits until the log says "ready: https://...", and reads the admin kubeconfig.
//
// Contract:
//  * Descriptors are O_CLOEXEC; the child gets no descriptor but 0-2 (close_range).
//  * Waits are bounded: 60 s for ready, 20 s after SIGTERM (then SIGKILL).
//  * The object owns the child and the directory: the destructor stops a server still running,
//    reaps it and removes the directory with its contents.
//  * The figures (ReadMemory, CpuSeconds) read /proc/<pid>: any thread may call them.
//    Start, Stop and the destructor belong to one thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"

namespace orchd::bench {

// What a client needs to reach the server as the cluster admin (from the kubeconfig).
struct AdminCredentials {
  std::string host;  // "127.0.0.1"
  uint16_t port = 0;
  std::string ca_pem;    // certificate-authority-data
  std::string cert_pem;  // client-certificate-data
  std::string key_pem;   // client-key-data
};

struct ProcessMemory {
  int64_t rss = 0;   // VmRSS, bytes
  int64_t peak = 0;  // VmHWM, bytes
};

struct OrchdServerOptions {
  std::string binary;                // the orchd executable, an absolute path
  std::string parent;                // where the scratch directory goes
  std::string name = "orchd-bench";  // the scratch directory's name prefix
};

class OrchdServer {
 public:
  // kInternalError with the log's tail when the server exits or is not ready in time.
  static Result<std::unique_ptr<OrchdServer>> Start(const OrchdServerOptions& options);

  ~OrchdServer();
  OrchdServer(const OrchdServer&) = delete;
  OrchdServer& operator=(const OrchdServer&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& url() const { return url_; }  // as the ready line says
  const std::string& dir() const { return dir_; }
  std::string data_dir() const { return dir_ + "/data"; }
  const AdminCredentials& admin() const { return admin_; }

  // VmRSS and VmHWM from /proc/<pid>/status.
  Result<ProcessMemory> ReadMemory() const;
  // User + system CPU time of the server so far (clock-tick resolution, 10 ms).
  double CpuSeconds() const;
  // The last `bytes` of the server's log.
  std::string LogTail(size_t bytes = 4000) const;

  // SIGTERM, then waits (SIGKILL after 20 s). OK when the server exited with code 0; kTimeout
  // when it had to be killed. Idempotent.
  Status Stop();
  // How long Stop() waited for the exit.
  double stop_seconds() const { return stop_seconds_; }

 private:
  explicit OrchdServer(std::string dir) : dir_(std::move(dir)) {}
  Status Spawn(const std::string& binary);
  Status WaitReady();
  Status ReadKubeconfig();
  std::string LogPath() const { return dir_ + "/server.log"; }

  std::string dir_;
  pid_t pid_ = -1;
  bool reaped_ = true;  // until Spawn() succeeds
  std::string url_;
  AdminCredentials admin_;
  double stop_seconds_ = 0;
};

}  // namespace orchd::bench
