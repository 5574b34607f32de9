// The cluster PKI: one CA, a serving certificate for the API server and an admin client
// certificate, kept in one directory the way k3s keeps /var/lib/rancher/k3s/server/tls.
//
// Invariants:
//  * The CA is never replaced automatically: every kubeconfig and join token depends on it. A CA
//    that exists but cannot be read or parsed is a kInvalid error naming the file. Only a missing
//    ca.crt (nothing was ever handed out) makes a new CA.
//  * Leaves (serving, admin) are replaceable: a leaf that is missing, unreadable, not signed by
//    the CA, does not match its key, expires within 90 days, or (serving) lacks a requested SAN is
//    re-issued from the same CA.
//  * Keys are written before certificates, each with WriteFileAtomic (keys 0600, certs 0644), so a
//    crash leaves at worst a key without its certificate, which the next start repairs.
//
// All functions block on file I/O; none keeps state, so they are safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace orchd {

struct PkiOptions {
  std::string dir;                        // created 0700 if missing
  std::vector<std::string> dns_names;     // extra SANs of the serving certificate
  std::vector<std::string> ip_addresses;  // extra IP SANs (IPv4 or IPv6 text)
};

// Paths of the six files EnsurePki keeps.
struct PkiFiles {
  std::string ca_cert, ca_key, server_cert, server_key, admin_cert, admin_key;
};

// Creates or reuses the PKI in `options.dir` (see the invariants above). Validity periods start at
// clock.Now(): CA 10 years, leaves 1 year. Errors: kInvalid for a broken CA or a malformed
// IP address, file-system codes from fs.h, kInternalError for OpenSSL failures.
Result<PkiFiles> EnsurePki(const PkiOptions& options, const Clock& clock);

// k3s' full join token: "K10<hex sha256 of the CA certificate file>::server:<secret>".
Result<std::string> JoinToken(const std::string& ca_cert_path, std::string_view secret);

// `bytes` random bytes from the OpenSSL CSPRNG, as lower-case hex. 1..4096 bytes, else kInvalid.
Result<std::string> RandomSecret(size_t bytes);

// A kubeconfig (like k3s' /etc/rancher/k3s/k3s.yaml) with the CA, the admin certificate and key
// embedded as base64, cluster/user/context all named "default".
Result<std::string> AdminKubeconfig(std::string_view server_url, const PkiFiles& files);

}  // namespace orchd
