#include "common/process.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <optional>
#include <vector>

#include "common/unique_handle.h"

namespace orchd {
namespace {

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Reaps `pid`, retrying on EINTR; returns the exit code (128 + signal for a killed child).
int Reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return ExitCode(status);
}

// Reaps `pid` if it exits before `deadline`, checking every millisecond (a child that closed
// its output is about to exit); nullopt if it is still running then.
std::optional<int> ReapBy(pid_t pid, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return ExitCode(status);
    if (r < 0 && errno != EINTR) return -1;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    ::poll(nullptr, 0, 1);
  }
}

}  // namespace

Result<CommandOutput> RunCommand(std::span<const std::string> argv, const RunOptions& options) {
  if (argv.empty()) return Error(Code::kInvalid, "run: no program given");
  const std::string& program = argv[0];
  // Resolved here rather than by posix_spawnp: where posix_spawn cannot report a failed exec
  // (qemu-user runs its vfork as a fork), a missing program would look like exit code 127.
  std::string path = program.find('/') == std::string::npos ? FindInPath(program) : program;
  if (path.empty() || ::access(path.c_str(), X_OK) != 0) {
    return Error(Code::kNotFound, "{}: not found", program);
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return ErrnoStatus(errno, fmt::format("run {}: pipe", program));
  UniqueFd read_end(fds[0]);
  UniqueFd write_end(fds[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // dup2 clears close-on-exec on the copies; the originals close at exec.
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  // Its own process group, so a timeout kills whatever it started too.
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int err = ::posix_spawn(&pid, path.c_str(), &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (err != 0) {
    if (err == ENOENT) return Error(Code::kNotFound, "{}: not found", program);
    return ErrnoStatus(err, fmt::format("run {}", program));
  }
  write_end.Reset();

  CommandOutput result;
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  char buf[4096];
  bool timed_out = false;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{.fd = read_end.get(), .events = POLLIN, .revents = 0};
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;      // cannot wait on the pipe: stop reading, reap below
    if (n == 0) continue;  // the loop head notices the deadline
    ssize_t got = ::read(read_end.get(), buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;  // end of file: every writer (the child and its children) is gone
    size_t room = options.max_output - std::min(options.max_output, result.output.size());
    result.output.append(buf, std::min(room, static_cast<size_t>(got)));
  }
  std::optional<int> code;
  if (!timed_out) code = ReapBy(pid, deadline);
  if (!code) {
    ::kill(-pid, SIGKILL);
    Reap(pid);
    return Error(Code::kTimeout, "{}: no answer within {} ms", program, options.timeout.count());
  }
  result.exit_code = *code;
  return result;
}

std::string FindInPath(std::string_view program, std::string_view skip) {
  struct stat skip_st {};
  bool have_skip = !skip.empty() && ::stat(std::string(skip).c_str(), &skip_st) == 0;
  const char* path = std::getenv("PATH");
  std::string_view rest = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    size_t colon = rest.find(':');
    std::string_view dir = rest.substr(0, colon);
    if (dir.empty()) dir = ".";
    std::string candidate = fmt::format("{}/{}", dir, program);
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0 &&
        (!have_skip || st.st_dev != skip_st.st_dev || st.st_ino != skip_st.st_ino)) {
      return candidate;
    }
    if (colon == std::string_view::npos) return "";
    rest.remove_prefix(colon + 1);
  }
}

}  // namespace orchd
