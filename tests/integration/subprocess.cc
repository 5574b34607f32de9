#include "integration/subprocess.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/process.h"
#include "common/strings.h"

extern char** environ;

namespace orchd::testing {
namespace {

// What a child that could not exec writes to the status pipe.
struct ChildFailure {
  int stage;  // index into kStages
  int err;    // errno
};
constexpr const char* kStages[] = {"setgroups", "setresgid", "setresuid", "chdir", "execve"};

Result<std::pair<UniqueFd, UniqueFd>> MakePipe(std::string_view what) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return ErrnoStatus(errno, fmt::format("pipe for {}", what));
  return std::make_pair(UniqueFd(fds[0]), UniqueFd(fds[1]));
}

// The child side, between fork and exec: async-signal-safe calls only.
[[noreturn]] void ExecChild(const SpawnOptions& o, char* const* argv, char* const* envp,
                            int status_fd) {
  auto fail = [&](int stage) {
    ChildFailure f{stage, errno};
    [[maybe_unused]] ssize_t n = ::write(status_fd, &f, sizeof f);
    ::_exit(127);
  };
  if (o.gid || o.uid) {
    if (::setgroups(0, nullptr) != 0) fail(0);
  }
  if (o.gid && ::setresgid(*o.gid, *o.gid, *o.gid) != 0) fail(1);
  if (o.uid && ::setresuid(*o.uid, *o.uid, *o.uid) != 0) fail(2);
  if (!o.cwd.empty() && ::chdir(o.cwd.c_str()) != 0) fail(3);
  ::execve(argv[0], argv, envp);
  fail(4);
  ::_exit(127);  // not reached
}

}  // namespace

std::string ExitStatus::ToString() const {
  if (exited) return fmt::format("exit code {}", code);
  const char* name = ::sigabbrev_np(signal);
  return fmt::format("killed by signal {} (SIG{})", signal, name ? name : "?");
}

Result<std::unique_ptr<Subprocess>> Subprocess::Spawn(const SpawnOptions& options) {
  if (options.args.empty() || options.args[0].empty() || options.args[0][0] != '/') {
    return Error(Code::kInvalid, "spawn: the program must be an absolute path");
  }
  return Start(&options, nullptr);
}

Result<std::unique_ptr<Subprocess>> Subprocess::Fork(const std::function<int()>& body) {
  return Start(nullptr, &body);
}

Result<std::unique_ptr<Subprocess>> Subprocess::Start(const SpawnOptions* exec,
                                                      const std::function<int()>* body) {
  // Everything the child needs is built before fork: the child must not allocate.
  std::vector<char*> argv;
  std::vector<char*> envp;
  if (exec) {
    for (const auto& a : exec->args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : exec->env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
  }
  std::string what = exec ? exec->args[0] : std::string("forked child");
  ORCHD_ASSIGN_OR_RETURN(auto out, MakePipe(what));
  ORCHD_ASSIGN_OR_RETURN(auto err, MakePipe(what));
  ORCHD_ASSIGN_OR_RETURN(auto status, MakePipe(what));
  UniqueFd devnull(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!devnull.valid()) return ErrnoStatus(errno, "open /dev/null");

  pid_t pid = ::fork();
  if (pid < 0) return ErrnoStatus(errno, fmt::format("fork for {}", what));
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // dup2 clears O_CLOEXEC on the copies, and only on them.
    if (::dup2(devnull.get(), 0) < 0 || ::dup2(out.second.get(), 1) < 0 ||
        ::dup2(err.second.get(), 2) < 0) {
      ::_exit(126);
    }
    // Descriptors inherited from whoever started the test (not ours, so maybe not
    // close-on-exec) must not reach the program either.
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    if (exec) ExecChild(*exec, argv.data(), envp.data(), status.second.get());
    int rc = 125;
    try {
      rc = (*body)();
    } catch (...) {
      std::fputs("forked child: uncaught exception\n", stderr);
    }
    std::fflush(nullptr);
    ::_exit(rc);
  }

  // Parent: keep the read ends only, so end of file means the child (and its heirs) are gone.
  out.second.Reset();
  err.second.Reset();
  status.second.Reset();
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));  // always close-on-exec
  const int pidfd_errno = errno;
  auto proc = std::unique_ptr<Subprocess>(
      new Subprocess(pid, std::move(pidfd), std::move(out.first), std::move(err.first)));
  if (!proc->pidfd_.valid()) {
    return ErrnoStatus(pidfd_errno, fmt::format("pidfd_open {}", pid));  // the destructor kills it
  }
  if (exec) {
    ChildFailure f{};
    ssize_t n;
    do {
      n = ::read(status.first.get(), &f, sizeof f);
    } while (n < 0 && errno == EINTR);
    if (n == sizeof f) {
      (void)proc->Wait(After(std::chrono::seconds(10)));
      return ErrnoStatus(f.err, fmt::format("spawn {}: {}", what, kStages[f.stage]));
    }
  }
  return proc;
}

Subprocess::~Subprocess() {
  if (pid_ <= 0 || reaped_) return;
  ::kill(pid_, SIGKILL);  // not reaped yet, so the pid is still ours
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

void Subprocess::ReadFrom(UniqueFd& fd, std::string& sink) {
  char buf[65536];
  ssize_t n = ::read(fd.get(), buf, sizeof buf);
  if (n > 0) {
    sink.append(buf, static_cast<size_t>(n));
  } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
    fd.Reset();
  }
}

bool Subprocess::PollOnce(Deadline deadline, bool watch_exit, bool* exited) {
  pollfd fds[3];
  int n = 0;
  int out_i = -1, err_i = -1, pid_i = -1;
  if (out_fd_.valid()) fds[out_i = n++] = {out_fd_.get(), POLLIN, 0};
  if (err_fd_.valid()) fds[err_i = n++] = {err_fd_.get(), POLLIN, 0};
  if (watch_exit && pidfd_.valid()) fds[pid_i = n++] = {pidfd_.get(), POLLIN, 0};
  if (n == 0) return false;
  auto left =
      std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  int rc = ::poll(fds, static_cast<nfds_t>(n),
                  static_cast<int>(std::min<int64_t>(left.count(), INT_MAX)));
  if (rc < 0) return errno == EINTR;
  if (rc == 0) return false;
  if (out_i >= 0 && fds[out_i].revents) ReadFrom(out_fd_, out_);
  if (err_i >= 0 && fds[err_i].revents) ReadFrom(err_fd_, err_);
  if (pid_i >= 0 && fds[pid_i].revents) *exited = true;
  return true;
}

bool Subprocess::PumpUntil(Deadline deadline, const std::function<bool()>& done) {
  while (!done()) {
    bool exited = false;
    if (!PollOnce(deadline, false, &exited)) return done();
  }
  return true;
}

bool Subprocess::WaitForStderr(std::string_view needle, Deadline deadline) {
  return PumpUntil(deadline, [&] { return err_.find(needle) != std::string::npos; });
}

Status Subprocess::Signal(int sig) {
  if (reaped_) return Error(Code::kNotFound, "process {} was already reaped", pid_);
  if (::syscall(SYS_pidfd_send_signal, pidfd_.get(), sig, nullptr, 0) != 0) {
    return ErrnoStatus(errno, fmt::format("signal {} to process {}", sig, pid_));
  }
  return Status::Ok();
}

Result<ExitStatus> Subprocess::Wait(Deadline deadline) {
  if (reaped_) return status_;
  bool exited = false;
  while (!exited) {
    if (!PollOnce(deadline, true, &exited) && !exited) {
      return Error(Code::kTimeout, "process {} ({}) still running at the deadline", pid_,
                   out_fd_.valid() || err_fd_.valid() ? "pipes open" : "pipes closed");
    }
  }
  // The child is gone; its pipes end unless it left heirs holding them.
  while (out_fd_.valid() || err_fd_.valid()) {
    bool ignored = false;
    if (!PollOnce(deadline, false, &ignored)) break;
  }
  int st = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &st, 0);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return ErrnoStatus(errno, fmt::format("waitpid {}", pid_));
  reaped_ = true;
  if (WIFEXITED(st)) {
    status_ = ExitStatus{.exited = true, .code = WEXITSTATUS(st)};
  } else {
    status_ = ExitStatus{.exited = false, .code = -1, .signal = WTERMSIG(st)};
  }
  return status_;
}

Result<ExitStatus> Subprocess::Kill(Deadline deadline) {
  if (!reaped_) ORCHD_RETURN_IF_ERROR(Signal(SIGKILL));
  return Wait(deadline);
}

Result<Completed> Run(const SpawnOptions& options, Deadline deadline) {
  ORCHD_ASSIGN_OR_RETURN(auto proc, Subprocess::Spawn(options));
  auto status = proc->Wait(deadline);
  if (!status) {
    (void)proc->Kill(After(std::chrono::seconds(10)));
    return Error(status.error().code(), "{}: {}; stderr so far: {}", options.args[0],
                 status.error().message(), proc->err());
  }
  return Completed{*status, proc->out(), proc->err()};
}

std::vector<std::string> CleanEnvironment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    if (std::string_view(*e).starts_with("ORCHD_")) continue;
    env.emplace_back(*e);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::string FindInPath(std::string_view name) { return orchd::FindInPath(name); }

std::vector<std::string> Lines(std::string_view text) {
  auto views = SplitLines(text);
  return {views.begin(), views.end()};
}

}  // namespace orchd::testing
