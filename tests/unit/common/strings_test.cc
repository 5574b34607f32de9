#include "common/strings.h"

#include <catch2/catch.hpp>

namespace orchd {
namespace {

TEST_CASE("ParseInt64 takes whole decimal numbers only", "[strings]") {
  CHECK(ParseInt64("0") == 0);
  CHECK(ParseInt64("-42") == -42);
  CHECK(ParseInt64("9223372036854775807") == INT64_MAX);
  for (std::string_view bad : {"", " 1", "1 ", "1x", "x1", "9223372036854775808", "+1", "1.5"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseInt64(bad).has_value());
  }
}

TEST_CASE("OneLine folds line breaks so a message stays on one line", "[strings]") {
  CHECK(OneLine("a\nb") == "a b");
  CHECK(OneLine("*** in database main ***\r\nPage 6: bad\n") ==
        "*** in database main *** Page 6: bad ");
  CHECK(OneLine("tab\there") == "tab here");
  CHECK(OneLine("plain") == "plain");
}

}  // namespace
}  // namespace orchd

namespace orchd {
namespace {

TEST_CASE("SplitLines: lines without their newline, a last unterminated line counts", "[strings]") {
  CHECK(SplitLines("").empty());
  CHECK(SplitLines("a\nb\n") == std::vector<std::string_view>{"a", "b"});
  CHECK(SplitLines("a\n\nb") == std::vector<std::string_view>{"a", "", "b"});
  CHECK(SplitLines("\n") == std::vector<std::string_view>{""});
}

}  // namespace
}  // namespace orchd
