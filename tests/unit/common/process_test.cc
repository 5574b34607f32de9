// RunCommand and FindInPath: output, exit codes, missing programs, and bounded waits.
#include "common/process.h"

#include <catch2/catch.hpp>
#include <chrono>

namespace orchd {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

Result<CommandOutput> Sh(const std::string& script, milliseconds timeout = milliseconds(5000)) {
  std::vector<std::string> argv = {"sh", "-c", script};
  return RunCommand(argv, RunOptions{.timeout = timeout});
}

TEST_CASE("RunCommand returns stdout and stderr and the exit code", "[process]") {
  auto r = Sh("echo out; echo err >&2; exit 3");
  REQUIRE(r.has_value());
  CHECK(r->exit_code == 3);
  CHECK(r->output == "out\nerr\n");
  auto killed = Sh("kill -9 $$");
  REQUIRE(killed.has_value());
  CHECK(killed->exit_code == 128 + 9);
}

TEST_CASE("RunCommand: a missing program is NotFound", "[process]") {
  std::vector<std::string> argv = {"orchd-no-such-program-here"};
  auto r = RunCommand(argv);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code() == Code::kNotFound);
}

TEST_CASE("RunCommand keeps its timeout, whatever the program does", "[process]") {
  // Each case would run for 30 s; the timeout is 300 ms. The bound checked is loose (machines
  // are shared), but far below 30 s.
  for (const char* script : {
           "exec sleep 30",                        // silent
           "exec >/dev/null 2>&1; exec sleep 30",  // closed its output, still running
           "sleep 30 & exec sleep 30",             // a child of its own holds the pipe
       }) {
    CAPTURE(script);
    auto start = steady_clock::now();
    auto r = Sh(script, milliseconds(300));
    auto took = steady_clock::now() - start;
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == Code::kTimeout);
    CHECK(took < std::chrono::seconds(10));
  }
}

TEST_CASE("RunCommand caps the output it keeps", "[process]") {
  std::vector<std::string> argv = {"sh", "-c", "yes | head -c 100000"};
  auto r = RunCommand(argv, RunOptions{.max_output = 1000});
  REQUIRE(r.has_value());
  CHECK(r->exit_code == 0);
  CHECK(r->output.size() == 1000);
}

TEST_CASE("FindInPath finds programs and passes over the one to skip", "[process]") {
  std::string sh = FindInPath("sh");
  REQUIRE(!sh.empty());
  CHECK(sh.ends_with("/sh"));
  CHECK(FindInPath("orchd-no-such-program-here").empty());
  // Skipping sh itself finds a later sh in PATH, or none.
  CHECK(FindInPath("sh", sh) != sh);
}

}  // namespace
}  // namespace orchd
