// Small file-system helpers. Every error is a Status naming the path.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "common/result.h"

namespace orchd {

// Creates `path` and its missing parents with `mode`. An existing directory is fine; an existing
// non-directory is kInvalid. Then checks that the directory is writable and searchable by this
// process (kForbidden otherwise), so a data directory without permission fails here, early.
Status MakeDirs(const std::string& path, mode_t mode);

// Reads a whole file.
Result<std::string> ReadFile(const std::string& path);

// Writes `data` to `path` atomically: a temporary file in the same directory, fsync, rename,
// fsync of the directory. The file gets `mode`.
Status WriteFileAtomic(const std::string& path, std::string_view data, mode_t mode);

// Size in bytes; 0 when the file does not exist.
Result<int64_t> FileSize(const std::string& path);

bool PathExists(const std::string& path);

}  // namespace orchd
