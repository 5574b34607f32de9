#include "common/flags.h"

#include <cstdlib>
#include <optional>

#include "common/check.h"
#include "common/result.h"

namespace orchd {

void FlagSet::String(std::string name, std::string* target, std::string help) {
  flags_.push_back({std::move(name), Kind::kString, target, std::move(help)});
}
void FlagSet::Bool(std::string name, bool* target, std::string help) {
  flags_.push_back({std::move(name), Kind::kBool, target, std::move(help)});
}
void FlagSet::StringList(std::string name, std::vector<std::string>* target, std::string help) {
  flags_.push_back({std::move(name), Kind::kList, target, std::move(help)});
}

std::string FlagEnvName(std::string_view flag) {
  std::string out = "ORCHD_";
  for (char c : flag) out += c == '-' ? '_' : static_cast<char>(std::toupper(c));
  return out;
}

FlagSet::Flag* FlagSet::Find(std::string_view name) {
  for (auto& f : flags_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool FlagSet::IsSet(const std::string& name) const {
  for (const auto& f : flags_) {
    if (f.name == name) return f.set;
  }
  return false;
}

Status FlagSet::Assign(Flag& flag, std::string_view value, std::string_view source) {
  switch (flag.kind) {
    case Kind::kString:
      *static_cast<std::string*>(flag.target) = std::string(value);
      break;
    case Kind::kBool:
      if (value == "true" || value == "1") {
        *static_cast<bool*>(flag.target) = true;
      } else if (value == "false" || value == "0") {
        *static_cast<bool*>(flag.target) = false;
      } else {
        return Error(Code::kInvalid, "invalid value \"{}\" for {} --{}: want true or false", value,
                     source, flag.name);
      }
      break;
    case Kind::kList: {
      auto* list = static_cast<std::vector<std::string>*>(flag.target);
      // The first assignment replaces the default; later ones append.
      if (!flag.set) list->clear();
      list->emplace_back(value);
      break;
    }
  }
  flag.set = true;
  return Status::Ok();
}

Status FlagSet::Parse(std::span<const std::string> args, const GetEnv& getenv_fn) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "-h" || arg == "--help") {
      help_ = true;
      return Status::Ok();
    }
    if (!arg.starts_with("--") || arg.size() == 2) {
      return Error(Code::kInvalid, "unexpected argument \"{}\" for \"orchd {}\"", arg, command_);
    }
    std::string_view body = arg.substr(2);
    std::string_view name = body;
    std::optional<std::string_view> value;
    if (auto eq = body.find('='); eq != std::string_view::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
    }
    Flag* flag = Find(name);
    if (!flag) return Error(Code::kInvalid, "unknown flag: --{}", name);
    if (!value) {
      if (flag->kind == Kind::kBool) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return Error(Code::kInvalid, "flag needs an argument: --{}", name);
      }
    }
    ORCHD_RETURN_IF_ERROR(Assign(*flag, *value, "flag"));
  }
  for (auto& flag : flags_) {
    if (flag.set) continue;
    std::string env = FlagEnvName(flag.name);
    const char* v = getenv_fn ? getenv_fn(env.c_str()) : std::getenv(env.c_str());
    if (!v || !*v) continue;
    flag.from_env = true;
    std::string source = fmt::format("environment variable {} for", env);
    if (flag.kind == Kind::kList) {
      std::string_view rest = v;
      while (!rest.empty()) {
        auto comma = rest.find(',');
        ORCHD_RETURN_IF_ERROR(Assign(flag, rest.substr(0, comma), source));
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    } else {
      ORCHD_RETURN_IF_ERROR(Assign(flag, v, source));
    }
  }
  return Status::Ok();
}

std::string FlagSet::Source(const std::string& name) const {
  for (const auto& f : flags_) {
    if (f.name == name && f.from_env) return FlagEnvName(name);
  }
  return "--" + name;
}

std::string FlagSet::Usage() const {
  std::string out = fmt::format("Usage: orchd {} [flags]\n\nFlags:\n", command_);
  for (const auto& f : flags_) {
    std::string lhs = fmt::format("  --{}{}", f.name, f.kind == Kind::kBool ? "" : " VALUE");
    out += fmt::format("{:<34} {} (${})\n", lhs, f.help, FlagEnvName(f.name));
  }
  return out;
}

}  // namespace orchd
