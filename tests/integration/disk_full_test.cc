// The store on a REAL full disk: a 1 MiB tmpfs, mounted in a private mount namespace of a forked
// child (so nothing leaks to the host, even if the child dies), filled with 4 KiB values until a
// write fails. The failure must be kInternalError saying "full", must take no revision, and must
// lose nothing acknowledged, then and after a reopen from the same files.
//
// Needs root (unshare(CLONE_NEWNS), mount). Without it, or where the kernel refuses a new mount
// namespace, the test prints a warning and passes.
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "common/clock.h"
#include "integration/subprocess.h"
#include "store/store.h"
#include "testing/temp_dir.h"

namespace orchd::testing {
namespace {

using std::chrono::seconds;

constexpr int kSkip = 77;        // the child could not set up the namespace or the mount
constexpr int kMaxKeys = 10000;  // 1 MiB must fill long before this
constexpr size_t kValueBytes = 4096;

// The child reports on stderr; any failure makes its exit code 1.
class Report {
 public:
  void Fail(const std::string& what) {
    std::fprintf(stderr, "FAIL: %s\n", what.c_str());
    ++failures_;
  }
  void Note(const std::string& what) { std::fprintf(stderr, "note: %s\n", what.c_str()); }
  bool ok() const { return failures_ == 0; }

 private:
  int failures_ = 0;
};

std::string ValueFor(int i) {
  std::string v = fmt::format("value {} ", i);
  v.resize(kValueBytes, static_cast<char>('a' + i % 26));
  return v;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Every acknowledged key reads back with its value; deleted ones are gone.
void CheckKeys(store::Store& s, const std::vector<std::string>& keys,
               const std::vector<int>& deleted, std::string_view when, Report& report) {
  int bad = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    bool gone = std::find(deleted.begin(), deleted.end(), static_cast<int>(i)) != deleted.end();
    auto kv = s.Get(keys[i]);
    if (gone) {
      if (kv || kv.error().code() != Code::kNotFound) {
        report.Fail(fmt::format("{}: deleted key {} still readable", when, keys[i]));
      }
    } else if (!kv) {
      if (bad++ < 5) report.Fail(fmt::format("{}: {}: {}", when, keys[i], kv.error()));
    } else if (kv->value != ValueFor(static_cast<int>(i))) {
      if (bad++ < 5) report.Fail(fmt::format("{}: {} has the wrong value", when, keys[i]));
    }
  }
  if (bad > 0) report.Fail(fmt::format("{}: {} acknowledged keys lost or wrong", when, bad));
}

void FillAndCheck(const std::string& db, Report& report) {
  RealClock clock;
  const store::StoreOptions options{
      .path = db, .history_window = std::chrono::hours(24), .background_maintenance = false};
  std::vector<std::string> keys;  // acknowledged creates; value ValueFor(index)
  std::vector<int> deleted;       // indexes of keys deleted after the disk filled
  {
    store::Store s(options, clock);
    if (Status st = s.Start(); !st.ok()) return report.Fail(fmt::format("start: {}", st));
    Status failure;
    for (int i = 0; i < kMaxKeys; ++i) {
      std::string key = fmt::format("/registry/configmaps/full/k{:05}", i);
      auto kv = s.Create(key, ValueFor(i));
      if (!kv) {
        failure = kv.error();
        break;
      }
      keys.push_back(std::move(key));
    }
    if (failure.ok())
      return report.Fail(fmt::format("{} keys written, the disk never filled", kMaxKeys));
    report.Note(fmt::format("disk full after {} acknowledged keys: {}", keys.size(), failure));
    if (keys.empty()) report.Fail("not one write succeeded before the disk was full");
    if (failure.code() != Code::kInternalError) {
      report.Fail(fmt::format("want kInternalError, got {}", failure));
    }
    if (Lower(failure.message()).find("full") == std::string::npos) {
      report.Fail(fmt::format("the message does not say the disk is full: {}", failure));
    }
    if (s.CurrentRevision() != static_cast<store::Revision>(keys.size())) {
      report.Fail(fmt::format("revision {} after {} acknowledged writes: the failed write took one",
                              s.CurrentRevision(), keys.size()));
    }
    CheckKeys(s, keys, deleted, "after the failure", report);

    // Not a requirement (reported, not enforced): can deletes free room for new writes?
    for (int i = 0; i < 4 && i < static_cast<int>(keys.size()); ++i) {
      auto d = s.Delete(keys[static_cast<size_t>(i)]);
      if (d) {
        deleted.push_back(i);
      } else {
        report.Note(
            fmt::format("delete {} on the full disk: {}", keys[static_cast<size_t>(i)], d.error()));
      }
    }
    auto again = s.Create("/registry/configmaps/full/after", "small");
    report.Note(fmt::format("after {} deletes, a small create: {}", deleted.size(),
                            again ? "ok" : again.error().ToString()));
    if (again) {
      s.Delete("/registry/configmaps/full/after").status().IgnoreError();
    }
    CheckKeys(s, keys, deleted, "after the deletes", report);
    s.Stop();
  }
  {
    store::Store s(options, clock);
    if (Status st = s.Start(); !st.ok()) {
      return report.Fail(fmt::format("reopen from the same files: {}", st));
    }
    CheckKeys(s, keys, deleted, "after the reopen", report);
    auto more = s.Create("/registry/configmaps/full/after-reopen", "small");
    report.Note(
        fmt::format("after the reopen, a small create: {}", more ? "ok" : more.error().ToString()));
    s.Stop();
  }
}

// The forked child: a private mount namespace, a 1 MiB tmpfs on `mount_point`, the checks.
int ChildMain(const std::string& mount_point) {
  Report report;
  if (::unshare(CLONE_NEWNS) != 0) {
    std::fprintf(stderr, "unshare(CLONE_NEWNS): %s\n", std::strerror(errno));
    return errno == EPERM ? kSkip : 1;
  }
  // Private first, so the tmpfs below never propagates to the host's namespace.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    std::fprintf(stderr, "make / rprivate: %s\n", std::strerror(errno));
    return errno == EPERM ? kSkip : 1;
  }
  if (::mount("orchd-disk-full-test", mount_point.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
              "size=1m,mode=0700") != 0) {
    std::fprintf(stderr, "mount tmpfs on %s: %s\n", mount_point.c_str(), std::strerror(errno));
    return errno == EPERM ? kSkip : 1;
  }
  FillAndCheck(mount_point + "/state.db", report);
  if (::umount2(mount_point.c_str(), 0) != 0) {
    report.Fail(fmt::format("umount {}: {}", mount_point, std::strerror(errno)));
  }
  return report.ok() ? 0 : 1;
}

TEST_CASE("a full disk fails writes cleanly and loses no acknowledged write", "[disk][root]") {
  if (::geteuid() != 0) {
    WARN("skipped: a real full disk needs root (a mount namespace and a tmpfs)");
    return;
  }
  TempDir dir;
  REQUIRE(!dir.path().empty());
  const std::string mount_point = dir.File("mnt");
  REQUIRE(::mkdir(mount_point.c_str(), 0700) == 0);

  auto child = Subprocess::Fork([&] { return ChildMain(mount_point); });
  INFO((child ? std::string() : child.error().ToString()));
  REQUIRE(child.has_value());
  auto status = (*child)->Wait(After(seconds(180)));
  const std::string report = (*child)->err();
  std::printf("disk_full_test child:\n%s", report.c_str());
  INFO("child stderr:\n" << report);
  REQUIRE(status.has_value());
  if (status->Exited(kSkip)) {
    WARN("skipped: " << report);
    return;
  }
  CHECK(status->Exited(0));
  INFO(status->ToString());

  // The tmpfs lived in the child's namespace only: here the directory is still on the parent's
  // file system.
  struct stat mnt {
  }, parent{};
  REQUIRE(::stat(mount_point.c_str(), &mnt) == 0);
  REQUIRE(::stat(dir.path().c_str(), &parent) == 0);
  CHECK(mnt.st_dev == parent.st_dev);
}

}  // namespace
}  // namespace orchd::testing
