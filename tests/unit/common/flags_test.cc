#include "common/flags.h"

#include <catch2/catch.hpp>
#include <map>

namespace orchd {
namespace {

struct Fixture {
  std::string dir = "/var/lib/orchd";
  bool agentless = false;
  std::vector<std::string> sans;
  FlagSet flags{"server"};
  std::map<std::string, std::string> env;
  Fixture() {
    flags.String("data-dir", &dir, "state");
    flags.Bool("disable-agent", &agentless, "no agent");
    flags.StringList("tls-san", &sans, "names");
  }
  Status Parse(std::vector<std::string> args) {
    return flags.Parse(args, [this](const char* name) -> const char* {
      auto it = env.find(name);
      return it == env.end() ? nullptr : it->second.c_str();
    });
  }
};

TEST_CASE("flags take --name value, --name=value and bare booleans", "[flags]") {
  Fixture f;
  REQUIRE(f.Parse({"--data-dir", "/d", "--disable-agent", "--tls-san=a", "--tls-san", "b"}).ok());
  CHECK(f.dir == "/d");
  CHECK(f.agentless);
  CHECK(f.sans == std::vector<std::string>{"a", "b"});
}

TEST_CASE("flags beat the environment, which beats the default", "[flags]") {
  Fixture f;
  f.env["ORCHD_DATA_DIR"] = "/from-env";
  f.env["ORCHD_DISABLE_AGENT"] = "true";
  f.env["ORCHD_TLS_SAN"] = "x,y";
  REQUIRE(f.Parse({"--data-dir=/from-flag"}).ok());
  CHECK(f.dir == "/from-flag");
  CHECK(f.agentless);
  CHECK(f.sans == std::vector<std::string>{"x", "y"});
}

TEST_CASE("bad flags are one clear error naming the flag", "[flags]") {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{"--nope"}, "unknown flag: --nope"},
      {{"--data-dir"}, "flag needs an argument: --data-dir"},
      {{"--disable-agent=maybe"},
       "invalid value \"maybe\" for flag --disable-agent: want true or false"},
      {{"stray"}, "unexpected argument \"stray\" for \"orchd server\""},
  };
  for (const auto& c : cases) {
    Fixture f;
    Status s = f.Parse(c.args);
    CHECK(s.code() == Code::kInvalid);
    CHECK(s.message() == c.message);
  }
  Fixture f;
  f.env["ORCHD_DISABLE_AGENT"] = "yes";
  CHECK(f.Parse({}).message() ==
        "invalid value \"yes\" for environment variable ORCHD_DISABLE_AGENT for --disable-agent: "
        "want true or false");
}

TEST_CASE("--help stops parsing and usage lists every flag with its variable", "[flags]") {
  Fixture f;
  REQUIRE(f.Parse({"--help", "--nope"}).ok());
  CHECK(f.flags.help_requested());
  std::string usage = f.flags.Usage();
  CHECK(usage.find("--data-dir VALUE") != std::string::npos);
  CHECK(usage.find("$ORCHD_TLS_SAN") != std::string::npos);
}

}  // namespace
}  // namespace orchd
