#include "common/fs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/unique_handle.h"

namespace orchd {

Status MakeDirs(const std::string& path, mode_t mode) {
  if (path.empty()) return Error(Code::kInvalid, "empty directory path");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      return Error(Code::kInvalid, "{} exists and is not a directory", path);
    }
  } else if (errno == ENOENT) {
    auto slash = path.find_last_of('/');
    if (slash != std::string::npos && slash > 0) {
      ORCHD_RETURN_IF_ERROR(MakeDirs(path.substr(0, slash), mode));
    }
    if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
      return ErrnoStatus(errno, fmt::format("create directory {}", path));
    }
  } else {
    return ErrnoStatus(errno, fmt::format("stat {}", path));
  }
  if (::access(path.c_str(), W_OK | X_OK) != 0) {
    return ErrnoStatus(errno, fmt::format("directory {} is not writable", path));
  }
  return Status::Ok();
}

Result<std::string> ReadFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus(errno, fmt::format("open {}", path));
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, fmt::format("read {}", path));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Status WriteFileAtomic(const std::string& path, std::string_view data, mode_t mode) {
  std::string tmp = path + ".tmp";
  {
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
    if (!fd.valid()) return ErrnoStatus(errno, fmt::format("create {}", tmp));
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = ::write(fd.get(), data.data() + off, data.size() - off);
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, fmt::format("write {}", tmp));
      }
      off += static_cast<size_t>(n);
    }
    if (::fchmod(fd.get(), mode) != 0) return ErrnoStatus(errno, fmt::format("chmod {}", tmp));
    if (::fsync(fd.get()) != 0) return ErrnoStatus(errno, fmt::format("fsync {}", tmp));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return ErrnoStatus(errno, fmt::format("rename {} to {}", tmp, path));
  }
  auto slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  UniqueFd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.valid()) ::fsync(dfd.get());
  return Status::Ok();
}

Result<int64_t> FileSize(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return int64_t{0};
    return ErrnoStatus(errno, fmt::format("stat {}", path));
  }
  return static_cast<int64_t>(st.st_size);
}

bool PathExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace orchd
