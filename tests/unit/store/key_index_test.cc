// KeyIndex: the in-memory index by name of the rows the log holds.
#include "store/key_index.h"

#include <catch2/catch.hpp>

namespace orchd::store {
namespace {

using V = KeyIndex::Version;

TEST_CASE("key index: a key's row at a revision, tombstones included", "[key_index]") {
  KeyIndex index;
  index.Add("/a", V{1, 1, 0, false});
  index.Add("/a", V{3, 1, 0, false});
  index.Add("/a", V{5, 1, 0, true});   // deleted at 5
  index.Add("/a", V{8, 8, 0, false});  // a new incarnation
  CHECK_FALSE(index.At("/a", 0).has_value());
  CHECK(index.At("/a", 1)->id == 1);
  CHECK(index.At("/a", 4)->id == 3);
  CHECK(index.At("/a", 6)->deleted);
  CHECK(index.At("/a", INT64_MAX)->create_revision == 8);
  CHECK_FALSE(index.At("/b", INT64_MAX).has_value());

  // Compaction to 5 removes the superseded rows 1 and 3, then the tombstone.
  index.Remove("/a", 1);
  index.Remove("/a", 3);
  CHECK_FALSE(index.At("/a", 4).has_value());
  index.Remove("/a", 5);
  index.Remove("/a", 99);  // not held: nothing happens
  CHECK(index.At("/a", 7) == std::nullopt);
  CHECK(index.At("/a", 8)->id == 8);
  CHECK(index.key_count() == 1);
  index.Remove("/a", 8);
  CHECK(index.key_count() == 0);
}

TEST_CASE("key index: a compaction step removes many versions of several keys at once",
          "[key_index]") {
  KeyIndex index;
  std::vector<KeyIndex::Added> rows;
  for (Revision id = 1; id <= 20; ++id)
    rows.push_back({id % 2 ? "/odd" : "/even", V{id, 1, 0, false}});
  index.AddAll(rows);
  // Everything but the two newest rows of each key, given out of order.
  std::vector<std::pair<std::string, Revision>> removed;
  for (Revision id = 16; id >= 1; --id) removed.emplace_back(id % 2 ? "/odd" : "/even", id);
  removed.emplace_back("/missing", 3);
  index.RemoveAll(removed);
  CHECK_FALSE(index.At("/odd", 16).has_value());
  CHECK(index.At("/odd", 17)->id == 17);
  CHECK(index.At("/odd", INT64_MAX)->id == 19);
  CHECK(index.At("/even", 18)->id == 18);
  CHECK(index.At("/even", INT64_MAX)->id == 20);
  // Removing a key's newest row promotes the one before it; removing all of them drops the key.
  index.RemoveAll({{"/even", 20}});
  CHECK(index.At("/even", INT64_MAX)->id == 18);
  index.RemoveAll({{"/odd", 17}, {"/odd", 19}});
  CHECK(index.key_count() == 1);
}

TEST_CASE("key index: live keys of a range, after a key, at a revision, bounded", "[key_index]") {
  KeyIndex index;
  index.Add("/p/a", V{1, 1, 0, false});
  index.Add("/p/b", V{2, 2, 0, false});
  index.Add("/p/c", V{3, 3, 0, false});
  index.Add("/q/d", V{4, 4, 0, false});
  index.Add("/p/b", V{5, 2, 0, true});
  KeyRange p = PrefixRange("/p/");
  CHECK(index.Live(p, INT64_MAX, "", 100) == std::vector<Revision>{1, 3});
  CHECK(index.Live(p, 4, "", 100) == std::vector<Revision>{1, 2, 3});
  CHECK(index.Live(p, 2, "", 100) == std::vector<Revision>{1, 2});
  CHECK(index.Live(p, 4, "/p/a", 100) == std::vector<Revision>{2, 3});
  CHECK(index.Live(p, 4, "/a", 100) == std::vector<Revision>{1, 2, 3});  // before the range
  CHECK(index.Live(p, 4, "", 2) == std::vector<Revision>{1, 2});
  CHECK(index.Live(PrefixRange(""), INT64_MAX, "", 100) == std::vector<Revision>{1, 3, 4});
}

TEST_CASE("key index: expiring keys are the live ones whose newest row has an expiry",
          "[key_index]") {
  KeyIndex index;
  index.Add("/e/1", V{1, 1, 1000, false});
  index.Add("/e/2", V{2, 2, 2000, false});
  index.Add("/e/2", V{3, 2, 0, false});  // rewritten without a time to live
  index.Add("/e/3", V{4, 4, 3000, false});
  index.Add("/e/3", V{5, 4, 0, true});  // deleted
  CHECK(index.Expiring() == std::vector<Revision>{1});
}

}  // namespace
}  // namespace orchd::store
