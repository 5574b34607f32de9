#include "orchd_server.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/wait.h>
#include <unistd.h>  // environ

#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string_view>
#include <thread>
#include <vector>

#include "api/json.h"
#include "api/yaml.h"
#include "common/base64.h"
#include "common/fs.h"
#include "common/unique_handle.h"

namespace orchd::bench {
namespace {

using Steady = std::chrono::steady_clock;

constexpr auto kReadyTimeout = std::chrono::seconds(60);
constexpr auto kStopTimeout = std::chrono::seconds(20);
constexpr auto kPollEvery = std::chrono::milliseconds(5);

}  // namespace

Result<std::unique_ptr<OrchdServer>> OrchdServer::Start(const OrchdServerOptions& options) {
  if (options.binary.empty() || options.binary[0] != '/') {
    return Error(Code::kInvalid, "orchd binary {:?}: want an absolute path", options.binary);
  }
  std::string tmpl = fmt::format("{}/{}-{}-XXXXXX", options.parent, options.name, ::getpid());
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return ErrnoStatus(errno, fmt::format("create scratch directory {}", tmpl));
  }
  auto server = std::unique_ptr<OrchdServer>(new OrchdServer(std::move(tmpl)));
  ORCHD_RETURN_IF_ERROR(server->Spawn(options.binary));
  ORCHD_RETURN_IF_ERROR(server->WaitReady());
  ORCHD_RETURN_IF_ERROR(server->ReadKubeconfig());
  return server;
}

OrchdServer::~OrchdServer() {
  Stop().IgnoreError();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  if (ec) fmt::print(stderr, "remove {}: {}\n", dir_, ec.message());
}

Status OrchdServer::Spawn(const std::string& binary) {
  // Everything the child needs is built before fork: the child must not allocate.
  std::vector<std::string> args = {binary,
                                   "server",
                                   "--data-dir",
                                   data_dir(),
                                   "--bind-address",
                                   "127.0.0.1",
                                   "--https-listen-port",
                                   "0",
                                   "--write-kubeconfig",
                                   dir_ + "/kubeconfig.yaml",
                                   "--disable-agent"};
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!std::string_view(*e).starts_with("ORCHD_")) env.emplace_back(*e);
  }
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  std::string log_path = LogPath();
  UniqueFd log(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (!log.valid()) return ErrnoStatus(errno, fmt::format("create {}", log_path));
  UniqueFd devnull(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!devnull.valid()) return ErrnoStatus(errno, "open /dev/null");
  pid_t pid = ::fork();
  if (pid < 0) return ErrnoStatus(errno, "fork");
  if (pid == 0) {
    // The child: async-signal-safe calls only. dup2 clears close-on-exec on the copies.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::dup2(devnull.get(), 0) < 0 || ::dup2(log.get(), 1) < 0 || ::dup2(log.get(), 2) < 0) {
      ::_exit(126);
    }
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  pid_ = pid;
  reaped_ = false;
  return Status::Ok();
}

Status OrchdServer::WaitReady() {
  constexpr std::string_view kReady = "ready: ";
  auto deadline = Steady::now() + kReadyTimeout;
  while (Steady::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      reaped_ = true;
      return Error(Code::kInternalError, "orchd server exited before it was ready; its log:\n{}",
                   LogTail());
    }
    if (auto text = ReadFile(LogPath())) {
      size_t at = text->find(kReady);
      // "... ready: https://127.0.0.1:40123, data dir ..."
      size_t end = at == std::string::npos ? at : text->find_first_of(" ,\n", at + kReady.size());
      if (end != std::string::npos) {
        url_ = text->substr(at + kReady.size(), end - at - kReady.size());
        return Status::Ok();
      }
    }
    std::this_thread::sleep_for(kPollEvery);
  }
  return Error(Code::kInternalError, "orchd server was not ready within {} s; its log:\n{}",
               kReadyTimeout.count(), LogTail());
}

Status OrchdServer::ReadKubeconfig() {
  const std::string path = dir_ + "/kubeconfig.yaml";
  ORCHD_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  ORCHD_ASSIGN_OR_RETURN(api::JsonDoc doc, api::ParseYaml(text));
  auto first = [&](std::string_view list) -> const api::JsonValue* {
    const api::JsonValue* v = api::Member(doc, list);
    if (v == nullptr || !v->IsArray() || v->Empty()) return nullptr;
    return &(*v)[0];
  };
  const api::JsonValue* cluster = first("clusters");
  const api::JsonValue* user = first("users");
  if (cluster == nullptr || user == nullptr) {
    return Error(Code::kInvalid, "{}: no clusters[0] or users[0]", path);
  }
  auto decode = [&](const api::JsonValue& v, std::string_view section, std::string_view key,
                    std::string* out) -> Status {
    std::string_view b64 = api::StringAt(v, {section, key});
    auto pem = Base64Decode(b64);
    if (b64.empty() || !pem) {
      return Error(Code::kInvalid, "{}: {}.{} is missing or not base64", path, section, key);
    }
    *out = std::move(*pem);
    return Status::Ok();
  };
  ORCHD_RETURN_IF_ERROR(decode(*cluster, "cluster", "certificate-authority-data", &admin_.ca_pem));
  ORCHD_RETURN_IF_ERROR(decode(*user, "user", "client-certificate-data", &admin_.cert_pem));
  ORCHD_RETURN_IF_ERROR(decode(*user, "user", "client-key-data", &admin_.key_pem));

  std::string_view server = api::StringAt(*cluster, {"cluster", "server"});
  constexpr std::string_view kScheme = "https://";
  size_t colon = server.rfind(':');
  if (!server.starts_with(kScheme) || colon == std::string_view::npos || colon < kScheme.size()) {
    return Error(Code::kInvalid, "{}: server {:?} is not https://host:port", path, server);
  }
  admin_.host = std::string(server.substr(kScheme.size(), colon - kScheme.size()));
  std::string_view port = server.substr(colon + 1);
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), admin_.port);
  if (ec != std::errc() || end != port.data() + port.size() || admin_.port == 0) {
    return Error(Code::kInvalid, "{}: bad port in server {:?}", path, server);
  }
  return Status::Ok();
}

Result<ProcessMemory> OrchdServer::ReadMemory() const {
  std::string path = fmt::format("/proc/{}/status", pid_);
  std::ifstream in(path);
  if (!in) return Error(Code::kNotFound, "read {}: the server is gone", path);
  ProcessMemory m;
  std::string line;
  while (std::getline(in, line)) {
    int64_t kib = 0;
    if (line.starts_with("VmRSS:")) {
      std::istringstream(line.substr(6)) >> kib;
      m.rss = kib * 1024;
    } else if (line.starts_with("VmHWM:")) {
      std::istringstream(line.substr(6)) >> kib;
      m.peak = kib * 1024;
    }
  }
  if (m.rss == 0) return Error(Code::kInternalError, "{}: no VmRSS line", path);
  return m;
}

double OrchdServer::CpuSeconds() const {
  std::ifstream in(fmt::format("/proc/{}/stat", pid_));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // "pid (comm) state ...": comm may hold spaces, so count fields after the last ')'. utime and
  // stime are fields 14 and 15; state is field 3.
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 > stat.size()) return 0;
  std::istringstream fields(stat.substr(paren + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && (fields >> field); ++i) {
    if (i >= 14) ticks += std::strtod(field.c_str(), nullptr);
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::string OrchdServer::LogTail(size_t bytes) const {
  auto text = ReadFile(LogPath());
  if (!text) return fmt::format("(cannot read {}: {})", LogPath(), text.error().ToString());
  return text->size() > bytes ? text->substr(text->size() - bytes) : *text;
}

Status OrchdServer::Stop() {
  if (reaped_) return Status::Ok();
  ::kill(pid_, SIGTERM);  // not reaped yet, so the pid is still ours
  auto t0 = Steady::now();
  int status = 0;
  bool killed = false;
  for (;;) {
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) break;
    if (r < 0 && errno != EINTR) return ErrnoStatus(errno, fmt::format("waitpid {}", pid_));
    if (!killed && Steady::now() - t0 > kStopTimeout) {
      ::kill(pid_, SIGKILL);
      killed = true;
    }
    std::this_thread::sleep_for(kPollEvery);
  }
  reaped_ = true;
  stop_seconds_ = std::chrono::duration<double>(Steady::now() - t0).count();
  if (killed) {
    return Error(Code::kTimeout, "orchd server did not exit within {} s of SIGTERM (killed)",
                 kStopTimeout.count());
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Error(Code::kInternalError, "orchd server ended with {} after SIGTERM",
                 WIFEXITED(status) ? fmt::format("exit code {}", WEXITSTATUS(status))
                                   : fmt::format("signal {}", WTERMSIG(status)));
  }
  return Status::Ok();
}

}  // namespace orchd::bench
