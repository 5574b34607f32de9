// orchd: the subcommand table, nothing else.
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agent/check_config.h"
#include "common/version.h"
#include "server/kubectl_command.h"
#include "server/server.h"

namespace {

int RunVersion(std::span<const std::string> args) {
  if (!args.empty()) {
    std::fprintf(stderr, "orchd version: unexpected argument \"%s\"\n", args[0].c_str());
    return 2;
  }
  const auto& v = orchd::Version();
  std::printf("orchd version v%.*s (%.*s)\nbuild date: %.*s\ncompiler: %.*s\nplatform: %.*s\n",
              static_cast<int>(v.version.size()), v.version.data(),
              static_cast<int>(v.git_commit.size()), v.git_commit.data(),
              static_cast<int>(v.build_date.size()), v.build_date.data(),
              static_cast<int>(v.compiler.size()), v.compiler.data(),
              static_cast<int>(v.platform.size()), v.platform.data());
  return 0;
}

struct Command {
  std::string_view name;
  std::string_view summary;
  int (*run)(std::span<const std::string> args);
};

constexpr Command kCommands[] = {
    {"server", "run the control plane (store, API server)", orchd::server::RunServerCommand},
    {"kubectl", "run kubectl with the server's admin kubeconfig", orchd::server::RunKubectlCommand},
    {"check-config", "check that this host has what orchd needs (kernel, cgroups, runc...)",
     orchd::agent::RunCheckConfigCommand},
    {"version", "print the version, git commit, build date and compiler", RunVersion},
};

void PrintUsage(FILE* out) {
  std::fputs("Usage: orchd COMMAND [flags]\n\nCommands:\n", out);
  for (const auto& c : kCommands) {
    std::fprintf(out, "  %-13.*s %.*s\n", static_cast<int>(c.name.size()), c.name.data(),
                 static_cast<int>(c.summary.size()), c.summary.data());
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // install.sh links kubectl to orchd when no kubectl is installed.
  std::string_view self = argc > 0 ? argv[0] : "";
  if (self.substr(self.rfind('/') + 1) == "kubectl") return orchd::server::RunKubectlCommand(args);
  if (args.empty()) {
    PrintUsage(stderr);
    return 2;
  }
  if (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    PrintUsage(stdout);
    return 0;
  }
  for (const auto& c : kCommands) {
    if (args[0] == c.name) return c.run(std::span(args).subspan(1));
  }
  std::fprintf(stderr, "orchd: unknown command \"%s\" (run 'orchd --help')\n", args[0].c_str());
  return 2;
}
