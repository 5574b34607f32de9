// FlagSet: the command-line contract of one subcommand.
//
// Flags are `--name value` or `--name=value`; booleans are `--name` or `--name=true|false`;
// list flags may repeat. A flag not given on the command line is read from the environment as
// ORCHD_<NAME> (upper case, '-' -> '_'); list flags split the environment value on ','.
// Flags beat the environment. Unknown flags, missing values and malformed booleans are
// kInvalid with a one-line message naming the flag.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"

namespace orchd {

class FlagSet {
 public:
  using GetEnv = std::function<const char*(const char*)>;

  explicit FlagSet(std::string command) : command_(std::move(command)) {}

  void String(std::string name, std::string* target, std::string help);
  void Bool(std::string name, bool* target, std::string help);
  void StringList(std::string name, std::vector<std::string>* target, std::string help);

  // Parses `args` (without the program and subcommand names). `getenv` defaults to ::getenv.
  // Sets help_requested() on -h/--help and returns OK without reading further.
  Status Parse(std::span<const std::string> args, const GetEnv& getenv = nullptr);

  bool help_requested() const { return help_; }
  // Whether a flag was set on the command line or from the environment.
  bool IsSet(const std::string& name) const;
  // Where a flag's value came from, for messages: "--data-dir", or "ORCHD_DATA_DIR" when the
  // environment set it.
  std::string Source(const std::string& name) const;
  std::string Usage() const;

 private:
  enum class Kind { kString, kBool, kList };
  struct Flag {
    std::string name;
    Kind kind;
    void* target;
    std::string help;
    bool set = false;
    bool from_env = false;
  };
  Flag* Find(std::string_view name);
  Status Assign(Flag& flag, std::string_view value, std::string_view source);

  std::string command_;
  std::vector<Flag> flags_;
  bool help_ = false;
};

// The environment variable of a flag: "data-dir" -> "ORCHD_DATA_DIR".
std::string FlagEnvName(std::string_view flag);

}  // namespace orchd
