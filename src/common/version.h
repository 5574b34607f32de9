// Build identity, stamped at configure time.
#pragma once

#include <string_view>

namespace orchd {

struct VersionInfo {
  std::string_view version;     // "0.1.0"
  std::string_view git_commit;  // short hash, or "unknown"
  std::string_view build_date;  // ISO 8601, UTC
  std::string_view compiler;    // "g++ 12.2.0"
  std::string_view platform;    // Go's os/arch names, as Kubernetes reports them: "linux/arm64"
};

const VersionInfo& Version();

}  // namespace orchd
