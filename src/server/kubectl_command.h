// `orchd kubectl ARGS`: runs the kubectl found in $PATH with the server's admin kubeconfig, as
// `k3s kubectl` does. orchd does not bundle kubectl; install.sh links `kubectl` to orchd only
// when none is installed, and a kubectl that is a link to orchd itself is passed over.
#pragma once

#include <span>
#include <string>

namespace orchd::server {

// Replaces the process with kubectl on success; returns an exit code (with one line on stderr)
// when it cannot. KUBECONFIG or a --kubeconfig argument, when given, is left alone; otherwise
// $ORCHD_WRITE_KUBECONFIG or /etc/orchd/orchd.yaml is used when it exists. ORCHD_KUBECTL_EXEC
// marks the exec'd kubectl's environment, so an orchd reached again through it refuses.
int RunKubectlCommand(std::span<const std::string> args);

}  // namespace orchd::server
