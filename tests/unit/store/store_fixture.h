// A Store on a fresh temp directory with a FakeClock; background timers off, so tests drive
// expiry and compaction with RunMaintenance().
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "common/clock.h"
#include "store/store.h"
#include "testing/temp_dir.h"

namespace orchd::store {

struct StoreFixture {
  testing::TempDir dir;
  FakeClock clock;
  StoreOptions options;
  std::unique_ptr<Store> store;

  explicit StoreFixture(StoreOptions base = {}) : options(std::move(base)) {
    options.path = dir.File("state.db");
    options.background_maintenance = false;
    Open();
  }

  void Open() {
    store = std::make_unique<Store>(options, clock);
    Status s = store->Start();
    INFO(s.ToString());
    REQUIRE(s.ok());
  }

  void Reopen() {
    store->Stop();
    store.reset();
    Open();
  }

  Store& operator*() { return *store; }
  Store* operator->() { return store.get(); }
};

// Unwraps a Result in a test, failing with its Status otherwise.
template <typename T>
T Must(Result<T> r) {
  if (!r) FAIL(r.error().ToString());
  return std::move(*r);
}

}  // namespace orchd::store
