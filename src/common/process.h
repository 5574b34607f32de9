// Running a short-lived helper program (`runc --version`, `gzip -dc`) and reading its output.
//
// Contract:
//  * RunCommand blocks the calling thread until the program exits or the timeout passes; it is
//    for command-line paths (check-config, install-time checks), never for an event loop.
//  * The child gets /dev/null on stdin and one pipe for both stdout and stderr; every descriptor
//    of ours is O_CLOEXEC, so it inherits nothing else.
//  * A program that is not found (in PATH when argv[0] has no '/', by FindInPath) or not
//    executable is kNotFound; one that runs past the timeout is SIGKILLed with its process
//    group, reaped, and kTimeout. A non-zero exit is not an error: the caller reads `exit_code`.
#pragma once

#include <chrono>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

namespace orchd {

struct CommandOutput {
  int exit_code = -1;  // the exit status, or 128 + signal when the program was killed
  std::string output;  // stdout and stderr, interleaved, at most `max_output` bytes
};

struct RunOptions {
  std::chrono::milliseconds timeout{5000};
  size_t max_output = 1 << 20;  // the rest is read and dropped
};

Result<CommandOutput> RunCommand(std::span<const std::string> argv, const RunOptions& options = {});

// The absolute path of `program` in $PATH (the first executable regular file), or "" when none.
// `skip` (optional) names a file to pass over, compared by device and inode: `orchd kubectl`
// uses it to find a kubectl that is not a link to orchd itself.
std::string FindInPath(std::string_view program, std::string_view skip = {});

}  // namespace orchd
