// Subprocess: a child process for integration tests, started by fork/exec (or fork and a
// function), with its stdout and stderr captured through pipes.
//
// Contract:
//  * Every descriptor the parent creates is O_CLOEXEC. An exec'd program gets /dev/null on stdin,
//    the two pipes on stdout/stderr, an empty signal mask, and no other descriptor: even ones the
//    test process inherited without close-on-exec are marked so in the child (close_range).
//  * Exec failures (and failures to switch user) are reported by Spawn() as a Status, through a
//    close-on-exec status pipe, not as an exit code to guess at.
//  * Waiting is bounded: every wait takes a deadline and polls the pipes and a pidfd, never sleeps.
//  * The object owns the child: destroying it while the child runs SIGKILLs and reaps it, so no
//    test leaves a process behind, whatever assertion fails first.
//
// Not thread-safe: one test thread drives a Subprocess.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/unique_handle.h"

namespace orchd::testing {

using Deadline = std::chrono::steady_clock::time_point;
inline Deadline After(std::chrono::milliseconds d) { return std::chrono::steady_clock::now() + d; }

struct SpawnOptions {
  std::vector<std::string> args;  // args[0]: the program, an absolute path
  std::vector<std::string> env;   // the whole environment ("K=V"); see CleanEnvironment()
  std::string cwd;                // empty: the parent's
  // Run as this user and group (setgroups({}), setresgid, setresuid in the child). Needs root.
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
};

// How a child ended.
struct ExitStatus {
  bool exited = false;  // exited normally with `code`
  int code = -1;
  int signal = 0;  // killed by this signal
  bool Exited(int c) const { return exited && code == c; }
  bool KilledBy(int s) const { return !exited && signal == s; }
  std::string ToString() const;
};

class Subprocess {
 public:
  // Forks and execs `options.args[0]`.
  static Result<std::unique_ptr<Subprocess>> Spawn(const SpawnOptions& options);
  // Forks and runs `body` in the child, whose return value becomes the exit code (the child
  // leaves with _exit: no atexit handlers, no destructors of the parent's objects). The parent
  // should be single-threaded when it calls this.
  static Result<std::unique_ptr<Subprocess>> Fork(const std::function<int()>& body);

  ~Subprocess();  // SIGKILLs and reaps a child still running
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

  // Reads the pipes into out()/err() until `done()` holds (checked after every read), the
  // deadline passes or both pipes reach end of file. Returns done().
  bool PumpUntil(Deadline deadline, const std::function<bool()>& done);
  // PumpUntil(stderr contains `needle`).
  bool WaitForStderr(std::string_view needle, Deadline deadline);

  Status Signal(int sig);

  // Reads the pipes to their end and reaps the child. kTimeout when the child has not exited by
  // the deadline (it is left running; the destructor kills it).
  Result<ExitStatus> Wait(Deadline deadline);

  // Kills the child with SIGKILL (if it still runs) and reaps it.
  Result<ExitStatus> Kill(Deadline deadline);

 private:
  Subprocess(pid_t pid, UniqueFd pidfd, UniqueFd out, UniqueFd err)
      : pid_(pid), pidfd_(std::move(pidfd)), out_fd_(std::move(out)), err_fd_(std::move(err)) {}
  static Result<std::unique_ptr<Subprocess>> Start(const SpawnOptions* exec,
                                                   const std::function<int()>* body);
  // One poll round over the open pipes (and the pidfd when `watch_exit`). Returns false when
  // nothing is left to wait for.
  bool PollOnce(Deadline deadline, bool watch_exit, bool* exited);
  void ReadFrom(UniqueFd& fd, std::string& sink);

  pid_t pid_ = -1;
  bool reaped_ = false;
  ExitStatus status_;
  UniqueFd pidfd_;
  UniqueFd out_fd_;
  UniqueFd err_fd_;
  std::string out_;
  std::string err_;
};

// A finished run: status and whole output.
struct Completed {
  ExitStatus status;
  std::string out;
  std::string err;
};

// Spawns, waits until the deadline and returns everything; kTimeout (the child is killed) when
// it did not finish.
Result<Completed> Run(const SpawnOptions& options, Deadline deadline);

// This process's environment without any ORCHD_* variable (so the caller's shell cannot change
// what a test sees), plus `extra` ("K=V").
std::vector<std::string> CleanEnvironment(const std::vector<std::string>& extra = {});

// The absolute path of `name` found in $PATH, or "" when it is not there.
std::string FindInPath(std::string_view name);

// The lines of `text`; a final line without a newline counts as a line.
std::vector<std::string> Lines(std::string_view text);

}  // namespace orchd::testing
